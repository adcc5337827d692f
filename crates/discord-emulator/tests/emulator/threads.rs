//! Threads over HTTP: starting them (from a message, without one, in a forum), their members,
//! the active and archived lists, Discord's errors, and the THREAD_* events a gateway session
//! receives for them.

use discord_emulator::gateway::intents;
use serde_json::{Value, json};

use crate::gateway_support::Session;
use crate::support::{
    ALICE, ANNOUNCEMENTS, Api, BOT, CAROL, GENERAL, GUILD, READ_ONLY, STAFF_ONLY, VOICE,
    assert_error, form_code,
};

const FORUM: &str = "400000000000000005";
const QUESTION_TAG: &str = "700000000000000001";
/// A user of the fixture who is not a member of the guild.
const BOB: &str = "200000000000000002";

/// Starts a private thread in `general`; returns it.
async fn private_thread(api: &Api, name: &str) -> Value {
    let reply = api
        .post(
            format!("/channels/{GENERAL}/threads"),
            json!({"name": name, "type": 12, "invitable": false}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.json
}

/// Archives (or unarchives) a thread with `PATCH /channels/{id}`.
async fn set_archived(api: &Api, thread: &str, archived: bool) -> Value {
    let reply = api
        .call(
            "PATCH",
            &format!("/channels/{thread}"),
            Some(json!({"archived": archived})),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json
}

#[tokio::test]
async fn a_thread_from_a_message_shares_its_id_and_marks_the_message() {
    let api = Api::start().await;
    let message = api.say(GENERAL, "start here").await;
    let reply = api
        .post(
            format!("/channels/{GENERAL}/messages/{message}/threads"),
            json!({"name": "talk", "auto_archive_duration": 60, "rate_limit_per_user": 5}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let thread = &reply.json;
    assert_eq!(thread["id"], json!(message));
    assert_eq!(thread["type"], json!(11));
    assert_eq!(thread["parent_id"], json!(GENERAL));
    assert_eq!(thread["guild_id"], json!(GUILD));
    assert_eq!(thread["owner_id"], json!(BOT));
    assert_eq!(thread["rate_limit_per_user"], json!(5));
    assert_eq!(thread["member_count"], json!(1));
    assert_eq!(thread["message_count"], json!(0));
    let metadata = &thread["thread_metadata"];
    assert_eq!(metadata["archived"], json!(false));
    assert_eq!(metadata["auto_archive_duration"], json!(60));
    assert_eq!(metadata["locked"], json!(false));
    assert!(metadata["archive_timestamp"].is_string());
    assert!(metadata.get("invitable").is_none());

    let source = api
        .call(
            "GET",
            &format!("/channels/{GENERAL}/messages/{message}"),
            None,
        )
        .await;
    assert_eq!(source.json["thread"]["id"], json!(message));
    assert_eq!(
        source.json["flags"].as_u64().unwrap() & 32,
        32,
        "HAS_THREAD"
    );

    // A second thread from the same message.
    let again = api
        .post(
            format!("/channels/{GENERAL}/messages/{message}/threads"),
            json!({"name": "again"}),
        )
        .await;
    assert_error(
        &again,
        400,
        160004,
        "A thread has already been created for this message",
    );
    // Messages in the thread count.
    api.say(&message, "inside").await;
    let fetched = api.call("GET", &format!("/channels/{message}"), None).await;
    assert_eq!(fetched.json["message_count"], json!(1));
    assert_eq!(fetched.json["total_message_sent"], json!(1));
    // Announcement channels make announcement threads.
    let news = api.say(ANNOUNCEMENTS, "news").await;
    let reply = api
        .post(
            format!("/channels/{ANNOUNCEMENTS}/messages/{news}/threads"),
            json!({"name": "news talk"}),
        )
        .await;
    assert_eq!(reply.json["type"], json!(10), "{}", reply.text);
    // Threads are not in the guild's channel list.
    let channels = api
        .call("GET", &format!("/guilds/{GUILD}/channels"), None)
        .await;
    assert!(
        !crate::support::ids_of(&channels.json).contains(&message),
        "threads are not guild channels"
    );
}

#[tokio::test]
async fn starting_threads_fails_like_discord() {
    let api = Api::start().await;
    let message = api.say(GENERAL, "m").await;
    let from =
        |channel: &str, message: &str| format!("/channels/{channel}/messages/{message}/threads");
    let name = json!({"name": "t"});
    assert_error(
        &api.post(from("42", &message), name.clone()).await,
        404,
        10003,
        "Unknown Channel",
    );
    assert_error(
        &api.post(from(STAFF_ONLY, &message), name.clone()).await,
        403,
        50001,
        "Missing Access",
    );
    assert_error(
        &api.post(from(READ_ONLY, &message), name.clone()).await,
        403,
        50013,
        "Missing Permissions",
    );
    assert_error(
        &api.post(from(FORUM, &message), name.clone()).await,
        400,
        50024,
        "Cannot execute action on this channel type",
    );
    assert_error(
        &api.post(from(GENERAL, "42"), name.clone()).await,
        404,
        10008,
        "Unknown Message",
    );
    let bad = api
        .post(
            from(GENERAL, &message),
            json!({"name": "x".repeat(101), "auto_archive_duration": 30,
                   "rate_limit_per_user": 21601}),
        )
        .await;
    assert_eq!(form_code(&bad, "/name"), "BASE_TYPE_BAD_LENGTH");
    assert_eq!(
        bad.json["errors"]["auto_archive_duration"]["_errors"][0]["message"],
        "Value must be one of {60, 1440, 4320, 10080}."
    );
    assert_eq!(
        bad.json["errors"]["rate_limit_per_user"]["_errors"][0]["message"],
        "int value should be less than or equal to 21600."
    );
    assert_eq!(
        form_code(&api.post(from(GENERAL, &message), json!({})).await, "/name"),
        "BASE_TYPE_REQUIRED"
    );

    // Without a message: the type must fit the channel.
    let threads = |channel: &str| format!("/channels/{channel}/threads");
    assert_error(
        &api.post(threads(GENERAL), json!({"name": "t", "type": 10}))
            .await,
        400,
        50024,
        "Cannot execute action on this channel type",
    );
    assert_error(
        &api.post(threads(ANNOUNCEMENTS), json!({"name": "t", "type": 12}))
            .await,
        400,
        50024,
        "Cannot execute action on this channel type",
    );
    assert_error(
        &api.post(threads(VOICE), json!({"name": "t"})).await,
        400,
        50024,
        "Cannot execute action on this channel type",
    );
    // A forum post's body in a text channel.
    assert_error(
        &api.post(
            threads(GENERAL),
            json!({"name": "t", "message": {"content": "x"}}),
        )
        .await,
        400,
        50024,
        "Cannot execute action on this channel type",
    );
    assert_eq!(
        form_code(
            &api.post(threads(GENERAL), json!({"name": "t", "type": 0}))
                .await,
            "/type"
        ),
        "BASE_TYPE_CHOICES"
    );
    // The default type is a private thread, invitable by default.
    let reply = api.post(threads(GENERAL), json!({"name": "secret"})).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.json["type"], json!(12));
    assert_eq!(reply.json["thread_metadata"]["invitable"], json!(true));
}

#[tokio::test]
async fn forum_posts_have_a_first_message_with_the_threads_id() {
    let api = Api::start().await;
    let reply = api
        .post(
            format!("/channels/{FORUM}/threads"),
            json!({"name": "How?", "applied_tags": [QUESTION_TAG],
                   "message": {"content": "first post", "embeds": [{"title": "e"}],
                               "allowed_mentions": {"parse": []}}}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let thread = &reply.json;
    let id = thread["id"].as_str().unwrap();
    assert_eq!(thread["type"], json!(11));
    assert_eq!(thread["parent_id"], json!(FORUM));
    assert_eq!(thread["applied_tags"], json!([QUESTION_TAG]));
    assert_eq!(thread["message"]["id"], json!(id));
    assert_eq!(thread["message"]["channel_id"], json!(id));
    assert_eq!(thread["message"]["content"], json!("first post"));
    assert_eq!(thread["last_message_id"], json!(id));
    assert_eq!(
        thread["message_count"],
        json!(0),
        "the first message is not counted"
    );
    assert_eq!(api.ids(id).await, [id.to_owned()]);

    // Forum channels take no direct messages, and posts need a message.
    assert_error(
        &api.create(FORUM, json!({"content": "x"})).await,
        400,
        50008,
        "Cannot send messages in a non-text channel",
    );
    let missing = api
        .post(format!("/channels/{FORUM}/threads"), json!({"name": "x"}))
        .await;
    assert_eq!(form_code(&missing, "/message"), "BASE_TYPE_REQUIRED");
    let nested = api
        .post(
            format!("/channels/{FORUM}/threads"),
            json!({"name": "", "message": {"content": "x".repeat(2001)},
                   "applied_tags": ["1"]}),
        )
        .await;
    assert_eq!(
        form_code(&nested, "/message/content"),
        "BASE_TYPE_MAX_LENGTH"
    );
    assert_eq!(form_code(&nested, "/name"), "BASE_TYPE_BAD_LENGTH");
    assert_eq!(form_code(&nested, "/applied_tags/0"), "TAG_INVALID");
    assert_error(
        &api.post(
            format!("/channels/{FORUM}/threads"),
            json!({"name": "x", "message": {}}),
        )
        .await,
        400,
        50006,
        "Cannot send an empty message",
    );
}

#[tokio::test]
async fn thread_members_join_leave_add_remove_get_and_list() {
    let api = Api::start().await;
    let thread = private_thread(&api, "members").await;
    let id = thread["id"].as_str().unwrap();
    let members = |query: &str| format!("/channels/{id}/thread-members{query}");
    // The bot started it: its only member.
    let list = api.call("GET", &members(""), None).await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(list.json.as_array().unwrap().len(), 1);
    assert_eq!(list.json[0]["user_id"], json!(BOT));
    assert_eq!(list.json[0]["id"], json!(id));
    assert!(list.json[0].get("member").is_none());

    for user in [ALICE, CAROL] {
        let added = api.call("PUT", &members(&format!("/{user}")), None).await;
        assert_eq!(added.status, 204, "{}", added.text);
    }
    // Adding twice is fine.
    assert_eq!(
        api.call("PUT", &members(&format!("/{ALICE}")), None)
            .await
            .status,
        204
    );
    let got = api
        .call("GET", &members(&format!("/{ALICE}?with_member=true")), None)
        .await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(got.json["member"]["nick"], json!("Ali"));
    assert_eq!(got.json["member"]["user"]["id"], json!(ALICE));
    let page = api
        .call("GET", &members(&format!("?after={BOT}&limit=1")), None)
        .await;
    assert_eq!(page.json.as_array().unwrap().len(), 1);
    assert_eq!(page.json[0]["user_id"], json!(ALICE));
    let fetched = api.call("GET", &format!("/channels/{id}"), None).await;
    assert_eq!(fetched.json["member_count"], json!(3));
    assert_eq!(
        fetched.json["member"]["user_id"],
        json!(BOT),
        "the bot's membership"
    );

    assert_eq!(
        api.call("DELETE", &members(&format!("/{CAROL}")), None)
            .await
            .status,
        204
    );
    assert_error(
        &api.call("GET", &members(&format!("/{CAROL}")), None).await,
        404,
        10007,
        "Unknown Member",
    );
    assert_eq!(api.call("DELETE", &members("/@me"), None).await.status, 204);
    assert_error(
        &api.call("GET", &members(&format!("/{BOT}")), None).await,
        404,
        10007,
        "Unknown Member",
    );
    assert_eq!(api.call("PUT", &members("/@me"), None).await.status, 204);
    assert_eq!(
        api.call("GET", &members(&format!("/{BOT}")), None)
            .await
            .status,
        200
    );

    // Errors.
    assert_error(
        &api.call("PUT", &members(&format!("/{BOB}")), None).await,
        404,
        10007,
        "Unknown Member",
    );
    assert_error(
        &api.call("PUT", &members("/42"), None).await,
        404,
        10013,
        "Unknown User",
    );
    assert_error(
        &api.call(
            "PUT",
            &format!("/channels/{GENERAL}/thread-members/@me"),
            None,
        )
        .await,
        400,
        50024,
        "Cannot execute action on this channel type",
    );
    assert_error(
        &api.call("PUT", "/channels/42/thread-members/@me", None)
            .await,
        404,
        10003,
        "Unknown Channel",
    );
    assert_eq!(
        form_code(&api.call("GET", &members("?limit=0"), None).await, "/limit"),
        "NUMBER_TYPE_MIN"
    );
    assert_eq!(
        form_code(
            &api.call("GET", &members("?limit=101"), None).await,
            "/limit"
        ),
        "NUMBER_TYPE_MAX"
    );
    // Archived threads refuse membership changes.
    set_archived(&api, id, true).await;
    for (method, path) in [
        ("PUT", members("/@me")),
        ("DELETE", members("/@me")),
        ("PUT", members(&format!("/{ALICE}"))),
        ("DELETE", members(&format!("/{ALICE}"))),
    ] {
        assert_error(
            &api.call(method, &path, None).await,
            400,
            50083,
            "Thread is archived",
        );
    }
    assert_eq!(
        api.call("GET", &members(&format!("/{ALICE}")), None)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn active_and_archived_lists() {
    let api = Api::start().await;
    let first = api.say(GENERAL, "one").await;
    let public = api
        .post(
            format!("/channels/{GENERAL}/messages/{first}/threads"),
            json!({"name": "public"}),
        )
        .await
        .json;
    let public_id = public["id"].as_str().unwrap().to_owned();
    let private = private_thread(&api, "private").await;
    let private_id = private["id"].as_str().unwrap().to_owned();
    let other = private_thread(&api, "other").await;
    let other_id = other["id"].as_str().unwrap().to_owned();

    let active = api
        .call("GET", &format!("/guilds/{GUILD}/threads/active"), None)
        .await;
    assert_eq!(active.status, 200, "{}", active.text);
    let ids: Vec<&str> = active.json["threads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [public_id.as_str(), &private_id, &other_id]);
    assert_eq!(active.json["members"].as_array().unwrap().len(), 3);
    assert_eq!(active.json["has_more"], json!(false));
    assert_error(
        &api.call("GET", "/guilds/42/threads/active", None).await,
        404,
        10004,
        "Unknown Guild",
    );

    set_archived(&api, &public_id, true).await;
    set_archived(&api, &private_id, true).await;
    set_archived(&api, &other_id, true).await;
    let public_list = api
        .call(
            "GET",
            &format!("/channels/{GENERAL}/threads/archived/public"),
            None,
        )
        .await;
    assert_eq!(public_list.status, 200, "{}", public_list.text);
    assert_eq!(public_list.json["threads"][0]["id"], json!(public_id));
    assert_eq!(public_list.json["threads"].as_array().unwrap().len(), 1);
    assert_eq!(public_list.json["has_more"], json!(false));

    let private_list = api
        .call(
            "GET",
            &format!("/channels/{GENERAL}/threads/archived/private?limit=2"),
            None,
        )
        .await;
    assert_eq!(private_list.status, 200, "{}", private_list.text);
    // Newest archive first.
    assert_eq!(private_list.json["threads"][0]["id"], json!(other_id));
    assert_eq!(private_list.json["threads"][1]["id"], json!(private_id));
    let before = private_list.json["threads"][0]["thread_metadata"]["archive_timestamp"]
        .as_str()
        .unwrap()
        .to_owned();
    let older = api
        .call(
            "GET",
            &format!(
                "/channels/{GENERAL}/threads/archived/private?before={}",
                crate::support::encode(&before)
            ),
            None,
        )
        .await;
    assert!(
        older.json["threads"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["id"] != json!(other_id)),
        "{}",
        older.text
    );
    let joined = api
        .call(
            "GET",
            &format!("/channels/{GENERAL}/users/@me/threads/archived/private?before={other_id}"),
            None,
        )
        .await;
    assert_eq!(joined.status, 200, "{}", joined.text);
    assert_eq!(joined.json["threads"][0]["id"], json!(private_id));
    assert_eq!(joined.json["members"][0]["user_id"], json!(BOT));

    // Limits and errors.
    let path = format!("/channels/{GENERAL}/threads/archived/public");
    assert_eq!(
        form_code(
            &api.call("GET", &format!("{path}?limit=1"), None).await,
            "/limit"
        ),
        "NUMBER_TYPE_MIN"
    );
    assert_eq!(
        form_code(
            &api.call("GET", &format!("{path}?before=yesterday"), None)
                .await,
            "/before"
        ),
        "DATE_TIME_TYPE_PARSE"
    );
    assert_error(
        &api.call(
            "GET",
            &format!("/channels/{READ_ONLY}/threads/archived/private"),
            None,
        )
        .await,
        403,
        50013,
        "Missing Permissions",
    );
    assert_error(
        &api.call(
            "GET",
            &format!("/channels/{STAFF_ONLY}/threads/archived/public"),
            None,
        )
        .await,
        403,
        50001,
        "Missing Access",
    );
    // Unarchived again, it is active.
    set_archived(&api, &public_id, false).await;
    let active = api
        .call("GET", &format!("/guilds/{GUILD}/threads/active"), None)
        .await;
    assert_eq!(active.json["threads"][0]["id"], json!(public_id));
}

#[tokio::test]
async fn thread_events_follow_the_intents() {
    let api = Api::start().await;
    let mut guilds = Session::identify(&api.emulator, intents::GUILDS).await;
    assert_eq!(guilds.dispatch().await.0, "GUILD_CREATE");
    let mut members = Session::identify(
        &api.emulator,
        intents::GUILDS | intents::GUILD_MEMBERS | intents::GUILD_MESSAGES,
    )
    .await;
    assert_eq!(members.dispatch().await.0, "GUILD_CREATE");

    let message = api.say(GENERAL, "start").await;
    assert_eq!(members.expect("MESSAGE_CREATE").await["id"], json!(message));
    let thread = api
        .post(
            format!("/channels/{GENERAL}/messages/{message}/threads"),
            json!({"name": "evented"}),
        )
        .await
        .json;
    for session in [&mut guilds, &mut members] {
        let created = session.expect("THREAD_CREATE").await;
        assert_eq!(created["id"], thread["id"]);
        assert_eq!(created["newly_created"], json!(true));
        let own = session.expect("THREAD_MEMBER_UPDATE").await;
        assert_eq!(own["user_id"], json!(BOT));
        assert_eq!(own["guild_id"], json!(GUILD));
        let update = session.expect("THREAD_MEMBERS_UPDATE").await;
        assert_eq!(update["added_members"][0]["user_id"], json!(BOT));
        assert_eq!(update["member_count"], json!(1));
    }
    let updated = members.expect("MESSAGE_UPDATE").await;
    assert_eq!(updated["thread"]["id"], thread["id"]);

    // Another user added: only with GUILD_MEMBERS.
    let id = thread["id"].as_str().unwrap();
    api.call(
        "PUT",
        &format!("/channels/{id}/thread-members/{ALICE}"),
        None,
    )
    .await;
    let update = members.expect("THREAD_MEMBERS_UPDATE").await;
    assert_eq!(update["added_members"][0]["user_id"], json!(ALICE));
    assert_eq!(
        update["added_members"][0]["member"]["user"]["id"],
        json!(ALICE)
    );
    api.call(
        "DELETE",
        &format!("/channels/{id}/thread-members/{ALICE}"),
        None,
    )
    .await;
    let update = members.expect("THREAD_MEMBERS_UPDATE").await;
    assert_eq!(update["removed_member_ids"], json!([ALICE]));
    // The bot leaving reaches GUILDS too.
    api.call(
        "DELETE",
        &format!("/channels/{id}/thread-members/@me"),
        None,
    )
    .await;
    let update = guilds.expect("THREAD_MEMBERS_UPDATE").await;
    assert_eq!(update["removed_member_ids"], json!([BOT]));
    assert_eq!(
        members.expect("THREAD_MEMBERS_UPDATE").await["removed_member_ids"],
        json!([BOT])
    );
    // Joining again: THREAD_CREATE with the bot's member.
    api.call("PUT", &format!("/channels/{id}/thread-members/@me"), None)
        .await;
    let created = guilds.expect("THREAD_CREATE").await;
    assert_eq!(created["member"]["user_id"], json!(BOT));
    assert!(created.get("newly_created").is_none());
    guilds.expect("THREAD_MEMBER_UPDATE").await;
    guilds.expect("THREAD_MEMBERS_UPDATE").await;
    // Archiving is a THREAD_UPDATE, deleting a THREAD_DELETE.
    set_archived(&api, id, true).await;
    let update = guilds.expect("THREAD_UPDATE").await;
    assert_eq!(update["thread_metadata"]["archived"], json!(true));
    api.call("DELETE", &format!("/channels/{id}"), None).await;
    let deleted = guilds.expect("THREAD_DELETE").await;
    assert_eq!(
        deleted,
        json!({"id": id, "guild_id": GUILD, "parent_id": GENERAL, "type": 11})
    );

    // A forum post: THREAD_CREATE, then the first message.
    let post = api
        .post(
            format!("/channels/{FORUM}/threads"),
            json!({"name": "post", "message": {"content": "hello"}}),
        )
        .await
        .json;
    // `members` saw the earlier events too; skip to the post's.
    loop {
        let (t, d) = members.dispatch().await;
        if t == "THREAD_CREATE" && d["id"] == post["id"] {
            break;
        }
    }
    members.expect("THREAD_MEMBER_UPDATE").await;
    members.expect("THREAD_MEMBERS_UPDATE").await;
    let first = members.expect("MESSAGE_CREATE").await;
    assert_eq!(first["id"], post["id"]);
    assert_eq!(first["channel_id"], post["id"]);
}

#[tokio::test]
async fn messages_unarchive_threads_unless_locked_and_threads_go_with_their_channel() {
    let api = Api::start().await;
    let thread = private_thread(&api, "sleepy").await;
    let id = thread["id"].as_str().unwrap();
    set_archived(&api, id, true).await;
    api.say(id, "wake up").await;
    let fetched = api.call("GET", &format!("/channels/{id}"), None).await;
    assert_eq!(fetched.json["thread_metadata"]["archived"], json!(false));
    let locked = api
        .call(
            "PATCH",
            &format!("/channels/{id}"),
            Some(json!({"archived": true, "locked": true})),
        )
        .await;
    assert_eq!(locked.json["thread_metadata"]["locked"], json!(true));
    assert_error(
        &api.create(id, json!({"content": "no"})).await,
        400,
        50083,
        "Thread is archived",
    );
    // A new channel with a thread, deleted: the thread is gone too.
    let channel = api
        .post(
            format!("/guilds/{GUILD}/channels"),
            json!({"name": "doomed"}),
        )
        .await
        .json;
    let channel_id = channel["id"].as_str().unwrap();
    let doomed = api
        .post(
            format!("/channels/{channel_id}/threads"),
            json!({"name": "doomed thread"}),
        )
        .await
        .json;
    api.call("DELETE", &format!("/channels/{channel_id}"), None)
        .await;
    assert_error(
        &api.call(
            "GET",
            &format!("/channels/{}", doomed["id"].as_str().unwrap()),
            None,
        )
        .await,
        404,
        10003,
        "Unknown Channel",
    );
}

#[tokio::test]
async fn thread_events_parse_into_twilight_model() {
    use twilight_model::gateway::payload::incoming::{
        ThreadCreate, ThreadDelete, ThreadMemberUpdate, ThreadMembersUpdate, ThreadUpdate,
    };
    let api = Api::start().await;
    let mut session =
        Session::identify(&api.emulator, intents::GUILDS | intents::GUILD_MEMBERS).await;
    assert_eq!(session.dispatch().await.0, "GUILD_CREATE");
    let thread = private_thread(&api, "judged").await;
    let id = thread["id"].as_str().unwrap();
    let created: ThreadCreate =
        serde_json::from_value(session.expect("THREAD_CREATE").await).unwrap();
    assert_eq!(created.0.id.to_string(), id);
    let member: ThreadMemberUpdate =
        serde_json::from_value(session.expect("THREAD_MEMBER_UPDATE").await).unwrap();
    assert_eq!(member.guild_id.to_string(), GUILD);
    let members: ThreadMembersUpdate =
        serde_json::from_value(session.expect("THREAD_MEMBERS_UPDATE").await).unwrap();
    assert_eq!(members.member_count, 1);
    api.call(
        "PUT",
        &format!("/channels/{id}/thread-members/{ALICE}"),
        None,
    )
    .await;
    let members: ThreadMembersUpdate =
        serde_json::from_value(session.expect("THREAD_MEMBERS_UPDATE").await).unwrap();
    assert!(members.added_members[0].member.is_some());
    set_archived(&api, id, true).await;
    let updated: ThreadUpdate =
        serde_json::from_value(session.expect("THREAD_UPDATE").await).unwrap();
    assert!(updated.0.thread_metadata.unwrap().archived);
    api.call("DELETE", &format!("/channels/{id}"), None).await;
    let deleted: ThreadDelete =
        serde_json::from_value(session.expect("THREAD_DELETE").await).unwrap();
    assert_eq!(deleted.id.to_string(), id);
}

#[tokio::test]
async fn guild_create_lists_active_threads() {
    let api = Api::start().await;
    let thread = private_thread(&api, "synced").await;
    let mut session = Session::identify(&api.emulator, intents::GUILDS).await;
    let guild = session.expect("GUILD_CREATE").await;
    assert_eq!(guild["threads"][0]["id"], thread["id"]);
    assert!(guild["threads"][0]["member"]["join_timestamp"].is_string());
    let parsed: twilight_model::gateway::payload::incoming::GuildCreate =
        serde_json::from_value(guild).unwrap();
    let twilight_model::gateway::payload::incoming::GuildCreate::Available(parsed) = parsed else {
        panic!("an available guild")
    };
    assert_eq!(parsed.threads.len(), 1);
    assert!(parsed.threads[0].member.is_some());
}
