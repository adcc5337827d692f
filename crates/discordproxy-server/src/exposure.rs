//! The start-up warning for a gRPC port reachable from other machines without TLS or without
//! client authentication.

use std::net::SocketAddr;

/// The warning to log (WARN) and print on stderr for a server bound to `address`, or `None`
/// when there is nothing to warn about.
///
/// Loopback addresses never warn (only local processes can connect, as with the original
/// server). Other addresses, including `0.0.0.0` and `::`, warn unless the server has both TLS
/// (`tls`) and client authentication (`authenticated`: `--api-keys-file` or
/// `--tls-client-ca`).
pub fn warning(address: SocketAddr, tls: bool, authenticated: bool) -> Option<String> {
    if address.ip().is_loopback() || (tls && authenticated) {
        return None;
    }
    let mut missing = Vec::new();
    if !tls {
        missing.push("TLS");
    }
    if !authenticated {
        missing.push("API keys");
    }
    let mut risks = Vec::new();
    if !authenticated {
        risks.push(
            "anyone who can reach this port can send messages as your Discord bot and read its \
             events",
        );
    }
    if !tls {
        risks.push(
            "requests (message content, and API keys if used) cross the network unencrypted and \
             can be read or replayed",
        );
    }
    Some(format!(
        "SECURITY WARNING: the gRPC port {address} is not a loopback address and has no {}: {}. \
         Enable TLS with --tls-cert FILE --tls-key FILE and client authentication with \
         --api-keys-file FILE (or --tls-client-ca FILE), or bind --host 127.0.0.1.",
        missing.join(" and no "),
        risks.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::warning;

    #[test]
    fn loopback_never_warns() {
        for address in ["127.0.0.1:50051", "[::1]:50051", "127.0.0.2:1"] {
            assert_eq!(warning(address.parse().unwrap(), false, false), None);
        }
    }

    #[test]
    fn other_addresses_warn_unless_tls_and_authentication() {
        let any = "0.0.0.0:50051".parse().unwrap();
        let both = warning(any, false, false).unwrap();
        assert!(both.contains("no TLS and no API keys"), "{both}");
        assert!(
            both.contains("anyone who can reach this port can send messages as your Discord bot")
        );
        assert!(both.contains("--tls-cert") && both.contains("--api-keys-file"));
        let tls_only = warning(any, true, false).unwrap();
        assert!(tls_only.contains("no API keys") && !tls_only.contains("unencrypted"));
        let keys_only = warning("[::]:1".parse().unwrap(), false, true).unwrap();
        assert!(keys_only.contains("no TLS:") && keys_only.contains("unencrypted"));
        assert!(!keys_only.contains("anyone who can reach"));
        assert_eq!(warning("10.0.0.5:50051".parse().unwrap(), true, true), None);
    }
}
