//! Issue 13, interactions: `CreateInteractionResponse`, `GetOriginalInteractionResponse`,
//! `EditOriginalInteractionResponse`, `DeleteOriginalInteractionResponse`,
//! `CreateFollowupMessage`, `GetFollowupMessage`, `EditFollowupMessage` and
//! `DeleteFollowupMessage` end to end against the emulator, with
//! interactions made by its control route `POST /_emulator/interactions`: the REST request as
//! the emulator recorded it (path, `with_response`, no `Authorization`), the body judged by
//! Discord's OpenAPI (also as multipart), the typed answer and its `json`, what the emulator
//! recorded, Discord's errors (404/10062, 400/40060) never showing the token, and the 3 s rule
//! (`DEADLINE_EXCEEDED` without a request), the responses going at once while the bot's
//! global limit is used up, and INTERACTION_CREATE typed over `StreamEvents`.

use crate::message_support::{
    GENERAL, GUILD, answered, details, fresh_snowflake, judge_body, judge_response,
    only_request_since, plain_refusal, requests_since, route, skip, spec,
};
use discordproxy_proto::{
    ApplicationCommandOptionChoice, Component, CreateFollowupMessageRequest,
    CreateInteractionResponseRequest, DeleteFollowupMessageRequest,
    DeleteOriginalInteractionResponseRequest, EditFollowupMessageRequest,
    EditOriginalInteractionResponseRequest, File, GetFollowupMessageRequest,
    GetOriginalInteractionResponseRequest, application_command_option_choice::Value as ChoiceValue,
};
use discordproxy_tests::stack::Stack;
use serde_json::{Value, json};
use tonic::Code;

const ALICE: &str = "200000000000000001";
const BOT: u64 = 100_000_000_000_000_001;

