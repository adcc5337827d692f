//! The processes under test: the release `discord-emulator` and `discordproxyserver` binaries,
//! started as child processes (killed when dropped), and their memory from `/proc`.

use anyhow::{Context, Result, bail};
use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};

/// A running `discord-emulator`.
pub struct Emulator {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
}

impl Emulator {
    /// Starts `binary --listen 127.0.0.1:0 --fixture FIXTURE --rate-limits off` (stderr to
    /// `log`) and reads its first stdout line for the address.
    ///
    /// # Errors
    /// When the binary cannot be started or does not print its address within 30 s.
    pub async fn start(binary: &Path, fixture: &Path, log: &Path) -> Result<Self> {
        let mut child = Command::new(binary)
            .args([
                "--listen",
                "127.0.0.1:0",
                "--rate-limits",
                "off",
                "--fixture",
            ])
            .arg(fixture)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(log)?)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let stdout = child.stdout.take().context("emulator stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .context("the emulator did not print its address within 30 s")??
            .with_context(|| format!("the emulator exited; see {}", log.display()))?;
        let base_url = line
            .strip_prefix("discord-emulator listening on ")
            .with_context(|| format!("unexpected first line {line:?}"))?
            .to_owned();
        // Keep reading stdout so the emulator never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Self { child, base_url })
    }

    /// The process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }
}

/// A running `discordproxyserver` with a gateway session.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT` (gRPC).
    pub url: String,
}

impl Server {
    /// Starts `binary` against the emulator at `emulator_url` with `token` and `intents` on a
    /// free port (log file in `log_dir`), and waits until its health is `SERVING` (token checked,
    /// every shard ready).
    ///
    /// # Errors
    /// When it cannot be started, exits, or is not `SERVING` within 60 s.
    pub async fn start(
        binary: &Path,
        emulator_url: &str,
        token: &str,
        intents: &str,
        log_dir: &Path,
    ) -> Result<Self> {
        let port = free_port()?;
        let mut child = Command::new(binary)
            .args(["--token", token, "--discord-api-url"])
            .arg(format!("{emulator_url}/api/v10"))
            .args(["--port", &port.to_string(), "--intents", intents])
            .args(["--log-console-level", "ERROR", "--log-file-level", "WARN"])
            .arg("--log-file-path")
            .arg(log_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log_dir.join("server.stderr"))?)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let url = format!("http://127.0.0.1:{port}");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = child.try_wait()? {
                bail!("the server exited with {status}; see {}", log_dir.display());
            }
            if serving(&url).await {
                return Ok(Self { child, url });
            }
            if tokio::time::Instant::now() > deadline {
                bail!("the server was not SERVING within 60 s");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }
}

/// Whether the gRPC health of `discord_api.DiscordApi` at `url` is `SERVING`.
async fn serving(url: &str) -> bool {
    let Ok(endpoint) = tonic::transport::Endpoint::from_shared(url.to_owned()) else {
        return false;
    };
    let Ok(channel) = endpoint.connect().await else {
        return false;
    };
    HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: "discord_api.DiscordApi".into(),
        })
        .await
        .is_ok_and(|response| response.into_inner().status() == ServingStatus::Serving)
}

/// A loopback port that was free a moment ago.
fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// A process's resident memory from `/proc/PID/status`, in KiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// `VmRSS`: resident now.
    pub rss_kib: u64,
    /// `VmHWM`: the peak resident size so far.
    pub hwm_kib: u64,
}

impl Memory {
    /// Reads `/proc/PID/status`.
    ///
    /// # Errors
    /// When the file cannot be read or lacks `VmRSS`/`VmHWM` (not Linux, process gone).
    pub fn of(pid: u32) -> Result<Self> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .with_context(|| format!("reading /proc/{pid}/status"))?;
        Self::parse(&status).context("VmRSS/VmHWM missing from /proc status")
    }

    /// Parses the `VmRSS:` and `VmHWM:` lines of a `/proc/PID/status` text.
    pub fn parse(status: &str) -> Option<Self> {
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))?
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        };
        Some(Self {
            rss_kib: field("VmRSS:")?,
            hwm_kib: field("VmHWM:")?,
        })
    }
}

/// CPU time (user + system) a process has used so far, in seconds, from `/proc/PID/stat`.
///
/// # Errors
/// When the file cannot be read or parsed.
pub fn cpu_seconds(pid: u32) -> Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .with_context(|| format!("reading /proc/{pid}/stat"))?;
    let ticks = parse_cpu_ticks(&stat).context("unexpected /proc/PID/stat")?;
    Ok(ticks as f64 / clock_ticks_per_second())
}

/// `utime + stime` (fields 14 and 15) of a `/proc/PID/stat` line; the command name (field 2)
/// may contain spaces, so fields are counted after its closing parenthesis.
fn parse_cpu_ticks(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3 (state): utime is field 14, stime field 15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// `getconf CLK_TCK` (100 on Linux in practice).
fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(100.0)
}

/// `target/release/NAME` beside this binary (it is built into the same directory).
pub fn sibling_binary(name: &str) -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(name)))
        .unwrap_or_else(|| PathBuf::from(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_status_memory_lines() {
        let status = "Name:\tdiscordproxyserv\nVmPeak:\t  900 kB\nVmHWM:\t   24576 kB\nVmRSS:\t   20480 kB\n";
        assert_eq!(
            Memory::parse(status),
            Some(Memory {
                rss_kib: 20480,
                hwm_kib: 24576
            })
        );
        assert_eq!(Memory::parse("Name:\tx\n"), None);
        let own = Memory::of(std::process::id()).unwrap();
        assert!(own.rss_kib > 0 && own.hwm_kib >= own.rss_kib);
    }

    #[test]
    fn proc_stat_cpu_ticks() {
        let stat = "42 (tokio (worker) x) S 1 42 42 0 -1 4194560 500 0 0 0 250 75 0 0 20 0 8 0";
        assert_eq!(parse_cpu_ticks(stat), Some(325));
        assert_eq!(parse_cpu_ticks("garbage"), None);
        assert!(cpu_seconds(std::process::id()).unwrap() >= 0.0);
    }
}
