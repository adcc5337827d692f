//! `multipart/form-data` request bodies: file uploads as Discord documents them
//! ([Uploading Files](https://discord.com/developers/docs/reference#uploading-files)).
//!
//! A body has a `payload_json` part (the JSON body the route would take otherwise) and file
//! parts `files[n]`, each with a `filename` and a `Content-Type`. The JSON's `attachments`
//! array describes the files by `id` = `n` (`{"id": 0, "filename": …, "description": …}`).
//!
//! The recorder parses a multipart body once ([`parse`]) and hands the result on in the
//! request's extensions ([`Parsed`]); the `Content-Type` check then replaces the body with the
//! `payload_json` text, so every route reads its JSON as usual, and routes that take files
//! (message create and edit; later thread and webhook routes) find them as [`Uploads`] with
//! [`uploads`] and turn them into attachment objects with [`attachments_for`].

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::HeaderMap;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::request_log::RecordedPart;
use crate::snowflake::parse_snowflake;

/// Discord's limit on one request's size with uploads (25 MiB).
pub(crate) const MAX_REQUEST_BYTES: usize = 25 * 1024 * 1024;

/// Discord's default limit on one file's size (10 MiB, for servers without boosts).
pub(crate) const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// Discord's limit on files per message.
pub(crate) const MAX_FILES: usize = 10;

/// One uploaded file part, `files[index]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UploadedFile {
    /// `n` of the part name `files[n]`.
    pub(crate) index: u64,
    /// The part's `filename`.
    pub(crate) filename: String,
    /// The part's `Content-Type`, if it had one.
    pub(crate) content_type: Option<String>,
    /// The file's bytes.
    pub(crate) data: Bytes,
}

/// A parsed multipart body.
#[derive(Debug, Clone, Default)]
pub(crate) struct Upload {
    /// The `payload_json` part's text, if any.
    pub(crate) payload_json: Option<Bytes>,
    /// The file parts, in body order.
    pub(crate) files: Vec<UploadedFile>,
    /// Every part, as the request log lists it.
    pub(crate) parts: Vec<RecordedPart>,
}

/// What the recorder found in a multipart body, handed to the `Content-Type` check in the
/// request's extensions.
#[derive(Debug, Clone)]
pub(crate) struct Parsed(pub(crate) Result<Arc<Upload>, ApiError>);

/// The files of a request, for the routes that take them (see [`uploads`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct Uploads(pub(crate) Arc<Upload>);

/// Whether a `Content-Type` value is `multipart/form-data`.
pub(crate) fn is_multipart(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|value| {
        value
            .split(';')
            .next()
            .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("multipart/form-data"))
    })
}

/// The `n` of a part named `files[n]`.
fn file_index(name: &str) -> Option<u64> {
    name.strip_prefix("files[")?
        .strip_suffix(']')?
        .parse()
        .ok()
        .filter(|index: &u64| index.to_string().len() == name.len() - 7)
}

/// A 50035 error at `path`.
fn invalid(path: &[&str], code: &str, message: &str) -> ApiError {
    ApiError::form(path, code, message)
}

/// The 50035 error of a body that is not valid `multipart/form-data`.
fn malformed() -> ApiError {
    invalid(
        &[],
        "MULTIPART_INVALID",
        "Malformed multipart/form-data body.",
    )
}

