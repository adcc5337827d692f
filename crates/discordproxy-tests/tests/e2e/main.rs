//! End-to-end tests: emulator + server + clients over real sockets, and the OpenAPI judges.
//!
//! One test binary for the crate (one module per scenario), so the test build links once.

mod bans;
mod call_discord_api;
mod channels;
mod commands;
mod components;
mod connection_limits;
mod files;
mod gateway;
mod gateway_commands;
mod hostile_discord;
mod interactions;
mod layout;
mod members_roles;
mod message_bulk_crosspost;
mod message_edit_delete;
mod message_read;
mod message_send;
mod message_support;
mod openapi_judge;
mod pins;
mod rate_limits;
mod reactions;
mod redis_shared;
mod request_properties;
mod rpc;
mod stream_resume;
mod threads;
mod tolerant_decoding;
mod users;
mod webhooks;
