//! `StreamEvents`: gateway dispatch events as a server stream, filtered by event name and guild,
//! resumable after a dropped stream.
//!
//! Initial metadata of every stream: [`EPOCH_METADATA`] (the bus's epoch), [`POSITION_METADATA`]
//! (the newest position when it opened) and, when the request resumes, [`MISSED_METADATA`]
//! (matching events after `resume_after` that can no longer be sent, or `unknown`).

use crate::{
    error::{Error, Result},
    events::{EventBus, EventFilter, Missed, Replay, Start, Subscription},
    state::ProxyState,
};
use discordproxy_proto::{GatewayEvent, StreamEventsRequest};
use futures_util::Stream;
use std::{pin::Pin, sync::Arc};
use tokio::sync::{broadcast::error::RecvError, watch};
use tonic::{Status, metadata::MetadataValue};
use tracing::Instrument;

/// The stream type of `StreamEvents`.
pub type ResponseStream =
    Pin<Box<dyn Stream<Item = std::result::Result<GatewayEvent, Status>> + Send>>;

/// Initial metadata: the stream epoch, 32 hex digits, random per server process. Send it back
/// as `StreamEventsRequest.epoch` to resume.
pub const EPOCH_METADATA: &str = "discordproxy-stream-epoch";
/// Initial metadata: the newest event position when the stream opened (decimal, 0 when none
/// yet). A live-only stream sends events after it: a client that received none can resume
/// after it.
pub const POSITION_METADATA: &str = "discordproxy-stream-position";
/// Initial metadata of a resuming request: how many events after `resume_after` that match
/// the filters are no longer held (decimal), or `unknown` (another epoch, or a filtered resume
/// point older than the notes of evicted events).
pub const MISSED_METADATA: &str = "discordproxy-missed-events";

/// The bus filter for a request; names are matched case-insensitively (Discord spells them
/// upper case).
pub fn filter(request: &StreamEventsRequest) -> EventFilter {
    EventFilter::new(
        request
            .event_names
            .iter()
            .map(|name| name.trim().to_ascii_uppercase()),
        request.guild_ids.iter().copied(),
    )
}

/// Most entries of `event_names` and of `guild_ids`.
pub const MAX_FILTER_ENTRIES: usize = 1000;
/// Longest event name (Discord's are under 50 characters).
pub const MAX_EVENT_NAME: usize = 64;

/// Checks the filters' sizes.
///
/// # Errors
/// `INVALID_ARGUMENT` naming the field when a list has more than [`MAX_FILTER_ENTRIES`] entries
/// or a name more than [`MAX_EVENT_NAME`] characters.
pub fn validate(request: &StreamEventsRequest) -> Result<()> {
    if request.event_names.len() > MAX_FILTER_ENTRIES {
        return Err(Error::InvalidArgument(format!(
            "event_names has {} entries; at most {MAX_FILTER_ENTRIES} are allowed",
            request.event_names.len()
        )));
    }
    if request.guild_ids.len() > MAX_FILTER_ENTRIES {
        return Err(Error::InvalidArgument(format!(
            "guild_ids has {} entries; at most {MAX_FILTER_ENTRIES} are allowed",
            request.guild_ids.len()
        )));
    }
    if let Some((index, _)) = request
        .event_names
        .iter()
        .enumerate()
        .find(|(_, name)| name.chars().count() > MAX_EVENT_NAME)
    {
        return Err(Error::InvalidArgument(format!(
            "event_names[{index}] is longer than {MAX_EVENT_NAME} characters"
        )));
    }
    Ok(())
}

/// Validates the request ([`validate`]), subscribes (resuming when asked) and answers the
/// stream ([`handle`]) with its initial metadata. The stream has no deadline (it runs until the
/// client ends it or the server shuts down).
///
/// # Errors
/// `INVALID_ARGUMENT` for oversized filters (see [`validate`]), for `resume_after` without
/// `epoch`, and for `resume_after` beyond the newest position of this server's epoch.
pub(crate) fn open(
    state: &Arc<ProxyState>,
    request: &StreamEventsRequest,
    _metadata: &tonic::metadata::MetadataMap,
) -> Result<tonic::Response<ResponseStream>> {
    validate(request)?;
    let filter = filter(request);
    let start = Start {
        resume_after: request.resume_after,
        epoch: request.epoch.clone(),
    };
    let subscription = state.events.open(&start, &filter)?;
    tracing::info!(
        rpc = "StreamEvents",
        names = ?request.event_names,
        guilds = ?request.guild_ids,
        resume_after = request.resume_after,
        newest = subscription.newest,
        missed = ?subscription.missed,
        "subscriber joined"
    );
    let (newest, missed) = (subscription.newest, subscription.missed);
    let epoch = subscription.epoch.clone();
    let mut response = tonic::Response::new(handle(state, filter, subscription));
    let metadata = response.metadata_mut();
    if let Ok(epoch) = MetadataValue::try_from(epoch) {
        metadata.insert(EPOCH_METADATA, epoch);
    }
    metadata.insert(POSITION_METADATA, MetadataValue::from(newest));
    match missed {
        Some(Missed::Count(count)) => {
            metadata.insert(MISSED_METADATA, MetadataValue::from(count));
        }
        Some(Missed::Unknown) => {
            metadata.insert(MISSED_METADATA, MetadataValue::from_static("unknown"));
        }
        None => {}
    }
    Ok(response)
}

