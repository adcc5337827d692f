//! The REST API router: Discord's paths under `/api/v10`, `/api/v9` and unversioned `/api`.
//!
//! One file per resource: [`users`] (and [`user_guilds`]), [`channels`], [`guilds`], [`gateway`], [`soundboard`];
//! [`channel_admin`] creates, modifies and deletes guild channels (with gateway events);
//! [`channel_permissions`] sets and deletes permission overwrites; [`typing`] is the typing
//! indicator; [`threads`] starts, lists and joins threads;
//! [`roles`], [`members`] and [`bans`] are a guild's roles, members and bans (permission and
//! hierarchy checks, gateway events); [`commands`] the application's commands;
//! [`messages`] has one file per message route (reactions and pins included); [`webhooks`]
//! are incoming webhooks and their messages; [`interactions`] the interaction callback and the
//! interaction webhook routes (`/webhooks/{application.id}/{token}`, shared with webhooks).
//! Every route except `GET /gateway`, the interaction routes and the webhook-token routes needs the bot token (see [`crate::auth`]). Unknown paths
//! answer 404 `{"message": "404: Not Found", "code": 0}` and known paths with another method 405
//! `{"message": "405: Method Not Allowed", "code": 0}`.

pub(crate) mod attachments;
mod bans;
mod channel_admin;
mod channel_permissions;
mod channels;
mod commands;
mod gateway;
mod guilds;
pub(crate) mod interactions;
mod members;
mod messages;
mod roles;
mod soundboard;
pub(crate) mod threads;
mod typing;
mod user_guilds;
mod users;
mod webhooks;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::middleware::from_fn_with_state;
use axum::routing::{delete, get, post, put};
use serde_json::Value;

use crate::auth::require_bot_token;
use crate::error::ApiError;
use crate::snowflake::parse_snowflake_str;
use crate::state::State;

pub(crate) use messages::{InjectError, ReactionTarget, add_reaction, inject_message};

/// API version prefixes served (Discord also serves the unversioned `/api`).
const PREFIXES: [&str; 3] = ["/api/v10", "/api/v9", "/api"];

