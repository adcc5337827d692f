//! End-to-end tests: emulator + server + clients over real sockets, and the OpenAPI judges.
//!
//! One test binary for the crate (one module per scenario), so the test build links once.

mod connection_limits;
mod gateway;
mod hostile_discord;
mod layout;
mod openapi_judge;
mod rate_limits;
mod request_properties;
mod rpc;
mod tolerant_decoding;
