//! Secret hygiene: the server runs the end-to-end scenarios (successes, Discord errors, invalid
//! input, retries, 429s, a ban, a revoked token, the gateway, metrics, refused API keys) at
//! DEBUG log level with a recognisable token (from `--token-file`) and API key, and neither
//! appears in any log line (console or file), error a client receives, metric or panic
//! message; nor does a webhook token sent in `CallDiscordApi` paths, nor one of a real
//! webhook used by the webhook RPCs (executed, its message read, edited and deleted, a 500
//! retried, a wrong token 401/50027, the deleted webhook's 404), nor an interaction's token
//! (`CreateInteractionResponse` answered, a second response's 40060, a wrong token's 10062,
//! the original edited, a follow-up posted and a wrong token's 401),
//! nor a user's OAuth2 access token sent with `AddGuildMember` (accepted, already a member,
//! refused, retried).

use discord_emulator::{Emulator, Fixture, Options};
use discordproxy_proto::{
    AddGuildMemberRequest, CallDiscordApiRequest, CreateFollowupMessageRequest,
    CreateInteractionResponseRequest, CreateWebhookRequest, DeleteWebhookMessageRequest,
    DeleteWebhookRequest, EditOriginalInteractionResponseRequest, EditWebhookMessageRequest, Embed,
    ExecuteWebhookRequest, GetGatewayStatusRequest, GetGuildChannelsRequest,
    GetWebhookMessageRequest, SendChannelMessageRequest, SendDirectMessageRequest,
    discord_api_client::DiscordApiClient,
};
use std::{
    process::{Command, Stdio},
    time::Duration,
};

use crate::common::BIN;

/// The token of the webhook the scenarios create (known once created).
static REAL_WEBHOOK_TOKEN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
/// The token of the interaction the scenarios make (known once made).
static REAL_INTERACTION_TOKEN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
/// An interaction token Discord does not know (404/10062).
const WRONG_INTERACTION_TOKEN: &str = "CANARYinteractionWRONG-7e3a9d";
/// The bot token: recognisable, and also checked in pieces (its dot-separated parts).
const TOKEN: &str = "CANARYtokenMTIzNDU2Nzg5.Gx7yQz.hygieneCanary_4f2a9c1e";
/// A webhook token in `CallDiscordApi` paths (also in one of the 500 faults' retries).
const WEBHOOK_TOKEN: &str = "SECRETtoken123";
/// A user's OAuth2 access token (`AddGuildMember`), known to the fixture with `guilds.join`.
const ACCESS_TOKEN: &str = "CANARYoauth-8c2d4e6f1a3b5c7d";
/// An OAuth2 access token the fixture does not know (Discord answers 403/50025).
const WRONG_ACCESS_TOKEN: &str = "CANARYoauthWRONG-0f1e2d3c";
const DAVE: u64 = 200_000_000_000_000_004;
/// The API key clients must send (`--api-keys-file`).
const API_KEY: &str = "CANARYapikey-5d1e9b7f3a0c4e62";
const GENERAL: u64 = 400_000_000_000_000_002;
const ALICE: u64 = 200_000_000_000_000_001;
const BOB_DMS_CLOSED: u64 = 200_000_000_000_000_002;
const GUILD: u64 = 300_000_000_000_000_001;

