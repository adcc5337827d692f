//! `--sandbox`: the bundled Discord emulator, started in-process with its default fixture, so a
//! new user can try every RPC without a Discord token. Nothing reaches Discord.

use crate::{discord::api_base::ApiBase, token::BotToken};
use discord_emulator::{Emulator, Fixture, Options};
use tokio::net::TcpListener;

/// Starts the emulator on `127.0.0.1:0`; returns it (keep it alive), its token and API base.
///
/// # Errors
/// When no loopback port can be bound.
pub async fn start() -> std::io::Result<(Emulator, BotToken, ApiBase)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let emulator = Emulator::start(listener, Options::new(Fixture::default_fixture())).await?;
    let token = BotToken::new(emulator.token());
    let api = ApiBase::Custom {
        authority: emulator.local_addr().to_string(),
        use_http: true,
    };
    Ok((emulator, token, api))
}
