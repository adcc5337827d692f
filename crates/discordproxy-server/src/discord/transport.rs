//! One HTTP request to Discord's REST API and its raw answer, over hyper with rustls.
//!
//! No retries and no rate limiting here: `client.rs` decides what to send when, because
//! twilight-http's client retries every 429 at once and never shows it to the caller
//! (see the server README, "Rate limits").

use super::{api_base::ApiBase, outgoing::AUDIT_LOG_REASON};
use crate::token::BotToken;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper_util::{
    client::legacy::{Client, connect::HttpConnector},
    rt::TokioExecutor,
};
use std::time::Duration;

type Connector = hyper_rustls::HttpsConnector<HttpConnector>;

/// Discord's base URL for API v10.
pub const DISCORD_API: &str = "https://discord.com/api/v10";

/// `User-Agent` as Discord asks bots to send it.
/// <https://discord.com/developers/docs/reference#user-agent>
const USER_AGENT: &str = concat!(
    "DiscordBot (https://github.com/discordproxy, ",
    env!("CARGO_PKG_VERSION"),
    ")"
);

/// The largest answer body read from Discord (its real answers are a few KiB; a bigger body is
/// refused so a broken or hostile upstream cannot exhaust memory).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// A request body and its `Content-Type`; cloning shares the bytes (retries send the same
/// body without copying it).
#[derive(Debug, Clone)]
pub struct RequestBody {
    /// `application/json` or `multipart/form-data; boundary=…`.
    pub content_type: HeaderValue,
    /// The body.
    pub bytes: Bytes,
}

impl RequestBody {
    /// A JSON body.
    pub fn json(value: &serde_json::Value) -> Self {
        Self::json_text(&value.to_string())
    }

    /// A JSON body of `text`, byte for byte.
    pub fn json_text(text: &str) -> Self {
        Self {
            content_type: HeaderValue::from_static("application/json"),
            bytes: Bytes::copy_from_slice(text.as_bytes()),
        }
    }
}

/// A Discord answer: status, headers and the whole body.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers (rate-limit headers, `Via`, `Retry-After`).
    pub headers: HeaderMap,
    /// The body as received.
    pub body: Bytes,
    /// The local address the request left from (the connection's), when known.
    pub local_ip: Option<std::net::IpAddr>,
}

/// Why a request got no HTTP answer.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// No answer within the per-request timeout.
    #[error("no answer from Discord within {0:.1} s")]
    Timeout(f64),
    /// Connecting, sending or reading failed (refused, reset, TLS).
    #[error("{0}")]
    Connection(String),
    /// The request could not be built (e.g. a URL over the 65,534 bytes an HTTP request line
    /// may have here); nothing was sent, and sending it again cannot help.
    #[error("the request cannot be sent: {0}")]
    Unsendable(String),
    /// The answer's body is larger than [`MAX_BODY_BYTES`]; it was not read to the end.
    #[error("Discord's answer ({status}) is larger than {} MiB; not read", MAX_BODY_BYTES / 1024 / 1024)]
    TooLarge {
        /// The answer's HTTP status.
        status: StatusCode,
    },
}

/// HTTP client for one bot token and API base.
#[derive(Clone)]
pub struct Transport {
    client: Client<Connector, Full<Bytes>>,
    base: String,
    authorization: HeaderValue,
}

/// Which credentials a request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// `Authorization: Bot <token>`.
    Bot,
    /// None (webhook token routes).
    None,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The authorization header holds the token: never print it.
        f.debug_struct("Transport")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// A client sending `Authorization: Bot <token>` to `api`, from the local address
    /// `source_ip` when given (`--discord-source-ip`).
    pub fn new(token: &BotToken, api: &ApiBase, source_ip: Option<std::net::IpAddr>) -> Self {
        // Exactly one rustls provider (ring) is compiled in; installing it explicitly avoids
        // depending on rustls' feature auto-detection. A second call is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let base = match api {
            ApiBase::Discord => DISCORD_API.to_owned(),
            ApiBase::Custom {
                authority,
                use_http,
            } => format!(
                "{}://{authority}/api/v10",
                if *use_http { "http" } else { "https" }
            ),
        };
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_local_address(source_ip);
        let tls = rustls::ClientConfig::builder()
            .with_root_certificates(rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            })
            .with_no_client_auth();
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(90))
            .build(connector);
        let mut authorization = HeaderValue::from_str(&format!("Bot {}", token.expose()))
            .unwrap_or_else(|_| HeaderValue::from_static("Bot invalid"));
        authorization.set_sensitive(true);
        Self {
            client,
            base,
            authorization,
        }
    }

    /// Sends `method` to `{base}/{path}` (`path` may carry a query) with an optional `body`
    /// and `X-Audit-Log-Reason` (already percent-encoded), and waits at most `timeout` for the
    /// whole answer; `auth` [`Auth::None`] sends no `Authorization` (webhook token routes,
    /// whose token is in the path).
    ///
    /// # Errors
    /// [`TransportError`] when no complete answer arrived.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&RequestBody>,
        audit_log_reason: Option<&HeaderValue>,
        timeout: Duration,
        auth: Auth,
    ) -> Result<RawResponse, TransportError> {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}/{path}", self.base))
            .header(header::USER_AGENT, USER_AGENT);
        if auth == Auth::Bot {
            request = request.header(header::AUTHORIZATION, self.authorization.clone());
        }
        if let Some(body) = body {
            request = request.header(header::CONTENT_TYPE, body.content_type.clone());
        }
        if let Some(reason) = audit_log_reason {
            request = request.header(AUDIT_LOG_REASON, reason.clone());
        }
        let request = request
            .body(Full::new(
                body.map(|body| body.bytes.clone()).unwrap_or_default(),
            ))
            .map_err(|error| TransportError::Unsendable(error.to_string()))?;
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|error| TransportError::Connection(describe(&error)))?;
            let (parts, body) = response.into_parts();
            let local_ip = parts
                .extensions
                .get::<hyper_util::client::legacy::connect::HttpInfo>()
                .map(|info| info.local_addr().ip());
            let body = http_body_util::Limited::new(body, MAX_BODY_BYTES)
                .collect()
                .await
                .map_err(|error| {
                    if error.is::<http_body_util::LengthLimitError>() {
                        TransportError::TooLarge {
                            status: parts.status,
                        }
                    } else {
                        TransportError::Connection(describe(error.as_ref()))
                    }
                })?
                .to_bytes();
            Ok(RawResponse {
                status: parts.status,
                headers: parts.headers,
                body,
                local_ip,
            })
        };
        tokio::time::timeout(timeout, exchange)
            .await
            .unwrap_or(Err(TransportError::Timeout(timeout.as_secs_f64())))
    }
}

/// An error with its chain of sources (hyper's top-level messages are terse).
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}
