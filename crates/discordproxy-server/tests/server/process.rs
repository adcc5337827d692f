//! The `discordproxyserver` binary as a process: start-up failures, the token check, sandbox
//! mode and graceful shutdown.

use crate::common::{server, wait_exit};

use discord_emulator::{Emulator, Fixture, Options};
use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

#[test]
fn no_token_prints_the_original_error_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let output = server().current_dir(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("ERROR: No Discord bot token provided"),
        "{output:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_token_exits_1_within_5_s_and_never_logs_the_token() {
    let emulator = Emulator::start(
        tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(),
        Options::new(Fixture::default_fixture()),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let secret = "MTAwMDAw.not-the-right-token.Zz9";
    let started = Instant::now();
    let mut child = server()
        .args([
            "--port",
            "0",
            "--log-console-level",
            "DEBUG",
            "--log-file-level",
            "DEBUG",
        ])
        .arg("--discord-api-url")
        .arg(emulator.api_base_url())
        .arg("--log-file-path")
        .arg(dir.path())
        .env("DISCORD_BOT_TOKEN", secret)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = tokio::task::spawn_blocking(move || {
        let status = wait_exit(&mut child, Duration::from_secs(5));
        let output = child.wait_with_output().unwrap();
        (status, output)
    })
    .await
    .unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    let (status, output) = status;
    assert_eq!(status.code(), Some(1));
    let log = std::fs::read_to_string(dir.path().join("discordproxyserver.log")).unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(log.contains("invalid Discord bot token"), "{log}");
    // The console log goes to a pipe here, not a terminal: plain text, no colour codes.
    assert!(stdout.contains("invalid Discord bot token"), "{stdout}");
    assert!(
        !stdout.contains('\u{1b}'),
        "ANSI colour codes in a pipe: {stdout:?}"
    );
    for text in [&log, &stdout.to_string(), &stderr.to_string()] {
        assert!(!text.contains(secret), "token leaked: {text}");
        assert!(
            !text.contains("not-the-right-token"),
            "token leaked: {text}"
        );
    }
}

#[test]
fn sandbox_serves_without_a_token_and_sigterm_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = server()
        .args(["--sandbox", "--port", "0"])
        .arg("--log-file-path")
        .arg(dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut address = None;
    let mut said_sandbox = false;
    for line in lines.by_ref() {
        let line = line.unwrap();
        said_sandbox |= line.contains("SANDBOX MODE: not talking to Discord");
        if let Some(rest) = line.strip_prefix("gRPC server listening on ") {
            address = Some(rest.trim().to_owned());
            break;
        }
    }
    let address = address.expect("listening line");
    assert!(said_sandbox);

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let message = runtime.block_on(async {
        let mut client = discordproxy_proto::discord_api_client::DiscordApiClient::connect(
            format!("http://{address}"),
        )
        .await
        .unwrap();
        client
            .send_channel_message(discordproxy_proto::SendChannelMessageRequest {
                channel_id: 400_000_000_000_000_002,
                content: "hello sandbox".into(),
                embed: None,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner()
            .message
            .unwrap()
    });
    assert_eq!(message.content, "hello sandbox");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = wait_exit(&mut child, Duration::from_secs(12));
    assert_eq!(status.code(), Some(0));
}

async fn emulator_with(options: Options) -> Emulator {
    Emulator::start(
        tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(),
        options,
    )
    .await
    .unwrap()
}

fn spawn_against(
    emulator: &Emulator,
    dir: &std::path::Path,
    extra: &[&str],
) -> std::process::Child {
    server()
        .args(["--port", "0"])
        .args(extra)
        .arg("--discord-api-url")
        .arg(emulator.api_base_url())
        .arg("--log-file-path")
        .arg(dir)
        .env("DISCORD_BOT_TOKEN", emulator.token())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn disallowed_intent_close_4014_exits_1_naming_the_intent() {
    let mut options = Options::new(Fixture::default_fixture());
    options.gateway.privileged_intents = 0;
    let emulator = emulator_with(options).await;
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let mut child = spawn_against(
        &emulator,
        dir.path(),
        &["--intents", "GUILDS,GUILD_MEMBERS"],
    );
    let (status, output) = tokio::task::spawn_blocking(move || {
        let status = wait_exit(&mut child, Duration::from_secs(5));
        (status, child.wait_with_output().unwrap())
    })
    .await
    .unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("4014") && stderr.contains("GUILD_MEMBERS"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_token_close_4004_at_run_time_exits_1_within_5_s() {
    let emulator = emulator_with(Options::new(Fixture::default_fixture())).await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = spawn_against(&emulator, dir.path(), &[]);
    let sessions = format!("{}/_emulator/gateway/sessions", emulator.base_url());
    let http = reqwest::Client::new();
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let list: serde_json::Value = http
                .get(&sessions)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if list.as_array().is_some_and(|l| !l.is_empty()) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the server opened a gateway session");
    let started = Instant::now();
    http.post(format!("{}/_emulator/gateway/close", emulator.base_url()))
        .json(&serde_json::json!({"code": 4004}))
        .send()
        .await
        .unwrap();
    let (status, output) = tokio::task::spawn_blocking(move || {
        let status = wait_exit(&mut child, Duration::from_secs(5));
        (status, child.wait_with_output().unwrap())
    })
    .await
    .unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("invalid Discord bot token"), "{stderr}");
    assert!(!stderr.contains(emulator.token()));
}
