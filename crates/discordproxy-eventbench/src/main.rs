//! `discordproxy-eventbench`: event throughput from the emulator's gateway dispatch to gRPC
//! `StreamEvents` subscribers (1 and 10 by default), and the server's resident memory with a
//! 10,000-member guild in its cache. Run through `bench/events`. Its subcommand `interactions`
//! measures the interaction round trip instead (see [`interactions`]; run through
//! `bench/interactions`).
//!
//! It starts the release `discord-emulator` (`--rate-limits off`, a generated fixture with one
//! guild of `--members` members) and `discordproxyserver` (`--intents
//! GUILDS,GUILD_MEMBERS,GUILD_MESSAGES`) as child processes, then:
//!
//! 1. reads the server's `VmRSS`/`VmHWM` after start-up (guild, channels and the bot's member
//!    cached from GUILD_CREATE);
//! 2. dispatches every member as GUILD_MEMBERS_CHUNK events (1,000 members each, as Discord
//!    answers REQUEST_GUILD_MEMBERS), waits until a subscriber has seen them all (the server
//!    updates its cache before it publishes an event) and reads the memory again;
//! 3. measures the emulator alone (a raw websocket client, no server) as the reference;
//! 4. for each subscriber count, opens that many `StreamEvents` subscriptions (each on its own
//!    connection) and measures MESSAGE_CREATE events per second, closed loop (see [`drive`]);
//!    every subscriber must receive every event with consecutive sequence numbers.

mod drive;
mod fixture;
mod interactions;
mod procs;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use drive::{Dispatcher, Phase, Progress};
use procs::{Emulator, Memory, Server, cpu_seconds, sibling_binary};
use std::{fmt::Write as _, path::PathBuf, time::Duration};

/// The server's intents: members are cached only with GUILD_MEMBERS.
const INTENTS: &str = "GUILDS,GUILD_MEMBERS,GUILD_MESSAGES";

/// Command line.
#[derive(Debug, Parser)]
#[command(
    about = "Gateway event throughput to StreamEvents subscribers and server memory \
             (subcommand interactions: the interaction round trip)",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    /// Another benchmark instead of the event throughput.
    #[command(subcommand)]
    command: Option<Command>,
    /// The emulator binary (default: `discord-emulator` beside this binary).
    #[arg(long)]
    emulator_bin: Option<PathBuf>,
    /// The server binary (default: `discordproxyserver` beside this binary).
    #[arg(long)]
    server_bin: Option<PathBuf>,
    /// Members (and users) of the guild.
    #[arg(long, default_value_t = 10_000)]
    members: usize,
    /// Events per throughput run.
    #[arg(long, default_value_t = 100_000)]
    events: u64,
    /// Subscriber counts to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,10")]
    subscribers: Vec<usize>,
    /// Copies per dispatch request.
    #[arg(long, default_value_t = 256)]
    batch: u64,
    /// Most events dispatched but not yet received by the slowest subscriber (keep it below the
    /// server's `--event-buffer`, default 1024, or slow subscribers are ended).
    #[arg(long, default_value_t = 768)]
    window: u64,
    /// Write the Markdown report here too (it is always printed).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Folder for the fixture and the processes' logs (default: a new temporary folder).
    #[arg(long)]
    work_dir: Option<PathBuf>,
}

/// The other benchmarks.
#[derive(Debug, Subcommand)]
enum Command {
    /// The interaction round trip: INTERACTION_CREATE dispatch → StreamEvents → a bot's
    /// CreateInteractionResponse → the callback at the emulator (bench/interactions).
    #[command(args_override_self = true)]
    Interactions(interactions::InteractionArgs),
}

/// One throughput measurement.
#[derive(Debug, Clone)]
struct Throughput {
    what: String,
    receivers: usize,
    events: u64,
    seconds: f64,
    server_cpu: Option<f64>,
    emulator_cpu: f64,
}

