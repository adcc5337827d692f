//! `discordproxy-eventbench interactions`: the interaction round trip through the server, run
//! by `bench/interactions`.
//!
//! It starts `discord-emulator` (`--rate-limits off`, a fixture of one guild with `--users`
//! members) and `discordproxyserver` (`--intents GUILDS`: INTERACTION_CREATE needs no intent) as
//! child processes, then:
//!
//! - a bot, a tonic client on one connection, subscribes to `StreamEvents` for
//!   INTERACTION_CREATE and answers each interaction from the typed event alone with
//!   `CreateInteractionResponse` type 4 (CHANNEL_MESSAGE_WITH_SOURCE, content `pong`), each
//!   answer in its own task;
//! - `--users` users, each its own closed loop, make interactions through the emulator's
//!   control route (`POST /_emulator/interactions`, a `/ping` slash command), wait until the bot
//!   has its answer, and read `GET /_emulator/interactions/{id}`: `after_us`, the microseconds
//!   from the interaction's creation (when the emulator dispatches INTERACTION_CREATE) until the
//!   emulator received the callback, on the emulator's own clock.
//!
//! The round trip so covers the emulator's gateway dispatch, the server's gateway shard, event
//! bus and `StreamEvents`, the bot, the `CreateInteractionResponse` RPC and the server's REST
//! call up to its arrival at the emulator. The bot-side figure is the time from the event's
//! arrival at the bot to the RPC's answer (the callback's REST round trip included).

use anyhow::{Context, Result, bail};
use clap::Args;
use discordproxy_proto::{
    CreateInteractionResponseRequest, StreamEventsRequest, discord_api_client::DiscordApiClient,
    gateway_event::Typed,
};
use serde_json::{Value, json};
use std::{
    fmt::Write as _,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};
use tokio::sync::mpsc;
use tonic::transport::Channel;

use crate::fixture;
use crate::procs::{Emulator, Server, cpu_seconds, sibling_binary};

/// The server's intents (INTERACTION_CREATE is sent whatever the intents).
const INTENTS: &str = "GUILDS";
/// The round trip the benchmark aims at, at the 99th percentile.
const GOAL_P99: Duration = Duration::from_millis(10);
/// How long a user waits for the bot's answer before the run fails.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// `interactions`: the options.
#[derive(Debug, Clone, Args)]
pub struct InteractionArgs {
    /// The emulator binary (default: `discord-emulator` beside this binary).
    #[arg(long)]
    pub emulator_bin: Option<PathBuf>,
    /// The server binary (default: `discordproxyserver` beside this binary).
    #[arg(long)]
    pub server_bin: Option<PathBuf>,
    /// Interactions measured (spread evenly over the users).
    #[arg(long, default_value_t = 1000)]
    pub interactions: usize,
    /// Concurrent users, each making one interaction at a time.
    #[arg(long, default_value_t = 10)]
    pub users: usize,
    /// Interactions before the measured ones (connections, caches, allocator warm).
    #[arg(long, default_value_t = 100)]
    pub warm_up: usize,
    /// Write the Markdown report here too (it is always printed).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Folder for the fixture and the processes' logs (default: a new temporary folder).
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
}

/// The bot's answer to one interaction, for the user who made it.
#[derive(Debug)]
struct Answered {
    interaction_id: u64,
    /// From the event's arrival at the bot to the RPC's answer.
    bot: Duration,
    /// The RPC's error, if it failed.
    error: Option<String>,
}

/// One measured interaction.
#[derive(Debug, Clone, Copy)]
struct Sample {
    /// Dispatch → callback received, on the emulator's clock.
    round_trip: Duration,
    /// Event at the bot → `CreateInteractionResponse` answered, on the bot's clock.
    bot: Duration,
}

/// Percentiles of a set of durations (nearest rank).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Percentiles {
    /// The median.
    pub p50: Duration,
    /// The 90th percentile.
    pub p90: Duration,
    /// The 99th percentile.
    pub p99: Duration,
    /// The largest value.
    pub max: Duration,
    /// The arithmetic mean.
    pub mean: Duration,
}

