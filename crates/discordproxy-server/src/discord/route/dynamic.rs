//! The route of a `CallDiscordApi` path: validation, and the template and major parameter
//! derived by Discord's rules.
//! <https://discord.com/developers/docs/topics/rate-limits>
//!
//! - A path is relative to `/api/v10` and starts with `/` (`/guilds/1/audit-logs`). Refused:
//!   absolute URLs, `.` and `..` segments (also percent-encoded), empty segments (`//`, a
//!   trailing `/`), a query or fragment (`?`, `#`: queries go in `query`), an `/api` prefix,
//!   non-ASCII and control characters, characters outside RFC 3986's path characters, and
//!   paths longer than [`MAX_PATH_LEN`]. Non-ASCII text (an emoji) is sent percent-encoded.
//! - Template: each snowflake segment becomes a placeholder named after the resource before
//!   it (`channels/{channel_id}`, `guilds/{guild_id}`, `messages/{message_id}`,
//!   `members/{user_id}`, …; `{id}` after any other segment); the segment after `reactions`
//!   is `{emoji}` (and a snowflake after it `{user_id}`); the segment after
//!   `webhooks/{webhook_id}` is `{webhook_token}` and after
//!   `interactions/{interaction_id}` is `{interaction_token}`; `invites/…` and
//!   `templates/…` codes are `{invite_code}` and `{template_code}`. Templates are interned up
//!   to a cap ([`intern`]); beyond it a call's template is `OTHER` (one shared bucket).
//! - Major parameter: the id of a path starting `channels/{channel_id}`, `guilds/{guild_id}`
//!   or `webhooks/{webhook_id}` (with the token: a digest of id and token, never the token),
//!   and the interaction of `interactions/{interaction_id}/{interaction_token}` (Discord
//!   treats interaction tokens as webhooks); 0 otherwise.
//! - Token routes (`webhooks/{id}/…`, `interactions/{id}/…`) are secret: their path is never
//!   logged or put in an error, and every segment after the token is a placeholder unless it
//!   is one of Discord's fixed words (`messages`, `@original`, `callback`, `slack`, `github`).

pub mod intern;

use crate::error::{Error, Result};
use http::Method;
use sha2::{Digest, Sha256};

/// The longest path accepted (characters).
pub const MAX_PATH_LEN: usize = 2048;

/// Words that may follow a webhook or interaction token in a template as they are.
const AFTER_TOKEN: &[&str] = &["messages", "@original", "callback", "slack", "github"];

/// One `CallDiscordApi` request's route.
#[derive(Clone)]
pub struct DynamicRoute {
    method: Method,
    /// The interned template (or `OTHER`): rate-limit key and metric label.
    template: &'static str,
    /// The derived template, before the cap: what API-key allow-lists match.
    derived: String,
    /// Below `/api/v10`, without the leading slash.
    path: String,
    major: u64,
    secret: bool,
}

impl std::fmt::Debug for DynamicRoute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The path may hold a webhook or interaction token: show the template only.
        f.debug_struct("DynamicRoute")
            .field("template", &self.derived)
            .finish_non_exhaustive()
    }
}

/// The method of a `CallDiscordApi` request: `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
///
/// # Errors
/// [`Error::InvalidArgument`] naming `method`.
pub fn parse_method(method: &str) -> Result<Method> {
    match method {
        "GET" => Ok(Method::GET),
        "POST" => Ok(Method::POST),
        "PUT" => Ok(Method::PUT),
        "PATCH" => Ok(Method::PATCH),
        "DELETE" => Ok(Method::DELETE),
        _ => Err(Error::InvalidArgument(
            "method must be one of GET, POST, PUT, PATCH, DELETE (upper case)".into(),
        )),
    }
}