impl Throughput {
    fn per_second(&self) -> f64 {
        self.events as f64 / self.seconds
    }
}

/// One memory reading of the server.
#[derive(Debug, Clone)]
struct MemoryReading {
    state: String,
    memory: Memory,
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut cli = Cli::parse();
    if let Some(Command::Interactions(args)) = cli.command.take() {
        return interactions::run(args).await;
    }
    let load_before = load_average();
    if cli.window < cli.batch {
        bail!("--window must be at least --batch");
    }
    let work_dir = cli.work_dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("discordproxy-eventbench-{}", std::process::id()))
    });
    std::fs::create_dir_all(&work_dir)?;
    let fixture_path = work_dir.join("fixture.json");
    std::fs::write(&fixture_path, fixture::fixture(cli.members).to_string())?;
    let emulator_bin = cli
        .emulator_bin
        .clone()
        .unwrap_or_else(|| sibling_binary("discord-emulator"));
    let server_bin = cli
        .server_bin
        .clone()
        .unwrap_or_else(|| sibling_binary("discordproxyserver"));

    eprintln!("[events] starting {}", emulator_bin.display());
    let emulator =
        Emulator::start(&emulator_bin, &fixture_path, &work_dir.join("emulator.log")).await?;
    eprintln!("[events] starting {} ({INTENTS})", server_bin.display());
    let server = Server::start(
        &server_bin,
        &emulator.base_url,
        fixture::TOKEN,
        INTENTS,
        &work_dir,
    )
    .await?;
    let server_pid = server.pid().context("server pid")?;
    let emulator_pid = emulator.pid().context("emulator pid")?;
    let dispatcher = Dispatcher::new(&emulator.base_url);
    let guild = fixture::GUILD_ID;

    let mut memory = Vec::new();
    tokio::time::sleep(Duration::from_secs(1)).await;
    memory.push(MemoryReading {
        state: "after start-up (guild, 2 channels, the bot's member cached)".into(),
        memory: Memory::of(server_pid)?,
    });

    // Members into the cache.
    let chunks = fixture::member_chunks(cli.members);
    eprintln!(
        "[events] dispatching {} members as {} GUILD_MEMBERS_CHUNK events",
        cli.members,
        chunks.len()
    );
    let progress = Progress::new(1);
    let tasks = drive::subscribe(&server.url, 1, "GUILD_MEMBERS_CHUNK", guild, &progress).await?;
    for chunk in &chunks {
        dispatcher
            .dispatch("GUILD_MEMBERS_CHUNK", chunk, guild, 1, None)
            .await?;
    }
    let chunk_count = chunks.len() as u64;
    drop(chunks);
    tokio::time::timeout(Duration::from_secs(60), async {
        while progress.slowest() < chunk_count {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .context("the server published every GUILD_MEMBERS_CHUNK")?;
    tasks.iter().for_each(tokio::task::JoinHandle::abort);
    tokio::time::sleep(Duration::from_secs(1)).await;
    memory.push(MemoryReading {
        state: format!(
            "{} members cached ({chunk_count} GUILD_MEMBERS_CHUNK events)",
            thousands(cli.members as u64)
        ),
        memory: Memory::of(server_pid)?,
    });

    let phase = Phase {
        events: cli.events,
        batch: cli.batch,
        window: cli.window,
    };
    let warm_up = Phase {
        events: (cli.batch * 8).min(cli.events),
        ..phase
    };
    let message = fixture::message_create();
    let mut results = Vec::new();

    // The emulator alone.
    eprintln!(
        "[events] emulator alone: {} events to a raw gateway client",
        cli.events
    );
    let progress = Progress::new(1);
    let gateway_url = emulator.base_url.replacen("http://", "ws://", 1);
    let raw = drive::RawGateway::connect(&gateway_url, fixture::TOKEN, &progress).await?;
    let session = raw.session_id.clone();
    drive::run(
        &dispatcher,
        "MESSAGE_CREATE",
        &message,
        guild,
        Some(&session),
        warm_up,
        &progress,
        0,
    )
    .await?;
    let emulator_cpu = cpu_seconds(emulator_pid)?;
    let elapsed = drive::run(
        &dispatcher,
        "MESSAGE_CREATE",
        &message,
        guild,
        Some(&session),
        phase,
        &progress,
        warm_up.events,
    )
    .await?;
    results.push(Throughput {
        what: "emulator → raw websocket client (no server)".into(),
        receivers: 1,
        events: cli.events,
        seconds: elapsed.as_secs_f64(),
        server_cpu: None,
        emulator_cpu: cpu_seconds(emulator_pid)? - emulator_cpu,
    });
    raw.close();

    // Through the server.
    for &subscribers in &cli.subscribers {
        eprintln!(
            "[events] {subscribers} StreamEvents subscriber(s): {} events",
            cli.events
        );
        let progress = Progress::new(subscribers);
        let tasks =
            drive::subscribe(&server.url, subscribers, "MESSAGE_CREATE", guild, &progress).await?;
        drive::run(
            &dispatcher,
            "MESSAGE_CREATE",
            &message,
            guild,
            None,
            warm_up,
            &progress,
            0,
        )
        .await?;
        let (server_cpu, emulator_cpu) = (cpu_seconds(server_pid)?, cpu_seconds(emulator_pid)?);
        let elapsed = drive::run(
            &dispatcher,
            "MESSAGE_CREATE",
            &message,
            guild,
            None,
            phase,
            &progress,
            warm_up.events,
        )
        .await?;
        results.push(Throughput {
            what: format!(
                "emulator → server → {subscribers} StreamEvents subscriber{}",
                if subscribers == 1 { "" } else { "s" }
            ),
            receivers: subscribers,
            events: cli.events,
            seconds: elapsed.as_secs_f64(),
            server_cpu: Some(cpu_seconds(server_pid)? - server_cpu),
            emulator_cpu: cpu_seconds(emulator_pid)? - emulator_cpu,
        });
        tasks.iter().for_each(tokio::task::JoinHandle::abort);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    memory.push(MemoryReading {
        state: "after the throughput runs".into(),
        memory: Memory::of(server_pid)?,
    });

    let report = report(&cli, &results, &memory, &load_before);
    println!("{report}");
    if let Some(out) = &cli.out {
        if let Some(dir) = out.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(out, &report)?;
        eprintln!("[events] wrote {}", out.display());
    }
    drop(server);
    drop(emulator);
    if cli.work_dir.is_none() {
        let _ = std::fs::remove_dir_all(&work_dir);
    }
    Ok(())
}

/// `12345` → `12,345`.
fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// KiB → `12.3 MiB`.
fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// The machine: CPU count and model.
fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("model name"))
                .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cpus} CPUs ({model})")
}

