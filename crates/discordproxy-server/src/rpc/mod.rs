//! The `discord_api.DiscordApi` gRPC service: one file per RPC, plus the common call wrapper
//! (deadline, start-up gate, error → status, logging).

mod get_gateway_status;
mod get_guild_channels;
mod send_channel_message;
mod send_direct_message;
pub mod stream_events;

use crate::{
    app::AppState,
    deadline,
    discord::negative_cache::Target,
    error::{Error, Result},
};
use discordproxy_proto::{
    GetGatewayStatusRequest, GetGatewayStatusResponse, GetGuildChannelsRequest,
    GetGuildChannelsResponse, SendChannelMessageRequest, SendChannelMessageResponse,
    SendDirectMessageRequest, SendDirectMessageResponse, StreamEventsRequest,
    discord_api_server::DiscordApi,
};
use std::{future::Future, sync::Arc, time::Instant};
use tonic::{Request, Response, Status};

/// Implementation of `discord_api.DiscordApi`.
#[derive(Debug, Clone)]
pub struct DiscordApiService {
    state: Arc<AppState>,
}

impl DiscordApiService {
    /// A service answering with `state`.
    pub fn new(state: Arc<AppState>) -> Self {
        Self { state }
    }

    /// Runs one call: refuses it at once when `--max-pending` calls are in progress, waits for
    /// the start-up check, bounds the whole call by its deadline (no
    /// Discord request starts after it: the work is dropped), and maps errors to statuses.
    async fn call<Req, Resp, F, Fut>(
        &self,
        method: &'static str,
        request: Request<Req>,
        handler: F,
    ) -> std::result::Result<Response<Resp>, Status>
    where
        F: FnOnce(Arc<AppState>, Req, tokio::time::Instant) -> Fut,
        Fut: Future<Output = Result<Resp>>,
    {
        let Ok(_permit) = Arc::clone(&self.state.pending).try_acquire_owned() else {
            self.state.metrics.rpc(
                method,
                tonic::Code::ResourceExhausted,
                std::time::Duration::ZERO,
            );
            tracing::warn!(
                rpc = method,
                max_pending = self.state.max_pending,
                "overloaded"
            );
            return Err(Status::resource_exhausted(format!(
                "server overloaded: {} calls are already in progress (--max-pending); retry later",
                self.state.max_pending
            )));
        };
        let budget = deadline::budget(request.metadata(), self.state.request_timeout);
        let state = Arc::clone(&self.state);
        let started = Instant::now();
        let deadline = tokio::time::Instant::now() + budget;
        let work = async move {
            state.readiness.wait().await?;
            handler(state, request.into_inner(), deadline).await
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
                tracing::warn!(rpc = method, elapsed_ms, %error, "RPC failed");
                let status = Status::from(error);
                self.state.metrics.rpc(method, status.code(), elapsed);
                Err(status)
            }
        }
    }
}

/// Answers at once with Discord's recent "cannot reach" answer for `target`, if remembered.
///
/// # Errors
/// The remembered [`Error::Discord`].
fn check_unreachable(state: &AppState, target: Target) -> Result<()> {
    match state.negative.get(target) {
        Some(error) => {
            state.metrics.negative_cache_hits.inc();
            tracing::debug!(
                ?target,
                code = error.code,
                "answered from the negative cache"
            );
            Err(Error::Discord(error))
        }
        None => Ok(()),
    }
}

/// Passes `result` through, remembering a qualifying Discord error about `target`.
fn remember_unreachable<T>(state: &AppState, target: Target, result: Result<T>) -> Result<T> {
    if let Err(Error::Discord(error)) = &result {
        state.negative.remember(target, error);
    }
    result
}

/// A required snowflake: 0 (unset) is refused before any Discord request.
///
/// # Errors
/// [`Error::InvalidArgument`] naming `field`.
fn required_id(value: u64, field: &str) -> Result<u64> {
    if value == 0 {
        return Err(Error::InvalidArgument(format!(
            "{field} must be set to a Discord snowflake (got 0)"
        )));
    }
    Ok(value)
}

#[tonic::async_trait]
impl DiscordApi for DiscordApiService {
    async fn send_channel_message(
        &self,
        request: Request<SendChannelMessageRequest>,
    ) -> std::result::Result<Response<SendChannelMessageResponse>, Status> {
        self.call("SendChannelMessage", request, send_channel_message::handle)
            .await
    }

    async fn send_direct_message(
        &self,
        request: Request<SendDirectMessageRequest>,
    ) -> std::result::Result<Response<SendDirectMessageResponse>, Status> {
        self.call("SendDirectMessage", request, send_direct_message::handle)
            .await
    }

    async fn get_guild_channels(
        &self,
        request: Request<GetGuildChannelsRequest>,
    ) -> std::result::Result<Response<GetGuildChannelsResponse>, Status> {
        self.call("GetGuildChannels", request, get_guild_channels::handle)
            .await
    }

    type StreamEventsStream = stream_events::EventStream;

    async fn stream_events(
        &self,
        request: Request<StreamEventsRequest>,
    ) -> std::result::Result<Response<Self::StreamEventsStream>, Status> {
        stream_events::validate(request.get_ref())?;
        Ok(Response::new(stream_events::handle(
            &self.state,
            request.get_ref(),
        )))
    }

    async fn get_gateway_status(
        &self,
        _request: Request<GetGatewayStatusRequest>,
    ) -> std::result::Result<Response<GetGatewayStatusResponse>, Status> {
        Ok(Response::new(get_gateway_status::handle(&self.state)))
    }
}
