//! [`Options`]: what an emulator serves and how (fixture, gateway, rate limits, latency).

use std::time::Duration;

use crate::fixture::Fixture;
use crate::gateway::GatewayOptions;
use crate::ratelimit::RateLimitConfig;

/// How to run an [`Emulator`](crate::Emulator).
///
/// Build it with [`Options::new`] or [`Options::default`] (the default fixture), then change
/// fields; later versions add fields, so prefer those constructors over a struct literal.
#[derive(Debug, Clone)]
pub struct Options {
    /// The users, guilds, channels and bot token to serve. Default: [`Fixture::default_fixture`].
    pub fixture: Fixture,
    /// The websocket gateway: heartbeat interval, allowed privileged intents, session expiry,
    /// shards and identify limits. Default: [`GatewayOptions::default`] with the fixture's
    /// `gateway` section applied.
    pub gateway: GatewayOptions,
    /// Rate limits: mode, scope header, route table, global limit, ban. Default: Discord's
    /// behaviour with the documented table, overridden by the fixture's `rate_limits` section
    /// ([`RateLimitConfig::for_fixture`]).
    pub rate_limits: RateLimitConfig,
    /// Added before every REST answer, to imitate Discord's round trip. Default zero.
    pub latency: Duration,
}

impl Options {
    /// Options serving `fixture`.
    pub fn new(fixture: Fixture) -> Self {
        let mut gateway = GatewayOptions::default();
        fixture.gateway.apply(&mut gateway);
        Self {
            gateway,
            rate_limits: RateLimitConfig::for_fixture(&fixture),
            latency: Duration::ZERO,
            fixture,
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Self::new(Fixture::default_fixture())
    }
}