/// The REST routes, nested under every prefix.
pub(crate) fn router(state: &Arc<State>) -> Router<Arc<State>> {
    let authenticated = Router::new()
        .route("/users/@me", get(users::current_user))
        .route("/users/@me/channels", post(users::create_dm))
        .route("/users/@me/guilds", get(user_guilds::current_user_guilds))
        .route("/users/{user_id}", get(users::get_user))
        .route(
            "/channels/{channel_id}",
            get(channels::get_channel)
                .patch(channel_admin::modify_channel)
                .delete(channel_admin::delete_channel),
        )
        .route(
            "/channels/{channel_id}/permissions/{overwrite_id}",
            put(channel_permissions::edit_channel_permissions)
                .delete(channel_permissions::delete_channel_permission),
        )
        .route(
            "/channels/{channel_id}/typing",
            post(typing::trigger_typing),
        )
        .route(
            "/channels/{channel_id}/messages",
            get(messages::list_messages).post(messages::create_message),
        )
        .route(
            "/channels/{channel_id}/messages/bulk-delete",
            post(messages::bulk_delete_messages),
        )
        .route(
            "/channels/{channel_id}/messages/{message_id}",
            get(messages::get_message)
                .patch(messages::edit_message)
                .delete(messages::delete_message),
        )
        .route(
            "/channels/{channel_id}/messages/{message_id}/crosspost",
            post(messages::crosspost_message),
        )
        .route(
            "/channels/{channel_id}/messages/{message_id}/reactions",
            delete(messages::delete_all_reactions),
        )
        .route(
            "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}",
            get(messages::get_reactions).delete(messages::delete_emoji_reactions),
        )
        .route(
            "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
            put(messages::add_own_reaction).delete(messages::delete_own_reaction),
        )
        .route(
            "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}",
            delete(messages::delete_user_reaction),
        )
        .route(
            "/channels/{channel_id}/messages/pins",
            get(messages::list_pins),
        )
        .route(
            "/channels/{channel_id}/messages/pins/{message_id}",
            put(messages::pin_message).delete(messages::unpin_message),
        )
        .route(
            "/channels/{channel_id}/pins",
            get(messages::list_pins_deprecated),
        )
        .route(
            "/channels/{channel_id}/pins/{message_id}",
            put(messages::pin_message).delete(messages::unpin_message),
        )
        .route("/guilds/{guild_id}", get(guilds::get_guild))
        .route(
            "/guilds/{guild_id}/channels",
            get(guilds::guild_channels).post(channel_admin::create_guild_channel),
        )
        .route(
            "/channels/{channel_id}/messages/{message_id}/threads",
            post(threads::start_thread_from_message),
        )
        .route(
            "/channels/{channel_id}/threads",
            post(threads::start_thread),
        )
        .route(
            "/channels/{channel_id}/thread-members",
            get(threads::list_thread_members),
        )
        .route(
            "/channels/{channel_id}/thread-members/@me",
            put(threads::join_thread).delete(threads::leave_thread),
        )
        .route(
            "/channels/{channel_id}/thread-members/{user_id}",
            get(threads::get_thread_member)
                .put(threads::add_thread_member)
                .delete(threads::remove_thread_member),
        )
        .route(
            "/channels/{channel_id}/threads/archived/public",
            get(threads::list_public_archived_threads),
        )
        .route(
            "/channels/{channel_id}/threads/archived/private",
            get(threads::list_private_archived_threads),
        )
        .route(
            "/channels/{channel_id}/users/@me/threads/archived/private",
            get(threads::list_joined_private_archived_threads),
        )
        .route(
            "/guilds/{guild_id}/threads/active",
            get(threads::list_active_guild_threads),
        )
        .route(
            "/guilds/{guild_id}/roles",
            get(roles::get_roles)
                .post(roles::create_role)
                .patch(roles::modify_role_positions),
        )
        .route(
            "/guilds/{guild_id}/roles/{role_id}",
            get(roles::get_role)
                .patch(roles::modify_role)
                .delete(roles::delete_role),
        )
        .route("/guilds/{guild_id}/members", get(members::list_members))
        .route(
            "/guilds/{guild_id}/members/search",
            get(members::search_members),
        )
        .route(
            "/guilds/{guild_id}/members/@me",
            axum::routing::patch(members::modify_current_member),
        )
        .route(
            "/guilds/{guild_id}/members/{user_id}",
            get(members::get_member)
                .put(members::add_member)
                .patch(members::modify_member)
                .delete(members::remove_member),
        )
        .route(
            "/guilds/{guild_id}/members/{user_id}/roles/{role_id}",
            put(members::add_member_role).delete(members::remove_member_role),
        )
        .route("/guilds/{guild_id}/bans", get(bans::get_bans))
        .route(
            "/guilds/{guild_id}/bans/{user_id}",
            get(bans::get_ban)
                .put(bans::create_ban)
                .delete(bans::remove_ban),
        )
        .route("/guilds/{guild_id}/bulk-ban", post(bans::bulk_ban))
        .route(
            "/channels/{channel_id}/webhooks",
            get(webhooks::channel_webhooks).post(webhooks::create_webhook),
        )
        .route("/guilds/{guild_id}/webhooks", get(webhooks::guild_webhooks))
        .route(
            "/webhooks/{webhook_id}",
            get(webhooks::get_webhook)
                .patch(webhooks::modify_webhook)
                .delete(webhooks::delete_webhook),
        )
        .route("/gateway/bot", get(gateway::get_gateway_bot))
        .route("/applications/@me", get(commands::current_application))
        .route(
            "/oauth2/applications/@me",
            get(commands::current_application),
        )
        .route(
            "/applications/{application_id}/commands",
            get(commands::get_global_commands)
                .post(commands::create_global_command)
                .put(commands::overwrite_global_commands),
        )
        .route(
            "/applications/{application_id}/commands/{command_id}",
            get(commands::get_global_command)
                .patch(commands::edit_global_command)
                .delete(commands::delete_global_command),
        )
        .route(
            "/applications/{application_id}/guilds/{guild_id}/commands",
            get(commands::get_guild_commands)
                .post(commands::create_guild_command)
                .put(commands::overwrite_guild_commands),
        )
        .route(
            "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}",
            get(commands::get_guild_command)
                .patch(commands::edit_guild_command)
                .delete(commands::delete_guild_command),
        )
        .route(
            "/soundboard-default-sounds",
            get(soundboard::default_sounds),
        )
        .route_layer(axum::middleware::from_fn(crate::content_type::check))
        .route_layer(from_fn_with_state(
            Arc::<str>::from(state.token.as_str()),
            require_bot_token,
        ));
    // Webhook-token routes need no bot token (one sent is ignored).
    let webhook_token = Router::new()
        .route(
            "/webhooks/{webhook_id}/{webhook_token}",
            post(interactions::execute)
                .get(webhooks::get_webhook_with_token)
                .patch(webhooks::modify_webhook_with_token)
                .delete(webhooks::delete_webhook_with_token),
        )
        .route(
            "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
            get(interactions::get_message)
                .patch(interactions::edit)
                .delete(interactions::delete),
        )
        .route(
            "/interactions/{interaction_id}/{interaction_token}/callback",
            post(interactions::callback),
        )
        .route_layer(axum::middleware::from_fn(crate::content_type::check));
    // `GET /gateway` needs no token on Discord.
    let api = authenticated
        .merge(webhook_token)
        .route("/gateway", get(gateway::get_gateway));
    PREFIXES.iter().fold(Router::new(), |router, prefix| {
        router.nest(prefix, api.clone())
    })
}

