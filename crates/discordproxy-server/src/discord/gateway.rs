//! The bot's gateway session (twilight-gateway): keeps the bot online, feeds the cache and the
//! event bus, tracks shard state, and reports fatal close codes.
//! <https://discord.com/developers/docs/events/gateway>
//!
//! Which shards this instance runs: all of them (`--shards auto` or N), a static range of a
//! total (`--shards A..B/T`), or, with `--redis-url` and `auto` or N, the shards it holds
//! leases for ([`super::shard_lease`]); those come and go at run time, so the running shards are
//! kept by id in a [`Runner`]. With Redis, identifies go through the shared
//! [`super::identify_queue`] and session state is kept in Redis, so that a shard that moves to
//! another instance (or comes back after a restart) resumes its session.
//!
//! twilight-gateway reconnects with backoff and resumes on every resumable close, handles
//! RECONNECT and INVALID_SESSION, and heartbeats. This module observes: every frame it
//! receives is published once, in order, per shard. RPCs send gateway commands (op 3, op 8)
//! through [`GatewayCommands`]; the presence set at run time is sent again on every READY, since
//! twilight re-identifies with the start-up presence of its `Config`.

use super::{
    cache::GuildCache,
    client::{DiscordClient, HTTP_TIMEOUT},
    identify_queue::{IdentifyLimits, RedisQueue},
    shard_lease::{self, Keys, RedisLink, SavedSession, ShardHost},
    shard_status::ShardBoard,
};
use crate::{convert, error::Result, events::EventBus, token::BotToken};
use discordproxy_proto::shard_status::State;
use serde_json::Value;
use std::{
    collections::BTreeMap,
    fmt,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};
use tokio::{
    sync::{mpsc, oneshot, watch},
    task::JoinHandle,
};
use twilight_gateway::{
    CloseFrame, Config, ConfigBuilder, EventTypeFlags, Intents, Message, MessageSender, Session,
    Shard, ShardId, ShardState,
    queue::{InMemoryQueue, Queue},
};
use twilight_model::gateway::{
    payload::outgoing::update_presence::UpdatePresencePayload,
    presence::{ActivityType, MinimalActivity, Status},
};

/// Which shards to run (`--shards`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardCount {
    /// As many as `GET /gateway/bot` recommends (all in this process, or spread by leases
    /// with Redis).
    Auto,
    /// Exactly this many (all in this process, or spread by leases with Redis).
    Fixed(u32),
    /// Shards `start..end` of `total` in this process (a static split; no leases).
    Range {
        /// The first shard.
        start: u32,
        /// One past the last shard (at most `total`).
        end: u32,
        /// The bot's shard count.
        total: u32,
    },
}

/// Several instances of one bot sharing their shards through Redis (`--redis-url`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedShards {
    /// The Redis (`--redis-url`, `--redis-ca-file`).
    pub redis: super::redis::RedisOptions,
    /// How long a shard lease lives without renewal (`--shard-lease-ttl`, default 10 s).
    pub lease_ttl: Duration,
}

/// Gateway settings from the command line.
#[derive(Debug, Clone)]
pub struct GatewayOptions {
    /// Intents sent with IDENTIFY (default GUILDS, GUILD_MESSAGES, DIRECT_MESSAGES,
    /// GUILD_MESSAGE_REACTIONS).
    pub intents: Intents,
    /// Presence status (default online).
    pub status: Status,
    /// Activity text shown as "Playing …" (default none).
    pub activity: Option<String>,
    /// Shards (default auto).
    pub shards: ShardCount,
    /// With Redis: leases, the shared identify queue and session state (default none).
    pub shared: Option<SharedShards>,
}

/// A gateway close code that reconnecting cannot fix: the process must exit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FatalClose {
    /// Discord's close code (4004, 4010, 4011, 4012, 4013, 4014).
    pub code: u16,
    /// What to fix, for the log.
    pub reason: String,
}

