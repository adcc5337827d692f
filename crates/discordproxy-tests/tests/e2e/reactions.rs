//! Issue 12, reactions: `CreateReaction`, `DeleteOwnReaction`, `DeleteUserReaction`,
//! `GetReactions`, `DeleteAllReactions` and `DeleteAllReactionsForEmoji` end to end against
//! the emulator: the REST request (method, path with the percent-encoded emoji, query,
//! `X-Audit-Log-Reason`), the typed answer and its JSON, Discord's errors (10014, 10008,
//! 30010), refusals without a request, and Discord's tight per-channel reaction bucket waited
//! out instead of failing.

use crate::message_support::{
    GENERAL, audit_log_reason, details, judge_response, only_request_since, plain_text,
    requests_since, route, send,
};
use discord_emulator::{Fixture, Options};
use discordproxy_proto::{
    CreateReactionRequest, DeleteAllReactionsForEmojiRequest, DeleteAllReactionsRequest,
    DeleteOwnReactionRequest, DeleteUserReactionRequest, GetChannelMessageRequest,
    GetReactionsRequest,
};
use discordproxy_tests::stack::Stack;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tonic::Code;

const BOT: u64 = 100_000_000_000_000_001;
const ALICE: u64 = 200_000_000_000_000_001;
/// A multi-codepoint emoji (thumbs up + skin tone modifier) and its encoding in the path.
const THUMBS: &str = "👍🏽";
const THUMBS_PATH: &str = "%F0%9F%91%8D%F0%9F%8F%BD";
/// The custom emoji of [`emoji_stack`]'s guild, as Discord names it in paths, and encoded.
const BLOB: &str = "blob:500000000000000101";
const BLOB_PATH: &str = "blob%3A500000000000000101";

/// The default fixture plus a custom emoji `blob` in its guild, with Discord's rate limits.
async fn emoji_stack() -> Stack {
    let mut fixture: Value = serde_json::from_str(include_str!(
        "../../../discord-emulator/fixtures/default.json"
    ))
    .unwrap();
    fixture["guilds"][0]["emojis"] = json!([{
        "id": "500000000000000101", "name": "blob", "roles": [], "require_colons": true,
        "managed": false, "animated": false, "available": true
    }]);
    let fixture = Fixture::from_json(&fixture.to_string()).unwrap();
    Stack::start_with_options(Options::new(fixture), None).await
}

/// A reaction of `user` through the emulator's control API.
async fn react_as(stack: &Stack, message: u64, emoji_path: &str, user: u64) {
    let url = format!(
        "{}/_emulator/channels/{GENERAL}/messages/{message}/reactions/{emoji_path}/{user}",
        stack.emulator.base_url()
    );
    let status = reqwest::Client::new()
        .put(url)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 204);
}

fn reactions_of(message: u64) -> String {
    format!("/channels/{GENERAL}/messages/{message}/reactions")
}

