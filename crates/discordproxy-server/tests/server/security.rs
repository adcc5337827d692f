//! "Secure by default" with the `discordproxyserver` binary as a process: TLS and mutual TLS
//! with certificates made here (rcgen), API keys (with the emulator's request log showing that
//! refused calls cost no Discord request), `--token-file`, start-up errors naming the flag, the
//! non-loopback warning and the request size limit.

use crate::common::{server, wait_exit};

use discord_emulator::{Emulator, Fixture, Options};
use discordproxy_proto::{
    SendChannelMessageRequest, SendDirectMessageRequest, discord_api_client::DiscordApiClient,
};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use std::{
    io::{BufRead, BufReader, Read},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};
use tonic::{
    Code,
    transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity},
};
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};

const GENERAL: u64 = 400_000_000_000_000_002;
const ALICE: u64 = 200_000_000_000_000_001;

// --- certificates ---------------------------------------------------------------------------

/// A CA, a server certificate for `localhost`/`127.0.0.1` and a client certificate signed by it,
/// and a client certificate signed by another CA; all as PEM files in a temporary folder.
struct Pki {
    dir: tempfile::TempDir,
}

pub(crate) fn ca(name: &str) -> (String, Issuer<'static, KeyPair>) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    let cert = params.self_signed(&key).unwrap();
    (cert.pem(), Issuer::new(params, key))
}

pub(crate) fn leaf(names: &[&str], issuer: &Issuer<'_, KeyPair>) -> (String, String) {
    let key = KeyPair::generate().unwrap();
    let params =
        CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>()).unwrap();
    let cert = params.signed_by(&key, issuer).unwrap();
    (cert.pem(), key.serialize_pem())
}

impl Pki {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (ca_pem, issuer) = ca("discordproxy test CA");
        let (server_cert, server_key) = leaf(&["localhost", "127.0.0.1"], &issuer);
        let (client_cert, client_key) = leaf(&["client.test"], &issuer);
        let (_, other_issuer) = ca("some other CA");
        let (other_cert, other_key) = leaf(&["intruder.test"], &other_issuer);
        for (name, text) in [
            ("ca.pem", ca_pem),
            ("server.pem", server_cert),
            ("server.key", server_key),
            ("client.pem", client_cert),
            ("client.key", client_key),
            ("other.pem", other_cert),
            ("other.key", other_key),
        ] {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        Self { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn arg(&self, name: &str) -> String {
        self.path(name).to_str().unwrap().to_owned()
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap()
    }

    /// TLS client settings trusting the test CA, with the client certificate `identity`
    /// (`client` or `other`) if given.
    fn client_tls(&self, identity: Option<&str>) -> ClientTlsConfig {
        let config =
            ClientTlsConfig::new().ca_certificate(Certificate::from_pem(self.read("ca.pem")));
        match identity {
            Some(name) => config.identity(Identity::from_pem(
                self.read(&format!("{name}.pem")),
                self.read(&format!("{name}.key")),
            )),
            None => config,
        }
    }
}

// --- the server as a process ----------------------------------------------------------------

/// A running `discordproxyserver --sandbox`; killed when dropped.
struct Sandbox {
    child: Child,
    /// The gRPC address.
    address: String,
    /// The in-process emulator's base URL (`http://127.0.0.1:PORT`).
    emulator: String,
    logs: tempfile::TempDir,
}

impl Sandbox {
    /// Starts `--sandbox --no-gateway --port 0` with `extra` flags and waits for the listening
    /// line on stdout.
    fn start(extra: &[&str]) -> Self {
        let logs = tempfile::tempdir().unwrap();
        let mut child = server()
            .args(["--sandbox", "--no-gateway", "--port", "0"])
            .args(extra)
            .arg("--log-file-path")
            .arg(logs.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (lines_tx, lines_rx) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines_tx.send(line).is_err() {
                    // Keep draining so the server never blocks on a full pipe.
                    continue;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut emulator = None;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = match lines_rx.recv_timeout(left) {
                Ok(line) => line,
                Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    let mut stderr = String::new();
                    let _ = child.stderr.take().unwrap().read_to_string(&mut stderr);
                    panic!("no listening line within 20 s; stderr: {stderr}");
                }
            };
            if let Some((_, url)) = line.split_once("using the built-in emulator at ") {
                emulator = Some(url.trim().trim_end_matches("/api/v10").to_owned());
            }
            if let Some(address) = line.strip_prefix("gRPC server listening on ") {
                return Self {
                    child,
                    address: address.trim().to_owned(),
                    emulator: emulator.expect("the sandbox line comes first"),
                    logs,
                };
            }
        }
    }

    fn port(&self) -> u16 {
        self.address.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// A plaintext channel.
    async fn channel(&self) -> Channel {
        Endpoint::from_shared(format!("http://{}", self.address))
            .unwrap()
            .connect()
            .await
            .unwrap()
    }

    /// `METHOD path` of every REST request the emulator received.
    async fn discord_requests(&self) -> Vec<String> {
        let list: serde_json::Value = reqwest::get(format!("{}/_emulator/requests", self.emulator))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        list.as_array()
            .unwrap()
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r["method"].as_str().unwrap(),
                    r["path"].as_str().unwrap().trim_start_matches("/api/v10")
                )
            })
            .collect()
    }

