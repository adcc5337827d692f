//! `RequestGuildMembers`: gateway op 8 REQUEST_GUILD_MEMBERS on the shard of the guild, and
//! that request's GUILD_MEMBERS_CHUNK events as a server stream.
//! <https://discord.com/developers/docs/events/gateway-events#request-guild-members>
//! <https://discord.com/developers/docs/events/gateway-events#guild-members-chunk>
//!
//! Every request carries a nonce of the server's own; the stream subscribes to the event bus
//! before op 8 goes out and passes on only the chunks with its nonce, so concurrent requests
//! (and other clients' chunks) never mix. The chunks still reach `StreamEvents` subscribers and
//! the cache like every other dispatch.

use super::commands;
use crate::{
    convert::gateway_command::{self, REQUEST_GUILD_MEMBERS},
    deadline,
    error::{Error, Result},
    state::ProxyState,
};
use discordproxy_proto::{GatewayEvent, GuildMembersChunk, RequestGuildMembersRequest};
use futures_util::Stream;
use serde_json::Value;
use std::{
    collections::HashSet,
    hash::{BuildHasher, Hasher, RandomState},
    pin::Pin,
    sync::{
        Arc, OnceLock,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};
use tokio::{
    sync::{OwnedSemaphorePermit, broadcast, broadcast::error::RecvError, watch},
    time::Instant,
};
use tonic::{Status, metadata::MetadataMap};
use tracing::Instrument;
use twilight_gateway::Intents;

/// The stream type of `RequestGuildMembers`.
pub type ResponseStream =
    Pin<Box<dyn Stream<Item = std::result::Result<GuildMembersChunk, Status>> + Send>>;

const METHOD: &str = "RequestGuildMembers";

/// Most `user_ids` of one request (Discord answers nothing for more).
pub const MAX_USER_IDS: usize = 100;
/// Most members a non-empty `query` returns (and the largest `limit` with one).
pub const MAX_QUERY_LIMIT: u32 = 100;
/// Longest `query` (usernames and nicknames have at most 32 characters; this keeps op 8 far
/// below the gateway's 4096-byte payload limit).
pub const MAX_QUERY_CHARS: usize = 100;

/// Checks the fields.
///
/// # Errors
/// `INVALID_ARGUMENT` naming the field: `guild_id` 0; both or neither of `query` and
/// `user_ids`; more than [`MAX_USER_IDS`] ids or an id of 0; a `query` longer than
/// [`MAX_QUERY_CHARS`]; `limit` outside 1–100 with a non-empty query, or not 0 with `user_ids`.
pub fn validate(request: &RequestGuildMembersRequest) -> Result<()> {
    let invalid = |message: String| Err(Error::InvalidArgument(message));
    if request.guild_id == 0 {
        return invalid("guild_id is required (non-zero)".to_owned());
    }
    match (&request.query, request.user_ids.is_empty()) {
        (Some(_), false) => {
            return invalid(
                "query and user_ids are exclusive: set query (a username prefix, \"\" for every member) or user_ids, not both".to_owned(),
            );
        }
        (None, true) => {
            return invalid(
                "set query (a username prefix, \"\" for every member) or user_ids (1-100 ids)"
                    .to_owned(),
            );
        }
        _ => {}
    }
    if let Some(query) = &request.query {
        let chars = query.chars().count();
        if chars > MAX_QUERY_CHARS {
            return invalid(format!(
                "query has {chars} characters; at most {MAX_QUERY_CHARS} are allowed"
            ));
        }
        if !query.is_empty() && !(1..=MAX_QUERY_LIMIT).contains(&request.limit) {
            return invalid(format!(
                "limit is {}; with a non-empty query it must be 1-{MAX_QUERY_LIMIT} (Discord sends at most {MAX_QUERY_LIMIT} members for a prefix)",
                request.limit
            ));
        }
    } else {
        if request.user_ids.len() > MAX_USER_IDS {
            return invalid(format!(
                "user_ids has {} entries; at most {MAX_USER_IDS} are allowed",
                request.user_ids.len()
            ));
        }
        if let Some(index) = request.user_ids.iter().position(|id| *id == 0) {
            return invalid(format!("user_ids[{index}] is 0"));
        }
        if request.limit != 0 {
            return invalid(format!(
                "limit is {}; it applies to query only: leave it 0 with user_ids",
                request.limit
            ));
        }
    }
    Ok(())
}

/// Checks that the session's intents allow what the request asks (Discord would silently
/// answer less: nothing for the whole list, no presences).
///
/// # Errors
/// `FAILED_PRECONDITION` naming `--intents`: `query` "" (every member) without GUILD_MEMBERS,
/// `presences` without GUILD_PRESENCES.
pub fn check_intents(request: &RequestGuildMembersRequest, intents: Intents) -> Result<()> {
    let whole_list = request.query.as_deref() == Some("");
    if whole_list && !intents.contains(Intents::GUILD_MEMBERS) {
        return Err(Error::FailedPrecondition(
            "requesting every member (query \"\") needs the privileged GUILD_MEMBERS intent, which the gateway session does not have: add GUILD_MEMBERS to --intents (and enable Server Members Intent in the Developer Portal), or ask by query prefix or user_ids".to_owned(),
        ));
    }
    if request.presences && !intents.contains(Intents::GUILD_PRESENCES) {
        return Err(Error::FailedPrecondition(
            "presences needs the privileged GUILD_PRESENCES intent, which the gateway session does not have (Discord would send no presences): add GUILD_PRESENCES to --intents (and enable Presence Intent in the Developer Portal), or set presences to false".to_owned(),
        ));
    }
    Ok(())
}

/// A nonce no other request of this process (or, with its random part, of another instance)
/// uses: 32 hex digits, Discord's maximum of 32 bytes.
fn new_nonce() -> String {
    static PROCESS: OnceLock<u64> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let process = *PROCESS.get_or_init(|| RandomState::new().build_hasher().finish());
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{process:016x}{count:016x}")
}

/// What a bus event is to the request with `nonce`.
#[derive(Debug)]
enum Matched {
    /// One of its chunks.
    Chunk(Box<GuildMembersChunk>),
    /// Discord's RATE_LIMITED for it.
    RateLimited(Duration),
    /// Something else.
    Other,
}

/// Classifies `event` for the request with `nonce` in `guild_id`.
fn classify(event: &GatewayEvent, guild_id: u64, nonce: &str) -> Matched {
    let ours = |d: &Value, pointer: &str| d.pointer(pointer).and_then(Value::as_str) == Some(nonce);
    // The substring test skips other requests' chunks without parsing them.
    if !event.payload_json.contains(nonce) {
        return Matched::Other;
    }
    match event.name.as_str() {
        "GUILD_MEMBERS_CHUNK" if event.guild_id == guild_id => {
            match serde_json::from_str::<Value>(&event.payload_json) {
                Ok(d) if ours(&d, "/nonce") => Matched::Chunk(Box::new(
                    gateway_command::members_chunk(&d, event.payload_json.clone(), event.shard_id),
                )),
                _ => Matched::Other,
            }
        }
        // https://discord.com/developers/docs/events/gateway-events#rate-limited
        "RATE_LIMITED" => match serde_json::from_str::<Value>(&event.payload_json) {
            Ok(d)
                if d.get("opcode").and_then(Value::as_u64)
                    == Some(u64::from(REQUEST_GUILD_MEMBERS))
                    && ours(&d, "/meta/nonce") =>
            {
                let seconds = d
                    .get("retry_after")
                    .and_then(Value::as_f64)
                    .filter(|s| s.is_finite() && *s >= 0.0)
                    .unwrap_or(0.0);
                Matched::RateLimited(Duration::from_secs_f64(seconds))
            }
            _ => Matched::Other,
        },
        _ => Matched::Other,
    }
}

/// Validates, checks the gateway, the intents and the guild, then subscribes to the event bus,
/// sends op 8 (`{"guild_id", "query" + "limit" | "user_ids", "presences", "nonce"}`) on shard
/// `(guild_id >> 22) % shard_count`, and streams the request's chunks in the order they arrive.
/// The stream ends after `chunk_count` chunks.
///
/// The deadline is the client's gRPC deadline, at most `--request-timeout` (default 300 s).
///
/// # Errors
/// Before anything is sent (the call fails):
/// - `INVALID_ARGUMENT` naming the field ([`validate`]);
/// - `FAILED_PRECONDITION`: no gateway session (`--no-gateway`, or it could not start), or an
///   intent missing from `--intents` ([`check_intents`]);
/// - `UNAVAILABLE`: the gateway has not started yet, the guild's shard is not connected, or
///   another instance runs it without Redis (`--shards A..B/T`). With `--redis-url` op 8 for
///   another instance's shard goes through Redis ([`crate::discord::shared_commands`]) and its
///   chunks come back through the shared event stream; the stream then ends with
///   `UNAVAILABLE` when no instance holds the shard or Redis is unreachable;
/// - `NOT_FOUND`: the bot is not in the guild (READY and GUILD_CREATE/DELETE as cached);
/// - `RESOURCE_EXHAUSTED`: `--max-pending` calls are in progress.
///
/// Later (the stream ends with it): `DEADLINE_EXCEEDED` when the chunks did not all arrive in
/// time (saying how many did), `RESOURCE_EXHAUSTED` on Discord's RATE_LIMITED for the request
/// (with a `RetryInfo`) or when the stream fell more than `--event-buffer` events behind,
/// `UNAVAILABLE` on shutdown.
pub(crate) fn open(
    state: &Arc<ProxyState>,
    request: &RequestGuildMembersRequest,
    metadata: &MetadataMap,
) -> std::result::Result<tonic::Response<ResponseStream>, Status> {
    let started = Instant::now();
    start(state, request, metadata, started).map(tonic::Response::new).map_err(|error| {
        tracing::warn!(rpc = METHOD, guild = request.guild_id, error = %crate::log_text::OneLine(&error), "RPC failed");
        let status = Status::from(error);
        state.metrics.rpc(METHOD, status.code(), started.elapsed());
        status
    })
}

fn start(
    state: &Arc<ProxyState>,
    request: &RequestGuildMembersRequest,
    metadata: &MetadataMap,
    started: Instant,
) -> Result<ResponseStream> {
    validate(request)?;
    let gateway = commands(state, METHOD)?;
    check_intents(request, gateway.intents())?;
    let guild_id = request.guild_id;
    let shard = gateway.shard_of(guild_id);
    // Another instance's shard: forwarded through Redis when there is one.
    let remote = match (gateway.runs(shard), state.shared_commands.get()) {
        (true, _) => None,
        (false, Some(commands)) => Some(Arc::clone(commands)),
        (false, None) => {
            return Err(Error::GatewayUnavailable(format!(
                "shard {shard} (the shard of guild {guild_id}) runs on another instance of this bot, not here (--shards, GetGatewayStatus); call an instance that runs it"
            )));
        }
    };
    if !state.cache.has_guild(guild_id) {
        return Err(Error::NotFound(format!(
            "the bot is not in guild {guild_id} (per the gateway session's READY and GUILD_CREATE)"
        )));
    }
    if remote.is_none() && !gateway.is_connected(shard) {
        return Err(Error::GatewayUnavailable(format!(
            "shard {shard} (the shard of guild {guild_id}) is not connected to the gateway; retry when it is (GetGatewayStatus)"
        )));
    }
    let Ok(permit) = Arc::clone(&state.pending).try_acquire_owned() else {
        return Err(Error::Overloaded {
            max_pending: state.max_pending,
        });
    };
    let budget = deadline::budget(metadata, state.request_timeout);
    let nonce = new_nonce();
    // Subscribed before op 8 goes out: no chunk can come before the subscription.
    let receiver = state.events.subscribe();
    let d = gateway_command::request_guild_members(request, &nonce);
    let frame = gateway_command::frame(REQUEST_GUILD_MEMBERS, &d);
    let forward = match remote {
        Some(commands) => Some(Forward {
            commands,
            shard,
            total: gateway.shard_count(),
            frame,
        }),
        None => {
            gateway.send(shard, frame).map_err(|error| {
                Error::GatewayUnavailable(format!(
                    "shard {shard} cannot take gateway commands ({error:?}); the gateway session is closing"
                ))
            })?;
            tracing::info!(rpc = METHOD, guild = guild_id, shard, %nonce, budget_s = budget.as_secs_f64(), "op 8 sent");
            None
        }
    };
    let pending = Pending {
        forward,
        receiver,
        shutdown: state.shutdown.subscribe(),
        capacity: state.events.capacity(),
        guild_id,
        nonce,
        deadline: started + budget,
        budget,
        seen: HashSet::new(),
        expected: None,
        state: Arc::clone(state),
        started,
        _permit: permit,
    };
    let span = tracing::Span::current();
    let stream = futures_util::stream::unfold(Some(pending), move |slot| {
        let next = async move {
            let mut pending = slot?;
            match pending.next().await {
                Some(Ok(chunk)) => Some((Ok(chunk), Some(pending))),
                Some(Err(error)) => Some((Err(pending.finish_with(error)), None)),
                None => {
                    pending.finish_ok();
                    None
                }
            }
        };
        next.instrument(span.clone())
    });
    Ok(Box::pin(stream))
}

/// How often an op 8 is published again while the shard's holder is not subscribed.
const FORWARD_RETRY: Duration = Duration::from_millis(250);
/// How long an op 8 waits at most for the shard's holder to subscribe (again).
const FORWARD_PATIENCE: Duration = Duration::from_secs(2);

/// Op 8 for a shard another instance runs, sent through Redis when the stream is first polled.
struct Forward {
    commands: Arc<crate::discord::shared_commands::SharedCommands>,
    shard: u32,
    total: u32,
    frame: String,
}

impl Forward {
    /// Publishes the frame to the instance holding the shard's lease; when that instance is
    /// not subscribed right now (reconnecting), again every [`FORWARD_RETRY`] for up to
    /// [`FORWARD_PATIENCE`] before `deadline`, to the holder of the moment.
    async fn send(self, guild_id: u64, deadline: Instant) -> Result<()> {
        let shard = self.shard;
        let give_up = deadline.min(Instant::now() + FORWARD_PATIENCE);
        loop {
            let Some(holder) = self.commands.holder(shard, self.total).await else {
                return Err(Error::GatewayUnavailable(format!(
                    "shard {shard} (the shard of guild {guild_id}) is held by no instance now (or Redis is unreachable); retry when it is (GetGatewayStatus)"
                )));
            };
            match self.commands.forward_to(&holder, shard, &self.frame).await {
                Ok(receivers) if receivers > 0 => {
                    tracing::info!(
                        rpc = METHOD,
                        guild = guild_id,
                        shard,
                        holder,
                        "op 8 forwarded through Redis"
                    );
                    return Ok(());
                }
                Ok(_) if Instant::now() + FORWARD_RETRY < give_up => {
                    tokio::time::sleep(FORWARD_RETRY).await;
                }
                Ok(_) => {
                    return Err(Error::GatewayUnavailable(format!(
                        "instance {holder}, which runs shard {shard}, is not listening for gateway commands (its Redis subscription is down); retry later"
                    )));
                }
                Err(reason) => {
                    return Err(Error::GatewayUnavailable(format!(
                        "op 8 for shard {shard} could not be forwarded to instance {holder}: {reason}"
                    )));
                }
            }
        }
    }
}

/// A request whose chunks are on their way.
struct Pending {
    /// Set until op 8 was forwarded to another instance.
    forward: Option<Forward>,
    receiver: broadcast::Receiver<Arc<GatewayEvent>>,
    shutdown: watch::Receiver<bool>,
    capacity: usize,
    guild_id: u64,
    nonce: String,
    deadline: Instant,
    budget: Duration,
    /// Chunk indexes received.
    seen: HashSet<u32>,
    /// `chunk_count`, once the first chunk told it.
    expected: Option<u32>,
    state: Arc<ProxyState>,
    started: Instant,
    /// Counts the stream as a call in progress (`--max-pending`) while it runs.
    _permit: OwnedSemaphorePermit,
}

impl Pending {
    /// The next chunk, the error that ends the stream, or `None` after the last chunk.
    async fn next(&mut self) -> Option<Result<GuildMembersChunk>> {
        if let Some(forward) = self.forward.take()
            && let Err(error) = forward.send(self.guild_id, self.deadline).await
        {
            return Some(Err(error));
        }
        loop {
            if self
                .expected
                .is_some_and(|count| self.seen.len() >= count as usize)
            {
                return None;
            }
            if *self.shutdown.borrow() {
                return Some(Err(Error::ShuttingDown));
            }
            tokio::select! {
                received = self.receiver.recv() => match received {
                    Ok(event) => match classify(&event, self.guild_id, &self.nonce) {
                        Matched::Chunk(chunk) => {
                            self.seen.insert(chunk.chunk_index);
                            self.expected = Some(chunk.chunk_count.max(1));
                            return Some(Ok(*chunk));
                        }
                        Matched::RateLimited(retry_after) => {
                            return Some(Err(Error::GatewayRateLimited {
                                command: "REQUEST_GUILD_MEMBERS (op 8)".to_owned(),
                                retry_after,
                            }));
                        }
                        Matched::Other => {}
                    },
                    Err(RecvError::Lagged(missed)) => {
                        return Some(Err(Error::ChunksLagged { capacity: self.capacity, missed }));
                    }
                    Err(RecvError::Closed) => return Some(Err(Error::ShuttingDown)),
                },
                _ = self.shutdown.changed() => {}
                () = tokio::time::sleep_until(self.deadline) => {
                    let got = self.expected.map_or_else(
                        || "no GUILD_MEMBERS_CHUNK".to_owned(),
                        |count| format!("{} of {count} GUILD_MEMBERS_CHUNK events", self.seen.len()),
                    );
                    return Some(Err(Error::DeadlineExceeded(format!(
                        "{METHOD}: {got} arrived for guild {} within the deadline of {:.3} s",
                        self.guild_id,
                        self.budget.as_secs_f64()
                    ))));
                }
            }
        }
    }

    fn finish_ok(&self) {
        let elapsed = self.started.elapsed();
        tracing::info!(
            rpc = METHOD,
            guild = self.guild_id,
            chunks = self.seen.len(),
            elapsed_ms = elapsed.as_secs_f64() * 1000.0,
            "RPC succeeded"
        );
        self.state.metrics.rpc(METHOD, tonic::Code::Ok, elapsed);
    }

    /// Logs and counts the error that ends the stream; its status.
    fn finish_with(&self, error: Error) -> Status {
        let elapsed = self.started.elapsed();
        tracing::warn!(rpc = METHOD, guild = self.guild_id, chunks = self.seen.len(), elapsed_ms = elapsed.as_secs_f64() * 1000.0, error = %crate::log_text::OneLine(&error), "RPC failed");
        let status = Status::from(error);
        self.state.metrics.rpc(METHOD, status.code(), elapsed);
        status
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_query(query: &str, limit: u32) -> RequestGuildMembersRequest {
        RequestGuildMembersRequest {
            guild_id: 5,
            query: Some(query.into()),
            limit,
            ..Default::default()
        }
    }

    fn by_ids(ids: Vec<u64>) -> RequestGuildMembersRequest {
        RequestGuildMembersRequest {
            guild_id: 5,
            user_ids: ids,
            ..Default::default()
        }
    }

    fn refusal(request: &RequestGuildMembersRequest) -> String {
        let status = Status::from(validate(request).unwrap_err());
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        status.message().to_owned()
    }

    #[test]
    fn valid_requests_pass() {
        for request in [
            by_query("", 0),
            by_query("", 5000),
            by_query("al", 1),
            by_query("al", 100),
            by_query(&"x".repeat(MAX_QUERY_CHARS), 1),
            by_ids(vec![1; MAX_USER_IDS]),
        ] {
            assert!(validate(&request).is_ok(), "{request:?}");
        }
    }

    #[test]
    fn invalid_requests_name_the_field() {
        let no_guild = RequestGuildMembersRequest {
            guild_id: 0,
            ..by_query("", 0)
        };
        assert!(refusal(&no_guild).starts_with("guild_id"));
        let both = RequestGuildMembersRequest {
            user_ids: vec![1],
            ..by_query("a", 1)
        };
        assert!(refusal(&both).starts_with("query and user_ids are exclusive"));
        assert!(refusal(&by_ids(vec![])).contains("query"));
        assert!(refusal(&by_ids(vec![1; MAX_USER_IDS + 1])).starts_with("user_ids has 101"));
        assert_eq!(refusal(&by_ids(vec![1, 0])), "user_ids[1] is 0");
        assert!(refusal(&by_query("al", 0)).starts_with("limit is 0"));
        assert!(refusal(&by_query("al", 101)).starts_with("limit is 101"));
        assert!(refusal(&by_query(&"x".repeat(MAX_QUERY_CHARS + 1), 1)).starts_with("query has"));
        let ids_with_limit = RequestGuildMembersRequest {
            limit: 3,
            ..by_ids(vec![1])
        };
        assert!(refusal(&ids_with_limit).starts_with("limit is 3"));
    }

    #[test]
    fn missing_intents_are_failed_preconditions_naming_the_flag() {
        let members = Intents::GUILDS | Intents::GUILD_MEMBERS;
        assert!(check_intents(&by_query("", 0), members).is_ok());
        let status = Status::from(check_intents(&by_query("", 10), Intents::GUILDS).unwrap_err());
        assert_eq!(status.code(), tonic::Code::FailedPrecondition);
        assert!(
            status.message().contains("GUILD_MEMBERS") && status.message().contains("--intents")
        );
        // A prefix and user ids need no intent.
        assert!(check_intents(&by_query("al", 10), Intents::GUILDS).is_ok());
        assert!(check_intents(&by_ids(vec![1]), Intents::empty()).is_ok());
        let presences = RequestGuildMembersRequest {
            presences: true,
            ..by_ids(vec![1])
        };
        let status = Status::from(check_intents(&presences, members).unwrap_err());
        assert_eq!(status.code(), tonic::Code::FailedPrecondition);
        assert!(
            status.message().contains("GUILD_PRESENCES") && status.message().contains("--intents")
        );
        assert!(check_intents(&presences, members | Intents::GUILD_PRESENCES).is_ok());
    }

    #[test]
    fn nonces_are_unique_and_at_most_32_bytes() {
        let a = new_nonce();
        let b = new_nonce();
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
    }

    fn event(name: &str, guild_id: u64, d: &Value) -> GatewayEvent {
        GatewayEvent {
            name: name.into(),
            guild_id,
            shard_id: 1,
            payload_json: d.to_string(),
            ..Default::default()
        }
    }

    #[test]
    fn only_the_requests_own_chunks_and_rate_limits_match() {
        let chunk = serde_json::json!({"guild_id": "5", "members": [], "chunk_index": 0, "chunk_count": 2, "nonce": "mine"});
        match classify(&event("GUILD_MEMBERS_CHUNK", 5, &chunk), 5, "mine") {
            Matched::Chunk(chunk) => {
                assert_eq!(
                    (chunk.chunk_count, chunk.shard_id, chunk.nonce.as_str()),
                    (2, 1, "mine")
                );
            }
            other => panic!("{other:?}"),
        }
        // Another request's nonce, one that merely contains ours, no nonce, another guild.
        for (d, guild) in [
            (serde_json::json!({"guild_id": "5", "nonce": "theirs"}), 5),
            (serde_json::json!({"guild_id": "5", "nonce": "mine2"}), 5),
            (
                serde_json::json!({"guild_id": "5", "members": [{"nick": "mine"}]}),
                5,
            ),
            (serde_json::json!({"guild_id": "6", "nonce": "mine"}), 6),
        ] {
            assert!(matches!(
                classify(&event("GUILD_MEMBERS_CHUNK", guild, &d), 5, "mine"),
                Matched::Other
            ));
        }
        let limited = serde_json::json!({"opcode": 8, "retry_after": 2.5, "meta": {"guild_id": "5", "nonce": "mine"}});
        assert!(matches!(
            classify(&event("RATE_LIMITED", 0, &limited), 5, "mine"),
            Matched::RateLimited(after) if after == Duration::from_millis(2500)
        ));
        let other = serde_json::json!({"opcode": 8, "retry_after": 2.5, "meta": {"guild_id": "5", "nonce": "other"}});
        assert!(matches!(
            classify(&event("RATE_LIMITED", 0, &other), 5, "mine"),
            Matched::Other
        ));
        assert!(matches!(
            classify(&event("MESSAGE_CREATE", 5, &chunk), 5, "mine"),
            Matched::Other
        ));
    }
}