/// Parses a `multipart/form-data` body with Discord's limits: over 25 MiB in all or a file over
/// 10 MiB → 413/40005; a malformed body, a part without a name, a file part without a filename,
/// two parts with one name or more than 10 files → 400/50035.
pub(crate) async fn parse(content_type: &str, body: Bytes) -> Result<Upload, ApiError> {
    if body.len() > MAX_REQUEST_BYTES {
        return Err(ApiError::EntityTooLarge);
    }
    let boundary = multer::parse_boundary(content_type).map_err(|_| {
        invalid(
            &[],
            "CONTENT_TYPE_INVALID",
            "multipart/form-data without a boundary.",
        )
    })?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut upload = Upload::default();
    while let Some(field) = multipart.next_field().await.map_err(|_| malformed())? {
        let Some(name) = field.name().map(str::to_owned) else {
            return Err(malformed());
        };
        let filename = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(ToString::to_string);
        let data = field.bytes().await.map_err(|_| malformed())?;
        if upload.parts.iter().any(|part| part.name == name) {
            return Err(invalid(
                &[&name],
                "MULTIPART_DUPLICATE_PART",
                "This part was sent more than once.",
            ));
        }
        upload.parts.push(RecordedPart {
            name: name.clone(),
            filename: filename.clone(),
            content_type: content_type.clone(),
            size: data.len(),
            sha256: hex(&Sha256::digest(&data)),
        });
        if name == "payload_json" {
            upload.payload_json = Some(data);
        } else if let Some(index) = file_index(&name) {
            if data.len() > MAX_FILE_BYTES {
                return Err(ApiError::EntityTooLarge);
            }
            let Some(filename) = filename.filter(|name| !name.is_empty()) else {
                return Err(invalid(
                    &[&name],
                    "BASE_TYPE_REQUIRED",
                    "This field is required",
                ));
            };
            upload.files.push(UploadedFile {
                index,
                filename,
                content_type,
                data,
            });
        }
        // Other parts (form fields) are listed in the log and otherwise ignored.
    }
    if upload.files.len() > MAX_FILES {
        return Err(invalid(
            &["files"],
            "BASE_TYPE_MAX_LENGTH",
            "Must be 10 or fewer in length.",
        ));
    }
    Ok(upload)
}

/// Lower-case hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The files of the request whose extensions are `extensions` (none for a JSON body).
pub(crate) fn uploads(uploads: Option<&Uploads>) -> Arc<Upload> {
    uploads
        .map(|uploads| Arc::clone(&uploads.0))
        .unwrap_or_default()
}

/// The `Content-Type` header value of `headers`.
pub(crate) fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
}

/// Where the emulator serves an attachment's bytes, like
/// `https://cdn.discordapp.com/attachments/{channel_id}/{attachment_id}/{filename}`.
pub(crate) fn attachment_path(channel_id: u64, attachment_id: u64, filename: &str) -> String {
    format!(
        "/attachments/{channel_id}/{attachment_id}/{}",
        percent_encode_segment(filename)
    )
}

