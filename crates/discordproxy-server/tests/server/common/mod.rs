//! Helpers shared by the process tests: the server binary and waiting for it to exit.

use std::{
    process::{Child, Command, ExitStatus},
    time::{Duration, Instant},
};

/// The `discordproxyserver` binary built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_discordproxyserver");

/// A command for the server without the token and API URL variables of the environment.
pub fn server() -> Command {
    let mut command = Command::new(BIN);
    command
        .env_remove("DISCORD_BOT_TOKEN")
        .env_remove("DISCORDPROXY_API_URL");
    command
}

/// Waits for the child to exit within `limit`; kills it and fails otherwise.
///
/// # Panics
/// When the process still runs after `limit`.
pub fn wait_exit(child: &mut Child, limit: Duration) -> ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("process still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
