//! The reaction routes over plain HTTP: add, list, remove (own, another user's, an emoji's,
//! all), the message's `reactions` objects, custom emojis of the fixture, Discord's errors
//! (10014, 10008, 10003, 50001, 50013, 50003, 30010, 50035) and the shared reaction bucket.

use discord_emulator::Options;
use serde_json::{Value, json};

use crate::support::{
    ALICE, Api, BLOB, BOT, CAROL, GENERAL, READ_ONLY, STAFF_ONLY, assert_error, emoji_options,
    encode, form_code,
};

/// `👍`, percent-encoded.
fn thumbs() -> String {
    encode("👍")
}

/// `…/messages/{message}/reactions` of `channel`.
fn reactions(channel: &str, message: &str) -> String {
    format!("/channels/{channel}/messages/{message}/reactions")
}

/// A reaction of `user` through the control API (`type` 0 or 1); the status.
async fn react_as(
    api: &Api,
    channel: &str,
    message: &str,
    emoji: &str,
    user: &str,
    kind: u8,
) -> u16 {
    let url = format!(
        "{}/_emulator/channels/{channel}/messages/{message}/reactions/{emoji}/{user}?type={kind}",
        api.emulator.base_url()
    );
    reqwest::Client::new()
        .put(url)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The `reactions` of a message as REST serves it (`Value::Null` when it has none).
async fn shown(api: &Api, channel: &str, message: &str) -> Value {
    let reply = api
        .call(
            "GET",
            &format!("/channels/{channel}/messages/{message}"),
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json.get("reactions").cloned().unwrap_or(Value::Null)
}

/// The user ids a GET of the reactions answers.
async fn user_ids(api: &Api, path: &str) -> Vec<String> {
    let reply = api.call("GET", path, None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    crate::support::ids_of(&reply.json)
}

#[tokio::test]
async fn the_bot_adds_lists_and_removes_its_reaction() {
    let api = Api::start().await;
    let id = api.say(GENERAL, "react to me").await;
    let own = format!("{}/{}/@me", reactions(GENERAL, &id), thumbs());
    for _ in 0..2 {
        let reply = api.call("PUT", &own, None).await;
        assert_eq!(reply.status, 204, "{}", reply.text);
        assert_eq!(reply.text, "");
    }
    assert_eq!(
        shown(&api, GENERAL, &id).await,
        json!([{"emoji": {"id": null, "name": "👍"}, "count": 1,
                "count_details": {"burst": 0, "normal": 1}, "burst_colors": [],
                "me_burst": false, "me": true}])
    );
    let list = format!("{}/{}", reactions(GENERAL, &id), thumbs());
    let reply = api.call("GET", &list, None).await;
    assert_eq!(reply.json[0]["id"], json!(BOT));
    assert!(reply.json[0]["username"].as_str().is_some());
    let reply = api.call("DELETE", &own, None).await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    assert_eq!(shown(&api, GENERAL, &id).await, Value::Null);
    // Removing a reaction that is not there is still a 204.
    assert_eq!(api.call("DELETE", &own, None).await.status, 204);
    assert_eq!(user_ids(&api, &list).await, Vec::<String>::new());
}

#[tokio::test]
async fn other_users_reactions_types_pages_and_removals() {
    let api = Api::start().await;
    let id = api.say(GENERAL, "popular").await;
    let emoji = thumbs();
    for user in [CAROL, ALICE] {
        assert_eq!(react_as(&api, GENERAL, &id, &emoji, user, 0).await, 204);
    }
    assert_eq!(react_as(&api, GENERAL, &id, &emoji, ALICE, 1).await, 204);
    assert_eq!(
        react_as(&api, GENERAL, &id, &encode("🔥"), CAROL, 0).await,
        204
    );
    let list = format!("{}/{emoji}", reactions(GENERAL, &id));
    assert_eq!(user_ids(&api, &list).await, [ALICE, CAROL]);
    assert_eq!(user_ids(&api, &format!("{list}?type=1")).await, [ALICE]);
    assert_eq!(user_ids(&api, &format!("{list}?limit=1")).await, [ALICE]);
    assert_eq!(
        user_ids(&api, &format!("{list}?after={ALICE}")).await,
        [CAROL]
    );
    let shown_now = shown(&api, GENERAL, &id).await;
    assert_eq!(shown_now[0]["count"], json!(3));
    assert_eq!(
        shown_now[0]["count_details"],
        json!({"burst": 1, "normal": 2})
    );
    assert_eq!(shown_now[0]["me"], json!(false));
    assert_eq!(shown_now[0]["burst_colors"].as_array().unwrap().len(), 1);
    assert_eq!(shown_now[1]["emoji"], json!({"id": null, "name": "🔥"}));

    // Carol's 👍 (normal), then every 🔥, then everything.
    let reply = api.call("DELETE", &format!("{list}/{CAROL}"), None).await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    assert_eq!(user_ids(&api, &list).await, [ALICE]);
    let fire = format!("{}/{}", reactions(GENERAL, &id), encode("🔥"));
    assert_eq!(api.call("DELETE", &fire, None).await.status, 204);
    assert_eq!(shown(&api, GENERAL, &id).await.as_array().unwrap().len(), 1);
    assert_eq!(
        api.call("DELETE", &reactions(GENERAL, &id), None)
            .await
            .status,
        204
    );
    assert_eq!(shown(&api, GENERAL, &id).await, Value::Null);
}

#[tokio::test]
async fn custom_emojis_of_the_fixture() {
    let api = Api::with(emoji_options()).await;
    let id = api.say(GENERAL, "custom").await;
    let base = reactions(GENERAL, &id);
    let reply = api
        .call(
            "PUT",
            &format!("{base}/{}/@me", encode(&format!("blob:{BLOB}"))),
            None,
        )
        .await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    assert_eq!(
        shown(&api, GENERAL, &id).await[0]["emoji"],
        json!({"id": BLOB, "name": "blob"})
    );
    // twilight names a custom emoji without a name `e:id`: the same reaction.
    assert_eq!(user_ids(&api, &format!("{base}/e:{BLOB}")).await, [BOT]);
    let reply = api
        .call("PUT", &format!("{base}/blob:500000000000000002/@me"), None)
        .await;
    assert_error(&reply, 400, 10014, "Unknown Emoji");
}

#[tokio::test]
async fn discords_errors() {
    let api = Api::start().await;
    let id = api.say(GENERAL, "errors").await;
    let emoji = thumbs();
    let own = |channel: &str, message: &str| format!("{}/{emoji}/@me", reactions(channel, message));
    for bad in ["thumbsup", "%3Asmile%3A", "a%20b"] {
        let reply = api
            .call(
                "PUT",
                &format!("{}/{bad}/@me", reactions(GENERAL, &id)),
                None,
            )
            .await;
        assert_error(&reply, 400, 10014, "Unknown Emoji");
    }
    let reply = api.call("PUT", &own(GENERAL, "1"), None).await;
    assert_error(&reply, 404, 10008, "Unknown Message");
    let reply = api.call("PUT", &own("1", &id), None).await;
    assert_error(&reply, 404, 10003, "Unknown Channel");
    let reply = api
        .call(
            "GET",
            &format!("{}/{emoji}", reactions(STAFF_ONLY, &id)),
            None,
        )
        .await;
    assert_error(&reply, 403, 50001, "Missing Access");
    let reply = api
        .call(
            "GET",
            &format!("{}/{emoji}?limit=101", reactions(GENERAL, &id)),
            None,
        )
        .await;
    assert_eq!(form_code(&reply, "/limit"), json!("NUMBER_TYPE_MAX"));
    let reply = api
        .call(
            "GET",
            &format!("{}/{emoji}?type=2", reactions(GENERAL, &id)),
            None,
        )
        .await;
    assert_eq!(form_code(&reply, "/type"), json!("BASE_TYPE_CHOICES"));

    // A read-only channel: no new emoji (ADD_REACTIONS), but joining alice's works; removing
    // others' reactions needs MANAGE_MESSAGES.
    let message = api
        .inject(READ_ONLY, ALICE, json!({"content": "read only"}))
        .await;
    let message = message["id"].as_str().unwrap().to_owned();
    let reply = api.call("PUT", &own(READ_ONLY, &message), None).await;
    assert_error(&reply, 403, 50013, "Missing Permissions");
    assert_eq!(
        react_as(&api, READ_ONLY, &message, &emoji, ALICE, 0).await,
        204
    );
    assert_eq!(
        api.call("PUT", &own(READ_ONLY, &message), None)
            .await
            .status,
        204
    );
    let reply = api
        .call(
            "DELETE",
            &format!("{}/{emoji}/{ALICE}", reactions(READ_ONLY, &message)),
            None,
        )
        .await;
    assert_error(&reply, 403, 50013, "Missing Permissions");
    let reply = api
        .call("DELETE", &reactions(READ_ONLY, &message), None)
        .await;
    assert_error(&reply, 403, 50013, "Missing Permissions");
    assert_eq!(
        api.call("DELETE", &own(READ_ONLY, &message), None)
            .await
            .status,
        204
    );

    // In a DM the bot cannot remove the other user's reactions.
    let dm = api.dm(ALICE).await;
    let said = api.say(&dm, "dm").await;
    assert_eq!(react_as(&api, &dm, &said, &emoji, ALICE, 0).await, 204);
    let reply = api
        .call(
            "DELETE",
            &format!("{}/{emoji}/{ALICE}", reactions(&dm, &said)),
            None,
        )
        .await;
    assert_error(&reply, 403, 50003, "Cannot execute action on a DM channel");

    // At most 20 different emojis on a message.
    let faces: Vec<char> = ('\u{1F600}'..='\u{1F614}').collect();
    for (index, face) in faces.iter().enumerate() {
        let reply = api
            .call(
                "PUT",
                &format!(
                    "{}/{}/@me",
                    reactions(GENERAL, &id),
                    encode(&face.to_string())
                ),
                None,
            )
            .await;
        if index < 20 {
            assert_eq!(reply.status, 204, "{}", reply.text);
        } else {
            assert_error(
                &reply,
                400,
                30010,
                "Maximum number of reactions reached (20)",
            );
        }
    }
}

#[tokio::test]
async fn reaction_changes_share_a_bucket_per_channel() {
    let api = Api::with(Options::default()).await;
    let id = api.say(GENERAL, "fast").await;
    let own = format!("{}/{}/@me", reactions(GENERAL, &id), thumbs());
    let first = api.call("PUT", &own, None).await;
    assert_eq!(first.status, 204, "{}", first.text);
    assert_eq!(first.header("x-ratelimit-limit"), Some("1"));
    let second = api.call("DELETE", &own, None).await;
    assert_eq!(second.status, 429, "{}", second.text);
    assert_eq!(
        first.header("x-ratelimit-bucket"),
        second.header("x-ratelimit-bucket")
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(api.call("DELETE", &own, None).await.status, 204);
    // Reading the reactions is not in the bucket.
    let list = format!("{}/{}", reactions(GENERAL, &id), thumbs());
    assert_eq!(api.call("GET", &list, None).await.status, 200);
}
