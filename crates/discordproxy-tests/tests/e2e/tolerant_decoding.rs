//! Tolerant decoding (issue 11): a 2xx answer from Discord never fails a call because of a
//! field the RPC does not use. Each RPC gets answers with odd image hashes, unknown enum values,
//! unknown fields, wrongly typed fields it does not need and missing optional fields, injected
//! as the emulator's answers; every call still succeeds with the fields that fit.
//!
//! Before the fix, twilight-model rejected these answers and the calls failed with `INTERNAL`
//! ("unexpected response body from Discord for GET /users/{user_id}: image hash isn't in a
//! discord image hash format").

use discordproxy_proto::{
    GetGuildChannelsRequest, SendChannelMessageRequest, SendDirectMessageRequest, channel::Type,
};
use discordproxy_tests::stack::Stack;
use serde_json::{Value, json};

const BOT: u64 = 100_000_000_000_000_001;
const ALICE: u64 = 200_000_000_000_000_001;
const GUILD: u64 = 300_000_000_000_000_001;
const GENERAL: u64 = 400_000_000_000_000_002;

/// The answer to the next matching request is `body` (status 200).
fn answer(stack: &Stack, method: &str, route: &str, body: Value, handle: bool) {
    stack
        .emulator
        .add_fault(json!({
            "method": method, "route": route, "kind": "response", "status": 200,
            "body": body, "count": 1, "handle": handle,
        }))
        .unwrap();
}

/// A created message as a future Discord might send it: an unknown type, an author whose avatar
/// is no image hash, reactions and components of new shapes, no timestamp.
fn odd_message(content: &str) -> Value {
    json!({
        "id": "18014398509481999", "channel_id": GENERAL.to_string(), "type": 4242,
        "content": content, "flags": "not a number", "pinned": null,
        "author": {"id": BOT.to_string(), "username": "sandbox-bot", "discriminator": "0",
                   "avatar": "this is not an image hash", "premium_type": 77,
                   "avatar_decoration_data": {"asset": 5, "sku_id": []}, "bot": true},
        "mentions": [{"id": "5", "username": "m", "avatar": 12345}],
        "reactions": [{"count": 1, "me": false, "emoji": {"id": null, "name": "🔥"},
                       "count_details": "new", "burst_colors": [1]}],
        "components": [{"type": 999, "id": 1, "content": {"x": 1}}],
        "embeds": [{"type": "poll_result", "title": "T", "color": "red"}],
        "brand_new_field": {"nested": [1, 2, 3]}
    })
}

