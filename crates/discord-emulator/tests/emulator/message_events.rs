//! The gateway events of the message routes, over a plain websocket client: MESSAGE_UPDATE
//! (edits, crossposts), MESSAGE_DELETE and MESSAGE_DELETE_BULK, each going only to the sessions
//! whose intents allow it (GUILD_MESSAGES for guild channels, DIRECT_MESSAGES for DMs), with
//! content hidden without MESSAGE_CONTENT; every `d` is parsed with twilight-model.

use discord_emulator::gateway::intents;
use serde_json::json;
use twilight_model::gateway::payload::incoming::{
    MessageCreate, MessageDelete, MessageDeleteBulk, MessageUpdate,
};

use crate::gateway_support::Session;
use crate::support::{ALICE, ANNOUNCEMENTS, Api, GENERAL, GUILD};

#[tokio::test]
async fn edits_deletes_and_crossposts_reach_the_sessions_their_intents_allow() {
    let api = Api::start().await;
    let mut guild = Session::identify(&api.emulator, intents::GUILD_MESSAGES).await;
    let mut content = Session::identify(
        &api.emulator,
        intents::GUILD_MESSAGES | intents::MESSAGE_CONTENT,
    )
    .await;
    let mut dms = Session::identify(&api.emulator, intents::DIRECT_MESSAGES).await;

    // An edit of the bot's message: MESSAGE_UPDATE with the whole message, guild_id, member.
    let id = api.say(GENERAL, "before").await;
    guild.expect("MESSAGE_CREATE").await;
    content.expect("MESSAGE_CREATE").await;
    let path = format!("/channels/{GENERAL}/messages/{id}");
    let edited = api
        .call("PATCH", &path, Some(json!({"content": "after"})))
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    for session in [&mut guild, &mut content] {
        let d = session.expect("MESSAGE_UPDATE").await;
        assert_eq!(
            d["content"],
            json!("after"),
            "the bot's own content is visible"
        );
        assert_eq!(d["guild_id"], json!(GUILD));
        assert!(d["member"].is_object());
        assert_eq!(d["edited_timestamp"], edited.json["edited_timestamp"]);
        let update: MessageUpdate = serde_json::from_value(d).unwrap();
        assert_eq!(update.id.to_string(), id);
        assert_eq!(update.content, "after");
    }

    // Another user's message: its content needs MESSAGE_CONTENT in MESSAGE_UPDATE as well.
    let theirs = api
        .inject(
            GENERAL,
            ALICE,
            json!({"content": "secret", "embeds": [{"title": "t"}]}),
        )
        .await;
    let created: MessageCreate =
        serde_json::from_value(guild.expect("MESSAGE_CREATE").await).unwrap();
    assert_eq!(created.content, "");
    assert_eq!(
        content.expect("MESSAGE_CREATE").await["content"],
        json!("secret")
    );
    let theirs_id = theirs["id"].as_str().unwrap();
    let reply = api
        .call(
            "PATCH",
            &format!("/channels/{GENERAL}/messages/{theirs_id}"),
            Some(json!({"flags": 4})),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let hidden = guild.expect("MESSAGE_UPDATE").await;
    assert_eq!(hidden["content"], json!(""));
    assert_eq!(hidden["embeds"], json!([]));
    assert_eq!(hidden["flags"], json!(4));
    let shown = content.expect("MESSAGE_UPDATE").await;
    assert_eq!(shown["content"], json!("secret"));

    // Delete, bulk delete, crosspost.
    let reply = api.call("DELETE", &path, None).await;
    assert_eq!(reply.status, 204);
    for session in [&mut guild, &mut content] {
        let d = session.expect("MESSAGE_DELETE").await;
        assert_eq!(
            d,
            json!({"id": id, "channel_id": GENERAL, "guild_id": GUILD})
        );
        let delete: MessageDelete = serde_json::from_value(d).unwrap();
        assert_eq!(delete.id.to_string(), id);
    }
    let a = api.say(GENERAL, "a").await;
    let b = api.say(GENERAL, "b").await;
    for session in [&mut guild, &mut content] {
        session.expect("MESSAGE_CREATE").await;
        session.expect("MESSAGE_CREATE").await;
    }
    // A recent id (worker 0, which the emulator never uses) of no message.
    let unknown = ((a.parse::<u64>().unwrap() >> 22) << 22 | 3).to_string();
    let reply = api
        .call(
            "POST",
            &format!("/channels/{GENERAL}/messages/bulk-delete"),
            Some(json!({"messages": [a, unknown, b]})),
        )
        .await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    for session in [&mut guild, &mut content] {
        let d = session.expect("MESSAGE_DELETE_BULK").await;
        assert_eq!(
            d,
            json!({"ids": [a, b], "channel_id": GENERAL, "guild_id": GUILD}),
            "only the deleted ids"
        );
        let bulk: MessageDeleteBulk = serde_json::from_value(d).unwrap();
        assert_eq!(bulk.ids.len(), 2);
    }
    let news = api.say(ANNOUNCEMENTS, "news").await;
    guild.expect("MESSAGE_CREATE").await;
    content.expect("MESSAGE_CREATE").await;
    let reply = api
        .call(
            "POST",
            &format!("/channels/{ANNOUNCEMENTS}/messages/{news}/crosspost"),
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let d = guild.expect("MESSAGE_UPDATE").await;
    assert_eq!(d["flags"], json!(1));
    content.expect("MESSAGE_UPDATE").await;

    // DMs: only DIRECT_MESSAGES sessions; the guild sessions see none of it.
    let dm = api.dm(ALICE).await;
    let own = api.say(&dm, "dm").await;
    assert_eq!(dms.expect("MESSAGE_CREATE").await["id"], json!(own));
    let reply = api
        .call(
            "PATCH",
            &format!("/channels/{dm}/messages/{own}"),
            Some(json!({"content": "dm edited"})),
        )
        .await;
    assert_eq!(reply.status, 200);
    let d = dms.expect("MESSAGE_UPDATE").await;
    assert_eq!(d["content"], json!("dm edited"));
    assert!(d.get("guild_id").is_none());
    let reply = api
        .call("DELETE", &format!("/channels/{dm}/messages/{own}"), None)
        .await;
    assert_eq!(reply.status, 204);
    assert_eq!(
        dms.expect("MESSAGE_DELETE").await,
        json!({"id": own, "channel_id": dm})
    );
    // The next thing the guild sessions get is a new guild message, not a DM event; the DM
    // session gets nothing of the guild's.
    let last = api.say(GENERAL, "last").await;
    for session in [&mut guild, &mut content] {
        assert_eq!(session.expect("MESSAGE_CREATE").await["id"], json!(last));
    }
    let dm_again = api.say(&dm, "again").await;
    assert_eq!(dms.expect("MESSAGE_CREATE").await["id"], json!(dm_again));
}