/// The running shards.
#[derive(Debug)]
pub struct Gateway {
    runner: Arc<Runner>,
    /// The lease or session-saving loop (with Redis) and the signal that ends it.
    coordinator: Option<(watch::Sender<bool>, JoinHandle<()>)>,
    /// Shard state for `GetGatewayStatus` and health.
    pub board: Arc<ShardBoard>,
    /// The commands RPCs send through the shards (`RequestGuildMembers`, `UpdatePresence`).
    pub commands: Arc<GatewayCommands>,
}

/// Why a gateway command could not be queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandError {
    /// No such shard, or a shard another instance runs.
    UnknownShard,
    /// The shard's task has ended (the gateway is closing or closed fatally).
    Closed,
}

/// Sends gateway commands through the running shards. twilight holds a command until its shard
/// is identified (READY or resuming), then sends it within Discord's command rate limit
/// (120 per 60 s per connection).
#[derive(Debug)]
pub struct GatewayCommands {
    /// The senders of the shards this instance runs, by id.
    senders: Mutex<BTreeMap<u32, MessageSender>>,
    /// The bot's shard count.
    total: u32,
    intents: Intents,
    board: Arc<ShardBoard>,
    /// The op 3 frame of the last `UpdatePresence`, sent again on every READY; the lock also
    /// keeps concurrent updates in one order on every shard.
    presence: Mutex<Option<String>>,
}

impl GatewayCommands {
    fn new(total: u32, intents: Intents, board: Arc<ShardBoard>) -> Self {
        Self {
            senders: Mutex::new(BTreeMap::new()),
            total,
            intents,
            board,
            presence: Mutex::new(None),
        }
    }

    fn senders(&self) -> std::sync::MutexGuard<'_, BTreeMap<u32, MessageSender>> {
        self.senders.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The bot's shard count (of every instance; the shard formula's `num_shards`).
    pub fn shard_count(&self) -> u32 {
        self.total
    }

    /// Whether this instance runs shard `id`.
    pub fn runs(&self, id: u32) -> bool {
        self.senders().contains_key(&id)
    }

    /// The intents IDENTIFY sent (`--intents`).
    pub fn intents(&self) -> Intents {
        self.intents
    }

    /// The shard that receives `guild_id`'s events: `(guild_id >> 22) % shard_count`.
    /// <https://discord.com/developers/docs/events/gateway#sharding-sharding-formula>
    pub fn shard_of(&self, guild_id: u64) -> u32 {
        let count = u64::from(self.shard_count().max(1));
        u32::try_from((guild_id >> 22) % count).unwrap_or(0)
    }

    /// Whether shard `id` has a session that carries commands now (ready or resuming).
    pub fn is_connected(&self, id: u32) -> bool {
        matches!(self.board.state(id), Some(State::Ready | State::Resuming))
    }

    /// Queues the payload `frame` (`{"op": …, "d": …}`) on shard `id`.
    ///
    /// # Errors
    /// [`CommandError`] when there is no such shard or its task ended.
    pub fn send(&self, id: u32, frame: String) -> Result<(), CommandError> {
        let senders = self.senders();
        let sender = senders.get(&id).ok_or(CommandError::UnknownShard)?;
        sender.send(frame).map_err(|_| CommandError::Closed)
    }

    /// Remembers the op 3 payload `frame` and queues it on every shard this instance runs;
    /// returns how many shards took it.
    pub fn update_presence(&self, frame: String) -> u32 {
        let mut presence = self.presence.lock().unwrap_or_else(PoisonError::into_inner);
        let sent = self
            .senders()
            .values()
            .filter(|sender| sender.send(frame.clone()).is_ok())
            .count();
        *presence = Some(frame);
        u32::try_from(sent).unwrap_or(u32::MAX)
    }

    /// The op 3 payload of the last `UpdatePresence`, if any.
    pub fn presence(&self) -> Option<String> {
        self.presence
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// After READY on shard `id`: sends the runtime presence again (a new session starts with
    /// the start-up presence twilight identifies with).
    fn restore_presence(&self, id: u32) {
        let presence = self.presence.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(frame) = presence.as_ref() {
            tracing::info!(
                shard = id,
                "new session: sending the presence set at run time again"
            );
            let _ = self.send(id, frame.clone());
        }
    }
}

