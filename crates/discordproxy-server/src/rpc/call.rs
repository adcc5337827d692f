//! The common call wrapper of every unary RPC.

use super::{DiscordApiService, Gate, caller};
use crate::{
    api_keys::ApiKey,
    deadline,
    error::{Error, Result},
    state::ProxyState,
};
use std::{future::Future, sync::Arc, time::Instant};
use tonic::{Request, Response, Status};

impl DiscordApiService {
    /// Runs one call: refuses it at once when `--max-pending` calls are in progress, waits for
    /// the start-up check (unless `gate` is [`Gate::Open`]), bounds the whole call by its
    /// deadline (no Discord request starts after it: the work is dropped), and maps errors to
    /// statuses. The handler runs with the caller's API key (if any) in [`caller`].
    pub(super) async fn call<Req, Resp, F, Fut>(
        &self,
        method: &'static str,
        gate: Gate,
        request: Request<Req>,
        handler: F,
    ) -> std::result::Result<Response<Resp>, Status>
    where
        F: FnOnce(Arc<ProxyState>, Req, tokio::time::Instant) -> Fut,
        Fut: Future<Output = Result<Resp>>,
    {
        let Ok(_permit) = Arc::clone(&self.state.pending).try_acquire_owned() else {
            let status = Status::from(Error::Overloaded {
                max_pending: self.state.max_pending,
            });
            self.state
                .metrics
                .rpc(method, status.code(), std::time::Duration::ZERO);
            tracing::warn!(
                rpc = method,
                max_pending = self.state.max_pending,
                "overloaded"
            );
            return Err(status);
        };
        let budget = deadline::budget(request.metadata(), self.state.request_timeout);
        let key = request.extensions().get::<ApiKey>().cloned();
        let state = Arc::clone(&self.state);
        let started = Instant::now();
        let deadline = tokio::time::Instant::now() + budget;
        let work = async move {
            if gate == Gate::Ready {
                state.readiness.wait().await?;
            }
            caller::scope(key, handler(state, request.into_inner(), deadline)).await
        };
        let outcome = tokio::time::timeout(budget, work)
            .await
            .unwrap_or_else(|_| {
                Err(Error::DeadlineExceeded(format!(
                    "{method} did not finish within its deadline of {:.3} s",
                    budget.as_secs_f64()
                )))
            });
        let elapsed = started.elapsed();
        let elapsed_ms = elapsed.as_secs_f64() * 1000.0;
        match outcome {
            Ok(response) => {
                tracing::info!(rpc = method, elapsed_ms, "RPC succeeded");
                self.state.metrics.rpc(method, tonic::Code::Ok, elapsed);
                Ok(Response::new(response))
            }
            Err(error) => {
                tracing::warn!(
                    rpc = method,
                    elapsed_ms,
                    error = %crate::log_text::OneLine(&error),
                    "RPC failed"
                );
                let status = Status::from(error);
                self.state.metrics.rpc(method, status.code(), elapsed);
                Err(status)
            }
        }
    }
}
