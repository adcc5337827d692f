//! The `discordproxyserver` binary as a process: start-up, security flags, secret hygiene and
//! shards over several instances.
//!
//! One test binary for the crate (one module per scenario), so the test build links once.

mod common;
mod process;
mod redis_tls;
mod secret_hygiene;
mod security;
mod shards;
mod shared_events;
