//! The one table from [`Error`] to `tonic::Status`.
//!
//! Discord HTTP errors keep the original discordproxy contract: the gRPC code follows the HTTP
//! status and the status message is the JSON
//! `{"type": "HTTPException", "status": <int>, "code": <int>, "text": <str>}` that the original
//! Python client parses into `DiscordProxyHttpError`. All other failures carry plain text; a
//! rate-limit slot beyond the deadline also carries a `google.rpc.RetryInfo` in the rich status
//! details (`grpc-status-details-bin`).

use crate::error::{DiscordHttpError, Error};
use tonic::{
    Code, Status,
    metadata::{MetadataMap, MetadataValue},
};
use tonic_types::{ErrorDetails, StatusExt};

/// Trailing metadata of a lagging `StreamEvents` subscriber's `RESOURCE_EXHAUSTED`: the position
/// it can resume after (`StreamEventsRequest.resume_after`), decimal.
pub const RESUME_AFTER_METADATA: &str = "discordproxy-resume-after";

/// gRPC code for a Discord HTTP status, as the original server mapped it; 413 (Request entity
/// too large, which the original could not meet: it sent no files) is `INVALID_ARGUMENT`.
pub fn code_for_http_status(status: u16) -> Code {
    match status {
        400 | 405 | 413 => Code::InvalidArgument,
        401 => Code::Unauthenticated,
        403 => Code::PermissionDenied,
        404 => Code::NotFound,
        429 => Code::ResourceExhausted,
        500 => Code::Internal,
        502 => Code::Unavailable,
        504 => Code::DeadlineExceeded,
        501..=599 => Code::Internal,
        _ => Code::Unknown,
    }
}

/// The JSON status message of a Discord HTTP error.
pub fn http_error_details(error: &DiscordHttpError) -> String {
    serde_json::json!({
        "type": "HTTPException",
        "status": error.status,
        "code": error.code,
        "text": error.text,
    })
    .to_string()
}

