//! `SendDirectMessage`: for a user not seen before `GET /users/{id}`, `POST /users/@me/channels`,
//! then `POST /channels/{dm.id}/messages`; for a user whose DM channel is cached only the last.
//! <https://discord.com/developers/docs/resources/user#create-dm>

use crate::rpc::{
    fields::required_id,
    unreachable::{check_unreachable, remember_unreachable},
};
use crate::{
    convert::{self, message_body::CreateFields},
    discord::{client::JsonAnswer, negative_cache::Target, request::message::limits},
    error::{Error, Result},
    state::ProxyState,
};
use discordproxy_proto::{SendDirectMessageRequest, SendDirectMessageResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Discord's JSON code for "Unknown Channel".
const UNKNOWN_CHANNEL: u64 = 10003;

/// Handles one call. A user Discord recently answered 403/50007 (DMs closed) or 404/10013 for
/// gets the same answer at once, without a request (`--negative-cache-ttl`).
///
/// # Errors
/// `INVALID_ARGUMENT` for content, embeds, components or files over Discord's limits
/// (400/50035 JSON details as Discord would answer, without a request), for `user_id` 0 and
/// for bad field combinations (as `SendChannelMessage`; plain text); Discord's errors by the
/// status table (e.g. 404/10013 Unknown User, 403/50007 Cannot send messages to this user);
/// `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: SendDirectMessageRequest,
    deadline: Instant,
) -> Result<SendDirectMessageResponse> {
    let user_id = required_id(request.user_id, "user_id")?;
    tracing::info!(rpc = "SendDirectMessage", user_id, "received request");
    tracing::debug!(content = %request.content, embed = ?request.embed, "request content");
    let body = convert::message_body::create_message_with(&CreateFields::from(&request))?;
    limits::check_create_message(&body)?;
    limits::check_components(&body)?;
    limits::check_files(&request.files)?;
    let files = convert::file::parts(&request.files);
    limits::check_upload(Some(&body), &files)?;

    let target = Target::User(user_id);
    check_unreachable(&state, target).await?;
    if let Some(channel_id) = state.dm_channels.get(user_id).await {
        let result = state
            .rest
            .create_message(channel_id, &body, &files, deadline)
            .await;
        match remember_unreachable(&state, target, result) {
            Err(Error::Discord(error)) if error.code == UNKNOWN_CHANNEL => {
                // The cached DM channel is gone; open it again below.
                state.dm_channels.remove(user_id);
            }
            result => return reply(result?),
        }
    }
    remember_unreachable(&state, target, state.rest.user(user_id, deadline).await)?;
    let channel_id = remember_unreachable(
        &state,
        target,
        state.rest.create_dm(user_id, deadline).await,
    )?;
    state.dm_channels.insert(user_id, channel_id);
    let result = state
        .rest
        .create_message(channel_id, &body, &files, deadline)
        .await;
    reply(remember_unreachable(&state, target, result)?)
}

fn reply(created: JsonAnswer) -> Result<SendDirectMessageResponse> {
    Ok(SendDirectMessageResponse {
        message: Some(convert::message::from_json(&created.value, None)),
        json: created.text,
    })
}
