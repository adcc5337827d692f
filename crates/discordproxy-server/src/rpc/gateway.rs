//! RPCs about the gateway session: its events and its shards' state.
//! <https://discord.com/developers/docs/events/gateway>

pub(super) mod get_gateway_status;
pub(super) mod stream_events;
