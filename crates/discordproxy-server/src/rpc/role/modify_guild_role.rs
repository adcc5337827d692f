//! `ModifyGuildRole`: `PATCH /guilds/{guild_id}/roles/{role_id}`.
//! <https://discord.com/developers/docs/resources/guild#modify-guild-role>

use crate::discord::request::role::limits;
use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{ModifyGuildRoleRequest, ModifyGuildRoleResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` 0, `role_id` 0; a `clear_fields` entry that is not clearable or is also set; a change of nothing; `permissions` that is no decimal number.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: a name of 0 or over 100
///   characters, a color outside 0–16777215, a `unicode_emoji` over 100 characters.
/// - Discord's errors by the status table: 404/10004 Unknown Guild and 404/10011 Unknown Role (`NOT_FOUND`), 403/50013 Missing Permissions (a role not below the bot's highest; `PERMISSION_DENIED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: ModifyGuildRoleRequest,
    deadline: Instant,
) -> Result<ModifyGuildRoleResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    let role_id = required_id(request.role_id, "role_id")?;
    tracing::info!(
        rpc = "ModifyGuildRole",
        guild_id,
        role_id,
        "received request"
    );
    let body = convert::role::modify_guild_role(&request)?;
    limits::check_role(&body)?;
    let answer = state
        .rest
        .modify_guild_role(
            guild_id,
            role_id,
            &body,
            &request.audit_log_reason,
            deadline,
        )
        .await?;
    Ok(ModifyGuildRoleResponse {
        role: Some(convert::role::from_json(&answer.value)),
        json: answer.text,
    })
}
