//! `ModifyCurrentMember`: `PATCH /guilds/{guild_id}/members/@me`.
//! <https://discord.com/developers/docs/resources/guild#modify-current-member>

use crate::discord::request::member::limits;
use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{ModifyCurrentMemberRequest, ModifyCurrentMemberResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` 0; a `clear_fields` entry that is not clearable or is also set; a change of nothing.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: a nick over 32 characters.
/// - Discord's errors by the status table: 404/10004 Unknown Guild (`NOT_FOUND`), 403/50013 Missing Permissions (CHANGE_NICKNAME; `PERMISSION_DENIED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: ModifyCurrentMemberRequest,
    deadline: Instant,
) -> Result<ModifyCurrentMemberResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    tracing::info!(rpc = "ModifyCurrentMember", guild_id, "received request");
    let body = convert::member::modify_current_member(&request)?;
    limits::check_member(&body)?;
    let answer = state
        .rest
        .modify_current_member(guild_id, &body, &request.audit_log_reason, deadline)
        .await?;
    Ok(ModifyCurrentMemberResponse {
        member: Some(convert::member::from_json(&answer.value)),
        json: answer.text,
    })
}
