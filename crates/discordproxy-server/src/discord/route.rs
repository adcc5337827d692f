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

impl From<Route> for BucketKey {
    fn from(route: Route) -> Self {
        Self {
            template: route.template(),
            major: route.major(),
        }
    }
}

/// Generates [`Route`] and its `method`, `template`, `path` and `major` from one line per
/// route: `Variant { params } => METHOD "path/{param}", major = param;` (`{ params }` and
/// `major` are optional; every parameter is a snowflake).
macro_rules! routes {
    ($(
        $variant:ident $({ $($param:ident),+ })? => $method:ident $path:literal
            $(, major = $major:ident)?;
    )*) => {
        /// One Discord REST endpoint with its parameters.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Route {
            $(
                #[doc = concat!("`", stringify!($method), " /", $path, "`")]
                $variant $({
                    $(
                        #[doc = concat!("`", stringify!($param), "`: a snowflake.")]
                        $param: u64,
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
            pub fn method(self) -> Method {
                match self {
                    $(Self::$variant { .. } => Method::$method,)*
                }
            }

            /// Method and path template, e.g. `POST /channels/{channel_id}/messages`: the
            /// route's name in logs, errors and metric labels (never a raw id).
            pub fn template(self) -> &'static str {
                match self {
                    $(Self::$variant { .. } => concat!(stringify!($method), " /", $path),)*
                }
            }

            /// The path below `/api/v10`, without a leading slash, e.g. `channels/123/messages`.
            pub fn path(self) -> String {
                match self {
                    $(Self::$variant $({ $($param),+ })? => std::fmt::format(format_args!($path)),)*
                }
            }

            /// The major parameter (channel or guild id); 0 for routes without one. Discord
            /// keeps a bucket per route and major parameter.
            pub fn major(self) -> u64 {
                match self {
                    $(Self::$variant { $($major,)? .. } => routes!(@major $($major)?),)*
                }
            }
        }
    };
    (@major $major:ident) => { $major };
    (@major) => { 0 };
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
    GuildChannels { guild_id } => GET "guilds/{guild_id}/channels", major = guild_id;
    CreateGuildChannel { guild_id } => POST "guilds/{guild_id}/channels", major = guild_id;
    GatewayBot => GET "gateway/bot";
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
    fn templates_lists_every_route() {
        assert!(Route::TEMPLATES.contains(&"POST /channels/{channel_id}/messages"));
        assert!(Route::TEMPLATES.contains(&"GET /gateway/bot"));
        assert_eq!(BucketKey::from(Route::Guild { guild_id: 4 }).major, 4);
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
