//! The bot's gateway session (twilight-gateway): keeps the bot online, feeds the cache and the
//! event bus, tracks shard state, and reports fatal close codes.
//! <https://discord.com/developers/docs/events/gateway>
//!
//! twilight-gateway reconnects with backoff and resumes on every resumable close, handles
//! RECONNECT and INVALID_SESSION, and heartbeats. This module observes: every frame it
//! receives is published once, in order, per shard. RPCs send gateway commands (op 3, op 8)
//! through [`GatewayCommands`]; the presence set at run time is sent again on every READY, since
//! twilight re-identifies with the start-up presence of its `Config`.

use super::{
    cache::GuildCache,
    client::{DiscordClient, HTTP_TIMEOUT},
    shard_status::ShardBoard,
};
use crate::{convert, error::Result, events::EventBus, token::BotToken};
use discordproxy_proto::shard_status::State;
use serde_json::Value;
use std::{
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};
use tokio::{sync::mpsc, task::JoinSet};
use twilight_gateway::{
    CloseFrame, ConfigBuilder, EventTypeFlags, Intents, Message, MessageSender, Shard, ShardId,
    ShardState, queue::InMemoryQueue,
};
use twilight_model::gateway::{
    payload::outgoing::update_presence::UpdatePresencePayload,
    presence::{ActivityType, MinimalActivity, Status},
};

/// How many shards to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardCount {
    /// As many as `GET /gateway/bot` recommends.
    Auto,
    /// Exactly this many (all in this process).
    Fixed(u32),
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
    senders: Vec<MessageSender>,
    stopping: Arc<AtomicBool>,
    tasks: JoinSet<()>,
    /// Shard state for `GetGatewayStatus` and health.
    pub board: Arc<ShardBoard>,
    /// The commands RPCs send through the shards (`RequestGuildMembers`, `UpdatePresence`).
    pub commands: Arc<GatewayCommands>,
}

/// Why a gateway command could not be queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandError {
    /// No such shard.
    UnknownShard,
    /// The shard's task has ended (the gateway is closing or closed fatally).
    Closed,
}

/// Sends gateway commands through the running shards. twilight holds a command until its shard
/// is identified (READY or resuming), then sends it within Discord's command rate limit
/// (120 per 60 s per connection).
#[derive(Debug)]
pub struct GatewayCommands {
    senders: Vec<MessageSender>,
    intents: Intents,
    board: Arc<ShardBoard>,
    /// The op 3 frame of the last `UpdatePresence`, sent again on every READY; the lock also
    /// keeps concurrent updates in one order on every shard.
    presence: Mutex<Option<String>>,
}

impl GatewayCommands {
    fn new(senders: Vec<MessageSender>, intents: Intents, board: Arc<ShardBoard>) -> Self {
        Self {
            senders,
            intents,
            board,
            presence: Mutex::new(None),
        }
    }

    /// How many shards run.
    pub fn shard_count(&self) -> u32 {
        u32::try_from(self.senders.len()).unwrap_or(u32::MAX)
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
        let sender = usize::try_from(id)
            .ok()
            .and_then(|index| self.senders.get(index))
            .ok_or(CommandError::UnknownShard)?;
        sender.send(frame).map_err(|_| CommandError::Closed)
    }

    /// Remembers the op 3 payload `frame` and queues it on every shard; returns how many
    /// shards took it.
    pub fn update_presence(&self, frame: String) -> u32 {
        let mut presence = self.presence.lock().unwrap_or_else(PoisonError::into_inner);
        let sent = self
            .senders
            .iter()
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
}

/// Starts the shards: `GET /gateway/bot` for the URL, shard count and identify limits, then
/// one task per shard. Fatal closes are sent on the returned channel.
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
    let count = match options.shards {
        ShardCount::Auto => info.shards.max(1),
        ShardCount::Fixed(count) => count.max(1),
    };
    let total = info.total.max(info.remaining);
    let queue = InMemoryQueue::new(
        info.max_concurrency,
        info.remaining,
        Duration::from_millis(info.reset_after_ms),
        total,
    );
    let mut builder = ConfigBuilder::new(token.expose().to_owned(), options.intents)
        .proxy_url(info.url.clone())
        .queue(queue);
    if let Some(presence) = presence(options) {
        builder = builder.presence(presence);
    }
    let config = builder.build();
    tracing::info!(url = %info.url, shards = count, intents = ?options.intents, "connecting to the gateway");

    let board = Arc::new(ShardBoard::new(count));
    let stopping = Arc::new(AtomicBool::new(false));
    let (fatal_tx, fatal_rx) = mpsc::channel(u32::max(count, 1) as usize);
    let mut tasks = JoinSet::new();
    let shards: Vec<Shard> = (0..count)
        .map(|id| Shard::with_config(ShardId::new(id, count), config.clone()))
        .collect();
    let senders: Vec<MessageSender> = shards.iter().map(Shard::sender).collect();
    let commands = Arc::new(GatewayCommands::new(
        senders.clone(),
        options.intents,
        Arc::clone(&board),
    ));
    for shard in shards {
        tasks.spawn(run_shard(
            shard,
            sinks.clone(),
            Arc::clone(&commands),
            Arc::clone(&stopping),
            fatal_tx.clone(),
            options.intents,
        ));
    }
    Ok((
        Gateway {
            senders,
            stopping,
            tasks,
            board,
            commands,
        },
        fatal_rx,
    ))
}

impl Gateway {
    /// Closes every shard with a normal close frame (1000) and waits up to `grace` for them.
    pub async fn close(mut self, grace: Duration) {
        self.stopping.store(true, Ordering::SeqCst);
        for sender in &self.senders {
            let _ = sender.close(CloseFrame::NORMAL);
        }
        let _ = tokio::time::timeout(grace, async {
            while self.tasks.join_next().await.is_some() {}
        })
        .await;
        self.tasks.abort_all();
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

async fn run_shard(
    mut shard: Shard,
    sinks: Sinks,
    commands: Arc<GatewayCommands>,
    stopping: Arc<AtomicBool>,
    fatal: mpsc::Sender<FatalClose>,
    intents: Intents,
) {
    let board = Arc::clone(&commands.board);
    let id = shard.id().number();
    let mut had_session = false;
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
                if handle_text(id, &json, &sinks, &board, &mut had_session) {
                    commands.restore_presence(id);
                }
            }
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
}

/// Handles one text frame; `true` when it was READY (a new session).
fn handle_text(
    id: u32,
    json: &str,
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
        sinks.bus.publish(event);
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
