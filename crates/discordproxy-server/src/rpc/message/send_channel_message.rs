//! `SendChannelMessage`: `POST /channels/{id}/messages`, preceded by `GET /channels/{id}`
//! (existence, access, guild id) unless the channel is in the gateway cache.
//! <https://discord.com/developers/docs/resources/message#create-message>

use crate::convert::{self, message_body::CreateFields};
use crate::discord::{negative_cache::Target, request::message::limits};
use crate::rpc::{
    fields::required_id,
    unreachable::{check_unreachable, remember_unreachable},
};
use crate::{error::Result, state::ProxyState};
use discordproxy_proto::{SendChannelMessageRequest, SendChannelMessageResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call when the gateway cache holds the channel (its guild id
/// comes from the cache; Discord's create answers the same errors as the lookup: 10003, 50001,
/// 50013), two without. A channel Discord recently answered 404/10003 or 403/50001 for gets
/// the same answer at once, without a request (`--negative-cache-ttl`).
///
/// # Errors
/// `INVALID_ARGUMENT` for content, embeds, components or files over Discord's limits
/// (400/50035 JSON details as Discord would answer, without a request), for `channel_id` 0
/// and for bad field combinations (`suppress_mentions` with `allowed_mentions`, a reply without
/// `message_reference.message_id`; plain text); Discord's errors by the status table (e.g.
/// 404/10003 Unknown Channel, 403/50001, 403/50013, 400/50035); `UNAVAILABLE` when Discord is
/// unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: SendChannelMessageRequest,
    deadline: Instant,
) -> Result<SendChannelMessageResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    tracing::info!(rpc = "SendChannelMessage", channel_id, "received request");
    tracing::debug!(content = %request.content, embed = ?request.embed, "request content");
    let body = convert::message_body::create_message_with(&CreateFields::from(&request))?;
    limits::check_create_message(&body)?;
    limits::check_components(&body)?;
    limits::check_files(&request.files)?;
    let files = convert::file::parts(&request.files);
    limits::check_upload(Some(&body), &files)?;
    let target = Target::Channel(channel_id);
    check_unreachable(&state, target).await?;
    let guild_id = match state.cache.channel_guild(channel_id) {
        Some(guild_id) => {
            tracing::debug!(
                channel_id,
                "channel in the gateway cache: no channel lookup"
            );
            guild_id
        }
        None => {
            let channel = remember_unreachable(
                &state,
                target,
                state.rest.channel(channel_id, deadline).await,
            )?;
            channel
                .get("guild_id")
                .and_then(convert::json::snowflake)
                .unwrap_or(0)
        }
    };
    let created = remember_unreachable(
        &state,
        target,
        state
            .rest
            .create_message(channel_id, &body, &files, deadline)
            .await,
    )?;
    let guild_id = Some(guild_id).filter(|id| *id != 0);
    Ok(SendChannelMessageResponse {
        message: Some(convert::message::from_json(&created.value, guild_id)),
        json: created.text,
    })
}