impl Percentiles {
    /// The percentiles of `values` (`None` when empty).
    pub fn of(values: &[Duration]) -> Option<Self> {
        if values.is_empty() {
            return None;
        }
        let mut sorted = values.to_vec();
        sorted.sort_unstable();
        let rank = |q: f64| {
            // Nearest rank: the smallest value with at least q of the values at or below it.
            let index = (q * sorted.len() as f64).ceil() as usize;
            sorted[index.clamp(1, sorted.len()) - 1]
        };
        let total: Duration = sorted.iter().sum();
        Some(Self {
            p50: rank(0.50),
            p90: rank(0.90),
            p99: rank(0.99),
            max: sorted[sorted.len() - 1],
            mean: total / u32::try_from(sorted.len()).unwrap_or(u32::MAX),
        })
    }
}

/// One phase's outcome.
#[derive(Debug)]
struct Run {
    samples: Vec<Sample>,
    seconds: f64,
    server_cpu: f64,
    emulator_cpu: f64,
}

/// Runs the benchmark and prints (and writes) the report.
///
/// # Errors
/// When a process does not start, an interaction fails or is not answered in 10 s.
pub async fn run(args: InteractionArgs) -> Result<()> {
    if args.users == 0 || args.interactions < args.users {
        bail!("--interactions must be at least --users, and --users at least 1");
    }
    let load_before = super::load_average();
    let work_dir = args.work_dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!(
            "discordproxy-interactionbench-{}",
            std::process::id()
        ))
    });
    std::fs::create_dir_all(&work_dir)?;
    let fixture_path = work_dir.join("fixture.json");
    std::fs::write(&fixture_path, fixture::fixture(args.users).to_string())?;
    let emulator_bin = args
        .emulator_bin
        .clone()
        .unwrap_or_else(|| sibling_binary("discord-emulator"));
    let server_bin = args
        .server_bin
        .clone()
        .unwrap_or_else(|| sibling_binary("discordproxyserver"));

    eprintln!("[interactions] starting {}", emulator_bin.display());
    let emulator =
        Emulator::start(&emulator_bin, &fixture_path, &work_dir.join("emulator.log")).await?;
    eprintln!(
        "[interactions] starting {} ({INTENTS})",
        server_bin.display()
    );
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

    let channel = tonic::transport::Endpoint::from_shared(server.url.clone())?
        .connect()
        .await
        .context("connecting the bot")?;
    let (senders, receivers): (Vec<_>, Vec<_>) =
        (0..args.users).map(|_| mpsc::unbounded_channel()).unzip();
    let bot = start_bot(channel, senders).await?;
    let mut users = Users::new(&emulator.base_url, receivers);

    if args.warm_up > 0 {
        eprintln!("[interactions] warm-up: {} interactions", args.warm_up);
        users.run(args.warm_up.max(args.users)).await?;
    }
    eprintln!(
        "[interactions] measuring: {} interactions from {} concurrent users",
        args.interactions, args.users
    );
    let (server_cpu, emulator_cpu) = (cpu_seconds(server_pid)?, cpu_seconds(emulator_pid)?);
    let started = Instant::now();
    let samples = users.run(args.interactions).await?;
    let seconds = started.elapsed().as_secs_f64();
    let measured = Run {
        samples,
        seconds,
        server_cpu: cpu_seconds(server_pid)? - server_cpu,
        emulator_cpu: cpu_seconds(emulator_pid)? - emulator_cpu,
    };
    bot.abort();
    let load_after = super::load_average();

    let report = report(
        &args,
        &measured,
        &profile_of(&server_bin),
        &load_before,
        &load_after,
    );
    println!("{report}");
    if let Some(out) = &args.out {
        if let Some(dir) = out.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(out, &report)?;
        eprintln!("[interactions] wrote {}", out.display());
    }
    eprintln!("{}", summary(&args, &measured, &profile_of(&server_bin)));
    drop(server);
    drop(emulator);
    if args.work_dir.is_none() {
        let _ = std::fs::remove_dir_all(&work_dir);
    }
    Ok(())
}

