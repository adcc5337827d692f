//! Shards shared by several instances of one bot through Redis (`--redis-url`): leases that
//! spread the shards over the live instances, and the session state that lets a new owner
//! RESUME a shard's session instead of identifying anew.
//! <https://discord.com/developers/docs/events/gateway#resuming>
//!
//! Keys (in the deployment's namespace `dp:{BOT}:` of [`super::redis::namespace`], whose hash
//! tag keeps them in one Redis Cluster slot; `T` is the shard count, so a deployment that
//! changes it starts afresh):
//!
//! | key | what |
//! | --- | --- |
//! | `dp:{BOT}:gateway:instances` | sorted set: live instances, scored by when their heartbeat expires (Redis time) |
//! | `…:shards:T:ID:lease` | the lease of shard ID: `INSTANCE/EPOCH`, expires after `--shard-lease-ttl` |
//! | `…:shards:T:ID:epoch` | the fencing counter: incremented on every acquisition |
//! | `…:shards:T:ID:session` | `{"session_id", "sequence", "resume_url"}`, written only by the lease holder |
//! | `…:identify:KEY`, `…:session-starts` | the identify queue ([`super::identify_queue`]) |
//!
//! Every round (every second, or every third of the TTL when that is shorter: [`round_interval`])
//! an instance renews its heartbeat and its leases (one script each),
//! then compares what it holds with its fair share: the live instances sorted by id, shards
//! `T / n` each and one more for the first `T % n`. It gives back shards above its share (the
//! shard is closed with 4000, which keeps the session resumable, its session saved, the lease
//! deleted) and takes free ones below it (the shard resumes the saved session). An instance that
//! dies loses its leases after the TTL; the others take its shards over and resume them.
//!
//! Self-fencing: an instance stops a shard when it has not renewed its lease for half the TTL
//! (Redis unreachable or slow), so the shard is stopped before the lease can pass to another
//! instance; at most a few events arrive on two instances around a takeover.

use redis::{FromRedisValue, aio::ConnectionManager};
use serde::{Deserialize, Serialize};
use std::{
    collections::BTreeMap,
    fmt,
    sync::Arc,
    time::{Duration, Instant},
};
use tokio::sync::watch;
use twilight_gateway::CloseFrame;

/// What the lease loops drive: the shards this instance runs (the gateway's runner).
pub trait ShardHost: Send + Sync + 'static {
    /// Starts shard `id`, resuming `session` when given.
    fn start(&self, id: u32, session: Option<SavedSession>);
    /// Stops shard `id` with `frame` within `grace`; the session it had.
    fn stop(
        &self,
        id: u32,
        frame: CloseFrame<'static>,
        grace: Duration,
    ) -> impl Future<Output = Option<SavedSession>> + Send;
    /// Shard `id`'s current session.
    fn session(&self, id: u32) -> Option<SavedSession>;
    /// Resolves when a shard got a new session (READY).
    fn new_session(&self) -> impl Future<Output = ()> + Send;
}

/// Default `--shard-lease-ttl`.
pub const DEFAULT_LEASE_TTL: Duration = Duration::from_secs(10);

/// How long a saved session stays in Redis without being written again.
const SESSION_TTL: Duration = Duration::from_secs(600);

/// How long a shard that is handed over may take to close.
const HANDOVER_GRACE: Duration = Duration::from_secs(2);

/// How often an instance renews its heartbeat and leases, saves sessions and rebalances: every
/// second, or every third of the lease TTL when that is shorter.
pub fn round_interval(ttl: Duration) -> Duration {
    (ttl / 3).min(Duration::from_secs(1))
}

/// The timeout of one Redis command for a lease TTL of `ttl`: a sixth of it, between 100 ms and
/// 2 s.
pub fn command_timeout(ttl: Duration) -> Duration {
    (ttl / 6).clamp(Duration::from_millis(100), Duration::from_secs(2))
}

/// A name for this process among the instances: pid and a random suffix.
pub fn instance_id() -> String {
    format!("{}-{:08x}", std::process::id(), fastrand::u32(..))
}

/// A connection to Redis that reconnects by itself; every command has a timeout.
#[derive(Clone)]
pub struct RedisLink {
    connection: ConnectionManager,
    timeout: Duration,
}