/// Makes an interaction of ALICE in #general by the emulator's control route; returns (id,
/// token).
async fn interact(stack: &Stack, kind: u64, data: Value) -> (u64, String) {
    let created: Value = reqwest::Client::new()
        .post(format!(
            "{}/_emulator/interactions",
            stack.emulator.base_url()
        ))
        .json(&json!({"type": kind, "guild_id": GUILD.to_string(),
            "channel_id": GENERAL.to_string(), "user_id": ALICE, "data": data}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (
        created["id"].as_str().unwrap().parse().unwrap(),
        created["token"].as_str().unwrap().to_owned(),
    )
}

/// What the emulator recorded of interaction `id`.
async fn report(stack: &Stack, id: u64) -> Value {
    reqwest::Client::new()
        .get(format!(
            "{}/_emulator/interactions/{id}",
            stack.emulator.base_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn command() -> Value {
    json!({"id": "900000000000000001", "name": "ping", "type": 1})
}

fn respond(id: u64, token: &str, kind: u32) -> CreateInteractionResponseRequest {
    CreateInteractionResponseRequest {
        interaction_id: id,
        interaction_token: token.to_owned(),
        r#type: kind,
        ..Default::default()
    }
}

#[tokio::test]
async fn a_channel_message_response_goes_with_the_token_and_without_the_bot_token() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let (id, token) = interact(&stack, 2, command()).await;

    let start = skip(&stack);
    let reply = client
        .create_interaction_response(CreateInteractionResponseRequest {
            content: "pong".into(),
            with_response: true,
            ..respond(id, &token, 4)
        })
        .await
        .unwrap()
        .into_inner();
    let post = only_request_since(&stack, start);
    assert_eq!(
        route(&post),
        format!("POST /interactions/{id}/{token}/callback")
    );
    assert_eq!(post.query, "with_response=true");
    assert!(!post.authorization, "no bot token on an interaction route");
    assert_eq!(
        judge_body(&post),
        json!({"type": 4, "data": {"content": "pong"}})
    );
    judge_response(&post);
    assert!(reply.answered);
    let message = reply.message.unwrap();
    assert_eq!(message.content, "pong");
    assert_eq!(message.channel_id, GENERAL);
    assert_eq!(reply.response_message_id, message.id);
    assert_eq!(
        serde_json::from_str::<Value>(&reply.json).unwrap(),
        answered(&post)
    );
    let recorded = report(&stack, id).await;
    assert_eq!(recorded["initial_response"]["type"], json!(4));
    assert!(recorded["initial_response"]["after_ms"].as_u64().unwrap() < 3000);

    // A second initial response: Discord's 400/40060, the token shown nowhere.
    let status = client
        .create_interaction_response(CreateInteractionResponseRequest {
            content: "twice".into(),
            ..respond(id, &token, 4)
        })
        .await
        .unwrap_err();
    let error = details(&status);
    assert_eq!(
        (error["status"].clone(), error["code"].clone()),
        (json!(400), json!(40060)),
        "{status:?}"
    );
    assert_eq!(
        error["text"],
        json!("Interaction has already been acknowledged.")
    );
    assert!(!status.message().contains(&token));
}

#[tokio::test]
async fn every_callback_type_is_sent_as_discord_documents() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;

    // Deferred, ephemeral: Discord's 204.
    let (id, token) = interact(&stack, 2, command()).await;
    let start = skip(&stack);
    let reply = client
        .create_interaction_response(CreateInteractionResponseRequest {
            flags: 64,
            ..respond(id, &token, 5)
        })
        .await
        .unwrap()
        .into_inner();
    let post = only_request_since(&stack, start);
    assert_eq!((post.query.as_str(), post.status), ("", Some(204)));
    assert_eq!(judge_body(&post), json!({"type": 5, "data": {"flags": 64}}));
    assert!(!reply.answered);
    assert_eq!((reply.message, reply.json.as_str()), (None, ""));

    // A modal.
    let (id, token) = interact(&stack, 2, command()).await;
    let start = skip(&stack);
    client
        .create_interaction_response(CreateInteractionResponseRequest {
            custom_id: "feedback".into(),
            title: "Feedback".into(),
            components: vec![Component {
                r#type: 1,
                components: vec![Component {
                    r#type: 4,
                    custom_id: "text".into(),
                    label: "Text".into(),
                    style: 1,
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..respond(id, &token, 9)
        })
        .await
        .unwrap();
    let post = only_request_since(&stack, start);
    let body = judge_body(&post);
    assert_eq!(body["data"]["custom_id"], json!("feedback"));
    assert_eq!(
        body["data"]["components"][0]["components"][0]["type"],
        json!(4)
    );
    assert_eq!(
        report(&stack, id).await["initial_response"]["type"],
        json!(9)
    );

    // Autocomplete choices.
    let (id, token) = interact(
        &stack,
        4,
        json!({"id": "900000000000000002", "name": "pick", "type": 1,
            "options": [{"name": "x", "type": 3, "value": "a", "focused": true}]}),
    )
    .await;
    let start = skip(&stack);
    client
        .create_interaction_response(CreateInteractionResponseRequest {
            choices: vec![ApplicationCommandOptionChoice {
                name: "Apple".into(),
                value: Some(ChoiceValue::StringValue("apple".into())),
                ..Default::default()
            }],
            ..respond(id, &token, 8)
        })
        .await
        .unwrap();
    let post = only_request_since(&stack, start);
    assert_eq!(
        judge_body(&post),
        json!({"type": 8, "data": {"choices": [{"name": "Apple", "value": "apple"}]}})
    );

    // A message with a file goes as multipart.
    let (id, token) = interact(&stack, 2, command()).await;
    let start = skip(&stack);
    let reply = client
        .create_interaction_response(CreateInteractionResponseRequest {
            content: "a file".into(),
            with_response: true,
            files: vec![File {
                filename: "a.txt".into(),
                data: b"abc".to_vec().into(),
                content_type: "text/plain".into(),
                ..Default::default()
            }],
            ..respond(id, &token, 4)
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
    spec()
        .validate_multipart_request(&post.method, &post.path, &payload, &["payload_json"])
        .unwrap();
    assert_eq!(reply.message.unwrap().attachments.len(), 1);
}

#[tokio::test]
async fn late_unknown_and_malformed_responses_are_refused() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;

    // An interaction older than 3 s (by its snowflake): no request, DEADLINE_EXCEEDED.
    let old = fresh_snowflake(0) - (4_000 << 22);
    let start = skip(&stack);
    let status = client
        .create_interaction_response(CreateInteractionResponseRequest {
            content: "late".into(),
            ..respond(old, "SECRETinteractionTOKEN", 4)
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    assert!(status.message().contains("3 s"), "{}", status.message());
    assert!(!status.message().contains("SECRETinteractionTOKEN"));
    assert!(requests_since(&stack, start).is_empty());

    // A wrong token: Discord's 404/10062, the token shown nowhere.
    let (id, _) = interact(&stack, 2, command()).await;
    let wrong = "WRONGinteractionTOKENcanary";
    let status = client
        .create_interaction_response(CreateInteractionResponseRequest {
            content: "x".into(),
            ..respond(id, wrong, 4)
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound, "{status:?}");
    let error = details(&status);
    assert_eq!(
        (error["status"].clone(), error["code"].clone()),
        (json!(404), json!(10062))
    );
    assert_eq!(error["text"], json!("Unknown interaction"));
    assert!(!status.message().contains(wrong));

    // Refused before any request: a type that is not a callback type, fields of another type,
    // no token, no id.
    let (id, token) = interact(&stack, 2, command()).await;
    let start = skip(&stack);
    let status = client
        .create_interaction_response(respond(id, &token, 2))
        .await
        .unwrap_err();
    plain_refusal(&stack, start, &status, "not a callback type");
    let status = client
        .create_interaction_response(CreateInteractionResponseRequest {
            custom_id: "x".into(),
            ..respond(id, &token, 4)
        })
        .await
        .unwrap_err();
    plain_refusal(&stack, start, &status, "custom_id");
    let status = client
        .create_interaction_response(respond(id, "", 4))
        .await
        .unwrap_err();
    plain_refusal(&stack, start, &status, "interaction_token is required");
    let status = client
        .create_interaction_response(respond(0, &token, 4))
        .await
        .unwrap_err();
    plain_refusal(&stack, start, &status, "interaction_id");
}

#[tokio::test]
async fn a_deferred_response_is_edited_and_followed_up_with_the_token_only() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let (id, token) = interact(&stack, 2, command()).await;
    let base = format!("/webhooks/{BOT}/{token}");

    // Before the initial response the webhook routes answer 404/10015 (the emulator's guess).
    let status = client
        .get_original_interaction_response(GetOriginalInteractionResponseRequest {
            interaction_token: token.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound, "{status:?}");
    assert_eq!(details(&status)["code"], json!(10015));
    assert!(!status.message().contains(&token));

    client
        .create_interaction_response(respond(id, &token, 5))
        .await
        .unwrap();

    let start = skip(&stack);
    let edited = client
        .edit_original_interaction_response(EditOriginalInteractionResponseRequest {
            interaction_token: token.clone(),
            content: Some("done".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let patch = only_request_since(&stack, start);
    assert_eq!(route(&patch), format!("PATCH {base}/messages/@original"));
    assert!(!patch.authorization);
    assert_eq!(judge_body(&patch), json!({"content": "done"}));
    judge_response(&patch);
    let original = edited.message.unwrap();
    assert_eq!(original.content, "done");
    assert_eq!(
        serde_json::from_str::<Value>(&edited.json).unwrap(),
        answered(&patch)
    );

    let start = skip(&stack);
    let got = client
        .get_original_interaction_response(GetOriginalInteractionResponseRequest {
            interaction_token: token.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, start);
    assert_eq!(route(&get), format!("GET {base}/messages/@original"));
    assert!(!get.authorization);
    judge_response(&get);
    assert_eq!(got.message.unwrap().id, original.id);

    // A follow-up with a file (multipart), read, edited and deleted.
    let start = skip(&stack);
    let followup = client
        .create_followup_message(CreateFollowupMessageRequest {
            interaction_token: token.clone(),
            content: "a file".into(),
            files: vec![File {
                filename: "a.txt".into(),
                data: b"abc".to_vec().into(),
                content_type: "text/plain".into(),
                ..Default::default()
            }],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let post = only_request_since(&stack, start);
    assert_eq!(route(&post), format!("POST {base}"));
    assert_eq!(post.query, "wait=true");
    assert!(!post.authorization);
    let payload = post.body.clone().unwrap();
    spec()
        .validate_multipart_request(&post.method, &post.path, &payload, &["payload_json"])
        .unwrap();
    let message = followup.message.unwrap();
    assert_eq!(message.content, "a file");
    assert_eq!(message.attachments.len(), 1);
    assert_eq!(
        serde_json::from_str::<Value>(&followup.json).unwrap(),
        answered(&post)
    );

    let start = skip(&stack);
    let got = client
        .get_followup_message(GetFollowupMessageRequest {
            interaction_token: token.clone(),
            message_id: message.id,
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, start);
    assert_eq!(route(&get), format!("GET {base}/messages/{}", message.id));
    judge_response(&get);
    assert_eq!(got.message.unwrap().content, "a file");

    let start = skip(&stack);
    let changed = client
        .edit_followup_message(EditFollowupMessageRequest {
            interaction_token: token.clone(),
            message_id: message.id,
            content: Some("changed".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let patch = only_request_since(&stack, start);
    assert_eq!(
        route(&patch),
        format!("PATCH {base}/messages/{}", message.id)
    );
    assert_eq!(judge_body(&patch), json!({"content": "changed"}));
    judge_response(&patch);
    assert_eq!(changed.message.unwrap().content, "changed");

    let start = skip(&stack);
    client
        .delete_followup_message(DeleteFollowupMessageRequest {
            interaction_token: token.clone(),
            message_id: message.id,
        })
        .await
        .unwrap();
    let delete = only_request_since(&stack, start);
    assert_eq!(
        route(&delete),
        format!("DELETE {base}/messages/{}", message.id)
    );
    assert_eq!(delete.status, Some(204));
    let status = client
        .get_followup_message(GetFollowupMessageRequest {
            interaction_token: token.clone(),
            message_id: message.id,
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound, "{status:?}");
    assert_eq!(details(&status)["code"], json!(10008));

    let recorded = report(&stack, id).await;
    assert_eq!(recorded["initial_response"]["type"], json!(5));
    assert_eq!(recorded["original_message"]["content"], json!("done"));

    let start = skip(&stack);
    client
        .delete_original_interaction_response(DeleteOriginalInteractionResponseRequest {
            interaction_token: token.clone(),
        })
        .await
        .unwrap();
    let delete = only_request_since(&stack, start);
    assert_eq!(route(&delete), format!("DELETE {base}/messages/@original"));
    assert!(!delete.authorization);
    let status = client
        .edit_original_interaction_response(EditOriginalInteractionResponseRequest {
            interaction_token: token.clone(),
            content: Some("gone".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound, "{status:?}");
    assert_eq!(details(&status)["code"], json!(10008));
}

#[tokio::test]
async fn a_wrong_interaction_token_is_discords_401_and_never_shown() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let wrong = "WRONGinteractionTOKENcanary";
    let statuses = [
        client
            .get_original_interaction_response(GetOriginalInteractionResponseRequest {
                interaction_token: wrong.into(),
            })
            .await
            .unwrap_err(),
        client
            .edit_original_interaction_response(EditOriginalInteractionResponseRequest {
                interaction_token: wrong.into(),
                content: Some("x".into()),
                ..Default::default()
            })
            .await
            .unwrap_err(),
        client
            .delete_original_interaction_response(DeleteOriginalInteractionResponseRequest {
                interaction_token: wrong.into(),
            })
            .await
            .unwrap_err(),
        client
            .create_followup_message(CreateFollowupMessageRequest {
                interaction_token: wrong.into(),
                content: "x".into(),
                ..Default::default()
            })
            .await
            .unwrap_err(),
        client
            .get_followup_message(GetFollowupMessageRequest {
                interaction_token: wrong.into(),
                message_id: 1,
            })
            .await
            .unwrap_err(),
        client
            .edit_followup_message(EditFollowupMessageRequest {
                interaction_token: wrong.into(),
                message_id: 1,
                content: Some("x".into()),
                ..Default::default()
            })
            .await
            .unwrap_err(),
        client
            .delete_followup_message(DeleteFollowupMessageRequest {
                interaction_token: wrong.into(),
                message_id: 1,
            })
            .await
            .unwrap_err(),
    ];
    for (index, status) in statuses.iter().enumerate() {
        assert_eq!(status.code(), Code::Unauthenticated, "{index}: {status:?}");
        let error = details(status);
        assert_eq!(
            (error["status"].clone(), error["code"].clone()),
            (json!(401), json!(50027)),
            "{index}"
        );
        assert!(!status.message().contains(wrong));
    }
    // Refused before any request: no token, no message id.
    let start = skip(&stack);
    let status = client
        .create_followup_message(CreateFollowupMessageRequest {
            content: "x".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    plain_refusal(&stack, start, &status, "interaction_token is required");
    let status = client
        .get_followup_message(GetFollowupMessageRequest {
            interaction_token: "t".into(),
            message_id: 0,
        })
        .await
        .unwrap_err();
    plain_refusal(&stack, start, &status, "message_id");
}

#[tokio::test]
async fn interactions_arrive_typed_over_stream_events_and_are_answered_in_time() {
    use discordproxy_proto::{StreamEventsRequest, gateway_event::Typed};
    use discordproxy_server::{GatewayOptions, ShardCount};
    use std::time::Duration;
    use twilight_gateway::Intents;
    use twilight_model::gateway::presence::Status;

    const WAIT: Duration = Duration::from_secs(20);
    let mut options = discord_emulator::Options::new(discord_emulator::Fixture::default_fixture());
    options.rate_limits.mode = discord_emulator::config::RateLimits::Off;
    let gateway = GatewayOptions {
        intents: Intents::GUILDS,
        status: Status::Online,
        activity: None,
        shards: ShardCount::Auto,
        shared: None,
    };
    let stack = Stack::start_with_gateway(options, gateway, 1024).await;
    let mut client = stack.client().await;
    let mut events = client
        .stream_events(StreamEventsRequest {
            event_names: vec!["INTERACTION_CREATE".into()],
            guild_ids: vec![],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    tokio::time::timeout(WAIT, async {
        loop {
            let status = client
                .get_gateway_status(discordproxy_proto::GetGatewayStatusRequest {})
                .await
                .unwrap()
                .into_inner();
            if !status.shards.is_empty()
                && status
                    .shards
                    .iter()
                    .all(|shard| shard.state() == discordproxy_proto::shard_status::State::Ready)
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the server's shards are ready");

    let (id, token) = interact(
        &stack,
        2,
        json!({"id": "900000000000000001", "name": "ping", "type": 1,
            "options": [{"name": "text", "type": 3, "value": "hi"}]}),
    )
    .await;
    let event = tokio::time::timeout(WAIT, events.message())
        .await
        .expect("an event in time")
        .unwrap()
        .unwrap();
    assert_eq!(
        (event.name.as_str(), event.guild_id),
        ("INTERACTION_CREATE", GUILD)
    );
    let Some(Typed::Interaction(interaction)) = event.typed else {
        panic!("typed: {:?}", event.typed);
    };
    assert_eq!((interaction.id, interaction.r#type), (id, 2));
    assert_eq!(interaction.token, token);
    assert_eq!(interaction.application_id, BOT);
    assert_eq!(
        (interaction.guild_id, interaction.channel_id),
        (GUILD, GENERAL)
    );
    let member = interaction.member.unwrap();
    assert_eq!(member.user.unwrap().id.to_string(), ALICE);
    assert_eq!(interaction.command_name, "ping");
    assert_eq!(interaction.options[0].name, "text");
    assert_eq!(interaction.options[0].value_json, "\"hi\"");

    // Answered from the typed event alone.
    client
        .create_interaction_response(CreateInteractionResponseRequest {
            content: "pong".into(),
            ..respond(interaction.id, &interaction.token, 4)
        })
        .await
        .unwrap();
    let recorded = report(&stack, id).await;
    assert_eq!(recorded["initial_response"]["type"], json!(4));
    assert!(recorded["initial_response"]["after_ms"].as_u64().unwrap() < 3000);
}

#[tokio::test]
async fn interaction_responses_never_wait_behind_the_bots_global_limit() {
    use discordproxy_proto::{GetGuildRequest, discord_api_client::DiscordApiClient};
    use discordproxy_server::RestOptions;
    use std::time::Duration;
    use tonic::transport::Channel;

    /// A bot call with a short deadline: refused at once while the global budget is used up.
    async fn used_up(stack: &Stack, client: &mut DiscordApiClient<Channel>) -> bool {
        let start = skip(stack);
        let mut request = tonic::Request::new(GetGuildRequest {
            guild_id: GUILD,
            ..Default::default()
        });
        request.set_timeout(Duration::from_millis(300));
        let refused = client.get_guild(request).await.is_err();
        refused && requests_since(stack, start).is_empty()
    }

    // The server's global budget is 1 request per second: one bot call uses it up.
    let rest = RestOptions {
        global_rate_limit: 1,
        ..RestOptions::default()
    };
    let stack = Stack::start_with_rest_options(discord_emulator::Options::default(), &rest).await;
    let mut client = stack.client().await;
    for attempt in 0.. {
        assert!(attempt < 10, "the global budget was never seen used up");
        let (id, token) = interact(&stack, 2, command()).await;
        client
            .get_guild(GetGuildRequest {
                guild_id: GUILD,
                ..Default::default()
            })
            .await
            .unwrap();
        if !used_up(&stack, &mut client).await {
            continue;
        }
        // The response goes at once, with the short deadline the bot call could not meet.
        let start = skip(&stack);
        let mut request = tonic::Request::new(CreateInteractionResponseRequest {
            content: "urgent".into(),
            ..respond(id, &token, 4)
        });
        request.set_timeout(Duration::from_millis(300));
        client.create_interaction_response(request).await.unwrap();
        assert_eq!(requests_since(&stack, start).len(), 1);
        if used_up(&stack, &mut client).await {
            break;
        }
    }
    stack.stop().await;
}