/// Everything the shard loops publish into.
#[derive(Debug, Clone)]
pub struct Sinks {
    /// Dispatch events for `StreamEvents`.
    pub bus: EventBus,
    /// The gateway-fed cache.
    pub cache: Arc<GuildCache>,
    /// Where READY's `application.id` goes.
    pub application: Arc<super::application_id::ApplicationId>,
    /// The deployment's event stream (with `--redis-url`): dispatches go there instead of
    /// straight to `bus`, and come back to every instance's bus at the deployment's positions.
    pub shared: Option<Arc<crate::discord::event_stream::SharedEvents>>,
}

impl Sinks {
    /// Publishes a dispatch of session `session`: to the shared stream with Redis, else to
    /// the local bus.
    fn publish(&self, event: discordproxy_proto::GatewayEvent, session: Option<&str>) {
        match &self.shared {
            Some(shared) => shared.push(event, session.unwrap_or_default()),
            None => {
                self.bus.publish(event);
            }
        }
    }
}

/// The identify queue of this instance's shards: twilight's in-memory queue, or the queue
/// the instances share through Redis.
#[derive(Clone)]
pub struct IdentifyQueue(Arc<dyn Queue + Send + Sync>);

impl fmt::Debug for IdentifyQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdentifyQueue")
    }
}

impl Queue for IdentifyQueue {
    fn enqueue(&self, id: u32) -> oneshot::Receiver<()> {
        self.0.enqueue(id)
    }
}

