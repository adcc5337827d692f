//! Discord user → proto `User`, read tolerantly from Discord's JSON (see [`super::json`]).
//! <https://discord.com/developers/docs/resources/user#user-object>

use super::json::Object;
use discordproxy_proto::User;
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
}
