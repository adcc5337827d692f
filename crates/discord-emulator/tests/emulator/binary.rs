//! The `discord-emulator` binary: first stdout line, serving, fixture flag, SIGTERM.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const BINARY: &str = env!("CARGO_BIN_EXE_discord-emulator");

/// Starts the binary and returns it with the base URL from its first stdout line.
async fn spawn(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(BINARY)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("first line within 30 s")
        .unwrap()
        .expect("a first line");
    let url = first
        .strip_prefix("discord-emulator listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_ne!(url, "http://127.0.0.1:0");
    (child, url)
}

/// Sends SIGTERM and expects a clean exit.
async fn terminate(mut child: Child) {
    let pid = child.id().unwrap().to_string();
    let status = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(status.success());
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("exits within 10 s after SIGTERM")
        .unwrap();
    assert!(status.success(), "{status}");
}

#[tokio::test]
async fn prints_its_url_serves_and_stops_on_sigterm() {
    let (child, url) = spawn(&["--listen", "127.0.0.1:0", "--rate-limits", "off"]).await;
    let http = reqwest::Client::new();
    let health = http
        .get(format!("{url}/_emulator/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");
    let me = http
        .get(format!("{url}/api/v10/users/@me"))
        .header("Authorization", "Bot sandbox-bot-token")
        .send()
        .await
        .unwrap();
    assert_eq!(me.status().as_u16(), 200);
    terminate(child).await;
}

#[tokio::test]
async fn serves_a_fixture_file() {
    let path = std::env::temp_dir().join(format!("emulator-fixture-{}.json", std::process::id()));
    std::fs::write(
        &path,
        r#"{"token": "file-token", "bot": {"id": "5", "username": "filebot"}}"#,
    )
    .unwrap();
    let (child, url) = spawn(&["--fixture", path.to_str().unwrap()]).await;
    let me: serde_json::Value = reqwest::Client::new()
        .get(format!("{url}/api/v10/users/@me"))
        .header("Authorization", "Bot file-token")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "filebot");
    terminate(child).await;
    std::fs::remove_file(path).unwrap();
}

#[tokio::test]
async fn rejects_an_invalid_fixture() {
    let path =
        std::env::temp_dir().join(format!("emulator-bad-fixture-{}.json", std::process::id()));
    std::fs::write(
        &path,
        r#"{"token": "t", "bot": {"id": "x", "username": "b"}}"#,
    )
    .unwrap();
    let output = Command::new(BINARY)
        .args(["--fixture", path.to_str().unwrap()])
        .output()
        .await
        .unwrap();
    std::fs::remove_file(path).unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("$.bot.id"), "{stderr}");
}
