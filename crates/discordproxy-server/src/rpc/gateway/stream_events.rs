//! `StreamEvents`: gateway dispatch events as a server stream, filtered by event name and guild.

use crate::{
    error::{Error, Result},
    state::ProxyState,
};
use discordproxy_proto::{GatewayEvent, StreamEventsRequest};
use futures_util::Stream;
use std::{collections::HashSet, pin::Pin, sync::Arc};
use tokio::sync::broadcast::error::RecvError;
use tonic::Status;
use tracing::Instrument;

/// The stream type of `StreamEvents`.
pub type ResponseStream =
    Pin<Box<dyn Stream<Item = std::result::Result<GatewayEvent, Status>> + Send>>;

/// Which events a subscriber wants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    names: HashSet<String>,
    guilds: HashSet<u64>,
}

impl Filter {
    /// From the request; names are matched case-insensitively (Discord spells them upper case).
    pub fn new(request: &StreamEventsRequest) -> Self {
        Self {
            names: request
                .event_names
                .iter()
                .map(|name| name.trim().to_ascii_uppercase())
                .collect(),
            guilds: request.guild_ids.iter().copied().collect(),
        }
    }

    /// Whether `event` passes.
    pub fn matches(&self, event: &GatewayEvent) -> bool {
        (self.names.is_empty() || self.names.contains(&event.name))
            && (self.guilds.is_empty() || self.guilds.contains(&event.guild_id))
    }
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

/// Validates the request ([`validate`]), then subscribes ([`handle`]). The stream has no
/// deadline (it runs until the client ends it or the server shuts down).
///
/// # Errors
/// `INVALID_ARGUMENT` for oversized filters (see [`validate`]).
pub(crate) fn open(
    state: &Arc<ProxyState>,
    request: &StreamEventsRequest,
    _metadata: &tonic::metadata::MetadataMap,
) -> Result<ResponseStream> {
    validate(request)?;
    Ok(handle(state, request))
}

/// Subscribes and returns the stream (polled inside the current tracing span). It ends with `RESOURCE_EXHAUSTED` when the subscriber
/// fell more than the event buffer behind (saying how many events it missed), and with
/// `UNAVAILABLE` when the server shuts down.
pub fn handle(state: &Arc<ProxyState>, request: &StreamEventsRequest) -> ResponseStream {
    let filter = Filter::new(request);
    tracing::info!(rpc = "StreamEvents", names = ?request.event_names, guilds = ?request.guild_ids, "subscriber joined");
    let receiver = state.events.subscribe();
    let shutdown = state.shutdown.subscribe();
    let capacity = state.events.capacity();
    let span = tracing::Span::current();
    let stream = futures_util::stream::unfold(Some((receiver, shutdown)), move |slot| {
        let filter = filter.clone();
        let next = async move {
            let (mut receiver, mut shutdown) = slot?;
            loop {
                if *shutdown.borrow() {
                    return Some((Err(Status::from(Error::ShuttingDown)), None));
                }
                tokio::select! {
                    received = receiver.recv() => match received {
                        Ok(event) if filter.matches(&event) => {
                            return Some((Ok((*event).clone()), Some((receiver, shutdown))));
                        }
                        Ok(_) => {}
                        Err(RecvError::Lagged(missed)) => {
                            let status = Status::from(Error::StreamLagged { capacity, missed });
                            return Some((Err(status), None));
                        }
                        Err(RecvError::Closed) => {
                            return Some((Err(Status::from(Error::ShuttingDown)), None));
                        }
                    },
                    _ = shutdown.changed() => {}
                }
            }
        };
        next.instrument(span.clone())
    });
    Box::pin(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversized_filters_are_invalid_arguments_naming_the_field() {
        let ok = StreamEventsRequest {
            event_names: vec!["MESSAGE_CREATE".into(); MAX_FILTER_ENTRIES],
            guild_ids: vec![1; MAX_FILTER_ENTRIES],
        };
        assert!(validate(&ok).is_ok());
        let names = StreamEventsRequest {
            event_names: vec!["A".into(); MAX_FILTER_ENTRIES + 1],
            guild_ids: vec![],
        };
        let status = Status::from(validate(&names).unwrap_err());
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        assert!(status.message().starts_with("event_names"));
        let guilds = StreamEventsRequest {
            event_names: vec![],
            guild_ids: vec![1; MAX_FILTER_ENTRIES + 1],
        };
        assert!(
            Status::from(validate(&guilds).unwrap_err())
                .message()
                .starts_with("guild_ids")
        );
        let long = StreamEventsRequest {
            event_names: vec!["X".repeat(MAX_EVENT_NAME + 1)],
            guild_ids: vec![],
        };
        assert!(
            Status::from(validate(&long).unwrap_err())
                .message()
                .contains("event_names[0]")
        );
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
        let all = Filter::new(&StreamEventsRequest::default());
        assert!(all.matches(&event("READY", 0)));
        let filter = Filter::new(&StreamEventsRequest {
            event_names: vec!["message_create".into()],
            guild_ids: vec![5],
        });
        assert!(filter.matches(&event("MESSAGE_CREATE", 5)));
        assert!(!filter.matches(&event("MESSAGE_CREATE", 6)));
        assert!(!filter.matches(&event("GUILD_MEMBER_ADD", 5)));
    }
}
