//! Talking to Discord: the REST client with its rate limiter and retries, error decoding, the
//! gateway session and the caches.

pub mod api_base;
pub mod api_error;
pub mod application_id;
pub mod cache;
pub mod client;
pub mod deployment;
pub mod dm_channels;
pub mod event_stream;
pub mod gateway;
pub mod identify_queue;
pub mod invalid_requests;
pub mod multipart;
pub mod negative_cache;
pub mod outgoing;
pub mod percent;
pub mod ratelimit;
pub mod redis;
pub mod request;
pub mod retry;
pub mod route;
pub mod shard_lease;
pub mod shard_status;
pub mod shared_commands;
pub mod transport;