/// The 1-minute load average from `/proc/loadavg` (other work on a shared machine).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}

/// The Markdown report (`load_before`: the 1-minute load average before the run).
fn report(
    cli: &Cli,
    results: &[Throughput],
    memory: &[MemoryReading],
    load_before: &str,
) -> String {
    let date = time::OffsetDateTime::now_utc().date();
    let mut out = String::new();
    let _ = writeln!(out, "# Event benchmark, {date}\n");
    let _ = writeln!(
        out,
        "`bench/events` on {}; release builds of `discord-emulator` (`--rate-limits off`) and \
         `discordproxyserver` (`--intents {INTENTS}`, default `--event-buffer` 1024) and this \
         load tool, all on this machine (1-minute load average {load_before} before the run: \
         the cores are shared with other work). Fixture: one guild with {} members and users.\n",
        machine(),
        thousands(cli.members as u64)
    );
    let _ = writeln!(out, "## Event throughput\n");
    let _ = writeln!(
        out,
        "MESSAGE_CREATE events (a guild message of about 700 bytes of JSON, typed `Message` in \
         each `GatewayEvent`), dispatched by the emulator with `POST /_emulator/gateway/dispatch` \
         (`\"count\": {}` per request), closed loop: at most {} events dispatched but not yet \
         received by the slowest subscriber. Rate = events ÷ time from the first dispatch until \
         the slowest subscriber had the last of {} events, after a warm-up. Every subscriber \
         received every event once, with consecutive sequence numbers. CPU = seconds of CPU the \
         process used during the run ÷ the run's seconds (1.00 = one core busy).\n",
        cli.batch,
        cli.window,
        thousands(cli.events)
    );
    let _ = writeln!(
        out,
        "| path | receivers | events/s (each receiver) | deliveries/s (all receivers) | seconds | server CPU | emulator CPU |"
    );
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for result in results {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {:.2} | {} | {:.2} |",
            result.what,
            result.receivers,
            thousands(result.per_second().round() as u64),
            thousands((result.per_second() * result.receivers as f64).round() as u64),
            result.seconds,
            result.server_cpu.map_or_else(
                || "–".to_owned(),
                |cpu| format!("{:.2}", cpu / result.seconds)
            ),
            result.emulator_cpu / result.seconds,
        );
    }
    let _ = writeln!(out, "\n## Server memory\n");
    let _ = writeln!(
        out,
        "`VmRSS` (resident now) and `VmHWM` (peak so far) from `/proc/PID/status` of \
         `discordproxyserver`. The server does not request guild members itself; the benchmark \
         dispatches them as GUILD_MEMBERS_CHUNK events of 1,000 members (what Discord answers a \
         REQUEST_GUILD_MEMBERS with), which the server's cache (twilight-cache-inmemory: \
         members and users) takes in before it publishes each event.\n"
    );
    let _ = writeln!(out, "| state | VmRSS | VmHWM |");
    let _ = writeln!(out, "| --- | ---: | ---: |");
    for reading in memory {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            reading.state,
            mib(reading.memory.rss_kib),
            mib(reading.memory.hwm_kib)
        );
    }
    if let [idle, members, ..] = memory {
        let grown = members.memory.rss_kib.saturating_sub(idle.memory.rss_kib);
        let _ = writeln!(
            out,
            "\n{} members added {} of resident memory (about {} bytes per member with its user, \
             including heap the allocator kept after parsing the chunks).",
            thousands(cli.members as u64),
            mib(grown),
            thousands(grown * 1024 / cli.members.max(1) as u64)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formatting() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(mib(1536), "1.5 MiB");
    }

    #[test]
    fn the_report_has_every_measurement() {
        let cli = Cli::parse_from(["eventbench", "--events", "1000"]);
        assert_eq!(cli.subscribers, vec![1, 10]);
        let results = [Throughput {
            what: "emulator → server → 10 StreamEvents subscribers".into(),
            receivers: 10,
            events: 1000,
            seconds: 0.5,
            server_cpu: Some(0.75),
            emulator_cpu: 0.1,
        }];
        let memory = [
            MemoryReading {
                state: "idle".into(),
                memory: Memory {
                    rss_kib: 10_240,
                    hwm_kib: 10_240,
                },
            },
            MemoryReading {
                state: "members".into(),
                memory: Memory {
                    rss_kib: 20_480,
                    hwm_kib: 30_720,
                },
            },
        ];
        let report = report(&cli, &results, &memory, "0.50");
        assert!(report.contains("load average 0.50"), "{report}");
        assert!(
            report.contains("| emulator → server → 10 StreamEvents subscribers | 10 | 2,000 | 20,000 | 0.50 | 1.50 | 0.20 |"),
            "{report}"
        );
        assert!(
            report.contains("| members | 20.0 MiB | 30.0 MiB |"),
            "{report}"
        );
        assert!(report.contains("10,000 members added 10.0 MiB"), "{report}");
    }
}
