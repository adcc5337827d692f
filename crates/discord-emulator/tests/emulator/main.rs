//! End-to-end tests of the emulator: its binary, REST routes, gateway and rate limits, judged by
//! twilight and raw clients.
//!
//! One test binary for the crate (one module per scenario), so the test build links once.

mod bans;
mod binary;
mod channel_admin;
mod channel_permissions_typing;
mod commands;
mod edge;
mod gateway_dispatch_count;
mod gateway_raw;
mod gateway_support;
mod interactions;
mod members_roles;
mod message_audit_ratelimit;
mod message_bulk_crosspost;
mod message_create_extras;
mod message_events;
mod message_files;
mod message_pins;
mod message_reactions;
mod message_routes;
mod reaction_pin_events;
mod rest;
mod support;
mod threads;
mod twilight;
mod twilight_channels;
mod twilight_commands;
mod twilight_files;
mod twilight_gateway;
mod twilight_interactions;
mod twilight_members_roles;
mod twilight_messages;
mod twilight_ratelimit;
mod twilight_reactions_pins;
mod twilight_threads;
mod twilight_webhooks;
mod webhooks;
