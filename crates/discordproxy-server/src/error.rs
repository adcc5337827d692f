//! The server's error type. Every failure of an RPC is one of these; `status.rs` turns it into a
//! `tonic::Status`.

use thiserror::Error;

/// An error answered by Discord over HTTP: its status, JSON error code and message.
///
/// `text` follows py-cord's `HTTPException.text` (what the original server sent): Discord's
/// `message`, plus one `In <dotted.path>: <msg>` line per nested form error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscordHttpError {
    /// HTTP status code of Discord's response (e.g. 403).
    pub status: u16,
    /// Discord's JSON error code (e.g. 50007), 0 when the body has none.
    /// <https://discord.com/developers/docs/topics/opcodes-and-status-codes#json>
    pub code: u64,
    /// Error message with flattened form errors.
    pub text: String,
}

/// Everything that can make an RPC fail.
#[derive(Debug, Error)]
pub enum Error {
    /// Discord answered with an HTTP error status.
    #[error("Discord answered HTTP {} (code {}): {}", .0.status, .0.code, .0.text)]
    Discord(DiscordHttpError),
    /// The request is malformed (e.g. an id of 0); no Discord request was made.
    #[error("{0}")]
    InvalidArgument(String),
    /// Discord could not be reached (connection refused, reset, TLS failure, timeout of one
    /// HTTP request).
    #[error("Discord is unreachable: {0}")]
    Unavailable(String),
    /// No rate-limit slot can be had before the call's deadline (gRPC `RESOURCE_EXHAUSTED`
    /// with a `google.rpc.RetryInfo`).
    #[error("rate limited: bucket {bucket} has no free slot for {:.3} s, beyond the call's deadline", .retry_after.as_secs_f64())]
    RateLimited {
        /// The bucket (route template and major parameter) or `global`.
        bucket: String,
        /// How long until a slot is free.
        retry_after: std::time::Duration,
    },
    /// The call's deadline (the client's gRPC deadline or `--request-timeout`) passed.
    #[error("deadline exceeded: {0}")]
    DeadlineExceeded(String),
    /// The call carries no valid API key (`--api-keys-file`); no Discord request was made.
    #[error("{0}")]
    Unauthenticated(String),
    /// The call's API key may not call this RPC; no Discord request was made.
    #[error("{0}")]
    PermissionDenied(String),
    /// `--max-pending` calls are already in progress; the call was refused at once (gRPC
    /// `RESOURCE_EXHAUSTED`).
    #[error(
        "server overloaded: {max_pending} calls are already in progress (--max-pending); retry later"
    )]
    Overloaded {
        /// The `--max-pending` bound.
        max_pending: usize,
    },
    /// A `StreamEvents` subscriber fell more than the event buffer behind (gRPC
    /// `RESOURCE_EXHAUSTED`, with trailing metadata `discordproxy-resume-after`); its stream
    /// ends.
    #[error(
        "subscriber fell more than {capacity} events behind and missed {missed} events; subscribe again with resume_after={resume_after} and the same epoch (and read faster) to continue"
    )]
    StreamLagged {
        /// The event buffer (`--event-buffer`).
        capacity: usize,
        /// Events the subscriber missed (before its filters).
        missed: u64,
        /// The position of the last event the stream handled (sent, or skipped by its
        /// filters): where a new stream can resume.
        resume_after: u64,
    },
    /// A `RequestGuildMembers` stream fell more than the event buffer behind while its
    /// GUILD_MEMBERS_CHUNK events arrived (gRPC `RESOURCE_EXHAUSTED`): its chunks may be lost.
    #[error(
        "RequestGuildMembers fell more than {capacity} events behind the gateway's events and missed {missed} of them, perhaps chunks of this request; request the members again (and read faster)"
    )]
    ChunksLagged {
        /// The event buffer (`--event-buffer`).
        capacity: usize,
        /// Events missed (any event, before matching this request).
        missed: u64,
    },
    /// The server is shutting down (gRPC `UNAVAILABLE`); event streams end with it.
    #[error("server shutting down")]
    ShuttingDown,
    /// The call cannot run in the server's current configuration (gRPC `FAILED_PRECONDITION`):
    /// e.g. a gateway command with `--no-gateway`, or one that needs an intent `--intents`
    /// lacks. The message says what to change. No Discord request was made.
    #[error("{0}")]
    FailedPrecondition(String),
    /// Something the call names does not exist as far as the server knows (gRPC `NOT_FOUND`),
    /// e.g. a guild the bot is not in per the gateway cache. No Discord request was made.
    #[error("{0}")]
    NotFound(String),
    /// The gateway session cannot carry the command now (gRPC `UNAVAILABLE`): not started
    /// yet, or the shard is not connected. Retry later.
    #[error("{0}")]
    GatewayUnavailable(String),
    /// Discord's gateway refused a command for now: a RATE_LIMITED dispatch (gRPC
    /// `RESOURCE_EXHAUSTED` with a `google.rpc.RetryInfo`).
    #[error("Discord's gateway rate limited {command}; retry after {:.3} s", .retry_after.as_secs_f64())]
    GatewayRateLimited {
        /// The command, e.g. `REQUEST_GUILD_MEMBERS (op 8)`.
        command: String,
        /// Discord's `retry_after`.
        retry_after: std::time::Duration,
    },
    /// Discord answered 2xx with a body we could not understand, or another internal failure.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Result type of the server's fallible functions.
pub type Result<T, E = Error> = std::result::Result<T, E>;
