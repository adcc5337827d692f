//! The gRPC target: a discordproxy server driven through the generated tonic client.
//!
//! Connections: a pool of `connections` HTTP/2 connections (one tonic [`Channel`] each, opened
//! before the clock starts); worker `w` uses connection `w % connections`, and connection `c`
//! goes to URL `c % URLs` when several instances are driven at once. With the default of
//! up to 16 connections, 200 workers put at most 13 streams on a connection, far below any
//! HTTP/2 `MAX_CONCURRENT_STREAMS` (100 by default in gRPC servers), so stream limits never
//! queue calls.

use std::time::Duration;

use anyhow::Context;
use discordproxy_proto::discord_api_client::DiscordApiClient;
use discordproxy_proto::{
    GetGuildChannelsRequest, SendChannelMessageRequest, SendDirectMessageRequest,
};
use tonic::transport::{Channel, Endpoint};

use crate::driver::Caller;
use crate::scenario::{Scenario, Workload};

/// Calls one RPC of a discordproxy server.
#[derive(Debug, Clone)]
pub struct GrpcCaller {
    clients: Vec<DiscordApiClient<Channel>>,
    workload: Workload,
    deadline: Duration,
}

impl GrpcCaller {
    /// Opens `connections` (at least 1) HTTP/2 connections, connection `c` to
    /// `urls[c % urls.len()]` (`http://HOST:PORT`). Every call carries a gRPC deadline of
    /// `deadline`.
    ///
    /// # Errors
    ///
    /// When there is no URL, a URL is invalid or a connection cannot be opened within 10 s.
    pub async fn connect(
        urls: &[&str],
        connections: usize,
        workload: Workload,
        deadline: Duration,
    ) -> anyhow::Result<GrpcCaller> {
        anyhow::ensure!(!urls.is_empty(), "no gRPC URL");
        let endpoints = urls
            .iter()
            .map(|url| {
                Ok(Endpoint::from_shared((*url).to_owned())
                    .with_context(|| format!("invalid gRPC URL {url}"))?
                    .tcp_nodelay(true)
                    .connect_timeout(Duration::from_secs(10)))
            })
            .collect::<anyhow::Result<Vec<Endpoint>>>()?;
        let mut clients = Vec::with_capacity(connections.max(1));
        for c in 0..connections.max(1) {
            let url = urls[c % urls.len()];
            let channel = endpoints[c % urls.len()]
                .connect()
                .await
                .with_context(|| format!("cannot connect to {url}"))?;
            clients.push(DiscordApiClient::new(channel));
        }
        Ok(GrpcCaller {
            clients,
            workload,
            deadline,
        })
    }

    fn request<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        request.set_timeout(self.deadline);
        request
    }
}

/// `CODE: details` of a failed call, shortened to one line of at most 160 characters.
fn describe(status: &tonic::Status) -> String {
    let mut text = format!(
        "{:?}: {}",
        status.code(),
        status.message().replace('\n', " ")
    );
    if text.len() > 160 {
        let mut end = 160;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

impl Caller for GrpcCaller {
    async fn call(&self, worker: usize, index: u64) -> Result<(), String> {
        let mut client = self.clients[worker % self.clients.len()].clone();
        let w = &self.workload;
        // The original answers OK with an empty response on some failures: count it as one.
        match w.scenario {
            Scenario::Channel => {
                let request = self.request(SendChannelMessageRequest {
                    channel_id: w.channel_id,
                    content: w.content.clone(),
                    embed: None,
                    ..Default::default()
                });
                let response = client
                    .send_channel_message(request)
                    .await
                    .map_err(|s| describe(&s))?;
                match response.into_inner().message {
                    Some(message) if message.id != 0 => Ok(()),
                    _ => Err("OK without a message".to_owned()),
                }
            }
            Scenario::DmSame | Scenario::DmMany => {
                let request = self.request(SendDirectMessageRequest {
                    user_id: w.user_for(index),
                    content: w.content.clone(),
                    embed: None,
                    ..Default::default()
                });
                let response = client
                    .send_direct_message(request)
                    .await
                    .map_err(|s| describe(&s))?;
                match response.into_inner().message {
                    Some(message) if message.id != 0 => Ok(()),
                    _ => Err("OK without a message".to_owned()),
                }
            }
            Scenario::GuildChannels => {
                let request = self.request(GetGuildChannelsRequest {
                    guild_id: w.guild_id,
                });
                let response = client
                    .get_guild_channels(request)
                    .await
                    .map_err(|s| describe(&s))?;
                if response.into_inner().channels.is_empty() {
                    Err("OK without channels".to_owned())
                } else {
                    Ok(())
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_one_short_line() {
        let status = tonic::Status::not_found(format!("line one\nline two {}", "x".repeat(300)));
        let text = describe(&status);
        assert!(text.starts_with("NotFound: line one line two"), "{text}");
        assert!(text.len() <= 160);
        assert!(!text.contains('\n'));
    }
}