impl DynamicRoute {
    /// Validates `path` and derives its template and major parameter.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming `path` (never quoting it: it may hold a token).
    pub fn new(method: Method, path: &str) -> Result<Self> {
        let segments = validate(path).map_err(|problem| {
            Error::InvalidArgument(format!(
                "path must be a Discord API path relative to /api/v10 such as \
                 /users/@me: {problem}"
            ))
        })?;
        let (template_path, major, secret) = derive(&segments);
        let derived = format!("{method} /{template_path}");
        Ok(Self {
            template: intern::global().intern(&derived),
            derived,
            path: segments.join("/"),
            method,
            major,
            secret,
        })
    }

    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.method.clone()
    }

    /// The interned template, or `OTHER` beyond the cap: the rate-limit key and metric label.
    pub fn template(&self) -> &'static str {
        self.template
    }

    /// The derived template (`GET /guilds/{guild_id}/audit-logs`) whatever the cap: what an
    /// API key's allow-list names. Holds no ids or tokens.
    pub fn derived_template(&self) -> &str {
        &self.derived
    }

    /// The path below `/api/v10` without the leading slash (may hold a token: see
    /// [`secret`](Self::secret)).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The major parameter; 0 for none.
    pub fn major(&self) -> u64 {
        self.major
    }

    /// Whether the path holds a webhook or interaction token: never log it.
    pub fn secret(&self) -> bool {
        self.secret
    }
}

/// The path's segments, or what is wrong with it.
fn validate(path: &str) -> std::result::Result<Vec<&str>, &'static str> {
    if path.is_empty() {
        return Err("it is empty");
    }
    if path.len() > MAX_PATH_LEN {
        return Err("it is longer than 2048 characters");
    }
    if path.chars().any(|c| !c.is_ascii() || c.is_ascii_control()) {
        return Err("it holds non-ASCII or control characters (percent-encode them)");
    }
    if path.contains("://") || path.starts_with("//") {
        return Err("absolute URLs are refused");
    }
    if path.contains('?') || path.contains('#') {
        return Err("a query or fragment is refused (send query parameters in `query`)");
    }
    let Some(relative) = path.strip_prefix('/') else {
        return Err("it must start with /");
    };
    let segments: Vec<&str> = relative.split('/').collect();
    for segment in &segments {
        if segment.is_empty() {
            return Err("empty segments (// or a trailing /) are refused");
        }
        if !segment.bytes().all(path_char) {
            return Err("it holds characters not allowed in a URL path (percent-encode them)");
        }
        let decoded = percent_decode(segment).ok_or("it holds a malformed percent escape")?;
        if decoded == b"." || decoded == b".." {
            return Err(". and .. segments are refused");
        }
        if decoded
            .iter()
            .any(|b| matches!(b, b'/' | b'\\' | b'?' | b'#'))
        {
            return Err("percent-encoded /, \\, ? or # are refused");
        }
        if decoded.iter().any(u8::is_ascii_control) {
            return Err("percent-encoded control characters are refused");
        }
    }
    if segments[0].eq_ignore_ascii_case("api") {
        return Err("the /api/v10 prefix is added by the server (omit /api)");
    }
    Ok(segments)
}

/// RFC 3986 `pchar`: unreserved, sub-delims, `:`, `@` and `%` (of an escape).
fn path_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@%".contains(&byte)
}

fn percent_decode(segment: &str) -> Option<Vec<u8>> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = bytes.get(index + 1..index + 3)?;
            let text = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(text, 16).ok()?);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    Some(out)
}

fn snowflake(segment: &str) -> Option<u64> {
    if segment.bytes().all(|b| b.is_ascii_digit()) {
        segment.parse().ok()
    } else {
        None
    }
}

/// The placeholder of a snowflake after the segment `resource`.
fn placeholder(resource: &str) -> &'static str {
    match resource {
        "channels" | "stage-instances" => "{channel_id}",
        "guilds" => "{guild_id}",
        "messages" | "pins" | "polls" => "{message_id}",
        "users" | "members" | "bans" | "recipients" | "thread-members" => "{user_id}",
        "roles" => "{role_id}",
        "webhooks" => "{webhook_id}",
        "interactions" => "{interaction_id}",
        "emojis" => "{emoji_id}",
        "stickers" => "{sticker_id}",
        "sticker-packs" => "{pack_id}",
        "applications" => "{application_id}",
        "commands" => "{command_id}",
        "integrations" => "{integration_id}",
        "scheduled-events" => "{guild_scheduled_event_id}",
        "permissions" => "{overwrite_id}",
        "threads" => "{thread_id}",
        "entitlements" => "{entitlement_id}",
        "skus" => "{sku_id}",
        "subscriptions" => "{subscription_id}",
        "soundboard-sounds" => "{sound_id}",
        "rules" => "{auto_moderation_rule_id}",
        "answers" => "{answer_id}",
        "lobbies" => "{lobby_id}",
        _ => "{id}",
    }
}

