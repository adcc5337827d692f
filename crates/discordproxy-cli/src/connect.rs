//! The connection to the server: plaintext h2c as the original tool, or TLS with `--tls-ca`
//! (plus a client certificate with `--tls-cert`/`--tls-key`), and the API key from
//! `DISCORDPROXY_API_KEY`.

use crate::args::Args;
use std::path::Path;
use tonic::{
    metadata::AsciiMetadataValue,
    transport::{Certificate, ClientTlsConfig, Endpoint, Identity},
};

/// The metadata key of the API key.
pub const AUTHORIZATION: &str = "authorization";

/// Environment variable holding the API key sent as `authorization: Bearer <key>` (for servers
/// started with `--api-keys-file`).
pub const API_KEY_ENV: &str = "DISCORDPROXY_API_KEY";

fn read_pem(flag: &str, path: &Path, marker: &str, what: &str) -> Result<Vec<u8>, String> {
    let pem = std::fs::read(path)
        .map_err(|error| format!("cannot read {flag} {}: {error}", path.display()))?;
    if !String::from_utf8_lossy(&pem).contains(marker) {
        return Err(format!(
            "{flag} {}: no PEM {what} in the file",
            path.display()
        ));
    }
    Ok(pem)
}

/// TLS settings from `--tls-ca`, `--tls-cert` and `--tls-key`; `None` without `--tls-ca`.
///
/// # Errors
/// A message naming the flag when a file cannot be read or holds no PEM certificate/key, or
/// the flags are incomplete (`--tls-cert` and `--tls-key` go together and need `--tls-ca`).
pub fn tls_config(args: &Args) -> Result<Option<ClientTlsConfig>, String> {
    let identity = match (&args.tls_cert, &args.tls_key) {
        (None, None) => None,
        (Some(_), None) => return Err("--tls-cert needs --tls-key".into()),
        (None, Some(_)) => return Err("--tls-key needs --tls-cert".into()),
        (Some(cert), Some(key)) => Some((cert, key)),
    };
    let Some(ca) = &args.tls_ca else {
        return match identity {
            Some(_) => Err("--tls-cert and --tls-key need --tls-ca".into()),
            None => Ok(None),
        };
    };
    let ca = read_pem("--tls-ca", ca, "-----BEGIN CERTIFICATE-----", "certificate")?;
    let mut config = ClientTlsConfig::new().ca_certificate(Certificate::from_pem(ca));
    if let Some((cert, key)) = identity {
        let cert = read_pem(
            "--tls-cert",
            cert,
            "-----BEGIN CERTIFICATE-----",
            "certificate",
        )?;
        let key = read_pem("--tls-key", key, "PRIVATE KEY-----", "private key")?;
        config = config.identity(Identity::from_pem(cert, key));
    }
    Ok(Some(config))
}

/// The endpoint for `args`: `http://host:port`, or `https://host:port` with TLS.
///
/// # Errors
/// As [`tls_config`], or when the address or the TLS files cannot be used.
pub fn endpoint(args: &Args) -> Result<Endpoint, String> {
    let tls = tls_config(args)?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let endpoint = Endpoint::from_shared(format!("{scheme}://{}", args.target()))
        .map_err(|error| format!("invalid server address {}: {error}", args.target()))?;
    match tls {
        Some(tls) => endpoint
            .tls_config(tls)
            .map_err(|error| format!("invalid --tls-ca/--tls-cert/--tls-key: {error}")),
        None => Ok(endpoint),
    }
}

/// The `authorization` metadata value for the API key in `env` ([`API_KEY_ENV`]), if set.
///
/// # Errors
/// When the key cannot be sent as metadata (non-ASCII or control characters).
pub fn authorization(
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<AsciiMetadataValue>, String> {
    match env(API_KEY_ENV).map(|key| key.trim().to_owned()) {
        None => Ok(None),
        Some(key) if key.is_empty() => Ok(None),
        Some(key) => format!("Bearer {key}")
            .parse()
            .map(Some)
            .map_err(|_| format!("{API_KEY_ENV} holds characters that cannot be sent")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn args(extra: &[&str]) -> Args {
        Args::try_parse_from(
            ["discordproxymessage", "channel", "1", "hi"]
                .into_iter()
                .chain(extra.iter().copied()),
        )
        .unwrap()
    }

    #[test]
    fn plaintext_without_tls_flags() {
        assert!(tls_config(&args(&[])).unwrap().is_none());
        assert_eq!(
            endpoint(&args(&[])).unwrap().uri().scheme_str(),
            Some("http")
        );
    }

    #[test]
    fn incomplete_or_bad_tls_flags_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("junk.pem");
        std::fs::write(&junk, "junk").unwrap();
        let junk = junk.to_str().unwrap();
        assert_eq!(
            tls_config(&args(&["--tls-cert", junk])).unwrap_err(),
            "--tls-cert needs --tls-key"
        );
        assert_eq!(
            tls_config(&args(&["--tls-cert", junk, "--tls-key", junk])).unwrap_err(),
            "--tls-cert and --tls-key need --tls-ca"
        );
        let error = tls_config(&args(&["--tls-ca", junk])).unwrap_err();
        assert!(
            error.starts_with("--tls-ca ") && error.contains("no PEM certificate"),
            "{error}"
        );
        let error = tls_config(&args(&["--tls-ca", "/nonexistent/ca.pem"])).unwrap_err();
        assert!(
            error.starts_with("cannot read --tls-ca /nonexistent/ca.pem"),
            "{error}"
        );
    }

    #[test]
    fn api_key_comes_from_the_environment() {
        assert_eq!(authorization(|_| None).unwrap(), None);
        let value = authorization(|name| (name == API_KEY_ENV).then(|| "k123\n".into()))
            .unwrap()
            .unwrap();
        assert_eq!(value.to_str().unwrap(), "Bearer k123");
        assert!(authorization(|_| Some("bad\u{7}key".into())).is_err());
    }
}