impl From<Error> for Status {
    fn from(error: Error) -> Self {
        match error {
            Error::Discord(http) => {
                Status::new(code_for_http_status(http.status), http_error_details(&http))
            }
            Error::InvalidArgument(message) => Status::invalid_argument(message),
            Error::Unavailable(message) => {
                Status::unavailable(format!("Discord is unreachable: {message}"))
            }
            Error::DeadlineExceeded(message) => Status::deadline_exceeded(message),
            error @ Error::RateLimited { retry_after, .. } => {
                let retry = ErrorDetails::with_retry_info(Some(retry_after));
                Status::with_error_details(
                    Code::ResourceExhausted,
                    format!("{error}; retry after {:.3} s", retry_after.as_secs_f64()),
                    retry,
                )
            }
            Error::Unauthenticated(message) => Status::unauthenticated(message),
            Error::PermissionDenied(message) => Status::permission_denied(message),
            Error::Internal(message) => Status::internal(message),
            error @ Error::Overloaded { .. } => Status::resource_exhausted(error.to_string()),
            error @ Error::StreamLagged { resume_after, .. } => {
                let mut metadata = MetadataMap::new();
                metadata.insert(RESUME_AFTER_METADATA, MetadataValue::from(resume_after));
                Status::with_metadata(Code::ResourceExhausted, error.to_string(), metadata)
            }
            error @ Error::ChunksLagged { .. } => Status::resource_exhausted(error.to_string()),
            error @ Error::ShuttingDown => Status::unavailable(error.to_string()),
            Error::FailedPrecondition(message) => Status::failed_precondition(message),
            Error::NotFound(message) => Status::not_found(message),
            Error::GatewayUnavailable(message) => Status::unavailable(message),
            error @ Error::GatewayRateLimited { retry_after, .. } => Status::with_error_details(
                Code::ResourceExhausted,
                error.to_string(),
                ErrorDetails::with_retry_info(Some(retry_after)),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn discord(status: u16, code: u64, text: &str) -> Status {
        Error::Discord(DiscordHttpError {
            status,
            code,
            text: text.to_owned(),
        })
        .into()
    }

    #[test]
    fn http_status_table() {
        let table = [
            (400, Code::InvalidArgument),
            (401, Code::Unauthenticated),
            (403, Code::PermissionDenied),
            (404, Code::NotFound),
            (405, Code::InvalidArgument),
            (413, Code::InvalidArgument),
            (429, Code::ResourceExhausted),
            (500, Code::Internal),
            (502, Code::Unavailable),
            (503, Code::Internal),
            (504, Code::DeadlineExceeded),
            (418, Code::Unknown),
            (302, Code::Unknown),
        ];
        for (http, grpc) in table {
            assert_eq!(discord(http, 0, "x").code(), grpc, "HTTP {http}");
        }
    }

    #[test]
    fn discord_errors_carry_the_original_json_details() {
        let status = discord(403, 50007, "Cannot send messages to this user");
        let details: serde_json::Value = serde_json::from_str(status.message()).unwrap();
        assert_eq!(
            details,
            serde_json::json!({
                "type": "HTTPException",
                "status": 403,
                "code": 50007,
                "text": "Cannot send messages to this user",
            })
        );
    }

    #[test]
    fn other_errors_are_plain_text() {
        let cases: [(Error, Code); 6] = [
            (
                Error::InvalidArgument("user_id must not be 0".into()),
                Code::InvalidArgument,
            ),
            (
                Error::Unavailable("connection refused".into()),
                Code::Unavailable,
            ),
            (
                Error::DeadlineExceeded("deadline passed".into()),
                Code::DeadlineExceeded,
            ),
            (Error::Internal("bad body".into()), Code::Internal),
            (
                Error::Unauthenticated("invalid API key".into()),
                Code::Unauthenticated,
            ),
            (
                Error::PermissionDenied("API key \"x\" may not call SendDirectMessage".into()),
                Code::PermissionDenied,
            ),
        ];
        for (error, code) in cases {
            let status = Status::from(error);
            assert_eq!(status.code(), code);
            assert!(serde_json::from_str::<serde_json::Value>(status.message()).is_err());
        }
    }

    #[test]
    fn overload_is_resource_exhausted_naming_the_bound() {
        let status = Status::from(Error::Overloaded { max_pending: 10 });
        assert_eq!(status.code(), Code::ResourceExhausted);
        assert_eq!(
            status.message(),
            "server overloaded: 10 calls are already in progress (--max-pending); retry later"
        );
        assert!(status.get_details_retry_info().is_none());
    }

    #[test]
    fn a_lagging_subscriber_is_resource_exhausted_saying_what_it_missed() {
        let status = Status::from(Error::StreamLagged {
            capacity: 1024,
            missed: 7,
            resume_after: 4242,
        });
        assert_eq!(status.code(), Code::ResourceExhausted);
        assert_eq!(
            status.message(),
            "subscriber fell more than 1024 events behind and missed 7 events; subscribe again \
             with resume_after=4242 and the same epoch (and read faster) to continue"
        );
        assert_eq!(
            status.metadata().get(RESUME_AFTER_METADATA).unwrap(),
            "4242"
        );
    }

    #[test]
    fn lagging_member_chunks_are_resource_exhausted_without_a_resume_hint() {
        let status = Status::from(Error::ChunksLagged {
            capacity: 1024,
            missed: 9,
        });
        assert_eq!(status.code(), Code::ResourceExhausted);
        assert!(status.message().contains("request the members again"));
        assert!(!status.message().contains("resume_after"));
        assert!(status.metadata().get(RESUME_AFTER_METADATA).is_none());
    }

    #[test]
    fn shutdown_is_unavailable_in_plain_text() {
        let status = Status::from(Error::ShuttingDown);
        assert_eq!(status.code(), Code::Unavailable);
        assert_eq!(status.message(), "server shutting down");
    }

    #[test]
    fn no_rate_limit_slot_is_resource_exhausted_with_retry_info() {
        let status = Status::from(Error::RateLimited {
            bucket: "POST /channels/{channel_id}/messages (major 5)".into(),
            retry_after: std::time::Duration::from_millis(4200),
        });
        assert_eq!(status.code(), Code::ResourceExhausted);
        assert!(
            status
                .message()
                .contains("POST /channels/{channel_id}/messages (major 5)"),
            "{}",
            status.message()
        );
        assert!(status.message().contains("4.200 s"), "{}", status.message());
        let retry = status.get_details_retry_info().expect("RetryInfo");
        assert_eq!(
            retry.retry_delay,
            Some(std::time::Duration::from_millis(4200))
        );
    }

    #[test]
    fn gateway_command_refusals_are_plain_text_with_their_codes() {
        let cases = [
            (
                Error::FailedPrecondition("add GUILD_MEMBERS to --intents".into()),
                Code::FailedPrecondition,
            ),
            (
                Error::NotFound("the bot is not in guild 5".into()),
                Code::NotFound,
            ),
            (
                Error::GatewayUnavailable("shard 0 is not connected".into()),
                Code::Unavailable,
            ),
        ];
        for (error, code) in cases {
            let text = error.to_string();
            let status = Status::from(error);
            assert_eq!(status.code(), code);
            assert_eq!(status.message(), text, "no prefix added");
        }
        let status = Status::from(Error::GatewayRateLimited {
            command: "REQUEST_GUILD_MEMBERS (op 8)".into(),
            retry_after: std::time::Duration::from_millis(1500),
        });
        assert_eq!(status.code(), Code::ResourceExhausted);
        assert_eq!(
            status.message(),
            "Discord's gateway rate limited REQUEST_GUILD_MEMBERS (op 8); retry after 1.500 s"
        );
        assert_eq!(
            status
                .get_details_retry_info()
                .expect("RetryInfo")
                .retry_delay,
            Some(std::time::Duration::from_millis(1500))
        );
    }
}
