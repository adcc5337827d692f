//! Files to upload: proto `File` → the `attachments` entries of the JSON payload and the
//! multipart file parts, as Discord documents them.
//! <https://discord.com/developers/docs/reference#uploading-files>

use bytes::Bytes;
use discordproxy_proto::File;
use serde_json::{Map, Value, json};

/// Discord's filename prefix for a spoiler file.
pub const SPOILER_PREFIX: &str = "SPOILER_";

/// One file part `files[n]` of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePart {
    /// `n` of the part name `files[n]` (the `id` of its `attachments` entry).
    pub index: usize,
    /// The part's `filename` (with [`SPOILER_PREFIX`] for spoilers).
    pub filename: String,
    /// The part's `Content-Type`.
    pub content_type: String,
    /// The file's bytes (shared, not copied).
    pub data: Bytes,
}

/// The filename sent for `file`: [`SPOILER_PREFIX`] added for a spoiler (unless present).
pub fn sent_filename(file: &File) -> String {
    if file.spoiler && !file.filename.starts_with(SPOILER_PREFIX) {
        format!("{SPOILER_PREFIX}{}", file.filename)
    } else {
        file.filename.clone()
    }
}

/// The parts of `files`, `files[0]`… in order; an empty `content_type` is sent as
/// `application/octet-stream`.
pub fn parts(files: &[File]) -> Vec<FilePart> {
    files
        .iter()
        .enumerate()
        .map(|(index, file)| FilePart {
            index,
            filename: sent_filename(file),
            content_type: if file.content_type.is_empty() {
                "application/octet-stream".to_owned()
            } else {
                file.content_type.clone()
            },
            data: file.data.clone(),
        })
        .collect()
}

/// The `attachments` entries describing `files`: `{"id": "n", "filename", "description"}`
/// (`description` only when non-empty).
pub fn attachment_entries(files: &[File]) -> Vec<Value> {
    files
        .iter()
        .enumerate()
        .map(|(index, file)| {
            let mut entry = Map::new();
            // A snowflake-typed string, as Discord's OpenAPI declares `attachments[].id`.
            entry.insert("id".into(), json!(index.to_string()));
            entry.insert("filename".into(), json!(sent_filename(file)));
            if !file.description.is_empty() {
                entry.insert("description".into(), json!(file.description));
            }
            Value::Object(entry)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spoilers_get_the_prefix_and_entries_match_parts() {
        let files = [
            File {
                filename: "a.png".into(),
                data: Bytes::from_static(b"png"),
                description: "alt".into(),
                content_type: "image/png".into(),
                spoiler: true,
            },
            File {
                filename: "b.bin".into(),
                data: Bytes::from_static(b"bin"),
                ..Default::default()
            },
        ];
        assert_eq!(
            attachment_entries(&files),
            vec![
                json!({"id": "0", "filename": "SPOILER_a.png", "description": "alt"}),
                json!({"id": "1", "filename": "b.bin"}),
            ]
        );
        let parts = parts(&files);
        assert_eq!(parts[0].filename, "SPOILER_a.png");
        assert_eq!(parts[0].content_type, "image/png");
        assert_eq!(parts[1].content_type, "application/octet-stream");
        assert_eq!(parts[1].index, 1);
    }
}
