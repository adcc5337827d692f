//! TLS for the gRPC port: `--tls-cert`, `--tls-key` and `--tls-client-ca` (PEM files), read and
//! checked at start-up so that a bad file stops the server with a message naming the flag
//! instead of failing later at the first handshake.
//!
//! The handshakes themselves are tonic's (rustls with the `ring` provider, the only rustls
//! crypto provider in the dependency graph).

use rustls::{
    RootCertStore,
    crypto::ring,
    pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject},
    server::WebPkiClientVerifier,
};
use std::{fmt, path::Path, sync::Arc, time::Duration};
use thiserror::Error;
use tonic::transport::{Certificate, Identity, ServerTlsConfig};

/// Time a client gets to finish the TLS handshake.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the TLS files cannot be used; the message names the flag and the file.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("{0}")]
pub struct TlsFilesError(pub String);

/// The server's certificate chain and key, and the CA client certificates must be signed by.
///
/// `Debug` never shows the private key.
#[derive(Clone)]
pub struct TlsSettings {
    cert_pem: Vec<u8>,
    key_pem: Vec<u8>,
    client_ca_pem: Option<Vec<u8>>,
}

impl fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsSettings")
            .field("key", &"<redacted>")
            .field(
                "client_certificates_required",
                &self.requires_client_certs(),
            )
            .finish_non_exhaustive()
    }
}

fn read(flag: &str, path: &Path) -> Result<Vec<u8>, TlsFilesError> {
    std::fs::read(path)
        .map_err(|error| TlsFilesError(format!("{flag} {}: cannot read: {error}", path.display())))
}

fn certificates(
    flag: &str,
    path: &Path,
    pem: &[u8],
) -> Result<Vec<CertificateDer<'static>>, TlsFilesError> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| {
            TlsFilesError(format!(
                "{flag} {}: not a PEM certificate file: {error}",
                path.display()
            ))
        })?;
    if certs.is_empty() {
        return Err(TlsFilesError(format!(
            "{flag} {}: no PEM certificate (-----BEGIN CERTIFICATE-----) in the file",
            path.display()
        )));
    }
    Ok(certs)
}

impl TlsSettings {
    /// Reads and checks the files of `--tls-cert`, `--tls-key` and `--tls-client-ca`. `None`
    /// when neither `--tls-cert` nor `--tls-key` is given (plaintext h2c, as before).
    ///
    /// # Errors
    /// [`TlsFilesError`] naming the flag when only one of `--tls-cert`/`--tls-key` is given,
    /// `--tls-client-ca` comes without them, a file cannot be read or holds no PEM certificate
    /// or key, the key does not belong to the certificate, or the CA certificate is unusable.
    pub fn load(
        cert: Option<&Path>,
        key: Option<&Path>,
        client_ca: Option<&Path>,
    ) -> Result<Option<Self>, TlsFilesError> {
        let (cert_path, key_path) = match (cert, key) {
            (None, None) => {
                return match client_ca {
                    Some(_) => Err(TlsFilesError(
                        "--tls-client-ca needs --tls-cert and --tls-key".into(),
                    )),
                    None => Ok(None),
                };
            }
            (Some(cert), Some(key)) => (cert, key),
            (Some(_), None) => {
                return Err(TlsFilesError("--tls-cert needs --tls-key".into()));
            }
            (None, Some(_)) => {
                return Err(TlsFilesError("--tls-key needs --tls-cert".into()));
            }
        };
        let cert_pem = read("--tls-cert", cert_path)?;
        let key_pem = read("--tls-key", key_path)?;
        let chain = certificates("--tls-cert", cert_path, &cert_pem)?;
        let private_key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|error| {
            TlsFilesError(format!(
                "--tls-key {}: no PEM private key (PKCS#8, PKCS#1 or SEC1) in the file: {error}",
                key_path.display()
            ))
        })?;
        let provider = Arc::new(ring::default_provider());
        let builder = rustls::ServerConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .map_err(|error| TlsFilesError(format!("TLS set-up failed: {error}")))?;
        let client_ca_pem = match client_ca {
            None => {
                builder
                    .with_no_client_auth()
                    .with_single_cert(chain, private_key)
                    .map_err(|error| key_mismatch(cert_path, key_path, &error))?;
                None
            }
            Some(ca_path) => {
                let ca_pem = read("--tls-client-ca", ca_path)?;
                let mut roots = RootCertStore::empty();
                for ca in certificates("--tls-client-ca", ca_path, &ca_pem)? {
                    roots.add(ca).map_err(|error| {
                        TlsFilesError(format!(
                            "--tls-client-ca {}: unusable CA certificate: {error}",
                            ca_path.display()
                        ))
                    })?;
                }
                let verifier =
                    WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                        .build()
                        .map_err(|error| {
                            TlsFilesError(format!("--tls-client-ca {}: {error}", ca_path.display()))
                        })?;
                builder
                    .with_client_cert_verifier(verifier)
                    .with_single_cert(chain, private_key)
                    .map_err(|error| key_mismatch(cert_path, key_path, &error))?;
                Some(ca_pem)
            }
        };
        Ok(Some(Self {
            cert_pem,
            key_pem,
            client_ca_pem,
        }))
    }

    /// Whether clients must present a certificate signed by `--tls-client-ca` (mTLS).
    pub fn requires_client_certs(&self) -> bool {
        self.client_ca_pem.is_some()
    }

    /// tonic's server TLS configuration (HTTP/2 over TLS; with a client CA, connections
    /// without a certificate signed by it fail the handshake).
    pub fn server_config(&self) -> ServerTlsConfig {
        let config = ServerTlsConfig::new()
            .identity(Identity::from_pem(&self.cert_pem, &self.key_pem))
            .timeout(HANDSHAKE_TIMEOUT);
        match &self.client_ca_pem {
            Some(ca) => config.client_ca_root(Certificate::from_pem(ca)),
            None => config,
        }
    }
}

fn key_mismatch(cert: &Path, key: &Path, error: &rustls::Error) -> TlsFilesError {
    TlsFilesError(format!(
        "--tls-key {} cannot be used with --tls-cert {}: {error}",
        key.display(),
        cert.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn error(cert: Option<&Path>, key: Option<&Path>, ca: Option<&Path>) -> String {
        TlsSettings::load(cert, key, ca).unwrap_err().to_string()
    }

    #[test]
    fn no_flags_means_plaintext() {
        assert!(TlsSettings::load(None, None, None).unwrap().is_none());
    }

    #[test]
    fn errors_name_the_flag() {
        let dir = tempfile::tempdir().unwrap();
        let junk = write(dir.path(), "junk.pem", "not pem at all\n");
        let missing = dir.path().join("missing.pem");
        assert_eq!(error(Some(&junk), None, None), "--tls-cert needs --tls-key");
        assert_eq!(error(None, Some(&junk), None), "--tls-key needs --tls-cert");
        assert_eq!(
            error(None, None, Some(&junk)),
            "--tls-client-ca needs --tls-cert and --tls-key"
        );
        let unreadable = error(Some(&missing), Some(&junk), None);
        assert!(
            unreadable.starts_with("--tls-cert ") && unreadable.contains("cannot read"),
            "{unreadable}"
        );
        let no_cert = error(Some(&junk), Some(&junk), None);
        assert!(
            no_cert.starts_with("--tls-cert ") && no_cert.contains("no PEM certificate"),
            "{no_cert}"
        );
    }
}
