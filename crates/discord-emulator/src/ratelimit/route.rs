//! Which route a REST request belongs to: its template (`POST /channels/{channel_id}/messages`),
//! its major parameter (`channels/400000000000000002`) and whether the global limit applies.
//!
//! Discord keys rate-limit buckets by route and *major parameter* (its "top-level resource"):
//! `channel_id`, `guild_id`, or `webhook_id` + `webhook_token`
//! ([docs](https://discord.com/developers/docs/topics/rate-limits)). The token routes, an
//! interaction's callback `/interactions/{interaction_id}/{interaction_token}/callback` and the
//! webhook-token routes `/webhooks/{webhook_id}/{webhook_token}/…` (an interaction's
//! `@original` and follow-ups are those with the application id and the interaction token), are
//! not bound to the bot's global limit and are limited per token: their major parameter is the
//! id with a fingerprint of the token, so one interaction or webhook never uses up another's
//! bucket. The token itself is never part of a major parameter, a bucket name or a hash (the
//! stats list majors).

/// A classified REST request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Route {
    /// `METHOD /template`, e.g. `POST /channels/{channel_id}/messages`.
    pub(crate) template: String,
    /// The major parameter with its resource, e.g. `channels/400000000000000002`, or
    /// `webhooks/1/token:0123456789abcdef` (a fingerprint of the token, see [`token_major`]);
    /// `None` for routes without one (`/users/@me`).
    pub(crate) major: Option<String>,
    /// A token route (an interaction callback, a webhook-token route): outside the global
    /// limit, and limited per token whether or not the request carries the bot token.
    pub(crate) token_route: bool,
}

/// The major parameter of a token route: `resource/id/token:` and 16 hex digits of a hash of
/// the token (never the token).
fn token_major(resource: &str, id: &str, token: &str) -> String {
    let hash = super::limiter::bucket_hash(token);
    format!("{resource}/{id}/token:{}", &hash[..16])
}

/// The part of `path` after `/api` and an optional `/vN` (always starting with `/`, `"/"` for
/// the bare prefix); `None` for paths outside `/api`.
pub(crate) fn strip_api_prefix(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/api")?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    let rest = match rest.strip_prefix("/v") {
        Some(after) => {
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            let tail = &after[digits..];
            if digits > 0 && (tail.is_empty() || tail.starts_with('/')) {
                tail
            } else {
                rest
            }
        }
        None => rest,
    };
    Some(if rest.is_empty() { "/" } else { rest })
}

/// The parameter name Discord's docs use for an id following `collection`.
fn id_name(collection: &str) -> &'static str {
    match collection {
        "channels" => "channel_id",
        "guilds" => "guild_id",
        "users" | "members" | "bans" | "recipients" => "user_id",
        "messages" => "message_id",
        "webhooks" => "webhook_id",
        "interactions" => "interaction_id",
        "roles" => "role_id",
        "emojis" => "emoji_id",
        "stickers" => "sticker_id",
        "threads" => "thread_id",
        "applications" => "application_id",
        "commands" => "command_id",
        "permissions" => "overwrite_id",
        "scheduled-events" => "guild_scheduled_event_id",
        _ => "id",
    }
}

/// Classifies `method path` (`path` with or without the `/api/vN` prefix, no query).
pub(crate) fn classify(method: &str, path: &str) -> Route {
    let rest = strip_api_prefix(path).unwrap_or(path);
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let mut template = String::with_capacity(rest.len() + 16);
    template.push_str(&method.to_ascii_uppercase());
    template.push(' ');
    if segments.is_empty() {
        template.push('/');
    }
    for (index, segment) in segments.iter().enumerate() {
        template.push('/');
        let previous = index.checked_sub(1).map(|i| segments[i]);
        let before_previous = index.checked_sub(2).map(|i| segments[i]);
        let is_id = !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit());
        let name = match (before_previous, previous) {
            // The token after a webhook or interaction id.
            (Some("webhooks"), Some(_)) if index == 2 => Some("webhook_token"),
            (Some("interactions"), Some(_)) if index == 2 => Some("interaction_token"),
            (_, Some("reactions")) => Some("emoji"),
            (_, Some(collection)) if is_id => Some(id_name(collection)),
            _ => None,
        };
        match name {
            Some(name) => {
                template.push('{');
                template.push_str(name);
                template.push('}');
            }
            None => template.push_str(segment),
        }
    }
    let major = match segments.as_slice() {
        ["channels" | "guilds", id, ..] if id.bytes().all(|b| b.is_ascii_digit()) => {
            Some(format!("{}/{id}", segments[0]))
        }
        ["webhooks" | "interactions", id, token, ..] => Some(token_major(segments[0], id, token)),
        ["webhooks", id] => Some(format!("webhooks/{id}")),
        _ => None,
    };
    // Token routes (no bot token involved) are exempt; the bot-auth `/webhooks/{id}` routes
    // count like any other bot request.
    let token_route = matches!(segments.as_slice(), ["webhooks" | "interactions", _, _, ..]);
    Route {
        template,
        major,
        token_route,
    }
}

