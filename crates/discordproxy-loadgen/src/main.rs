//! `discordproxy-loadgen`: closed-loop load against a discordproxy server or the emulator's
//! REST API, and the benchmark chart.
//!
//! ```text
//! discordproxy-loadgen run --target grpc  --url http://127.0.0.1:50051 --scenario channel \
//!     --concurrency 50 --calls 2000 [--label ours]
//! discordproxy-loadgen run --target grpc  --url http://127.0.0.1:50051,http://127.0.0.1:50052 \
//!     --scenario channel --concurrency 48 --connections 12 --calls 20000
//! discordproxy-loadgen run --target floor --url http://127.0.0.1:PORT/api/v10 --scenario dm-many \
//!     --concurrency 50 --calls 2000 --user-id 210000000000000001 --user-count 2000
//! discordproxy-loadgen plot --input runs.jsonl --output chart.png [--title T]
//! ```
//!
//! `run` prints one JSON line (see [`discordproxy_loadgen::Report`]); `plot` reads such lines.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use discordproxy_loadgen::floor::FloorCaller;
use discordproxy_loadgen::grpc::GrpcCaller;
use discordproxy_loadgen::{DriveOptions, Report, Scenario, Target, Workload, drive, plot};

/// Command line.
#[derive(Debug, Parser)]
#[command(name = "discordproxy-loadgen", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Drive one target at a fixed concurrency for a fixed number of calls; print a JSON report.
    Run(RunArgs),
    /// Render the PNG chart from JSON reports (one per line, or a JSON array).
    Plot(PlotArgs),
}

#[derive(Debug, Args)]
struct RunArgs {
    /// gRPC server or the emulator's REST API.
    #[arg(long, value_enum)]
    target: Target,
    /// `http://HOST:PORT` (grpc) or `http://HOST:PORT/api/v10` (floor). For grpc, several
    /// comma-separated URLs (instances of one deployment): connection `c` goes to URL
    /// `c % URLs`, so `--connections` a multiple of the URLs spreads the workers evenly.
    #[arg(long)]
    url: String,
    /// The scenario.
    #[arg(long, value_enum)]
    scenario: Scenario,
    /// Closed-loop workers.
    #[arg(long, default_value_t = 1)]
    concurrency: usize,
    /// Total calls.
    #[arg(long, default_value_t = 1000)]
    calls: u64,
    /// HTTP/2 connections for the grpc target (default: min(concurrency, 16)).
    #[arg(long)]
    connections: Option<usize>,
    /// Label in the report.
    #[arg(long, default_value = "run")]
    label: String,
    /// Bot token for the floor target.
    #[arg(long, default_value = "sandbox-bot-token")]
    token: String,
    /// Text channel (channel scenario).
    #[arg(long, default_value_t = 400_000_000_000_000_002)]
    channel_id: u64,
    /// Guild (guild-channels scenario).
    #[arg(long, default_value_t = 300_000_000_000_000_001)]
    guild_id: u64,
    /// DM user (dm-same), first user of the range (dm-many).
    #[arg(long, default_value_t = 200_000_000_000_000_001)]
    user_id: u64,
    /// Size of the user range for dm-many (default: the number of calls).
    #[arg(long)]
    user_count: Option<u64>,
    /// Message content.
    #[arg(long, default_value = "discordproxy benchmark message")]
    content: String,
    /// Per-call deadline in seconds (gRPC deadline / HTTP timeout); later calls are errors.
    #[arg(long, default_value_t = 30)]
    timeout_secs: u64,
}

#[derive(Debug, Args)]
struct PlotArgs {
    /// JSON reports from `run`.
    #[arg(long)]
    input: PathBuf,
    /// PNG file to write.
    #[arg(long)]
    output: PathBuf,
    /// Chart title.
    #[arg(long, default_value = "discordproxy benchmark")]
    title: String,
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Run(args) => {
            let runtime = tokio::runtime::Runtime::new().context("cannot start tokio")?;
            let report = runtime.block_on(run(args))?;
            println!("{}", serde_json::to_string(&report)?);
            Ok(())
        }
        Command::Plot(args) => {
            let text = std::fs::read_to_string(&args.input)
                .with_context(|| format!("cannot read {}", args.input.display()))?;
            let reports = parse_reports(&text)?;
            plot::render(&reports, &args.title, &args.output)
        }
    }
}

/// Reports from a JSON array or from JSON lines.
fn parse_reports(text: &str) -> anyhow::Result<Vec<Report>> {
    if text.trim_start().starts_with('[') {
        return serde_json::from_str(text).context("invalid JSON report array");
    }
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(n, line)| {
            serde_json::from_str(line).with_context(|| format!("invalid report on line {}", n + 1))
        })
        .collect()
}

async fn run(args: RunArgs) -> anyhow::Result<Report> {
    let concurrency = args.concurrency.max(1);
    let timeout = Duration::from_secs(args.timeout_secs.max(1));
    let workload = Workload {
        scenario: args.scenario,
        channel_id: args.channel_id,
        guild_id: args.guild_id,
        user_id: args.user_id,
        user_count: args.user_count.unwrap_or(args.calls).max(1),
        content: args.content,
    };
    let mut options = DriveOptions {
        label: args.label,
        target: args.target,
        scenario: args.scenario,
        concurrency,
        connections: concurrency,
        calls: args.calls,
        call_timeout: timeout + Duration::from_secs(1),
    };
    let report = match args.target {
        Target::Grpc => {
            let connections = args.connections.unwrap_or(concurrency.min(16)).max(1);
            options.connections = connections;
            let urls: Vec<&str> = args.url.split(',').map(str::trim).collect();
            let caller = GrpcCaller::connect(&urls, connections, workload, timeout).await?;
            drive(Arc::new(caller), &options).await
        }
        Target::Floor => {
            anyhow::ensure!(!args.url.contains(','), "the floor target takes one URL");
            let caller = FloorCaller::new(&args.url, &args.token, workload, timeout).await?;
            drive(Arc::new(caller), &options).await
        }
    };
    Ok(report)
}
