//! The bot-token check: `Authorization: Bot <token>` with the fixture's token.
//!
//! Discord answers a missing or wrong token with HTTP 401 `{"message": "401: Unauthorized",
//! "code": 0}` ([docs](https://discord.com/developers/docs/reference#authentication)).

use std::sync::Arc;

use axum::extract::{Request, State as AxumState};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// Whether `header` (the `Authorization` value) is `Bot <token>`.
pub(crate) fn is_bot_token(header: Option<&str>, token: &str) -> bool {
    header
        .and_then(|value| value.strip_prefix("Bot "))
        .is_some_and(|given| given == token)
}

/// Middleware: lets the request through only with the right bot token (its state), else 401.
pub(crate) async fn require_bot_token(
    AxumState(token): AxumState<Arc<str>>,
    request: Request,
    next: Next,
) -> Response {
    let header = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    if is_bot_token(header, &token) {
        next.run(request).await
    } else {
        tracing::debug!(path = %request.uri().path(), "rejected request without the bot token");
        ApiError::Unauthorized.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bot_prefixed_exact_token_passes() {
        assert!(is_bot_token(Some("Bot secret"), "secret"));
        assert!(!is_bot_token(Some("secret"), "secret"));
        assert!(!is_bot_token(Some("Bearer secret"), "secret"));
        assert!(!is_bot_token(Some("Bot secret2"), "secret"));
        assert!(!is_bot_token(Some("Bot  secret"), "secret"));
        assert!(!is_bot_token(None, "secret"));
    }
}
