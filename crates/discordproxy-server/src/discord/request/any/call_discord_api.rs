//! Any route by method and path ([`DynamicRoute`]), through the same request loop as every
//! typed endpoint: the rate limiter (bucket by template and major parameter, shared with the
//! typed routes of the same template), 429s waited out, invalid-request counting, the ban
//! stop and the revoked-token stop.
//! <https://discord.com/developers/docs/reference#http-api>

use crate::{
    discord::{
        client::DiscordClient,
        outgoing::{Outgoing, Retry},
        route::{dynamic::DynamicRoute, endpoint::Endpoint},
    },
    error::Result,
};
use http::Method;
use serde_json::Value;
use tokio::time::Instant;

/// One pass-through request.
#[derive(Debug)]
pub struct AnyRequest<'a> {
    /// Method and path.
    pub route: DynamicRoute,
    /// Query parameters (name, value), sent percent-encoded in this order.
    pub query: Vec<(&'a str, &'a str)>,
    /// The JSON body, if any (with files: the `payload_json` part).
    pub body: Option<&'a Value>,
    /// The caller's JSON text without files: sent as written, instead of `body`.
    pub json_text: Option<&'a str>,
    /// Files to upload (`multipart/form-data`); empty: a JSON body.
    pub files: &'a [crate::convert::file::FilePart],
    /// `X-Audit-Log-Reason`; empty sends none.
    pub audit_log_reason: &'a str,
}

/// Discord's 2xx answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnyAnswer {
    /// The HTTP status (200, 201, 204, …).
    pub status: u16,
    /// The body as Discord sent it (empty for a 204).
    pub text: String,
}

/// Whether a pass-through request may be repeated after a 5xx answer or a network failure:
/// GET, PUT, PATCH and DELETE are idempotent by HTTP's definition (and Discord's routes follow
/// it); a POST may create twice and is never repeated after a failure Discord may have acted
/// on.
pub(crate) fn retry_policy(method: &Method) -> Retry {
    if *method == Method::POST {
        Retry::Never
    } else {
        Retry::Safe
    }
}

impl DiscordClient {
    /// Sends `request` through the request loop and returns Discord's 2xx status and body.
    /// Retried after 5xx and network failures unless it is a POST (`retry_policy`).
    ///
    /// # Errors
    /// Discord's error answers by the status table, with Discord's JSON details; otherwise see
    /// [`DiscordClient`].
    pub async fn call_any(&self, request: AnyRequest<'_>, deadline: Instant) -> Result<AnyAnswer> {
        let retry = retry_policy(&request.route.method());
        let mut outgoing = Outgoing::new(Endpoint::Dynamic(request.route))
            .encoded_query(request.query)
            .audit_log_reason(request.audit_log_reason)
            .retry(retry);
        outgoing.body = request.body;
        outgoing.json_text = request.json_text;
        outgoing.files = request.files;
        let (status, bytes) = self.execute_with_status(&outgoing, deadline).await?;
        Ok(AnyAnswer {
            status,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_posts_are_never_repeated() {
        assert_eq!(retry_policy(&Method::POST), Retry::Never);
        for method in [Method::GET, Method::PUT, Method::PATCH, Method::DELETE] {
            assert_eq!(retry_policy(&method), Retry::Safe, "{method}");
        }
    }
}