/// `text` percent-encoded for one URL path segment (unreserved characters kept).
fn percent_encode_segment(text: &str) -> String {
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

/// A new attachment: the object Discord answers, and the bytes to serve.
#[derive(Debug, Clone)]
pub(crate) struct NewAttachment {
    pub(crate) id: u64,
    pub(crate) object: Value,
    pub(crate) file: UploadedFile,
}

/// Matches the `attachments` entries of a JSON body with the uploaded files: each file needs an
/// entry whose `id` is its index (else 50035 on `files[n]`), an entry naming an index without a
/// file is 50035 on `attachments[i].id` unless `keep` says the id is an attachment the message
/// has already (an edit). `new_id` gives each new attachment its snowflake; `base_url` is the
/// emulator's `http://host:port`.
pub(crate) fn attachments_for(
    body: Option<&Value>,
    upload: &Upload,
    channel_id: u64,
    base_url: &str,
    keep: &dyn Fn(u64) -> bool,
    new_id: &mut dyn FnMut() -> u64,
) -> Result<Vec<NewAttachment>, ApiError> {
    let entries: &[Value] = body
        .and_then(|body| body.get("attachments"))
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    let mut errors = crate::error::FormErrors::default();
    let mut matched = Vec::new();
    for (position, entry) in entries.iter().enumerate() {
        let Some(id) = entry.get("id").and_then(parse_snowflake) else {
            continue;
        };
        match upload.files.iter().find(|file| file.index == id) {
            Some(file) => matched.push((entry, file)),
            None if keep(id) => {}
            None => errors.add(
                [
                    "attachments".to_owned(),
                    position.to_string(),
                    "id".to_owned(),
                ],
                "ATTACHMENT_NOT_FOUND",
                format!("Unknown attachment or file with id {id}."),
            ),
        }
    }
    for file in &upload.files {
        if !matched
            .iter()
            .any(|(_, matched)| matched.index == file.index)
        {
            errors.add(
                [format!("files[{}]", file.index)],
                "ATTACHMENT_NOT_FOUND",
                "This file has no entry in attachments.",
            );
        }
    }
    errors.into_result()?;
    Ok(matched
        .into_iter()
        .map(|(entry, file)| attachment(entry, file, channel_id, base_url, new_id()))
        .collect())
}

/// Keeps the bytes of `attachments` (of a message in `channel_id`) to serve them at their URLs
/// (the oldest files are forgotten beyond 1 GiB in all).
pub(crate) fn store_files(
    store: &mut crate::store::Store,
    channel_id: u64,
    attachments: Vec<NewAttachment>,
) {
    for attachment in attachments {
        store.file_bytes += attachment.file.data.len();
        store.files.insert(
            attachment.id,
            crate::store::StoredFile {
                channel_id,
                filename: attachment.file.filename,
                content_type: attachment.file.content_type,
                data: attachment.file.data,
            },
        );
    }
    while store.file_bytes > crate::store::FILE_BYTES_BUDGET {
        let Some((_, oldest)) = store.files.pop_first() else {
            break;
        };
        store.file_bytes -= oldest.data.len();
    }
}

/// The attachment object Discord answers for `file` described by `entry`.
fn attachment(
    entry: &Value,
    file: &UploadedFile,
    channel_id: u64,
    base_url: &str,
    id: u64,
) -> NewAttachment {
    let filename = entry
        .get("filename")
        .and_then(Value::as_str)
        .filter(|name| !name.is_empty())
        .unwrap_or(&file.filename)
        .to_owned();
    let content_type = file
        .content_type
        .clone()
        .filter(|value| value != "application/octet-stream")
        .or_else(|| guess_content_type(&filename).map(str::to_owned));
    let mut object = Map::new();
    object.insert("id".into(), json!(id.to_string()));
    object.insert("filename".into(), json!(filename));
    if let Some(description) = entry.get("description").and_then(Value::as_str) {
        object.insert("description".into(), json!(description));
    }
    if let Some(content_type) = &content_type {
        object.insert("content_type".into(), json!(content_type));
    }
    object.insert("size".into(), json!(file.data.len()));
    let url = format!("{base_url}{}", attachment_path(channel_id, id, &filename));
    object.insert("url".into(), json!(url));
    object.insert("proxy_url".into(), json!(url));
    if let Some((width, height)) = png_size(&file.data) {
        object.insert("width".into(), json!(width));
        object.insert("height".into(), json!(height));
    }
    // Attachment flag IS_SPOILER (1 << 3): Discord marks files named SPOILER_….
    let flags = if filename.starts_with("SPOILER_") {
        8
    } else {
        0
    };
    if flags != 0 {
        object.insert("flags".into(), json!(flags));
    }
    NewAttachment {
        id,
        object: Value::Object(object),
        file: UploadedFile {
            filename,
            content_type,
            ..file.clone()
        },
    }
}

/// A media type for common file name extensions.
fn guess_content_type(filename: &str) -> Option<&'static str> {
    let extension = filename.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "txt" | "log" => "text/plain; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        "zip" => "application/zip",
        _ => return None,
    })
}

