//! Gateway intents ([docs](https://discord.com/developers/docs/events/gateway#gateway-intents)):
//! the bits IDENTIFY may carry, which of them are privileged, and which intent each dispatch
//! event needs.

/// `GUILDS` (1 << 0): GUILD_CREATE, CHANNEL_*, THREAD_*, GUILD_ROLE_*, …
pub const GUILDS: u64 = 1;
/// `GUILD_MEMBERS` (1 << 1, privileged): GUILD_MEMBER_ADD/UPDATE/REMOVE, THREAD_MEMBERS_UPDATE.
pub const GUILD_MEMBERS: u64 = 1 << 1;
/// `GUILD_MODERATION` (1 << 2): GUILD_AUDIT_LOG_ENTRY_CREATE, GUILD_BAN_ADD/REMOVE.
pub const GUILD_MODERATION: u64 = 1 << 2;
/// `GUILD_EXPRESSIONS` (1 << 3): GUILD_EMOJIS_UPDATE, GUILD_STICKERS_UPDATE, soundboard events.
pub const GUILD_EXPRESSIONS: u64 = 1 << 3;
/// `GUILD_INTEGRATIONS` (1 << 4).
pub const GUILD_INTEGRATIONS: u64 = 1 << 4;
/// `GUILD_WEBHOOKS` (1 << 5).
pub const GUILD_WEBHOOKS: u64 = 1 << 5;
/// `GUILD_INVITES` (1 << 6).
pub const GUILD_INVITES: u64 = 1 << 6;
/// `GUILD_VOICE_STATES` (1 << 7).
pub const GUILD_VOICE_STATES: u64 = 1 << 7;
/// `GUILD_PRESENCES` (1 << 8, privileged): PRESENCE_UPDATE.
pub const GUILD_PRESENCES: u64 = 1 << 8;
/// `GUILD_MESSAGES` (1 << 9): MESSAGE_CREATE/UPDATE/DELETE in guild channels.
pub const GUILD_MESSAGES: u64 = 1 << 9;
/// `GUILD_MESSAGE_REACTIONS` (1 << 10).
pub const GUILD_MESSAGE_REACTIONS: u64 = 1 << 10;
/// `GUILD_MESSAGE_TYPING` (1 << 11).
pub const GUILD_MESSAGE_TYPING: u64 = 1 << 11;
/// `DIRECT_MESSAGES` (1 << 12): MESSAGE_CREATE/UPDATE/DELETE in DMs.
pub const DIRECT_MESSAGES: u64 = 1 << 12;
/// `DIRECT_MESSAGE_REACTIONS` (1 << 13).
pub const DIRECT_MESSAGE_REACTIONS: u64 = 1 << 13;
/// `DIRECT_MESSAGE_TYPING` (1 << 14).
pub const DIRECT_MESSAGE_TYPING: u64 = 1 << 14;
/// `MESSAGE_CONTENT` (1 << 15, privileged): content, embeds, attachments, components and polls
/// of messages the bot did not send, in guilds, without a mention of the bot.
pub const MESSAGE_CONTENT: u64 = 1 << 15;
/// `GUILD_SCHEDULED_EVENTS` (1 << 16).
pub const GUILD_SCHEDULED_EVENTS: u64 = 1 << 16;
/// `AUTO_MODERATION_CONFIGURATION` (1 << 20).
pub const AUTO_MODERATION_CONFIGURATION: u64 = 1 << 20;
/// `AUTO_MODERATION_EXECUTION` (1 << 21).
pub const AUTO_MODERATION_EXECUTION: u64 = 1 << 21;
/// `GUILD_MESSAGE_POLLS` (1 << 24).
pub const GUILD_MESSAGE_POLLS: u64 = 1 << 24;
/// `DIRECT_MESSAGE_POLLS` (1 << 25).
pub const DIRECT_MESSAGE_POLLS: u64 = 1 << 25;

/// Every intent Discord documents; IDENTIFY with any other bit is closed with 4013.
pub const ALL: u64 = GUILDS
    | GUILD_MEMBERS
    | GUILD_MODERATION
    | GUILD_EXPRESSIONS
    | GUILD_INTEGRATIONS
    | GUILD_WEBHOOKS
    | GUILD_INVITES
    | GUILD_VOICE_STATES
    | GUILD_PRESENCES
    | GUILD_MESSAGES
    | GUILD_MESSAGE_REACTIONS
    | GUILD_MESSAGE_TYPING
    | DIRECT_MESSAGES
    | DIRECT_MESSAGE_REACTIONS
    | DIRECT_MESSAGE_TYPING
    | MESSAGE_CONTENT
    | GUILD_SCHEDULED_EVENTS
    | AUTO_MODERATION_CONFIGURATION
    | AUTO_MODERATION_EXECUTION
    | GUILD_MESSAGE_POLLS
    | DIRECT_MESSAGE_POLLS;

