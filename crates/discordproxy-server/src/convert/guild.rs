//! Discord guild → proto `Guild`, read tolerantly from Discord's JSON (see [`super::json`]).
//! <https://discord.com/developers/docs/resources/guild#guild-object>

use super::{json::Object, role};
use discordproxy_proto::Guild;
use serde_json::Value;

/// Converts a guild object (Get Guild's answer, with its roles).
pub fn from_json(value: &Value) -> Guild {
    let guild = Object::new(value, "guild");
    Guild {
        id: guild.snowflake("id"),
        name: guild.string("name"),
        icon: guild.string("icon"),
        description: guild.string("description"),
        splash: guild.string("splash"),
        banner: guild.string("banner"),
        owner_id: guild.snowflake("owner_id"),
        afk_channel_id: guild.snowflake("afk_channel_id"),
        afk_timeout: guild.int32("afk_timeout"),
        verification_level: guild.int32("verification_level"),
        default_message_notifications: guild.int32("default_message_notifications"),
        explicit_content_filter: guild.int32("explicit_content_filter"),
        roles: guild
            .objects("roles", "role")
            .into_iter()
            .map(role::from_object)
            .collect(),
        features: guild
            .array("features")
            .iter()
            .filter_map(|feature| feature.as_str().map(str::to_owned))
            .collect(),
        mfa_level: guild.int32("mfa_level"),
        application_id: guild.snowflake("application_id"),
        system_channel_id: guild.snowflake("system_channel_id"),
        system_channel_flags: guild.int32("system_channel_flags"),
        rules_channel_id: guild.snowflake("rules_channel_id"),
        max_members: guild.int32("max_members"),
        vanity_url_code: guild.string("vanity_url_code"),
        premium_tier: guild.int32("premium_tier"),
        premium_subscription_count: guild.int32("premium_subscription_count"),
        preferred_locale: guild.string("preferred_locale"),
        public_updates_channel_id: guild.snowflake("public_updates_channel_id"),
        approximate_member_count: guild.int32("approximate_member_count"),
        approximate_presence_count: guild.int32("approximate_presence_count"),
        nsfw_level: guild.int32("nsfw_level"),
        premium_progress_bar_enabled: guild.boolean("premium_progress_bar_enabled"),
        safety_alerts_channel_id: guild.snowflake("safety_alerts_channel_id"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_guild_is_read_tolerantly() {
        let guild = from_json(&json!({"id": "300000000000000001", "name": "G",
            "owner_id": "200000000000000001", "roles": [{"id": "1", "name": "@everyone"}],
            "features": ["COMMUNITY", 5], "approximate_member_count": 3, "afk_channel_id": null,
            "unknown": {"x": 1}}));
        assert_eq!(guild.id, 300000000000000001);
        assert_eq!(guild.owner_id, 200000000000000001);
        assert_eq!(guild.roles[0].name, "@everyone");
        assert_eq!(guild.features, ["COMMUNITY"]);
        assert_eq!(guild.approximate_member_count, 3);
        assert_eq!(guild.afk_channel_id, 0);
    }
}
