//! Discord REST calls through twilight-http.
//!
//! Request bodies are built by `convert` and sent as raw JSON (twilight-http's own validators
//! would refuse some requests with errors Discord never gives; we let Discord judge, so clients
//! see Discord's status, code and field path). twilight-http keeps per-route rate-limit buckets
//! and waits out 429s.

use super::api_error;
use crate::{
    config::ApiBase,
    error::{DiscordHttpError, Error, Result},
    token::BotToken,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use twilight_http::{
    Client,
    error::ErrorType,
    request::{Method, Request},
    routing::Route,
};
use twilight_model::{channel::Channel, gateway::connection_info::BotConnectionInfo, user::User};

/// Discord's default global rate limit: requests per second per bot across all routes.
pub const DEFAULT_GLOBAL_LIMIT: u16 = 50;

/// Timeout of one HTTP request to Discord (the whole call is bounded by its deadline too).
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(30);

/// A Discord REST client for one bot token.
///
/// After Discord answered 401 once (token revoked or reset), no further request is sent: every
/// call fails at once with the same 401 (gRPC `UNAUTHENTICATED`), so a dead token cannot pile up
/// invalid requests towards Discord's IP ban.
#[derive(Debug)]
pub struct DiscordRest {
    http: Client,
    revoked: AtomicBool,
}

impl DiscordRest {
    /// Builds a client sending `Authorization: Bot <token>` to `api`, keeping to Discord's
    /// default global limit of [`DEFAULT_GLOBAL_LIMIT`] requests per second.
    pub fn new(token: &BotToken, api: &ApiBase) -> Self {
        Self::with_global_limit(token, api, DEFAULT_GLOBAL_LIMIT)
    }

    /// Like [`DiscordRest::new`] with another global limit (requests per second across all
    /// routes; Discord raises it for large bots on request).
    /// <https://discord.com/developers/docs/topics/rate-limits#global-rate-limit>
    pub fn with_global_limit(token: &BotToken, api: &ApiBase, global_limit: u16) -> Self {
        // Exactly one rustls provider (ring) is compiled in; installing it explicitly avoids
        // depending on rustls' feature auto-detection. A second call is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = Client::builder()
            .token(token.expose().to_owned())
            .remember_invalid_token(false)
            .ratelimiter(Some(twilight_http_ratelimiting::RateLimiter::new(
                global_limit.max(1),
            )))
            .timeout(HTTP_TIMEOUT);
        if let ApiBase::Custom {
            authority,
            use_http,
        } = api
        {
            builder = builder.proxy(authority.clone(), *use_http);
        }
        Self {
            http: builder.build(),
            revoked: AtomicBool::new(false),
        }
    }

    /// Whether Discord rejected the token (401) since start-up.
    pub fn token_revoked(&self) -> bool {
        self.revoked.load(Ordering::Relaxed)
    }

    /// `GET /users/@me`: the bot's own user; used to check the token at start-up.
    /// <https://discord.com/developers/docs/resources/user#get-current-user>
    ///
    /// # Errors
    /// [`Error::Discord`] (401 for a bad token), [`Error::Unavailable`], [`Error::Internal`].
    pub async fn current_user(&self) -> Result<User> {
        self.json(&Route::GetCurrentUser, None).await
    }

    /// `GET /users/{user.id}`.
    /// <https://discord.com/developers/docs/resources/user#get-user>
    ///
    /// # Errors
    /// [`Error::Discord`] (404/10013 Unknown User), [`Error::Unavailable`], [`Error::Internal`].
    pub async fn user(&self, user_id: u64) -> Result<User> {
        self.json(&Route::GetUser { user_id }, None).await
    }

    /// `POST /users/@me/channels`: opens (or returns the existing) DM channel with a user.
    /// <https://discord.com/developers/docs/resources/user#create-dm>
    ///
    /// # Errors
    /// [`Error::Discord`], [`Error::Unavailable`], [`Error::Internal`].
    pub async fn create_dm(&self, user_id: u64) -> Result<Channel> {
        let body = serde_json::json!({ "recipient_id": user_id.to_string() });
        self.json(&Route::CreatePrivateChannel, Some(&body)).await
    }

    /// `GET /channels/{channel.id}`.
    /// <https://discord.com/developers/docs/resources/channel#get-channel>
    ///
    /// # Errors
    /// [`Error::Discord`] (404/10003, 403/50001), [`Error::Unavailable`], [`Error::Internal`].
    pub async fn channel(&self, channel_id: u64) -> Result<Channel> {
        self.json(&Route::GetChannel { channel_id }, None).await
    }

    /// `POST /channels/{channel.id}/messages` with `body`; returns Discord's message JSON.
    /// <https://discord.com/developers/docs/resources/message#create-message>
    ///
    /// # Errors
    /// [`Error::Discord`] (403/50007, 403/50013, 400/50035, 400/50006 …),
    /// [`Error::Unavailable`], [`Error::Internal`].
    pub async fn create_message(&self, channel_id: u64, body: &Value) -> Result<Value> {
        self.json(&Route::CreateMessage { channel_id }, Some(body))
            .await
    }

    /// `GET /guilds/{guild.id}`: only checks that the guild exists and is visible.
    /// <https://discord.com/developers/docs/resources/guild#get-guild>
    ///
    /// # Errors
    /// [`Error::Discord`] (404/10004 Unknown Guild), [`Error::Unavailable`].
    pub async fn check_guild(&self, guild_id: u64) -> Result<()> {
        self.send(
            &Route::GetGuild {
                guild_id,
                with_counts: false,
            },
            None,
        )
        .await
        .map(drop)
    }

    /// `GET /guilds/{guild.id}/channels`, in Discord's order.
    /// <https://discord.com/developers/docs/resources/guild#get-guild-channels>
    ///
    /// # Errors
    /// [`Error::Discord`], [`Error::Unavailable`], [`Error::Internal`].
    pub async fn guild_channels(&self, guild_id: u64) -> Result<Vec<Channel>> {
        self.json(&Route::GetChannels { guild_id }, None).await
    }

    /// `GET /gateway/bot`: gateway URL, recommended shard count and identify limits.
    /// <https://discord.com/developers/docs/events/gateway#get-gateway-bot>
    ///
    /// # Errors
    /// [`Error::Discord`], [`Error::Unavailable`], [`Error::Internal`].
    pub async fn gateway_bot(&self) -> Result<BotConnectionInfo> {
        self.json(&Route::GetGatewayBot, None).await
    }

    async fn json<T: DeserializeOwned>(
        &self,
        route: &Route<'_>,
        body: Option<&Value>,
    ) -> Result<T> {
        let bytes = self.send(route, body).await?;
        serde_json::from_slice(&bytes).map_err(|error| {
            Error::Internal(format!(
                "unexpected response body from Discord for {} /{}: {error}",
                route.method().name(),
                route
            ))
        })
    }

    async fn send(&self, route: &Route<'_>, body: Option<&Value>) -> Result<Vec<u8>> {
        if self.token_revoked() {
            return Err(Error::Discord(DiscordHttpError {
                status: 401,
                code: 0,
                text: "401: Unauthorized (the bot token was revoked; no request sent)".into(),
            }));
        }
        let mut request = Request::builder(route);
        if let Some(body) = body {
            request = request.body(body.to_string().into_bytes());
        }
        let request = request
            .build()
            .map_err(|error| Error::Internal(error.to_string()))?;
        let method = request.method();
        tracing::debug!(method = method.name(), path = %route, "Discord request");
        let response = self
            .http
            .request::<Value>(request)
            .await
            .map_err(|error| from_twilight(error, method))
            .inspect_err(|error| {
                if matches!(error, Error::Discord(DiscordHttpError { status: 401, .. }))
                    && !self.revoked.swap(true, Ordering::Relaxed)
                {
                    tracing::error!(
                        "Discord answered 401 Unauthorized: the bot token was revoked or reset; \
                         no further Discord requests are made until the server is restarted \
                         with a valid token"
                    );
                }
            })?;
        response.bytes().await.map_err(|error| {
            Error::Unavailable(format!("reading Discord's response failed: {error}"))
        })
    }
}

fn from_twilight(error: twilight_http::Error, method: Method) -> Error {
    match error.kind() {
        ErrorType::Response { body, status, .. } => {
            Error::Discord(api_error::from_response(status.get(), body))
        }
        ErrorType::RequestTimedOut => Error::Unavailable(format!(
            "{} request to Discord timed out after {} s",
            method.name(),
            HTTP_TIMEOUT.as_secs()
        )),
        ErrorType::RequestError | ErrorType::RequestCanceled => {
            let source = std::error::Error::source(&error).map(|s| format!(": {s}"));
            Error::Unavailable(format!("{error}{}", source.unwrap_or_default()))
        }
        ErrorType::Unauthorized => Error::Discord(DiscordHttpError {
            status: 401,
            code: 0,
            text: "401: Unauthorized".into(),
        }),
        _ => Error::Internal(error.to_string()),
    }
}