    /// SIGTERM, wait for the exit; returns (exit code, stderr, log file).
    fn stop(mut self) -> (Option<i32>, String, String) {
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = wait_exit(&mut self.child, Duration::from_secs(15));
        let mut stderr = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let log = std::fs::read_to_string(self.logs.path().join("discordproxyserver.log"))
            .unwrap_or_default();
        (status.code(), stderr, log)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the server with `args` expecting a start-up failure; returns (exit code, stderr).
fn start_up_failure(args: &[&str]) -> (Option<i32>, String) {
    let logs = tempfile::tempdir().unwrap();
    let output = server()
        .args(args)
        .arg("--log-file-path")
        .arg(logs.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn channel_message(content: &str) -> SendChannelMessageRequest {
    SendChannelMessageRequest {
        channel_id: GENERAL,
        content: content.into(),
        embed: None,
        ..Default::default()
    }
}

async fn wait_serving(channel: Channel) {
    let mut health = HealthClient::new(channel);
    let mut watch = health
        .watch(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .expect("health answers without an API key")
        .into_inner();
    tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(reply) = watch.message().await.unwrap() {
            if reply.status == ServingStatus::Serving as i32 {
                return;
            }
        }
        panic!("health stream ended");
    })
    .await
    .expect("SERVING within 10 s");
}

// --- TLS ------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn tls_serves_rpcs_and_health_and_refuses_plaintext() {
    let pki = Pki::new();
    let server = Sandbox::start(&[
        "--tls-cert",
        &pki.arg("server.pem"),
        "--tls-key",
        &pki.arg("server.key"),
    ]);
    let tls = Endpoint::from_shared(format!("https://localhost:{}", server.port()))
        .unwrap()
        .tls_config(pki.client_tls(None))
        .unwrap()
        .connect()
        .await
        .expect("TLS handshake with a certificate signed by the test CA");
    wait_serving(tls.clone()).await;
    let reply = DiscordApiClient::new(tls)
        .send_channel_message(channel_message("over TLS"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(reply.message.unwrap().content, "over TLS");

    // The same port in plaintext (h2c) gets no gRPC answer.
    let plaintext = Endpoint::from_shared(format!("http://{}", server.address))
        .unwrap()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(5));
    let refused = match plaintext.connect().await {
        Err(_) => true,
        Ok(channel) => DiscordApiClient::new(channel)
            .send_channel_message(channel_message("plaintext"))
            .await
            .is_err(),
    };
    assert!(refused, "a plaintext call succeeded on the TLS port");
    let posted = server
        .discord_requests()
        .await
        .iter()
        .filter(|r| r.starts_with("POST /channels/"))
        .count();
    assert_eq!(posted, 1, "only the TLS call reached Discord");

    let (code, stderr, log) = server.stop();
    assert_eq!(code, Some(0));
    assert!(log.contains("tls=true"), "{log}");
    assert!(
        !stderr.contains("SECURITY WARNING"),
        "loopback must not warn: {stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn mtls_refuses_clients_without_a_ca_signed_certificate() {
    let pki = Pki::new();
    let server = Sandbox::start(&[
        "--tls-cert",
        &pki.arg("server.pem"),
        "--tls-key",
        &pki.arg("server.key"),
        "--tls-client-ca",
        &pki.arg("ca.pem"),
    ]);
    let url = format!("https://localhost:{}", server.port());
    for identity in [None, Some("other")] {
        let endpoint = Endpoint::from_shared(url.clone())
            .unwrap()
            .tls_config(pki.client_tls(identity))
            .unwrap()
            .timeout(Duration::from_secs(5));
        let result = match endpoint.connect().await {
            Err(error) => Err(error.to_string()),
            Ok(channel) => DiscordApiClient::new(channel)
                .send_channel_message(channel_message("no valid client certificate"))
                .await
                .map_err(|status| status.to_string()),
        };
        assert!(
            result.is_err(),
            "a client with certificate {identity:?} was accepted"
        );
    }
    let channel = Endpoint::from_shared(url)
        .unwrap()
        .tls_config(pki.client_tls(Some("client")))
        .unwrap()
        .connect()
        .await
        .expect("a CA-signed client certificate is accepted");
    wait_serving(channel.clone()).await;
    let reply = DiscordApiClient::new(channel)
        .send_channel_message(channel_message("mutual TLS"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(reply.message.unwrap().content, "mutual TLS");
    let posts: Vec<String> = server
        .discord_requests()
        .await
        .into_iter()
        .filter(|r| r.starts_with("POST /channels/"))
        .collect();
    assert_eq!(posts.len(), 1, "{posts:?}");
    let (code, _, _) = server.stop();
    assert_eq!(code, Some(0));
}

// --- API keys -------------------------------------------------------------------------------

const FULL_KEY: &str = "full-5b3c0e8f2a9d4c71b6e0";
const DM_KEY: &str = "dm-only-9e1f7a2c4b8d0e3f";

fn with_key<T>(message: T, key: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {key}").parse().unwrap());
    request
}

#[tokio::test(flavor = "multi_thread")]
async fn api_keys_refuse_missing_wrong_and_not_allowed_keys_without_a_discord_request() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    std::fs::write(
        &keys,
        format!(
            "# test keys\nfull {FULL_KEY}\n\ndm-sender {DM_KEY} SendDirectMessage  # DMs only\n"
        ),
    )
    .unwrap();
    let server = Sandbox::start(&["--api-keys-file", keys.to_str().unwrap()]);
    let channel = server.channel().await;
    wait_serving(channel.clone()).await;
    let mut client = DiscordApiClient::new(channel);
    let before = server.discord_requests().await;

    let missing = client
        .send_channel_message(channel_message("no key"))
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::Unauthenticated, "{missing:?}");
    let wrong = client
        .send_channel_message(with_key(
            channel_message("wrong key"),
            "full-5b3c0e8f2a9d4c71b6e1",
        ))
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), Code::Unauthenticated, "{wrong:?}");
    let denied = client
        .send_channel_message(with_key(channel_message("not allowed"), DM_KEY))
        .await
        .unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied, "{denied:?}");
    assert!(denied.message().contains("dm-sender"), "{denied:?}");
    assert_eq!(
        server.discord_requests().await,
        before,
        "refused calls made Discord requests"
    );

    let sent = client
        .send_channel_message(with_key(channel_message("with the right key"), FULL_KEY))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(sent.message.unwrap().content, "with the right key");
    let dm = client
        .send_direct_message(with_key(
            SendDirectMessageRequest {
                user_id: ALICE,
                content: "DM with a DM-only key".into(),
                embed: None,
                ..Default::default()
            },
            DM_KEY,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(dm.message.unwrap().content, "DM with a DM-only key");
    let after = server.discord_requests().await;
    let new: Vec<&String> = after.iter().skip(before.len()).collect();
    assert!(
        new.iter()
            .any(|r| *r == &format!("POST /channels/{GENERAL}/messages")),
        "{new:?}"
    );
    assert!(
        new.iter().any(|r| *r == "POST /users/@me/channels"),
        "{new:?}"
    );

    let (code, stderr, log) = server.stop();
    assert_eq!(code, Some(0));
    assert!(
        log.contains("api_keys=\"full,dm-sender\"") || log.contains("api_keys=full,dm-sender"),
        "{log}"
    );
    assert!(
        log.contains("api_key{key=full}"),
        "the key's name is in the span: {log}"
    );
    assert!(log.contains("refused a call"), "{log}");
    for text in [&log, &stderr] {
        assert!(
            !text.contains(FULL_KEY) && !text.contains(DM_KEY),
            "a key leaked: {text}"
        );
    }
}

// --- --token-file ---------------------------------------------------------------------------

/// Starts the server against `emulator` with `args`; returns whether it logged in (true) or
/// exited (false, with its exit code and stderr).
fn logs_in(emulator: &Emulator, args: &[&str]) -> Result<(), (Option<i32>, String)> {
    let logs = tempfile::tempdir().unwrap();
    let mut child = server()
        .args(["--port", "0", "--no-gateway", "--log-console-level", "INFO"])
        .args(args)
        .arg("--discord-api-url")
        .arg(emulator.api_base_url())
        .arg("--log-file-path")
        .arg(logs.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines_tx, lines_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match lines_rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) if line.contains("logged in to Discord") => {
                let _ = child.kill();
                let _ = child.wait();
                return Ok(());
            }
            Ok(_) => {}
            // stdout closed: the process is exiting.
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("neither logged in nor exited within 20 s");
            }
        }
    }
    let status = wait_exit(&mut child, Duration::from_secs(10));
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    Err((status.code(), stderr))
}

