//! The Discord REST routes the server calls: method, path, route template and major parameter.
//!
//! The template (`POST /channels/{channel_id}/messages`) names the route in logs and metrics
//! without raw ids; the major parameter (channel or guild id) splits a route into Discord's
//! per-resource rate-limit buckets.
//! <https://discord.com/developers/docs/topics/rate-limits#rate-limits>
//!
//! Besides the typed [`Route`]s, `CallDiscordApi` sends any path: [`dynamic`] derives its
//! template and major parameter by the same rules, and [`endpoint::Endpoint`] is what the
//! request loop sends (either kind). Both kinds are keyed in the rate limiter by
//! [`BucketKey`], so a typed route and a dynamic call of the same template share a bucket.

pub mod dynamic;
pub mod endpoint;

use http::Method;

/// What the rate limiter keys a bucket by: the route template and the major parameter (0 for
/// routes without one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BucketKey {
    /// Method and path template, e.g. `POST /channels/{channel_id}/messages`.
    pub template: &'static str,
    /// Channel, guild or webhook id (a digest of webhook id and token for token routes).
    pub major: u64,
}

impl From<&Route> for BucketKey {
    fn from(route: &Route) -> Self {
        let major = match route.webhook_token() {
            // Token routes: a keyed digest of id and token, as for their dynamic paths.
            Some((id, token)) => dynamic::token_major(&id.to_string(), &token.to_string()),
            None => route.major(),
        };
        Self {
            template: route.template(),
            major,
        }
    }
}

impl Route {
    /// The id and token of a token route (a webhook's, or an interaction's).
    pub fn webhook_token(&self) -> Option<(u64, &WebhookToken)> {
        match self {
            Self::ExecuteWebhook {
                webhook_id,
                webhook_token,
            }
            | Self::WebhookMessage {
                webhook_id,
                webhook_token,
                ..
            }
            | Self::EditWebhookMessage {
                webhook_id,
                webhook_token,
                ..
            }
            | Self::DeleteWebhookMessage {
                webhook_id,
                webhook_token,
                ..
            }
            | Self::CreateInteractionResponse {
                interaction_id: webhook_id,
                interaction_token: webhook_token,
            }
            | Self::OriginalInteractionResponse {
                webhook_id,
                webhook_token,
            }
            | Self::EditOriginalInteractionResponse {
                webhook_id,
                webhook_token,
            }
            | Self::DeleteOriginalInteractionResponse {
                webhook_id,
                webhook_token,
            } => Some((*webhook_id, webhook_token)),
            _ => None,
        }
    }

    /// Whether the path holds a webhook token: it is never logged, sent without the bot's
    /// `Authorization`, and outside the bot's global rate limit.
    pub fn secret(&self) -> bool {
        self.webhook_token().is_some()
    }
}

impl From<Route> for BucketKey {
    fn from(route: Route) -> Self {
        Self::from(&route)
    }
}

/// A route's `{emoji}` parameter: a Unicode emoji (`👍🏽`) or a custom emoji as `name:id`, as
/// the caller wrote it. The path carries it percent-encoded (every byte except `A-Z a-z 0-9 -
/// . _ ~`, so `:` is `%3A`), as Discord requires; the template keeps `{emoji}`, so logs,
/// metric labels and bucket keys never carry the emoji.
/// <https://discord.com/developers/docs/resources/message#create-reaction>
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Emoji(String);

impl Emoji {
    /// The emoji `text` as Discord names it (not yet encoded).
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The emoji as the caller wrote it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The path segment: percent-encoded.
impl std::fmt::Display for Emoji {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&super::percent::percent_encode(&self.0))
    }
}

/// A webhook's token, a secret: its `Debug` prints `<redacted>`; its `Display` is the path
/// segment (only [`Route::path`] uses it, and a path with a token is never logged: see
/// [`Route::secret`]).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct WebhookToken(String);

