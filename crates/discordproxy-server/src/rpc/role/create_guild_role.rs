//! `CreateGuildRole`: `POST /guilds/{guild_id}/roles`.
//! <https://discord.com/developers/docs/resources/guild#create-guild-role>

use crate::discord::request::role::limits;
use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{CreateGuildRoleRequest, CreateGuildRoleResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call, sent once (never retried: a repeat could create a second role).
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` 0; `permissions` that is no decimal number.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: a name of 0 or over 100
///   characters, a color outside 0–16777215, a `unicode_emoji` over 100 characters.
/// - Discord's errors by the status table: 404/10004 Unknown Guild (`NOT_FOUND`), 403/50013 Missing Permissions (MANAGE_ROLES, or permissions the bot lacks; `PERMISSION_DENIED`), 400/30005 Maximum number of guild roles (`INVALID_ARGUMENT`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: CreateGuildRoleRequest,
    deadline: Instant,
) -> Result<CreateGuildRoleResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    tracing::info!(rpc = "CreateGuildRole", guild_id, "received request");
    let body = convert::role::create_guild_role(&request)?;
    limits::check_role(&body)?;
    let answer = state
        .rest
        .create_guild_role(guild_id, &body, &request.audit_log_reason, deadline)
        .await?;
    Ok(CreateGuildRoleResponse {
        role: Some(convert::role::from_json(&answer.value)),
        json: answer.text,
    })
}