#[tokio::test(flavor = "multi_thread")]
async fn token_file_works_and_bad_ones_fail_naming_the_flag() {
    let emulator = Emulator::start(
        tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(),
        Options::new(Fixture::default_fixture()),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let good = write("good", &format!("{}\n", emulator.token()));
    let wrong = write("wrong", "MTAwMDAw.wrong-token.Zz9\n");
    let empty = write("empty", "\n");
    let missing = dir.path().join("missing");
    let path = |p: &Path| p.to_str().unwrap().to_owned();

    let (emulator_ref, good_path) = (&emulator, path(&good));
    let ok = tokio::task::block_in_place(|| logs_in(emulator_ref, &["--token-file", &good_path]));
    assert_eq!(ok, Ok(()), "the token from the file was accepted");

    let wrong_path = path(&wrong);
    let (code, stderr) =
        tokio::task::block_in_place(|| logs_in(emulator_ref, &["--token-file", &wrong_path]))
            .unwrap_err();
    assert_eq!(code, Some(1), "the file's (wrong) token was used: {stderr}");
    assert!(stderr.contains("invalid Discord bot token"), "{stderr}");
    assert!(!stderr.contains("wrong-token"), "{stderr}");

    for (file, problem) in [(&missing, "cannot read"), (&empty, "the file is empty")] {
        let (code, stderr) = start_up_failure(&["--token-file", &path(file)]);
        assert_eq!(code, Some(1), "{stderr}");
        assert!(
            stderr.contains(&format!("ERROR: --token-file {}", path(file)))
                && stderr.contains(problem),
            "{stderr}"
        );
    }
    let (code, stderr) = start_up_failure(&["--token", "x", "--token-file", &good_path]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("either --token or --token-file, not both"),
        "{stderr}"
    );
}

// --- start-up errors, warning, limits -------------------------------------------------------

#[test]
fn bad_tls_and_api_key_files_stop_the_start_naming_the_flag() {
    let pki = Pki::new();
    let junk = pki.path("junk.pem");
    std::fs::write(&junk, "not a certificate\n").unwrap();
    let junk = junk.to_str().unwrap();
    let missing = pki.arg("missing.pem");
    let (server_pem, server_key, client_key) = (
        pki.arg("server.pem"),
        pki.arg("server.key"),
        pki.arg("client.key"),
    );
    let cases: [(Vec<&str>, &str); 6] = [
        (
            vec!["--tls-cert", &missing, "--tls-key", "x"],
            "--tls-cert ",
        ),
        (vec!["--tls-cert", junk, "--tls-key", junk], "--tls-cert "),
        (
            vec!["--tls-cert", &server_pem],
            "--tls-cert needs --tls-key",
        ),
        (
            // The client's key does not belong to the server's certificate.
            vec!["--tls-cert", &server_pem, "--tls-key", &client_key],
            "--tls-key ",
        ),
        (
            vec![
                "--tls-cert",
                &server_pem,
                "--tls-key",
                &server_key,
                "--tls-client-ca",
                junk,
            ],
            "--tls-client-ca ",
        ),
        (vec!["--api-keys-file", &missing], "--api-keys-file "),
    ];
    for (args, flag) in cases {
        let mut all = vec!["--sandbox", "--port", "0"];
        all.extend(args.iter().copied());
        let (code, stderr) = start_up_failure(&all);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!("ERROR: {flag}")),
            "{args:?}: expected {flag:?} in {stderr}"
        );
    }
    let keys = pki.path("keys");
    std::fs::write(
        &keys,
        "app 0123456789abcdef0123 SendChannelMessage,SendDM\n",
    )
    .unwrap();
    let (code, stderr) =
        start_up_failure(&["--sandbox", "--api-keys-file", keys.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("--api-keys-file") && stderr.contains("line 1: unknown RPC \"SendDM\""),
        "{stderr}"
    );
}

