//! What the request loop sends: a typed [`Route`] of the table or a `CallDiscordApi`
//! [`DynamicRoute`], behind one interface (method, template, path, rate-limit key, and the
//! path as logs may show it).

use super::{BucketKey, Route, dynamic::DynamicRoute};
use http::Method;

/// One request's endpoint.
#[derive(Debug, Clone)]
pub enum Endpoint {
    /// A route of the table.
    Typed(Route),
    /// A `CallDiscordApi` path.
    Dynamic(DynamicRoute),
}

impl From<Route> for Endpoint {
    fn from(route: Route) -> Self {
        Self::Typed(route)
    }
}

impl Endpoint {
    /// The HTTP method.
    pub fn method(&self) -> Method {
        match self {
            Self::Typed(route) => route.method(),
            Self::Dynamic(route) => route.method(),
        }
    }

    /// The route template (`OTHER` for dynamic routes beyond the interning cap): the name in
    /// logs, errors and metric labels.
    pub fn template(&self) -> &'static str {
        match self {
            Self::Typed(route) => route.template(),
            Self::Dynamic(route) => route.template(),
        }
    }

    /// The path below `/api/v10`, without a leading slash.
    pub fn path(&self) -> String {
        match self {
            Self::Typed(route) => route.path(),
            Self::Dynamic(route) => route.path().to_owned(),
        }
    }

    /// The rate-limit bucket key: template and major parameter.
    pub fn key(&self) -> BucketKey {
        match self {
            Self::Typed(route) => BucketKey::from(route),
            Self::Dynamic(route) => BucketKey {
                template: route.template(),
                major: route.major(),
            },
        }
    }

    /// Whether the path holds a webhook or interaction token (logs show the template only).
    pub fn secret(&self) -> bool {
        match self {
            Self::Typed(route) => route.secret(),
            Self::Dynamic(route) => route.secret(),
        }
    }

    /// Whether the request goes without the bot's `Authorization` (typed webhook-token
    /// routes; a `CallDiscordApi` path is sent as the caller wrote it, with the bot token).
    pub fn anonymous(&self) -> bool {
        matches!(self, Self::Typed(route) if route.secret())
    }

    /// Whether the request is outside the bot's global rate limit: webhook and interaction
    /// token routes, as Discord documents (they have their own buckets by id and token).
    /// <https://discord.com/developers/docs/topics/rate-limits#global-rate-limit>
    pub fn global_exempt(&self) -> bool {
        self.secret()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discord::route::dynamic::DynamicRoute;

    #[test]
    fn typed_and_dynamic_share_keys() {
        let typed = Endpoint::from(Route::CreateMessage { channel_id: 5 });
        let dynamic =
            Endpoint::Dynamic(DynamicRoute::new(Method::POST, "/channels/5/messages").unwrap());
        assert_eq!(typed.key(), dynamic.key());
        assert_eq!(typed.path(), dynamic.path());
        assert!(!dynamic.secret());
        let webhook =
            Endpoint::Dynamic(DynamicRoute::new(Method::POST, "/webhooks/1/tok").unwrap());
        assert!(webhook.secret());
        assert!(
            webhook.global_exempt(),
            "token paths are outside the global limit"
        );
        assert!(
            !webhook.anonymous(),
            "CallDiscordApi sends the bot token as asked"
        );
        let typed = Endpoint::from(Route::ExecuteWebhook {
            webhook_id: 1,
            webhook_token: crate::discord::route::WebhookToken::new("tok"),
        });
        assert!(typed.secret() && typed.global_exempt() && typed.anonymous());
        assert_eq!(
            typed.key(),
            webhook.key(),
            "one bucket for the typed and dynamic forms"
        );
        let bot = Endpoint::from(Route::Webhook { webhook_id: 1 });
        assert!(!bot.secret() && !bot.global_exempt() && !bot.anonymous());
    }
}
