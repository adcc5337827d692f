//! The connection to the Redis that several instances of one bot share (`--redis-url`): key
//! namespace, bounded calls, and the degraded state.
//!
//! Every key starts with `dp:{H}:`, `H` being the first 16 hex digits of SHA-256 of the bot
//! token (never the token itself): instances with the same URL and token form one
//! deployment, and two bots can share a Redis. The braces are a Redis Cluster hash tag, so one
//! bot's keys share a slot (the scripts touch several keys at once).
//!
//! Each call waits at most `--redis-timeout-ms` (default 100 ms). The first call that fails or
//! takes longer marks Redis *degraded*: a WARN log line, `discordproxy_redis_degraded` 1, and
//! from then on no call waits for Redis: REST runs on the local limiter (see
//! [`RedisStore`](crate::discord::ratelimit::redis_store::RedisStore)), the shared caches
//! on their local copy. The heartbeat (every second, every 500 ms while degraded) notices when
//! Redis answers again; the state is then rebuilt and the log says so.

pub mod scripts;

use crate::metrics::Metrics;
use redis::{FromRedisValue, aio::ConnectionManager};
use sha2::{Digest, Sha256};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// Default `--redis-timeout-ms`: the longest one Redis call may take before Redis counts as
/// degraded.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(100);

/// `--redis-url` and `--redis-timeout-ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisOptions {
    /// `redis://[user:password@]HOST:PORT/DB` or `rediss://…` (TLS, rustls with the bundled
    /// web PKI roots).
    pub url: String,
    /// Bound of each Redis call (default 100 ms).
    pub timeout: Duration,
    /// PEM CA certificates for `rediss://` (`--redis-ca-file`); `None`: the web PKI roots.
    pub ca_pem: Option<Vec<u8>>,
}

/// Why `--redis-url` is unusable.
#[derive(Debug, thiserror::Error)]
#[error("invalid --redis-url: {0}")]
pub struct InvalidRedisUrl(pub String);

impl RedisOptions {
    /// Checks that `url` is a Redis URL (`redis://`, `rediss://`, `redis+unix://`).
    ///
    /// # Errors
    /// [`InvalidRedisUrl`] with redis-rs's reason (the URL is not repeated: it may hold a
    /// password).
    pub fn new(url: String, timeout: Duration) -> Result<Self, InvalidRedisUrl> {
        redis::Client::open(url.as_str()).map_err(|error| InvalidRedisUrl(error.to_string()))?;
        Ok(Self {
            url,
            timeout,
            ca_pem: None,
        })
    }

    /// Trusts the CA certificates `ca_pem` (PEM) for `rediss://` instead of the web PKI roots.
    ///
    /// # Errors
    /// [`InvalidRedisUrl`] when the PEM holds no certificate or the URL is not `rediss://`.
    pub fn with_ca(mut self, ca_pem: Option<Vec<u8>>) -> Result<Self, InvalidRedisUrl> {
        if let Some(pem) = &ca_pem {
            if !self.url.starts_with("rediss://") {
                return Err(InvalidRedisUrl(
                    "--redis-ca-file is for rediss:// URLs (TLS)".into(),
                ));
            }
            if !String::from_utf8_lossy(pem).contains("-----BEGIN CERTIFICATE-----") {
                return Err(InvalidRedisUrl(
                    "--redis-ca-file holds no PEM certificate".into(),
                ));
            }
        }
        self.ca_pem = ca_pem;
        self.client()?;
        Ok(self)
    }

    /// A client for the URL (with the CA of `--redis-ca-file` when given).
    ///
    /// # Errors
    /// [`InvalidRedisUrl`] with redis-rs's reason.
    pub fn client(&self) -> Result<redis::Client, InvalidRedisUrl> {
        // rediss:// builds its rustls config with the process default provider: ring, the
        // only one compiled in.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = match &self.ca_pem {
            None => redis::Client::open(self.url.as_str()),
            Some(pem) => redis::Client::build_with_tls(
                self.url.as_str(),
                redis::TlsCertificates {
                    client_tls: None,
                    root_cert: Some(pem.clone()),
                },
            ),
        };
        client.map_err(|error| InvalidRedisUrl(error.to_string()))
    }
}

