//! `ModifyGuildMember`: `PATCH /guilds/{guild_id}/members/{user_id}` with only the fields the
//! caller set (and `clear_fields`: `null`, or `[]` for `roles`).
//! <https://discord.com/developers/docs/resources/guild#modify-guild-member>

use crate::discord::request::member::limits;
use crate::rpc::fields::required_id;
use crate::{
    convert,
    error::{Error, Result},
    state::ProxyState,
};
use discordproxy_proto::{ModifyGuildMemberRequest, ModifyGuildMemberResponse};
use std::sync::Arc;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::time::Instant;

/// Handles one call: one REST call.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` or `user_id` 0, `channel_id` 0, a
///   role id of 0, a `communication_disabled_until` that is no ISO-8601 time, a `clear_fields`
///   entry that is not clearable or is also set, a change of nothing.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: a nick over 32 characters,
///   a timeout more than 28 days ahead.
/// - Discord's errors by the status table: 404/10007 Unknown Member, 404/10013 Unknown User,
///   404/10011 Unknown Role (`NOT_FOUND`), 403/50013 Missing Permissions (a role not below the
///   bot's highest, a member not below the bot for nick and timeout; `PERMISSION_DENIED`),
///   400/40032 Target user is not connected to voice (`INVALID_ARGUMENT`); `UNAVAILABLE` when
///   Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: ModifyGuildMemberRequest,
    deadline: Instant,
) -> Result<ModifyGuildMemberResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    let user_id = required_id(request.user_id, "user_id")?;
    tracing::info!(
        rpc = "ModifyGuildMember",
        guild_id,
        user_id,
        "received request"
    );
    let body = convert::member::modify_guild_member(&request)?;
    limits::check_member(&body)?;
    if let Some(until) = &request.communication_disabled_until {
        let parsed = OffsetDateTime::parse(until, &Rfc3339).map_err(|_| {
            Error::InvalidArgument(format!(
                "communication_disabled_until must be an ISO-8601 time such as \
                 2026-12-24T18:00:00Z (got {until:?})"
            ))
        })?;
        limits::check_timeout(
            parsed.unix_timestamp(),
            OffsetDateTime::now_utc().unix_timestamp(),
        )?;
    }
    let answer = state
        .rest
        .modify_guild_member(
            guild_id,
            user_id,
            &body,
            &request.audit_log_reason,
            deadline,
        )
        .await?;
    Ok(match answer {
        Some(answer) => ModifyGuildMemberResponse {
            member: Some(convert::member::from_json(&answer.value)),
            json: answer.text,
        },
        None => ModifyGuildMemberResponse {
            member: None,
            json: String::new(),
        },
    })
}
