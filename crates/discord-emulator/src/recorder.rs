//! Records every request under `/api` into the request log (`GET /_emulator/requests`).

use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State as AxumState};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;

use crate::error::ApiError;
use crate::faults::FaultAnswer;
use crate::multipart;
use crate::request_log::{RESPONSE_BODY_MAX, RecordedRequest};
use crate::state::State;
use crate::timestamp::format_timestamp;

/// Largest request body the emulator reads (bytes): Discord's 25 MiB per request; a bigger one
/// is 413/40005.
pub(crate) const BODY_LIMIT: usize = crate::multipart::MAX_REQUEST_BYTES;

/// Whether `path` is a REST path (`/api` or below).
fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Whether a `Content-Type` value is JSON.
fn is_json(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|value| {
        value
            .split(';')
            .next()
            .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
    })
}

/// Middleware: logs the request (method, path, query, JSON body, audit-log reason, arrival
/// time) before it is handled, then its response status and JSON response body (up to 64 KiB;
/// streamed fault bodies are not read).
pub(crate) async fn record(
    AxumState(state): AxumState<Arc<State>>,
    request: Request,
    next: Next,
) -> Response {
    if !is_api_path(request.uri().path()) {
        return next.run(request).await;
    }
    let started = Instant::now();
    let (mut parts, body) = request.into_parts();
    let mut entry = RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        body: None,
        parts: None,
        audit_log_reason: crate::audit_log::reason(&parts.headers),
        authorization: parts
            .headers
            .contains_key(axum::http::header::AUTHORIZATION),
        status: None,
        time: format_timestamp(OffsetDateTime::now_utc()),
        client_ip: parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip().to_string()),
        response: None,
    };
    let bytes = match to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let response = ApiError::EntityTooLarge.into_response();
            entry.status = Some(response.status().as_u16());
            state.log().begin(entry);
            return response;
        }
    };
    let content_type = multipart::content_type(&parts.headers).map(str::to_owned);
    if multipart::is_multipart(content_type.as_deref()) {
        // Parsed once here (for the log) and handed on to the Content-Type check.
        let parsed = multipart::parse(content_type.as_deref().unwrap_or_default(), bytes.clone())
            .await
            .map(Arc::new);
        match &parsed {
            Ok(upload) => {
                entry.body = upload
                    .payload_json
                    .as_ref()
                    .and_then(|json| serde_json::from_slice(json).ok());
                entry.parts = Some(upload.parts.clone());
            }
            Err(ApiError::EntityTooLarge) => {
                let response = ApiError::EntityTooLarge.into_response();
                entry.status = Some(response.status().as_u16());
                state.log().begin(entry);
                return response;
            }
            Err(_) => {}
        }
        parts.extensions.insert(multipart::Parsed(parsed));
    } else if !bytes.is_empty() {
        entry.body = serde_json::from_slice(&bytes).ok();
    }
    let (method, path) = (entry.method.clone(), entry.path.clone());
    let seq = state.log().begin(entry);
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let status = response.status().as_u16();
    let fault = response
        .extensions()
        .get::<FaultAnswer>()
        .copied()
        .unwrap_or_default();
    let json = is_json(
        response
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok()),
    );
    let response = if fault.streamed || !json {
        let answered = (!fault.disconnect).then_some(status);
        state.log().finish(seq, answered, None);
        response
    } else {
        // Handler bodies are already in memory: reading them is cheap and cannot fail.
        let (parts, body) = response.into_parts();
        let body = to_bytes(body, usize::MAX).await.unwrap_or_default();
        let kept = (body.len() <= RESPONSE_BODY_MAX).then(|| body.clone());
        state.log().finish(seq, Some(status), kept);
        Response::from_parts(parts, Body::from(body))
    };
    tracing::debug!(
        %method,
        %path,
        status,
        elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "request"
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types() {
        assert!(is_json(Some("application/json")));
        assert!(is_json(Some("application/JSON; charset=utf-8")));
        assert!(!is_json(Some("text/plain")));
        assert!(!is_json(None));
    }

    #[test]
    fn only_api_paths_are_recorded() {
        assert!(is_api_path("/api"));
        assert!(is_api_path("/api/v10/users/@me"));
        assert!(!is_api_path("/apix"));
        assert!(!is_api_path("/_emulator/requests"));
        assert!(!is_api_path("/"));
    }
}