/// Starts the shards: `GET /gateway/bot` for the URL, shard count and identify limits, then
/// one task per shard this instance runs (with leases: the lease loop starts them as it gets
/// leases). Fatal closes are sent on the returned channel.
///
/// # Errors
/// When `GET /gateway/bot` fails.
pub async fn start(
    rest: &DiscordClient,
    token: &BotToken,
    options: &GatewayOptions,
    sinks: Sinks,
) -> Result<(Gateway, mpsc::Receiver<FatalClose>)> {
    let info = rest
        .gateway_bot(tokio::time::Instant::now() + HTTP_TIMEOUT)
        .await?;
    let total = match options.shards {
        ShardCount::Auto => info.shards.max(1),
        ShardCount::Fixed(count) => count.max(1),
        ShardCount::Range { total, .. } => total,
    };
    // The shards this process runs from the start; `None`: the leases decide.
    let local: Option<Vec<u32>> = match (options.shards, &options.shared) {
        (ShardCount::Range { start, end, .. }, _) => Some((start..end).collect()),
        (_, None) => Some((0..total).collect()),
        (_, Some(_)) => None,
    };
    let shared = match &options.shared {
        Some(shared) => Some((
            shared,
            RedisLink::open(
                &shared.redis,
                shard_lease::command_timeout(shared.lease_ttl),
            )
            .map_err(|error| {
                crate::error::Error::GatewayUnavailable(format!("--redis-url: {error}"))
            })?,
            Keys::for_token(token.expose(), total),
        )),
        None => None,
    };
    // With Redis, the one id of this instance in the deployment (heartbeat, leases, events).
    let instance = sinks
        .shared
        .as_ref()
        .map_or_else(shard_lease::instance_id, |shared| {
            shared.instance().to_owned()
        });
    let queue = match &shared {
        Some((_, link, keys)) => IdentifyQueue(Arc::new(RedisQueue::new(
            link.clone(),
            keys.clone(),
            IdentifyLimits {
                max_concurrency: info.max_concurrency,
                remaining: info.remaining,
                reset_after_ms: info.reset_after_ms,
            },
            instance.clone(),
        ))),
        None => IdentifyQueue(Arc::new(InMemoryQueue::new(
            info.max_concurrency,
            info.remaining,
            Duration::from_millis(info.reset_after_ms),
            info.total.max(info.remaining),
        ))),
    };
    let mut builder = ConfigBuilder::new(token.expose().to_owned(), options.intents)
        .proxy_url(info.url.clone())
        .queue(queue);
    if let Some(presence) = presence(options) {
        builder = builder.presence(presence);
    }
    let config = builder.build();
    tracing::info!(
        url = %info.url,
        shards = total,
        local = ?local,
        redis = shared.is_some(),
        %instance,
        intents = ?options.intents,
        "connecting to the gateway"
    );

    let board = Arc::new(match &local {
        Some(ids) => ShardBoard::for_shards(ids.iter().copied(), total, false),
        None => ShardBoard::for_shards([], total, true),
    });
    let (fatal_tx, fatal_rx) = mpsc::channel(usize::try_from(total.max(1)).unwrap_or(1));
    let commands = Arc::new(GatewayCommands::new(
        total,
        options.intents,
        Arc::clone(&board),
    ));
    let runner = Arc::new(Runner {
        config,
        total,
        sinks,
        commands: Arc::clone(&commands),
        fatal: fatal_tx,
        intents: options.intents,
        running: Mutex::new(BTreeMap::new()),
        new_session: Arc::new(tokio::sync::Notify::new()),
    });
    let coordinator = match (shared, local) {
        (None, Some(ids)) => {
            for id in ids {
                runner.start(id, None);
            }
            None
        }
        (Some((shared, link, keys)), local) => {
            let (stop_tx, stop_rx) = watch::channel(false);
            let coordination = shard_lease::Coordination {
                link,
                keys,
                instance,
                total,
                ttl: shared.lease_ttl,
            };
            let task = match local {
                Some(ids) => tokio::spawn(shard_lease::run_static(
                    coordination,
                    Arc::clone(&runner),
                    ids,
                    stop_rx,
                )),
                None => tokio::spawn(shard_lease::run_leases(
                    coordination,
                    Arc::clone(&runner),
                    stop_rx,
                )),
            };
            Some((stop_tx, task))
        }
        (None, None) => None,
    };
    Ok((
        Gateway {
            runner,
            coordinator,
            board,
            commands,
        },
        fatal_rx,
    ))
}

impl Gateway {
    /// Closes every shard and waits up to `grace` for them. Without Redis with a normal close
    /// frame (1000: the sessions end); with Redis the lease loop saves each session, closes
    /// with 4000 (resumable) and gives the leases back, so that another instance (or this one
    /// restarted) resumes the sessions.
    pub async fn close(self, grace: Duration) {
        match self.coordinator {
            Some((stop, mut task)) => {
                let _ = stop.send(true);
                if tokio::time::timeout(grace, &mut task).await.is_err() {
                    task.abort();
                }
                self.runner.stop_all(CloseFrame::RESUME, grace).await;
            }
            None => self.runner.stop_all(CloseFrame::NORMAL, grace).await,
        }
    }
}

impl ShardHost for Runner {
    fn start(&self, id: u32, session: Option<SavedSession>) {
        Runner::start(self, id, session);
    }

    fn stop(
        &self,
        id: u32,
        frame: CloseFrame<'static>,
        grace: Duration,
    ) -> impl Future<Output = Option<SavedSession>> + Send {
        Runner::stop(self, id, frame, grace)
    }

    fn session(&self, id: u32) -> Option<SavedSession> {
        Runner::session(self, id)
    }

    fn new_session(&self) -> impl Future<Output = ()> + Send {
        Runner::new_session(self)
    }
}

/// One running shard.
#[derive(Debug)]
struct Running {
    stopping: Arc<AtomicBool>,
    sender: MessageSender,
    /// The shard's session as it goes (for saving it), `None` before READY.
    session: watch::Receiver<Option<SavedSession>>,
    /// Ends with the session the shard had when it stopped.
    task: JoinHandle<Option<SavedSession>>,
}

