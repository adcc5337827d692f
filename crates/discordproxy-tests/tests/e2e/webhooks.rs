//! Issue 13, webhooks: `CreateWebhook`, `GetChannelWebhooks`, `GetGuildWebhooks`,
//! `GetWebhook`, `ModifyWebhook`, `DeleteWebhook`, `ExecuteWebhook`, `GetWebhookMessage`,
//! `EditWebhookMessage` and `DeleteWebhookMessage` end to end against the emulator: the REST
//! request as the emulator recorded it (method, path, query, `X-Audit-Log-Reason` on the bot
//! routes, no `Authorization` on the token routes, the body judged by Discord's OpenAPI, also
//! as multipart), the typed answer and its `json`, Discord's errors as status + JSON details
//! (never showing the webhook token), the limits refused before any request, a deleted
//! webhook's 404 remembered in the negative cache, and ExecuteWebhook going at once while the
//! bot's global limit is used up.

use crate::message_support::{
    GENERAL, GUILD, READ_ONLY, UNKNOWN_CHANNEL, answered, audit_log_reason, discord_error,
    judge_body, judge_response, only_request_since, plain_text, refused_before_request,
    requests_since, route, skip, spec,
};
use discord_emulator::Options;
use discordproxy_proto::{
    CreateWebhookRequest, DeleteWebhookMessageRequest, DeleteWebhookRequest,
    EditWebhookMessageRequest, Embed, ExecuteWebhookRequest, File, GetChannelWebhooksRequest,
    GetGuildWebhooksRequest, GetWebhookMessageRequest, GetWebhookRequest, ModifyWebhookRequest,
    StartThreadWithoutMessageRequest, Webhook, discord_api_client::DiscordApiClient,
};
use discordproxy_server::RestOptions;
use discordproxy_tests::stack::Stack;
use serde_json::{Value, json};
use std::time::Duration;
use tonic::{Code, transport::Channel};

const BOT: u64 = 100_000_000_000_000_001;
const UNKNOWN_GUILD: u64 = 300_000_000_000_000_999;
const AVATAR: &str = "data:image/png;base64,iVBORw0KGgo=";

