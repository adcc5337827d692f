//! The emulator and our server in this process, talking over real loopback sockets, with a
//! generated tonic client: the set-up of the end-to-end tests.

use discord_emulator::{Emulator, Fixture, Options};
use discordproxy_proto::discord_api_client::DiscordApiClient;
use discordproxy_server::{
    ApiBase, BotToken, FatalClose, Gateway, GatewayOptions, ProxyState, RestOptions, Sinks,
    check_token, run_server, start_gateway,
};
use std::{net::SocketAddr, sync::Arc, time::Duration};
use tokio::{
    net::TcpListener,
    sync::{mpsc, oneshot},
};
use tonic::transport::Channel;

/// A running emulator + server pair.
pub struct Stack {
    /// The Discord emulator.
    pub emulator: Emulator,
    /// The gRPC server's address.
    pub addr: SocketAddr,
    /// The server's shared state (DM cache, readiness).
    pub state: Arc<ProxyState>,
    /// Requests the emulator had received when the server was ready (the token check).
    baseline: usize,
    /// The gateway session, when started with one.
    pub gateway: Option<Gateway>,
    /// Fatal gateway closes reported by the session.
    pub fatal: Option<mpsc::Receiver<FatalClose>>,
    stop: Option<oneshot::Sender<()>>,
    server: tokio::task::JoinHandle<Result<(), tonic::transport::Error>>,
}

impl Stack {
    /// Emulator with the default fixture and a server using its token.
    ///
    /// # Panics
    /// When a loopback port cannot be bound (also for the other constructors).
    pub async fn start() -> Self {
        Self::start_with(Fixture::default_fixture(), None).await
    }

    /// Emulator with `fixture`; the server uses `token` (default: the fixture's).
    pub async fn start_with(fixture: Fixture, token: Option<&str>) -> Self {
        Self::start_with_options(Options::new(fixture), token).await
    }

    /// Emulator with `options`; the server uses `token` (default: the fixture's).
    pub async fn start_with_options(options: Options, token: Option<&str>) -> Self {
        let emulator = Emulator::start(bind().await, options).await.unwrap();
        let token = BotToken::new(token.unwrap_or(emulator.token()));
        let api = ApiBase::Custom {
            authority: emulator.local_addr().to_string(),
            use_http: true,
        };
        let state = Arc::new(ProxyState::new(&token, &api, Duration::from_secs(300)));
        Self::serve(emulator, state).await
    }

    /// Emulator with `options`; the server's state is what `build` makes from the fixture's
    /// token and the emulator's address, e.g.
    /// `ProxyState::new(token, api, timeout).with_rest_options(token, api, &rest).with_max_pending(10)`.
    pub async fn start_with_state(
        options: Options,
        build: impl FnOnce(&BotToken, &ApiBase) -> ProxyState,
    ) -> Self {
        let emulator = Emulator::start(bind().await, options).await.unwrap();
        let token = BotToken::new(emulator.token());
        let api = ApiBase::Custom {
            authority: emulator.local_addr().to_string(),
            use_http: true,
        };
        let state = Arc::new(build(&token, &api));
        Self::serve(emulator, state).await
    }

    /// Emulator with `options`; the server uses the fixture's token and `rest` (global limit,
    /// retries, invalid-request budget).
    pub async fn start_with_rest_options(options: Options, rest: &RestOptions) -> Self {
        Self::start_with_state(options, |token, api| {
            ProxyState::new(token, api, Duration::from_secs(300))
                .with_rest_options(token, api, rest)
        })
        .await
    }

    /// Serves `state` (whose start-up check is run first) next to `emulator`, without a
    /// gateway session.
    pub async fn serve(emulator: Emulator, state: Arc<ProxyState>) -> Self {
        Self::serve_inner(emulator, state, None).await
    }

