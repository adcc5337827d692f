//! `CallDiscordApi`: any Discord REST route by method and path (relative to `/api/v10`), for
//! routes that have no typed RPC yet. With `files` the request is `multipart/form-data`:
//! `json` becomes the `payload_json` part (with `attachments` entries added for the files
//! unless `json` has an `attachments` key) and each file a part `files[n]`.
//! <https://discord.com/developers/docs/reference#http-api>
//!
//! The request goes through the same request loop as every typed RPC: its rate-limit bucket is
//! keyed by the route template and major parameter derived from the path (see
//! `discord::route::dynamic`), so a `POST /channels/{channel_id}/messages` waits in the same
//! bucket as `SendChannelMessage`; 429s are waited out; 5xx answers and network failures are
//! retried for GET, PUT, PATCH and DELETE, never for POST; invalid requests are counted; a ban
//! or a revoked token stops it. A path holding a webhook or interaction token is never logged:
//! log lines and errors name its template.

use crate::discord::request::any::AnyRequest;
use crate::discord::request::message::limits;
use crate::discord::route::dynamic::{DynamicRoute, parse_method};
use crate::rpc::caller;
use crate::{
    error::{Error, Result},
    state::ProxyState,
};
use discordproxy_proto::{CallDiscordApiRequest, CallDiscordApiResponse};
use http::Method;
use serde_json::Value;
use std::sync::Arc;
use tokio::time::Instant;

/// The route template of Start Thread (in a forum or media channel: with `message`).
const FORUM_POST: &str = "POST /channels/{channel_id}/threads";

/// Handles one call: validates it, checks the API key's route templates, and sends one
/// request (plus retries where safe); answers Discord's 2xx status and body.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `method` not GET, POST, PUT, PATCH or
///   DELETE; a refused `path` (absolute URL, `..`, empty segment, query or fragment, `/api`
///   prefix, non-ASCII or control characters); `query[i].name` empty; `json` that is not JSON
///   (or, with files, not a JSON object).
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: files over Discord's
///   limits (count, sizes, empty filename), `files` with a method other than POST, PUT and
///   PATCH.
/// - `PERMISSION_DENIED`, plain text, no request: the API key's allow-list names
///   `CallDiscordApi` only for other route templates.
/// - Discord's error answers by the status table with Discord's JSON details (e.g. 404/10003
///   `NOT_FOUND`, 403/50013 `PERMISSION_DENIED`, 400/50035 `INVALID_ARGUMENT`); 429s beyond
///   the waits `RESOURCE_EXHAUSTED`; `UNAVAILABLE` when Discord is unreachable or the IP is
///   banned; `DEADLINE_EXCEEDED`.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: CallDiscordApiRequest,
    deadline: Instant,
) -> Result<CallDiscordApiResponse> {
    let method = parse_method(&request.method)?;
    let files_allowed = matches!(method, Method::POST | Method::PUT | Method::PATCH);
    let route = DynamicRoute::new(method.clone(), &request.path)?;
    // The API key's route list first: a key that may not call the route learns nothing more.
    if !caller::allows_route(route.derived_template()) {
        return Err(Error::PermissionDenied(format!(
            "API key {:?} may not call CallDiscordApi for {}",
            caller::key_name().unwrap_or_default(),
            route.derived_template()
        )));
    }
    if !request.files.is_empty() && !files_allowed {
        return Err(Error::InvalidArgument(format!(
            "files are uploaded with POST, PUT or PATCH only, not {method}"
        )));
    }
    let mut query = Vec::with_capacity(request.query.len());
    for (index, pair) in request.query.iter().enumerate() {
        if pair.name.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "query[{index}].name must not be empty"
            )));
        }
        query.push((pair.name.as_str(), pair.value.as_str()));
    }
    let (mut body, json_text) = json_body(&request.json, !request.files.is_empty())?;
    if !request.files.is_empty() {
        limits::check_files(&request.files)?;
        let payload = body.get_or_insert_with(|| Value::Object(serde_json::Map::new()));
        let Value::Object(fields) = payload else {
            return Err(Error::InvalidArgument(
                "json must be a JSON object when files are sent (it becomes payload_json)".into(),
            ));
        };
        // A forum or media post (`POST /channels/{id}/threads` with a `message`) describes its
        // files in the message, as StartThreadInForumOrMediaChannel sends them.
        let forum_post = route.derived_template() == FORUM_POST;
        let described = match fields.get_mut("message") {
            Some(Value::Object(message)) if forum_post => message,
            _ => fields,
        };
        described.entry("attachments").or_insert_with(|| {
            Value::Array(crate::convert::file::attachment_entries(&request.files))
        });
    }
    let files = crate::convert::file::parts(&request.files);
    limits::check_upload(body.as_ref(), &files)?;
    tracing::info!(
        rpc = "CallDiscordApi",
        route = route.derived_template(),
        "received request"
    );
    let answer = state
        .rest
        .call_any(
            AnyRequest {
                route,
                query,
                body: body.as_ref(),
                json_text,
                files: &files,
                audit_log_reason: &request.audit_log_reason,
            },
            deadline,
        )
        .await?;
    Ok(CallDiscordApiResponse {
        status: i32::from(answer.status),
        json: answer.text,
    })
}

/// The request's `json`: empty → no body; without files the text itself, sent as written
/// (checked to be JSON, never re-serialized: integers beyond 64 bits, duplicate keys and
/// spacing stay as the caller wrote them); with files the parsed document, which gets the
/// `attachments` entries and becomes `payload_json`.
///
/// # Errors
/// [`Error::InvalidArgument`] naming `json` when it is not a JSON document.
fn json_body(json: &str, with_files: bool) -> Result<(Option<Value>, Option<&str>)> {
    let invalid = |error: serde_json::Error| {
        Error::InvalidArgument(format!("json must be a JSON document: {error}"))
    };
    if json.is_empty() {
        return Ok((None, None));
    }
    if with_files {
        return Ok((Some(serde_json::from_str(json).map_err(invalid)?), None));
    }
    serde_json::from_str::<serde::de::IgnoredAny>(json).map_err(invalid)?;
    Ok((None, Some(json)))
}

#[cfg(test)]
mod json_tests {
    use super::*;

    #[test]
    fn json_without_files_is_sent_as_written() {
        // Regression: the text was parsed and re-serialized, so 123456789012345678901234
        // reached Discord as 1.2345678901234569e+23 and a repeated key lost a value.
        let text = r#"{"nonce": 123456789012345678901234, "a": 1, "a": 2, "big": 1e400}"#;
        assert_eq!(json_body(text, false).unwrap(), (None, Some(text)));
        assert_eq!(json_body("", false).unwrap(), (None, None));
        assert!(
            matches!(json_body("{not json", false), Err(Error::InvalidArgument(text)) if text.starts_with("json "))
        );
        let (value, text) = json_body(r#"{"content": "x"}"#, true).unwrap();
        assert_eq!(
            (value.unwrap()["content"].as_str(), text),
            (Some("x"), None)
        );
    }
}
