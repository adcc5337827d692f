//! Error texts, worded as the original client's exceptions (`DiscordProxyHttpError`,
//! `DiscordProxyGrpcError`) print themselves.

use discordproxy_proto::code_name;
use tonic::Status;

/// Describes a failed call: Discord HTTP errors (JSON details) and other gRPC errors.
pub fn describe(status: &Status) -> String {
    match serde_json::from_str::<serde_json::Value>(status.message()) {
        Ok(details) if details.get("type").and_then(|t| t.as_str()) == Some("HTTPException") => {
            format!(
                "HTTP error from the Discord API. HTTP status code: {} - JSON error code: {} - \
                 Error message: {}",
                details["status"],
                details["code"],
                details["text"].as_str().unwrap_or_default()
            )
        }
        _ => grpc_error(status),
    }
}

/// The original's `DiscordProxyGrpcError` text.
pub fn grpc_error(status: &Status) -> String {
    format!(
        "gRPC error. Status code: {} - Error message: {}",
        code_name(status.code()),
        status.message()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discord_http_error_is_worded_like_the_original() {
        let details = r#"{"type": "HTTPException", "status": 403, "code": 50007, "text": "Cannot send messages to this user"}"#;
        assert_eq!(
            describe(&Status::permission_denied(details)),
            "HTTP error from the Discord API. HTTP status code: 403 - JSON error code: 50007 - \
             Error message: Cannot send messages to this user"
        );
    }

    #[test]
    fn other_errors_name_the_grpc_code() {
        assert_eq!(
            describe(&Status::unavailable("connection refused")),
            "gRPC error. Status code: UNAVAILABLE - Error message: connection refused"
        );
    }
}
