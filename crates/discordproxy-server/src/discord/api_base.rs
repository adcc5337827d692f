//! Where REST requests go: Discord, or another host serving Discord's paths.

/// A base URL that [`ApiBase::parse`] refused: the URL and why (`http://x/api/v9: path must
/// be /api/v10`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidApiUrl(pub String);

/// Where REST requests go: Discord, or another host serving Discord's paths (the emulator).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiBase {
    /// Discord itself (`https://discord.com/api/v10`).
    Discord,
    /// Another host serving Discord's paths under `/api/v10` (the emulator, an HTTP proxy).
    Custom {
        /// `host[:port]`.
        authority: String,
        /// Plain HTTP instead of HTTPS.
        use_http: bool,
    },
}

impl ApiBase {
    /// Parses a base URL such as `http://127.0.0.1:8080/api/v10`.
    ///
    /// # Errors
    /// [`InvalidApiUrl`] unless the scheme is `http`/`https` and the path is `/api/v10`.
    pub fn parse(url: &str) -> Result<Self, InvalidApiUrl> {
        let invalid = |why: &str| InvalidApiUrl(format!("{url}: {why}"));
        let uri: http::Uri = url.parse().map_err(|_| invalid("not a URL"))?;
        let use_http = match uri.scheme_str() {
            Some("http") => true,
            Some("https") => false,
            _ => return Err(invalid("scheme must be http or https")),
        };
        let authority = uri
            .authority()
            .ok_or_else(|| invalid("no host"))?
            .to_string();
        if uri.path().trim_end_matches('/') != "/api/v10" {
            return Err(invalid("path must be /api/v10"));
        }
        if !use_http && authority == "discord.com" {
            return Ok(Self::Discord);
        }
        Ok(Self::Custom {
            authority,
            use_http,
        })
    }
}
