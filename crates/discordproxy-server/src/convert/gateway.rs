//! Discord's `GET /gateway/bot` answer, read tolerantly (see [`super::json`]).
//! <https://discord.com/developers/docs/events/gateway#get-gateway-bot>

use super::json::Object;
use serde_json::Value;

/// What starting the gateway needs from `GET /gateway/bot`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayBot {
    /// The gateway's WebSocket URL (`wss://gateway.discord.gg`); empty when Discord sent none.
    pub url: String,
    /// Discord's recommended number of shards (0 when missing).
    pub shards: u32,
    /// Session starts allowed in the current window.
    pub total: u32,
    /// Session starts left in the current window.
    pub remaining: u32,
    /// Milliseconds until the window resets.
    pub reset_after_ms: u64,
    /// Identify requests allowed per 5 seconds (at least 1).
    pub max_concurrency: u16,
}

/// Reads the answer; missing values are 0 (`max_concurrency` 1).
pub fn gateway_bot(value: &Value) -> GatewayBot {
    let info = Object::new(value, "gateway bot");
    let limit = info.object("session_start_limit", "session start limit");
    let number = |key: &str| limit.map_or(0, |limit| limit.unsigned(key));
    GatewayBot {
        url: info.string("url"),
        shards: u32::try_from(info.unsigned("shards")).unwrap_or(u32::MAX),
        total: u32::try_from(number("total")).unwrap_or(u32::MAX),
        remaining: u32::try_from(number("remaining")).unwrap_or(u32::MAX),
        reset_after_ms: number("reset_after"),
        max_concurrency: u16::try_from(number("max_concurrency"))
            .unwrap_or(u16::MAX)
            .max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_answer_is_read_and_new_fields_are_ignored() {
        let info = gateway_bot(&json!({"url": "wss://gateway.discord.gg", "shards": 9,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14400000,
                                    "max_concurrency": 16, "brand_new": 1}, "extra": {}}));
        assert_eq!(
            info,
            GatewayBot {
                url: "wss://gateway.discord.gg".into(),
                shards: 9,
                total: 1000,
                remaining: 999,
                reset_after_ms: 14_400_000,
                max_concurrency: 16,
            }
        );
    }

    #[test]
    fn missing_limits_are_zero_and_concurrency_at_least_one() {
        let info = gateway_bot(&json!({"url": "ws://127.0.0.1:1", "shards": "odd"}));
        assert_eq!((info.shards, info.total, info.max_concurrency), (0, 0, 1));
    }
}