impl WebhookToken {
    /// The token as Discord gave it.
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }
}

impl std::fmt::Debug for WebhookToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The path segment: percent-encoded (a token is URL-safe; this only guards odd input).
impl std::fmt::Display for WebhookToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&super::percent::percent_encode(&self.0))
    }
}

/// Generates [`Route`] and its `method`, `template`, `path` and `major` from one line per
/// route: `Variant { params } => METHOD "path/{param}", major = param;` (`{ params }` and
/// `major` are optional; a parameter is a snowflake (`u64`) unless its kind is given, as in
/// `emoji: Emoji`, a string parameter whose `Display` is its path segment).
macro_rules! routes {
    ($(
        $variant:ident $({ $($param:ident $(: $kind:ty)?),+ })? => $method:ident $path:literal
            $(, major = $major:ident)?;
    )*) => {
        /// One Discord REST endpoint with its parameters.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum Route {
            $(
                #[doc = concat!("`", stringify!($method), " /", $path, "`")]
                $variant $({
                    $(
                        #[doc = routes!(@doc $param $($kind)?)]
                        $param: routes!(@kind $($kind)?),
                    )+
                })?,
            )*
        }

        impl Route {
            /// The templates of every route of the table (see [`Route::template`]).
            pub const TEMPLATES: &'static [&'static str] = &[
                $(concat!(stringify!($method), " /", $path),)*
            ];

            /// The HTTP method.
            pub fn method(&self) -> Method {
                match self {
                    $(Self::$variant { .. } => Method::$method,)*
                }
            }

            /// Method and path template, e.g. `POST /channels/{channel_id}/messages`: the
            /// route's name in logs, errors and metric labels (never a raw id).
            pub fn template(&self) -> &'static str {
                match self {
                    $(Self::$variant { .. } => concat!(stringify!($method), " /", $path),)*
                }
            }

            /// The path below `/api/v10`, without a leading slash, e.g. `channels/123/messages`.
            pub fn path(&self) -> String {
                match self {
                    $(Self::$variant $({ $($param),+ })? => std::fmt::format(format_args!($path)),)*
                }
            }

            /// The major parameter (channel or guild id); 0 for routes without one. Discord
            /// keeps a bucket per route and major parameter.
            pub fn major(&self) -> u64 {
                match self {
                    $(Self::$variant { $($major,)? .. } => routes!(@major $($major)?),)*
                }
            }
        }
    };
    (@major $major:ident) => { *$major };
    (@major) => { 0 };
    (@kind $kind:ty) => { $kind };
    (@kind) => { u64 };
    (@doc $param:ident $kind:ty) => {
        concat!("`", stringify!($param), "`: see [`", stringify!($kind), "`].")
    };
    (@doc $param:ident) => { concat!("`", stringify!($param), "`: a snowflake.") };
}

