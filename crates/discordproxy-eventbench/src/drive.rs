//! Closed-loop event phases: the emulator dispatches copies of an event (`POST
//! /_emulator/gateway/dispatch` with `count`), receivers count what arrives, and the driver keeps
//! at most `window` events dispatched but not yet received by the slowest receiver, so no
//! buffer on the way overflows and the rate measured is the one the pipeline sustains.

use anyhow::{Context, Result, bail};
use discordproxy_proto::{StreamEventsRequest, discord_api_client::DiscordApiClient};
use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};
use tokio::sync::Notify;
use tokio_tungstenite::{connect_async, tungstenite::Message};

/// How long a phase may take before it is declared stuck.
const PHASE_TIMEOUT: Duration = Duration::from_secs(300);
/// Receivers wake the driver every this many events.
const NOTIFY_EVERY: u64 = 32;

/// Sends dispatch requests to the emulator's control API.
#[derive(Debug, Clone)]
pub struct Dispatcher {
    http: reqwest::Client,
    url: String,
}

impl Dispatcher {
    /// A dispatcher for the emulator at `base_url` (`http://127.0.0.1:PORT`).
    pub fn new(base_url: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            url: format!("{base_url}/_emulator/gateway/dispatch"),
        }
    }

    /// Dispatches `count` copies of event `t` with data `d` in guild `guild_id` (to one session
    /// when `session_id` is given); returns when the emulator has queued them all.
    ///
    /// # Errors
    /// When the request fails or the emulator answers with an error status.
    pub async fn dispatch(
        &self,
        t: &str,
        d: &Value,
        guild_id: u64,
        count: u64,
        session_id: Option<&str>,
    ) -> Result<()> {
        let mut body = json!({"t": t, "d": d, "guild_id": guild_id.to_string(), "count": count});
        if let Some(session_id) = session_id {
            body["session_id"] = json!(session_id);
        }
        let response = self.http.post(&self.url).json(&body).send().await?;
        if !response.status().is_success() {
            bail!(
                "dispatch answered {}: {}",
                response.status(),
                response.text().await.unwrap_or_default()
            );
        }
        Ok(())
    }
}

/// What the receivers of a phase report: events received per receiver, and the first failure.
#[derive(Debug)]
pub struct Progress {
    counts: Vec<AtomicU64>,
    notify: Notify,
    failure: Mutex<Option<String>>,
}

impl Progress {
    /// Progress of `receivers` receivers, all at 0.
    pub fn new(receivers: usize) -> Arc<Self> {
        Arc::new(Self {
            counts: (0..receivers).map(|_| AtomicU64::new(0)).collect(),
            notify: Notify::new(),
            failure: Mutex::new(None),
        })
    }

    /// Receiver `index` got one more event.
    fn received(&self, index: usize) {
        let count = self.counts[index].fetch_add(1, Ordering::Relaxed) + 1;
        if count.is_multiple_of(NOTIFY_EVERY) {
            self.notify.notify_waiters();
        }
    }

    /// Receiver `index` failed: the phase fails with `why`.
    fn fail(&self, index: usize, why: String) {
        let mut failure = self
            .failure
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        failure.get_or_insert(format!("receiver {index}: {why}"));
        self.notify.notify_waiters();
    }

    /// The count of the slowest receiver.
    pub fn slowest(&self) -> u64 {
        self.counts
            .iter()
            .map(|count| count.load(Ordering::Relaxed))
            .min()
            .unwrap_or(0)
    }

    /// The first failure, if any.
    fn failure(&self) -> Option<String> {
        self.failure
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Waits until the slowest receiver has at least `target` events.
    ///
    /// # Errors
    /// A receiver failed, or `deadline` passed.
    async fn wait_for(&self, target: u64, deadline: Instant) -> Result<()> {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(failure) = self.failure() {
                bail!("{failure}");
            }
            if self.slowest() >= target {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "stuck: the slowest receiver has {} of {target} events",
                    self.slowest()
                );
            }
            // Receivers notify every few events; the timeout catches the last few.
            let _ = tokio::time::timeout(Duration::from_millis(2), notified).await;
        }
    }
}

/// Checks that sequence numbers go up by one (no event lost, repeated or reordered).
#[derive(Debug, Default)]
struct SequenceCheck(Option<u64>);

impl SequenceCheck {
    /// Accepts `sequence`, or says what is wrong with it.
    fn next(&mut self, sequence: u64) -> Result<(), String> {
        let expected = self.0.map(|last| last + 1);
        self.0 = Some(sequence);
        match expected {
            Some(expected) if expected != sequence => {
                Err(format!("sequence {sequence} after {}", expected - 1))
            }
            _ => Ok(()),
        }
    }
}

/// Opens `count` `StreamEvents` subscriptions (each on its own connection) to `server_url`
/// for `event` in `guild_id`; each counts into `progress` and checks that sequence numbers
/// are consecutive. Returns when every subscription is registered.
///
/// # Errors
/// When a connection or subscription fails.
pub async fn subscribe(
    server_url: &str,
    count: usize,
    event: &str,
    guild_id: u64,
    progress: &Arc<Progress>,
) -> Result<Vec<tokio::task::JoinHandle<()>>> {
    let mut tasks = Vec::with_capacity(count);
    for index in 0..count {
        let mut client = DiscordApiClient::connect(server_url.to_owned())
            .await
            .context("connecting a subscriber")?
            .max_decoding_message_size(64 * 1024 * 1024);
        // The call returns once the server has registered the subscriber.
        let mut stream = client
            .stream_events(StreamEventsRequest {
                event_names: vec![event.to_owned()],
                guild_ids: vec![guild_id],
                ..Default::default()
            })
            .await
            .context("StreamEvents")?
            .into_inner();
        let progress = Arc::clone(progress);
        tasks.push(tokio::spawn(async move {
            let _client = client;
            let mut sequences = SequenceCheck::default();
            loop {
                match stream.message().await {
                    Ok(Some(event)) => {
                        if let Err(why) = sequences.next(event.sequence) {
                            progress.fail(index, why);
                            return;
                        }
                        progress.received(index);
                    }
                    Ok(None) => return,
                    Err(status) => {
                        progress.fail(index, format!("stream ended: {status}"));
                        return;
                    }
                }
            }
        }));
    }
    Ok(tasks)
}

