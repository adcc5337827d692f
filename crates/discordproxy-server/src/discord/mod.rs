//! Talking to Discord: the REST client, its error decoding and the DM channel cache.

pub mod api_error;
pub mod cache;
pub mod dm_channels;
pub mod gateway;
pub mod negative_cache;
pub mod rest;
pub mod shard_status;
