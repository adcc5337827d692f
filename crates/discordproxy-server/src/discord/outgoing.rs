//! What one endpoint hands to the request loop: the route, a query string, a JSON body (with
//! files: sent as `multipart/form-data`, the JSON as `payload_json`), the
//! `X-Audit-Log-Reason` header and whether the request may be sent again after a failure.
//!
//! Each endpoint file in [`request`](super::request) builds one [`Outgoing`] and passes it to
//! [`DiscordClient`](super::client::DiscordClient).

pub use super::percent::percent_encode;
use super::route::endpoint::Endpoint;
use crate::convert::file::FilePart;
use http::HeaderValue;
use serde_json::Value;

/// Discord's header for the reason shown in the guild's audit log.
/// <https://discord.com/developers/docs/resources/audit-log#audit-log-entry-object>
pub const AUDIT_LOG_REASON: &str = "x-audit-log-reason";

/// Whether a request may be sent again after a 5xx answer, a network failure or a timeout,
/// when Discord may have acted on it already (429s are always waited out and sent again:
/// Discord did not act on them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Repeating it has no further effect (GETs, PATCH and DELETE of one resource, bulk delete,
    /// a message create with `enforce_nonce`): retried with backoff.
    Safe,
    /// Repeating it could act twice (a message create without `enforce_nonce`): the first
    /// failure is the answer.
    Never,
}

/// The longest `X-Audit-Log-Reason` Discord keeps, in characters.
/// <https://discord.com/developers/docs/resources/audit-log#audit-log-entry-object>
pub const MAX_AUDIT_LOG_REASON: usize = 512;

/// One request for the request loop.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    /// The endpoint and its parameters.
    pub route: Endpoint,
    /// The query string without `?`, empty for none (values are snowflakes and numbers: no
    /// encoding needed).
    pub query: String,
    /// The JSON body, if any.
    pub body: Option<&'a Value>,
    /// A JSON body as the caller wrote it (`CallDiscordApi` without files): sent byte for byte
    /// instead of `body`, so big integers, duplicate keys and spacing reach Discord unchanged.
    pub json_text: Option<&'a str>,
    /// Files to upload: non-empty sends `multipart/form-data` with `body` (or `{}`) as the
    /// `payload_json` part and one part `files[n]` each.
    pub files: &'a [FilePart],
    /// `X-Audit-Log-Reason`, percent-encoded.
    pub audit_log_reason: Option<HeaderValue>,
    /// Characters of the reason before encoding (Discord takes at most
    /// [`MAX_AUDIT_LOG_REASON`]).
    pub audit_log_reason_chars: usize,
    /// Whether it may be repeated after a failure.
    pub retry: Retry,
}

impl<'a> Outgoing<'a> {
    /// A request of `route` (a typed route or a `CallDiscordApi` path) without query, body or
    /// reason, retried where it failed.
    pub fn new(route: impl Into<Endpoint>) -> Self {
        Self {
            route: route.into(),
            query: String::new(),
            body: None,
            json_text: None,
            files: &[],
            audit_log_reason: None,
            audit_log_reason_chars: 0,
            retry: Retry::Safe,
        }
    }

    /// With the JSON `body`.
    #[must_use]
    pub fn json(mut self, body: &'a Value) -> Self {
        self.body = Some(body);
        self
    }

    /// With `files` (sent as `multipart/form-data`; none: a JSON body as before).
    #[must_use]
    pub fn files(mut self, files: &'a [FilePart]) -> Self {
        self.files = files;
        self
    }

    /// With the query parameters that are `Some`, in the given order (`limit=50&before=1`).
    #[must_use]
    pub fn query(mut self, pairs: &[(&str, Option<String>)]) -> Self {
        self.query = pairs
            .iter()
            .filter_map(|(key, value)| value.as_ref().map(|value| format!("{key}={value}")))
            .collect::<Vec<_>>()
            .join("&");
        self
    }

    /// With the query `pairs` (name, value) in the given order, both percent-encoded
    /// (`CallDiscordApi`'s query: any text).
    #[must_use]
    pub fn encoded_query<'p>(
        mut self,
        pairs: impl IntoIterator<Item = (&'p str, &'p str)>,
    ) -> Self {
        self.query = pairs
            .into_iter()
            .map(|(name, value)| format!("{}={}", percent_encode(name), percent_encode(value)))
            .collect::<Vec<_>>()
            .join("&");
        self
    }

    /// With `X-Audit-Log-Reason: <reason percent-encoded>`; an empty reason sends no header.
    #[must_use]
    pub fn audit_log_reason(mut self, reason: &str) -> Self {
        self.audit_log_reason_chars = reason.chars().count();
        self.audit_log_reason = (!reason.is_empty()).then(|| {
            let mut value = HeaderValue::from_str(&percent_encode(reason))
                .expect("percent-encoded text is a valid header value");
            // Reasons may name people: keep them out of debug output of the request.
            value.set_sensitive(true);
            value
        });
        self
    }

    /// With the retry policy `retry`.
    #[must_use]
    pub fn retry(mut self, retry: Retry) -> Self {
        self.retry = retry;
        self
    }

    /// The path with its query, below `/api/v10`: `channels/1/messages?limit=5`.
    pub fn path_and_query(&self) -> String {
        let path = self.route.path();
        if self.query.is_empty() {
            path
        } else {
            format!("{path}?{}", self.query)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discord::route::Route;

    #[test]
    fn reasons_are_percent_encoded_utf8() {
        assert_eq!(percent_encode("spam"), "spam");
        assert_eq!(percent_encode("a b/c"), "a%20b%2Fc");
        assert_eq!(percent_encode("Ärger 🔥"), "%C3%84rger%20%F0%9F%94%A5");
        assert_eq!(percent_encode("100%"), "100%25");
    }

    #[test]
    fn empty_reason_sends_no_header() {
        let route = Route::DeleteMessage {
            channel_id: 1,
            message_id: 2,
        };
        assert!(
            Outgoing::new(route.clone())
                .audit_log_reason("")
                .audit_log_reason
                .is_none()
        );
        let outgoing = Outgoing::new(route).audit_log_reason("cleanup: old");
        assert_eq!(
            outgoing.audit_log_reason.unwrap().to_str().unwrap(),
            "cleanup%3A%20old"
        );
    }

    #[test]
    fn encoded_query_percent_encodes_names_and_values() {
        let outgoing =
            Outgoing::new(Route::GatewayBot).encoded_query([("user_id", "1"), ("a b", "x&y=z/ä")]);
        assert_eq!(
            outgoing.path_and_query(),
            "gateway/bot?user_id=1&a%20b=x%26y%3Dz%2F%C3%A4"
        );
    }

    #[test]
    fn query_keeps_only_set_parameters_in_order() {
        let outgoing = Outgoing::new(Route::ChannelMessages { channel_id: 5 }).query(&[
            ("around", None),
            ("before", Some("9".into())),
            ("limit", Some("20".into())),
        ]);
        assert_eq!(
            outgoing.path_and_query(),
            "channels/5/messages?before=9&limit=20"
        );
        assert_eq!(
            Outgoing::new(Route::ChannelMessages { channel_id: 5 })
                .query(&[("limit", None)])
                .path_and_query(),
            "channels/5/messages"
        );
    }
}
