//! The `multipart/form-data` body of a request with files, as Discord documents it: a
//! `payload_json` part with the JSON body (`Content-Type: application/json`), then one part
//! `files[n]` per file with its `filename` and `Content-Type`.
//! <https://discord.com/developers/docs/reference#uploading-files>
//!
//! Built by hand (RFC 7578) into one [`Bytes`], so the request loop's retries resend the same
//! body without copying it. The boundary is random and checked not to occur in any part.

use crate::convert::file::FilePart;
use crate::error::{DiscordHttpError, Error, Result};
use bytes::Bytes;

/// Characters of a boundary (RFC 2046 allows 1–70).
const BOUNDARY_LEN: usize = 40;

/// Discord's limit on the size of a request with files (25 MiB).
/// <https://discord.com/developers/docs/resources/message#create-message>
pub const REQUEST_BYTES_MAX: usize = 25 * 1024 * 1024;

/// Checks a body of `body_bytes` against [`REQUEST_BYTES_MAX`]: Discord's 25 MiB hold for the
/// whole request (the files, the `payload_json` part and the part headers), so files of
/// 25 MiB together still make a request over it. The RPCs check it before any request from
/// [`encoded_len`]; the request layer checks the built body again.
///
/// # Errors
/// [`Error::Discord`] 413/40005 Request entity too large, as Discord answers it, naming the
/// size (gRPC `INVALID_ARGUMENT`).
pub fn check_request_size(body_bytes: usize) -> Result<()> {
    if body_bytes <= REQUEST_BYTES_MAX {
        return Ok(());
    }
    Err(entity_too_large(format!(
        "the request has {body_bytes} bytes with its files, at most {REQUEST_BYTES_MAX} \
         (25 MiB)"
    )))
}

/// Discord's answer to an upload over its limits, 413/40005 Request entity too large, with
/// `detail` (which file or the total, in bytes) after Discord's text.
/// <https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes>
pub fn entity_too_large(detail: String) -> Error {
    Error::Discord(DiscordHttpError {
        status: 413,
        code: 40005,
        text: format!("Request entity too large: {detail}"),
    })
}

/// A built body and its `Content-Type` (`multipart/form-data; boundary=…`).
#[derive(Debug, Clone)]
pub struct MultipartBody {
    /// The `Content-Type` header value.
    pub content_type: String,
    /// The whole body.
    pub body: Bytes,
}

/// A random boundary (letters and digits).
fn random_boundary() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut boundary = String::from("discordproxy-");
    while boundary.len() < BOUNDARY_LEN {
        boundary.push(char::from(ALPHABET[fastrand::usize(..ALPHABET.len())]));
    }
    boundary
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// A filename as a quoted-string value: `"` and `\` escaped, CR and LF replaced (they cannot
/// appear in a header line), as browsers and twilight-http do.
fn quoted(filename: &str) -> String {
    filename
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace(['\r', '\n'], " ")
}

/// The header of the `payload_json` part.
fn payload_header(boundary: &str) -> String {
    format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n\
         Content-Type: application/json\r\n\r\n"
    )
}

/// The header of the part of `file`.
fn file_header(boundary: &str, file: &FilePart) -> String {
    format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"files[{}]\"; \
         filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
        file.index,
        quoted(&file.filename),
        file.content_type.replace(['\r', '\n'], " "),
    )
}

/// The closing delimiter.
fn closing(boundary: &str) -> String {
    format!("--{boundary}--\r\n")
}

/// The exact length of the body [`build`] makes from a `payload_json` of `payload_len` bytes
/// and `files` (every boundary [`build`] uses has [`BOUNDARY_LEN`] characters), so request
/// size limits can be checked before any request.
pub fn encoded_len(payload_len: usize, files: &[FilePart]) -> usize {
    let boundary = "x".repeat(BOUNDARY_LEN);
    payload_header(&boundary).len()
        + payload_len
        + 2
        + files
            .iter()
            .map(|file| file_header(&boundary, file).len() + file.data.len() + 2)
            .sum::<usize>()
        + closing(&boundary).len()
}

/// Builds the body from `payload_json` (the JSON text) and `files`.
pub fn build(payload_json: &[u8], files: &[FilePart]) -> MultipartBody {
    build_with(payload_json, files, random_boundary)
}

/// [`build`] with boundaries from `boundary` (tried until one occurs in no part).
fn build_with(
    payload_json: &[u8],
    files: &[FilePart],
    mut boundary: impl FnMut() -> String,
) -> MultipartBody {
    let boundary = loop {
        let candidate = boundary();
        let delimiter = format!("--{candidate}");
        let clash = contains(payload_json, delimiter.as_bytes())
            || files
                .iter()
                .any(|file| contains(&file.data, delimiter.as_bytes()));
        if !clash {
            break candidate;
        }
    };
    let size = encoded_len(payload_json.len(), files);
    let mut body = Vec::with_capacity(size);
    body.extend_from_slice(payload_header(&boundary).as_bytes());
    body.extend_from_slice(payload_json);
    body.extend_from_slice(b"\r\n");
    for file in files {
        body.extend_from_slice(file_header(&boundary, file).as_bytes());
        body.extend_from_slice(&file.data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(closing(&boundary).as_bytes());
    MultipartBody {
        content_type: format!("multipart/form-data; boundary={boundary}"),
        body: Bytes::from(body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(index: usize, filename: &str, data: &'static [u8]) -> FilePart {
        FilePart {
            index,
            filename: filename.into(),
            content_type: "text/plain".into(),
            data: Bytes::from_static(data),
        }
    }

    #[test]
    fn body_is_rfc7578_with_discords_part_names() {
        let built = build_with(
            br#"{"content":"x"}"#,
            &[part(0, "a.txt", b"hello"), part(1, "q\"b.txt", b"")],
            || "BOUNDARY".into(),
        );
        assert_eq!(built.content_type, "multipart/form-data; boundary=BOUNDARY");
        assert_eq!(
            String::from_utf8(built.body.to_vec()).unwrap(),
            "--BOUNDARY\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n\
             Content-Type: application/json\r\n\r\n{\"content\":\"x\"}\r\n\
             --BOUNDARY\r\nContent-Disposition: form-data; name=\"files[0]\"; filename=\"a.txt\"\r\n\
             Content-Type: text/plain\r\n\r\nhello\r\n\
             --BOUNDARY\r\nContent-Disposition: form-data; name=\"files[1]\"; filename=\"q\\\"b.txt\"\r\n\
             Content-Type: text/plain\r\n\r\n\r\n\
             --BOUNDARY--\r\n"
        );
    }

    #[test]
    fn encoded_len_is_the_built_length() {
        let files = [
            part(0, "a\"b\\c\r\n.txt", b"hello"),
            part(12, "\u{65e5}.bin", b""),
        ];
        for files in [&files[..], &files[..1], &[]] {
            let built = build(br#"{"content":"x"}"#, files);
            assert_eq!(encoded_len(15, files), built.body.len());
        }
    }

    #[test]
    fn a_boundary_found_in_the_data_is_replaced() {
        let mut candidates = vec!["second".to_owned(), "first".to_owned()];
        let built = build_with(b"{}", &[part(0, "a", b"xx--first--yy")], || {
            candidates.pop().unwrap()
        });
        assert_eq!(built.content_type, "multipart/form-data; boundary=second");
        let random = random_boundary();
        assert_eq!(random.len(), BOUNDARY_LEN);
        assert!(
            random
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        );
    }
}