/// The namespace of a bot's keys: `dp:{<16 hex digits of SHA-256(token)>}:`.
pub fn namespace(token: &str) -> String {
    let digest = Sha256::digest(format!("discordproxy bot token:{token}").as_bytes());
    let hex: String = digest[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("dp:{{{hex}}}:")
}

/// The shared Redis of a deployment, as one instance sees it.
pub struct RedisShared {
    client: redis::Client,
    connection: ConnectionManager,
    prefix: String,
    timeout: Duration,
    instance: String,
    degraded: AtomicBool,
    /// Degraded episodes so far.
    episodes: AtomicU64,
    /// When degraded time was last added to the counter (`Some` while degraded).
    degraded_since: Mutex<Option<Instant>>,
    /// Live instances at the last heartbeat (at least 1).
    live: AtomicU32,
    /// The egress address of this instance's Discord requests, as key part.
    egress: Mutex<String>,
    metrics: Arc<Metrics>,
}

impl std::fmt::Debug for RedisShared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password: not shown.
        f.debug_struct("RedisShared")
            .field("prefix", &self.prefix)
            .field("instance", &self.instance)
            .field("degraded", &self.degraded.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl RedisShared {
    /// A connection (made lazily, reconnecting by itself) to `options.url` for the bot
    /// `token`, recording into `metrics`. Nothing is sent yet: an unreachable Redis shows as
    /// degraded on the first call.
    ///
    /// # Errors
    /// [`InvalidRedisUrl`] when the URL cannot be used.
    pub fn new(
        options: &RedisOptions,
        token: &str,
        metrics: Arc<Metrics>,
    ) -> Result<Self, InvalidRedisUrl> {
        let client = options.client()?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(options.timeout.max(Duration::from_millis(200))))
            .set_response_timeout(Some(options.timeout))
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_millis(500));
        let connection = ConnectionManager::new_lazy_with_config(client.clone(), config)
            .map_err(|error| InvalidRedisUrl(error.to_string()))?;
        Ok(Self {
            client,
            connection,
            prefix: namespace(token),
            timeout: options.timeout,
            instance: format!("{:016x}-{}", fastrand::u64(..), std::process::id()),
            degraded: AtomicBool::new(false),
            episodes: AtomicU64::new(0),
            degraded_since: Mutex::new(None),
            live: AtomicU32::new(1),
            egress: Mutex::new("unknown".into()),
            metrics,
        })
    }

    /// `prefix + suffix`: a key of this bot.
    pub fn key(&self, suffix: &str) -> String {
        format!("{}{suffix}", self.prefix)
    }

    /// This instance's id (random, with the process id).
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// The bound of one call.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Whether Redis is degraded now.
    pub fn degraded(&self) -> bool {
        self.degraded.load(Ordering::Relaxed)
    }

    /// Degraded episodes since start-up (a new one begins with each [`degrade`](Self::degrade)
    /// of a healthy Redis).
    pub fn episodes(&self) -> u64 {
        self.episodes.load(Ordering::Relaxed)
    }

    /// Live instances at the last heartbeat (1 before any).
    pub fn live_instances(&self) -> u32 {
        self.live.load(Ordering::Relaxed).max(1)
    }

    /// Records the live instances a heartbeat saw.
    pub fn set_live_instances(&self, live: u32) {
        self.live.store(live.max(1), Ordering::Relaxed);
        self.metrics.redis_instances.set(i64::from(live.max(1)));
    }

    /// The egress address key part (`--discord-source-ip`, else the local address of the
    /// connections to Discord once one was made, else `unknown`).
    pub fn egress(&self) -> String {
        self.egress
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Sets the egress address.
    pub fn set_egress(&self, egress: &str) {
        let mut known = self
            .egress
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if *known != egress {
            egress.clone_into(&mut known);
        }
    }

    /// A connection of its own, for blocking reads (`XREAD BLOCK`) that would hold up the
    /// shared connection's other calls; its calls wait at most `block` plus the timeout.
    ///
    /// # Errors
    /// When Redis cannot be reached within the timeout.
    pub async fn dedicated(
        &self,
        block: Duration,
    ) -> redis::RedisResult<redis::aio::MultiplexedConnection> {
        let config = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.timeout.max(Duration::from_millis(200))))
            .set_response_timeout(Some(block + self.timeout.max(Duration::from_millis(200))));
        self.client
            .get_multiplexed_async_connection_with_config(&config)
            .await
    }

    /// A publish/subscribe connection of its own.
    ///
    /// # Errors
    /// When Redis cannot be reached.
    pub async fn pubsub(&self) -> redis::RedisResult<redis::aio::PubSub> {
        self.client.get_async_pubsub().await
    }

    /// The metrics it records into.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// A handle on the connection for one call.
    pub fn connection(&self) -> ConnectionManager {
        self.connection.clone()
    }

    /// Runs one call unless Redis is degraded, within the timeout. A failure or timeout marks
    /// Redis degraded and gives `None`.
    pub async fn call<T, F>(&self, what: &'static str, call: F) -> Option<T>
    where
        F: Future<Output = redis::RedisResult<T>>,
    {
        if self.degraded() {
            return None;
        }
        match self.timed(call).await {
            Ok(value) => Some(value),
            Err(reason) => {
                self.degrade(what, &reason);
                None
            }
        }
    }

    /// Runs one call within the timeout whether or not Redis is degraded (the heartbeat).
    ///
    /// # Errors
    /// Why the call failed, as text.
    pub async fn timed<T, F>(&self, call: F) -> Result<T, String>
    where
        F: Future<Output = redis::RedisResult<T>>,
    {
        let started = Instant::now();
        match tokio::time::timeout(self.timeout, call).await {
            Ok(Ok(value)) => {
                self.metrics
                    .redis_round_trip
                    .observe(started.elapsed().as_secs_f64());
                Ok(value)
            }
            Ok(Err(error)) => Err(error.to_string()),
            Err(_) => Err(format!("no answer within {} ms", self.timeout.as_millis())),
        }
    }

    /// Runs a plain command (cache reads and writes) unless degraded.
    pub async fn command<T: FromRedisValue>(
        &self,
        what: &'static str,
        cmd: redis::Cmd,
    ) -> Option<T> {
        let mut connection = self.connection();
        self.call(what, async move { cmd.query_async(&mut connection).await })
            .await
    }

    /// Runs a read for reports (status, metrics) unless degraded, within the timeout; a
    /// failure gives `None` but does not mark Redis degraded (that is the REST path's and
    /// the heartbeat's to decide).
    pub async fn peek<T: FromRedisValue>(&self, cmd: redis::Cmd) -> Option<T> {
        if self.degraded() {
            return None;
        }
        let mut connection = self.connection();
        self.timed(async move { cmd.query_async(&mut connection).await })
            .await
            .ok()
    }

    /// Runs a plain command in a task of its own (writes nobody waits for).
    pub fn spawn_command(self: &Arc<Self>, what: &'static str, cmd: redis::Cmd) {
        if self.degraded() || tokio::runtime::Handle::try_current().is_err() {
            return;
        }
        let shared = Arc::clone(self);
        tokio::spawn(async move {
            let _: Option<redis::Value> = shared.command(what, cmd).await;
        });
    }

    /// Marks Redis degraded (logged once per episode).
    pub fn degrade(&self, what: &'static str, reason: &str) {
        if self.degraded.swap(true, Ordering::Relaxed) {
            return;
        }
        self.episodes.fetch_add(1, Ordering::Relaxed);
        *self
            .degraded_since
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Instant::now());
        self.metrics.redis_degraded.set(1);
        tracing::warn!(
            call = what,
            reason,
            instances = self.live_instances(),
            "Redis degraded: REST continues on the local limiter with the global limit divided \
             by the last known number of instances; the shared caches serve their local copy"
        );
    }

    /// Adds the time degraded since the last call to the counter.
    pub fn account_degraded(&self) {
        let mut since = self
            .degraded_since
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(at) = since.as_mut() {
            let now = Instant::now();
            self.metrics
                .redis_degraded_seconds
                .inc_by((now - *at).as_secs_f64());
            *at = now;
        }
    }

    /// Redis answers again: the degraded episode ends (call after rebuilding the state).
    pub fn recover(&self) {
        self.account_degraded();
        self.degraded_since
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if self.degraded.swap(false, Ordering::Relaxed) {
            self.metrics.redis_degraded.set(0);
            tracing::warn!(
                instances = self.live_instances(),
                "Redis reachable again: shared state rebuilt, REST limits are shared again"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_namespace_hides_the_token_and_separates_bots() {
        let a = namespace("token-a");
        assert!(a.starts_with("dp:{") && a.ends_with("}:"), "{a}");
        assert_eq!(a.len(), "dp:{}:".len() + 16);
        assert!(!a.contains("token-a"));
        assert_ne!(a, namespace("token-b"));
        assert_eq!(a, namespace("token-a"));
    }

    #[test]
    fn urls_are_checked_without_echoing_them() {
        assert!(RedisOptions::new("redis://127.0.0.1:6379/0".into(), DEFAULT_TIMEOUT).is_ok());
        assert!(
            RedisOptions::new("rediss://example.invalid:6380/1".into(), DEFAULT_TIMEOUT).is_ok()
        );
        let error = RedisOptions::new("http://user:secret@x/".into(), DEFAULT_TIMEOUT).unwrap_err();
        assert!(!error.to_string().contains("secret"), "{error}");
    }
}
