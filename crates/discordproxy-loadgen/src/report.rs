//! The JSON report of one run.

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use crate::scenario::{Scenario, Target};

/// Latency percentiles of the successful calls, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Latency {
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Slowest call.
    pub max: f64,
    /// Arithmetic mean.
    pub mean: f64,
}

impl Latency {
    /// Percentiles of a histogram recorded in microseconds (all zero when it is empty).
    pub fn from_micros(histogram: &Histogram<u64>) -> Latency {
        if histogram.is_empty() {
            return Latency::default();
        }
        let ms = |us: u64| us as f64 / 1000.0;
        Latency {
            p50: ms(histogram.value_at_quantile(0.50)),
            p90: ms(histogram.value_at_quantile(0.90)),
            p99: ms(histogram.value_at_quantile(0.99)),
            max: ms(histogram.max()),
            mean: histogram.mean() / 1000.0,
        }
    }
}

/// The result of one closed-loop run: printed by `discordproxy-loadgen run` as one JSON line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Free label given on the command line (`ours`, `original`, `floor`).
    pub label: String,
    /// gRPC server or REST floor.
    pub target: Target,
    /// The scenario.
    pub scenario: Scenario,
    /// Closed-loop workers (calls in flight at any time).
    pub concurrency: usize,
    /// HTTP/2 connections used (gRPC) or the connection pool limit (floor).
    pub connections: usize,
    /// Calls made.
    pub calls: u64,
    /// Calls that succeeded.
    pub ok: u64,
    /// Calls that failed (error status, transport error, timeout or an empty answer).
    pub errors: u64,
    /// Up to five distinct error messages with their counts.
    pub error_samples: Vec<(String, u64)>,
    /// Wall-clock seconds from the first call to the last answer.
    pub elapsed_s: f64,
    /// Successful calls per second of wall-clock time.
    pub calls_per_s: f64,
    /// Latency of the successful calls.
    pub latency_ms: Latency,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_in_milliseconds() {
        let mut h = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).unwrap();
        for us in 1..=1000u64 {
            h.record(us * 10).unwrap(); // 10 µs .. 10 ms
        }
        let l = Latency::from_micros(&h);
        assert!((l.p50 - 5.0).abs() < 0.01, "{l:?}");
        assert!((l.p90 - 9.0).abs() < 0.01, "{l:?}");
        assert!((l.p99 - 9.9).abs() < 0.01, "{l:?}");
        assert!((l.max - 10.0).abs() < 0.01, "{l:?}");
    }

    #[test]
    fn empty_histogram_gives_zeros() {
        let h = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).unwrap();
        assert_eq!(Latency::from_micros(&h), Latency::default());
    }
}
