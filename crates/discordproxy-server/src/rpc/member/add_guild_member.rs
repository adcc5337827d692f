//! `AddGuildMember`: `PUT /guilds/{guild_id}/members/{user_id}` with the user's OAuth2 access
//! token.
//! <https://discord.com/developers/docs/resources/guild#add-guild-member>
//!
//! The access token is a secret: it is never logged (the request is not logged, only ids) and
//! never part of an error.

use crate::discord::request::member::{Added, limits};
use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{AddGuildMemberRequest, AddGuildMemberResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call. Discord's 201 (added) gives `added` true with the member;
/// its 204 (already a member: Discord changed nothing) gives `added` false, no member and an
/// empty `json`.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` or `user_id` 0, an empty
///   `access_token`, a role id of 0.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: a nick over 32 characters,
///   over 250 roles.
/// - Discord's errors by the status table: 404/10004 Unknown Guild and 404/10013 Unknown User
///   (`NOT_FOUND`), 403/50025 Invalid OAuth2 access token and 403/50013 Missing Permissions
///   (`PERMISSION_DENIED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: AddGuildMemberRequest,
    deadline: Instant,
) -> Result<AddGuildMemberResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    let user_id = required_id(request.user_id, "user_id")?;
    tracing::info!(
        rpc = "AddGuildMember",
        guild_id,
        user_id,
        "received request"
    );
    let body = convert::member::add_guild_member(&request)?;
    limits::check_member(&body)?;
    let added = state
        .rest
        .add_guild_member(
            guild_id,
            user_id,
            &body,
            &request.audit_log_reason,
            deadline,
        )
        .await?;
    Ok(match added {
        Added::Joined(answer) => AddGuildMemberResponse {
            added: true,
            member: Some(convert::member::from_json(&answer.value)),
            json: answer.text,
        },
        Added::AlreadyMember => AddGuildMemberResponse {
            added: false,
            member: None,
            json: String::new(),
        },
    })
}