/// A route pattern `METHOD /path` (or just `/path`) in a canonical form: method upper case, the
/// `/api/vN` prefix removed, every `{name}` written as `{}`, no trailing slash.
pub(crate) fn normalize_key(key: &str) -> String {
    let key = key.trim();
    let (method, path) = match key.split_once(' ') {
        Some((method, path)) => (Some(method.to_ascii_uppercase()), path.trim()),
        None => (None, key),
    };
    let path = strip_api_prefix(path).unwrap_or(path);
    let mut normalized = String::new();
    if let Some(method) = method {
        normalized.push_str(&method);
        normalized.push(' ');
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segments.is_empty() {
        normalized.push('/');
    }
    for segment in segments {
        normalized.push('/');
        if segment.starts_with('{') && segment.ends_with('}') {
            normalized.push_str("{}");
        } else {
            normalized.push_str(segment);
        }
    }
    normalized
}

/// Whether `path` (with or without the API prefix) matches `pattern`: the same segments, where a
/// `{name}` segment of the pattern matches any one segment. A pattern without braces is an exact
/// path.
pub(crate) fn path_matches(pattern: &str, path: &str) -> bool {
    let pattern = strip_api_prefix(pattern).unwrap_or(pattern);
    let path = strip_api_prefix(path).unwrap_or(path);
    let mut wanted = pattern.split('/').filter(|s| !s.is_empty());
    let mut given = path.split('/').filter(|s| !s.is_empty());
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return true,
            (Some(want), Some(have)) => {
                let is_param = want.starts_with('{') && want.ends_with('}');
                if !is_param && want != have {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_stripped() {
        assert_eq!(strip_api_prefix("/api/v10/users/@me"), Some("/users/@me"));
        assert_eq!(strip_api_prefix("/api/v9/users/@me"), Some("/users/@me"));
        assert_eq!(strip_api_prefix("/api/users/@me"), Some("/users/@me"));
        assert_eq!(strip_api_prefix("/api"), Some("/"));
        assert_eq!(strip_api_prefix("/api/v10"), Some("/"));
        assert_eq!(strip_api_prefix("/api/vx/a"), Some("/vx/a"));
        assert_eq!(strip_api_prefix("/apix"), None);
        assert_eq!(strip_api_prefix("/_emulator/stats"), None);
    }

    #[test]
    fn templates_and_major_parameters() {
        let route = classify("post", "/api/v10/channels/400000000000000002/messages");
        assert_eq!(route.template, "POST /channels/{channel_id}/messages");
        assert_eq!(route.major.as_deref(), Some("channels/400000000000000002"));
        assert!(!route.token_route);

        let route = classify("GET", "/api/v10/guilds/3/channels");
        assert_eq!(route.template, "GET /guilds/{guild_id}/channels");
        assert_eq!(route.major.as_deref(), Some("guilds/3"));

        let route = classify("GET", "/api/v10/users/@me");
        assert_eq!(route.template, "GET /users/@me");
        assert_eq!(route.major, None);

        let route = classify("GET", "/api/v10/users/200000000000000001");
        assert_eq!(route.template, "GET /users/{user_id}");
        assert_eq!(route.major, None);

        let route = classify(
            "PUT",
            "/api/v10/channels/1/messages/2/reactions/%F0%9F%91%8D/@me",
        );
        assert_eq!(
            route.template,
            "PUT /channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me"
        );
        assert_eq!(route.major.as_deref(), Some("channels/1"));

        let route = classify("POST", "/api/v10/webhooks/5/sEcReT");
        assert_eq!(
            route.template,
            "POST /webhooks/{webhook_id}/{webhook_token}"
        );
        let major = route.major.unwrap();
        assert!(major.starts_with("webhooks/5/token:"), "{major}");
        assert_eq!(major.len(), "webhooks/5/token:".len() + 16);
        assert!(!major.contains("sEcReT"));
        assert!(route.token_route);
        // The same token, other routes: the same major; another token: another.
        let message = classify("PATCH", "/api/v10/webhooks/5/sEcReT/messages/@original");
        assert_eq!(message.major.as_deref(), Some(major.as_str()));
        assert!(message.token_route);
        let other = classify("POST", "/api/v10/webhooks/5/other");
        assert_ne!(other.major.as_deref(), Some(major.as_str()));

        let route = classify("POST", "/api/v10/interactions/7/iNtErAcTiOn/callback");
        assert_eq!(
            route.template,
            "POST /interactions/{interaction_id}/{interaction_token}/callback"
        );
        assert!(route.token_route);
        let major = route.major.unwrap();
        assert!(major.starts_with("interactions/7/token:"), "{major}");
        assert!(!major.contains("iNtErAcTiOn"));
        let next = classify("POST", "/api/v10/interactions/8/aNoThEr/callback");
        assert_ne!(next.major.as_deref(), Some(major.as_str()));

        // The bot-token webhook routes count like other bot routes.
        let route = classify("GET", "/api/v10/webhooks/5");
        assert_eq!(route.major.as_deref(), Some("webhooks/5"));
        assert!(!route.token_route);

        assert_eq!(classify("GET", "/api/v10").template, "GET /");
    }

    #[test]
    fn keys_normalize_parameter_names() {
        assert_eq!(
            normalize_key("post /channels/{channel_id}/messages"),
            "POST /channels/{}/messages"
        );
        assert_eq!(
            normalize_key("POST /api/v10/channels/{id}/messages/"),
            "POST /channels/{}/messages"
        );
        assert_eq!(
            normalize_key(&classify("POST", "/api/v9/channels/1/messages").template),
            "POST /channels/{}/messages"
        );
        assert_eq!(normalize_key("/users/@me"), "/users/@me");
    }

    #[test]
    fn patterns_match_paths() {
        assert!(path_matches(
            "/channels/{channel_id}/messages",
            "/api/v10/channels/1/messages"
        ));
        assert!(path_matches(
            "/api/v10/channels/1/messages",
            "/api/v9/channels/1/messages"
        ));
        assert!(!path_matches(
            "/channels/2/messages",
            "/api/v10/channels/1/messages"
        ));
        assert!(!path_matches(
            "/channels/{channel_id}",
            "/api/v10/channels/1/messages"
        ));
        assert!(!path_matches(
            "/channels/{channel_id}/messages",
            "/api/v10/channels/1"
        ));
        assert!(path_matches("/users/@me", "/api/users/@me"));
    }
}
