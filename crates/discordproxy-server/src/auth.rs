//! API-key authentication of `discord_api.DiscordApi` calls (`--api-keys-file`).
//!
//! [`RequireApiKey`] wraps the DiscordApi service only (health and reflection stay open). Each
//! call must carry the metadata `authorization: Bearer <key>`:
//!
//! - no `authorization`, a value that is not `Bearer <key>`, or a key not in the file:
//!   `UNAUTHENTICATED`;
//! - a key whose RPC list does not name the called RPC: `PERMISSION_DENIED`.
//!
//! An accepted call carries its [`ApiKey`] in the request's extensions, so that
//! `CallDiscordApi` can check the key's route templates once it has read the path.
//!
//! A refused call never reaches the RPC handler, so no Discord request is made for it. An
//! accepted call runs inside a tracing span `api_key{key=NAME}`, so its log lines name the key
//! (never the secret), and counts towards `discordproxy_api_key_calls_total{key,method}`.

use crate::{
    api_keys::{ApiKey, ApiKeys, SERVICE, known_rpc},
    error::Error,
    metrics::{ApiKeyLabels, Metrics},
};
use std::{
    convert::Infallible,
    future::Future,
    net::SocketAddr,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};
use tonic::{
    Status,
    body::Body,
    codegen::{Service, http},
    server::NamedService,
    transport::server::{TcpConnectInfo, TlsConnectInfo},
};
use tracing::Instrument;

/// The metadata key carrying the API key.
pub const AUTHORIZATION: &str = "authorization";

/// A service that lets a call through only with a valid API key allowed for its RPC (see the
/// module docs). Without keys (`None`) every call goes through unchanged, as before
/// `--api-keys-file` existed.
#[derive(Debug, Clone)]
pub struct RequireApiKey<S> {
    inner: S,
    keys: Option<Arc<ApiKeys>>,
    metrics: Arc<Metrics>,
}

impl<S> RequireApiKey<S> {
    /// Wraps `inner` (a `DiscordApiServer`); `keys` `None` disables the check; accepted calls
    /// are counted in `metrics`.
    pub fn new(inner: S, keys: Option<Arc<ApiKeys>>, metrics: Arc<Metrics>) -> Self {
        Self {
            inner,
            keys,
            metrics,
        }
    }
}

impl<S: NamedService> NamedService for RequireApiKey<S> {
    const NAME: &'static str = S::NAME;
}

/// The RPC name of a request path `/discord_api.DiscordApi/<Rpc>`, if it is a known RPC.
pub fn rpc_of_path(path: &str) -> Option<&'static str> {
    path.strip_prefix('/')
        .and_then(|path| path.strip_prefix(SERVICE))
        .and_then(|path| path.strip_prefix('/'))
        .and_then(known_rpc)
}

/// Checks a call's `authorization` metadata against `keys` for `rpc` (`None`: a method the
/// service does not have; only keys allowed every RPC pass, and tonic answers
/// `UNIMPLEMENTED`).
///
/// # Errors
/// [`Error::Unauthenticated`] for a missing, malformed or unknown key;
/// [`Error::PermissionDenied`] when the key may not call `rpc`.
pub fn authorize<'k>(
    keys: &'k ApiKeys,
    headers: &http::HeaderMap,
    rpc: Option<&str>,
) -> Result<&'k ApiKey, Error> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Err(Error::Unauthenticated(
            "missing API key: this server requires the metadata `authorization: Bearer <key>`"
                .into(),
        ));
    };
    let presented = value
        .to_str()
        .ok()
        .and_then(|value| value.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, key)| key.trim())
        .filter(|key| !key.is_empty())
        .ok_or_else(|| {
            Error::Unauthenticated(
                "malformed authorization metadata: expected `Bearer <key>`".into(),
            )
        })?;
    let key = keys
        .find(presented)
        .ok_or_else(|| Error::Unauthenticated("invalid API key".into()))?;
    let allowed = match rpc {
        Some(rpc) => key.allows(rpc),
        None => key.allows_every_rpc(),
    };
    if !allowed {
        return Err(Error::PermissionDenied(format!(
            "API key {:?} may not call {}",
            key.name(),
            rpc.unwrap_or("this method")
        )));
    }
    Ok(key)
}