/// The privileged intents: IDENTIFY with one that is not allowed is closed with 4014.
pub const PRIVILEGED: u64 = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT;

/// The names accepted by `--privileged-intents` and [`parse_privileged`].
const PRIVILEGED_NAMES: [(&str, u64); 3] = [
    ("guild_members", GUILD_MEMBERS),
    ("guild_presences", GUILD_PRESENCES),
    ("message_content", MESSAGE_CONTENT),
];

/// Parses a comma-separated list of privileged intent names (`guild_members`,
/// `guild_presences`, `message_content`, case-insensitive), `all` or `none` into intent bits.
///
/// # Errors
///
/// A message naming the unknown entry.
pub fn parse_privileged(list: &str) -> Result<u64, String> {
    let list = list.trim();
    if list.eq_ignore_ascii_case("all") {
        return Ok(PRIVILEGED);
    }
    if list.eq_ignore_ascii_case("none") || list.is_empty() {
        return Ok(0);
    }
    let mut bits = 0;
    for name in list.split(',').map(str::trim) {
        let bit = PRIVILEGED_NAMES
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(name))
            .map(|(_, bit)| *bit)
            .ok_or_else(|| {
                format!(
                    "unknown privileged intent {name:?} (expected guild_members, guild_presences, \
                     message_content, all or none)"
                )
            })?;
        bits |= bit;
    }
    Ok(bits)
}

/// Why IDENTIFY's intents were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IntentsError {
    /// A bit Discord does not define (close 4013).
    Invalid,
    /// A privileged intent the application may not use (close 4014).
    Disallowed,
}

/// Checks IDENTIFY's `intents` against the defined bits and the allowed privileged ones.
pub(crate) fn check(intents: u64, allowed_privileged: u64) -> Result<(), IntentsError> {
    if intents & !ALL != 0 {
        return Err(IntentsError::Invalid);
    }
    if intents & PRIVILEGED & !allowed_privileged != 0 {
        return Err(IntentsError::Disallowed);
    }
    Ok(())
}