impl fmt::Debug for RedisLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLink")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl RedisLink {
    /// A link to the Redis of `options` (connected lazily: Redis need not be up yet).
    ///
    /// # Errors
    /// When the URL is not a Redis URL.
    pub fn open(options: &super::redis::RedisOptions, timeout: Duration) -> Result<Self, String> {
        let client = options.client().map_err(|error| error.to_string())?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1)
            .set_max_delay(timeout);
        let connection = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|error| error.to_string())?;
        Ok(Self {
            connection,
            timeout,
        })
    }

    /// Runs a script invocation.
    ///
    /// # Errors
    /// Redis errors and timeouts, as text.
    pub async fn invoke<T: FromRedisValue>(
        &self,
        invocation: &redis::ScriptInvocation<'_>,
    ) -> Result<T, String> {
        let mut connection = self.connection.clone();
        match tokio::time::timeout(self.timeout, invocation.invoke_async(&mut connection)).await {
            Ok(answer) => answer.map_err(|error| error.to_string()),
            Err(_) => Err(format!("no answer from Redis within {:?}", self.timeout)),
        }
    }

    /// Runs a command.
    async fn query<T: FromRedisValue>(&self, command: &redis::Cmd) -> Result<T, String> {
        let mut connection = self.connection.clone();
        match tokio::time::timeout(self.timeout, command.query_async(&mut connection)).await {
            Ok(answer) => answer.map_err(|error| error.to_string()),
            Err(_) => Err(format!("no answer from Redis within {:?}", self.timeout)),
        }
    }
}

/// The Redis keys of one bot and shard count.
#[derive(Debug, Clone)]
pub struct Keys {
    prefix: String,
    total: u32,
}

impl Keys {
    /// The keys of the bot with `token`, running `total` shards: under the deployment's
    /// namespace ([`super::redis::namespace`], shared with the REST store), in `gateway:`.
    pub fn for_token(token: &str, total: u32) -> Self {
        Self::in_namespace(&super::redis::namespace(token), total)
    }

    /// The keys under `namespace` (`dp:{H}:`) for `total` shards.
    pub fn in_namespace(namespace: &str, total: u32) -> Self {
        Self {
            prefix: format!("{namespace}gateway"),
            total,
        }
    }

    /// The lease of shard `id`: `INSTANCE/EPOCH` while held.
    pub fn lease(&self, id: u32) -> String {
        self.shard(id, "lease")
    }

    fn instances(&self) -> String {
        format!("{}:instances", self.prefix)
    }

    fn shard(&self, id: u32, what: &str) -> String {
        format!("{}:shards:{}:{id}:{what}", self.prefix, self.total)
    }

    /// The identify slot of rate-limit key `key`.
    pub fn identify_slot(&self, key: u64) -> String {
        format!("{}:identify:{key}", self.prefix)
    }

    /// The session start budget.
    pub fn session_starts(&self) -> String {
        format!("{}:session-starts", self.prefix)
    }
}

/// A shard's gateway session as kept in Redis: enough for a RESUME.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSession {
    /// READY's `session_id`.
    pub session_id: String,
    /// The last sequence number received.
    pub sequence: u64,
    /// READY's `resume_gateway_url`.
    pub resume_url: Option<String>,
}

/// Renews this instance's heartbeat; answers the live instances.
const HEARTBEAT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 10)
return redis.call('ZRANGE', KEYS[1], 0, -1)
";

/// Takes a free lease: answers `INSTANCE/EPOCH`, or nil when it is held.
const ACQUIRE: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then
  return false
end
local epoch = redis.call('INCR', KEYS[2])
local value = ARGV[1] .. '/' .. epoch
redis.call('SET', KEYS[1], value, 'PX', ARGV[2])
return value
";

