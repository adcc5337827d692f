//! Per-connection limits: one client connection may have at most `--max-streams-per-connection`
//! calls in progress; further calls wait on the client side instead of piling up in the server.

use discord_emulator::{Emulator, Fixture, Options};
use discordproxy_proto::{SendChannelMessageRequest, discord_api_client::DiscordApiClient};
use discordproxy_server::{
    ApiBase, BotToken, ProxyState, ServeOptions, check_token, run_server_with,
};
use discordproxy_tests::stack::bind;
use std::{sync::Arc, time::Duration};

const GENERAL: u64 = 400_000_000_000_000_002;

#[tokio::test(flavor = "multi_thread")]
async fn one_connection_has_at_most_the_allowed_calls_in_progress() {
    let mut options = Options::new(Fixture::default_fixture());
    options.rate_limits.mode = discord_emulator::config::RateLimits::Off;
    let emulator = Emulator::start(bind().await, options).await.unwrap();
    emulator
        .add_fault(
            serde_json::json!({"method": "GET", "route": "/channels/{channel_id}",
                                      "kind": "latency", "latency_ms": 300, "count": 0}),
        )
        .unwrap();
    let token = BotToken::new(emulator.token());
    let api = ApiBase::Custom {
        authority: emulator.local_addr().to_string(),
        use_http: true,
    };
    let state = Arc::new(ProxyState::new(&token, &api, Duration::from_secs(30)));
    check_token(&state.rest, &state.readiness).await;
    let listener = bind().await;
    let addr = listener.local_addr().unwrap();
    let serve_options = ServeOptions {
        max_streams_per_connection: 2,
        ..ServeOptions::default()
    };
    tokio::spawn(run_server_with(
        listener,
        Arc::clone(&state),
        false,
        serve_options,
        std::future::pending(),
    ));
    // One HTTP/2 connection shared by six concurrent calls. A first call lets the client learn
    // the server's SETTINGS (a burst on a brand-new connection, before SETTINGS arrive, gets
    // REFUSED_STREAM for the streams over the limit: UNAVAILABLE, with no Discord request).
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    DiscordApiClient::new(channel.clone())
        .send_channel_message(SendChannelMessageRequest {
            channel_id: GENERAL,
            content: "first".into(),
            embed: None,
            ..Default::default()
        })
        .await
        .unwrap();
    let baseline = emulator.requests().len();
    let mut calls = tokio::task::JoinSet::new();
    for index in 0..6 {
        let mut client = DiscordApiClient::new(channel.clone());
        calls.spawn(async move {
            client
                .send_channel_message(SendChannelMessageRequest {
                    channel_id: GENERAL,
                    content: format!("call {index}"),
                    embed: None,
                    ..Default::default()
                })
                .await
                .map(drop)
        });
    }
    let mut most_in_flight = 0;
    while !calls.is_empty() {
        let in_flight = emulator.requests()[baseline..]
            .iter()
            .filter(|request| request.status.is_none())
            .count();
        most_in_flight = most_in_flight.max(in_flight);
        tokio::time::sleep(Duration::from_millis(20)).await;
        while let Some(done) = calls.try_join_next() {
            done.unwrap().unwrap();
        }
    }
    assert_eq!(
        most_in_flight, 2,
        "two calls at a time reached Discord, never more"
    );
    let gets = emulator.requests()[baseline..]
        .iter()
        .filter(|request| request.method == "GET")
        .count();
    assert_eq!(gets, 6, "every call was served in the end");
}
