//! Logging set-up for the binary: a console layer (stdout) and a size-rotated log file
//! `discordproxyserver.log` (10 MiB, 10 old files kept, like the original server).

use clap::ValueEnum;
use file_rotate::{ContentLimit, FileRotate, compression::Compression, suffix::AppendCount};
use std::path::PathBuf;
use tracing::level_filters::LevelFilter;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::{Layer, filter::Targets, layer::SubscriberExt, util::SubscriberInitExt};

/// Log levels, spelled as the original server spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "UPPER")]
pub enum LogLevel {
    /// Everything, including message content.
    Debug,
    /// One line per RPC and lifecycle events.
    Info,
    /// Failed RPCs and recoverable problems.
    #[value(alias = "WARNING")]
    Warn,
    /// Errors only.
    Error,
    /// Only fatal problems (we log those at error level, so this equals `ERROR`).
    Critical,
}

impl LogLevel {
    /// The `tracing` level filter for this level.
    pub fn filter(self) -> tracing::level_filters::LevelFilter {
        use tracing::level_filters::LevelFilter;
        match self {
            Self::Debug => LevelFilter::DEBUG,
            Self::Info => LevelFilter::INFO,
            Self::Warn => LevelFilter::WARN,
            Self::Error | Self::Critical => LevelFilter::ERROR,
        }
    }
}

/// Where and how much to log (from `--log-console-level`, `--log-file-level`, `--log-level`,
/// `--log-file-path`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSettings {
    /// Level of the console (stdout) layer (default CRITICAL).
    pub console_level: LogLevel,
    /// Level of the log file (default INFO).
    pub file_level: LogLevel,
    /// Folder of the log file (default: the working directory).
    pub folder: Option<PathBuf>,
}

/// File name of the log file.
pub const LOG_FILE_NAME: &str = "discordproxyserver.log";
/// Size at which the log file is rotated.
pub const LOG_FILE_MAX_BYTES: usize = 10 * 1024 * 1024;
/// Rotated log files kept (`discordproxyserver.log.1` … `.10`).
pub const LOG_FILES_KEPT: usize = 10;

/// Path of the log file for `settings`.
pub fn log_file(settings: &LogSettings) -> PathBuf {
    settings
        .folder
        .clone()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(LOG_FILE_NAME)
}

/// Installs the global subscriber. Keep the guard alive until exit so the file is flushed.
///
/// # Errors
/// When the log folder cannot be created.
pub fn init(settings: &LogSettings) -> std::io::Result<WorkerGuard> {
    let path = log_file(settings);
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)?;
    }
    let writer = FileRotate::new(
        &path,
        AppendCount::new(LOG_FILES_KEPT),
        ContentLimit::BytesSurpassed(LOG_FILE_MAX_BYTES),
        Compression::None,
        None,
    );
    let (file_writer, guard) = tracing_appender::non_blocking(writer);
    let console = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stdout)
        .with_ansi(colours(&std::io::stdout()))
        .with_target(false)
        .without_time()
        .with_filter(targets(settings.console_level.filter()));
    let file = tracing_subscriber::fmt::layer()
        .with_writer(file_writer)
        .with_ansi(false)
        .fmt_fields(PlainFields::default())
        .with_filter(targets(settings.file_level.filter()));
    tracing_subscriber::registry()
        .with(console)
        .with(file)
        .init();
    Ok(guard)
}

/// Whether a console log on `stream` gets ANSI colours: only on a terminal, and not when
/// `NO_COLOR` is set (<https://no-color.org>). Pipes, files and journald get plain text.
fn colours(stream: &impl std::io::IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}

/// The file layer's span field formatter: `DefaultFields` under a type of its own. A span's
/// fields are formatted once per formatter type and kept in the span; with the console's
/// `DefaultFields` the file got the console's ANSI colour codes
/// (`rpc{\x1b[3mrpc\x1b[0m\x1b[2m=\x1b[0m"SendChannelMessage"}`) whenever both layers logged the
/// span.
#[derive(Default)]
struct PlainFields(tracing_subscriber::fmt::format::DefaultFields);

impl<'writer> tracing_subscriber::fmt::FormatFields<'writer> for PlainFields {
    fn format_fields<R: tracing_subscriber::field::RecordFields>(
        &self,
        writer: tracing_subscriber::fmt::format::Writer<'writer>,
        fields: R,
    ) -> std::fmt::Result {
        self.0.format_fields(writer, fields)
    }
}

/// Our crates at `level`; dependencies (hyper, h2, twilight) at most at WARN so DEBUG stays
/// readable.
fn targets(level: LevelFilter) -> Targets {
    Targets::new()
        .with_default(std::cmp::min(level, LevelFilter::WARN))
        .with_target("discordproxy_server", level)
        .with_target("discordproxyserver", level)
        .with_target("discord_emulator", level)
}
