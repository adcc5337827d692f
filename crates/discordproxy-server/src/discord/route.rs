//! The Discord REST routes the server calls: method, path, route template and major parameter.
//!
//! The template (`POST /channels/{channel_id}/messages`) names the route in logs and metrics
//! without raw ids; the major parameter (channel or guild id) splits a route into Discord's
//! per-resource rate-limit buckets.
//! <https://discord.com/developers/docs/topics/rate-limits#rate-limits>

use http::Method;

/// One Discord REST endpoint with its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// `GET /users/@me`
    CurrentUser,
    /// `GET /users/{user_id}`
    User {
        /// The user's snowflake.
        user_id: u64,
    },
    /// `POST /users/@me/channels` (open a DM channel)
    CreateDm,
    /// `GET /channels/{channel_id}`
    Channel {
        /// The channel's snowflake.
        channel_id: u64,
    },
    /// `POST /channels/{channel_id}/messages`
    CreateMessage {
        /// The channel's snowflake.
        channel_id: u64,
    },
    /// `GET /guilds/{guild_id}`
    Guild {
        /// The guild's snowflake.
        guild_id: u64,
    },
    /// `GET /guilds/{guild_id}/channels`
    GuildChannels {
        /// The guild's snowflake.
        guild_id: u64,
    },
    /// `GET /gateway/bot`
    GatewayBot,
}

impl Route {
    /// The HTTP method.
    pub fn method(self) -> Method {
        match self {
            Self::CreateDm | Self::CreateMessage { .. } => Method::POST,
            _ => Method::GET,
        }
    }

    /// Method and path template, e.g. `POST /channels/{channel_id}/messages`: the route's name
    /// in logs, errors and metric labels (never a raw id).
    pub fn template(self) -> &'static str {
        match self {
            Self::CurrentUser => "GET /users/@me",
            Self::User { .. } => "GET /users/{user_id}",
            Self::CreateDm => "POST /users/@me/channels",
            Self::Channel { .. } => "GET /channels/{channel_id}",
            Self::CreateMessage { .. } => "POST /channels/{channel_id}/messages",
            Self::Guild { .. } => "GET /guilds/{guild_id}",
            Self::GuildChannels { .. } => "GET /guilds/{guild_id}/channels",
            Self::GatewayBot => "GET /gateway/bot",
        }
    }

    /// The path below `/api/v10`, without a leading slash, e.g. `channels/123/messages`.
    pub fn path(self) -> String {
        match self {
            Self::CurrentUser => "users/@me".into(),
            Self::User { user_id } => format!("users/{user_id}"),
            Self::CreateDm => "users/@me/channels".into(),
            Self::Channel { channel_id } => format!("channels/{channel_id}"),
            Self::CreateMessage { channel_id } => format!("channels/{channel_id}/messages"),
            Self::Guild { guild_id } => format!("guilds/{guild_id}"),
            Self::GuildChannels { guild_id } => format!("guilds/{guild_id}/channels"),
            Self::GatewayBot => "gateway/bot".into(),
        }
    }

    /// The major parameter (channel or guild id); 0 for routes without one. Discord keeps a
    /// bucket per route and major parameter.
    pub fn major(self) -> u64 {
        match self {
            Self::Channel { channel_id } | Self::CreateMessage { channel_id } => channel_id,
            Self::Guild { guild_id } | Self::GuildChannels { guild_id } => guild_id,
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_hold_no_ids_and_paths_do() {
        let route = Route::CreateMessage { channel_id: 42 };
        assert_eq!(route.method(), Method::POST);
        assert_eq!(route.template(), "POST /channels/{channel_id}/messages");
        assert_eq!(route.path(), "channels/42/messages");
        assert_eq!(route.major(), 42);
        assert_eq!(Route::User { user_id: 7 }.major(), 0);
        assert_eq!(Route::User { user_id: 7 }.path(), "users/7");
    }
}