fn peer<B>(request: &http::Request<B>) -> Option<SocketAddr> {
    let extensions = request.extensions();
    extensions
        .get::<TcpConnectInfo>()
        .and_then(TcpConnectInfo::remote_addr)
        .or_else(|| {
            extensions
                .get::<TlsConnectInfo<TcpConnectInfo>>()
                .and_then(|info| info.get_ref().remote_addr())
        })
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

impl<S, B> Service<http::Request<B>> for RequireApiKey<S>
where
    S: Service<http::Request<B>, Response = http::Response<Body>, Error = Infallible>,
    S::Future: Send + 'static,
{
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        let Some(keys) = &self.keys else {
            return Box::pin(self.inner.call(request));
        };
        let rpc = rpc_of_path(request.uri().path());
        match authorize(keys, request.headers(), rpc) {
            Ok(key) => {
                let name = key.name().to_owned();
                if let Some(method) = rpc {
                    self.metrics
                        .api_key_calls
                        .get_or_create(&ApiKeyLabels {
                            key: name.clone(),
                            method,
                        })
                        .inc();
                }
                request.extensions_mut().insert(key.clone());
                let span = tracing::info_span!("api_key", key = %name);
                Box::pin(self.inner.call(request).instrument(span))
            }
            Err(error) => {
                let status = Status::from(error);
                let method = rpc.unwrap_or("<unknown>");
                let peer = peer(&request).map(|address| address.to_string());
                tracing::warn!(
                    rpc = method,
                    peer = peer.as_deref().unwrap_or("-"),
                    code = crate::metrics::code_name(status.code()),
                    reason = status.message(),
                    "refused a call"
                );
                if let Some(method) = rpc {
                    self.metrics
                        .rpc(method, status.code(), std::time::Duration::ZERO);
                }
                Box::pin(std::future::ready(Ok(status.into_http())))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic::Code;

    const ALICE: &str = "alice-0123456789abcdef";
    const DMS: &str = "dms-0123456789abcdef0";

    fn keys() -> ApiKeys {
        ApiKeys::parse(
            &format!("alice {ALICE}\ndms {DMS} SendDirectMessage\n"),
            "keys",
        )
        .unwrap()
    }

    fn headers(value: Option<&str>) -> http::HeaderMap {
        let mut headers = http::HeaderMap::new();
        if let Some(value) = value {
            headers.insert(AUTHORIZATION, value.parse().unwrap());
        }
        headers
    }

    fn code(value: Option<&str>, rpc: Option<&str>) -> Result<String, Code> {
        authorize(&keys(), &headers(value), rpc)
            .map(|key| key.name().to_owned())
            .map_err(|error| Status::from(error).code())
    }

    #[test]
    fn paths_name_known_rpcs_only() {
        assert_eq!(
            rpc_of_path("/discord_api.DiscordApi/SendDirectMessage"),
            Some("SendDirectMessage")
        );
        assert_eq!(rpc_of_path("/discord_api.DiscordApi/Nope"), None);
        assert_eq!(rpc_of_path("/grpc.health.v1.Health/Check"), None);
    }

    #[test]
    fn missing_malformed_and_wrong_keys_are_unauthenticated() {
        let rpc = Some("SendChannelMessage");
        assert_eq!(code(None, rpc), Err(Code::Unauthenticated));
        assert_eq!(code(Some(ALICE), rpc), Err(Code::Unauthenticated));
        assert_eq!(code(Some("Basic abc"), rpc), Err(Code::Unauthenticated));
        assert_eq!(code(Some("Bearer "), rpc), Err(Code::Unauthenticated));
        assert_eq!(
            code(Some("Bearer alice-0123456789abcdeX"), rpc),
            Err(Code::Unauthenticated)
        );
    }

    #[test]
    fn right_keys_pass_only_for_their_rpcs() {
        let bearer = format!("Bearer {ALICE}");
        assert_eq!(
            code(Some(&bearer), Some("SendChannelMessage")),
            Ok("alice".into())
        );
        assert_eq!(
            code(Some(&format!("bearer  {ALICE} ")), Some("StreamEvents")),
            Ok("alice".into())
        );
        assert_eq!(code(Some(&bearer), None), Ok("alice".into()));
        let dms = format!("Bearer {DMS}");
        assert_eq!(
            code(Some(&dms), Some("SendDirectMessage")),
            Ok("dms".into())
        );
        assert_eq!(
            code(Some(&dms), Some("SendChannelMessage")),
            Err(Code::PermissionDenied)
        );
        assert_eq!(code(Some(&dms), None), Err(Code::PermissionDenied));
    }

    /// A stand-in for the DiscordApi service that records whether it was called.
    #[derive(Clone)]
    struct Inner(Arc<std::sync::atomic::AtomicUsize>);

    impl NamedService for Inner {
        const NAME: &'static str = SERVICE;
    }

    impl Service<http::Request<Body>> for Inner {
        type Response = http::Response<Body>;
        type Error = Infallible;
        type Future = std::future::Ready<Result<Self::Response, Infallible>>;

        fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _request: http::Request<Body>) -> Self::Future {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            std::future::ready(Ok(http::Response::new(Body::empty())))
        }
    }

    fn request(rpc: &str, key: Option<&str>) -> http::Request<Body> {
        let mut builder = http::Request::builder().uri(format!("/{SERVICE}/{rpc}"));
        if let Some(key) = key {
            builder = builder.header(AUTHORIZATION, format!("Bearer {key}"));
        }
        builder.body(Body::empty()).unwrap()
    }

    #[tokio::test]
    async fn refused_calls_never_reach_the_service_and_accepted_ones_are_counted() {
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let metrics = Arc::new(Metrics::default());
        let mut service = RequireApiKey::new(
            Inner(Arc::clone(&calls)),
            Some(Arc::new(keys())),
            Arc::clone(&metrics),
        );
        let refused = service
            .call(request("SendChannelMessage", Some(DMS)))
            .await
            .unwrap();
        let status = Status::from_header_map(refused.headers()).unwrap();
        assert_eq!(status.code(), Code::PermissionDenied);
        let refused = service.call(request("SendChannelMessage", None)).await;
        let status = Status::from_header_map(refused.unwrap().headers()).unwrap();
        assert_eq!(status.code(), Code::Unauthenticated);
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 0);

        service
            .call(request("SendDirectMessage", Some(DMS)))
            .await
            .unwrap();
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
        let text = metrics.encode();
        assert!(
            text.contains(
                r#"discordproxy_api_key_calls_total{key="dms",method="SendDirectMessage"} 1"#
            ),
            "{text}"
        );
        assert!(
            text.contains(
                r#"discordproxy_rpc_requests_total{method="SendChannelMessage",code="PERMISSION_DENIED"} 1"#
            ),
            "{text}"
        );
        assert!(!text.contains(DMS));
    }

    #[tokio::test]
    async fn without_keys_every_call_goes_through() {
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut service = RequireApiKey::new(
            Inner(Arc::clone(&calls)),
            None,
            Arc::new(Metrics::default()),
        );
        let response = service
            .call(request("SendChannelMessage", None))
            .await
            .unwrap();
        assert!(Status::from_header_map(response.headers()).is_none());
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
