//! The request log behind `GET /_emulator/requests`: every REST request received (with its
//! answer), bounded in count and in the memory its response bodies take.

use std::collections::VecDeque;

use axum::body::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How many requests `/_emulator/requests` keeps (the oldest are dropped first).
pub(crate) const REQUEST_LOG_CAPACITY: usize = 100_000;

/// Largest response body kept by the request log (bigger ones are recorded as `null`).
pub(crate) const RESPONSE_BODY_MAX: usize = 64 * 1024;

/// Total size of the response bodies the request log keeps; beyond it the oldest are dropped.
const RESPONSE_BYTES_BUDGET: usize = 256 * 1024 * 1024;

/// One part of a multipart request as the request log (`GET /_emulator/requests`) lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedPart {
    /// The part's name, e.g. `payload_json` or `files[0]`.
    pub name: String,
    /// The part's `filename`, `None` (`null`) when it had none.
    pub filename: Option<String>,
    /// The part's `Content-Type`, `None` (`null`) when it had none.
    pub content_type: Option<String>,
    /// Size of the part's body in bytes.
    pub size: usize,
    /// SHA-256 of the part's body, lower-case hex.
    pub sha256: String,
}

/// One REST request received under `/api`, as listed by `GET /_emulator/requests`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// Path as received, e.g. `/api/v10/channels/1/messages`.
    pub path: String,
    /// Query string without `?` (`""` when none), e.g. `limit=5`.
    pub query: String,
    /// The JSON body, or `None` (serialized as `null`) when empty or not JSON.
    pub body: Option<Value>,
    /// The parts of a `multipart/form-data` request (then `body` is its `payload_json`), in body
    /// order; `None` (absent) for other requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parts: Option<Vec<RecordedPart>>,
    /// The decoded `X-Audit-Log-Reason` header, or `None` (`null`) when the request had none.
    #[serde(default)]
    pub audit_log_reason: Option<String>,
    /// Whether the request carried an `Authorization` header (its value is never recorded).
    #[serde(default)]
    pub authorization: bool,
    /// The response status; `None` while the request is still being answered, or when an
    /// injected `disconnect` fault closed the connection without an answer.
    pub status: Option<u16>,
    /// When the request arrived (ISO-8601, UTC, microseconds).
    pub time: String,
    /// The client's IP address (the peer of the connection), e.g. `127.0.0.2`; `None` (absent)
    /// when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_ip: Option<String>,
    /// The JSON response body; `None` (`null`) when it is not JSON, larger than 64 KiB,
    /// streamed by a fault, dropped to keep the log's memory bounded, or not answered yet.
    #[serde(default)]
    pub response: Option<Value>,
}

/// One entry of the log: the request and its raw JSON response body.
#[derive(Debug)]
struct LogEntry {
    request: RecordedRequest,
    response: Option<Bytes>,
}

/// The bounded request log.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    entries: VecDeque<LogEntry>,
    /// Sequence number of `entries[0]`.
    first_seq: u64,
    /// Total size of the kept response bodies.
    response_bytes: usize,
    /// Entries before this sequence number have had their response bodies dropped.
    bodies_from: u64,
}

impl RequestLog {
    /// Appends a request that just arrived; returns its sequence number for [`Self::finish`].
    pub(crate) fn begin(&mut self, request: RecordedRequest) -> u64 {
        let seq = self.first_seq + self.entries.len() as u64;
        self.entries.push_back(LogEntry {
            request,
            response: None,
        });
        while self.entries.len() > REQUEST_LOG_CAPACITY {
            if let Some(evicted) = self.entries.pop_front() {
                self.response_bytes -= evicted.response.map_or(0, |body| body.len());
            }
            self.first_seq += 1;
        }
        seq
    }

    /// Records the response status (`None`: no answer) and JSON body (at most
    /// [`RESPONSE_BODY_MAX`] bytes) of request `seq` (ignored if it was dropped or cleared).
    pub(crate) fn finish(&mut self, seq: u64, status: Option<u16>, response: Option<Bytes>) {
        let Some(index) = seq
            .checked_sub(self.first_seq)
            .and_then(|index| usize::try_from(index).ok())
        else {
            return;
        };
        let Some(entry) = self.entries.get_mut(index) else {
            return;
        };
        entry.request.status = status;
        if let Some(body) = response.filter(|body| body.len() <= RESPONSE_BODY_MAX) {
            self.response_bytes += body.len();
            entry.response = Some(body);
        }
        // Keep memory bounded: drop the oldest bodies beyond the budget.
        self.bodies_from = self.bodies_from.max(self.first_seq);
        while self.response_bytes > RESPONSE_BYTES_BUDGET {
            let Some(entry) = usize::try_from(self.bodies_from - self.first_seq)
                .ok()
                .and_then(|index| self.entries.get_mut(index))
            else {
                break;
            };
            self.response_bytes -= entry.response.take().map_or(0, |body| body.len());
            self.bodies_from += 1;
        }
    }

    /// Every kept request, oldest first, with its response body parsed.
    pub(crate) fn snapshot(&self) -> Vec<RecordedRequest> {
        self.entries
            .iter()
            .map(|entry| {
                let mut request = entry.request.clone();
                request.response = entry
                    .response
                    .as_ref()
                    .and_then(|body| serde_json::from_slice(body).ok());
                request
            })
            .collect()
    }

    /// Forgets every request.
    pub(crate) fn clear(&mut self) {
        self.first_seq += self.entries.len() as u64;
        self.entries.clear();
        self.response_bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(path: &str) -> RecordedRequest {
        RecordedRequest {
            method: "GET".into(),
            path: path.into(),
            query: String::new(),
            body: None,
            parts: None,
            audit_log_reason: None,
            authorization: false,
            status: None,
            time: String::new(),
            client_ip: None,
            response: None,
        }
    }

    #[test]
    fn request_log_records_status_and_clears() {
        let mut log = RequestLog::default();
        let a = log.begin(request("/a"));
        let b = log.begin(request("/b"));
        log.finish(b, Some(404), None);
        log.finish(a, Some(200), Some(Bytes::from_static(b"{\"a\":1}")));
        let entries = log.snapshot();
        assert_eq!(entries[0].path, "/a");
        assert_eq!(entries[0].status, Some(200));
        assert_eq!(entries[0].response, Some(json!({"a": 1})));
        assert_eq!(entries[1].status, Some(404));
        assert_eq!(entries[1].response, None);
        let c = log.begin(request("/c"));
        log.clear();
        log.finish(c, Some(200), None);
        assert!(log.snapshot().is_empty());
        let d = log.begin(request("/d"));
        log.finish(d, Some(201), None);
        assert_eq!(log.snapshot()[0].status, Some(201));
    }

    #[test]
    fn request_log_is_bounded() {
        let mut log = RequestLog::default();
        for index in 0..REQUEST_LOG_CAPACITY + 5 {
            log.begin(request(&format!("/{index}")));
        }
        let entries = log.snapshot();
        assert_eq!(entries.len(), REQUEST_LOG_CAPACITY);
        assert_eq!(entries[0].path, "/5");
        // An evicted request's late status is ignored.
        log.finish(0, Some(500), None);
        assert!(log.snapshot().iter().all(|entry| entry.status.is_none()));
    }
}