/// The shards this instance runs, by id; shards start and stop at run time (leases).
#[derive(Debug)]
pub(crate) struct Runner {
    config: Config<IdentifyQueue>,
    total: u32,
    sinks: Sinks,
    commands: Arc<GatewayCommands>,
    fatal: mpsc::Sender<FatalClose>,
    intents: Intents,
    running: Mutex<BTreeMap<u32, Running>>,
    /// Woken when a shard gets a new session (READY), so that it is saved at once.
    new_session: Arc<tokio::sync::Notify>,
}

impl Runner {
    /// Resolves when a shard got a new session (READY) since the last call.
    pub(crate) async fn new_session(&self) {
        self.new_session.notified().await;
    }

    fn running(&self) -> std::sync::MutexGuard<'_, BTreeMap<u32, Running>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The ids of the running shards.
    pub(crate) fn ids(&self) -> Vec<u32> {
        self.running().keys().copied().collect()
    }

    /// Starts shard `id` (if it is not running): it resumes `session` when given, else it
    /// identifies through the queue.
    pub(crate) fn start(&self, id: u32, session: Option<SavedSession>) {
        let mut running = self.running();
        if running.contains_key(&id) {
            return;
        }
        let mut builder = ConfigBuilder::from(self.config.clone());
        if let Some(saved) = &session {
            builder = builder.session(Session::new(saved.sequence, saved.session_id.clone()));
            if let Some(url) = &saved.resume_url {
                builder = builder.resume_url(url.clone());
            }
        }
        tracing::info!(
            shard = id,
            total = self.total,
            resume = session.is_some(),
            "starting shard"
        );
        let shard = Shard::with_config(ShardId::new(id, self.total), builder.build());
        let sender = shard.sender();
        let stopping = Arc::new(AtomicBool::new(false));
        let (session_tx, session_rx) = watch::channel(session);
        self.commands.board.add(id);
        self.commands.senders().insert(id, sender.clone());
        let task = tokio::spawn(run_shard(
            shard,
            ShardLinks {
                sinks: self.sinks.clone(),
                commands: Arc::clone(&self.commands),
                stopping: Arc::clone(&stopping),
                fatal: self.fatal.clone(),
                intents: self.intents,
                session: session_tx,
                new_session: Arc::clone(&self.new_session),
            },
        ));
        running.insert(
            id,
            Running {
                stopping,
                sender,
                session: session_rx,
                task,
            },
        );
    }

    /// Shard `id`'s current session, if it runs and has one.
    pub(crate) fn session(&self, id: u32) -> Option<SavedSession> {
        self.running()
            .get(&id)
            .and_then(|running| running.session.borrow().clone())
    }

    /// Stops shard `id` with `frame` (4000 keeps its session resumable for another instance,
    /// 1000 ends it) and returns the session it had; a shard that does not end within `grace`
    /// is dropped (its connection closes without a frame, which keeps the session too).
    pub(crate) async fn stop(
        &self,
        id: u32,
        frame: CloseFrame<'static>,
        grace: Duration,
    ) -> Option<SavedSession> {
        let running = self.running().remove(&id)?;
        self.commands.senders().remove(&id);
        running.stopping.store(true, Ordering::SeqCst);
        let code = frame.code;
        let _ = running.sender.close(frame);
        let last = running.session.borrow().clone();
        let mut task = running.task;
        let session = match tokio::time::timeout(grace, &mut task).await {
            Ok(Ok(session)) => session.or(last),
            _ => {
                task.abort();
                last
            }
        };
        self.commands.board.remove(id);
        tracing::info!(shard = id, code, "shard stopped");
        session
    }

    /// Stops every running shard with `frame` (at once), waiting up to `grace`.
    pub(crate) async fn stop_all(&self, frame: CloseFrame<'static>, grace: Duration) {
        let stops = self
            .ids()
            .into_iter()
            .map(|id| self.stop(id, frame.clone(), grace));
        futures_util::future::join_all(stops).await;
    }
}

