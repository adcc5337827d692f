//! Request size limits per RPC: the RPCs that carry files (`SendChannelMessage`,
//! `SendDirectMessage`, `EditChannelMessage`, `CallDiscordApi`,
//! `StartThreadInForumOrMediaChannel`) accept requests up to Discord's
//! 25 MiB upload limit plus room for the other fields; every other RPC keeps
//! `--max-request-bytes`.
//!
//! tonic sets its decoding limit per service, so the service is built twice, once with each
//! limit, and [`SplitBySize`] hands each call to the one its RPC needs. An oversized request to
//! a non-file RPC is refused by tonic exactly as before (`OUT_OF_RANGE`, tonic's message).

use crate::discord::request::message::limits::UPLOAD_BYTES_MAX;
use std::{
    convert::Infallible,
    task::{Context, Poll},
};
use tonic::{
    body::Body,
    codegen::{Service, http},
    server::NamedService,
};

/// The RPCs whose requests may carry files.
pub const FILE_RPCS: [&str; 5] = [
    "SendChannelMessage",
    "SendDirectMessage",
    "EditChannelMessage",
    "CallDiscordApi",
    "StartThreadInForumOrMediaChannel",
];

/// Room for the fields of a file RPC besides the files' bytes (content, embeds, components,
/// JSON, protobuf framing): 1 MiB.
pub const FILE_RPC_OVERHEAD: usize = 1024 * 1024;

/// The request limit of the file RPCs for `max_request_bytes`: 25 MiB plus
/// [`FILE_RPC_OVERHEAD`], or `max_request_bytes` when that is larger.
pub fn file_rpc_limit(max_request_bytes: usize) -> usize {
    max_request_bytes.max(UPLOAD_BYTES_MAX + FILE_RPC_OVERHEAD)
}

/// Whether a request path `/discord_api.DiscordApi/<Rpc>` names a file RPC.
pub fn is_file_rpc(path: &str) -> bool {
    crate::auth::rpc_of_path(path).is_some_and(|rpc| FILE_RPCS.contains(&rpc))
}

/// One service built twice: `normal` (the `--max-request-bytes` limit) for most RPCs,
/// `uploads` (see [`file_rpc_limit`]) for [`FILE_RPCS`].
#[derive(Debug, Clone)]
pub struct SplitBySize<S> {
    normal: S,
    uploads: S,
}

impl<S> SplitBySize<S> {
    /// Routes file RPCs to `uploads`, everything else to `normal`.
    pub fn new(normal: S, uploads: S) -> Self {
        Self { normal, uploads }
    }
}

impl<S: NamedService> NamedService for SplitBySize<S> {
    const NAME: &'static str = S::NAME;
}

impl<S, B> Service<http::Request<B>> for SplitBySize<S>
where
    S: Service<http::Request<B>, Response = http::Response<Body>, Error = Infallible>,
{
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // tonic's generated servers are always ready; both must be, whichever gets the call.
        match self.normal.poll_ready(cx) {
            Poll::Ready(Ok(())) => self.uploads.poll_ready(cx),
            other => other,
        }
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        if is_file_rpc(request.uri().path()) {
            self.uploads.call(request)
        } else {
            self.normal.call(request)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_rpcs_get_the_upload_limit() {
        assert!(is_file_rpc("/discord_api.DiscordApi/SendChannelMessage"));
        assert!(is_file_rpc("/discord_api.DiscordApi/CallDiscordApi"));
        assert!(!is_file_rpc("/discord_api.DiscordApi/GetChannel"));
        assert!(!is_file_rpc("/other.Service/SendChannelMessage"));
        assert_eq!(file_rpc_limit(4 << 20), (25 << 20) + (1 << 20));
        assert_eq!(file_rpc_limit(64 << 20), 64 << 20);
    }
}
