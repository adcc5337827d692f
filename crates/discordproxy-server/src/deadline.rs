//! How long a call may run: the client's gRPC deadline (the `grpc-timeout` request header), or
//! the server's `--request-timeout` for calls without one, whichever is shorter.
//! <https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md> (Timeout)

use std::time::Duration;
use tonic::metadata::MetadataMap;

/// Subtracted from a client's deadline so that our `DEADLINE_EXCEEDED` (plain text) is answered
/// before tonic's own timer cancels the call.
const MARGIN: Duration = Duration::from_millis(5);

/// Time budget of a call with this request metadata.
pub fn budget(metadata: &MetadataMap, server_limit: Duration) -> Duration {
    match metadata
        .get("grpc-timeout")
        .and_then(|value| value.to_str().ok())
        .and_then(parse)
    {
        Some(client) => client.saturating_sub(MARGIN).min(server_limit),
        None => server_limit,
    }
}

/// Parses a `grpc-timeout` value: 1–8 ASCII digits and a unit (`H M S m u n`).
pub fn parse(value: &str) -> Option<Duration> {
    let (digits, unit) = value.split_at(value.len().checked_sub(1)?);
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let amount: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(amount * 3600),
        "M" => Duration::from_secs(amount * 60),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit_and_rejects_garbage() {
        assert_eq!(parse("2H"), Some(Duration::from_secs(7200)));
        assert_eq!(parse("3M"), Some(Duration::from_secs(180)));
        assert_eq!(parse("5S"), Some(Duration::from_secs(5)));
        assert_eq!(parse("250m"), Some(Duration::from_millis(250)));
        assert_eq!(parse("7u"), Some(Duration::from_micros(7)));
        assert_eq!(parse("9n"), Some(Duration::from_nanos(9)));
        for bad in ["", "S", "5", "5s", "123456789S", "-1S", "1.5S"] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn budget_is_the_shorter_of_client_and_server_limits() {
        let mut metadata = MetadataMap::new();
        assert_eq!(
            budget(&metadata, Duration::from_secs(300)),
            Duration::from_secs(300)
        );
        metadata.insert("grpc-timeout", "2S".parse().unwrap());
        assert_eq!(
            budget(&metadata, Duration::from_secs(300)),
            Duration::from_millis(1995)
        );
        assert_eq!(
            budget(&metadata, Duration::from_secs(1)),
            Duration::from_secs(1)
        );
    }
}