fn presence(options: &GatewayOptions) -> Option<UpdatePresencePayload> {
    if options.activity.is_none() && options.status == Status::Online {
        return None;
    }
    let activity = MinimalActivity {
        kind: if options.activity.is_some() {
            ActivityType::Playing
        } else {
            ActivityType::Custom
        },
        name: options
            .activity
            .clone()
            .unwrap_or_else(|| "discordproxy".to_owned()),
        url: None,
    };
    UpdatePresencePayload::new(vec![activity.into()], false, None, options.status).ok()
}

/// What a shard task publishes into and is told through.
struct ShardLinks {
    sinks: Sinks,
    commands: Arc<GatewayCommands>,
    /// Set when the runner stops the shard: its next close ends the task.
    stopping: Arc<AtomicBool>,
    fatal: mpsc::Sender<FatalClose>,
    intents: Intents,
    /// The shard's session as it goes.
    session: watch::Sender<Option<SavedSession>>,
    /// Woken at a new session.
    new_session: Arc<tokio::sync::Notify>,
}

/// Runs one shard until it is stopped or closes fatally; returns its session at the end.
async fn run_shard(mut shard: Shard<IdentifyQueue>, links: ShardLinks) -> Option<SavedSession> {
    let ShardLinks {
        sinks,
        commands,
        stopping,
        fatal,
        intents,
        session,
        new_session,
    } = links;
    let board = Arc::clone(&commands.board);
    let id = shard.id().number();
    let mut had_session = session.borrow().is_some();
    while let Some(item) = futures_util::StreamExt::next(&mut shard).await {
        match item {
            Err(error) => tracing::warn!(
                shard = id,
                error = %crate::log_text::OneLine(&error),
                "gateway receive error"
            ),
            Ok(Message::Close(frame)) => {
                let code = frame.as_ref().map(|frame| frame.code);
                if stopping.load(Ordering::SeqCst) {
                    board.update(id, |s| s.state = State::Disconnected);
                    break;
                }
                tracing::warn!(shard = id, ?code, "gateway connection closed");
                if let Some(close) = code.and_then(|code| fatal_close(code, intents)) {
                    tracing::error!(shard = id, code = close.code, "{}", close.reason);
                    board.update(id, |s| s.state = State::Disconnected);
                    let _ = fatal.send(close).await;
                    break;
                }
            }
            Ok(Message::Text(json)) => {
                let session_id = shard.session().map(twilight_gateway::Session::id);
                if handle_text(id, &json, session_id, &sinks, &board, &mut had_session) {
                    commands.restore_presence(id);
                }
            }
        }
        if note_session(&shard, &session) {
            new_session.notify_one();
        }
        let state = map_state(shard.state());
        let latency = shard
            .latency()
            .recent()
            .first()
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        board.update(id, |s| {
            s.state = state;
            if let Some(latency) = latency {
                s.heartbeat_latency_ms = latency;
            }
        });
    }
    note_session(&shard, &session);
    session.borrow().clone()
}

/// Publishes the shard's session (id, sequence, resume URL) when it changed; keeps the last
/// one while the shard has none (reconnecting). `true` for a new session id.
fn note_session(
    shard: &Shard<IdentifyQueue>,
    session: &watch::Sender<Option<SavedSession>>,
) -> bool {
    let Some(current) = shard.session() else {
        return false;
    };
    let url = shard.resume_url();
    let new_id = session
        .borrow()
        .as_ref()
        .is_none_or(|saved| saved.session_id != current.id());
    session.send_if_modified(|saved| {
        let same = saved.as_ref().is_some_and(|saved| {
            saved.sequence == current.sequence()
                && saved.session_id == current.id()
                && saved.resume_url.as_deref() == url
        });
        if !same {
            *saved = Some(SavedSession {
                session_id: current.id().to_owned(),
                sequence: current.sequence(),
                resume_url: url.map(str::to_owned),
            });
        }
        !same
    });
    new_id
}