#[tokio::test]
async fn create_and_list_reactions_with_unicode_and_custom_emoji() {
    let stack = emoji_stack().await;
    let mut client = stack.client().await;
    let message = send(&stack, "react to me").await.message.unwrap().id;
    let base = reactions_of(message);

    let skip = stack.emulator.requests().len();
    client
        .create_reaction(CreateReactionRequest {
            channel_id: GENERAL,
            message_id: message,
            emoji: THUMBS.into(),
            audit_log_reason: "thumbs ✓".into(),
        })
        .await
        .unwrap();
    let put = only_request_since(&stack, skip);
    assert_eq!(route(&put), format!("PUT {base}/{THUMBS_PATH}/@me"));
    assert_eq!(put.status, Some(204));
    assert_eq!(audit_log_reason(&put).as_deref(), Some("thumbs ✓"));

    // The custom emoji: `:` percent-encoded; the second reaction change waits out the
    // channel's reaction bucket (1 per 250 ms) instead of failing.
    let skip = stack.emulator.requests().len();
    client
        .create_reaction(CreateReactionRequest {
            channel_id: GENERAL,
            message_id: message,
            emoji: BLOB.into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let put = requests_since(&stack, skip).pop().unwrap();
    assert_eq!(route(&put), format!("PUT {base}/{BLOB_PATH}/@me"));
    assert_eq!((put.status, audit_log_reason(&put)), (Some(204), None));

    react_as(&stack, message, THUMBS_PATH, ALICE).await;
    let skip = stack.emulator.requests().len();
    let listed = client
        .get_reactions(GetReactionsRequest {
            channel_id: GENERAL,
            message_id: message,
            emoji: THUMBS.into(),
            limit: Some(10),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, skip);
    assert_eq!(route(&get), format!("GET {base}/{THUMBS_PATH}"));
    assert_eq!(get.query, "limit=10");
    judge_response(&get);
    let ids: Vec<u64> = listed.users.iter().map(|user| user.id).collect();
    assert_eq!(ids, [BOT, ALICE]);
    assert_eq!(listed.users[1].username, "alice");
    let json: Value = serde_json::from_str(&listed.json).unwrap();
    assert_eq!(Some(&json), get.response.as_ref());

    // `after` pages on; `type` 1 asks for burst reactions (none here).
    let skip = stack.emulator.requests().len();
    let after = client
        .get_reactions(GetReactionsRequest {
            channel_id: GENERAL,
            message_id: message,
            emoji: THUMBS.into(),
            after: BOT,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        only_request_since(&stack, skip).query,
        format!("after={BOT}")
    );
    assert_eq!(after.users.len(), 1);
    assert_eq!(after.users[0].id, ALICE);
    let skip = stack.emulator.requests().len();
    let burst = client
        .get_reactions(GetReactionsRequest {
            channel_id: GENERAL,
            message_id: message,
            emoji: BLOB.into(),
            r#type: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, skip);
    assert_eq!(route(&get), format!("GET {base}/{BLOB_PATH}"));
    assert_eq!(get.query, "type=1");
    assert!(burst.users.is_empty());
    assert_eq!(burst.json, "[]");

    let shown = client
        .get_channel_message(GetChannelMessageRequest {
            channel_id: GENERAL,
            message_id: message,
        })
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    let counts: Vec<(String, i32, bool)> = shown
        .reactions
        .iter()
        .map(|r| {
            let emoji = r.emoji.as_ref().unwrap();
            (emoji.name.clone(), r.count, r.me)
        })
        .collect();
    assert_eq!(
        counts,
        [(THUMBS.to_owned(), 2, true), ("blob".to_owned(), 1, true)]
    );
    stack.stop().await;
}

#[tokio::test]
async fn delete_own_user_emoji_and_all_reactions() {
    let stack = emoji_stack().await;
    let mut client = stack.client().await;
    let message = send(&stack, "clean me up").await.message.unwrap().id;
    let base = reactions_of(message);
    react_as(&stack, message, THUMBS_PATH, ALICE).await;
    react_as(&stack, message, BLOB_PATH, ALICE).await;
    client
        .create_reaction(CreateReactionRequest {
            channel_id: GENERAL,
            message_id: message,
            emoji: THUMBS.into(),
            ..Default::default()
        })
        .await
        .unwrap();

    let last = |skip| requests_since(&stack, skip).pop().unwrap();
    let skip = stack.emulator.requests().len();
    client
        .delete_user_reaction(DeleteUserReactionRequest {
            channel_id: GENERAL,
            message_id: message,
            emoji: THUMBS.into(),
            user_id: ALICE,
            audit_log_reason: "spam".into(),
        })
        .await
        .unwrap();
    let delete = last(skip);
    assert_eq!(
        route(&delete),
        format!("DELETE {base}/{THUMBS_PATH}/{ALICE}")
    );
    assert_eq!(
        (delete.status, audit_log_reason(&delete).as_deref()),
        (Some(204), Some("spam"))
    );

    let skip = stack.emulator.requests().len();
    client
        .delete_own_reaction(DeleteOwnReactionRequest {
            channel_id: GENERAL,
            message_id: message,
            emoji: THUMBS.into(),
            audit_log_reason: "mine".into(),
        })
        .await
        .unwrap();
    let delete = last(skip);
    assert_eq!(route(&delete), format!("DELETE {base}/{THUMBS_PATH}/@me"));
    assert_eq!(
        (delete.status, audit_log_reason(&delete).as_deref()),
        (Some(204), Some("mine"))
    );

    let skip = stack.emulator.requests().len();
    client
        .delete_all_reactions_for_emoji(DeleteAllReactionsForEmojiRequest {
            channel_id: GENERAL,
            message_id: message,
            emoji: BLOB.into(),
            audit_log_reason: "no blobs".into(),
        })
        .await
        .unwrap();
    let delete = last(skip);
    assert_eq!(route(&delete), format!("DELETE {base}/{BLOB_PATH}"));
    assert_eq!(
        (delete.status, audit_log_reason(&delete).as_deref()),
        (Some(204), Some("no blobs"))
    );

    react_as(&stack, message, THUMBS_PATH, ALICE).await;
    let skip = stack.emulator.requests().len();
    client
        .delete_all_reactions(DeleteAllReactionsRequest {
            channel_id: GENERAL,
            message_id: message,
            audit_log_reason: "reset".into(),
        })
        .await
        .unwrap();
    let delete = last(skip);
    assert_eq!(route(&delete), format!("DELETE {base}"));
    assert_eq!(
        (delete.status, audit_log_reason(&delete).as_deref()),
        (Some(204), Some("reset"))
    );
    let shown = client
        .get_channel_message(GetChannelMessageRequest {
            channel_id: GENERAL,
            message_id: message,
        })
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    assert!(shown.reactions.is_empty());
    stack.stop().await;
}

#[tokio::test]
async fn discords_reaction_errors_keep_the_error_contract() {
    let stack = emoji_stack().await;
    let mut client = stack.client().await;
    let message = send(&stack, "errors").await.message.unwrap().id;

    let skip = stack.emulator.requests().len();
    let status = client
        .create_reaction(CreateReactionRequest {
            channel_id: GENERAL,
            message_id: message,
            emoji: "nope:1".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 400, "code": 10014, "text": "Unknown Emoji"})
    );
    assert_eq!(
        route(&only_request_since(&stack, skip)),
        format!("PUT {}/nope%3A1/@me", reactions_of(message))
    );

    let unknown = message + 1;
    let status = client
        .get_reactions(GetReactionsRequest {
            channel_id: GENERAL,
            message_id: unknown,
            emoji: THUMBS.into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 404, "code": 10008, "text": "Unknown Message"})
    );
    let status = client
        .delete_all_reactions(DeleteAllReactionsRequest {
            channel_id: GENERAL,
            message_id: unknown,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        (status.code(), details(&status)["code"].clone()),
        (Code::NotFound, json!(10008))
    );

    // Discord's 20 different emojis per message: the 21st is 400/30010.
    let emojis: Vec<char> = ('😀'..).take(21).collect();
    for emoji in &emojis[..20] {
        react_as(&stack, message, &percent(&emoji.to_string()), ALICE).await;
    }
    let status = client
        .create_reaction(CreateReactionRequest {
            channel_id: GENERAL,
            message_id: message,
            emoji: emojis[20].to_string(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 400, "code": 30010,
               "text": "Maximum number of reactions reached (20)"})
    );
    stack.stop().await;
}

#[tokio::test]
async fn bad_reaction_requests_are_refused_without_a_request() {
    let stack = emoji_stack().await;
    let mut client = stack.client().await;
    let message = send(&stack, "untouched").await.message.unwrap().id;
    let skip = stack.emulator.requests().len();

    let statuses = [
        client
            .create_reaction(CreateReactionRequest {
                channel_id: GENERAL,
                message_id: message,
                ..Default::default()
            })
            .await
            .unwrap_err(),
        client
            .delete_own_reaction(DeleteOwnReactionRequest {
                channel_id: GENERAL,
                message_id: message,
                ..Default::default()
            })
            .await
            .unwrap_err(),
        client
            .delete_user_reaction(DeleteUserReactionRequest {
                channel_id: GENERAL,
                message_id: message,
                user_id: ALICE,
                ..Default::default()
            })
            .await
            .unwrap_err(),
        client
            .get_reactions(GetReactionsRequest {
                channel_id: GENERAL,
                message_id: message,
                ..Default::default()
            })
            .await
            .unwrap_err(),
        client
            .delete_all_reactions_for_emoji(DeleteAllReactionsForEmojiRequest {
                channel_id: GENERAL,
                message_id: message,
                ..Default::default()
            })
            .await
            .unwrap_err(),
    ];
    for status in statuses {
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        assert!(plain_text(&status).starts_with("emoji "), "{status:?}");
    }
    let ids = [
        client
            .delete_user_reaction(DeleteUserReactionRequest {
                channel_id: GENERAL,
                message_id: message,
                emoji: THUMBS.into(),
                ..Default::default()
            })
            .await
            .unwrap_err(),
        client
            .delete_all_reactions(DeleteAllReactionsRequest {
                channel_id: GENERAL,
                ..Default::default()
            })
            .await
            .unwrap_err(),
        client
            .create_reaction(CreateReactionRequest {
                message_id: message,
                emoji: THUMBS.into(),
                ..Default::default()
            })
            .await
            .unwrap_err(),
    ];
    for (status, field) in ids.iter().zip(["user_id", "message_id", "channel_id"]) {
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        assert!(plain_text(status).starts_with(field), "{status:?}");
    }

    let page = |limit, kind| GetReactionsRequest {
        channel_id: GENERAL,
        message_id: message,
        emoji: THUMBS.into(),
        limit,
        r#type: kind,
        ..Default::default()
    };
    for (request, text) in [
        (
            page(Some(0), 0),
            "Invalid Form Body\nIn limit: int value should be greater than or equal to 1.",
        ),
        (
            page(Some(101), 0),
            "Invalid Form Body\nIn limit: int value should be less than or equal to 100.",
        ),
        (
            page(None, 2),
            "Invalid Form Body\nIn type: Value must be one of {0, 1}.",
        ),
    ] {
        let status = client.get_reactions(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(
            details(&status),
            json!({"type": "HTTPException", "status": 400, "code": 50035, "text": text})
        );
    }
    assert!(requests_since(&stack, skip).is_empty());
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_per_channel_reaction_bucket_is_waited_out() {
    let stack = emoji_stack().await;
    let message = send(&stack, "many reactions").await.message.unwrap().id;
    let skip = stack.emulator.requests().len();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for emoji in ['🍎', '🍐', '🍊', '🍋', '🍌'] {
        let mut client = stack.client().await;
        tasks.spawn(async move {
            client
                .create_reaction(CreateReactionRequest {
                    channel_id: GENERAL,
                    message_id: message,
                    emoji: emoji.to_string(),
                    ..Default::default()
                })
                .await
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap().unwrap();
    }
    let elapsed = started.elapsed();
    let requests = requests_since(&stack, skip);
    let statuses: Vec<Option<u16>> = requests.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(204); 5], "no 429: the bucket is waited out");
    assert!(
        elapsed >= Duration::from_millis(900),
        "5 reactions at 1 per 250 ms take about 1 s: {elapsed:?}"
    );
    stack.stop().await;
}

/// `text` percent-encoded for a path segment.
fn percent(text: &str) -> String {
    text.bytes().map(|byte| format!("%{byte:02X}")).collect()
}