/// Renews the leases KEYS that still hold ARGV[i]; answers 1 or 0 per lease.
const RENEW: &str = r"
local ttl = ARGV[#ARGV]
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[i] then
    redis.call('PEXPIRE', key, ttl)
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
";

/// Deletes a lease that still holds ARGV[1].
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// Writes a session (KEYS[2]) only while the lease (KEYS[1]) holds ARGV[1]; an instance that
/// lost the lease cannot overwrite the new owner's session.
const SAVE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
";

/// The scripts, hashed once.
#[derive(Debug)]
struct Scripts {
    heartbeat: redis::Script,
    acquire: redis::Script,
    renew: redis::Script,
    release: redis::Script,
    save: redis::Script,
}

impl Default for Scripts {
    fn default() -> Self {
        Self {
            heartbeat: redis::Script::new(HEARTBEAT),
            acquire: redis::Script::new(ACQUIRE),
            renew: redis::Script::new(RENEW),
            release: redis::Script::new(RELEASE),
            save: redis::Script::new(SAVE),
        }
    }
}

/// What the lease and session loops need.
#[derive(Debug)]
pub struct Coordination {
    /// The Redis connection.
    pub link: RedisLink,
    /// The bot's keys.
    pub keys: Keys,
    /// This instance's name.
    pub instance: String,
    /// The bot's shard count.
    pub total: u32,
    /// `--shard-lease-ttl`.
    pub ttl: Duration,
}

/// A lease this instance holds.
#[derive(Debug)]
struct Owned {
    /// The lease's value (`INSTANCE/EPOCH`).
    value: String,
    /// When the last successful renewal (or the acquisition) was sent.
    renewed: Instant,
    /// The session last written (id, sequence).
    saved: Option<(String, u64)>,
}

/// The fair share of instance `index` of `live`: `total / live` shards, one more for the first
/// `total % live`.
fn fair_share(total: u32, live: usize, index: usize) -> u32 {
    let live = u32::try_from(live.max(1)).unwrap_or(u32::MAX);
    let index = u32::try_from(index).unwrap_or(u32::MAX);
    total / live + u32::from(index < total % live)
}

impl Coordination {
    fn millis(duration: Duration) -> u64 {
        u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
    }

    /// Renews the heartbeat; the live instances, sorted.
    async fn heartbeat(&self, scripts: &Scripts) -> Result<Vec<String>, String> {
        let mut invocation = scripts.heartbeat.prepare_invoke();
        invocation
            .key(self.keys.instances())
            .arg(&self.instance)
            .arg(Self::millis(self.ttl));
        let mut live: Vec<String> = self.link.invoke(&invocation).await?;
        live.sort();
        Ok(live)
    }

    /// The saved session of shard `id`, if any.
    async fn load_session(&self, id: u32) -> Result<Option<SavedSession>, String> {
        let text: Option<String> = self
            .link
            .query(redis::cmd("GET").arg(self.keys.shard(id, "session")))
            .await?;
        Ok(text.and_then(|text| serde_json::from_str(&text).ok()))
    }

    /// Writes shard `id`'s session while `lease` holds; `Ok(false)` when the lease is gone.
    async fn save_session(
        &self,
        scripts: &Scripts,
        id: u32,
        lease: Option<&str>,
        session: &SavedSession,
    ) -> Result<bool, String> {
        let json = serde_json::to_string(session).map_err(|error| error.to_string())?;
        match lease {
            Some(lease) => {
                let mut invocation = scripts.save.prepare_invoke();
                invocation
                    .key(self.keys.shard(id, "lease"))
                    .key(self.keys.shard(id, "session"))
                    .arg(lease)
                    .arg(json)
                    .arg(Self::millis(SESSION_TTL));
                let written: i64 = self.link.invoke(&invocation).await?;
                Ok(written == 1)
            }
            None => {
                let () = self
                    .link
                    .query(
                        redis::cmd("SET")
                            .arg(self.keys.shard(id, "session"))
                            .arg(json)
                            .arg("PX")
                            .arg(Self::millis(SESSION_TTL)),
                    )
                    .await?;
                Ok(true)
            }
        }
    }

    /// Hands shard `id` over: stops it with 4000 (resumable), saves its session, deletes the
    /// lease.
    async fn hand_over<R: ShardHost>(&self, scripts: &Scripts, runner: &R, id: u32, owned: &Owned) {
        let session = runner.stop(id, CloseFrame::RESUME, HANDOVER_GRACE).await;
        if let Some(session) = &session
            && let Err(error) = self
                .save_session(scripts, id, Some(&owned.value), session)
                .await
        {
            tracing::warn!(shard = id, %error, "cannot save the session of a shard handed over");
        }
        let mut invocation = scripts.release.prepare_invoke();
        invocation
            .key(self.keys.shard(id, "lease"))
            .arg(&owned.value);
        if let Err(error) = self.link.invoke::<i64>(&invocation).await {
            tracing::warn!(shard = id, %error, "cannot give the lease back; it expires by itself");
        }
        tracing::info!(
            shard = id,
            resumable = session.is_some(),
            "shard handed over"
        );
    }

    /// One round: heartbeat, renewals, fair share (give back, take), session saves.
    async fn round<R: ShardHost>(
        &self,
        scripts: &Scripts,
        runner: &R,
        owned: &mut BTreeMap<u32, Owned>,
    ) -> Result<(), String> {
        let sent = Instant::now();
        let live = self.heartbeat(scripts).await?;
        if !owned.is_empty() {
            let mut invocation = scripts.renew.prepare_invoke();
            for (id, lease) in owned.iter() {
                invocation
                    .key(self.keys.shard(*id, "lease"))
                    .arg(&lease.value);
            }
            invocation.arg(Self::millis(self.ttl));
            let renewed: Vec<i64> = self.link.invoke(&invocation).await?;
            let mut lost = Vec::new();
            for ((id, lease), ok) in owned.iter_mut().zip(renewed) {
                if ok == 1 {
                    lease.renewed = sent;
                } else {
                    lost.push(*id);
                }
            }
            for id in lost {
                tracing::warn!(shard = id, "lost the shard's lease; stopping it");
                runner.stop(id, CloseFrame::RESUME, HANDOVER_GRACE).await;
                owned.remove(&id);
            }
        }
        let index = live
            .iter()
            .position(|name| *name == self.instance)
            .unwrap_or(live.len());
        let target = fair_share(self.total, live.len().max(index + 1), index);
        while owned.len() > target as usize {
            let Some((id, lease)) = owned.pop_last() else {
                break;
            };
            self.hand_over(scripts, runner, id, &lease).await;
        }
        if owned.len() < target as usize {
            let mut mget = redis::cmd("MGET");
            for id in 0..self.total {
                mget.arg(self.keys.shard(id, "lease"));
            }
            let holders: Vec<Option<String>> = self.link.query(&mget).await?;
            let free: Vec<u32> = (0..self.total)
                .filter(|id| holders.get(*id as usize).is_some_and(Option::is_none))
                .collect();
            // Start at a different place per instance: fewer collisions when several take at
            // once.
            let offset = if free.is_empty() {
                0
            } else {
                index * free.len() / live.len().max(1) % free.len()
            };
            let wanted = target as usize - owned.len();
            for id in free.iter().cycle().skip(offset).take(free.len()).copied() {
                if owned.len() >= target as usize {
                    break;
                }
                let mut invocation = scripts.acquire.prepare_invoke();
                invocation
                    .key(self.keys.shard(id, "lease"))
                    .key(self.keys.shard(id, "epoch"))
                    .arg(&self.instance)
                    .arg(Self::millis(self.ttl));
                let Some(value): Option<String> = self.link.invoke(&invocation).await? else {
                    continue;
                };
                let session = self.load_session(id).await.unwrap_or_else(|error| {
                    tracing::warn!(shard = id, %error, "cannot read the shard's saved session; it identifies");
                    None
                });
                tracing::info!(shard = id, lease = %value, resume = session.is_some(), wanted, "took the shard's lease");
                runner.start(id, session);
                owned.insert(
                    id,
                    Owned {
                        value,
                        renewed: sent,
                        saved: None,
                    },
                );
            }
        }
        self.save_sessions(scripts, runner, owned).await
    }

    /// Writes the sessions of the held shards that changed since they were last written.
    async fn save_sessions<R: ShardHost>(
        &self,
        scripts: &Scripts,
        runner: &R,
        owned: &mut BTreeMap<u32, Owned>,
    ) -> Result<(), String> {
        for (id, lease) in owned.iter_mut() {
            let Some(session) = runner.session(*id) else {
                continue;
            };
            let key = (session.session_id.clone(), session.sequence);
            if lease.saved.as_ref() == Some(&key) {
                continue;
            }
            if self
                .save_session(scripts, *id, Some(&lease.value), &session)
                .await?
            {
                lease.saved = Some(key);
            }
        }
        Ok(())
    }
}

/// Waits for `duration` or the stop signal; `true` when stopping.
async fn pause(duration: Duration, stop: &mut watch::Receiver<bool>) -> bool {
    if *stop.borrow() {
        return true;
    }
    tokio::select! {
        () = tokio::time::sleep(duration) => *stop.borrow(),
        changed = stop.changed() => changed.is_err() || *stop.borrow(),
    }
}

/// What ended a wait between two rounds.
enum Wake {
    /// Time for the next round.
    Round,
    /// A shard has a new session: save it now.
    NewSession,
    /// Shutting down.
    Stop,
}

/// Waits until `deadline`, a new session or the stop signal.
async fn wait<R: ShardHost>(
    deadline: Instant,
    runner: &R,
    stop: &mut watch::Receiver<bool>,
) -> Wake {
    if *stop.borrow() {
        return Wake::Stop;
    }
    tokio::select! {
        () = tokio::time::sleep_until(deadline.into()) => Wake::Round,
        () = runner.new_session() => Wake::NewSession,
        changed = stop.changed() => {
            if changed.is_err() || *stop.borrow() { Wake::Stop } else { Wake::Round }
        }
    }
}

/// The lease loop (`--shards auto` or N with `--redis-url`) until `stop`: then it saves the
/// sessions, closes its shards with 4000 and gives the leases back.
pub(crate) async fn run_leases<R: ShardHost>(
    coordination: Coordination,
    runner: Arc<R>,
    mut stop: watch::Receiver<bool>,
) {
    let scripts = Scripts::default();
    let tick = round_interval(coordination.ttl);
    let fence_after = coordination.ttl / 2;
    let mut owned: BTreeMap<u32, Owned> = BTreeMap::new();
    // Be seen before taking anything, so that instances starting together share at once.
    if let Err(error) = coordination.heartbeat(&scripts).await {
        tracing::warn!(%error, "Redis unreachable: no shard runs until it answers");
    }
    let mut failing = false;
    if !pause(tick, &mut stop).await {
        'rounds: loop {
            let fence = owned
                .values()
                .map(|lease| lease.renewed + fence_after)
                .min();
            let round = coordination.round(&scripts, &*runner, &mut owned);
            let outcome = match fence {
                Some(fence) => tokio::time::timeout_at(fence.into(), round)
                    .await
                    .unwrap_or_else(|_| Err("no renewal before half the lease TTL".to_owned())),
                None => round.await,
            };
            match outcome {
                Ok(()) if failing => {
                    tracing::info!("Redis answers again: shard leases renewed");
                    failing = false;
                }
                Ok(()) => {}
                Err(error) => {
                    if !failing {
                        tracing::warn!(%error, "shard leases: Redis unreachable or slow");
                    }
                    failing = true;
                }
            }
            // Self-fencing: stop what could not be renewed for half the TTL.
            let now = Instant::now();
            let expired: Vec<u32> = owned
                .iter()
                .filter(|(_, lease)| now >= lease.renewed + fence_after)
                .map(|(id, _)| *id)
                .collect();
            for id in expired {
                tracing::error!(
                    shard = id,
                    "lease not renewed for half its TTL (Redis unreachable): stopping the shard before another instance may take it"
                );
                runner
                    .stop(id, CloseFrame::RESUME, Duration::from_millis(200))
                    .await;
                owned.remove(&id);
            }
            let next = Instant::now() + tick;
            loop {
                match wait(next, &*runner, &mut stop).await {
                    Wake::Round => break,
                    Wake::Stop => break 'rounds,
                    Wake::NewSession => {
                        let save = coordination.save_sessions(&scripts, &*runner, &mut owned);
                        if let Err(error) = tokio::time::timeout(tick, save)
                            .await
                            .unwrap_or_else(|_| Err("timed out".to_owned()))
                        {
                            tracing::debug!(%error, "cannot save a new session now; next round");
                        }
                    }
                }
            }
        }
    }
    // Shutting down: hand every shard over at once.
    let handovers = owned
        .iter()
        .map(|(id, lease)| coordination.hand_over(&scripts, &*runner, *id, lease));
    futures_util::future::join_all(handovers).await;
    let _: Result<i64, String> = coordination
        .link
        .query(
            redis::cmd("ZREM")
                .arg(coordination.keys.instances())
                .arg(&coordination.instance),
        )
        .await;
}

