//! Shards over several `discordproxyserver` processes: a static split (`--shards 0..4/8` and
//! `4..8/8`, no Redis), and leases through a real `redis-server` (8 shards on 3 instances, one
//! killed with SIGKILL: its shards resume on the others, no new IDENTIFY, never more than
//! `max_concurrency` identifies per 5 s).
//!
//! A third test stops Redis (SIGSTOP): the shards stop before their leases can pass, and come
//! back by RESUME when Redis answers again (SIGCONT).
//!
//! The emulator runs in this process (its sessions and command log are read directly); the
//! servers and Redis are processes. The Redis tests start their own `redis-server --port <free>
//! --save '' --appendonly no` and are skipped, saying so, when it is not installed.

use crate::common::server;

use discord_emulator::{Emulator, Fixture, Options, ReceivedCommand, SessionInfo};
use discordproxy_proto::{
    DeploymentStatus, GetGatewayStatusRequest, GetGatewayStatusResponse,
    discord_api_client::DiscordApiClient, shard_status::State,
};
use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};
use time::{OffsetDateTime, format_description::well_known::Iso8601};

/// A port nobody listens on right now.
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process killed (SIGKILL) when dropped.
pub(crate) struct Process(pub(crate) Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A `redis-server` of the test's own on a free port; `None` when it is not installed.
pub(crate) struct Redis {
    process: Process,
    pub(crate) url: String,
}

impl Redis {
    pub(crate) async fn start() -> Option<Redis> {
        let port = free_port();
        let child = match Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(child) => child,
            Err(error) => {
                eprintln!(
                    "SKIPPED: redis-server cannot be started ({error}); install it (apt-get install redis-server) to run the Redis shard tests"
                );
                return None;
            }
        };
        let process = Process(child);
        let url = format!("redis://127.0.0.1:{port}/0");
        let client = redis::Client::open(url.as_str()).unwrap();
        let started = Instant::now();
        loop {
            if let Ok(mut connection) = client.get_multiplexed_async_connection().await
                && redis::cmd("PING")
                    .query_async::<String>(&mut connection)
                    .await
                    .is_ok()
            {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server does not answer"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Some(Redis { process, url })
    }

    /// Sends `signal` (`STOP`, `CONT`) to the server.
    pub(crate) fn signal(&self, signal: &str) {
        let sent = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.process.0.id().to_string())
            .status()
            .unwrap();
        assert!(sent.success());
    }
}

/// One `discordproxyserver` process.
pub(crate) struct Instance {
    process: Process,
    pub(crate) port: u16,
}

impl Instance {
    pub(crate) fn start(
        emulator: &Emulator,
        log_dir: &Path,
        name: &str,
        args: &[&str],
    ) -> Instance {
        let port = free_port();
        let dir = log_dir.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let child = server()
            .args(["--port", &port.to_string(), "--log-file-level", "DEBUG"])
            .args(args)
            .arg("--discord-api-url")
            .arg(emulator.api_base_url())
            .arg("--log-file-path")
            .arg(&dir)
            .env("DISCORD_BOT_TOKEN", emulator.token())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Instance {
            process: Process(child),
            port,
        }
    }

    /// A gRPC client of this instance, or `None` while it does not accept connections.
    async fn try_client(&self) -> Option<DiscordApiClient<tonic::transport::Channel>> {
        DiscordApiClient::connect(format!("http://127.0.0.1:{}", self.port))
            .await
            .ok()
    }

    /// A gRPC client of this instance (which must be serving).
    pub(crate) async fn client(&self) -> DiscordApiClient<tonic::transport::Channel> {
        self.try_client().await.expect("the instance accepts gRPC")
    }

    /// `GetGatewayStatus`, or `None` while the server does not answer.
    pub(crate) async fn status(&self) -> Option<GetGatewayStatusResponse> {
        let mut client = self.try_client().await?;
        Some(
            client
                .get_gateway_status(GetGatewayStatusRequest {})
                .await
                .ok()?
                .into_inner(),
        )
    }

    /// The ids of the shards that are READY here.
    pub(crate) async fn ready_shards(&self) -> Option<BTreeSet<u32>> {
        let status = self.status().await?;
        Some(
            status
                .shards
                .iter()
                .filter(|shard| shard.state() == State::Ready)
                .map(|shard| shard.shard_id)
                .collect(),
        )
    }

    /// `GetGatewayStatus`'s `deployment` (the instance must be serving, with Redis).
    pub(crate) async fn deployment(&self) -> DeploymentStatus {
        self.status()
            .await
            .expect("GetGatewayStatus")
            .deployment
            .expect("with Redis")
    }

    /// The ids of every shard the instance runs (any state).
    pub(crate) async fn shards(&self) -> Option<BTreeSet<u32>> {
        let status = self.status().await?;
        Some(status.shards.iter().map(|shard| shard.shard_id).collect())
    }

    /// Whether gRPC health says `SERVING`.
    pub(crate) async fn serving(&self) -> bool {
        use tonic_health::pb::{
            HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
        };
        let Ok(channel) =
            tonic::transport::Channel::from_shared(format!("http://127.0.0.1:{}", self.port))
                .unwrap()
                .connect()
                .await
        else {
            return false;
        };
        let mut client = HealthClient::new(channel);
        client
            .check(HealthCheckRequest {
                service: String::new(),
            })
            .await
            .is_ok_and(|answer| answer.into_inner().status() == ServingStatus::Serving)
    }

    pub(crate) fn kill(self) {
        drop(self.process);
    }
}

pub(crate) async fn emulator(shards: u32, max_concurrency: u32) -> Emulator {
    let mut options = Options::new(Fixture::default_fixture());
    options.gateway.shards = shards;
    options.gateway.max_concurrency = max_concurrency;
    Emulator::start(
        tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(),
        options,
    )
    .await
    .unwrap()
}

/// The connected sessions by shard id.
pub(crate) fn connected(emulator: &Emulator) -> BTreeMap<u64, Vec<SessionInfo>> {
    let mut by_shard: BTreeMap<u64, Vec<SessionInfo>> = BTreeMap::new();
    for session in emulator.gateway().sessions() {
        if session.connected {
            by_shard.entry(session.shard[0]).or_default().push(session);
        }
    }
    by_shard
}

/// Whether every shard of `total` has exactly one connected session.
pub(crate) fn one_session_per_shard(emulator: &Emulator, total: u64) -> bool {
    let by_shard = connected(emulator);
    by_shard.len() as u64 == total
        && by_shard.keys().copied().eq(0..total)
        && by_shard
            .values()
            .all(|sessions| sessions.len() == 1 && sessions[0].shard[1] == total)
}

fn time_of(command: &ReceivedCommand) -> OffsetDateTime {
    OffsetDateTime::parse(&command.time, &Iso8601::DEFAULT).unwrap()
}

/// The IDENTIFYs (op 2) the emulator received, by arrival time.
fn identifies(emulator: &Emulator) -> Vec<OffsetDateTime> {
    let mut times: Vec<OffsetDateTime> = emulator
        .gateway()
        .commands()
        .iter()
        .filter(|command| command.op == 2)
        .map(time_of)
        .collect();
    times.sort();
    times
}

/// The most IDENTIFYs that arrived within any 5 s.
fn most_identifies_in_5_s(times: &[OffsetDateTime]) -> usize {
    let window = time::Duration::seconds(5);
    (0..times.len())
        .map(|i| {
            times[i..]
                .iter()
                .take_while(|t| **t - times[i] < window)
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// Polls `check` every 50 ms until it holds; fails after `limit` saying `what`.
pub(crate) async fn wait_until<F, Fut>(limit: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(started.elapsed() < limit, "not within {limit:?}: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The READY shards of each of `instances`, or `None` while one of them does not answer.
pub(crate) async fn ready_everywhere(instances: &[Instance]) -> Option<Vec<BTreeSet<u32>>> {
    let mut sets = Vec::new();
    for instance in instances {
        sets.push(instance.ready_shards().await?);
    }
    Some(sets)
}

/// The shards each instance holds, once every shard is READY on exactly one instance, shared
/// evenly (2 or 3 each of 8), with one connected session per shard at the emulator.
async fn spread(instances: &[Instance], emulator: &Emulator) -> Option<Vec<BTreeSet<u32>>> {
    let mut sets = Vec::new();
    for instance in instances {
        let (ready, all) = (instance.ready_shards().await?, instance.shards().await?);
        if ready != all {
            return None;
        }
        sets.push(ready);
    }
    let union: BTreeSet<u32> = sets.iter().flatten().copied().collect();
    let disjoint = sets.iter().map(BTreeSet::len).sum::<usize>() == 8;
    let even = sets.iter().all(|set| (2..=3).contains(&set.len()));
    (union.len() == 8 && disjoint && even && one_session_per_shard(emulator, 8)).then_some(sets)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_static_split_runs_each_shard_on_one_instance_without_redis() {
    let emulator = emulator(8, 8).await;
    let logs = tempfile::tempdir().unwrap();
    let low = Instance::start(&emulator, logs.path(), "low", &["--shards", "0..4/8"]);
    let high = Instance::start(&emulator, logs.path(), "high", &["--shards", "4..8/8"]);
    wait_until(
        Duration::from_secs(30),
        "8 shards, one session each",
        || async {
            one_session_per_shard(&emulator, 8)
                && low.ready_shards().await.is_some_and(|s| s.len() == 4)
                && high.ready_shards().await.is_some_and(|s| s.len() == 4)
        },
    )
    .await;
    for (instance, expected) in [(&low, 0..4), (&high, 4..8)] {
        let status = instance.status().await.unwrap();
        assert_eq!(status.shard_count, 8);
        let ids: Vec<u32> = status.shards.iter().map(|shard| shard.shard_id).collect();
        assert_eq!(ids, expected.collect::<Vec<_>>());
        wait_until(Duration::from_secs(5), "health SERVING", || {
            instance.serving()
        })
        .await;
    }
    assert_eq!(identifies(&emulator).len(), 8, "one IDENTIFY per shard");
    assert_eq!(emulator.gateway().limits().refused_identifies, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn leases_spread_8_shards_over_3_instances_and_a_killed_instances_shards_resume_elsewhere() {
    let Some(redis) = Redis::start().await else {
        return;
    };
    // Discord's identify limits: one IDENTIFY per 5 s per key, 4 keys.
    let emulator = emulator(8, 4).await;
    let logs = tempfile::tempdir().unwrap();
    let args = [
        "--shards",
        "auto",
        "--redis-url",
        redis.url.as_str(),
        "--shard-lease-ttl",
        "2",
    ];
    let started = Instant::now();
    let mut instances: Vec<Instance> = ["a", "b", "c"]
        .iter()
        .map(|name| Instance::start(&emulator, logs.path(), name, &args))
        .collect();

    // Every shard on exactly one instance, shared evenly (3, 3, 2).
    let held = loop {
        if let Some(sets) = spread(&instances, &emulator).await {
            break sets;
        }
        assert!(
            started.elapsed() < Duration::from_secs(40),
            "8 shards not READY on 3 instances within 40 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let spread_after = started.elapsed();
    for instance in &instances {
        assert!(instance.serving().await, "health SERVING");
    }
    let before: BTreeMap<u64, String> = connected(&emulator)
        .into_iter()
        .map(|(shard, sessions)| (shard, sessions[0].session_id.clone()))
        .collect();

    // Sessions are saved at READY and every round; let one round pass.
    tokio::time::sleep(Duration::from_millis(700)).await;
    // SIGKILL the instance with the most shards.
    let victim_index = (0..3).max_by_key(|i| held[*i].len()).unwrap();
    let victim_shards = held[victim_index].clone();
    let killed_at = OffsetDateTime::now_utc();
    let killed = Instant::now();
    instances.remove(victim_index).kill();

    wait_until(
        Duration::from_secs(20),
        "the killed instance's shards resumed on the others",
        || {
            let instances = &instances;
            let emulator = &emulator;
            async move {
                ready_everywhere(instances)
                    .await
                    .is_some_and(|sets| sets.iter().flatten().collect::<BTreeSet<_>>().len() == 8)
                    && one_session_per_shard(emulator, 8)
            }
        },
    )
    .await;
    let takeover = killed.elapsed();

    // The same sessions, resumed: no IDENTIFY since the kill.
    let after = connected(&emulator);
    for shard in &victim_shards {
        let session = &after[&u64::from(*shard)][0];
        assert_eq!(
            session.session_id,
            before[&u64::from(*shard)],
            "shard {shard} keeps its session"
        );
        assert!(session.resumes >= 1, "shard {shard} was resumed");
    }
    let times = identifies(&emulator);
    let since_kill = times.iter().filter(|t| **t >= killed_at).count();
    assert_eq!(since_kill, 0, "no IDENTIFY after the kill: {times:?}");
    let most = most_identifies_in_5_s(&times);
    assert!(
        most <= 4,
        "at most max_concurrency (4) identifies per 5 s, saw {most}"
    );
    assert_eq!(
        emulator.gateway().limits().refused_identifies,
        0,
        "no IDENTIFY was refused for concurrency"
    );
    eprintln!(
        "shards spread over 3 instances after {:.1} s ({} identifies, at most {most} per 5 s); takeover of {} shards by RESUME {:.1} s after SIGKILL",
        spread_after.as_secs_f64(),
        times.len(),
        victim_shards.len(),
        takeover.as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn without_redis_shards_stop_before_their_leases_pass_and_resume_when_it_returns() {
    let Some(redis) = Redis::start().await else {
        return;
    };
    let emulator = emulator(4, 4).await;
    let logs = tempfile::tempdir().unwrap();
    let args = [
        "--shards",
        "4",
        "--redis-url",
        redis.url.as_str(),
        "--shard-lease-ttl",
        "2",
    ];
    let instances: Vec<Instance> = ["a", "b"]
        .iter()
        .map(|name| Instance::start(&emulator, logs.path(), name, &args))
        .collect();
    wait_until(
        Duration::from_secs(30),
        "4 shards READY on 2 instances",
        || {
            let instances = &instances;
            let emulator = &emulator;
            async move {
                ready_everywhere(instances)
                    .await
                    .is_some_and(|sets| sets.iter().all(|ready| ready.len() == 2))
                    && one_session_per_shard(emulator, 4)
            }
        },
    )
    .await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let sessions: BTreeSet<String> = emulator
        .gateway()
        .sessions()
        .into_iter()
        .map(|session| session.session_id)
        .collect();

    // Redis stops answering: each instance stops its shards within half the lease TTL of its
    // last renewal (a third of the TTL earlier at most), before a lease could pass.
    let stopped_at = OffsetDateTime::now_utc();
    let stopped = Instant::now();
    redis.signal("STOP");
    wait_until(Duration::from_secs(5), "every shard stopped", || async {
        connected(&emulator).is_empty()
    })
    .await;
    let fenced = stopped.elapsed();
    assert!(
        fenced < Duration::from_millis(1900),
        "shards stopped {fenced:?} after Redis stopped: not before the 2 s lease could pass"
    );
    for instance in &instances {
        assert!(instance.shards().await.unwrap().is_empty());
    }
    // No IDENTIFY while Redis is away (identifies wait for the shared queue).
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(connected(&emulator).is_empty());

    // Redis is back: the shards come back by RESUME of the same sessions.
    let back = Instant::now();
    redis.signal("CONT");
    wait_until(Duration::from_secs(20), "4 shards back", || async {
        one_session_per_shard(&emulator, 4)
    })
    .await;
    let returned = back.elapsed();
    let now: BTreeSet<String> = connected(&emulator)
        .values()
        .map(|sessions| sessions[0].session_id.clone())
        .collect();
    assert_eq!(now, sessions, "the same sessions, resumed");
    let identified = identifies(&emulator)
        .iter()
        .filter(|t| **t >= stopped_at)
        .count();
    assert_eq!(identified, 0, "no IDENTIFY after Redis stopped");
    eprintln!(
        "Redis stopped: shards stopped after {:.2} s (lease TTL 2 s); Redis back: shards resumed after {:.1} s",
        fenced.as_secs_f64(),
        returned.as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn identifies_wait_while_the_shared_queue_is_unreachable() {
    let Some(redis) = Redis::start().await else {
        return;
    };
    let emulator = emulator(2, 2).await;
    let logs = tempfile::tempdir().unwrap();
    redis.signal("STOP");
    let instance = Instance::start(
        &emulator,
        logs.path(),
        "static",
        &["--shards", "0..2/2", "--redis-url", redis.url.as_str()],
    );
    // The instance runs (gRPC answers, both shards listed) but no shard identifies.
    wait_until(Duration::from_secs(15), "the instance answers", || async {
        instance
            .shards()
            .await
            .is_some_and(|shards| shards.len() == 2)
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        identifies(&emulator).is_empty(),
        "no IDENTIFY without the queue"
    );
    redis.signal("CONT");
    wait_until(
        Duration::from_secs(20),
        "both shards identified",
        || async { one_session_per_shard(&emulator, 2) },
    )
    .await;
    assert_eq!(identifies(&emulator).len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_hands_the_shards_over_at_once_by_resume() {
    let Some(redis) = Redis::start().await else {
        return;
    };
    let emulator = emulator(4, 4).await;
    let logs = tempfile::tempdir().unwrap();
    // A long TTL: the handover must not wait for it.
    let args = [
        "--shards",
        "auto",
        "--redis-url",
        redis.url.as_str(),
        "--shard-lease-ttl",
        "30",
    ];
    let leaving = Instance::start(&emulator, logs.path(), "leaving", &args);
    let staying = Instance::start(&emulator, logs.path(), "staying", &args);
    wait_until(
        Duration::from_secs(60),
        "4 shards READY on 2 instances",
        || async {
            let (Some(a), Some(b)) = (leaving.ready_shards().await, staying.ready_shards().await)
            else {
                return false;
            };
            a.len() == 2 && b.len() == 2 && one_session_per_shard(&emulator, 4)
        },
    )
    .await;
    let sessions: BTreeSet<String> = connected(&emulator)
        .values()
        .map(|sessions| sessions[0].session_id.clone())
        .collect();
    let terminated_at = OffsetDateTime::now_utc();
    let terminated = Instant::now();
    let sent = Command::new("kill")
        .args(["-TERM", &leaving.process.0.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    wait_until(
        Duration::from_secs(20),
        "4 shards on the staying instance",
        || async {
            staying
                .ready_shards()
                .await
                .is_some_and(|ready| ready.len() == 4)
                && one_session_per_shard(&emulator, 4)
        },
    )
    .await;
    let handover = terminated.elapsed();
    assert!(
        handover < Duration::from_secs(5),
        "{handover:?}: the lease TTL was waited for"
    );
    let now: BTreeSet<String> = connected(&emulator)
        .values()
        .map(|sessions| sessions[0].session_id.clone())
        .collect();
    assert_eq!(now, sessions, "the same sessions, resumed");
    assert_eq!(
        identifies(&emulator)
            .iter()
            .filter(|t| **t >= terminated_at)
            .count(),
        0
    );
    eprintln!(
        "SIGTERM: shards resumed on the other instance after {:.1} s",
        handover.as_secs_f64()
    );
}
