//! The `Content-Type` check on request bodies.
//!
//! Discord reads bodies sent as `application/json`, `multipart/form-data` (file uploads: the
//! recorder parsed them, see [`crate::multipart`]; here the body becomes the `payload_json`
//! text and the files go into the request's extensions) and
//! `application/x-www-form-urlencoded` (which the emulator does not parse). Its error table lists 50035
//! "Invalid Form Body (… or invalid Content-Type provided)": a body with another type answers
//! 400 `{"message": "Invalid Form Body", "code": 50035, "errors": {"_errors": [{"code":
//! "CONTENT_TYPE_INVALID", …}]}}`. A body without any `Content-Type` is not read at all (so a
//! message create answers 50006 "Cannot send an empty message", as Discord did for clients
//! that forgot the header).

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use std::sync::Arc;

use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::multipart;
use crate::recorder::BODY_LIMIT;

/// The message of the `CONTENT_TYPE_INVALID` error.
const EXPECTED: &str = "Expected \"Content-Type\" header to be one of {'application/json', \
                        'application/x-www-form-urlencoded', 'multipart/form-data'}.";

/// How a request body is read, by its `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyType {
    /// `application/json` (any parameters): parsed.
    Json,
    /// `multipart/form-data`: `payload_json` and files.
    Multipart,
    /// Form bodies Discord accepts but the emulator does not parse: read as empty.
    Form,
    /// No `Content-Type`: the body is ignored.
    Missing,
    /// Anything else: 50035.
    Invalid,
}

/// Classifies a `Content-Type` header value.
fn body_type(content_type: Option<&str>) -> BodyType {
    let Some(content_type) = content_type else {
        return BodyType::Missing;
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => BodyType::Json,
        "multipart/form-data" => BodyType::Multipart,
        "application/x-www-form-urlencoded" => BodyType::Form,
        "" => BodyType::Missing,
        _ => BodyType::Invalid,
    }
}

/// Middleware for the REST routes: rejects bodies with a wrong `Content-Type`, drops bodies
/// the emulator cannot read.
pub(crate) async fn check(request: Request, next: Next) -> Response {
    if !matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    ) {
        return next.run(request).await;
    }
    let kind = body_type(
        request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok()),
    );
    if kind == BodyType::Json {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return ApiError::EntityTooLarge.into_response();
    };
    if kind == BodyType::Multipart {
        let parsed = match parts.extensions.remove::<multipart::Parsed>() {
            Some(parsed) => parsed.0,
            None => {
                let content_type = multipart::content_type(&parts.headers).unwrap_or_default();
                multipart::parse(content_type, bytes).await.map(Arc::new)
            }
        };
        let upload = match parsed {
            Ok(upload) => upload,
            Err(error) => return error.into_response(),
        };
        let body = upload.payload_json.clone().unwrap_or_default();
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        parts.extensions.insert(multipart::Uploads(upload));
        return next.run(Request::from_parts(parts, Body::from(body))).await;
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
    }
    match kind {
        BodyType::Invalid => ApiError::form(&[], "CONTENT_TYPE_INVALID", EXPECTED).into_response(),
        _ => next.run(Request::from_parts(parts, Body::empty())).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        assert_eq!(body_type(Some("application/json")), BodyType::Json);
        assert_eq!(
            body_type(Some("Application/JSON; charset=utf-8")),
            BodyType::Json
        );
        assert_eq!(
            body_type(Some("multipart/form-data; boundary=x")),
            BodyType::Multipart
        );
        assert_eq!(
            body_type(Some("application/x-www-form-urlencoded")),
            BodyType::Form
        );
        assert_eq!(body_type(None), BodyType::Missing);
        assert_eq!(body_type(Some("text/plain")), BodyType::Invalid);
        assert_eq!(body_type(Some("application/jsonx")), BodyType::Invalid);
    }
}
