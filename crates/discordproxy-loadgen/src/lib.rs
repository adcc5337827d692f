//! Closed-loop load generator for the side-by-side benchmark in `bench/`.
//!
//! Drives one target at a fixed concurrency for a fixed number of calls and reports
//! throughput, latency percentiles (from an HDR histogram) and errors as JSON:
//!
//! - [`Target::Grpc`]: a discordproxy server (ours or the original Python one) through the
//!   generated tonic client, over a small pool of HTTP/2 connections ([`grpc`]);
//! - [`Target::Floor`]: the same REST calls sent straight to the Discord emulator, the
//!   lowest latency any proxy could reach ([`floor`]).
//!
//! [`plot`] renders the benchmark's PNG chart from the collected reports.

pub mod driver;
pub mod floor;
pub mod grpc;
pub mod plot;
pub mod report;
pub mod scenario;

pub use driver::{Caller, DriveOptions, drive};
pub use report::{Latency, Report};
pub use scenario::{Scenario, Target, Workload};
