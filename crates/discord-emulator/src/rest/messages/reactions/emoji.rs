//! The `{emoji}` path segment of the reaction routes: a URL-encoded Unicode emoji (`%F0%9F%91%8D`)
//! or a custom emoji as `name:id` (axum has decoded the percent-escapes already).

use serde_json::json;

use crate::error::ApiError;
use crate::snowflake::parse_snowflake_str;
use crate::store::{EmojiKey, ReactionEmoji, Store};

/// Combining characters that may follow a digit, `#` or `*` in a keycap emoji (`1️⃣`).
const KEYCAP_PARTS: [char; 2] = ['\u{fe0f}', '\u{20e3}'];

/// Whether `text` can be a Unicode emoji: no whitespace, some character outside ASCII, and
/// ASCII only as the base of a keycap. (Discord checks a list of emojis; this accepts any such
/// text, see the README's "Behaviour guessed".)
fn looks_like_emoji(text: &str) -> bool {
    let mut chars = text.chars().peekable();
    let mut non_ascii = false;
    while let Some(c) = chars.next() {
        if c.is_whitespace() || c.is_control() {
            return false;
        }
        if c.is_ascii() {
            let keycap = matches!(c, '0'..='9' | '#' | '*')
                && chars.peek().is_some_and(|next| KEYCAP_PARTS.contains(next));
            if !keycap {
                return false;
            }
        } else {
            non_ascii = true;
        }
    }
    non_ascii
}

/// The emoji a reaction route names, else 400/10014 Unknown Emoji. A custom emoji (`name:id`,
/// or a bare id) must be one of a fixture guild's `emojis`; its name in the path is not checked
/// (twilight sends `e:id` without a name), the reaction shows the stored name.
pub(super) fn resolve(store: &Store, raw: &str) -> Result<ReactionEmoji, ApiError> {
    let custom_id = match raw.rsplit_once(':') {
        Some((_, id)) => Some(parse_snowflake_str(id).ok_or(ApiError::UnknownEmoji)?),
        None => parse_snowflake_str(raw),
    };
    if let Some(id) = custom_id {
        let object = store.custom_emoji(id).ok_or(ApiError::UnknownEmoji)?;
        return Ok(ReactionEmoji {
            key: EmojiKey::Custom(id),
            object,
        });
    }
    if !looks_like_emoji(raw) {
        return Err(ApiError::UnknownEmoji);
    }
    Ok(ReactionEmoji {
        key: EmojiKey::Unicode(raw.to_owned()),
        object: json!({"id": null, "name": raw}),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;

    #[test]
    fn unicode_emojis_and_keycaps() {
        for emoji in ["👍", "🏳️‍⚧️", "1️⃣", "#️⃣", "©️", "❤"] {
            assert!(looks_like_emoji(emoji), "{emoji}");
        }
        for text in ["", "a", "thumbsup", "👍 ", "1", ":smile:", "👍a"] {
            assert!(!looks_like_emoji(text), "{text}");
        }
    }

    #[test]
    fn custom_emojis_must_exist_in_a_guild() {
        let mut fixture: serde_json::Value =
            serde_json::from_str(include_str!("../../../../fixtures/default.json")).unwrap();
        fixture["guilds"][0]["emojis"] =
            json!([{"id": "500000000000000001", "name": "blob", "animated": true}]);
        let fixture = Fixture::from_json(&fixture.to_string()).unwrap();
        let store = Store::new(&fixture);
        let blob = resolve(&store, "blob:500000000000000001").unwrap();
        assert_eq!(blob.key, EmojiKey::Custom(500_000_000_000_000_001));
        assert_eq!(
            blob.object,
            json!({"id": "500000000000000001", "name": "blob", "animated": true})
        );
        assert_eq!(resolve(&store, "e:500000000000000001"), Ok(blob.clone()));
        assert_eq!(resolve(&store, "500000000000000001"), Ok(blob));
        assert_eq!(resolve(&store, "x:1"), Err(ApiError::UnknownEmoji));
        assert_eq!(resolve(&store, "x:y"), Err(ApiError::UnknownEmoji));
        assert_eq!(resolve(&store, "smile"), Err(ApiError::UnknownEmoji));
        assert_eq!(
            resolve(&store, "👍").unwrap().object,
            json!({"id": null, "name": "👍"})
        );
    }
}
