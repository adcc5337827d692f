//! Helpers of the message scenarios (issue 12): the fixture's ids, the REST request the
//! emulator received for a call, Discord's OpenAPI judging its body, and a call's JSON details.

use discord_emulator::RecordedRequest;
use discordproxy_proto::{SendChannelMessageRequest, SendChannelMessageResponse};
use discordproxy_tests::{openapi::Spec, stack::Stack};
use serde_json::{Value, json};
use std::sync::OnceLock;
use tonic::Code;

pub const GUILD: u64 = 300_000_000_000_000_001;
pub const GENERAL: u64 = 400_000_000_000_000_002;
pub const ANNOUNCEMENTS: u64 = 400_000_000_000_000_004;
pub const STAFF_ONLY: u64 = 400_000_000_000_000_007;
pub const READ_ONLY: u64 = 400_000_000_000_000_008;
pub const UNKNOWN_CHANNEL: u64 = 400_000_000_000_000_999;

/// Discord's OpenAPI description, loaded once for the scenarios.
pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(Spec::load)
}

/// The JSON details of a Discord HTTP error.
pub fn details(status: &tonic::Status) -> Value {
    serde_json::from_str(status.message())
        .unwrap_or_else(|_| panic!("Discord errors carry JSON details: {status:?}"))
}

/// Asserts a status carries plain text (no Discord JSON) and returns it.
pub fn plain_text(status: &tonic::Status) -> &str {
    assert!(
        serde_json::from_str::<Value>(status.message()).is_err(),
        "plain text expected: {}",
        status.message()
    );
    status.message()
}

/// The requests the emulator received after the first `skip`.
pub fn requests_since(stack: &Stack, skip: usize) -> Vec<RecordedRequest> {
    stack.emulator.requests().into_iter().skip(skip).collect()
}

/// The one REST request the emulator received after the first `skip`.
pub fn only_request_since(stack: &Stack, skip: usize) -> RecordedRequest {
    let requests = requests_since(stack, skip);
    assert_eq!(
        requests.len(),
        1,
        "exactly one REST request: {:?}",
        requests
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect::<Vec<_>>()
    );
    requests.into_iter().next().unwrap()
}

/// `METHOD /path` of a recorded request, without the `/api/v10` prefix.
pub fn route(request: &RecordedRequest) -> String {
    format!(
        "{} {}",
        request.method,
        request.path.trim_start_matches("/api/v10")
    )
}

/// Asserts Discord's OpenAPI accepts the request's JSON body.
pub fn judge_body(request: &RecordedRequest) -> Value {
    let body = request.body.clone().expect("a JSON body");
    if let Err(error) = spec().validate_request(&request.method, &request.path, &body) {
        panic!("Discord's spec rejects the body: {error}\n  body: {body}");
    }
    body
}

/// Asserts the emulator's 2xx answer validates against Discord's OpenAPI response schema.
pub fn judge_response(request: &RecordedRequest) {
    let status = request.status.expect("answered");
    let body = request.response.as_ref().expect("a JSON answer");
    if let Err(error) = spec().validate_response(&request.method, &request.path, status, body) {
        panic!("Discord's spec rejects the answer: {error}");
    }
}

/// The body without the `nonce` and `enforce_nonce` the server adds.
pub fn without_nonce(mut body: Value) -> Value {
    if let Some(object) = body.as_object_mut() {
        object.remove("nonce");
        object.remove("enforce_nonce");
    }
    body
}

/// Sends `content` to #general and returns the reply.
pub async fn send(stack: &Stack, content: &str) -> SendChannelMessageResponse {
    stack
        .client()
        .await
        .send_channel_message(SendChannelMessageRequest {
            channel_id: GENERAL,
            content: content.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
}

/// The `X-Audit-Log-Reason` header the emulator received with `request`, percent-decoded.
pub fn audit_log_reason(request: &RecordedRequest) -> Option<String> {
    request.audit_log_reason.clone()
}

/// A snowflake made now (as Discord would for a new message).
pub fn fresh_snowflake(increment: u64) -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    ((now - 1_420_070_400_000) << 22) + increment
}

/// How many requests the emulator has received so far (pass to [`requests_since`]).
pub fn skip(stack: &Stack) -> usize {
    stack.emulator.requests().len()
}

/// The JSON the emulator answered, which an RPC's `json` must be exactly.
pub fn answered(request: &RecordedRequest) -> Value {
    request.response.clone().expect("a JSON answer")
}

/// Asserts a Discord error: the gRPC code and the JSON details.
#[track_caller]
pub fn discord_error(status: &tonic::Status, code: Code, http: u16, json_code: u64, text: &str) {
    assert_eq!(status.code(), code, "{status:?}");
    assert_eq!(
        details(status),
        json!({"type": "HTTPException", "status": http, "code": json_code, "text": text})
    );
}

/// Asserts a 400/50035 refusal whose text names `line`, and that no request was sent since
/// `start`.
#[track_caller]
pub fn refused_before_request(stack: &Stack, start: usize, status: &tonic::Status, line: &str) {
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    let details = details(status);
    assert_eq!(
        (details["status"].clone(), details["code"].clone()),
        (json!(400), json!(50035))
    );
    let text = details["text"].as_str().unwrap();
    assert!(text.starts_with("Invalid Form Body\n"), "{text}");
    assert!(text.contains(line), "{text}");
    assert!(requests_since(stack, start).is_empty());
}

/// Asserts a plain-text `INVALID_ARGUMENT` containing `part`, and no request since `start`.
#[track_caller]
pub fn plain_refusal(stack: &Stack, start: usize, status: &tonic::Status, part: &str) {
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    let text = plain_text(status);
    assert!(text.contains(part), "{text}");
    assert!(requests_since(stack, start).is_empty());
}
