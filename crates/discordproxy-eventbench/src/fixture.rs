//! The benchmark's Discord data: an emulator fixture with one guild of N members (and N users),
//! the GUILD_MEMBERS_CHUNK payloads that bring those members into the server's cache, and the
//! MESSAGE_CREATE payload whose copies measure throughput.

use serde_json::{Value, json};

/// The fixture's bot token.
pub const TOKEN: &str = "eventbench-bot-token";
/// The bot user's id.
pub const BOT_ID: u64 = 100_000_000_000_000_001;
/// The guild's id.
pub const GUILD_ID: u64 = 300_000_000_000_000_001;
/// The guild's text channel.
pub const CHANNEL_ID: u64 = 400_000_000_000_000_002;
/// The first member's user id; member `i` (0-based) has `FIRST_USER_ID + i`.
pub const FIRST_USER_ID: u64 = 200_000_000_000_000_001;
/// Members per GUILD_MEMBERS_CHUNK (Discord sends at most 1,000).
pub const CHUNK_SIZE: usize = 1000;
/// `joined_at` of every member.
const JOINED_AT: &str = "2024-01-02T00:00:00.000000+00:00";

/// The user object of member `index`.
fn user(index: usize) -> Value {
    json!({
        "id": (FIRST_USER_ID + index as u64).to_string(),
        "username": format!("member{index:05}"),
        "discriminator": "0",
        "global_name": format!("Member {index}"),
        "avatar": null,
    })
}

/// An emulator fixture (see the discord-emulator README): the bot, `members` users, and one
/// guild with a category and a text channel whose members are the bot and every user.
pub fn fixture(members: usize) -> Value {
    let users: Vec<Value> = (0..members).map(user).collect();
    let mut guild_members = vec![json!({"user": {"id": BOT_ID.to_string()}, "roles": [],
        "joined_at": "2024-01-01T00:00:00.000000+00:00"})];
    guild_members.extend((0..members).map(|index| {
        json!({"user": {"id": (FIRST_USER_ID + index as u64).to_string()}, "roles": [],
            "joined_at": JOINED_AT})
    }));
    json!({
        "token": TOKEN,
        "bot": {"id": BOT_ID.to_string(), "username": "eventbench-bot", "discriminator": "0",
            "global_name": "Event Bench", "avatar": null, "bot": true},
        "users": users,
        "guilds": [{
            "id": GUILD_ID.to_string(),
            "name": "Event Bench Guild",
            "owner_id": FIRST_USER_ID.to_string(),
            "channels": [
                {"id": "400000000000000001", "type": 4, "name": "Text Channels", "position": 0},
                {"id": CHANNEL_ID.to_string(), "type": 0, "name": "general", "position": 0,
                    "parent_id": "400000000000000001", "topic": "events"}
            ],
            "members": guild_members,
        }],
    })
}

/// GUILD_MEMBERS_CHUNK `d` objects for members `0..members`, as Discord answers a
/// REQUEST_GUILD_MEMBERS: full member objects, at most [`CHUNK_SIZE`] per chunk, no `nonce`
/// (twilight refuses a null one).
pub fn member_chunks(members: usize) -> Vec<Value> {
    let count = members.div_ceil(CHUNK_SIZE);
    (0..count)
        .map(|chunk| {
            let start = chunk * CHUNK_SIZE;
            let end = members.min(start + CHUNK_SIZE);
            let members: Vec<Value> = (start..end)
                .map(|index| {
                    json!({
                        "user": user(index), "roles": [], "nick": null, "avatar": null,
                        "banner": null, "premium_since": null, "joined_at": JOINED_AT,
                        "deaf": false, "mute": false, "flags": 0, "pending": false,
                        "communication_disabled_until": null,
                    })
                })
                .collect();
            json!({
                "guild_id": GUILD_ID.to_string(), "members": members,
                "chunk_index": chunk, "chunk_count": count, "not_found": [],
            })
        })
        .collect()
}

/// A MESSAGE_CREATE `d` as Discord sends it for a guild message by member 0 (about 700 bytes).
pub fn message_create() -> Value {
    json!({
        "type": 0, "tts": false, "timestamp": "2024-01-03T00:00:00.000000+00:00",
        "pinned": false, "mentions": [], "mention_roles": [], "mention_everyone": false,
        "member": {"roles": [], "premium_since": null, "pending": false, "nick": null,
            "mute": false, "joined_at": JOINED_AT, "flags": 0, "deaf": false,
            "communication_disabled_until": null, "avatar": null, "banner": null},
        "id": "1200000000000000001", "flags": 0, "embeds": [], "edited_timestamp": null,
        "content": "An event for the benchmark: a message of ordinary length, with no embeds.",
        "components": [], "channel_id": CHANNEL_ID.to_string(),
        "author": user(0), "attachments": [], "guild_id": GUILD_ID.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use twilight_model::channel::Message;
    use twilight_model::gateway::payload::incoming::MemberChunk;

    #[test]
    fn the_fixture_is_one_the_emulator_accepts() {
        let fixture = discord_emulator::Fixture::from_json(&fixture(2500).to_string()).unwrap();
        assert_eq!(fixture.token(), TOKEN);
        assert_eq!(fixture.bot_id(), BOT_ID);
    }

    #[test]
    fn chunks_hold_every_member_once_and_parse_with_twilight() {
        let chunks = member_chunks(2500);
        assert_eq!(chunks.len(), 3);
        let mut ids = Vec::new();
        for (index, chunk) in chunks.iter().enumerate() {
            let parsed: MemberChunk = serde_json::from_value(chunk.clone()).unwrap();
            assert_eq!((parsed.chunk_index, parsed.chunk_count), (index as u32, 3));
            assert_eq!(parsed.guild_id.get(), GUILD_ID);
            ids.extend(parsed.members.iter().map(|member| member.user.id.get()));
        }
        let expected: Vec<u64> = (0..2500).map(|i| FIRST_USER_ID + i).collect();
        assert_eq!(ids, expected);
        assert_eq!(member_chunks(10_000).len(), 10);
    }

    #[test]
    fn the_message_parses_with_twilight() {
        let message: Message = serde_json::from_value(message_create()).unwrap();
        assert_eq!(message.channel_id.get(), CHANNEL_ID);
        assert_eq!(message.guild_id.map(|id| id.get()), Some(GUILD_ID));
        assert_eq!(message.author.id.get(), FIRST_USER_ID);
    }
}
