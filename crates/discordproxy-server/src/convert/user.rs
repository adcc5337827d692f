//! Discord user → proto `User`, read tolerantly from Discord's JSON (see [`super::json`]).
//! <https://discord.com/developers/docs/resources/user#user-object>

use super::json::Object;
use discordproxy_proto::{User, UserGuild};
use serde_json::Value;

/// Converts a user object (full, or the partial one of message mentions and members).
pub fn from_json(value: &Value) -> User {
    from_object(Object::new(value, "user"))
}

pub(crate) fn from_object(user: Object<'_>) -> User {
    User {
        id: user.snowflake("id"),
        username: user.string("username"),
        discriminator: user.string("discriminator"),
        avatar: user.string("avatar"),
        bot: user.boolean("bot"),
        system: user.boolean("system"),
        mfa_enabled: user.boolean("mfa_enabled"),
        locale: user.string("locale"),
        verified: user.boolean("verified"),
        email: user.string("email"),
        flags: user.int32("flags"),
        premium_type: user.int32("premium_type"),
        public_flags: user.int32("public_flags"),
    }
}

/// Converts a partial guild of Get Current User Guilds.
/// <https://discord.com/developers/docs/resources/user#get-current-user-guilds>
pub fn guild_from_json(value: &Value) -> UserGuild {
    let guild = Object::new(value, "partial guild");
    UserGuild {
        id: guild.snowflake("id"),
        name: guild.string("name"),
        icon: guild.string("icon"),
        banner: guild.string("banner"),
        owner: guild.boolean("owner"),
        permissions: guild.string("permissions"),
        features: guild
            .array("features")
            .iter()
            .filter_map(|feature| feature.as_str().map(str::to_owned))
            .collect(),
        approximate_member_count: guild.int32("approximate_member_count"),
        approximate_presence_count: guild.int32("approximate_presence_count"),
    }
}

/// Every partial guild of a JSON array (an answer that is no array gives none).
pub fn guilds_from_json(value: &Value) -> Vec<UserGuild> {
    value
        .as_array()
        .map(|guilds| guilds.iter().map(guild_from_json).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_full_user_is_converted() {
        let proto = from_json(&json!({"id": "200000000000000001", "username": "alice",
            "discriminator": "0", "avatar": "a_0123456789abcdef0123456789abcdef", "bot": false,
            "public_flags": 64, "flags": 64, "premium_type": 2, "locale": "en-US",
            "verified": true, "mfa_enabled": true, "global_name": "Alice"}));
        assert_eq!(proto.id, 200_000_000_000_000_001);
        assert_eq!(proto.username, "alice");
        assert_eq!(proto.discriminator, "0");
        assert_eq!(proto.avatar, "a_0123456789abcdef0123456789abcdef");
        assert_eq!(
            (proto.public_flags, proto.flags, proto.premium_type),
            (64, 64, 2)
        );
        assert!(proto.verified && proto.mfa_enabled && !proto.bot);
    }

    #[test]
    fn odd_avatar_hashes_unknown_values_and_missing_fields_are_kept_or_defaulted() {
        // Regression (issue 11): an avatar that is no image hash failed SendDirectMessage with
        // INTERNAL "image hash isn't in a discord image hash format" (twilight issue 2177).
        let proto = from_json(&json!({"id": "5", "username": "odd",
            "avatar": "not-a-hash!", "premium_type": 99, "public_flags": 1099511627776_u64,
            "brand_new_field": {"x": 1}}));
        assert_eq!(proto.id, 5);
        assert_eq!(proto.avatar, "not-a-hash!");
        assert_eq!(proto.premium_type, 99);
        assert_eq!(proto.public_flags, i32::MAX);
        assert_eq!(proto.discriminator, "");
        assert!(!proto.bot);
    }

    #[test]
    fn partial_guilds_are_read_tolerantly() {
        let guild = guild_from_json(&json!({"id": "3", "name": "G", "icon": null,
            "owner": true, "permissions": "8", "features": ["X"], "new": 1}));
        assert_eq!(
            (guild.id, guild.owner, guild.permissions.as_str()),
            (3, true, "8")
        );
        assert_eq!(guild.features, ["X"]);
        assert_eq!(guilds_from_json(&json!({"not": "a list"})), []);
    }
}