#[tokio::test]
async fn send_direct_message_tolerates_odd_user_dm_channel_and_message_answers() {
    let stack = Stack::start().await;
    answer(
        &stack,
        "GET",
        "/users/{user_id}",
        json!({"id": ALICE.to_string(), "username": "alice", "avatar": "not-a-hash!",
               "premium_type": 99, "public_flags": "many", "clan": {"tag": 1},
               "collectibles": null}),
        false,
    );
    // The DM channel answer: an unknown channel type, recipients with odd avatars, an icon
    // that is no hash. Its id is the general channel, so the message goes somewhere real.
    answer(
        &stack,
        "POST",
        "/users/@me/channels",
        json!({"id": GENERAL.to_string(), "type": 1234, "icon": "odd icon",
               "recipients": [{"id": ALICE.to_string(), "avatar": 7}],
               "last_message_id": null, "flags": "x", "new": true}),
        false,
    );
    answer(
        &stack,
        "POST",
        "/channels/{channel_id}/messages",
        odd_message("hello Alice"),
        true,
    );
    let mut client = stack.client().await;
    let message = client
        .send_direct_message(SendDirectMessageRequest {
            user_id: ALICE,
            content: "hello Alice".into(),
            embed: None,
            ..Default::default()
        })
        .await
        .expect("odd answers must not fail the call")
        .into_inner()
        .message
        .unwrap();
    assert_eq!(message.id, 18_014_398_509_481_999);
    assert_eq!(message.channel_id, GENERAL);
    assert_eq!(message.content, "hello Alice");
    assert_eq!(message.r#type, 4242);
    assert_eq!(message.flags, 0);
    assert_eq!(message.timestamp, "");
    let author = message.author.unwrap();
    assert_eq!(
        (author.id, author.avatar.as_str()),
        (BOT, "this is not an image hash")
    );
    assert_eq!(message.mentions[0].avatar, "");
    assert_eq!(message.reactions[0].emoji.as_ref().unwrap().name, "🔥");
    assert_eq!(message.embeds[0].r#type, "poll_result");
    assert_eq!(
        stack.rest_calls(),
        [
            format!("GET /users/{ALICE}"),
            "POST /users/@me/channels".to_owned(),
            format!("POST /channels/{GENERAL}/messages"),
        ]
    );
}

#[tokio::test]
async fn send_channel_message_tolerates_odd_channel_and_message_answers() {
    let stack = Stack::start().await;
    answer(
        &stack,
        "GET",
        "/channels/{channel_id}",
        json!({"id": GENERAL.to_string(), "type": 77, "guild_id": GUILD.to_string(),
               "name": "general", "icon": "not a hash", "position": "first",
               "permission_overwrites": [{"id": "1", "type": 9, "allow": "x", "deny": null}],
               "available_tags": "surprise", "default_reaction_emoji": 5}),
        false,
    );
    answer(
        &stack,
        "POST",
        "/channels/{channel_id}/messages",
        odd_message("hello channel"),
        true,
    );
    let mut client = stack.client().await;
    let message = client
        .send_channel_message(SendChannelMessageRequest {
            channel_id: GENERAL,
            content: "hello channel".into(),
            embed: None,
            ..Default::default()
        })
        .await
        .expect("odd answers must not fail the call")
        .into_inner()
        .message
        .unwrap();
    assert_eq!(message.id, 18_014_398_509_481_999);
    // The guild comes from the (odd) channel answer, as for well-formed ones.
    assert_eq!((message.channel_id, message.guild_id), (GENERAL, GUILD));
    assert_eq!(message.content, "hello channel");
    assert_eq!(message.author.unwrap().id, BOT);
}

#[tokio::test]
async fn get_guild_channels_returns_every_channel_of_an_odd_answer_in_order() {
    let stack = Stack::start().await;
    answer(
        &stack,
        "GET",
        "/guilds/{guild_id}/channels",
        json!([
            {"id": "11", "type": 0, "guild_id": GUILD.to_string(), "name": "normal",
             "position": 0, "topic": "t", "nsfw": false, "permission_overwrites": []},
            {"id": "12", "type": 99, "guild_id": GUILD.to_string(), "name": "from the future",
             "position": 1, "icon_emoji": {"id": null, "name": "🔥"}, "theme_color": "blue"},
            {"id": "13", "type": 15, "guild_id": GUILD.to_string(), "name": "forum",
             "available_tags": [{"id": "1", "name": "tag", "moderated": "sometimes"}],
             "default_forum_layout": 42, "permission_overwrites": [{"type": 7}]},
            {"id": "14", "type": 2, "name": "voice, fields missing"}
        ]),
        false,
    );
    let mut client = stack.client().await;
    let channels = client
        .get_guild_channels(GetGuildChannelsRequest { guild_id: GUILD })
        .await
        .expect("odd channels must not fail the call")
        .into_inner()
        .channels;
    let summary: Vec<(u64, i32, &str)> = channels
        .iter()
        .map(|c| (c.id, c.r#type, c.name.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (11, Type::GuildText as i32, "normal"),
            (12, Type::Undefined as i32, "from the future"),
            (13, Type::Undefined as i32, "forum"),
            (14, Type::GuildVoice as i32, "voice, fields missing"),
        ]
    );
    assert_eq!(channels[0].topic, "t");
    assert_eq!(channels[1].position, 1);
    assert_eq!(channels[3].guild_id, 0);
}