    /// Emulator with `options` and a server with a gateway session (`gateway`) whose event
    /// buffer holds `event_buffer` events.
    pub async fn start_with_gateway(
        options: Options,
        gateway: GatewayOptions,
        event_buffer: usize,
    ) -> Self {
        let emulator = Emulator::start(bind().await, options).await.unwrap();
        let token = BotToken::new(emulator.token());
        let api = ApiBase::Custom {
            authority: emulator.local_addr().to_string(),
            use_http: true,
        };
        let state = Arc::new(
            ProxyState::new(&token, &api, Duration::from_secs(300)).with_event_buffer(event_buffer),
        );
        Self::serve_inner(emulator, state, Some((token, gateway))).await
    }

    async fn serve_inner(
        emulator: Emulator,
        state: Arc<ProxyState>,
        gateway: Option<(BotToken, GatewayOptions)>,
    ) -> Self {
        check_token(&state.rest, &state.readiness).await;
        let with_gateway = gateway.is_some();
        let (gateway, fatal) = match gateway {
            Some((token, options)) => {
                state.application.expect_gateway();
                let sinks = Sinks {
                    bus: state.events.clone(),
                    cache: Arc::clone(&state.cache),
                    application: Arc::clone(&state.application),
                    shared: state.shared_events.clone(),
                };
                let (gateway, fatal) = start_gateway(&state.rest, &token, &options, sinks)
                    .await
                    .expect("the gateway starts");
                state.attach_gateway(&gateway);
                (Some(gateway), Some(fatal))
            }
            None => (None, None),
        };
        let baseline = emulator.requests().len();
        let listener = bind().await;
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(run_server(
            listener,
            Arc::clone(&state),
            with_gateway,
            async {
                let _ = stopped.await;
            },
        ));
        Self {
            emulator,
            addr,
            state,
            baseline,
            gateway,
            fatal,
            stop: Some(stop),
            server,
        }
    }

    /// A client connected to the server.
    pub async fn client(&self) -> DiscordApiClient<Channel> {
        DiscordApiClient::connect(format!("http://{}", self.addr))
            .await
            .unwrap()
    }

    /// `METHOD path` of every REST request the emulator received since start-up, in order (path
    /// without the `/api/v10` prefix).
    pub fn rest_calls(&self) -> Vec<String> {
        self.emulator
            .requests()
            .iter()
            .skip(self.baseline)
            .map(|r| format!("{} {}", r.method, r.path.trim_start_matches("/api/v10")))
            .collect()
    }

    /// Stops the server and waits for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.server).await.unwrap().unwrap();
        if let Some(gateway) = self.gateway.take() {
            gateway.close(Duration::from_secs(2)).await;
        }
    }
}

/// A second server without a gateway session, next to a [`Stack`]'s emulator (the same Discord
/// state): its cache stays empty, so it answers from REST. Made by [`Stack::rest_twin`].
pub struct RestTwin {
    /// The twin's gRPC address.
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    server: tokio::task::JoinHandle<Result<(), tonic::transport::Error>>,
}

impl Stack {
    /// Serves a REST-only server (no gateway) against this stack's emulator, e.g. to compare
    /// the stack's cached replies with what REST gives for the same emulator state. The twin's
    /// requests show up in [`Stack::rest_calls`].
    pub async fn rest_twin(&self) -> RestTwin {
        let token = BotToken::new(self.emulator.token());
        let api = ApiBase::Custom {
            authority: self.emulator.local_addr().to_string(),
            use_http: true,
        };
        let state = Arc::new(ProxyState::new(&token, &api, Duration::from_secs(300)));
        check_token(&state.rest, &state.readiness).await;
        let listener = bind().await;
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(run_server(listener, state, false, async {
            let _ = stopped.await;
        }));
        RestTwin { addr, stop, server }
    }
}

impl RestTwin {
    /// A client connected to the twin.
    pub async fn client(&self) -> DiscordApiClient<Channel> {
        DiscordApiClient::connect(format!("http://{}", self.addr))
            .await
            .unwrap()
    }

    /// Stops the twin and waits for it.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        self.server.await.unwrap().unwrap();
    }
}

/// A listener on a free loopback port.
pub async fn bind() -> TcpListener {
    TcpListener::bind("127.0.0.1:0").await.unwrap()
}
