//! The `X-Audit-Log-Reason` header
//! ([docs](https://discord.com/developers/docs/resources/audit-log#audit-log-entry-object)):
//! the reason a mutating request gives for the guild's audit log, URL-encoded so that any
//! Unicode text fits in a header. The emulator keeps no audit log; the request log records the
//! decoded reason so tests can check what a client sent.

use axum::http::HeaderMap;

/// The header's name.
pub(crate) const HEADER: &str = "x-audit-log-reason";

/// The decoded reason of a request, if it sent one (percent-escapes decoded as UTF-8, invalid
/// sequences replaced; `+` stays `+`, as in a URL path).
pub(crate) fn reason(headers: &HeaderMap) -> Option<String> {
    let raw = headers.get(HEADER)?.as_bytes();
    Some(percent_decode(raw))
}

/// Decodes `%XX` escapes; a `%` not followed by two hex digits is kept as it is.
fn percent_decode(raw: &[u8]) -> String {
    let hex = |byte: u8| char::from(byte).to_digit(16);
    let mut bytes = Vec::with_capacity(raw.len());
    let mut index = 0;
    while index < raw.len() {
        let escaped = (raw[index] == b'%')
            .then(|| Some((hex(*raw.get(index + 1)?)?, hex(*raw.get(index + 2)?)?)))
            .flatten();
        match escaped {
            Some((high, low)) => {
                bytes.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                index += 3;
            }
            None => {
                bytes.push(raw[index]);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn reasons_are_percent_decoded() {
        assert_eq!(percent_decode(b"spam%20cleanup"), "spam cleanup");
        assert_eq!(percent_decode(b"caf%C3%A9%20%E2%9C%85"), "café ✅");
        assert_eq!(percent_decode(b"a+b"), "a+b");
        assert_eq!(percent_decode(b"100%"), "100%");
        assert_eq!(percent_decode(b"%zz%4"), "%zz%4");
        assert_eq!(percent_decode(b"%FF"), "\u{fffd}");
        let mut headers = HeaderMap::new();
        assert_eq!(reason(&headers), None);
        headers.insert(HEADER, HeaderValue::from_static("bulk%20delete"));
        assert_eq!(reason(&headers).as_deref(), Some("bulk delete"));
    }
}