/// Width and height of a PNG image (from its IHDR chunk).
fn png_size(data: &[u8]) -> Option<(u32, u32)> {
    if data.len() < 24 || !data.starts_with(b"\x89PNG\r\n\x1a\n") || &data[12..16] != b"IHDR" {
        return None;
    }
    let width = u32::from_be_bytes(data[16..20].try_into().ok()?);
    let height = u32::from_be_bytes(data[20..24].try_into().ok()?);
    Some((width, height))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(parts: &[(&str, Option<&str>, &[u8])]) -> Bytes {
        let mut out = Vec::new();
        for (name, filename, data) in parts {
            out.extend_from_slice(b"--XYZ\r\nContent-Disposition: form-data; name=\"");
            out.extend_from_slice(name.as_bytes());
            out.push(b'"');
            if let Some(filename) = filename {
                out.extend_from_slice(format!("; filename=\"{filename}\"").as_bytes());
            }
            out.extend_from_slice(b"\r\nContent-Type: application/octet-stream\r\n\r\n");
            out.extend_from_slice(data);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"--XYZ--\r\n");
        Bytes::from(out)
    }

    const TYPE: &str = "multipart/form-data; boundary=XYZ";

    #[tokio::test]
    async fn payload_and_files_are_parsed() {
        let upload = parse(
            TYPE,
            body(&[
                ("payload_json", None, br#"{"content":"hi"}"#),
                ("files[0]", Some("a.txt"), b"hello"),
            ]),
        )
        .await
        .unwrap();
        assert_eq!(
            upload.payload_json.as_deref(),
            Some(&br#"{"content":"hi"}"#[..])
        );
        assert_eq!(upload.files.len(), 1);
        assert_eq!(upload.files[0].index, 0);
        assert_eq!(upload.files[0].filename, "a.txt");
        assert_eq!(&upload.files[0].data[..], b"hello");
        assert_eq!(upload.parts[1].size, 5);
        assert_eq!(
            upload.parts[1].sha256,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
    }

    #[tokio::test]
    async fn limits_and_malformed_bodies() {
        let big = vec![0_u8; MAX_FILE_BYTES + 1];
        assert_eq!(
            parse(TYPE, body(&[("files[0]", Some("a"), &big)]))
                .await
                .unwrap_err(),
            ApiError::EntityTooLarge
        );
        let error = parse(TYPE, body(&[("files[0]", None, b"x")]))
            .await
            .unwrap_err();
        assert!(matches!(error, ApiError::InvalidFormBody(_)), "{error:?}");
        let error = parse(TYPE, Bytes::from_static(b"garbage"))
            .await
            .unwrap_err();
        assert!(matches!(error, ApiError::InvalidFormBody(_)), "{error:?}");
        let error = parse("multipart/form-data", body(&[])).await.unwrap_err();
        assert!(matches!(error, ApiError::InvalidFormBody(_)), "{error:?}");
    }

    #[test]
    fn file_part_names() {
        assert_eq!(file_index("files[0]"), Some(0));
        assert_eq!(file_index("files[12]"), Some(12));
        assert_eq!(file_index("files[+1]"), None);
        assert_eq!(file_index("files[]"), None);
        assert_eq!(file_index("file"), None);
    }

    #[test]
    fn attachments_match_files_by_id() {
        let upload = Upload {
            files: vec![UploadedFile {
                index: 3,
                filename: "SPOILER_x.png".into(),
                content_type: Some("image/png".into()),
                data: Bytes::from_static(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x02\0\0\0\x03"),
            }],
            ..Upload::default()
        };
        let mut next = 100;
        let mut new_id = || {
            next += 1;
            next
        };
        let body = json!({"attachments": [{"id": 3, "description": "d"}]});
        let made =
            attachments_for(Some(&body), &upload, 7, "http://h", &|_| false, &mut new_id).unwrap();
        assert_eq!(
            made[0].object,
            json!({"id": "101", "filename": "SPOILER_x.png", "description": "d",
                   "content_type": "image/png", "size": 24,
                   "url": "http://h/attachments/7/101/SPOILER_x.png",
                   "proxy_url": "http://h/attachments/7/101/SPOILER_x.png",
                   "width": 2, "height": 3, "flags": 8})
        );
        // A file without an entry, and an entry without a file.
        let error = attachments_for(
            Some(&json!({"attachments": [{"id": 4}]})),
            &upload,
            7,
            "http://h",
            &|_| false,
            &mut new_id,
        )
        .unwrap_err();
        let text = serde_json::to_string(&error.body()).unwrap();
        assert!(text.contains("files[3]") && text.contains("id 4"), "{text}");
        // A kept id is no error.
        assert!(
            attachments_for(
                Some(&json!({"attachments": [{"id": 3}, {"id": 55}]})),
                &upload,
                7,
                "http://h",
                &|id| id == 55,
                &mut new_id,
            )
            .is_ok()
        );
    }
}
