//! `discordproxymessage`: send a direct or channel message through a discordproxy server.
//!
//! Same arguments and output as the original tool: prints `Message sent`, or `ERROR: <error>`
//! and exits with status 1. With `--tls-ca` it connects over TLS; an API key for servers
//! started with `--api-keys-file` comes from `DISCORDPROXY_API_KEY`.

mod args;
mod connect;
mod report;

use args::{Args, Kind};
use clap::Parser;
use discordproxy_proto::{
    SendChannelMessageRequest, SendDirectMessageRequest, discord_api_client::DiscordApiClient,
};
use std::process::ExitCode;

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
    let endpoint = connect::endpoint(args)?;
    let authorization = connect::authorization(|name| std::env::var(name).ok())?;
    let channel = endpoint.connect().await.map_err(|error| {
        report::grpc_error(&tonic::Status::unavailable(format!(
            "failed to connect to {}: {error}",
            args.target()
        )))
    })?;
    let mut client =
        DiscordApiClient::with_interceptor(channel, move |mut request: tonic::Request<()>| {
            if let Some(value) = &authorization {
                request
                    .metadata_mut()
                    .insert(connect::AUTHORIZATION, value.clone());
            }
            Ok(request)
        });
    let result = match args.kind {
        Kind::Direct => client
            .send_direct_message(SendDirectMessageRequest {
                user_id: args.recipient_id,
                content: args.content.clone(),
                embed: None,
                ..Default::default()
            })
            .await
            .map(drop),
        Kind::Channel => client
            .send_channel_message(SendChannelMessageRequest {
                channel_id: args.recipient_id,
                content: args.content.clone(),
                embed: None,
                ..Default::default()
            })
            .await
            .map(drop),
    };
    result.map_err(|status| report::describe(&status))
}