fn fixture() -> Fixture {
    let mut json: serde_json::Value = serde_json::from_str(include_str!(
        "../../../discord-emulator/fixtures/default.json"
    ))
    .unwrap();
    json["token"] = TOKEN.into();
    json["access_tokens"] = serde_json::json!([
        {"access_token": ACCESS_TOKEN, "user_id": DAVE.to_string(), "scopes": ["guilds.join"]}
    ]);
    Fixture::from_json(&json.to_string()).unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn message(content: &str) -> SendChannelMessageRequest {
    SendChannelMessageRequest {
        channel_id: GENERAL,
        content: content.into(),
        embed: None,
        ..Default::default()
    }
}

/// Runs every scenario and returns what clients were told (status messages).
async fn scenarios(emulator: &Emulator, port: u16, metrics_port: u16) -> Vec<String> {
    let mut told = Vec::new();
    let channel = loop {
        match tonic::transport::Endpoint::from_shared(format!("http://127.0.0.1:{port}"))
            .unwrap()
            .connect()
            .await
        {
            Ok(channel) => break channel,
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    };
    // Refused keys first: missing, wrong, and the right key as a prefix of a wrong one.
    for bearer in [
        None,
        Some("wrong-key-0000000000"),
        Some(&*format!("{API_KEY}x")),
    ] {
        let mut anonymous = DiscordApiClient::with_interceptor(
            channel.clone(),
            move |mut request: tonic::Request<()>| {
                if let Some(key) = bearer {
                    request
                        .metadata_mut()
                        .insert("authorization", format!("Bearer {key}").parse().unwrap());
                }
                Ok(request)
            },
        );
        let status = anonymous
            .send_channel_message(message("no"))
            .await
            .unwrap_err();
        assert_eq!(status.code(), tonic::Code::Unauthenticated, "{status:?}");
        told.push(format!("{status:?}"));
    }
    let bearer: tonic::metadata::MetadataValue<_> = format!("Bearer {API_KEY}").parse().unwrap();
    let mut client =
        DiscordApiClient::with_interceptor(channel, move |mut request: tonic::Request<()>| {
            request
                .metadata_mut()
                .insert("authorization", bearer.clone());
            Ok(request)
        });
    let mut record = |result: Result<String, tonic::Status>| match result {
        Ok(text) => told.push(text),
        Err(status) => told.push(format!("{status:?}")),
    };
    // Successes.
    record(
        client
            .send_channel_message(message("hello"))
            .await
            .map(|r| format!("{:?}", r.into_inner())),
    );
    let embed = Embed {
        title: "t".into(),
        description: "d".into(),
        ..Default::default()
    };
    record(
        client
            .send_channel_message(SendChannelMessageRequest {
                channel_id: GENERAL,
                content: String::new(),
                embed: Some(embed),
                ..Default::default()
            })
            .await
            .map(|r| format!("{:?}", r.into_inner())),
    );
    for user_id in [ALICE, BOB_DMS_CLOSED, BOB_DMS_CLOSED, 999] {
        record(
            client
                .send_direct_message(SendDirectMessageRequest {
                    user_id,
                    content: "dm".into(),
                    embed: None,
                    ..Default::default()
                })
                .await
                .map(|r| format!("{:?}", r.into_inner())),
        );
    }
    record(
        client
            .get_guild_channels(GetGuildChannelsRequest { guild_id: GUILD })
            .await
            .map(|r| format!("{:?}", r.into_inner())),
    );
    record(
        client
            .get_gateway_status(GetGatewayStatusRequest {})
            .await
            .map(|r| format!("{:?}", r.into_inner())),
    );
    // The webhook RPCs with a real webhook: its token must appear nowhere (the create's
    // answer holds it, so only its status is recorded).
    let created = client
        .create_webhook(CreateWebhookRequest {
            channel_id: GENERAL,
            name: "Hygiene".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .webhook
        .unwrap();
    let (webhook_id, real_token) = (created.id, created.token.clone());
    REAL_WEBHOOK_TOKEN.set(real_token.clone()).unwrap();
    let executed = client
        .execute_webhook(ExecuteWebhookRequest {
            webhook_id,
            webhook_token: real_token.clone(),
            wait: true,
            content: "from a webhook".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let message_id = executed.message.as_ref().unwrap().id;
    record(Ok(format!("{:?}", executed.message)));
    emulator
        .add_fault(
            serde_json::json!({"method": "GET", "status": 500, "count": 1,
                       "body": {"message": "500: Internal Server Error", "code": 0}}),
        )
        .unwrap();
    for token in [real_token.clone(), WEBHOOK_TOKEN.to_owned()] {
        record(
            client
                .get_webhook_message(GetWebhookMessageRequest {
                    webhook_id,
                    webhook_token: token.clone(),
                    message_id,
                    ..Default::default()
                })
                .await
                .map(|r| format!("{:?}", r.into_inner())),
        );
        record(
            client
                .edit_webhook_message(EditWebhookMessageRequest {
                    webhook_id,
                    webhook_token: token.clone(),
                    message_id,
                    content: Some("edited".into()),
                    ..Default::default()
                })
                .await
                .map(|r| format!("{:?}", r.into_inner())),
        );
        record(
            client
                .execute_webhook(ExecuteWebhookRequest {
                    webhook_id,
                    webhook_token: token.clone(),
                    content: "no wait".into(),
                    ..Default::default()
                })
                .await
                .map(|r| format!("{:?}", r.into_inner())),
        );
    }
    record(
        client
            .delete_webhook_message(DeleteWebhookMessageRequest {
                webhook_id,
                webhook_token: real_token.clone(),
                message_id,
                ..Default::default()
            })
            .await
            .map(|r| format!("{:?}", r.into_inner())),
    );
    record(
        client
            .delete_webhook(DeleteWebhookRequest {
                webhook_id,
                ..Default::default()
            })
            .await
            .map(|r| format!("{:?}", r.into_inner())),
    );
    for _ in 0..2 {
        record(
            client
                .execute_webhook(ExecuteWebhookRequest {
                    webhook_id,
                    webhook_token: real_token.clone(),
                    content: "gone".into(),
                    ..Default::default()
                })
                .await
                .map(|r| format!("{:?}", r.into_inner())),
        );
    }
    // An interaction's response with its real token, a second one (40060) and a wrong token
    // (10062): neither token may appear anywhere.
    let made: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/_emulator/interactions", emulator.base_url()))
        .json(
            &serde_json::json!({"type": 2, "guild_id": GUILD.to_string(),
            "channel_id": GENERAL.to_string(), "user_id": ALICE.to_string(),
            "data": {"id": "900000000000000001", "name": "ping", "type": 1}}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let interaction_id: u64 = made["id"].as_str().unwrap().parse().unwrap();
    let interaction_token = made["token"].as_str().unwrap().to_owned();
    REAL_INTERACTION_TOKEN
        .set(interaction_token.clone())
        .unwrap();
    for (token, with_response) in [
        (interaction_token.as_str(), true),
        (interaction_token.as_str(), false),
        (WRONG_INTERACTION_TOKEN, false),
    ] {
        record(
            client
                .create_interaction_response(CreateInteractionResponseRequest {
                    interaction_id,
                    interaction_token: token.to_owned(),
                    r#type: 4,
                    with_response,
                    content: "pong".into(),
                    ..Default::default()
                })
                .await
                .map(|r| format!("{:?}", r.into_inner())),
        );
    }
    // The response's message and a follow-up with the real token, and a wrong token's 401.
    record(
        client
            .edit_original_interaction_response(EditOriginalInteractionResponseRequest {
                interaction_token: interaction_token.clone(),
                content: Some("edited".into()),
                ..Default::default()
            })
            .await
            .map(|r| format!("{:?}", r.into_inner())),
    );
    for token in [interaction_token.as_str(), WRONG_INTERACTION_TOKEN] {
        record(
            client
                .create_followup_message(CreateFollowupMessageRequest {
                    interaction_token: token.to_owned(),
                    content: "follow-up".into(),
                    ..Default::default()
                })
                .await
                .map(|r| format!("{:?}", r.into_inner())),
        );
    }
    // Token-bearing paths: Discord's 404, a refused path, a 500 retried (GET), and a POST
    // after a 500 (not retried).
    emulator
        .add_fault(
            serde_json::json!({"method": "GET", "status": 500, "count": 1,
                           "body": {"message": "500: Internal Server Error", "code": 0}}),
        )
        .unwrap();
    for (method, path) in [
        (
            "GET",
            format!("/webhooks/1/{WEBHOOK_TOKEN}/messages/@original"),
        ),
        ("POST", format!("/webhooks/1/{WEBHOOK_TOKEN}")),
        ("POST", format!("/interactions/2/{WEBHOOK_TOKEN}/callback")),
        ("POST", format!("/webhooks/1/{WEBHOOK_TOKEN}?wait=true")),
        (
            "PATCH",
            format!("/webhooks/1/{WEBHOOK_TOKEN}/{WEBHOOK_TOKEN}x"),
        ),
    ] {
        record(
            client
                .call_discord_api(CallDiscordApiRequest {
                    method: method.into(),
                    path,
                    json: "{}".into(),
                    ..Default::default()
                })
                .await
                .map(|r| format!("{:?}", r.into_inner())),
        );
    }
    // Invalid input.
    record(
        client
            .send_channel_message(SendChannelMessageRequest {
                channel_id: 0,
                content: "x".into(),
                embed: None,
                ..Default::default()
            })
            .await
            .map(|_| String::new()),
    );
    record(
        client
            .send_channel_message(message(&"y".repeat(2001)))
            .await
            .map(|_| String::new()),
    );
    // AddGuildMember: a refused token, one retried after a 500, then already a member.
    emulator
        .add_fault(
            serde_json::json!({"method": "PUT", "status": 500, "count": 1,
                           "body": {"message": "500: Internal Server Error", "code": 0}}),
        )
        .unwrap();
    for access_token in [WRONG_ACCESS_TOKEN, ACCESS_TOKEN, ACCESS_TOKEN, ""] {
        record(
            client
                .add_guild_member(AddGuildMemberRequest {
                    guild_id: GUILD,
                    user_id: DAVE,
                    access_token: access_token.into(),
                    nick: Some("n".repeat(if access_token.is_empty() { 40 } else { 5 })),
                    ..Default::default()
                })
                .await
                .map(|r| format!("{:?}", r.into_inner())),
        );
    }
    // Retries, 429s, a ban answer, then a revoked token.
    for fault in [
        serde_json::json!({"method": "POST", "status": 500, "count": 1,
                           "body": {"message": "500: Internal Server Error", "code": 0}}),
        serde_json::json!({"method": "POST", "kind": "disconnect"}),
        serde_json::json!({"method": "POST", "kind": "rate_limit", "retry_after": 0.2}),
        serde_json::json!({"kind": "rate_limit", "scope": "global", "retry_after": 0.2}),
        serde_json::json!({"kind": "cloudflare_ban", "retry_after": 1}),
        serde_json::json!({"status": 401, "count": 0,
                           "body": {"message": "401: Unauthorized", "code": 0}}),
    ] {
        emulator.add_fault(fault).unwrap();
        record(
            client
                .send_channel_message(message("under fault"))
                .await
                .map(|r| format!("{:?}", r.into_inner())),
        );
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    record(
        client
            .send_channel_message(message("after revocation"))
            .await
            .map(|_| String::new()),
    );
    let metrics = reqwest::get(format!("http://127.0.0.1:{metrics_port}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("discordproxy_rpc_requests_total"));
    told.push(metrics);
    told
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_appears_in_no_log_error_metric_or_panic() {
    let emulator = Emulator::start(
        tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(),
        Options::new(fixture()),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let keys_file = dir.path().join("keys.txt");
    std::fs::write(&keys_file, format!("hygiene-test {API_KEY}\n")).unwrap();
    let (port, metrics_port) = (free_port(), free_port());
    let child = Command::new(BIN)
        .env_remove("DISCORD_BOT_TOKEN")
        .env("RUST_BACKTRACE", "1")
        .args(["--log-level", "DEBUG", "--port", &port.to_string()])
        .args(["--metrics-addr", &format!("127.0.0.1:{metrics_port}")])
        .arg("--discord-api-url")
        .arg(emulator.api_base_url())
        .arg("--log-file-path")
        .arg(dir.path())
        .arg("--token-file")
        .arg(&token_file)
        .arg("--api-keys-file")
        .arg(&keys_file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let told = scenarios(&emulator, port, metrics_port).await;
    // SIGTERM for a graceful exit that flushes the log file.
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let mut texts = vec![
        (
            "stdout",
            String::from_utf8_lossy(&output.stdout).into_owned(),
        ),
        (
            "stderr",
            String::from_utf8_lossy(&output.stderr).into_owned(),
        ),
    ];
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path != token_file && path != keys_file {
            texts.push(("log file", std::fs::read_to_string(&path).unwrap()));
        }
    }
    for text in &told {
        texts.push(("told to a client", text.clone()));
    }
    let logged: usize = texts
        .iter()
        .filter(|(what, _)| *what != "told to a client")
        .map(|(_, text)| text.lines().count())
        .sum();
    assert!(logged > 50, "DEBUG logging ran ({logged} lines)");
    assert!(
        texts.iter().any(|(_, text)| text.contains("revoked")),
        "the revocation scenario ran"
    );
    assert!(
        texts.iter().any(|(_, text)| text.contains("hygiene-test")),
        "the key's name is logged"
    );
    assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
    assert!(
        told.iter().any(|text| text.contains("added: true")),
        "AddGuildMember succeeded: {told:?}"
    );
    assert!(
        told.iter().any(|text| text.contains("Unknown Webhook")),
        "the deleted webhook's 404 was told: {told:?}"
    );
    assert!(
        told.iter()
            .any(|text| text.contains("Invalid Webhook Token")),
        "the wrong webhook token's 401 was told: {told:?}"
    );
    assert!(
        told.iter().any(|text| text.contains("Unknown interaction")),
        "the wrong interaction token's 404 was told: {told:?}"
    );
    assert!(
        told.iter()
            .any(|text| text.contains("Interaction has already been acknowledged")),
        "the second response's 400 was told: {told:?}"
    );
    let real_webhook_token = REAL_WEBHOOK_TOKEN.get().expect("the webhook scenarios ran");
    let real_interaction_token = REAL_INTERACTION_TOKEN
        .get()
        .expect("the interaction scenarios ran");
    for piece in [
        TOKEN,
        API_KEY,
        WEBHOOK_TOKEN,
        ACCESS_TOKEN,
        WRONG_ACCESS_TOKEN,
        real_webhook_token,
        WRONG_INTERACTION_TOKEN,
        real_interaction_token,
    ]
    .into_iter()
    .chain(TOKEN.split('.'))
    {
        for (what, text) in &texts {
            assert!(
                !text.contains(piece),
                "a secret (or its part {piece:?}) appears in {what}"
            );
        }
    }
}
