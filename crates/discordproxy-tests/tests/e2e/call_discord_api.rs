//! Issue 12, any route: `CallDiscordApi` end to end against the emulator on routes without a
//! typed RPC: what Discord receives (method, path, query, body, `X-Audit-Log-Reason`),
//! Discord's status and JSON, Discord's errors, path refusals without a request, rate limits
//! (one bucket per template and major parameter, shared with the typed RPCs), and API keys
//! limited to route templates.

use crate::message_support::{
    GENERAL, GUILD, audit_log_reason, details, only_request_since, plain_text, requests_since,
    route,
};
use discord_emulator::{Fixture, Options, RouteLimit};
use discordproxy_proto::{
    CallDiscordApiRequest, CallDiscordApiResponse, QueryParam, SendChannelMessageRequest,
    discord_api_client::DiscordApiClient,
};
use discordproxy_server::{ApiKeys, ServeOptions, run_server_with};
use discordproxy_tests::stack::{self, Stack};
use serde_json::{Value, json};
use std::{sync::Arc, time::Duration};
use tonic::{Code, transport::Channel};

fn call(method: &str, path: &str) -> CallDiscordApiRequest {
    CallDiscordApiRequest {
        method: method.into(),
        path: path.into(),
        ..Default::default()
    }
}

async fn ok(stack: &Stack, request: CallDiscordApiRequest) -> CallDiscordApiResponse {
    stack
        .client()
        .await
        .call_discord_api(request)
        .await
        .unwrap_or_else(|status| panic!("{status:?}"))
        .into_inner()
}

#[tokio::test]
async fn modify_channel_sends_method_path_body_and_reason() {
    let stack = Stack::start().await;
    let skip = stack.emulator.requests().len();
    let answer = ok(
        &stack,
        CallDiscordApiRequest {
            json: r#"{"name": "renamed", "topic": "via any route"}"#.into(),
            audit_log_reason: "tidy up: names ✓".into(),
            ..call("PATCH", &format!("/channels/{GENERAL}"))
        },
    )
    .await;
    let patch = only_request_since(&stack, skip);
    assert_eq!(route(&patch), format!("PATCH /channels/{GENERAL}"));
    assert_eq!(
        patch.body,
        Some(json!({"name": "renamed", "topic": "via any route"}))
    );
    assert_eq!(
        audit_log_reason(&patch).as_deref(),
        Some("tidy up: names ✓")
    );
    assert_eq!(answer.status, 200);
    let body: Value = serde_json::from_str(&answer.json).unwrap();
    assert_eq!(Some(&body), patch.response.as_ref());
    assert_eq!(body["name"], "renamed");
    stack.stop().await;
}

#[tokio::test]
async fn create_and_delete_a_guild_channel_with_discords_statuses() {
    let stack = Stack::start().await;
    let skip = stack.emulator.requests().len();
    let created = ok(
        &stack,
        CallDiscordApiRequest {
            json: r#"{"name": "pass-through", "type": 0}"#.into(),
            ..call("POST", &format!("/guilds/{GUILD}/channels"))
        },
    )
    .await;
    assert_eq!(created.status, 201);
    let channel: Value = serde_json::from_str(&created.json).unwrap();
    assert_eq!(channel["name"], "pass-through");
    let post = only_request_since(&stack, skip);
    assert_eq!(route(&post), format!("POST /guilds/{GUILD}/channels"));
    assert_eq!(audit_log_reason(&post), None);
    let id = channel["id"].as_str().unwrap().to_owned();
    let deleted = ok(
        &stack,
        CallDiscordApiRequest {
            audit_log_reason: "gone".into(),
            ..call("DELETE", &format!("/channels/{id}"))
        },
    )
    .await;
    assert_eq!(deleted.status, 200);
    let requests = requests_since(&stack, skip);
    assert_eq!(route(&requests[1]), format!("DELETE /channels/{id}"));
    assert_eq!(audit_log_reason(&requests[1]).as_deref(), Some("gone"));
    assert_eq!(requests[1].body, None);
    stack.stop().await;
}

