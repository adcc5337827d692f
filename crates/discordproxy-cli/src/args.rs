//! Command line of `discordproxymessage` (the original tool's arguments).

use clap::{Parser, ValueEnum};
use std::path::PathBuf;

/// Simple tool for sending messages via Discord Proxy. Connects via gRPC.
#[derive(Debug, Parser)]
#[command(name = "discordproxymessage", version)]
pub struct Args {
    /// Whether to send a direct message or a channel message.
    #[arg(value_enum)]
    pub kind: Kind,
    /// ID of the recipient, i.e. the user ID for direct messages or the channel ID for channel
    /// messages.
    pub recipient_id: u64,
    /// Content of the message to be sent.
    pub content: String,
    /// Server host address.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Server port.
    #[arg(long, default_value_t = 50051)]
    pub port: u16,
    /// Connect with TLS (https), trusting server certificates signed by this CA (PEM).
    #[arg(long, value_name = "FILE")]
    pub tls_ca: Option<PathBuf>,
    /// Client certificate (PEM) for servers that require one (mutual TLS); needs --tls-key and
    /// --tls-ca.
    #[arg(long, value_name = "FILE")]
    pub tls_cert: Option<PathBuf>,
    /// Private key (PEM) of --tls-cert.
    #[arg(long, value_name = "FILE")]
    pub tls_key: Option<PathBuf>,
}

/// Message kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// A direct message to a user.
    Direct,
    /// A message in a channel.
    Channel,
}

impl Args {
    /// `host:port`, with IPv6 hosts bracketed.
    pub fn target(&self) -> String {
        if self.host.contains(':') && !self.host.starts_with('[') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn original_argument_order_and_defaults() {
        let args = Args::try_parse_from(["discordproxymessage", "direct", "123", "hello"]).unwrap();
        assert_eq!(
            (args.kind, args.recipient_id, args.content.as_str()),
            (Kind::Direct, 123, "hello")
        );
        assert_eq!(args.target(), "127.0.0.1:50051");
        assert!(args.tls_ca.is_none() && args.tls_cert.is_none() && args.tls_key.is_none());
        let args = Args::try_parse_from([
            "discordproxymessage",
            "channel",
            "9",
            "--host",
            "::1",
            "--port",
            "6000",
            "hi",
        ])
        .unwrap();
        assert_eq!(
            (args.kind, args.target()),
            (Kind::Channel, "[::1]:6000".to_owned())
        );
    }

    #[test]
    fn bad_kind_and_id_are_refused() {
        assert!(Args::try_parse_from(["discordproxymessage", "group", "1", "x"]).is_err());
        assert!(Args::try_parse_from(["discordproxymessage", "direct", "abc", "x"]).is_err());
    }
}
