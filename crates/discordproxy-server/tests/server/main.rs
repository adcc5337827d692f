//! The `discordproxyserver` binary as a process: start-up, security flags and secret hygiene.
//!
//! One test binary for the crate (one module per scenario), so the test build links once.

mod common;
mod process;
mod secret_hygiene;
mod security;
