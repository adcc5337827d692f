//! The macro behind the RPC table in [`rpc`](super): from one line per RPC it generates the
//! tonic `DiscordApi` impl of [`DiscordApiService`](super::DiscordApiService).
//!
//! - A unary line `method: "Name", Request => Response, module::path, Gate;` becomes
//!   `async fn method`, running `module::path::handle(state, request, deadline)` through the
//!   common call wrapper with the given [`Gate`](super::Gate).
//! - A server-streaming line `method: "Name", Request => StreamType, module::path;` becomes
//!   `type StreamType = module::path::ResponseStream` and `async fn method`, running
//!   `module::path::open(&state, &request, &metadata)` (its own validation and deadline from
//!   the request metadata; no call wrapper), which answers the `tonic::Response` (so it can set
//!   initial metadata).
//!
//! Every call runs inside the tracing span `rpc{rpc="Name"}`. Request and response types are
//! named in `discordproxy_proto`.

/// See the [module docs](self).
macro_rules! rpc_table {
    (
        unary {
            $(
                $method:ident : $name:literal, $request:ident => $response:ident,
                $($handler:ident)::+, $gate:ident;
            )*
        }
        server_streaming {
            $(
                $s_method:ident : $s_name:literal, $s_request:ident => $stream:ident,
                $($s_handler:ident)::+;
            )*
        }
    ) => {
        #[tonic::async_trait]
        impl discordproxy_proto::discord_api_server::DiscordApi for DiscordApiService {
            $(
                async fn $method(
                    &self,
                    request: tonic::Request<discordproxy_proto::$request>,
                ) -> ::std::result::Result<
                    tonic::Response<discordproxy_proto::$response>,
                    tonic::Status,
                > {
                    tracing::Instrument::instrument(
                        self.call($name, Gate::$gate, request, $($handler)::+::handle),
                        tracing::info_span!("rpc", rpc = $name),
                    )
                    .await
                }
            )*

            $(
                type $stream = $($s_handler)::+::ResponseStream;

                async fn $s_method(
                    &self,
                    request: tonic::Request<discordproxy_proto::$s_request>,
                ) -> ::std::result::Result<tonic::Response<Self::$stream>, tonic::Status> {
                    let span = tracing::info_span!("rpc", rpc = $s_name);
                    let _entered = span.enter();
                    $($s_handler)::+::open(&self.state, request.get_ref(), request.metadata())
                        .map_err(tonic::Status::from)
                }
            )*
        }
    };
}

pub(super) use rpc_table;
