//! Pure conversions between Discord's JSON and the generated proto types, and from proto
//! requests to Discord request bodies. No I/O here.
//!
//! Discord's answers are read tolerantly, field by field ([`json`]): a 2xx answer never fails a
//! call because of a field the call does not use.

pub mod allowed_mentions;
pub mod ban;
pub mod channel;
pub mod channel_body;
pub mod command;
pub mod component;
pub mod embed;
pub mod event;
pub mod file;
pub mod gateway;
pub mod gateway_command;
pub mod guild;
pub mod interaction;
pub mod interaction_event;
pub(crate) mod json;
pub mod member;
pub mod message;
pub mod message_body;
pub mod message_edit;
pub mod pin;
pub mod reaction_event;
pub mod role;
pub mod thread;
pub mod user;
pub mod webhook;
