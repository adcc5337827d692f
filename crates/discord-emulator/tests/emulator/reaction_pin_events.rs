//! The gateway events of the reaction and pin routes, over a plain websocket client:
//! MESSAGE_REACTION_ADD / _REMOVE / _REMOVE_ALL / _REMOVE_EMOJI (GUILD_MESSAGE_REACTIONS,
//! DIRECT_MESSAGE_REACTIONS) and CHANNEL_PINS_UPDATE (GUILDS, DIRECT_MESSAGES); every `d` is
//! parsed with twilight-model.

use discord_emulator::gateway::intents;
use serde_json::json;
use twilight_model::gateway::payload::incoming::{
    ChannelPinsUpdate, ReactionAdd, ReactionRemove, ReactionRemoveAll, ReactionRemoveEmoji,
};

use crate::gateway_support::Session;
use crate::support::{ALICE, Api, BOT, GENERAL, GUILD, encode};

#[tokio::test]
async fn reaction_events_reach_the_sessions_with_the_reaction_intents() {
    let api = Api::start().await;
    let mut guild = Session::identify(&api.emulator, intents::GUILD_MESSAGE_REACTIONS).await;
    let mut dms = Session::identify(&api.emulator, intents::DIRECT_MESSAGE_REACTIONS).await;
    let id = api.say(GENERAL, "react").await;
    let base = format!("/channels/{GENERAL}/messages/{id}/reactions");
    let emoji = encode("👍");

    assert_eq!(
        api.call("PUT", &format!("{base}/{emoji}/@me"), None)
            .await
            .status,
        204
    );
    let d = guild.expect("MESSAGE_REACTION_ADD").await;
    assert_eq!(d["user_id"], json!(BOT));
    assert_eq!(d["guild_id"], json!(GUILD));
    assert_eq!(d["message_author_id"], json!(BOT));
    assert_eq!(d["member"]["user"]["id"], json!(BOT));
    assert_eq!(d["emoji"], json!({"id": null, "name": "👍"}));
    assert_eq!(
        (d["burst"].clone(), d["type"].clone()),
        (json!(false), json!(0))
    );
    let parsed: ReactionAdd = serde_json::from_value(d).unwrap();
    assert_eq!(parsed.message_id.to_string(), id);

    assert_eq!(
        api.call("DELETE", &format!("{base}/{emoji}/@me"), None)
            .await
            .status,
        204
    );
    let d = guild.expect("MESSAGE_REACTION_REMOVE").await;
    assert!(d.get("member").is_none());
    let _: ReactionRemove = serde_json::from_value(d).unwrap();

    assert_eq!(
        api.call("PUT", &format!("{base}/{emoji}/@me"), None)
            .await
            .status,
        204
    );
    guild.expect("MESSAGE_REACTION_ADD").await;
    assert_eq!(
        api.call("DELETE", &format!("{base}/{emoji}"), None)
            .await
            .status,
        204
    );
    let d = guild.expect("MESSAGE_REACTION_REMOVE_EMOJI").await;
    assert_eq!(d["emoji"]["name"], json!("👍"));
    let _: ReactionRemoveEmoji = serde_json::from_value(d).unwrap();

    assert_eq!(
        api.call("PUT", &format!("{base}/{emoji}/@me"), None)
            .await
            .status,
        204
    );
    guild.expect("MESSAGE_REACTION_ADD").await;
    assert_eq!(api.call("DELETE", &base, None).await.status, 204);
    let d = guild.expect("MESSAGE_REACTION_REMOVE_ALL").await;
    assert_eq!(
        d,
        json!({"channel_id": GENERAL, "message_id": id, "guild_id": GUILD})
    );
    let _: ReactionRemoveAll = serde_json::from_value(d).unwrap();

    // A DM reaction goes to the DM session only, without guild_id or member.
    let dm = api.dm(ALICE).await;
    let said = api.say(&dm, "dm").await;
    let path = format!("/channels/{dm}/messages/{said}/reactions/{emoji}/@me");
    assert_eq!(api.call("PUT", &path, None).await.status, 204);
    let d = dms.expect("MESSAGE_REACTION_ADD").await;
    assert!(
        d.get("guild_id").is_none() && d.get("member").is_none(),
        "{d}"
    );
    assert_eq!(d["channel_id"], json!(dm));
    // The guild session got nothing more: its next event is the next guild reaction.
    assert_eq!(
        api.call("PUT", &format!("{base}/{emoji}/@me"), None)
            .await
            .status,
        204
    );
    let d = guild.expect("MESSAGE_REACTION_ADD").await;
    assert_eq!(d["channel_id"], json!(GENERAL));
}

#[tokio::test]
async fn pins_send_channel_pins_update_and_message_update() {
    let api = Api::start().await;
    let mut guilds = Session::identify(&api.emulator, intents::GUILDS).await;
    guilds.expect("GUILD_CREATE").await;
    let mut messages = Session::identify(&api.emulator, intents::GUILD_MESSAGES).await;
    let id = api.say(GENERAL, "pin me").await;
    messages.expect("MESSAGE_CREATE").await;
    let path = format!("/channels/{GENERAL}/messages/pins/{id}");
    assert_eq!(api.call("PUT", &path, None).await.status, 204);
    let d = guilds.expect("CHANNEL_PINS_UPDATE").await;
    assert_eq!(d["guild_id"], json!(GUILD));
    assert_eq!(d["channel_id"], json!(GENERAL));
    assert!(d["last_pin_timestamp"].is_string(), "{d}");
    let parsed: ChannelPinsUpdate = serde_json::from_value(d).unwrap();
    assert!(parsed.last_pin_timestamp.is_some());
    let update = messages.expect("MESSAGE_UPDATE").await;
    assert_eq!(update["pinned"], json!(true));

    assert_eq!(api.call("DELETE", &path, None).await.status, 204);
    let d = guilds.expect("CHANNEL_PINS_UPDATE").await;
    assert_eq!(d["last_pin_timestamp"], json!(null));
    assert_eq!(
        messages.expect("MESSAGE_UPDATE").await["pinned"],
        json!(false)
    );

    // A DM pin: DIRECT_MESSAGES, without guild_id.
    let mut dms = Session::identify(&api.emulator, intents::DIRECT_MESSAGES).await;
    let dm = api.dm(ALICE).await;
    let said = api.say(&dm, "dm").await;
    dms.expect("MESSAGE_CREATE").await;
    let path = format!("/channels/{dm}/pins/{said}");
    assert_eq!(api.call("PUT", &path, None).await.status, 204);
    // MESSAGE_UPDATE first (the order of the hooks), then CHANNEL_PINS_UPDATE.
    assert_eq!(dms.expect("MESSAGE_UPDATE").await["pinned"], json!(true));
    let d = dms.expect("CHANNEL_PINS_UPDATE").await;
    assert!(d.get("guild_id").is_none(), "{d}");
}
