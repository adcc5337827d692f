//! Discord's documented limits of the webhook endpoints, checked before any request.
//! <https://discord.com/developers/docs/resources/webhook#create-webhook>

use crate::discord::request::message::limits::FormErrors;
use crate::error::Result;

/// The longest webhook name (and `username` override), in characters.
pub const NAME_MAX: usize = 80;

/// Words a webhook name (and `username`) may not contain, as Discord documents.
pub const NAME_FORBIDDEN: [&str; 2] = ["clyde", "discord"];

/// Checks a webhook name at `field` (`name`, or `username` of Execute Webhook): 1–80
/// characters, without "clyde" or "discord" (any case).
///
/// # Errors
/// [`crate::error::Error::Discord`] 400/50035 naming `field` (gRPC `INVALID_ARGUMENT`).
pub fn check_name(field: &str, name: &str) -> Result<()> {
    let mut errors = FormErrors::default();
    let length = name.chars().count();
    if !(1..=NAME_MAX).contains(&length) {
        errors.add(
            &[field],
            "BASE_TYPE_BAD_LENGTH",
            format!("Must be between 1 and {NAME_MAX} in length."),
        );
    } else {
        let lower = name.to_lowercase();
        for word in NAME_FORBIDDEN {
            if lower.contains(word) {
                errors.add(
                    &[field],
                    "USERNAME_INVALID_CONTAINS",
                    format!("Username cannot contain \"{word}\""),
                );
            }
        }
    }
    errors.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn names_follow_discords_rules() {
        assert!(check_name("name", "Alerts").is_ok());
        assert!(check_name("name", &"é".repeat(80)).is_ok());
        for bad in ["", "x".repeat(81).as_str(), "My Discord", "CLYDE"] {
            let Err(Error::Discord(error)) = check_name("name", bad) else {
                panic!("{bad:?} passed");
            };
            assert_eq!((error.status, error.code), (400, 50035), "{bad:?}");
            assert!(error.text.contains("In name: "), "{}", error.text);
        }
    }
}
