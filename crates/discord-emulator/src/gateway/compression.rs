//! Transport compression ([docs](https://discord.com/developers/docs/events/gateway#transport-compression)).
//!
//! - `compress=zlib-stream`: one zlib stream per connection; every payload is compressed into
//!   it and flushed with `Z_SYNC_FLUSH`, so each binary frame ends with `00 00 ff ff` (what
//!   py-cord and twilight-gateway's `zlib` feature look for).
//! - `compress=zstd-stream`: one zstd stream per connection; every payload is compressed into
//!   it and flushed (`ZSTD_e_flush`), so each binary frame decompresses to exactly that payload
//!   with a streaming decoder kept across frames (what twilight-gateway's `zstd` feature does).
//! - Otherwise payloads are plain JSON text frames.

use flate2::{Compress, FlushCompress};

/// The compression a connection asked for in its URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compression {
    /// Plain JSON text frames.
    None,
    /// `compress=zlib-stream`.
    ZlibStream,
    /// `compress=zstd-stream`.
    ZstdStream,
}

impl Compression {
    /// Parses the `compress` query parameter; `None` (the Rust option) for unknown values.
    pub(crate) fn from_query(value: Option<&str>) -> Option<Self> {
        match value {
            None | Some("") => Some(Self::None),
            Some("zlib-stream") => Some(Self::ZlibStream),
            Some("zstd-stream") => Some(Self::ZstdStream),
            Some(_) => None,
        }
    }

    /// The `compress` query value (`None` for plain text).
    pub(crate) fn query_value(self) -> Option<&'static str> {
        match self {
            Self::None => None,
            Self::ZlibStream => Some("zlib-stream"),
            Self::ZstdStream => Some("zstd-stream"),
        }
    }
}

/// What an encoded payload is sent as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Encoded {
    /// A text frame.
    Text(String),
    /// A binary frame.
    Binary(Vec<u8>),
}

/// A compression error (should not happen with in-memory buffers).
#[derive(Debug, thiserror::Error)]
pub(crate) enum CompressionError {
    /// zlib failed.
    #[error("zlib: {0}")]
    Zlib(#[from] flate2::CompressError),
    /// zstd failed.
    #[error("zstd: {0}")]
    Zstd(&'static str),
}

/// One connection's encoder: keeps the compression stream across payloads.
pub(crate) enum Encoder {
    /// No compression.
    Plain,
    /// A zlib stream.
    Zlib(Box<Compress>),
    /// A zstd stream.
    Zstd(Box<zstd_safe::CCtx<'static>>),
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Plain => "Encoder::Plain",
            Self::Zlib(_) => "Encoder::Zlib",
            Self::Zstd(_) => "Encoder::Zstd",
        })
    }
}

impl Encoder {
    /// A fresh stream for `compression`.
    pub(crate) fn new(compression: Compression) -> Self {
        match compression {
            Compression::None => Self::Plain,
            Compression::ZlibStream => Self::Zlib(Box::new(Compress::new(
                flate2::Compression::default(),
                true,
            ))),
            Compression::ZstdStream => Self::Zstd(Box::new(zstd_safe::CCtx::create())),
        }
    }

    /// Encodes one payload for the wire.
    pub(crate) fn encode(&mut self, payload: &str) -> Result<Encoded, CompressionError> {
        match self {
            Self::Plain => Ok(Encoded::Text(payload.to_owned())),
            Self::Zlib(stream) => zlib_sync_flush(stream, payload.as_bytes()).map(Encoded::Binary),
            Self::Zstd(stream) => zstd_flush(stream, payload.as_bytes()).map(Encoded::Binary),
        }
    }
}

/// Compresses `input` into the zlib stream and flushes it with `Z_SYNC_FLUSH`.
fn zlib_sync_flush(stream: &mut Compress, input: &[u8]) -> Result<Vec<u8>, CompressionError> {
    let mut out = Vec::with_capacity(input.len() / 2 + 64);
    let start = stream.total_in();
    loop {
        let consumed = usize::try_from(stream.total_in() - start).unwrap_or(input.len());
        if out.capacity() - out.len() < 64 {
            out.reserve(input.len() / 2 + 64);
        }
        stream.compress_vec(&input[consumed..], &mut out, FlushCompress::Sync)?;
        let consumed = usize::try_from(stream.total_in() - start).unwrap_or(input.len());
        // Done when everything was read and the flush did not fill the output buffer.
        if consumed == input.len() && out.len() < out.capacity() {
            return Ok(out);
        }
    }
}

