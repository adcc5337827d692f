//! `GetReactions`: `GET /channels/{channel_id}/messages/{message_id}/reactions/{emoji}` with
//! `after`, `limit` and `type`.
//! <https://discord.com/developers/docs/resources/message#get-reactions>

use crate::discord::{
    negative_cache::Target,
    request::reaction::{get_reactions::ReactionPage, limits},
};
use crate::rpc::{
    fields::{optional_id, required_emoji, required_id},
    unreachable::guarded,
};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetReactionsRequest, GetReactionsResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call. Users come in Discord's order.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` or `message_id` 0, `emoji`
///   empty.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON naming `limit` or `type`, no request:
///   `limit` outside 1–100, `type` other than 0 and 1.
/// - Discord's errors by the status table: 404/10008 Unknown Message and 404/10003 Unknown
///   Channel (`NOT_FOUND`), 400/10014 Unknown Emoji (`INVALID_ARGUMENT`); `UNAVAILABLE` when
///   Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetReactionsRequest,
    deadline: Instant,
) -> Result<GetReactionsResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    let message_id = required_id(request.message_id, "message_id")?;
    let emoji = required_emoji(&request.emoji)?;
    tracing::info!(
        rpc = "GetReactions",
        channel_id,
        message_id,
        "received request"
    );
    limits::check_reactions_page(request.limit, request.r#type)?;
    let page = ReactionPage {
        after: optional_id(request.after),
        limit: request.limit,
        kind: (request.r#type != 0).then_some(request.r#type),
    };
    let target = Target::Channel(channel_id);
    let found = guarded(
        &state,
        target,
        state
            .rest
            .reactions(channel_id, message_id, &emoji, page, deadline),
    )
    .await?;
    let users = found
        .value
        .as_array()
        .into_iter()
        .flatten()
        .map(convert::user::from_json)
        .collect();
    Ok(GetReactionsResponse {
        users,
        json: found.text,
    })
}