/// A stream's place: the replay of the history, then the live ring.
struct Cursor {
    bus: EventBus,
    filter: EventFilter,
    subscription: Subscription,
    shutdown: watch::Receiver<bool>,
    /// The position of the last event handled (sent, or skipped by the filter).
    last: u64,
}

impl Cursor {
    fn lagged(&self, missed: u64) -> Status {
        Status::from(Error::StreamLagged {
            capacity: self.bus.capacity(),
            missed,
            resume_after: self.last,
        })
    }

    /// The next item; `Err` ends the stream.
    async fn next(&mut self) -> std::result::Result<GatewayEvent, Status> {
        loop {
            if *self.shutdown.borrow() {
                return Err(Status::from(Error::ShuttingDown));
            }
            let until = self.subscription.newest;
            if self.last < until {
                match self.bus.replay_next(self.last, until, &self.filter) {
                    Replay::Event(event) => {
                        self.last = event.position;
                        return Ok((*event).clone());
                    }
                    Replay::Done => self.last = until,
                    Replay::Evicted { oldest } => return Err(self.lagged(oldest - self.last - 1)),
                }
                continue;
            }
            tokio::select! {
                received = self.subscription.receiver.recv() => match received {
                    // Already handled: positions decide (the ring starts right after the
                    // replay's end, so this only guards the order).
                    Ok(event) if event.position <= self.last => {}
                    Ok(event) => {
                        self.last = event.position;
                        if self.filter.matches(&event) {
                            return Ok((*event).clone());
                        }
                    }
                    Err(RecvError::Lagged(missed)) => return Err(self.lagged(missed)),
                    Err(RecvError::Closed) if *self.shutdown.borrow() => {
                        return Err(Status::from(Error::ShuttingDown));
                    }
                    // The bus began a new epoch (the deployment's stream was made anew).
                    Err(RecvError::Closed) => return Err(Status::from(Error::GatewayUnavailable(
                        format!(
                            "the deployment's event stream was made anew (Redis lost its \
                             state) after position {}: subscribe again with resume_after and \
                             epoch as before to learn the new epoch; what was missed is unknown",
                            self.last
                        ),
                    ))),
                },
                _ = self.shutdown.changed() => {}
            }
        }
    }
}