/// The bot: subscribes to INTERACTION_CREATE on `channel` (returns once subscribed) and
/// answers every interaction with `CreateInteractionResponse` type 4 in a task of its own,
/// telling the user who made it (`senders[i]`: the fixture's user `i`).
async fn start_bot(
    channel: Channel,
    senders: Vec<mpsc::UnboundedSender<Answered>>,
) -> Result<tokio::task::JoinHandle<()>> {
    let mut client = DiscordApiClient::new(channel);
    let mut stream = client
        .stream_events(StreamEventsRequest {
            event_names: vec!["INTERACTION_CREATE".into()],
            ..Default::default()
        })
        .await
        .context("StreamEvents")?
        .into_inner();
    Ok(tokio::spawn(async move {
        loop {
            let event = match stream.message().await {
                Ok(Some(event)) => event,
                Ok(None) => return,
                Err(status) => {
                    eprintln!("[interactions] StreamEvents ended: {status}");
                    return;
                }
            };
            let received = Instant::now();
            let Some(Typed::Interaction(interaction)) = event.typed else {
                eprintln!("[interactions] an INTERACTION_CREATE without its typed view");
                continue;
            };
            let user_id = interaction
                .member
                .as_ref()
                .and_then(|member| member.user.as_ref())
                .or(interaction.user.as_ref())
                .map_or(0, |user| user.id);
            let Some(sender) = user_id
                .checked_sub(fixture::FIRST_USER_ID)
                .and_then(|index| senders.get(usize::try_from(index).ok()?))
                .cloned()
            else {
                eprintln!("[interactions] an interaction of an unknown user {user_id}");
                continue;
            };
            let mut client = client.clone();
            tokio::spawn(async move {
                let answer = client
                    .create_interaction_response(CreateInteractionResponseRequest {
                        interaction_id: interaction.id,
                        interaction_token: interaction.token,
                        r#type: 4,
                        content: "pong".into(),
                        ..CreateInteractionResponseRequest::default()
                    })
                    .await;
                let _ = sender.send(Answered {
                    interaction_id: interaction.id,
                    bot: received.elapsed(),
                    error: answer.err().map(|status| status.to_string()),
                });
            });
        }
    }))
}

/// The users: each makes interactions one at a time through the control route.
struct Users {
    http: reqwest::Client,
    base_url: String,
    receivers: Vec<mpsc::UnboundedReceiver<Answered>>,
}

impl Users {
    fn new(base_url: &str, receivers: Vec<mpsc::UnboundedReceiver<Answered>>) -> Self {
        Self {
            http: reqwest::Client::new(),
            base_url: base_url.to_owned(),
            receivers,
        }
    }

    /// `total` interactions, spread over the users (the first ones take one more when it does
    /// not divide evenly), all users at once; returns every sample.
    async fn run(&mut self, total: usize) -> Result<Vec<Sample>> {
        let users = self.receivers.len();
        let mut tasks = Vec::with_capacity(users);
        for (index, mut receiver) in std::mem::take(&mut self.receivers).into_iter().enumerate() {
            let count = total / users + usize::from(index < total % users);
            let http = self.http.clone();
            let base_url = self.base_url.clone();
            tasks.push(tokio::spawn(async move {
                let result = user(&http, &base_url, index, count, &mut receiver).await;
                (receiver, result)
            }));
        }
        let mut samples = Vec::with_capacity(total);
        let mut failure = None;
        for task in tasks {
            let (receiver, result) = task.await.context("a user task")?;
            self.receivers.push(receiver);
            match result {
                Ok(mine) => samples.extend(mine),
                Err(error) => {
                    failure.get_or_insert(error);
                }
            }
        }
        match failure {
            Some(error) => Err(error),
            None => Ok(samples),
        }
    }
}