/// The intent a dispatch event `t` needs, for a guild event (`dm` false) or a DM event.
///
/// `None` for events that every session receives (READY, RESUMED, GUILD_MEMBERS_CHUNK,
/// INTERACTION_CREATE, …) and for event names not in Discord's intent list.
pub(crate) fn required_for(event: &str, dm: bool) -> Option<u64> {
    let intent = match event {
        "GUILD_CREATE"
        | "GUILD_UPDATE"
        | "GUILD_DELETE"
        | "GUILD_ROLE_CREATE"
        | "GUILD_ROLE_UPDATE"
        | "GUILD_ROLE_DELETE"
        | "CHANNEL_CREATE"
        | "CHANNEL_UPDATE"
        | "CHANNEL_DELETE"
        | "CHANNEL_PINS_UPDATE"
        | "THREAD_CREATE"
        | "THREAD_UPDATE"
        | "THREAD_DELETE"
        | "THREAD_LIST_SYNC"
        | "THREAD_MEMBER_UPDATE"
        | "STAGE_INSTANCE_CREATE"
        | "STAGE_INSTANCE_UPDATE"
        | "STAGE_INSTANCE_DELETE" => {
            if dm && event == "CHANNEL_PINS_UPDATE" {
                DIRECT_MESSAGES
            } else {
                GUILDS
            }
        }
        "GUILD_MEMBER_ADD"
        | "GUILD_MEMBER_UPDATE"
        | "GUILD_MEMBER_REMOVE"
        | "THREAD_MEMBERS_UPDATE" => GUILD_MEMBERS,
        "GUILD_AUDIT_LOG_ENTRY_CREATE" | "GUILD_BAN_ADD" | "GUILD_BAN_REMOVE" => GUILD_MODERATION,
        "GUILD_EMOJIS_UPDATE"
        | "GUILD_STICKERS_UPDATE"
        | "GUILD_SOUNDBOARD_SOUND_CREATE"
        | "GUILD_SOUNDBOARD_SOUND_UPDATE"
        | "GUILD_SOUNDBOARD_SOUND_DELETE"
        | "GUILD_SOUNDBOARD_SOUNDS_UPDATE" => GUILD_EXPRESSIONS,
        "GUILD_INTEGRATIONS_UPDATE"
        | "INTEGRATION_CREATE"
        | "INTEGRATION_UPDATE"
        | "INTEGRATION_DELETE" => GUILD_INTEGRATIONS,
        "WEBHOOKS_UPDATE" => GUILD_WEBHOOKS,
        "INVITE_CREATE" | "INVITE_DELETE" => GUILD_INVITES,
        "VOICE_CHANNEL_EFFECT_SEND" | "VOICE_STATE_UPDATE" => GUILD_VOICE_STATES,
        "PRESENCE_UPDATE" => GUILD_PRESENCES,
        "MESSAGE_CREATE" | "MESSAGE_UPDATE" | "MESSAGE_DELETE" => {
            if dm {
                DIRECT_MESSAGES
            } else {
                GUILD_MESSAGES
            }
        }
        "MESSAGE_DELETE_BULK" => GUILD_MESSAGES,
        "MESSAGE_REACTION_ADD"
        | "MESSAGE_REACTION_REMOVE"
        | "MESSAGE_REACTION_REMOVE_ALL"
        | "MESSAGE_REACTION_REMOVE_EMOJI" => {
            if dm {
                DIRECT_MESSAGE_REACTIONS
            } else {
                GUILD_MESSAGE_REACTIONS
            }
        }
        "TYPING_START" => {
            if dm {
                DIRECT_MESSAGE_TYPING
            } else {
                GUILD_MESSAGE_TYPING
            }
        }
        "GUILD_SCHEDULED_EVENT_CREATE"
        | "GUILD_SCHEDULED_EVENT_UPDATE"
        | "GUILD_SCHEDULED_EVENT_DELETE"
        | "GUILD_SCHEDULED_EVENT_USER_ADD"
        | "GUILD_SCHEDULED_EVENT_USER_REMOVE" => GUILD_SCHEDULED_EVENTS,
        "AUTO_MODERATION_RULE_CREATE"
        | "AUTO_MODERATION_RULE_UPDATE"
        | "AUTO_MODERATION_RULE_DELETE" => AUTO_MODERATION_CONFIGURATION,
        "AUTO_MODERATION_ACTION_EXECUTION" => AUTO_MODERATION_EXECUTION,
        "MESSAGE_POLL_VOTE_ADD" | "MESSAGE_POLL_VOTE_REMOVE" => {
            if dm {
                DIRECT_MESSAGE_POLLS
            } else {
                GUILD_MESSAGE_POLLS
            }
        }
        _ => return None,
    };
    Some(intent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_matches_twilight_and_pycord() {
        // py-cord 2.8.1's `Intents.all().value`.
        assert_eq!(ALL, 53_608_447);
        assert_eq!(
            ALL,
            twilight_model::gateway::Intents::all().bits(),
            "every intent twilight-model knows"
        );
    }

    #[test]
    fn identify_checks() {
        assert_eq!(check(GUILDS | GUILD_MESSAGES, 0), Ok(()));
        assert_eq!(check(1 << 17, PRIVILEGED), Err(IntentsError::Invalid));
        assert_eq!(check(1 << 40, PRIVILEGED), Err(IntentsError::Invalid));
        assert_eq!(
            check(GUILDS | MESSAGE_CONTENT, GUILD_MEMBERS),
            Err(IntentsError::Disallowed)
        );
        assert_eq!(check(GUILDS | MESSAGE_CONTENT, MESSAGE_CONTENT), Ok(()));
        assert_eq!(check(ALL, PRIVILEGED), Ok(()));
    }

    #[test]
    fn privileged_lists() {
        assert_eq!(parse_privileged("all"), Ok(PRIVILEGED));
        assert_eq!(parse_privileged("none"), Ok(0));
        assert_eq!(
            parse_privileged("message_content, GUILD_MEMBERS"),
            Ok(MESSAGE_CONTENT | GUILD_MEMBERS)
        );
        assert!(parse_privileged("guilds").is_err());
    }

    #[test]
    fn events_need_their_intents() {
        assert_eq!(required_for("MESSAGE_CREATE", false), Some(GUILD_MESSAGES));
        assert_eq!(required_for("MESSAGE_CREATE", true), Some(DIRECT_MESSAGES));
        assert_eq!(required_for("GUILD_MEMBER_ADD", false), Some(GUILD_MEMBERS));
        assert_eq!(required_for("CHANNEL_UPDATE", false), Some(GUILDS));
        assert_eq!(
            required_for("TYPING_START", true),
            Some(DIRECT_MESSAGE_TYPING)
        );
        assert_eq!(required_for("READY", false), None);
        assert_eq!(required_for("SOMETHING_NEW", false), None);
    }
}
