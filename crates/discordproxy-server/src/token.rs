//! The Discord bot token, kept out of every log line, error and panic message.

use std::fmt;

/// A Discord bot token.
///
/// `Debug` and `Display` print `<redacted>`; the secret is only reachable through
/// [`BotToken::expose`], which the REST client calls once when it is built.
#[derive(Clone, PartialEq, Eq)]
pub struct BotToken(String);

impl BotToken {
    /// Wraps a token string. A leading `Bot ` prefix and surrounding whitespace are removed, so
    /// both `abc` and `Bot abc` give the same token.
    pub fn new(token: impl Into<String>) -> Self {
        let token = token.into();
        let trimmed = token.trim();
        let bare = trimmed.strip_prefix("Bot ").unwrap_or(trimmed);
        Self(bare.trim().to_owned())
    }

    /// Whether the token is empty (after trimming).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The secret itself. Only for the `Authorization` header; never log or format it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BotToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for BotToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::BotToken;

    #[test]
    fn debug_and_display_redact_the_secret() {
        let token = BotToken::new("MTIzNDU2.secret-part");
        assert_eq!(format!("{token:?}"), "<redacted>");
        assert_eq!(format!("{token}"), "<redacted>");
        assert!(!format!("{:?}", Some(token.clone())).contains("secret"));
    }

    #[test]
    fn bot_prefix_and_whitespace_are_removed() {
        assert_eq!(BotToken::new(" Bot abc \n").expose(), "abc");
        assert_eq!(BotToken::new("abc").expose(), "abc");
        assert!(BotToken::new("  ").is_empty());
    }
}