/// The stream of `subscription` (polled inside the current tracing span): first the retained
/// events after its resume point that pass `filter`, then live ones, each once, in position
/// order. It ends with `RESOURCE_EXHAUSTED` when the subscriber fell more than the event buffer
/// behind (saying how many events it missed and the position to resume after, also as trailing
/// metadata `discordproxy-resume-after`), and with `UNAVAILABLE` when the server shuts down.
pub fn handle(
    state: &Arc<ProxyState>,
    filter: EventFilter,
    subscription: Subscription,
) -> ResponseStream {
    let cursor = Cursor {
        bus: state.events.clone(),
        filter,
        last: subscription.replay_after,
        subscription,
        shutdown: state.shutdown.subscribe(),
    };
    let span = tracing::Span::current();
    let stream = futures_util::stream::unfold(Some(cursor), move |slot| {
        let next = async move {
            let mut cursor = slot?;
            match cursor.next().await {
                Ok(event) => Some((Ok(event), Some(cursor))),
                Err(status) => Some((Err(status), None)),
            }
        };
        next.instrument(span.clone())
    });
    Box::pin(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`super::open`] without request metadata (StreamEvents reads none).
    fn open(
        state: &Arc<ProxyState>,
        request: &StreamEventsRequest,
    ) -> Result<tonic::Response<ResponseStream>> {
        super::open(state, request, &tonic::metadata::MetadataMap::new())
    }

    #[test]
    fn oversized_filters_are_invalid_arguments_naming_the_field() {
        let ok = StreamEventsRequest {
            event_names: vec!["MESSAGE_CREATE".into(); MAX_FILTER_ENTRIES],
            guild_ids: vec![1; MAX_FILTER_ENTRIES],
            ..Default::default()
        };
        assert!(validate(&ok).is_ok());
        let names = StreamEventsRequest {
            event_names: vec!["A".into(); MAX_FILTER_ENTRIES + 1],
            ..Default::default()
        };
        let status = Status::from(validate(&names).unwrap_err());
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        assert!(status.message().starts_with("event_names"));
        let guilds = StreamEventsRequest {
            guild_ids: vec![1; MAX_FILTER_ENTRIES + 1],
            ..Default::default()
        };
        assert!(
            Status::from(validate(&guilds).unwrap_err())
                .message()
                .starts_with("guild_ids")
        );
        let long = StreamEventsRequest {
            event_names: vec!["X".repeat(MAX_EVENT_NAME + 1)],
            ..Default::default()
        };
        assert!(
            Status::from(validate(&long).unwrap_err())
                .message()
                .contains("event_names[0]")
        );
    }

    use crate::{discord::api_base::ApiBase, status::RESUME_AFTER_METADATA, token::BotToken};
    use futures_util::StreamExt;

    fn state(event_buffer: usize) -> Arc<ProxyState> {
        let api = ApiBase::Custom {
            authority: "127.0.0.1:9".into(),
            use_http: true,
        };
        let state = ProxyState::new(&BotToken::new("t"), &api, std::time::Duration::from_secs(1));
        Arc::new(state.with_event_buffer(event_buffer))
    }

    fn resume(state: &ProxyState, names: &[&str], resume_after: u64) -> StreamEventsRequest {
        StreamEventsRequest {
            event_names: names.iter().map(|n| (*n).to_owned()).collect(),
            resume_after,
            epoch: state.events.epoch().to_owned(),
            ..Default::default()
        }
    }

    fn header<'a>(response: &'a tonic::Response<ResponseStream>, key: &str) -> Option<&'a str> {
        response
            .metadata()
            .get(key)
            .map(|value| value.to_str().unwrap())
    }

    #[tokio::test]
    async fn a_resumed_stream_replays_then_goes_live_with_its_metadata() {
        let state = state(4);
        for i in 1..=10u64 {
            state
                .events
                .publish(event(if i % 2 == 0 { "EVEN" } else { "ODD" }, 0));
        }
        // Retained: 7..=10; evicted: 1..=6, of which EVEN after 3: 4, 6.
        let mut response = open(&state, &resume(&state, &["even"], 3)).unwrap();
        assert_eq!(
            header(&response, EPOCH_METADATA),
            Some(state.events.epoch().as_str())
        );
        assert_eq!(header(&response, POSITION_METADATA), Some("10"));
        assert_eq!(header(&response, MISSED_METADATA), Some("2"));
        let stream = response.get_mut();
        let mut positions = Vec::new();
        for _ in 0..2 {
            positions.push(stream.next().await.unwrap().unwrap().position);
        }
        state.events.publish(event("ODD", 0));
        state.events.publish(event("EVEN", 0));
        positions.push(stream.next().await.unwrap().unwrap().position);
        assert_eq!(positions, [8, 10, 12]);

        let live = open(&state, &StreamEventsRequest::default()).unwrap();
        assert_eq!(header(&live, POSITION_METADATA), Some("12"));
        assert_eq!(header(&live, MISSED_METADATA), None);
        let other = open(
            &state,
            &StreamEventsRequest {
                resume_after: 5,
                epoch: "an old epoch".into(),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(header(&other, MISSED_METADATA), Some("unknown"));
    }

    #[tokio::test]
    async fn a_replay_overtaken_by_new_events_ends_saying_where_to_resume() {
        let state = state(4);
        for _ in 0..4 {
            state.events.publish(event("A", 0));
        }
        let mut response = open(&state, &resume(&state, &[], 1)).unwrap();
        let stream = response.get_mut();
        assert_eq!(stream.next().await.unwrap().unwrap().position, 2);
        // Positions 3 and 4 roll out of the history before the client reads them.
        for _ in 0..4 {
            state.events.publish(event("A", 0));
        }
        let status = stream.next().await.unwrap().unwrap_err();
        assert_eq!(status.code(), tonic::Code::ResourceExhausted);
        assert!(
            status.message().contains("missed 2 events"),
            "{}",
            status.message()
        );
        assert_eq!(status.metadata().get(RESUME_AFTER_METADATA).unwrap(), "2");
        assert!(stream.next().await.is_none(), "the stream ended");
    }

    #[tokio::test]
    async fn shutdown_ends_a_replaying_stream_with_unavailable() {
        let state = state(8);
        for _ in 0..8 {
            state.events.publish(event("A", 0));
        }
        let mut response = open(&state, &resume(&state, &[], 1)).unwrap();
        let stream = response.get_mut();
        assert_eq!(stream.next().await.unwrap().unwrap().position, 2);
        state.shutdown.send_replace(true);
        let status = stream.next().await.unwrap().unwrap_err();
        assert_eq!(status.code(), tonic::Code::Unavailable);
        assert!(stream.next().await.is_none());
    }

    fn event(name: &str, guild_id: u64) -> GatewayEvent {
        GatewayEvent {
            name: name.into(),
            guild_id,
            ..Default::default()
        }
    }

    #[test]
    fn empty_filter_passes_everything_and_filters_combine() {
        let all = filter(&StreamEventsRequest::default());
        assert!(all.matches(&event("READY", 0)));
        let filter = filter(&StreamEventsRequest {
            event_names: vec![" message_create".into()],
            guild_ids: vec![5],
            ..Default::default()
        });
        assert!(filter.matches(&event("MESSAGE_CREATE", 5)));
        assert!(!filter.matches(&event("MESSAGE_CREATE", 6)));
        assert!(!filter.matches(&event("GUILD_MEMBER_ADD", 5)));
    }
}
