//! The closed loop: `concurrency` workers share a call counter and each makes one call at a
//! time until the fixed number of calls is used up.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

use crate::report::{Latency, Report};
use crate::scenario::{Scenario, Target};

/// One kind of call the driver can repeat (a gRPC RPC or its REST equivalent).
pub trait Caller: Send + Sync + 'static {
    /// Makes call number `index` (0-based, unique across workers) on behalf of `worker`.
    ///
    /// # Errors
    ///
    /// A one-line description of the failure; the driver counts it as an error.
    fn call(&self, worker: usize, index: u64) -> impl Future<Output = Result<(), String>> + Send;
}

/// How a run is driven.
#[derive(Debug, Clone)]
pub struct DriveOptions {
    /// Label copied into the report.
    pub label: String,
    /// Target copied into the report.
    pub target: Target,
    /// Scenario copied into the report.
    pub scenario: Scenario,
    /// Workers, each with one call in flight.
    pub concurrency: usize,
    /// Connections the caller uses (copied into the report).
    pub connections: usize,
    /// Total calls.
    pub calls: u64,
    /// Upper bound for one call; a call still running then counts as an error.
    pub call_timeout: Duration,
}

/// What one worker saw.
struct WorkerResult {
    histogram: Histogram<u64>,
    ok: u64,
    errors: HashMap<String, u64>,
}

fn new_histogram() -> Histogram<u64> {
    // 1 µs .. 10 min, 3 significant digits.
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("valid histogram bounds")
}

/// Runs the closed loop and returns the report.
///
/// # Panics
///
/// If a worker task panics.
pub async fn drive<C: Caller>(caller: Arc<C>, options: &DriveOptions) -> Report {
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(options.concurrency);
    for worker in 0..options.concurrency.max(1) {
        let caller = Arc::clone(&caller);
        let next = Arc::clone(&next);
        let calls = options.calls;
        let timeout = options.call_timeout;
        tasks.push(tokio::spawn(async move {
            let mut result = WorkerResult {
                histogram: new_histogram(),
                ok: 0,
                errors: HashMap::new(),
            };
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= calls {
                    break;
                }
                let begin = Instant::now();
                let outcome = match tokio::time::timeout(timeout, caller.call(worker, index)).await
                {
                    Ok(outcome) => outcome,
                    Err(_) => Err(format!("no answer within {timeout:?}")),
                };
                match outcome {
                    Ok(()) => {
                        let us = u64::try_from(begin.elapsed().as_micros()).unwrap_or(u64::MAX);
                        result.histogram.saturating_record(us.max(1));
                        result.ok += 1;
                    }
                    Err(error) => *result.errors.entry(error).or_default() += 1,
                }
            }
            result
        }));
    }
    let mut histogram = new_histogram();
    let mut ok = 0;
    let mut errors: HashMap<String, u64> = HashMap::new();
    for task in tasks {
        let result = task.await.expect("worker task panicked");
        histogram
            .add(&result.histogram)
            .expect("same histogram bounds");
        ok += result.ok;
        for (error, count) in result.errors {
            *errors.entry(error).or_default() += count;
        }
    }
    let elapsed_s = started.elapsed().as_secs_f64();
    let error_count = errors.values().sum();
    let mut error_samples: Vec<(String, u64)> = errors.into_iter().collect();
    error_samples.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    error_samples.truncate(5);
    Report {
        label: options.label.clone(),
        target: options.target,
        scenario: options.scenario,
        concurrency: options.concurrency,
        connections: options.connections,
        calls: options.calls,
        ok,
        errors: error_count,
        error_samples,
        elapsed_s,
        calls_per_s: if elapsed_s > 0.0 {
            ok as f64 / elapsed_s
        } else {
            0.0
        },
        latency_ms: Latency::from_micros(&histogram),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails every third call, sleeps 1 ms on the others.
    struct Fake;

    impl Caller for Fake {
        async fn call(&self, _worker: usize, index: u64) -> Result<(), String> {
            if index % 3 == 2 {
                return Err("boom".into());
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
            Ok(())
        }
    }

    fn options(concurrency: usize, calls: u64) -> DriveOptions {
        DriveOptions {
            label: "fake".into(),
            target: Target::Floor,
            scenario: Scenario::Channel,
            concurrency,
            connections: 1,
            calls,
            call_timeout: Duration::from_secs(5),
        }
    }

    #[tokio::test]
    async fn makes_exactly_the_fixed_number_of_calls() {
        let report = drive(Arc::new(Fake), &options(4, 30)).await;
        assert_eq!(report.ok + report.errors, 30);
        assert_eq!(report.errors, 10);
        assert_eq!(report.error_samples, vec![("boom".to_owned(), 10)]);
        assert!(report.latency_ms.p50 >= 1.0, "{report:?}");
        assert!(report.calls_per_s > 0.0);
    }

    /// Never answers.
    struct Hang;

    impl Caller for Hang {
        async fn call(&self, _worker: usize, _index: u64) -> Result<(), String> {
            std::future::pending().await
        }
    }

    #[tokio::test]
    async fn a_hanging_call_is_an_error_after_the_timeout() {
        let mut options = options(2, 2);
        options.call_timeout = Duration::from_millis(20);
        let report = drive(Arc::new(Hang), &options).await;
        assert_eq!(report.ok, 0);
        assert_eq!(report.errors, 2);
        assert!(report.error_samples[0].0.starts_with("no answer within"));
    }
}
