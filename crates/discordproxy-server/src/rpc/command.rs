//! RPCs of Discord's application commands, global and per guild. Callers never pass the
//! application id: [`application_id`] gives the one the server learned (READY's
//! `application.id`, or `GET /applications/@me` without a gateway).
//! <https://discord.com/developers/docs/interactions/application-commands>

pub(super) mod bulk_overwrite_global_application_commands;
pub(super) mod bulk_overwrite_guild_application_commands;
pub(super) mod create_global_application_command;
pub(super) mod create_guild_application_command;
pub(super) mod delete_global_application_command;
pub(super) mod delete_guild_application_command;
pub(super) mod edit_global_application_command;
pub(super) mod edit_guild_application_command;
pub(super) mod get_global_application_command;
pub(super) mod get_global_application_commands;
pub(super) mod get_guild_application_command;
pub(super) mod get_guild_application_commands;

use crate::{
    error::{Error, Result},
    state::ProxyState,
};
use tokio::time::Instant;

/// The bot's application id: known at once after READY (or the start-up
/// `GET /applications/@me`); with a gateway session and no READY yet, waits for it until
/// shortly before `deadline`; without a gateway, asks Discord (`GET /applications/@me`) when the start-up
/// request did not succeed.
///
/// # Errors
/// [`Error::Unavailable`] saying why when no READY came before the deadline; Discord's errors
/// of `GET /applications/@me` otherwise.
pub(super) async fn application_id(state: &ProxyState, deadline: Instant) -> Result<u64> {
    if let Some(id) = state.application.get() {
        return Ok(id);
    }
    if state.application.from_gateway() {
        // Stop waiting a tenth of the budget early, so that UNAVAILABLE (which says why)
        // reaches the caller before its deadline does.
        let now = Instant::now();
        let until = now + deadline.saturating_duration_since(now).mul_f64(0.9);
        return state.application.wait(until).await.ok_or_else(|| {
            Error::Unavailable(
                "the bot's application id is not known yet: the gateway session has not received \
                 READY; retry once GetGatewayStatus shows a ready shard"
                    .into(),
            )
        });
    }
    let answer = state.rest.current_application(deadline).await?;
    let id =
        crate::convert::json::snowflake(answer.value.get("id").unwrap_or(&serde_json::Value::Null))
            .ok_or_else(|| {
                Error::Unavailable(
                    "the bot's application id is not known: GET /applications/@me answered no id"
                        .into(),
                )
            })?;
    state.application.set(id);
    Ok(id)
}