/// Compresses `input` into the zstd stream and flushes it (`ZSTD_e_flush`).
fn zstd_flush(
    stream: &mut zstd_safe::CCtx<'static>,
    input: &[u8],
) -> Result<Vec<u8>, CompressionError> {
    let mut out = Vec::with_capacity(input.len() / 2 + 64);
    let mut buffer = vec![0u8; zstd_safe::CCtx::out_size().max(1024)];
    let mut in_buffer = zstd_safe::InBuffer::around(input);
    loop {
        let mut out_buffer = zstd_safe::OutBuffer::around(buffer.as_mut_slice());
        let remaining = stream
            .compress_stream2(
                &mut out_buffer,
                &mut in_buffer,
                zstd_safe::zstd_sys::ZSTD_EndDirective::ZSTD_e_flush,
            )
            .map_err(|code| CompressionError::Zstd(zstd_safe::get_error_name(code)))?;
        let produced = out_buffer.pos();
        out.extend_from_slice(&buffer[..produced]);
        if remaining == 0 && in_buffer.pos() == input.len() {
            return Ok(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Decompress, FlushDecompress};

    const PAYLOADS: [&str; 3] = [
        r#"{"t":null,"s":null,"op":10,"d":{"heartbeat_interval":41250}}"#,
        r#"{"t":"READY","s":1,"op":0,"d":{"v":10}}"#,
        r#"{"t":null,"s":null,"op":11,"d":null}"#,
    ];

    #[test]
    fn query_values() {
        assert_eq!(Compression::from_query(None), Some(Compression::None));
        assert_eq!(
            Compression::from_query(Some("zlib-stream")),
            Some(Compression::ZlibStream)
        );
        assert_eq!(
            Compression::from_query(Some("zstd-stream")),
            Some(Compression::ZstdStream)
        );
        assert_eq!(Compression::from_query(Some("gzip")), None);
    }

    #[test]
    fn plain_is_text() {
        let mut encoder = Encoder::new(Compression::None);
        assert_eq!(
            encoder.encode(PAYLOADS[0]).unwrap(),
            Encoded::Text(PAYLOADS[0].to_owned())
        );
    }

    /// Decompresses like py-cord: one `decompressobj` for the connection, fed each frame.
    #[test]
    fn zlib_frames_end_with_sync_marker_and_share_one_stream() {
        let mut encoder = Encoder::new(Compression::ZlibStream);
        let mut inflate = Decompress::new(true);
        let big = "x".repeat(200_000);
        let big_payload = format!(r#"{{"t":"X","s":2,"op":0,"d":"{big}"}}"#);
        for payload in PAYLOADS.iter().copied().chain([big_payload.as_str()]) {
            let Encoded::Binary(frame) = encoder.encode(payload).unwrap() else {
                panic!("binary")
            };
            assert!(frame.ends_with(&[0, 0, 0xff, 0xff]));
            let mut out = Vec::with_capacity(payload.len() + 1024);
            let start = inflate.total_in();
            while usize::try_from(inflate.total_in() - start).unwrap() < frame.len() {
                let done = usize::try_from(inflate.total_in() - start).unwrap();
                inflate
                    .decompress_vec(&frame[done..], &mut out, FlushDecompress::Sync)
                    .unwrap();
            }
            assert_eq!(String::from_utf8(out).unwrap(), payload);
        }
    }

    /// Decompresses like twilight-gateway: one `DCtx` for the connection, one frame at a time.
    #[test]
    fn zstd_frames_decompress_one_by_one_with_one_stream() {
        let mut encoder = Encoder::new(Compression::ZstdStream);
        let mut dctx = zstd_safe::DCtx::create();
        let big = "y".repeat(100_000);
        let big_payload = format!(r#"{{"t":"X","s":2,"op":0,"d":"{big}"}}"#);
        for payload in PAYLOADS.iter().copied().chain([big_payload.as_str()]) {
            let Encoded::Binary(frame) = encoder.encode(payload).unwrap() else {
                panic!("binary")
            };
            let mut input = zstd_safe::InBuffer::around(&frame);
            let mut decompressed = Vec::new();
            let mut buffer = vec![0u8; 32 * 1024];
            loop {
                let mut output = zstd_safe::OutBuffer::around(buffer.as_mut_slice());
                dctx.decompress_stream(&mut output, &mut input).unwrap();
                let produced = output.pos();
                let full = produced == output.capacity();
                decompressed.extend_from_slice(&buffer[..produced]);
                if input.pos == frame.len() && !full {
                    break;
                }
            }
            assert_eq!(String::from_utf8(decompressed).unwrap(), payload);
        }
    }
}