/// A plain gateway client of the emulator (no server in between), identified with
/// GUILD_MESSAGES: the emulator-only reference rate.
pub struct RawGateway {
    /// The session id READY gave (dispatches are aimed at it).
    pub session_id: String,
    task: tokio::task::JoinHandle<()>,
}

impl RawGateway {
    /// Connects to `gateway_url`, identifies with `token`, and counts every MESSAGE_CREATE into
    /// receiver 0 of `progress` (checking sequence numbers).
    ///
    /// # Errors
    /// When the connection or READY fails.
    pub async fn connect(gateway_url: &str, token: &str, progress: &Arc<Progress>) -> Result<Self> {
        const GUILD_MESSAGES: u64 = 1 << 9;
        let (mut ws, _) = connect_async(format!("{gateway_url}/?v=10&encoding=json")).await?;
        ws.send(Message::Text(
            json!({"op": 2, "d": {"token": token, "intents": GUILD_MESSAGES,
                "properties": {"os": "linux", "browser": "eventbench", "device": "eventbench"}}})
            .to_string()
            .into(),
        ))
        .await?;
        let session_id = loop {
            let message = tokio::time::timeout(Duration::from_secs(10), ws.next())
                .await
                .context("READY in time")?
                .context("connection open")??;
            if let Message::Text(text) = message {
                let payload: Value = serde_json::from_str(text.as_str())?;
                if payload["t"] == "READY" {
                    break payload["d"]["session_id"]
                        .as_str()
                        .context("READY has a session_id")?
                        .to_owned();
                }
            }
        };
        let progress = Arc::clone(progress);
        let task = tokio::spawn(async move {
            let mut sequences = SequenceCheck::default();
            while let Some(Ok(message)) = ws.next().await {
                let Message::Text(text) = message else {
                    continue;
                };
                let Ok(payload) = serde_json::from_str::<Value>(text.as_str()) else {
                    progress.fail(0, "a payload that is not JSON".into());
                    return;
                };
                if payload["t"] != "MESSAGE_CREATE" {
                    continue;
                }
                if let Err(why) = sequences.next(payload["s"].as_u64().unwrap_or(0)) {
                    progress.fail(0, why);
                    return;
                }
                progress.received(0);
            }
        });
        Ok(Self { session_id, task })
    }

    /// Closes the connection.
    pub fn close(self) {
        self.task.abort();
    }
}

/// One phase's parameters.
#[derive(Debug, Clone, Copy)]
pub struct Phase {
    /// Events dispatched (each reaches every receiver).
    pub events: u64,
    /// Copies per dispatch request.
    pub batch: u64,
    /// Most events dispatched but not yet received by the slowest receiver.
    pub window: u64,
}

/// Runs `phase` with the event `t`/`d` in `guild_id` (to `session_id` only, when given) against
/// receivers that have received `already` events each so far; returns the time from the first
/// dispatch until the slowest receiver had the last event.
///
/// # Errors
/// A dispatch or a receiver failed, or the phase took longer than 5 minutes.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    dispatcher: &Dispatcher,
    t: &str,
    d: &Value,
    guild_id: u64,
    session_id: Option<&str>,
    phase: Phase,
    progress: &Progress,
    already: u64,
) -> Result<Duration> {
    let started = Instant::now();
    let deadline = started + PHASE_TIMEOUT;
    let mut sent = 0;
    while sent < phase.events {
        let count = phase.batch.min(phase.events - sent);
        let target = (already + sent + count).saturating_sub(phase.window);
        progress.wait_for(target, deadline).await?;
        dispatcher
            .dispatch(t, d, guild_id, count, session_id)
            .await?;
        sent += count;
    }
    progress.wait_for(already + phase.events, deadline).await?;
    Ok(started.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_must_be_consecutive() {
        let mut check = SequenceCheck::default();
        assert!(check.next(7).is_ok());
        assert!(check.next(8).is_ok());
        assert_eq!(check.next(10), Err("sequence 10 after 8".to_owned()));
        let mut repeat = SequenceCheck::default();
        repeat.next(3).unwrap();
        assert!(repeat.next(3).is_err());
    }

    #[tokio::test]
    async fn progress_waits_for_the_slowest_receiver() {
        let progress = Progress::new(2);
        for _ in 0..40 {
            progress.received(0);
        }
        progress.received(1);
        assert_eq!(progress.slowest(), 1);
        let soon = Instant::now() + Duration::from_millis(50);
        assert!(progress.wait_for(2, soon).await.is_err(), "times out");
        progress.received(1);
        progress.wait_for(2, soon).await.unwrap();
        progress.fail(1, "stream ended".into());
        let error = progress.wait_for(1, soon).await.unwrap_err();
        assert!(error.to_string().contains("receiver 1: stream ended"));
    }
}