/// User `index` makes `count` interactions, each after the previous one was answered.
async fn user(
    http: &reqwest::Client,
    base_url: &str,
    index: usize,
    count: usize,
    answers: &mut mpsc::UnboundedReceiver<Answered>,
) -> Result<Vec<Sample>> {
    let user_id = fixture::FIRST_USER_ID + index as u64;
    let body = json!({
        "type": 2,
        "guild_id": fixture::GUILD_ID.to_string(),
        "channel_id": fixture::CHANNEL_ID.to_string(),
        "user_id": user_id.to_string(),
        "data": {"id": "900000000000000001", "name": "ping", "type": 1},
    });
    let mut samples = Vec::with_capacity(count);
    for _ in 0..count {
        let created: Value = checked(
            http.post(format!("{base_url}/_emulator/interactions"))
                .json(&body)
                .send()
                .await?,
        )
        .await
        .context("POST /_emulator/interactions")?;
        let id: u64 = created["id"]
            .as_str()
            .and_then(|id| id.parse().ok())
            .context("the created interaction's id")?;
        let answered = tokio::time::timeout(ANSWER_TIMEOUT, answers.recv())
            .await
            .with_context(|| format!("user {index}: interaction {id} unanswered after 10 s"))?
            .context("the bot stopped")?;
        if answered.interaction_id != id {
            bail!(
                "user {index}: the bot answered interaction {} while {id} was open",
                answered.interaction_id
            );
        }
        if let Some(error) = answered.error {
            bail!("user {index}: CreateInteractionResponse failed: {error}");
        }
        let recorded: Value = checked(
            http.get(format!("{base_url}/_emulator/interactions/{id}"))
                .send()
                .await?,
        )
        .await
        .context("GET /_emulator/interactions/{id}")?;
        let initial = &recorded["initial_response"];
        if initial["type"] != json!(4) {
            bail!("interaction {id}: the emulator recorded {initial}");
        }
        let after_us = initial["after_us"]
            .as_u64()
            .context("the emulator's after_us")?;
        samples.push(Sample {
            round_trip: Duration::from_micros(after_us),
            bot: answered.bot,
        });
    }
    Ok(samples)
}

/// The JSON of a successful answer.
async fn checked(response: reqwest::Response) -> Result<Value> {
    let status = response.status();
    let text = response.text().await?;
    if !status.is_success() {
        bail!("{status}: {text}");
    }
    Ok(serde_json::from_str(&text)?)
}

/// The build profile a binary comes from, by its folder (`target/release`, `target/debug`).
fn profile_of(binary: &Path) -> String {
    let folder = binary
        .parent()
        .and_then(Path::file_name)
        .and_then(|name| name.to_str())
        .unwrap_or("");
    match folder {
        "release" => "release".into(),
        "debug" => "dev (unoptimised)".into(),
        _ => format!("unknown ({})", binary.display()),
    }
}

/// `1.234 ms`.
fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

/// One line for logs (`bench/run --quick`): the round trip's percentiles and the goal.
fn summary(args: &InteractionArgs, run: &Run, profile: &str) -> String {
    let round_trips: Vec<Duration> = run.samples.iter().map(|s| s.round_trip).collect();
    let Some(p) = Percentiles::of(&round_trips) else {
        return "[interactions] no interactions measured".into();
    };
    format!(
        "[interactions] {} interactions, {} users, {profile} build: round trip p50 {} p90 {} \
         p99 {} max {}; goal p99 <= {}: {}",
        run.samples.len(),
        args.users,
        ms(p.p50),
        ms(p.p90),
        ms(p.p99),
        ms(p.max),
        ms(GOAL_P99),
        if p.p99 <= GOAL_P99 { "met" } else { "not met" }
    )
}