/// Creates a webhook in `#general`.
pub(crate) async fn create(client: &mut DiscordApiClient<Channel>, name: &str) -> Webhook {
    client
        .create_webhook(CreateWebhookRequest {
            channel_id: GENERAL,
            name: name.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .webhook
        .unwrap()
}

fn execute(webhook: &Webhook, content: &str) -> ExecuteWebhookRequest {
    ExecuteWebhookRequest {
        webhook_id: webhook.id,
        webhook_token: webhook.token.clone(),
        wait: true,
        content: content.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn webhooks_are_created_listed_read_modified_and_deleted_with_the_bot_token() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;

    let start = skip(&stack);
    let reply = client
        .create_webhook(CreateWebhookRequest {
            channel_id: GENERAL,
            name: "Alerts".into(),
            avatar: AVATAR.into(),
            audit_log_reason: "for alerts ✅".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let post = only_request_since(&stack, start);
    assert_eq!(route(&post), format!("POST /channels/{GENERAL}/webhooks"));
    assert!(post.authorization);
    assert_eq!(audit_log_reason(&post).as_deref(), Some("for alerts ✅"));
    assert_eq!(
        judge_body(&post),
        json!({"name": "Alerts", "avatar": AVATAR})
    );
    judge_response(&post);
    let webhook = reply.webhook.unwrap();
    assert_eq!(webhook.r#type, 1);
    assert_eq!((webhook.guild_id, webhook.channel_id), (GUILD, GENERAL));
    assert_eq!(webhook.name, "Alerts");
    assert_eq!(webhook.user.as_ref().unwrap().id, BOT);
    assert_eq!(webhook.avatar.len(), 32);
    assert_eq!(webhook.token.len(), 68);
    assert_eq!(
        serde_json::from_str::<Value>(&reply.json).unwrap(),
        answered(&post)
    );

    let start = skip(&stack);
    let listed = client
        .get_channel_webhooks(GetChannelWebhooksRequest {
            channel_id: GENERAL,
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, start);
    assert_eq!(route(&get), format!("GET /channels/{GENERAL}/webhooks"));
    judge_response(&get);
    assert_eq!(listed.webhooks, std::slice::from_ref(&webhook));
    let start = skip(&stack);
    let guild = client
        .get_guild_webhooks(GetGuildWebhooksRequest { guild_id: GUILD })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, start);
    assert_eq!(route(&get), format!("GET /guilds/{GUILD}/webhooks"));
    judge_response(&get);
    assert_eq!(guild.webhooks[0].id, webhook.id);
    let start = skip(&stack);
    let got = client
        .get_webhook(GetWebhookRequest {
            webhook_id: webhook.id,
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, start);
    assert_eq!(route(&get), format!("GET /webhooks/{}", webhook.id));
    assert!(get.authorization);
    judge_response(&get);
    assert_eq!(got.webhook.unwrap(), webhook);

    // Presence-based modify: only the name, and the avatar cleared with null.
    let start = skip(&stack);
    let modified = client
        .modify_webhook(ModifyWebhookRequest {
            webhook_id: webhook.id,
            name: Some("Renamed".into()),
            clear_fields: vec!["avatar".into()],
            audit_log_reason: "rename".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let patch = only_request_since(&stack, start);
    assert_eq!(route(&patch), format!("PATCH /webhooks/{}", webhook.id));
    assert_eq!(audit_log_reason(&patch).as_deref(), Some("rename"));
    assert_eq!(
        judge_body(&patch),
        json!({"name": "Renamed", "avatar": null})
    );
    judge_response(&patch);
    let renamed = modified.webhook.unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.avatar.as_str()),
        ("Renamed", "")
    );
    let start = skip(&stack);
    let status = client
        .modify_webhook(ModifyWebhookRequest {
            webhook_id: webhook.id,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(plain_text(&status).starts_with("ModifyWebhook sets nothing"));
    assert!(requests_since(&stack, start).is_empty());

    let start = skip(&stack);
    client
        .delete_webhook(DeleteWebhookRequest {
            webhook_id: webhook.id,
            audit_log_reason: "done".into(),
        })
        .await
        .unwrap();
    let delete = only_request_since(&stack, start);
    assert_eq!(route(&delete), format!("DELETE /webhooks/{}", webhook.id));
    assert_eq!(audit_log_reason(&delete).as_deref(), Some("done"));
    assert_eq!(delete.status, Some(204));
    // Discord's 404/10015 is remembered: the second call sends nothing.
    let status = client
        .get_webhook(GetWebhookRequest {
            webhook_id: webhook.id,
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10015, "Unknown Webhook");
    let start = skip(&stack);
    for _ in 0..2 {
        let status = client
            .delete_webhook(DeleteWebhookRequest {
                webhook_id: webhook.id,
                ..Default::default()
            })
            .await
            .unwrap_err();
        discord_error(&status, Code::NotFound, 404, 10015, "Unknown Webhook");
    }
    assert!(requests_since(&stack, start).is_empty(), "negative cache");
    stack.stop().await;
}

#[tokio::test]
async fn the_bot_routes_answer_discords_errors_and_refuse_bad_names_before_any_request() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let status = client
        .create_webhook(CreateWebhookRequest {
            channel_id: READ_ONLY,
            name: "x".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(
        &status,
        Code::PermissionDenied,
        403,
        50013,
        "Missing Permissions",
    );
    let status = client
        .get_channel_webhooks(GetChannelWebhooksRequest {
            channel_id: UNKNOWN_CHANNEL,
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10003, "Unknown Channel");
    let status = client
        .get_guild_webhooks(GetGuildWebhooksRequest {
            guild_id: UNKNOWN_GUILD,
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10004, "Unknown Guild");
    let status = client
        .modify_webhook(ModifyWebhookRequest {
            webhook_id: 1,
            name: Some("x".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10015, "Unknown Webhook");
    for (name, line) in [
        ("", "In name: Must be between 1 and 80 in length."),
        (
            &*"x".repeat(81),
            "In name: Must be between 1 and 80 in length.",
        ),
        ("Clyde's hook", "In name: Username cannot contain \"clyde\""),
        ("my discord", "In name: Username cannot contain \"discord\""),
    ] {
        let start = skip(&stack);
        let status = client
            .create_webhook(CreateWebhookRequest {
                channel_id: GENERAL,
                name: name.into(),
                ..Default::default()
            })
            .await
            .unwrap_err();
        refused_before_request(&stack, start, &status, line);
    }
    let start = skip(&stack);
    let status = client
        .modify_webhook(ModifyWebhookRequest {
            webhook_id: 1,
            name: Some("DISCORD".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    refused_before_request(
        &stack,
        start,
        &status,
        "In name: Username cannot contain \"discord\"",
    );
    // 15 webhooks per channel: Discord's 30007.
    for n in 0..15 {
        create(&mut client, &format!("hook {n}")).await;
    }
    let status = client
        .create_webhook(CreateWebhookRequest {
            channel_id: GENERAL,
            name: "one more".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(
        &status,
        Code::InvalidArgument,
        400,
        30007,
        "Maximum number of webhooks reached (15)",
    );
    stack.stop().await;
}

#[tokio::test]
async fn execute_and_the_webhook_message_rpcs_go_with_the_token_and_without_the_bot_token() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let webhook = create(&mut client, "Alerts").await;
    let token_path = format!("/webhooks/{}/{}", webhook.id, webhook.token);

    let start = skip(&stack);
    let reply = client
        .execute_webhook(ExecuteWebhookRequest {
            username: "Ops".into(),
            embeds: vec![Embed {
                title: "t".into(),
                ..Default::default()
            }],
            ..execute(&webhook, "hello")
        })
        .await
        .unwrap()
        .into_inner();
    let post = only_request_since(&stack, start);
    assert_eq!(route(&post), format!("POST {token_path}"));
    assert_eq!(post.query, "wait=true");
    assert!(!post.authorization, "no bot token on a webhook-token route");
    assert_eq!(post.audit_log_reason, None);
    assert_eq!(
        judge_body(&post),
        json!({"content": "hello", "embeds": [{"title": "t"}], "username": "Ops"})
    );
    judge_response(&post);
    assert!(reply.created);
    let message = reply.message.unwrap();
    assert_eq!(message.content, "hello");
    assert_eq!(message.channel_id, GENERAL);
    let author = message.author.unwrap();
    assert_eq!((author.id, author.username.as_str()), (webhook.id, "Ops"));
    assert!(author.bot);
    assert_eq!(
        serde_json::from_str::<Value>(&reply.json).unwrap(),
        answered(&post)
    );

    // Without wait Discord answers 204: the response says so.
    let start = skip(&stack);
    let quiet = client
        .execute_webhook(ExecuteWebhookRequest {
            wait: false,
            ..execute(&webhook, "quiet")
        })
        .await
        .unwrap()
        .into_inner();
    let post = only_request_since(&stack, start);
    assert_eq!((post.query.as_str(), post.status), ("", Some(204)));
    assert!(!quiet.created);
    assert_eq!((quiet.message, quiet.json.as_str()), (None, ""));

    // Files go as multipart, judged by Discord's multipart schema.
    let start = skip(&stack);
    let with_file = client
        .execute_webhook(ExecuteWebhookRequest {
            files: vec![File {
                filename: "a.txt".into(),
                data: b"abc".to_vec().into(),
                content_type: "text/plain".into(),
                ..Default::default()
            }],
            ..execute(&webhook, "a file")
        })
        .await
        .unwrap()
        .into_inner();
    let post = only_request_since(&stack, start);
    let names: Vec<String> = post
        .parts
        .as_ref()
        .unwrap()
        .iter()
        .map(|part| part.name.clone())
        .collect();
    assert_eq!(names, ["payload_json", "files[0]"]);
    let payload = post.body.clone().unwrap();
    // Discord's spec declares no `files[n]` parts for Execute Webhook (its docs do): the
    // payload is judged by the multipart schema, the part names above by Discord's docs.
    spec()
        .validate_multipart_request(&post.method, &post.path, &payload, &["payload_json"])
        .unwrap();
    assert_eq!(payload["attachments"][0]["filename"], json!("a.txt"));
    assert_eq!(with_file.message.unwrap().attachments.len(), 1);

    // thread_id posts into a thread of the webhook's channel, and finds the message there.
    let thread = client
        .start_thread_without_message(StartThreadWithoutMessageRequest {
            channel_id: GENERAL,
            name: "alerts thread".into(),
            r#type: Some(11),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .channel
        .unwrap();
    let start = skip(&stack);
    let in_thread = client
        .execute_webhook(ExecuteWebhookRequest {
            thread_id: thread.id,
            ..execute(&webhook, "in the thread")
        })
        .await
        .unwrap()
        .into_inner();
    let post = only_request_since(&stack, start);
    assert_eq!(post.query, format!("wait=true&thread_id={}", thread.id));
    let threaded = in_thread.message.unwrap();
    assert_eq!(threaded.channel_id, thread.id);
    let start = skip(&stack);
    client
        .get_webhook_message(GetWebhookMessageRequest {
            webhook_id: webhook.id,
            webhook_token: webhook.token.clone(),
            message_id: threaded.id,
            thread_id: thread.id,
        })
        .await
        .unwrap();
    assert_eq!(
        only_request_since(&stack, start).query,
        format!("thread_id={}", thread.id)
    );

    let start = skip(&stack);
    let read = client
        .get_webhook_message(GetWebhookMessageRequest {
            webhook_id: webhook.id,
            webhook_token: webhook.token.clone(),
            message_id: message.id,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, start);
    assert_eq!(
        route(&get),
        format!("GET {token_path}/messages/{}", message.id)
    );
    assert!(!get.authorization);
    judge_response(&get);
    assert_eq!(read.message.unwrap().content, "hello");

    let start = skip(&stack);
    let edited = client
        .edit_webhook_message(EditWebhookMessageRequest {
            webhook_id: webhook.id,
            webhook_token: webhook.token.clone(),
            message_id: message.id,
            content: Some("edited".into()),
            clear_fields: vec!["embeds".into()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let patch = only_request_since(&stack, start);
    assert_eq!(
        route(&patch),
        format!("PATCH {token_path}/messages/{}", message.id)
    );
    assert!(!patch.authorization);
    assert_eq!(
        judge_body(&patch),
        json!({"content": "edited", "embeds": null})
    );
    judge_response(&patch);
    let edited = edited.message.unwrap();
    assert_eq!(edited.content, "edited");
    assert!(edited.embeds.is_empty());

    let start = skip(&stack);
    client
        .delete_webhook_message(DeleteWebhookMessageRequest {
            webhook_id: webhook.id,
            webhook_token: webhook.token.clone(),
            message_id: message.id,
            ..Default::default()
        })
        .await
        .unwrap();
    let delete = only_request_since(&stack, start);
    assert_eq!(
        route(&delete),
        format!("DELETE {token_path}/messages/{}", message.id)
    );
    assert!(!delete.authorization);
    assert_eq!(delete.status, Some(204));
    let status = client
        .get_webhook_message(GetWebhookMessageRequest {
            webhook_id: webhook.id,
            webhook_token: webhook.token.clone(),
            message_id: message.id,
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10008, "Unknown Message");
    stack.stop().await;
}

#[tokio::test]
async fn token_errors_never_show_the_token_nor_stop_the_bot_and_limits_refuse_first() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let webhook = create(&mut client, "Alerts").await;
    let wrong = "WRONGwebhookTOKENcanary";
    let status = client
        .execute_webhook(ExecuteWebhookRequest {
            webhook_token: wrong.into(),
            ..execute(&webhook, "x")
        })
        .await
        .unwrap_err();
    discord_error(
        &status,
        Code::Unauthenticated,
        401,
        50027,
        "Invalid Webhook Token",
    );
    assert!(!status.message().contains(wrong));
    for (index, status) in [
        client
            .edit_webhook_message(EditWebhookMessageRequest {
                webhook_id: webhook.id,
                webhook_token: wrong.into(),
                message_id: 1,
                content: Some("x".into()),
                ..Default::default()
            })
            .await
            .unwrap_err(),
        client
            .delete_webhook_message(DeleteWebhookMessageRequest {
                webhook_id: webhook.id,
                webhook_token: wrong.into(),
                message_id: 1,
                ..Default::default()
            })
            .await
            .unwrap_err(),
    ]
    .iter()
    .enumerate()
    {
        discord_error(
            status,
            Code::Unauthenticated,
            401,
            50027,
            "Invalid Webhook Token",
        );
        assert!(!status.message().contains(wrong), "{index}");
    }
    // A webhook token's 401 is not the bot's: bot calls still go.
    client
        .get_webhook(GetWebhookRequest {
            webhook_id: webhook.id,
        })
        .await
        .unwrap();

    let start = skip(&stack);
    let status = client
        .execute_webhook(execute(&webhook, &"x".repeat(2001)))
        .await
        .unwrap_err();
    refused_before_request(
        &stack,
        start,
        &status,
        "In content: Must be 2000 or fewer in length.",
    );
    let status = client
        .execute_webhook(ExecuteWebhookRequest {
            username: "Discord bot".into(),
            ..execute(&webhook, "x")
        })
        .await
        .unwrap_err();
    refused_before_request(
        &stack,
        start,
        &status,
        "In username: Username cannot contain \"discord\"",
    );
    let status = client
        .execute_webhook(ExecuteWebhookRequest {
            embeds: (0..11)
                .map(|_| Embed {
                    title: "t".into(),
                    ..Default::default()
                })
                .collect(),
            ..execute(&webhook, "x")
        })
        .await
        .unwrap_err();
    refused_before_request(&stack, start, &status, "In embeds: Must be 10 or fewer");
    let status = client
        .execute_webhook(ExecuteWebhookRequest {
            webhook_token: String::new(),
            ..execute(&webhook, "x")
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(plain_text(&status).starts_with("webhook_token is required"));
    assert!(requests_since(&stack, start).is_empty());

    // A deleted webhook: Discord's 404/10015 once, then the negative cache answers.
    client
        .delete_webhook(DeleteWebhookRequest {
            webhook_id: webhook.id,
            ..Default::default()
        })
        .await
        .unwrap();
    let start = skip(&stack);
    let status = client
        .execute_webhook(execute(&webhook, "gone"))
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10015, "Unknown Webhook");
    assert_eq!(requests_since(&stack, start).len(), 1);
    let start = skip(&stack);
    let status = client
        .get_webhook_message(GetWebhookMessageRequest {
            webhook_id: webhook.id,
            webhook_token: webhook.token.clone(),
            message_id: 1,
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10015, "Unknown Webhook");
    let status = client
        .execute_webhook(execute(&webhook, "gone again"))
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10015, "Unknown Webhook");
    assert!(
        requests_since(&stack, start).is_empty(),
        "the deleted webhook is not called again"
    );
    stack.stop().await;
}

#[tokio::test]
async fn a_forum_webhook_starts_a_post_with_thread_name_and_needs_one() {
    const FORUM: u64 = 400_000_000_000_000_005;
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let webhook = client
        .create_webhook(CreateWebhookRequest {
            channel_id: FORUM,
            name: "Posts".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .webhook
        .unwrap();
    let status = client
        .execute_webhook(execute(&webhook, "no thread"))
        .await
        .unwrap_err();
    discord_error(
        &status,
        Code::InvalidArgument,
        400,
        220001,
        "Webhooks posted to forum channels must have a thread_name or thread_id",
    );
    let start = skip(&stack);
    let reply = client
        .execute_webhook(ExecuteWebhookRequest {
            thread_name: "A post".into(),
            ..execute(&webhook, "first")
        })
        .await
        .unwrap()
        .into_inner();
    let post = only_request_since(&stack, start);
    assert_eq!(
        judge_body(&post),
        json!({"content": "first", "thread_name": "A post"})
    );
    judge_response(&post);
    let message = reply.message.unwrap();
    assert_eq!(
        message.id, message.channel_id,
        "a post's first message has its id"
    );
    stack.stop().await;
}

/// A bot call with a short deadline: refused at once while the global budget is used up.
async fn global_budget_is_used_up(stack: &Stack, client: &mut DiscordApiClient<Channel>) -> bool {
    let start = skip(stack);
    let mut request = tonic::Request::new(GetGuildWebhooksRequest { guild_id: GUILD });
    request.set_timeout(Duration::from_millis(300));
    let refused = client.get_guild_webhooks(request).await.is_err();
    refused && requests_since(stack, start).is_empty()
}

#[tokio::test]
async fn execute_webhook_never_waits_behind_the_bots_global_limit() {
    // The server's global budget is 1 request per second: one bot call uses it up.
    let rest = RestOptions {
        global_rate_limit: 1,
        ..RestOptions::default()
    };
    let stack = Stack::start_with_rest_options(Options::default(), &rest).await;
    let mut client = stack.client().await;
    let webhook = create(&mut client, "Fast").await;
    for attempt in 0.. {
        assert!(attempt < 10, "the global budget was never seen used up");
        // Use the budget (or wait for the next second's, then use it).
        client
            .get_channel_webhooks(GetChannelWebhooksRequest {
                channel_id: GENERAL,
            })
            .await
            .unwrap();
        if !global_budget_is_used_up(&stack, &mut client).await {
            continue;
        }
        // The webhook goes at once, with the same short deadline the bot call could not meet.
        let start = skip(&stack);
        let mut request = tonic::Request::new(execute(&webhook, "urgent"));
        request.set_timeout(Duration::from_millis(300));
        let reply = client.execute_webhook(request).await.unwrap().into_inner();
        assert!(reply.created);
        assert_eq!(requests_since(&stack, start).len(), 1);
        if global_budget_is_used_up(&stack, &mut client).await {
            break;
        }
    }
    stack.stop().await;
}

#[tokio::test]
async fn concurrent_executes_of_one_webhook_learn_its_bucket_and_meet_no_429() {
    // The emulator limits executing a webhook to 5 per 2 s per webhook (id + token).
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let webhook = create(&mut client, "Busy").await;
    let start = skip(&stack);
    let mut calls = Vec::new();
    for index in 0..8 {
        let mut client = client.clone();
        let request = execute(&webhook, &format!("busy {index}"));
        calls.push(tokio::spawn(async move {
            client.execute_webhook(request).await.map(|_| ())
        }));
    }
    for call in calls {
        call.await.unwrap().unwrap();
    }
    let statuses: Vec<_> = requests_since(&stack, start)
        .iter()
        .filter(|request| request.path.starts_with("/api/v10/webhooks/"))
        .map(|request| request.status)
        .collect();
    assert_eq!(
        statuses
            .iter()
            .filter(|status| **status == Some(429))
            .count(),
        0,
        "{statuses:?}"
    );
    assert_eq!(statuses.len(), 8, "{statuses:?}");
    stack.stop().await;
}
