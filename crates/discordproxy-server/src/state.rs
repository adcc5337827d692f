//! The proxy's state shared by all RPCs, health, metrics and the gateway session.

use crate::{
    discord::{
        api_base::ApiBase,
        application_id::ApplicationId,
        cache::GuildCache,
        client::{DiscordClient, RestOptions},
        dm_channels::DmChannels,
        gateway::{Gateway, GatewayCommands},
        negative_cache::NegativeCache,
        shard_status::ShardBoard,
    },
    events::EventBus,
    metrics::Metrics,
    readiness::Readiness,
    token::BotToken,
};
use std::{
    sync::{Arc, OnceLock},
    time::Duration,
};
use tokio::sync::{Semaphore, watch};

/// Default `--max-pending`: calls that may be in progress at once.
pub const DEFAULT_MAX_PENDING: usize = 10_000;

/// Everything an RPC handler needs, shared behind an `Arc`.
#[derive(Debug)]
pub struct ProxyState {
    /// REST client for the bot token.
    pub rest: DiscordClient,
    /// User id → DM channel id.
    pub dm_channels: DmChannels,
    /// Recent "cannot reach this target" answers (`--negative-cache-ttl`, default 60 s).
    pub negative: NegativeCache,
    /// Start-up gate (token check).
    pub readiness: Readiness,
    /// Bound for calls without a gRPC deadline (`--request-timeout`, default 300 s).
    pub request_timeout: Duration,
    /// Gateway dispatch events for `StreamEvents`.
    pub events: EventBus,
    /// Gateway-fed cache (empty without a gateway).
    pub cache: Arc<GuildCache>,
    /// Shard state, set once the gateway started.
    pub shards: OnceLock<Arc<ShardBoard>>,
    /// Gateway commands (op 3, op 8) through the shards, set once the gateway started.
    pub gateway: OnceLock<Arc<GatewayCommands>>,
    /// `true` once shutdown began (ends event streams with `UNAVAILABLE`).
    pub shutdown: watch::Sender<bool>,
    /// Permits for calls in progress (`--max-pending`, default 10,000); a call that finds none
    /// is refused at once with `RESOURCE_EXHAUSTED`.
    pub pending: Arc<Semaphore>,
    /// The `--max-pending` bound the semaphore was made with.
    pub max_pending: usize,
    /// Prometheus metrics (served on `--metrics-addr`).
    pub metrics: Arc<Metrics>,
    /// The bot's application id (READY, or `GET /applications/@me` without a gateway).
    pub application: Arc<ApplicationId>,
    /// The shared Redis (`--redis-url`), `None` without.
    pub redis: Option<Arc<crate::discord::redis::RedisShared>>,
    /// The deployment's event stream (with `--redis-url`): the shards' events go there and
    /// come back to [`ProxyState::events`] from every instance.
    pub shared_events: Option<Arc<crate::discord::event_stream::SharedEvents>>,
    /// Gateway commands to the instances that run the shards (with `--redis-url`, once the
    /// gateway started).
    pub shared_commands: OnceLock<Arc<crate::discord::shared_commands::SharedCommands>>,
}

impl ProxyState {
    /// State for a bot `token` talking to `api`, with an empty DM cache and a closed start-up
    /// gate (see [`crate::startup::check_token`]).
    pub fn new(token: &BotToken, api: &ApiBase, request_timeout: Duration) -> Self {
        let metrics = Arc::new(Metrics::default());
        Self {
            rest: DiscordClient::with_options(
                token,
                api,
                &RestOptions::default(),
                Arc::clone(&metrics),
            ),
            dm_channels: DmChannels::default(),
            negative: NegativeCache::default(),
            readiness: Readiness::pending(),
            request_timeout,
            events: EventBus::default(),
            cache: Arc::new(GuildCache::new()),
            shards: OnceLock::new(),
            gateway: OnceLock::new(),
            shutdown: watch::Sender::new(false),
            pending: Arc::new(Semaphore::new(DEFAULT_MAX_PENDING)),
            max_pending: DEFAULT_MAX_PENDING,
            metrics,
            application: Arc::default(),
            redis: None,
            shared_events: None,
            shared_commands: OnceLock::new(),
        }
    }

