//! Percent-encoding of UTF-8 text for header values (`X-Audit-Log-Reason`), query values and
//! path segments (a reaction's `{emoji}`).

/// Percent-encodes UTF-8 `text` as Discord expects header values with non-ASCII text: every
/// byte except the URI-unreserved characters (`A-Z a-z 0-9 - . _ ~`) becomes `%XX`.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
