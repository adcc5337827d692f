//! Discord's REST endpoints, one file each under `request/<resource>/`, named after Discord's
//! documentation title (`get_user.rs` for "Get User"). Each adds its method to
//! [`DiscordClient`](super::client::DiscordClient): the route (from the
//! [route table](super::route)), the body, the limits checked before sending (if any), what
//! the answer decodes into, and the docs link.
//!
//! A new endpoint: one line in the route table, one file here (plus a `mod` line in its
//! resource module).

pub mod any;
pub mod ban;
pub mod channel;
pub mod command;
mod gateway;
mod guild;
mod interaction;
pub mod member;
pub mod message;
pub mod pin;
pub mod reaction;
pub mod role;
pub mod thread;
pub mod user;
pub mod webhook;