#[tokio::test]
async fn query_parameters_are_percent_encoded_in_order() {
    let stack = Stack::start().await;
    let skip = stack.emulator.requests().len();
    let answer = ok(
        &stack,
        CallDiscordApiRequest {
            query: vec![
                QueryParam {
                    name: "with_counts".into(),
                    value: "true".into(),
                },
                QueryParam {
                    name: "note".into(),
                    value: "a b&c=d/é".into(),
                },
            ],
            ..call("GET", &format!("/guilds/{GUILD}"))
        },
    )
    .await;
    let get = only_request_since(&stack, skip);
    assert_eq!(route(&get), format!("GET /guilds/{GUILD}"));
    assert_eq!(get.query, "with_counts=true&note=a%20b%26c%3Dd%2F%C3%A9");
    let guild: Value = serde_json::from_str(&answer.json).unwrap();
    assert!(guild.get("approximate_member_count").is_some(), "{guild}");

    let sounds = ok(&stack, call("GET", "/soundboard-default-sounds")).await;
    assert_eq!(sounds.status, 200);
    assert!(
        serde_json::from_str::<Value>(&sounds.json)
            .unwrap()
            .is_array()
    );
    stack.stop().await;
}

#[tokio::test]
async fn discord_errors_keep_the_error_contract() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let status = client
        .call_discord_api(call("GET", "/guilds/300000000000000999"))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    let details = details(&status);
    assert_eq!(
        (details["status"].clone(), details["code"].clone()),
        (json!(404), json!(10004))
    );
    let status = client
        .call_discord_api(CallDiscordApiRequest {
            json: r#"{"name": ""}"#.into(),
            ..call("PATCH", &format!("/channels/{GENERAL}"))
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert_eq!(self::details(&status)["code"], 50035);
    let status = client
        .call_discord_api(call("GET", "/no-such-route"))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    stack.stop().await;
}

#[tokio::test]
async fn refusals_name_the_field_and_send_nothing() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let skip = stack.emulator.requests().len();
    let general = format!("/channels/{GENERAL}");
    let table: Vec<(CallDiscordApiRequest, &str)> = vec![
        (call("HEAD", &general), "method"),
        (call("get", &general), "method"),
        (call("GET", "https://discord.com/api/v10/users/@me"), "path"),
        (call("GET", "//discord.com/users/@me"), "path"),
        (call("GET", "/channels/1/../../users/@me"), "path"),
        (call("GET", "/channels//messages"), "path"),
        (call("GET", "/channels/1/"), "path"),
        (call("GET", "/guilds/1/audit-logs?limit=1"), "path"),
        (call("GET", "/guilds/1#top"), "path"),
        (call("GET", "/api/v10/users/@me"), "path"),
        (call("GET", "/users/@mé"), "path"),
        (call("GET", "/users/\t@me"), "path"),
        (call("GET", "/users/%00@me"), "path"),
        (call("GET", "/users/%0A@me"), "path"),
        (call("GET", "users/@me"), "path"),
        (call("GET", ""), "path"),
        (
            CallDiscordApiRequest {
                json: "{not json".into(),
                ..call("PATCH", &general)
            },
            "json",
        ),
        (
            CallDiscordApiRequest {
                query: vec![QueryParam {
                    name: String::new(),
                    value: "x".into(),
                }],
                ..call("GET", &general)
            },
            "query[0].name",
        ),
        (
            // Discord takes uploads with POST, PUT and PATCH only.
            CallDiscordApiRequest {
                files: vec![discordproxy_proto::File {
                    filename: "a.txt".into(),
                    data: b"a".to_vec().into(),
                    ..Default::default()
                }],
                ..call("GET", &general)
            },
            "files",
        ),
    ];
    for (request, field) in table {
        let shown = format!("{} {:?}", request.method, request.path);
        let status = client.call_discord_api(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{shown}: {status:?}");
        let text = plain_text(&status);
        assert!(text.starts_with(&format!("{field} ")), "{shown}: {text}");
    }
    assert!(requests_since(&stack, skip).is_empty(), "no REST request");
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn many_calls_on_a_limited_route_get_at_most_one_429() {
    let mut options = Options::new(Fixture::default_fixture());
    options.rate_limits.set_route(
        "GET /guilds/{guild_id}",
        RouteLimit::new(3, Duration::from_millis(300)),
    );
    let stack = Stack::start_with_options(options, None).await;
    let skip = stack.emulator.requests().len();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..15 {
        let mut client = stack.client().await;
        tasks.spawn(async move {
            client
                .call_discord_api(call("GET", &format!("/guilds/{GUILD}")))
                .await
                .map(|r| r.into_inner().status)
        });
    }
    while let Some(joined) = tasks.join_next().await {
        assert_eq!(joined.unwrap().unwrap(), 200);
    }
    let gets = requests_since(&stack, skip);
    let limited = gets.iter().filter(|r| r.status == Some(429)).count();
    assert!(limited <= 1, "{limited} 429s (discovery allows one)");
    assert_eq!(gets.len() - limited, 15);
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn send_channel_message_and_call_discord_api_share_one_bucket() {
    let mut options = Options::new(Fixture::default_fixture());
    options.rate_limits.set_route(
        "POST /channels/{channel_id}/messages",
        RouteLimit::new(2, Duration::from_millis(600)),
    );
    let stack = Stack::start_with_options(options, None).await;
    let mut client = stack.client().await;
    for round in 0..3 {
        // The typed RPC uses up the window; the pass-through waits for the next one.
        for n in 0..2 {
            client
                .send_channel_message(SendChannelMessageRequest {
                    channel_id: GENERAL,
                    content: format!("typed {round}.{n}"),
                    ..Default::default()
                })
                .await
                .unwrap();
        }
        let answer = client
            .call_discord_api(CallDiscordApiRequest {
                json: json!({"content": format!("any {round}")}).to_string(),
                ..call("POST", &format!("/channels/{GENERAL}/messages"))
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(answer.status, 200);
    }
    let posts: Vec<_> = stack
        .emulator
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages"))
        .collect();
    let limited = posts.iter().filter(|r| r.status == Some(429)).count();
    assert!(
        limited <= 1,
        "{limited} 429s: the two calls share one bucket"
    );
    assert_eq!(posts.len() - limited, 9);
    stack.stop().await;
}

/// A server on `stack`'s state requiring `keys`; a client sending `key`.
async fn keyed_client(
    stack: &Stack,
    keys: &str,
    key: &'static str,
) -> DiscordApiClient<
    tonic::service::interceptor::InterceptedService<
        Channel,
        impl FnMut(tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> + Clone + use<>,
    >,
> {
    let keys = Arc::new(ApiKeys::parse(keys, "keys.txt").unwrap());
    let listener = stack::bind().await;
    let addr = listener.local_addr().unwrap();
    let state = Arc::clone(&stack.state);
    let options = ServeOptions {
        api_keys: Some(keys),
        ..ServeOptions::default()
    };
    tokio::spawn(run_server_with(
        listener,
        state,
        false,
        options,
        std::future::pending(),
    ));
    let channel = Channel::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    DiscordApiClient::with_interceptor(channel, move |mut request: tonic::Request<()>| {
        request
            .metadata_mut()
            .insert("authorization", format!("Bearer {key}").parse().unwrap());
        Ok(request)
    })
}

#[tokio::test]
async fn api_keys_limit_call_discord_api_to_route_templates() {
    const AUDITOR: &str = "auditor-0123456789abcdef";
    let stack = Stack::start().await;
    let mut client = keyed_client(
        &stack,
        &format!("auditor {AUDITOR} CallDiscordApi:GET /guilds/{{guild_id}}, GetGatewayStatus\n"),
        AUDITOR,
    )
    .await;
    let skip = stack.emulator.requests().len();
    let answer = client
        .call_discord_api(call("GET", &format!("/guilds/{GUILD}")))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(answer.status, 200);
    assert_eq!(requests_since(&stack, skip).len(), 1);
    let skip = stack.emulator.requests().len();
    for request in [
        call("PATCH", &format!("/guilds/{GUILD}")),
        call("GET", &format!("/guilds/{GUILD}/channels")),
        call("DELETE", &format!("/channels/{GENERAL}")),
        // A body or files the route would refuse: the key's list answers first.
        CallDiscordApiRequest {
            json: "{not json".into(),
            ..call("POST", &format!("/channels/{GENERAL}/messages"))
        },
        CallDiscordApiRequest {
            files: vec![discordproxy_proto::File {
                filename: String::new(),
                data: b"x".to_vec().into(),
                ..Default::default()
            }],
            ..call("GET", &format!("/guilds/{GUILD}/channels"))
        },
    ] {
        let status = client.call_discord_api(request).await.unwrap_err();
        assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
        assert!(status.message().contains("auditor"), "{status:?}");
    }
    let status = client
        .send_channel_message(SendChannelMessageRequest {
            channel_id: GENERAL,
            content: "no".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
    assert!(requests_since(&stack, skip).is_empty(), "no REST request");
    stack.stop().await;
}

#[tokio::test]
async fn only_non_posts_are_retried_after_a_500() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let fault = |method: &str| {
        json!({"method": method, "status": 500, "count": 1,
               "body": {"message": "500: Internal Server Error", "code": 0}})
    };
    stack.emulator.add_fault(fault("PATCH")).unwrap();
    let skip = stack.emulator.requests().len();
    let answer = client
        .call_discord_api(CallDiscordApiRequest {
            json: r#"{"topic": "retried"}"#.into(),
            ..call("PATCH", &format!("/channels/{GENERAL}"))
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(answer.status, 200);
    let statuses: Vec<_> = requests_since(&stack, skip)
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [Some(500), Some(200)]);

    stack.emulator.add_fault(fault("POST")).unwrap();
    let skip = stack.emulator.requests().len();
    let status = client
        .call_discord_api(CallDiscordApiRequest {
            json: r#"{"name": "once"}"#.into(),
            ..call("POST", &format!("/guilds/{GUILD}/channels"))
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Internal, "{status:?}");
    assert_eq!(details(&status)["status"], 500);
    let statuses: Vec<_> = requests_since(&stack, skip)
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [Some(500)], "a POST is never sent twice");
    stack.stop().await;
}

#[tokio::test]
async fn webhook_tokens_stay_out_of_errors_and_metrics() {
    const SECRET: &str = "SECRETtoken123";
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let mut told = Vec::new();
    for request in [
        call("POST", &format!("/webhooks/1/{SECRET}")),
        call("GET", &format!("/webhooks/1/{SECRET}/messages/@original")),
        call("POST", &format!("/interactions/2/{SECRET}/callback")),
        call("POST", &format!("/webhooks/1/{SECRET}?wait=true")),
        call("POST", &format!("/webhooks/1/{SECRET}/../x")),
        call("TRACE", &format!("/webhooks/1/{SECRET}")),
    ] {
        let status = client.call_discord_api(request).await.unwrap_err();
        told.push(format!("{status:?}"));
    }
    let requests = stack.emulator.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.path == format!("/api/v10/webhooks/1/{SECRET}")),
        "the token reached Discord"
    );
    let metrics = stack.state.metrics.encode();
    assert!(
        metrics.contains("POST /webhooks/{webhook_id}/{webhook_token}"),
        "the template is the label"
    );
    told.push(metrics);
    for text in &told {
        assert!(!text.contains(SECRET), "the token appears in: {text}");
    }
    stack.stop().await;
}

#[tokio::test]
async fn a_url_too_long_to_send_is_invalid_argument_without_a_request_or_retries() {
    // Regression: a query value of 70,000 bytes made the request unbuildable ("uri too long");
    // that was retried three times and answered UNAVAILABLE "Discord is unreachable".
    let stack = Stack::start().await;
    let skip = stack.emulator.requests().len();
    let request = CallDiscordApiRequest {
        query: vec![QueryParam {
            name: "with_counts".into(),
            value: "x".repeat(70_000),
        }],
        ..call("GET", &format!("/guilds/{GUILD}"))
    };
    let started = std::time::Instant::now();
    let status = stack
        .client()
        .await
        .call_discord_api(request)
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    let text = plain_text(&status);
    assert!(text.contains("no request was sent"), "{text}");
    assert!(
        !text.contains("xxxxxxxx"),
        "the value is not echoed: {text}"
    );
    assert!(
        started.elapsed() < Duration::from_millis(400),
        "no retry backoff"
    );
    assert!(requests_since(&stack, skip).is_empty(), "no REST request");
    stack.stop().await;
}

#[tokio::test]
async fn an_audit_log_reason_over_512_characters_is_refused_without_a_request() {
    // Regression: a 600 KB reason was sent and came back as UNKNOWN with an HTTP 431.
    let stack = Stack::start().await;
    let skip = stack.emulator.requests().len();
    let request = CallDiscordApiRequest {
        json: json!({"name": "renamed"}).to_string(),
        audit_log_reason: "é".repeat(513),
        ..call("PATCH", &format!("/channels/{GENERAL}"))
    };
    let status = stack
        .client()
        .await
        .call_discord_api(request)
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert!(
        plain_text(&status).starts_with("audit_log_reason "),
        "{status:?}"
    );
    assert!(requests_since(&stack, skip).is_empty(), "no REST request");
    // 512 characters are sent.
    let request = CallDiscordApiRequest {
        json: json!({"name": "renamed"}).to_string(),
        audit_log_reason: "é".repeat(512),
        ..call("PATCH", &format!("/channels/{GENERAL}"))
    };
    ok(&stack, request).await;
    stack.stop().await;
}
