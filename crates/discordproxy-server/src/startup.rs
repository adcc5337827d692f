//! The start-up token check: `GET /users/@me` before RPCs are answered; without a gateway,
//! the application id from `GET /applications/@me`.

use crate::{
    discord::client::DiscordClient,
    error::{DiscordHttpError, Error},
    readiness::Readiness,
};

/// Result of the start-up check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCheck {
    /// Discord accepted the token (or could not be asked; RPCs then report their own errors).
    Accepted,
    /// Discord answered 401: the process must exit with status 1.
    Invalid,
}

/// How long the start-up token check may take, retries included.
const STARTUP_CHECK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Asks Discord who the bot is and opens (or fails) the start-up gate.
///
/// A 401 fails the gate and logs `invalid Discord bot token` (never the token itself). Any other
/// failure (Discord unreachable, 5xx) is logged as a warning and the gate opens: each RPC will
/// then report Discord's state itself.
pub async fn check_token(rest: &DiscordClient, readiness: &Readiness) -> TokenCheck {
    let deadline = tokio::time::Instant::now() + STARTUP_CHECK_TIMEOUT;
    match rest.current_user(deadline).await {
        Ok(user) => {
            let user = crate::convert::user::from_json(&user);
            tracing::info!(bot_id = user.id, bot = %user.username, "logged in to Discord");
            readiness.set_ready();
            TokenCheck::Accepted
        }
        Err(Error::Discord(DiscordHttpError { status: 401, .. })) => {
            tracing::error!(
                "invalid Discord bot token: Discord answered 401 Unauthorized to GET /users/@me; \
                 check --token or DISCORD_BOT_TOKEN"
            );
            readiness.set_failed("invalid Discord bot token; the server is exiting");
            TokenCheck::Invalid
        }
        Err(error) => {
            tracing::warn!(
                error = %crate::log_text::OneLine(&error),
                "could not check the bot token at start-up; serving anyway"
            );
            readiness.set_ready();
            TokenCheck::Accepted
        }
    }
}

/// Without a gateway session (`--no-gateway`): asks Discord for the bot's application
/// (`GET /applications/@me`) and records its id for the application-command RPCs. A failure
/// is logged as a warning; those RPCs then ask again themselves.
pub async fn learn_application_id(
    rest: &DiscordClient,
    application: &crate::discord::application_id::ApplicationId,
) {
    let deadline = tokio::time::Instant::now() + STARTUP_CHECK_TIMEOUT;
    match rest.current_application(deadline).await {
        Ok(answer) => match answer
            .value
            .get("id")
            .and_then(crate::convert::json::snowflake)
        {
            Some(id) => {
                tracing::info!(
                    application_id = id,
                    "application id from GET /applications/@me"
                );
                application.set(id);
            }
            None => tracing::warn!("GET /applications/@me answered no application id"),
        },
        Err(error) => tracing::warn!(
            error = %crate::log_text::OneLine(&error),
            "could not learn the application id at start-up; the command RPCs will ask again"
        ),
    }
}
