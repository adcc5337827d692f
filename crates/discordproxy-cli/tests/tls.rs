//! `discordproxymessage` as a process against our server over TLS (mutual TLS and an API key),
//! in this process next to the Discord emulator, all over loopback sockets.

use discord_emulator::{Emulator, Fixture, Options};
use discordproxy_server::{
    ApiBase, ApiKeys, BotToken, ProxyState, ServeOptions, TlsSettings, check_token, run_server_with,
};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use std::{
    path::{Path, PathBuf},
    process::Output,
    sync::Arc,
    time::Duration,
};
use tokio::{net::TcpListener, sync::oneshot};

const BIN: &str = env!("CARGO_BIN_EXE_discordproxymessage");
const GENERAL: &str = "400000000000000002";
const API_KEY: &str = "cli-test-key-0123456789abcdef";

/// Writes a CA, a server certificate for `localhost`/`127.0.0.1` and a client certificate
/// signed by the CA into `dir`.
fn certificates(dir: &Path) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "discordproxy CLI test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let mut files = vec![("ca.pem", ca.pem())];
    for (name, sans) in [
        (
            "server",
            vec!["localhost".to_owned(), "127.0.0.1".to_owned()],
        ),
        ("client", vec!["cli.test".to_owned()]),
    ] {
        let key = KeyPair::generate().unwrap();
        let cert = CertificateParams::new(sans)
            .unwrap()
            .signed_by(&key, &issuer)
            .unwrap();
        files.push((
            if name == "server" {
                "server.pem"
            } else {
                "client.pem"
            },
            cert.pem(),
        ));
        files.push((
            if name == "server" {
                "server.key"
            } else {
                "client.key"
            },
            key.serialize_pem(),
        ));
    }
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

struct Running {
    emulator: Emulator,
    port: u16,
    stop: oneshot::Sender<()>,
    server: tokio::task::JoinHandle<Result<(), tonic::transport::Error>>,
}

/// The emulator and a server requiring TLS with client certificates and an API key.
async fn start(dir: &Path) -> Running {
    let emulator = Emulator::start(
        TcpListener::bind("127.0.0.1:0").await.unwrap(),
        Options::new(Fixture::default_fixture()),
    )
    .await
    .unwrap();
    let token = BotToken::new(emulator.token());
    let api = ApiBase::Custom {
        authority: emulator.local_addr().to_string(),
        use_http: true,
    };
    let state = Arc::new(ProxyState::new(&token, &api, Duration::from_secs(30)));
    check_token(&state.rest, &state.readiness).await;
    let tls = TlsSettings::load(
        Some(&dir.join("server.pem")),
        Some(&dir.join("server.key")),
        Some(&dir.join("ca.pem")),
    )
    .unwrap();
    let keys = ApiKeys::parse(&format!("cli {API_KEY} SendChannelMessage\n"), "keys").unwrap();
    let options = ServeOptions {
        tls,
        api_keys: Some(Arc::new(keys)),
        ..ServeOptions::default()
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(run_server_with(listener, state, false, options, async {
        let _ = stopped.await;
    }));
    Running {
        emulator,
        port,
        stop,
        server,
    }
}

/// Runs the CLI (`channel GENERAL content --port PORT` plus `extra`), with `api_key` in
/// `DISCORDPROXY_API_KEY`.
async fn cli(port: u16, content: &str, extra: Vec<String>, api_key: Option<&str>) -> Output {
    let mut command = tokio::process::Command::new(BIN);
    command
        .args(["channel", GENERAL, content, "--port", &port.to_string()])
        .args(extra)
        .env_remove("DISCORDPROXY_API_KEY");
    if let Some(key) = api_key {
        command.env("DISCORDPROXY_API_KEY", key);
    }
    tokio::time::timeout(Duration::from_secs(20), command.output())
        .await
        .expect("the CLI finishes within 20 s")
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn path_arg(dir: &Path, name: &str) -> String {
    let path: PathBuf = dir.join(name);
    path.to_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_sends_over_mutual_tls_with_an_api_key() {
    let dir = tempfile::tempdir().unwrap();
    certificates(dir.path());
    let running = start(dir.path()).await;
    let tls_flags = |with_client_cert: bool| {
        let mut flags = vec!["--tls-ca".to_owned(), path_arg(dir.path(), "ca.pem")];
        if with_client_cert {
            flags.extend([
                "--tls-cert".to_owned(),
                path_arg(dir.path(), "client.pem"),
                "--tls-key".to_owned(),
                path_arg(dir.path(), "client.key"),
            ]);
        }
        flags
    };
    let posts = |emulator: &Emulator| {
        emulator
            .requests()
            .iter()
            .filter(|r| {
                r.method == "POST" && r.path.ends_with(&format!("/channels/{GENERAL}/messages"))
            })
            .count()
    };

    let sent = cli(
        running.port,
        "hello over TLS",
        tls_flags(true),
        Some(API_KEY),
    )
    .await;
    assert_eq!(stdout(&sent), "Message sent\n", "{sent:?}");
    assert_eq!(sent.status.code(), Some(0));
    assert_eq!(posts(&running.emulator), 1);
    let body = running
        .emulator
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.method == "POST")
        .and_then(|r| r.body)
        .unwrap();
    assert_eq!(body["content"], "hello over TLS");

    // Plaintext against the TLS port, no client certificate, no key, a wrong key: all refused,
    // none reaches Discord.
    let plaintext = cli(running.port, "plaintext", Vec::new(), Some(API_KEY)).await;
    let no_cert = cli(
        running.port,
        "no client certificate",
        tls_flags(false),
        Some(API_KEY),
    )
    .await;
    let no_key = cli(running.port, "no key", tls_flags(true), None).await;
    let wrong_key = cli(
        running.port,
        "wrong key",
        tls_flags(true),
        Some("cli-test-key-wrong-000000"),
    )
    .await;
    for output in [&plaintext, &no_cert] {
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        assert!(
            stdout(output).starts_with("ERROR: gRPC error. Status code: "),
            "{output:?}"
        );
    }
    for output in [&no_key, &wrong_key] {
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        assert!(
            stdout(output).starts_with("ERROR: gRPC error. Status code: UNAUTHENTICATED - "),
            "{output:?}"
        );
    }
    assert_eq!(posts(&running.emulator), 1, "refused calls reached Discord");

    let _ = running.stop.send(());
    running.server.await.unwrap().unwrap();
}

#[tokio::test]
async fn bad_tls_files_fail_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "not a certificate").unwrap();
    let junk = junk.to_str().unwrap().to_owned();
    for (flags, expected) in [
        (
            vec!["--tls-ca".to_owned(), junk.clone()],
            format!("ERROR: --tls-ca {junk}: no PEM certificate"),
        ),
        (
            vec!["--tls-ca".to_owned(), "/nonexistent/ca.pem".to_owned()],
            "ERROR: cannot read --tls-ca /nonexistent/ca.pem".to_owned(),
        ),
        (
            vec![
                "--tls-cert".to_owned(),
                junk.clone(),
                "--tls-key".to_owned(),
                junk.clone(),
            ],
            "ERROR: --tls-cert and --tls-key need --tls-ca".to_owned(),
        ),
    ] {
        // Port 9 (discard): nothing is contacted when the flags are refused first.
        let output = cli(9, "x", flags.clone(), None).await;
        assert_eq!(output.status.code(), Some(1), "{flags:?}");
        assert!(
            stdout(&output).starts_with(&expected),
            "{flags:?}: {output:?}"
        );
    }
}