/// The Markdown report.
fn report(
    args: &InteractionArgs,
    run: &Run,
    profile: &str,
    load_before: &str,
    load_after: &str,
) -> String {
    let date = time::OffsetDateTime::now_utc().date();
    let round_trips: Vec<Duration> = run.samples.iter().map(|s| s.round_trip).collect();
    let bot: Vec<Duration> = run.samples.iter().map(|s| s.bot).collect();
    let mut out = String::new();
    let _ = writeln!(out, "# Interaction benchmark, {date}\n");
    let _ = writeln!(
        out,
        "`bench/interactions` on {}; {profile} builds of `discord-emulator` (`--rate-limits \
         off`) and `discordproxyserver` (`--intents {INTENTS}`) and this tool (a Rust tonic \
         bot), all on this machine. 1-minute load average {load_before} before the run and \
         {load_after} after it (the cores are shared with other work).\n",
        super::machine()
    );
    let _ = writeln!(
        out,
        "{} interactions (after {} of warm-up) from {} concurrent users, each making a `/ping` \
         slash command through `POST /_emulator/interactions` as soon as the previous one was \
         answered. The bot holds one `StreamEvents` subscription (INTERACTION_CREATE) and \
         answers each interaction from the typed event with `CreateInteractionResponse` type 4 \
         (`pong`), on the same connection.\n",
        super::thousands(run.samples.len() as u64),
        args.warm_up,
        args.users
    );
    let _ = writeln!(out, "| measure | p50 | p90 | p99 | max | mean |");
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: |");
    for (what, values) in [
        (
            "round trip: the emulator's INTERACTION_CREATE dispatch → its receipt of the \
             callback (emulator's clock, `after_us`)",
            &round_trips,
        ),
        (
            "bot side: the event's arrival at the bot → `CreateInteractionResponse` answered \
             (the callback's REST round trip included)",
            &bot,
        ),
    ] {
        if let Some(p) = Percentiles::of(values) {
            let _ = writeln!(
                out,
                "| {what} | {} | {} | {} | {} | {} |",
                ms(p.p50),
                ms(p.p90),
                ms(p.p99),
                ms(p.max),
                ms(p.mean)
            );
        }
    }
    let rate = run.samples.len() as f64 / run.seconds;
    let _ = writeln!(
        out,
        "\n{} interactions in {:.2} s ({} per second); CPU during the run (1.00 = one core \
         busy): server {:.2}, emulator {:.2}.\n",
        super::thousands(run.samples.len() as u64),
        run.seconds,
        super::thousands(rate.round() as u64),
        run.server_cpu / run.seconds,
        run.emulator_cpu / run.seconds,
    );
    if let Some(p) = Percentiles::of(&round_trips) {
        let verdict = if p.p99 <= GOAL_P99 { "met" } else { "not met" };
        let _ = writeln!(
            out,
            "Goal: a round trip p99 of at most {} — {verdict} (p99 {}).",
            ms(GOAL_P99),
            ms(p.p99)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser as _;

    #[test]
    fn percentiles_are_nearest_rank() {
        let values: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let p = Percentiles::of(&values).unwrap();
        assert_eq!(p.p50, Duration::from_millis(50));
        assert_eq!(p.p90, Duration::from_millis(90));
        assert_eq!(p.p99, Duration::from_millis(99));
        assert_eq!(p.max, Duration::from_millis(100));
        assert_eq!(p.mean, Duration::from_micros(50_500));
        let one = Percentiles::of(&[Duration::from_millis(3)]).unwrap();
        let three = Duration::from_millis(3);
        assert_eq!(
            (one.p50, one.p99, one.max, one.mean),
            (three, three, three, three)
        );
        assert_eq!(Percentiles::of(&[]), None);
    }

    #[test]
    fn binaries_tell_their_profile() {
        assert_eq!(
            profile_of(Path::new("/repo/target/release/discordproxyserver")),
            "release"
        );
        assert!(profile_of(Path::new("target/debug/discordproxyserver")).starts_with("dev"));
        assert!(profile_of(Path::new("/usr/bin/x")).starts_with("unknown"));
    }

    #[test]
    fn the_report_has_both_measures_and_the_goal() {
        let cli = crate::Cli::parse_from(["eventbench", "interactions", "--interactions", "4"]);
        let Some(crate::Command::Interactions(args)) = cli.command else {
            panic!("the subcommand")
        };
        assert_eq!((args.interactions, args.users), (4, 10));
        let samples = [1, 2, 3, 12]
            .into_iter()
            .map(|ms| Sample {
                round_trip: Duration::from_millis(ms),
                bot: Duration::from_micros(ms * 500),
            })
            .collect();
        let run = Run {
            samples,
            seconds: 0.5,
            server_cpu: 0.25,
            emulator_cpu: 0.1,
        };
        let report = report(&args, &run, "release", "0.50", "0.75");
        assert!(report.contains("release builds"), "{report}");
        assert!(
            report.contains("load average 0.50 before the run and 0.75"),
            "{report}"
        );
        assert!(
            report.contains("| 2.00 ms | 12.00 ms | 12.00 ms | 12.00 ms | 4.50 ms |"),
            "{report}"
        );
        assert!(
            report.contains("| 1.00 ms | 6.00 ms | 6.00 ms | 6.00 ms | 2.25 ms |"),
            "{report}"
        );
        assert!(
            report.contains("4 interactions in 0.50 s (8 per second)"),
            "{report}"
        );
        assert!(report.contains("server 0.50, emulator 0.20"), "{report}");
        assert!(report.contains("not met (p99 12.00 ms)"), "{report}");
        assert_eq!(
            summary(&args, &run, "release"),
            "[interactions] 4 interactions, 10 users, release build: round trip p50 2.00 ms p90 \
             12.00 ms p99 12.00 ms max 12.00 ms; goal p99 <= 10.00 ms: not met"
        );
    }
}