/// Fallback for unknown paths.
pub(crate) async fn not_found() -> ApiError {
    ApiError::NotFound
}

/// Fallback for a known path with another method.
pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// Parses a snowflake path or query parameter; Discord answers a malformed one with 50035
/// `{"<name>": {"_errors": [{"code": "NUMBER_TYPE_COERCE", "message": "Value \"x\" is not snowflake."}]}}`.
pub(crate) fn snowflake_param(name: &str, raw: &str) -> Result<u64, ApiError> {
    parse_snowflake_str(raw).ok_or_else(|| {
        ApiError::form(
            &[name],
            "NUMBER_TYPE_COERCE",
            format!("Value \"{raw}\" is not snowflake."),
        )
    })
}

/// Parses a JSON body: `None` when empty, 50109 when not JSON.
pub(crate) fn json_body(bytes: &Bytes) -> Result<Option<Value>, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(bytes)
        .map(Some)
        .map_err(|_| ApiError::InvalidJson)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn malformed_snowflakes_are_form_errors() {
        assert_eq!(
            snowflake_param("channel_id", "18014398509481985"),
            Ok(18014398509481985)
        );
        let error = snowflake_param("channel_id", "abc").unwrap_err();
        assert_eq!(
            error.body(),
            json!({"message": "Invalid Form Body", "code": 50035, "errors": {"channel_id": {"_errors": [
                {"code": "NUMBER_TYPE_COERCE", "message": "Value \"abc\" is not snowflake."}
            ]}}})
        );
        assert!(snowflake_param("user_id", "-1").is_err());
        assert!(snowflake_param("user_id", "99999999999999999999").is_err());
    }

    #[test]
    fn json_bodies() {
        assert_eq!(json_body(&Bytes::from_static(b"")), Ok(None));
        assert_eq!(json_body(&Bytes::from_static(b" \n")), Ok(None));
        assert_eq!(
            json_body(&Bytes::from_static(b"{\"a\":1}")),
            Ok(Some(json!({"a": 1})))
        );
        assert_eq!(
            json_body(&Bytes::from_static(b"{\"a\":")),
            Err(ApiError::InvalidJson)
        );
    }
}