routes! {
    CurrentUser => GET "users/@me";
    User { user_id } => GET "users/{user_id}";
    CreateDm => POST "users/@me/channels";
    Channel { channel_id } => GET "channels/{channel_id}", major = channel_id;
    CreateMessage { channel_id } => POST "channels/{channel_id}/messages", major = channel_id;
    ChannelMessages { channel_id } => GET "channels/{channel_id}/messages", major = channel_id;
    ChannelMessage { channel_id, message_id } => GET "channels/{channel_id}/messages/{message_id}", major = channel_id;
    EditMessage { channel_id, message_id } => PATCH "channels/{channel_id}/messages/{message_id}", major = channel_id;
    DeleteMessage { channel_id, message_id } => DELETE "channels/{channel_id}/messages/{message_id}", major = channel_id;
    CrosspostMessage { channel_id, message_id } => POST "channels/{channel_id}/messages/{message_id}/crosspost", major = channel_id;
    BulkDeleteMessages { channel_id } => POST "channels/{channel_id}/messages/bulk-delete", major = channel_id;
    ModifyChannel { channel_id } => PATCH "channels/{channel_id}", major = channel_id;
    DeleteChannel { channel_id } => DELETE "channels/{channel_id}", major = channel_id;
    EditChannelPermissions { channel_id, overwrite_id } => PUT "channels/{channel_id}/permissions/{overwrite_id}", major = channel_id;
    DeleteChannelPermission { channel_id, overwrite_id } => DELETE "channels/{channel_id}/permissions/{overwrite_id}", major = channel_id;
    TriggerTyping { channel_id } => POST "channels/{channel_id}/typing", major = channel_id;
    Guild { guild_id } => GET "guilds/{guild_id}", major = guild_id;
    CreateReaction { channel_id, message_id, emoji: Emoji } => PUT "channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", major = channel_id;
    DeleteOwnReaction { channel_id, message_id, emoji: Emoji } => DELETE "channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", major = channel_id;
    DeleteUserReaction { channel_id, message_id, emoji: Emoji, user_id } => DELETE "channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}", major = channel_id;
    Reactions { channel_id, message_id, emoji: Emoji } => GET "channels/{channel_id}/messages/{message_id}/reactions/{emoji}", major = channel_id;
    DeleteAllReactions { channel_id, message_id } => DELETE "channels/{channel_id}/messages/{message_id}/reactions", major = channel_id;
    DeleteAllReactionsForEmoji { channel_id, message_id, emoji: Emoji } => DELETE "channels/{channel_id}/messages/{message_id}/reactions/{emoji}", major = channel_id;
    ChannelPins { channel_id } => GET "channels/{channel_id}/messages/pins", major = channel_id;
    PinMessage { channel_id, message_id } => PUT "channels/{channel_id}/messages/pins/{message_id}", major = channel_id;
    UnpinMessage { channel_id, message_id } => DELETE "channels/{channel_id}/messages/pins/{message_id}", major = channel_id;
    GuildChannels { guild_id } => GET "guilds/{guild_id}/channels", major = guild_id;
    CreateGuildChannel { guild_id } => POST "guilds/{guild_id}/channels", major = guild_id;
    GatewayBot => GET "gateway/bot";
    StartThreadFromMessage { channel_id, message_id } => POST "channels/{channel_id}/messages/{message_id}/threads", major = channel_id;
    StartThread { channel_id } => POST "channels/{channel_id}/threads", major = channel_id;
    JoinThread { channel_id } => PUT "channels/{channel_id}/thread-members/@me", major = channel_id;
    LeaveThread { channel_id } => DELETE "channels/{channel_id}/thread-members/@me", major = channel_id;
    AddThreadMember { channel_id, user_id } => PUT "channels/{channel_id}/thread-members/{user_id}", major = channel_id;
    RemoveThreadMember { channel_id, user_id } => DELETE "channels/{channel_id}/thread-members/{user_id}", major = channel_id;
    ThreadMember { channel_id, user_id } => GET "channels/{channel_id}/thread-members/{user_id}", major = channel_id;
    ThreadMembers { channel_id } => GET "channels/{channel_id}/thread-members", major = channel_id;
    ActiveGuildThreads { guild_id } => GET "guilds/{guild_id}/threads/active", major = guild_id;
    PublicArchivedThreads { channel_id } => GET "channels/{channel_id}/threads/archived/public", major = channel_id;
    PrivateArchivedThreads { channel_id } => GET "channels/{channel_id}/threads/archived/private", major = channel_id;
    JoinedPrivateArchivedThreads { channel_id } => GET "channels/{channel_id}/users/@me/threads/archived/private", major = channel_id;
    GuildRoles { guild_id } => GET "guilds/{guild_id}/roles", major = guild_id;
    GuildRole { guild_id, role_id } => GET "guilds/{guild_id}/roles/{role_id}", major = guild_id;
    CreateGuildRole { guild_id } => POST "guilds/{guild_id}/roles", major = guild_id;
    ModifyGuildRole { guild_id, role_id } => PATCH "guilds/{guild_id}/roles/{role_id}", major = guild_id;
    ModifyGuildRolePositions { guild_id } => PATCH "guilds/{guild_id}/roles", major = guild_id;
    DeleteGuildRole { guild_id, role_id } => DELETE "guilds/{guild_id}/roles/{role_id}", major = guild_id;
    GuildMember { guild_id, user_id } => GET "guilds/{guild_id}/members/{user_id}", major = guild_id;
    GuildMembers { guild_id } => GET "guilds/{guild_id}/members", major = guild_id;
    SearchGuildMembers { guild_id } => GET "guilds/{guild_id}/members/search", major = guild_id;
    AddGuildMember { guild_id, user_id } => PUT "guilds/{guild_id}/members/{user_id}", major = guild_id;
    ModifyGuildMember { guild_id, user_id } => PATCH "guilds/{guild_id}/members/{user_id}", major = guild_id;
    ModifyCurrentMember { guild_id } => PATCH "guilds/{guild_id}/members/@me", major = guild_id;
    AddGuildMemberRole { guild_id, user_id, role_id } => PUT "guilds/{guild_id}/members/{user_id}/roles/{role_id}", major = guild_id;
    RemoveGuildMemberRole { guild_id, user_id, role_id } => DELETE "guilds/{guild_id}/members/{user_id}/roles/{role_id}", major = guild_id;
    RemoveGuildMember { guild_id, user_id } => DELETE "guilds/{guild_id}/members/{user_id}", major = guild_id;
    GuildBans { guild_id } => GET "guilds/{guild_id}/bans", major = guild_id;
    GuildBan { guild_id, user_id } => GET "guilds/{guild_id}/bans/{user_id}", major = guild_id;
    CreateGuildBan { guild_id, user_id } => PUT "guilds/{guild_id}/bans/{user_id}", major = guild_id;
    RemoveGuildBan { guild_id, user_id } => DELETE "guilds/{guild_id}/bans/{user_id}", major = guild_id;
    BulkGuildBan { guild_id } => POST "guilds/{guild_id}/bulk-ban", major = guild_id;
    CurrentUserGuilds => GET "users/@me/guilds";
    CurrentApplication => GET "applications/@me";
    GlobalApplicationCommands { application_id } => GET "applications/{application_id}/commands";
    CreateGlobalApplicationCommand { application_id } => POST "applications/{application_id}/commands";
    GlobalApplicationCommand { application_id, command_id } => GET "applications/{application_id}/commands/{command_id}";
    EditGlobalApplicationCommand { application_id, command_id } => PATCH "applications/{application_id}/commands/{command_id}";
    DeleteGlobalApplicationCommand { application_id, command_id } => DELETE "applications/{application_id}/commands/{command_id}";
    BulkOverwriteGlobalApplicationCommands { application_id } => PUT "applications/{application_id}/commands";
    GuildApplicationCommands { application_id, guild_id } => GET "applications/{application_id}/guilds/{guild_id}/commands", major = guild_id;
    CreateGuildApplicationCommand { application_id, guild_id } => POST "applications/{application_id}/guilds/{guild_id}/commands", major = guild_id;
    GuildApplicationCommand { application_id, guild_id, command_id } => GET "applications/{application_id}/guilds/{guild_id}/commands/{command_id}", major = guild_id;
    EditGuildApplicationCommand { application_id, guild_id, command_id } => PATCH "applications/{application_id}/guilds/{guild_id}/commands/{command_id}", major = guild_id;
    DeleteGuildApplicationCommand { application_id, guild_id, command_id } => DELETE "applications/{application_id}/guilds/{guild_id}/commands/{command_id}", major = guild_id;
    BulkOverwriteGuildApplicationCommands { application_id, guild_id } => PUT "applications/{application_id}/guilds/{guild_id}/commands", major = guild_id;
    // Webhooks (issue 13); token routes are keyed by a digest of id and token (see
    // `BucketKey::from`).
    CreateWebhook { channel_id } => POST "channels/{channel_id}/webhooks", major = channel_id;
    ChannelWebhooks { channel_id } => GET "channels/{channel_id}/webhooks", major = channel_id;
    GuildWebhooks { guild_id } => GET "guilds/{guild_id}/webhooks", major = guild_id;
    Webhook { webhook_id } => GET "webhooks/{webhook_id}", major = webhook_id;
    ModifyWebhook { webhook_id } => PATCH "webhooks/{webhook_id}", major = webhook_id;
    DeleteWebhook { webhook_id } => DELETE "webhooks/{webhook_id}", major = webhook_id;
    ExecuteWebhook { webhook_id, webhook_token: WebhookToken } => POST "webhooks/{webhook_id}/{webhook_token}", major = webhook_id;
    WebhookMessage { webhook_id, webhook_token: WebhookToken, message_id } => GET "webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", major = webhook_id;
    EditWebhookMessage { webhook_id, webhook_token: WebhookToken, message_id } => PATCH "webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", major = webhook_id;
    DeleteWebhookMessage { webhook_id, webhook_token: WebhookToken, message_id } => DELETE "webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", major = webhook_id;
    // Interactions (issue 13): token routes, keyed like the webhook ones.
    CreateInteractionResponse { interaction_id, interaction_token: WebhookToken } => POST "interactions/{interaction_id}/{interaction_token}/callback", major = interaction_id;
    // The initial response's message: the application id and interaction token in the places
    // of a webhook's (templates as for dynamic paths).
    OriginalInteractionResponse { webhook_id, webhook_token: WebhookToken } => GET "webhooks/{webhook_id}/{webhook_token}/messages/@original", major = webhook_id;
    EditOriginalInteractionResponse { webhook_id, webhook_token: WebhookToken } => PATCH "webhooks/{webhook_id}/{webhook_token}/messages/@original", major = webhook_id;
    DeleteOriginalInteractionResponse { webhook_id, webhook_token: WebhookToken } => DELETE "webhooks/{webhook_id}/{webhook_token}/messages/@original", major = webhook_id;
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

    #[test]
    fn emoji_are_percent_encoded_in_paths_never_in_templates() {
        let thumbs = Route::CreateReaction {
            channel_id: 1,
            message_id: 2,
            emoji: Emoji::new("👍🏽"),
        };
        assert_eq!(
            thumbs.path(),
            "channels/1/messages/2/reactions/%F0%9F%91%8D%F0%9F%8F%BD/@me"
        );
        assert_eq!(
            thumbs.template(),
            "PUT /channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me"
        );
        assert_eq!(thumbs.major(), 1);
        let custom = Route::DeleteUserReaction {
            channel_id: 3,
            message_id: 4,
            emoji: Emoji::new("blob:500000000000000001"),
            user_id: 5,
        };
        assert_eq!(
            custom.path(),
            "channels/3/messages/4/reactions/blob%3A500000000000000001/5"
        );
        assert_eq!(
            custom.template(),
            "DELETE /channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}"
        );
        assert_eq!(BucketKey::from(&custom).major, 3);
        // A keycap, a ZWJ sequence and text that needs escaping stay one path segment.
        assert_eq!(Emoji::new("1️⃣").to_string(), "1%EF%B8%8F%E2%83%A3");
        assert_eq!(
            Emoji::new("👩‍👩‍👧").to_string(),
            "%F0%9F%91%A9%E2%80%8D%F0%9F%91%A9%E2%80%8D%F0%9F%91%A7"
        );
        assert_eq!(Emoji::new("a/b?c").to_string(), "a%2Fb%3Fc");
    }

    #[test]
    fn reaction_and_pin_routes_are_keyed_by_channel_like_their_dynamic_paths() {
        use super::dynamic::DynamicRoute;
        let emoji = || Emoji::new("🔥");
        let routes = [
            Route::CreateReaction {
                channel_id: 7,
                message_id: 8,
                emoji: emoji(),
            },
            Route::DeleteOwnReaction {
                channel_id: 7,
                message_id: 8,
                emoji: emoji(),
            },
            Route::DeleteUserReaction {
                channel_id: 7,
                message_id: 8,
                emoji: emoji(),
                user_id: 9,
            },
            Route::Reactions {
                channel_id: 7,
                message_id: 8,
                emoji: emoji(),
            },
            Route::DeleteAllReactions {
                channel_id: 7,
                message_id: 8,
            },
            Route::DeleteAllReactionsForEmoji {
                channel_id: 7,
                message_id: 8,
                emoji: emoji(),
            },
            Route::ChannelPins { channel_id: 7 },
            Route::PinMessage {
                channel_id: 7,
                message_id: 8,
            },
            Route::UnpinMessage {
                channel_id: 7,
                message_id: 8,
            },
        ];
        for route in routes {
            assert_eq!(route.major(), 7, "{route:?}");
            assert!(!route.template().contains('7'), "{route:?}");
            assert!(Route::TEMPLATES.contains(&route.template()));
            let dynamic = DynamicRoute::new(route.method(), &format!("/{}", route.path())).unwrap();
            assert_eq!(
                BucketKey::from(&route),
                BucketKey {
                    template: dynamic.template(),
                    major: dynamic.major()
                },
                "{route:?}"
            );
        }
    }

    #[test]
    fn thread_routes_are_keyed_like_their_dynamic_paths() {
        use super::dynamic::DynamicRoute;
        let routes = [
            Route::StartThreadFromMessage {
                channel_id: 7,
                message_id: 8,
            },
            Route::StartThread { channel_id: 7 },
            Route::JoinThread { channel_id: 7 },
            Route::LeaveThread { channel_id: 7 },
            Route::AddThreadMember {
                channel_id: 7,
                user_id: 9,
            },
            Route::RemoveThreadMember {
                channel_id: 7,
                user_id: 9,
            },
            Route::ThreadMember {
                channel_id: 7,
                user_id: 9,
            },
            Route::ThreadMembers { channel_id: 7 },
            Route::ActiveGuildThreads { guild_id: 7 },
            Route::PublicArchivedThreads { channel_id: 7 },
            Route::PrivateArchivedThreads { channel_id: 7 },
            Route::JoinedPrivateArchivedThreads { channel_id: 7 },
        ];
        for route in routes {
            assert_eq!(route.major(), 7, "{route:?}");
            assert!(!route.template().contains('7'), "{route:?}");
            let dynamic = DynamicRoute::new(route.method(), &format!("/{}", route.path())).unwrap();
            assert_eq!(
                BucketKey::from(&route),
                BucketKey {
                    template: dynamic.template(),
                    major: dynamic.major()
                },
                "{route:?}"
            );
        }
        assert_eq!(
            Route::JoinThread { channel_id: 1 }.path(),
            "channels/1/thread-members/@me"
        );
    }

    #[test]
    fn webhook_routes_are_keyed_like_their_dynamic_paths_and_never_show_the_token() {
        use super::dynamic::DynamicRoute;
        let token = || WebhookToken::new("sEcReT-token");
        let routes = [
            Route::ExecuteWebhook {
                webhook_id: 7,
                webhook_token: token(),
            },
            Route::WebhookMessage {
                webhook_id: 7,
                webhook_token: token(),
                message_id: 8,
            },
            Route::EditWebhookMessage {
                webhook_id: 7,
                webhook_token: token(),
                message_id: 8,
            },
            Route::DeleteWebhookMessage {
                webhook_id: 7,
                webhook_token: token(),
                message_id: 8,
            },
            Route::Webhook { webhook_id: 7 },
            Route::ModifyWebhook { webhook_id: 7 },
            Route::DeleteWebhook { webhook_id: 7 },
            Route::CreateInteractionResponse {
                interaction_id: 7,
                interaction_token: token(),
            },
            Route::OriginalInteractionResponse {
                webhook_id: 7,
                webhook_token: token(),
            },
            Route::EditOriginalInteractionResponse {
                webhook_id: 7,
                webhook_token: token(),
            },
            Route::DeleteOriginalInteractionResponse {
                webhook_id: 7,
                webhook_token: token(),
            },
        ];
        for route in routes {
            assert!(!route.template().contains("sEcReT"), "{route:?}");
            assert!(!format!("{route:?}").contains("sEcReT"));
            let key = BucketKey::from(&route);
            assert!(!format!("{key:?}").contains("sEcReT"));
            let dynamic = DynamicRoute::new(route.method(), &format!("/{}", route.path())).unwrap();
            assert_eq!(dynamic.secret(), route.secret(), "{route:?}");
            assert_eq!(
                key,
                BucketKey {
                    template: dynamic.template(),
                    major: dynamic.major()
                },
                "{route:?}"
            );
        }
        let other = Route::ExecuteWebhook {
            webhook_id: 7,
            webhook_token: WebhookToken::new("other"),
        };
        assert_ne!(
            BucketKey::from(&other),
            BucketKey::from(&Route::ExecuteWebhook {
                webhook_id: 7,
                webhook_token: token(),
            }),
            "one bucket per webhook id and token"
        );
        assert_eq!(format!("{:?}", token()), "<redacted>");
    }

    #[test]
    fn templates_lists_every_route() {
        assert!(Route::TEMPLATES.contains(&"POST /channels/{channel_id}/messages"));
        assert!(Route::TEMPLATES.contains(&"GET /gateway/bot"));
        assert_eq!(BucketKey::from(Route::Guild { guild_id: 4 }).major, 4);
    }

    #[test]
    fn guild_role_member_ban_and_user_routes_are_keyed_by_guild_like_their_dynamic_paths() {
        use super::dynamic::DynamicRoute;
        let routes = [
            (Route::GuildRoles { guild_id: 4 }, "guilds/4/roles"),
            (
                Route::ModifyGuildRole {
                    guild_id: 4,
                    role_id: 5,
                },
                "guilds/4/roles/5",
            ),
            (
                Route::ModifyGuildRolePositions { guild_id: 4 },
                "guilds/4/roles",
            ),
            (
                Route::AddGuildMember {
                    guild_id: 4,
                    user_id: 6,
                },
                "guilds/4/members/6",
            ),
            (
                Route::ModifyCurrentMember { guild_id: 4 },
                "guilds/4/members/@me",
            ),
            (
                Route::SearchGuildMembers { guild_id: 4 },
                "guilds/4/members/search",
            ),
            (
                Route::AddGuildMemberRole {
                    guild_id: 4,
                    user_id: 6,
                    role_id: 5,
                },
                "guilds/4/members/6/roles/5",
            ),
            (
                Route::CreateGuildBan {
                    guild_id: 4,
                    user_id: 6,
                },
                "guilds/4/bans/6",
            ),
            (Route::BulkGuildBan { guild_id: 4 }, "guilds/4/bulk-ban"),
        ];
        for (route, path) in routes {
            assert_eq!(route.path(), path);
            assert_eq!(route.major(), 4, "{route:?}");
            assert!(!route.template().contains('4'), "{route:?}");
            let dynamic = DynamicRoute::new(route.method(), &format!("/{path}")).unwrap();
            assert_eq!(
                BucketKey::from(&route),
                BucketKey {
                    template: dynamic.template(),
                    major: dynamic.major()
                },
                "{route:?}"
            );
        }
        assert_eq!(Route::CurrentUserGuilds.major(), 0);
        assert_eq!(Route::CurrentUserGuilds.path(), "users/@me/guilds");
    }

    #[test]
    fn every_route_of_the_table() {
        let table = [
            (Route::CurrentUser, "GET /users/@me", "users/@me", 0),
            (
                Route::User { user_id: 1 },
                "GET /users/{user_id}",
                "users/1",
                0,
            ),
            (
                Route::CreateDm,
                "POST /users/@me/channels",
                "users/@me/channels",
                0,
            ),
            (
                Route::Channel { channel_id: 2 },
                "GET /channels/{channel_id}",
                "channels/2",
                2,
            ),
            (
                Route::CreateMessage { channel_id: 3 },
                "POST /channels/{channel_id}/messages",
                "channels/3/messages",
                3,
            ),
            (
                Route::Guild { guild_id: 4 },
                "GET /guilds/{guild_id}",
                "guilds/4",
                4,
            ),
            (
                Route::GuildChannels { guild_id: 5 },
                "GET /guilds/{guild_id}/channels",
                "guilds/5/channels",
                5,
            ),
            (
                Route::ChannelMessages { channel_id: 6 },
                "GET /channels/{channel_id}/messages",
                "channels/6/messages",
                6,
            ),
            (
                Route::ChannelMessage {
                    channel_id: 7,
                    message_id: 70,
                },
                "GET /channels/{channel_id}/messages/{message_id}",
                "channels/7/messages/70",
                7,
            ),
            (
                Route::EditMessage {
                    channel_id: 8,
                    message_id: 80,
                },
                "PATCH /channels/{channel_id}/messages/{message_id}",
                "channels/8/messages/80",
                8,
            ),
            (
                Route::DeleteMessage {
                    channel_id: 9,
                    message_id: 90,
                },
                "DELETE /channels/{channel_id}/messages/{message_id}",
                "channels/9/messages/90",
                9,
            ),
            (
                Route::CrosspostMessage {
                    channel_id: 10,
                    message_id: 100,
                },
                "POST /channels/{channel_id}/messages/{message_id}/crosspost",
                "channels/10/messages/100/crosspost",
                10,
            ),
            (
                Route::BulkDeleteMessages { channel_id: 11 },
                "POST /channels/{channel_id}/messages/bulk-delete",
                "channels/11/messages/bulk-delete",
                11,
            ),
            (
                Route::ModifyChannel { channel_id: 12 },
                "PATCH /channels/{channel_id}",
                "channels/12",
                12,
            ),
            (
                Route::DeleteChannel { channel_id: 13 },
                "DELETE /channels/{channel_id}",
                "channels/13",
                13,
            ),
            (
                Route::EditChannelPermissions {
                    channel_id: 14,
                    overwrite_id: 140,
                },
                "PUT /channels/{channel_id}/permissions/{overwrite_id}",
                "channels/14/permissions/140",
                14,
            ),
            (
                Route::DeleteChannelPermission {
                    channel_id: 15,
                    overwrite_id: 150,
                },
                "DELETE /channels/{channel_id}/permissions/{overwrite_id}",
                "channels/15/permissions/150",
                15,
            ),
            (
                Route::TriggerTyping { channel_id: 16 },
                "POST /channels/{channel_id}/typing",
                "channels/16/typing",
                16,
            ),
            (
                Route::CreateGuildChannel { guild_id: 17 },
                "POST /guilds/{guild_id}/channels",
                "guilds/17/channels",
                17,
            ),
            (Route::GatewayBot, "GET /gateway/bot", "gateway/bot", 0),
        ];
        for (route, template, path, major) in table {
            let method = template.split(' ').next().unwrap();
            assert_eq!(route.method().as_str(), method, "{route:?}");
            assert_eq!(route.template(), template);
            assert_eq!(route.path(), path);
            assert_eq!(route.major(), major, "{route:?}");
        }
    }
}