/// With a static range (`--shards A..B/T`) and Redis: starts `ids`, resuming the sessions saved
/// in Redis, and saves their sessions every round ([`round_interval`]) until `stop`; then closes them
/// with 4000 (resumable) and saves the last sessions, so that a restart resumes them.
pub(crate) async fn run_static<R: ShardHost>(
    coordination: Coordination,
    runner: Arc<R>,
    ids: Vec<u32>,
    mut stop: watch::Receiver<bool>,
) {
    let scripts = Scripts::default();
    let loads = ids.iter().map(|id| coordination.load_session(*id));
    let sessions = futures_util::future::join_all(loads).await;
    for (id, session) in ids.iter().zip(sessions) {
        runner.start(*id, session.unwrap_or(None));
    }
    let mut saved: BTreeMap<u32, (String, u64)> = BTreeMap::new();
    let tick = round_interval(coordination.ttl);
    let mut next = Instant::now() + tick;
    loop {
        let wake = wait(next, &*runner, &mut stop).await;
        if matches!(wake, Wake::Round) {
            next = Instant::now() + tick;
        }
        if matches!(wake, Wake::Stop) {
            let stops = ids
                .iter()
                .map(|id| runner.stop(*id, CloseFrame::RESUME, HANDOVER_GRACE));
            let last = futures_util::future::join_all(stops).await;
            for (id, session) in ids.iter().zip(last) {
                if let Some(session) = session {
                    let _ = coordination
                        .save_session(&scripts, *id, None, &session)
                        .await;
                }
            }
            return;
        }
        for id in &ids {
            let Some(session) = runner.session(*id) else {
                continue;
            };
            let key = (session.session_id.clone(), session.sequence);
            if saved.get(id) == Some(&key) {
                continue;
            }
            match coordination
                .save_session(&scripts, *id, None, &session)
                .await
            {
                Ok(_) => {
                    saved.insert(*id, key);
                }
                Err(error) => {
                    tracing::debug!(shard = id, %error, "cannot save the shard's session");
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fair_shares_add_up() {
        for total in [1, 2, 7, 8, 16, 100] {
            for live in 1..6 {
                let shares: Vec<u32> = (0..live).map(|i| fair_share(total, live, i)).collect();
                assert_eq!(shares.iter().sum::<u32>(), total, "{total} over {live}");
                let (min, max) = (shares.iter().min().unwrap(), shares.iter().max().unwrap());
                assert!(max - min <= 1, "{shares:?}");
            }
        }
        assert_eq!(
            (0..3).map(|i| fair_share(8, 3, i)).collect::<Vec<_>>(),
            vec![3, 3, 2]
        );
        assert_eq!(fair_share(2, 3, 2), 0);
    }

    #[test]
    fn keys_hide_the_token_and_share_a_hash_tag() {
        let keys = Keys::for_token("secret-token", 8);
        let lease = keys.shard(3, "lease");
        assert!(!lease.contains("secret"), "{lease}");
        assert!(lease.starts_with("dp:{") && lease.ends_with(":gateway:shards:8:3:lease"));
        let tag = |key: &str| key[key.find('{').unwrap()..=key.find('}').unwrap()].to_owned();
        assert_eq!(tag(&lease), tag(&keys.instances()));
        assert_eq!(tag(&lease), tag(&keys.identify_slot(0)));
        assert_ne!(tag(&lease), tag(&Keys::for_token("other", 8).instances()));
    }

    #[test]
    fn sessions_round_trip_as_json() {
        let session = SavedSession {
            session_id: "abc".into(),
            sequence: 42,
            resume_url: Some("wss://gateway".into()),
        };
        let json = serde_json::to_string(&session).unwrap();
        assert_eq!(
            serde_json::from_str::<SavedSession>(&json).unwrap(),
            session
        );
        assert_eq!(
            command_timeout(Duration::from_secs(12)),
            Duration::from_secs(2)
        );
        assert_eq!(
            command_timeout(Duration::from_secs(60)),
            Duration::from_secs(2)
        );
        assert_eq!(
            command_timeout(Duration::from_millis(300)),
            Duration::from_millis(100)
        );
    }
}