    /// With `--redis-url`: the deployment as Redis tells it now
    /// ([`crate::discord::deployment::snapshot`], which also sets the
    /// `discordproxy_deployment_shards` gauges), with the degraded time brought up to date;
    /// `None` without Redis.
    pub async fn deployment(&self) -> Option<crate::discord::deployment::Deployment> {
        let shared = self.redis.as_ref()?;
        let board = self.shards.get();
        let local: Vec<u32> = board
            .map(|board| board.snapshot().iter().map(|s| s.shard_id).collect())
            .unwrap_or_default();
        let total = board.map_or(0, |board| board.total());
        let seen = crate::discord::deployment::snapshot(shared, total, &local).await;
        shared.account_degraded();
        Some(seen)
    }

    /// Makes the started `gateway` known to RPCs, health and status: its shard board and its
    /// command sender. Later calls change nothing.
    pub fn attach_gateway(&self, gateway: &Gateway) {
        let _ = self.shards.set(Arc::clone(&gateway.board));
        let _ = self.gateway.set(Arc::clone(&gateway.commands));
        if let Some(shared) = &self.redis
            && self.shared_commands.get().is_none()
        {
            let _ =
                self.shared_commands
                    .set(crate::discord::shared_commands::SharedCommands::start(
                        Arc::clone(shared),
                        Arc::clone(&gateway.commands),
                    ));
        }
    }

    /// Replaces the REST client with one using `options` (`--global-rate-limit`,
    /// `--max-retries`, `--invalid-request-budget`).
    #[must_use]
    pub fn with_rest_options(
        mut self,
        token: &BotToken,
        api: &ApiBase,
        options: &RestOptions,
    ) -> Self {
        self.rest = DiscordClient::with_options(token, api, options, Arc::clone(&self.metrics));
        self
    }

    /// Shares the REST limits, the negative cache and the DM-channel cache with the other
    /// instances of the bot through `redis` (`--redis-url`); the REST client is made anew with
    /// `options`. Call after the other `with_*` settings. Starts the Redis heartbeat.
    ///
    /// # Errors
    /// When the Redis URL is unusable.
    pub fn with_redis(
        mut self,
        token: &BotToken,
        api: &ApiBase,
        options: &RestOptions,
        redis: &crate::discord::redis::RedisOptions,
    ) -> Result<Self, crate::discord::redis::InvalidRedisUrl> {
        let shared = Arc::new(crate::discord::redis::RedisShared::new(
            redis,
            token.expose(),
            Arc::clone(&self.metrics),
        )?);
        let store = crate::discord::ratelimit::redis_store::RedisStore::start(
            Arc::clone(&shared),
            options.global_rate_limit,
            options.invalid_request_budget,
            options.source_ip,
        );
        self.rest =
            DiscordClient::with_store(token, api, options, Arc::clone(&self.metrics), store);
        self.negative = std::mem::take(&mut self.negative).with_shared(Arc::clone(&shared));
        self.dm_channels = std::mem::take(&mut self.dm_channels).with_shared(Arc::clone(&shared));
        self.shared_events = Some(crate::discord::event_stream::SharedEvents::start(
            Arc::clone(&shared),
            self.events.clone(),
            Arc::clone(&self.cache),
        ));
        self.redis = Some(shared);
        tracing::info!(
            timeout_ms = redis.timeout.as_millis(),
            "sharing REST limits and caches through Redis (--redis-url)"
        );
        Ok(self)
    }

    /// Sets how many calls may be in progress at once (`--max-pending`, at least 1).
    #[must_use]
    pub fn with_max_pending(mut self, max_pending: usize) -> Self {
        self.max_pending = max_pending.max(1);
        self.pending = Arc::new(Semaphore::new(self.max_pending));
        self
    }

    /// Sets how long unreachable-target answers are remembered (`--negative-cache-ttl`).
    #[must_use]
    pub fn with_negative_cache_ttl(mut self, ttl: Duration) -> Self {
        self.negative = NegativeCache::new(ttl);
        self
    }

    /// Sets the event buffer (`--event-buffer`); call before serving.
    #[must_use]
    pub fn with_event_buffer(mut self, capacity: usize) -> Self {
        self.events = EventBus::new(capacity);
        self
    }
}
