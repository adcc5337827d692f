//! `discordproxyserver` as a process, for the tests of several instances: its gRPC and
//! metrics ports, its log file, killed when dropped.
//!
//! The binary is `DISCORDPROXY_SERVER_BIN` when set, else `discordproxyserver` in the target
//! folder of the running test (`cargo build --workspace --bins`, as scripts/test.sh does
//! first; `cargo test --workspace` builds it too).

use crate::redis_server::free_port;
use discordproxy_proto::discord_api_client::DiscordApiClient;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tonic::transport::Channel;

/// The server binary the instances run.
///
/// # Panics
/// When it cannot be found (the message says how to build it).
pub fn server_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("DISCORDPROXY_SERVER_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("the test's path");
    // target/<profile>/deps/<test> → target/<profile>/discordproxyserver
    let path = exe
        .parent()
        .and_then(std::path::Path::parent)
        .map(|dir| dir.join("discordproxyserver"))
        .expect("a target folder");
    assert!(
        path.exists(),
        "{} is missing: build it first with `cargo build -p discordproxy-server --bin \
         discordproxyserver` (scripts/test.sh does), or set DISCORDPROXY_SERVER_BIN",
        path.display()
    );
    path
}

/// A running `discordproxyserver` process.
pub struct Instance {
    child: Child,
    /// Its gRPC address.
    pub addr: SocketAddr,
    /// Its `--metrics-addr`.
    pub metrics: SocketAddr,
    log_dir: tempfile::TempDir,
}

impl Instance {
    /// Starts the server for `token` against `api_url` (the emulator's
    /// `http://127.0.0.1:PORT/api/v10`) with `args` besides, and waits until its health is
    /// `SERVING` (token check done).
    ///
    /// # Panics
    /// When it exits or is not serving within 20 s (the panic shows its log).
    pub async fn start(api_url: &str, token: &str, args: &[&str]) -> Self {
        let log_dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let metrics_port = free_port();
        let child = Command::new(server_binary())
            .env_remove("DISCORD_BOT_TOKEN")
            .env_remove("DISCORDPROXY_API_URL")
            .env_remove("DISCORDPROXY_REDIS_URL")
            .env("DISCORD_BOT_TOKEN", token)
            .args(["--discord-api-url", api_url])
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--metrics-addr", &format!("127.0.0.1:{metrics_port}")])
            .args([
                "--log-console-level",
                "CRITICAL",
                "--log-file-level",
                "INFO",
            ])
            .arg("--log-file-path")
            .arg(log_dir.path())
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts");
        let mut instance = Self {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            metrics: SocketAddr::from(([127, 0, 0, 1], metrics_port)),
            log_dir,
        };
        instance.wait_serving().await;
        instance
    }

    async fn wait_serving(&mut self) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("the server exited ({status}) at start-up:\n{}", self.log());
            }
            if self.serving().await {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the server is not serving after 20 s:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Whether its health is `SERVING`.
    pub async fn serving(&self) -> bool {
        let Ok(channel) = Channel::from_shared(format!("http://{}", self.addr))
            .unwrap()
            .connect()
            .await
        else {
            return false;
        };
        let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
        health
            .check(tonic_health::pb::HealthCheckRequest {
                service: String::new(),
            })
            .await
            .is_ok_and(|reply| reply.into_inner().status == 1)
    }

    /// A client connected to it.
    ///
    /// # Panics
    /// When it cannot be reached.
    pub async fn client(&self) -> DiscordApiClient<Channel> {
        DiscordApiClient::connect(format!("http://{}", self.addr))
            .await
            .unwrap()
    }

    /// `http://ADDRESS/metrics`.
    pub fn metrics_url(&self) -> String {
        format!("http://{}/metrics", self.metrics)
    }

    /// Its log file so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_dir.path().join("discordproxyserver.log"))
            .unwrap_or_default()
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