/// A digest of a webhook id and token, the same in every process (instances sharing Redis
/// share the bucket): the major parameter of token routes. It never reveals the token: the
/// first 8 bytes of a domain-separated SHA-256.
pub(crate) fn token_major(id: &str, token: &str) -> u64 {
    let digest = Sha256::new()
        .chain_update(b"discordproxy token route:")
        .chain_update(id.as_bytes())
        .chain_update(b"/")
        .chain_update(token.as_bytes())
        .finalize();
    let mut major = [0; 8];
    major.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(major)
}

/// A segment as Discord's router would read it, for keyword matching only: percent-decoded
/// and lower-cased (`%77ebhooks` and `WEBHOOKS` are `webhooks`).
fn keyword(segment: &str) -> String {
    percent_decode(segment)
        .map(|bytes| String::from_utf8_lossy(&bytes).to_ascii_lowercase())
        .unwrap_or_default()
}

/// Whether a segment names a token-bearing resource (`webhooks`, `interactions`).
fn token_owner(segment: &str) -> Option<&'static str> {
    match keyword(segment).as_str() {
        "webhooks" => Some("webhooks"),
        "interactions" => Some("interactions"),
        _ => None,
    }
}

/// Template path (without leading slash), major parameter and whether the path is secret.
///
/// Everything after a `webhooks` or `interactions` segment (however it is spelled or
/// encoded) is replaced: the next segment is the id placeholder whatever its form, the one
/// after it the token, and the rest placeholders except Discord's fixed words. So a token can
/// never reach a template (logs, metric labels, bucket names), even in a path Discord would
/// refuse.
fn derive(segments: &[&str]) -> (String, u64, bool) {
    let mut out: Vec<&str> = Vec::with_capacity(segments.len());
    // Index of the first `webhooks`/`interactions` segment and which one it is.
    let owner = segments
        .iter()
        .enumerate()
        .find_map(|(index, segment)| token_owner(segment).map(|owner| (index, owner)));
    // Secret when a token follows the id, or when the id position holds something other than
    // a snowflake (it may be a token): then the raw path is never logged either.
    let secret = owner.is_some_and(|(at, _)| {
        segments.len() > at + 2
            || segments
                .get(at + 1)
                .is_some_and(|id| snowflake(id).is_none())
    });
    for (index, segment) in segments.iter().enumerate() {
        let previous = index.checked_sub(1).map(|i| segments[i]);
        let part = match owner {
            Some((at, owner)) if index == at + 1 => {
                if owner == "webhooks" {
                    "{webhook_id}"
                } else {
                    "{interaction_id}"
                }
            }
            Some((at, owner)) if index == at + 2 => {
                if owner == "webhooks" {
                    "{webhook_token}"
                } else {
                    "{interaction_token}"
                }
            }
            Some((at, _)) if index > at + 2 => {
                if AFTER_TOKEN.contains(segment) {
                    segment
                } else if snowflake(segment).is_some() {
                    placeholder(previous.unwrap_or(""))
                } else {
                    "{param}"
                }
            }
            _ if previous == Some("reactions") => "{emoji}",
            _ if matches!(previous, Some("invites")) => "{invite_code}",
            _ if matches!(previous, Some("templates")) && snowflake(segment).is_none() => {
                "{template_code}"
            }
            _ if snowflake(segment).is_some() => {
                let reacted = index >= 2 && segments[index - 2] == "reactions";
                if reacted {
                    "{user_id}"
                } else {
                    placeholder(previous.unwrap_or(""))
                }
            }
            _ => segment,
        };
        out.push(part);
    }
    let major = match (owner, segments) {
        (Some((0, _)), [_, id, token, ..]) => token_major(id, token),
        (Some((0, "webhooks")), [_, id]) => snowflake(id).unwrap_or(0),
        (_, ["channels" | "guilds", id, ..]) => snowflake(id).unwrap_or(0),
        _ => 0,
    };
    (out.join("/"), major, secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(method: &str, path: &str) -> DynamicRoute {
        DynamicRoute::new(parse_method(method).unwrap(), path).unwrap()
    }

    fn refusal(path: &str) -> String {
        match DynamicRoute::new(Method::GET, path) {
            Err(Error::InvalidArgument(text)) => text,
            other => panic!("{path:?} should be refused, got {other:?}"),
        }
    }

    #[test]
    fn methods() {
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            assert_eq!(parse_method(method).unwrap().as_str(), method);
        }
        for method in ["", "get", "HEAD", "OPTIONS", "CONNECT", "TRACE", "POST "] {
            let Err(Error::InvalidArgument(text)) = parse_method(method) else {
                panic!("{method:?}");
            };
            assert!(text.starts_with("method "), "{text}");
        }
    }

    #[test]
    fn path_refusals_name_the_field_and_never_quote_the_path() {
        let table = [
            ("", "empty"),
            ("guilds/1", "start with /"),
            ("https://evil.example/api/v10/users/@me", "absolute"),
            ("//evil.example/users/@me", "absolute"),
            ("/channels/1/../../users/@me", ". and .."),
            ("/channels/1/./messages", ". and .."),
            ("/channels/1/%2e%2E/x", ". and .."),
            ("/channels/1/%2Fx", "percent-encoded /"),
            ("/channels//messages", "empty segments"),
            ("/channels/1/", "empty segments"),
            ("/", "empty segments"),
            ("/guilds/1/audit-logs?limit=5", "query or fragment"),
            ("/guilds/1#x", "query or fragment"),
            ("/api/v10/guilds/1", "/api/v10 prefix"),
            ("/API/guilds/1", "/api/v10 prefix"),
            ("/channels/1/messages/2/reactions/🔥/@me", "non-ASCII"),
            ("/channels/1\n/messages", "control"),
            ("/channels/1\u{7f}", "control"),
            ("/channels/1 2", "not allowed in a URL path"),
            ("/channels/{channel_id}", "not allowed in a URL path"),
            ("/channels/1\\..", "not allowed in a URL path"),
            ("/channels/%zz", "malformed percent"),
            ("/channels/%4", "malformed percent"),
        ];
        for (path, problem) in table {
            let text = refusal(path);
            assert!(text.starts_with("path "), "{path:?}: {text}");
            assert!(text.contains(problem), "{path:?}: {text}");
            if path.len() > 1 {
                assert!(!text.contains(path), "{path:?} quoted: {text}");
            }
        }
        let long = format!("/channels/{}", "a".repeat(MAX_PATH_LEN));
        assert!(refusal(&long).contains("longer than"));
    }

    #[test]
    fn templates_and_majors() {
        let table = [
            (
                "GET",
                "/guilds/1/audit-logs",
                "GET /guilds/{guild_id}/audit-logs",
                1,
            ),
            ("PATCH", "/channels/22", "PATCH /channels/{channel_id}", 22),
            (
                "POST",
                "/channels/3/messages",
                "POST /channels/{channel_id}/messages",
                3,
            ),
            (
                "PUT",
                "/guilds/4/members/5/roles/6",
                "PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}",
                4,
            ),
            (
                "PUT",
                "/channels/7/messages/8/reactions/%F0%9F%94%A5/@me",
                "PUT /channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
                7,
            ),
            (
                "DELETE",
                "/channels/7/messages/8/reactions/name:123/9",
                "DELETE /channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}",
                7,
            ),
            ("GET", "/users/@me/guilds", "GET /users/@me/guilds", 0),
            ("GET", "/users/10", "GET /users/{user_id}", 0),
            (
                "GET",
                "/soundboard-default-sounds",
                "GET /soundboard-default-sounds",
                0,
            ),
            ("GET", "/invites/abcDEF", "GET /invites/{invite_code}", 0),
            (
                "GET",
                "/applications/11/commands/12",
                "GET /applications/{application_id}/commands/{command_id}",
                0,
            ),
            ("GET", "/stickers/13", "GET /stickers/{sticker_id}", 0),
            ("GET", "/whatever/14", "GET /whatever/{id}", 0),
            ("GET", "/webhooks/15", "GET /webhooks/{webhook_id}", 15),
        ];
        for (method, path, template, major) in table {
            let route = route(method, path);
            assert_eq!(route.derived_template(), template, "{path}");
            assert_eq!(route.template(), template, "{path}");
            assert_eq!(route.major(), major, "{path}");
            assert_eq!(route.path(), &path[1..]);
            assert!(!route.secret(), "{path}");
        }
    }

    #[test]
    fn tokens_never_reach_the_template_however_the_path_is_spelled() {
        // Regression: a webhook id that is no plain snowflake, an upper-case or
        // percent-encoded keyword, or a token after /channels/{id}/webhooks put the token
        // into the template, hence into log lines and metric labels.
        let table = [
            (
                "POST",
                "/webhooks/abc/SECRETa1",
                "POST /webhooks/{webhook_id}/{webhook_token}",
            ),
            (
                "POST",
                "/WEBHOOKS/1/SECRETa2",
                "POST /WEBHOOKS/{webhook_id}/{webhook_token}",
            ),
            (
                "POST",
                "/webhooks/%31%32%33456789012345678/SECRETa3",
                "POST /webhooks/{webhook_id}/{webhook_token}",
            ),
            (
                "POST",
                "/webhooks/18446744073709551616/SECRETa4",
                "POST /webhooks/{webhook_id}/{webhook_token}",
            ),
            (
                "POST",
                "/webhooks/-1/SECRETa5",
                "POST /webhooks/{webhook_id}/{webhook_token}",
            ),
            (
                "POST",
                "/interactions/abc/SECRETa6/callback",
                "POST /interactions/{interaction_id}/{interaction_token}/callback",
            ),
            (
                "GET",
                "/channels/1/webhooks/SECRETa7",
                "GET /channels/{channel_id}/webhooks/{webhook_id}",
            ),
            (
                "POST",
                "/%77ebhooks/1/SECRETa8",
                "POST /%77ebhooks/{webhook_id}/{webhook_token}",
            ),
        ];
        for (method, path, template) in table {
            let route = route(method, path);
            assert_eq!(route.derived_template(), template, "{path}");
            assert!(route.secret(), "{path}");
            assert!(!format!("{route:?}").contains("SECRET"), "{route:?}");
        }
        // Same id and token: one bucket; another token: another bucket.
        let a = route("POST", "/webhooks/abc/SECRETa1");
        assert_eq!(a.major(), route("POST", "/webhooks/abc/SECRETa1").major());
        assert_ne!(a.major(), route("POST", "/webhooks/abc/SECRETb1").major());
    }

    #[test]
    fn token_routes_are_secret_and_keyed_by_id_and_token() {
        let table = [
            (
                "POST",
                "/webhooks/1/SECRETtoken123",
                "POST /webhooks/{webhook_id}/{webhook_token}",
            ),
            (
                "PATCH",
                "/webhooks/1/SECRETtoken123/messages/@original",
                "PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original",
            ),
            (
                "DELETE",
                "/webhooks/1/SECRETtoken123/messages/99",
                "DELETE /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
            ),
            (
                "POST",
                "/webhooks/1/SECRETtoken123/SECRETmore",
                "POST /webhooks/{webhook_id}/{webhook_token}/{param}",
            ),
            (
                "POST",
                "/interactions/2/SECRETtoken123/callback",
                "POST /interactions/{interaction_id}/{interaction_token}/callback",
            ),
        ];
        for (method, path, template) in table {
            let route = route(method, path);
            assert_eq!(route.derived_template(), template);
            assert!(route.secret());
            assert!(!format!("{route:?}").contains("SECRET"), "{route:?}");
            assert_ne!(route.major(), 0);
        }
        let a = route("POST", "/webhooks/1/tokenA");
        let b = route("POST", "/webhooks/1/tokenB");
        assert_eq!(a.major(), route("POST", "/webhooks/1/tokenA").major());
        assert_ne!(a.major(), b.major(), "each webhook token has its bucket");
        // The same in every process (instances sharing Redis share the bucket): a fixed value.
        assert_eq!(token_major("1", "tokenA"), 0x8a48_3a2b_4ad8_884c);
    }

    #[test]
    fn typed_and_dynamic_templates_are_one_key() {
        let dynamic = route("POST", "/channels/5/messages");
        let typed = crate::discord::route::Route::CreateMessage { channel_id: 5 };
        assert_eq!(dynamic.template(), typed.template());
        assert_eq!(dynamic.major(), typed.major());
    }
}
