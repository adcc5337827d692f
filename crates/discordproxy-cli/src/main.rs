//! `discordproxymessage`: send a direct or channel message through a discordproxy server.
//!
//! Same arguments and output as the original tool: prints `Message sent`, or `ERROR: <error>`
//! and exits with status 1.

mod args;
mod report;

use args::{Args, Kind};
use clap::Parser;
use discordproxy_proto::{
    SendChannelMessageRequest, SendDirectMessageRequest, discord_api_client::DiscordApiClient,
};
use std::process::ExitCode;
use tonic::transport::Endpoint;

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            println!("ERROR: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(send(&args)) {
        Ok(()) => {
            println!("Message sent");
            ExitCode::SUCCESS
        }
        Err(error) => {
            println!("ERROR: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn send(args: &Args) -> Result<(), String> {
    if args.content.is_empty() {
        return Err("Either content or embed need to be specified.".into());
    }
    let endpoint = Endpoint::from_shared(format!("http://{}", args.target()))
        .map_err(|error| format!("invalid server address {}: {error}", args.target()))?;
    let channel = endpoint.connect().await.map_err(|error| {
        report::grpc_error(&tonic::Status::unavailable(format!(
            "failed to connect to {}: {error}",
            args.target()
        )))
    })?;
    let mut client = DiscordApiClient::new(channel);
    let result = match args.kind {
        Kind::Direct => client
            .send_direct_message(SendDirectMessageRequest {
                user_id: args.recipient_id,
                content: args.content.clone(),
                embed: None,
            })
            .await
            .map(drop),
        Kind::Channel => client
            .send_channel_message(SendChannelMessageRequest {
                channel_id: args.recipient_id,
                content: args.content.clone(),
                embed: None,
            })
            .await
            .map(drop),
    };
    result.map_err(|status| report::describe(&status))
}