#[test]
fn non_loopback_bind_without_tls_and_keys_warns_naming_the_flags() {
    let server = Sandbox::start(&["--host", "0.0.0.0"]);
    let (code, stderr, log) = server.stop();
    assert_eq!(code, Some(0), "the server starts and stops normally");
    assert!(
        stderr.starts_with("SECURITY WARNING: the gRPC port 0.0.0.0:")
            && stderr
                .contains("anyone who can reach this port can send messages as your Discord bot")
            && stderr.contains("--tls-cert")
            && stderr.contains("--api-keys-file"),
        "{stderr}"
    );
    let warning = log
        .lines()
        .find(|line| line.contains("SECURITY WARNING"))
        .unwrap_or_else(|| panic!("no warning in the log: {log}"));
    assert!(warning.contains("WARN"), "{warning}");
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_requests_are_refused_without_a_discord_request() {
    let server = Sandbox::start(&["--max-request-bytes", "1024"]);
    let channel = server.channel().await;
    wait_serving(channel.clone()).await;
    let mut client = DiscordApiClient::new(channel);
    let before = server.discord_requests().await;
    // A non-file RPC over the limit: refused by tonic before the handler.
    let refused = client
        .delete_channel_message(discordproxy_proto::DeleteChannelMessageRequest {
            channel_id: GENERAL,
            message_id: 1,
            audit_log_reason: "x".repeat(2000),
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::OutOfRange, "{refused:?}");
    assert!(
        refused
            .message()
            .contains("decoded message length too large"),
        "{refused:?}"
    );
    assert_eq!(server.discord_requests().await, before);
    // The RPCs that carry files take up to 26 MiB whatever --max-request-bytes says.
    let large = client
        .send_channel_message(channel_message(&"y".repeat(2000)))
        .await
        .unwrap();
    assert_eq!(large.into_inner().message.unwrap().content.len(), 2000);
    let refused = client
        .send_channel_message(discordproxy_proto::SendChannelMessageRequest {
            files: vec![discordproxy_proto::File {
                filename: "huge.bin".into(),
                data: vec![0; 27 * 1024 * 1024].into(),
                ..Default::default()
            }],
            ..channel_message("z")
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::OutOfRange, "{refused:?}");
    drop(server);
}