/// Handles one text frame of session `session`; `true` when it was READY (a new session).
fn handle_text(
    id: u32,
    json: &str,
    session: Option<&str>,
    sinks: &Sinks,
    board: &ShardBoard,
    had_session: &mut bool,
) -> bool {
    let Ok(frame) = serde_json::from_str::<Value>(json) else {
        tracing::warn!(shard = id, "gateway sent a frame that is not JSON");
        return false;
    };
    if frame.get("op").and_then(Value::as_u64) != Some(0) {
        return false;
    }
    let name = frame.get("t").and_then(Value::as_str);
    match name {
        Some("READY") => {
            if let Some(id) = frame
                .pointer("/d/application/id")
                .and_then(convert::json::snowflake)
            {
                sinks.application.set(id);
            }
            let reconnect = std::mem::replace(had_session, true);
            board.update(id, |s| {
                s.session_started_at = now();
                if reconnect {
                    s.reconnects += 1;
                }
            });
        }
        Some("RESUMED") => board.update(id, |s| s.resumes += 1),
        _ => {}
    }
    if let Ok(Some(event)) = twilight_gateway::parse(json.to_owned(), EventTypeFlags::all()) {
        sinks.cache.update(&twilight_gateway::Event::from(event));
    }
    if let Some(event) = convert::event::from_frame(&frame, id, now()) {
        sinks.publish(event, session);
    }
    name == Some("READY")
}

fn map_state(state: ShardState) -> State {
    match state {
        ShardState::Active => State::Ready,
        ShardState::Identifying => State::Identifying,
        ShardState::Resuming => State::Resuming,
        ShardState::Disconnected { .. } | ShardState::FatallyClosed => State::Disconnected,
    }
}

/// The close codes reconnecting cannot fix, with what to do about them.
/// <https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-close-event-codes>
pub fn fatal_close(code: u16, intents: Intents) -> Option<FatalClose> {
    let reason = match code {
        4004 => "invalid Discord bot token: the gateway refused authentication (close 4004); check --token or DISCORD_BOT_TOKEN".to_owned(),
        4010 => "invalid shard (gateway close 4010): check --shards".to_owned(),
        4011 => "sharding required (gateway close 4011): run with --shards auto or more shards".to_owned(),
        4012 => "invalid gateway API version (gateway close 4012)".to_owned(),
        4013 => format!("invalid intents (gateway close 4013): {intents:?} is not a valid intents value; check --intents"),
        4014 => {
            let privileged = Intents::GUILD_MEMBERS | Intents::GUILD_PRESENCES | Intents::MESSAGE_CONTENT;
            let names: Vec<&str> = (intents & privileged).iter_names().map(|(name, _)| name).collect();
            format!(
                "disallowed intents (gateway close 4014): the privileged intent(s) {} are not enabled for this bot; enable them in the Discord Developer Portal (Bot → Privileged Gateway Intents) or remove them from --intents",
                if names.is_empty() { "requested".to_owned() } else { names.join(", ") }
            )
        }
        _ => return None,
    };
    Some(FatalClose { code, reason })
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fatal_codes_name_what_to_fix() {
        let intents = Intents::GUILDS | Intents::GUILD_MEMBERS | Intents::MESSAGE_CONTENT;
        let close = fatal_close(4014, intents).unwrap();
        assert!(
            close.reason.contains("GUILD_MEMBERS, MESSAGE_CONTENT"),
            "{}",
            close.reason
        );
        assert!(
            fatal_close(4004, intents)
                .unwrap()
                .reason
                .contains("invalid Discord bot token")
        );
        for code in [4010, 4011, 4012, 4013] {
            assert!(fatal_close(code, intents).is_some(), "{code}");
        }
        for resumable in [1000, 1001, 1006, 4000, 4007, 4008, 4009] {
            assert!(fatal_close(resumable, intents).is_none(), "{resumable}");
        }
    }
}
