//! Discord's documented limits on a Create Message body, checked by the RPCs before any
//! request.
//! <https://discord.com/developers/docs/resources/message#embed-object-embed-limits>
//!
//! A body over a limit is refused the way Discord refuses it: HTTP 400, JSON code 50035
//! "Invalid Form Body" with the field path (`In embeds.0.title: Must be 256 or fewer in
//! length.`), so clients of the original server see exactly the error they saw before (gRPC
//! `INVALID_ARGUMENT` with the original JSON details), but no request is sent. Lengths count
//! Unicode characters, as Discord does.

use crate::{
    discord::api_error,
    error::{Error, Result},
};
use serde_json::{Map, Value, json};

/// `content`: characters.
pub const CONTENT_MAX: usize = 2000;
/// `embeds[].title`.
pub const TITLE_MAX: usize = 256;
/// `embeds[].description`.
pub const DESCRIPTION_MAX: usize = 4096;
/// `embeds[].fields`: entries.
pub const FIELDS_MAX: usize = 25;
/// `embeds[].fields[].name`.
pub const FIELD_NAME_MAX: usize = 256;
/// `embeds[].fields[].value`.
pub const FIELD_VALUE_MAX: usize = 1024;
/// `embeds[].footer.text`.
pub const FOOTER_TEXT_MAX: usize = 2048;
/// `embeds[].author.name` and `embeds[].provider.name`.
pub const NAME_MAX: usize = 256;
/// Every URL of an embed (Discord's OpenAPI `maxLength`).
pub const URL_MAX: usize = 2048;
/// Title, description, field names and values, footer text and author name together.
pub const EMBED_TOTAL_MAX: usize = 6000;
/// `embeds[].color`: a 24-bit RGB value.
pub const COLOR_MAX: i64 = 0xFF_FF_FF;

/// Form errors collected as Discord nests them: `{"embeds": {"0": {"title": {"_errors": …}}}}`.
#[derive(Default)]
struct FormErrors(Map<String, Value>);

impl FormErrors {
    fn add(&mut self, path: &[&str], code: &str, message: String) {
        let mut node = &mut self.0;
        for key in path {
            node = node
                .entry((*key).to_owned())
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .expect("form error nodes are objects");
        }
        let errors = node
            .entry("_errors")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = errors {
            list.push(json!({"code": code, "message": message}));
        }
    }

    fn max_len(&mut self, path: &[&str], value: Option<&Value>, max: usize) -> usize {
        let length = value
            .and_then(Value::as_str)
            .map_or(0, |s| s.chars().count());
        if length > max {
            self.add(
                path,
                "BASE_TYPE_MAX_LENGTH",
                format!("Must be {max} or fewer in length."),
            );
        }
        length
    }
}

/// Checks a Create Message body (as built by `message_body::create_message`).
///
/// # Errors
/// [`Error::Discord`] 400/50035 naming every field over its limit (gRPC `INVALID_ARGUMENT`).
pub fn check_create_message(body: &Value) -> Result<()> {
    let mut errors = FormErrors::default();
    errors.max_len(&["content"], body.get("content"), CONTENT_MAX);
    let embeds = body.get("embeds").and_then(Value::as_array);
    for (index, embed) in embeds.into_iter().flatten().enumerate() {
        let index = index.to_string();
        check_embed(&mut errors, &index, embed);
    }
    if errors.0.is_empty() {
        return Ok(());
    }
    let response = json!({"message": "Invalid Form Body", "code": 50035, "errors": errors.0});
    Err(Error::Discord(api_error::from_response(
        400,
        response.to_string().as_bytes(),
    )))
}

fn check_embed(errors: &mut FormErrors, index: &str, embed: &Value) {
    let at = |key: &'static str| ["embeds", index, key];
    let mut total = 0;
    total += errors.max_len(&at("title"), embed.get("title"), TITLE_MAX);
    total += errors.max_len(
        &at("description"),
        embed.get("description"),
        DESCRIPTION_MAX,
    );
    errors.max_len(&at("url"), embed.get("url"), URL_MAX);
    if let Some(color) = embed.get("color").and_then(Value::as_i64) {
        if color < 0 {
            errors.add(
                &at("color"),
                "NUMBER_TYPE_MIN",
                "int value should be greater than or equal to 0.".into(),
            );
        } else if color > COLOR_MAX {
            errors.add(
                &at("color"),
                "NUMBER_TYPE_MAX",
                format!("int value should be less than or equal to {COLOR_MAX}."),
            );
        }
    }
    let nested = |errors: &mut FormErrors, key: &str, inner: &str, max: usize| {
        errors.max_len(
            &["embeds", index, key, inner],
            embed.get(key).and_then(|object| object.get(inner)),
            max,
        )
    };
    total += nested(errors, "footer", "text", FOOTER_TEXT_MAX);
    nested(errors, "footer", "icon_url", URL_MAX);
    total += nested(errors, "author", "name", NAME_MAX);
    nested(errors, "author", "url", URL_MAX);
    nested(errors, "author", "icon_url", URL_MAX);
    nested(errors, "provider", "name", NAME_MAX);
    nested(errors, "provider", "url", URL_MAX);
    for media in ["image", "thumbnail", "video"] {
        nested(errors, media, "url", URL_MAX);
    }
    let fields = embed.get("fields").and_then(Value::as_array);
    if fields.is_some_and(|fields| fields.len() > FIELDS_MAX) {
        errors.add(
            &at("fields"),
            "BASE_TYPE_MAX_LENGTH",
            format!("Must be {FIELDS_MAX} or fewer in length."),
        );
    }
    for (number, field) in fields.into_iter().flatten().enumerate() {
        let number = number.to_string();
        total += errors.max_len(
            &["embeds", index, "fields", &number, "name"],
            field.get("name"),
            FIELD_NAME_MAX,
        );
        total += errors.max_len(
            &["embeds", index, "fields", &number, "value"],
            field.get("value"),
            FIELD_VALUE_MAX,
        );
    }
    if total > EMBED_TOTAL_MAX {
        errors.add(
            &["embeds"],
            "MAX_EMBED_SIZE_EXCEEDED",
            format!("Embed size exceeds maximum size of {EMBED_TOTAL_MAX}"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::DiscordHttpError;

    fn refused(body: Value) -> DiscordHttpError {
        match check_create_message(&body) {
            Err(Error::Discord(error)) => error,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn bodies_within_the_limits_pass() {
        let body = json!({
            "content": "é".repeat(CONTENT_MAX),
            "embeds": [{"title": "t".repeat(TITLE_MAX), "color": COLOR_MAX,
                        "fields": vec![json!({"name": "n", "value": "v"}); FIELDS_MAX]}],
        });
        assert!(check_create_message(&body).is_ok());
        assert!(check_create_message(&json!({})).is_ok());
    }

    #[test]
    fn content_over_the_limit_is_refused_like_discord() {
        let error = refused(json!({"content": "x".repeat(CONTENT_MAX + 1)}));
        assert_eq!((error.status, error.code), (400, 50035));
        assert_eq!(
            error.text,
            "Invalid Form Body\nIn content: Must be 2000 or fewer in length."
        );
    }

    #[test]
    fn every_embed_field_over_its_limit_is_named() {
        let error = refused(json!({"embeds": [{
            "title": "t".repeat(TITLE_MAX + 1),
            "color": -1,
            "footer": {"text": "f".repeat(FOOTER_TEXT_MAX + 1)},
            "fields": [{"name": "n", "value": "v".repeat(FIELD_VALUE_MAX + 1)}],
        }]}));
        for line in [
            "In embeds.0.title: Must be 256 or fewer in length.",
            "In embeds.0.color: int value should be greater than or equal to 0.",
            "In embeds.0.footer.text: Must be 2048 or fewer in length.",
            "In embeds.0.fields.0.value: Must be 1024 or fewer in length.",
        ] {
            assert!(
                error.text.contains(line),
                "{line} missing in {}",
                error.text
            );
        }
    }

    #[test]
    fn too_many_fields_and_total_size() {
        let error = refused(json!({"embeds": [{
            "fields": vec![json!({"name": "n", "value": "v"}); FIELDS_MAX + 1]
        }]}));
        assert!(
            error
                .text
                .contains("In embeds.0.fields: Must be 25 or fewer in length.")
        );
        let error = refused(json!({"embeds": [{
            "description": "d".repeat(DESCRIPTION_MAX),
            "fields": vec![json!({"name": "n", "value": "v".repeat(1000)}); 2],
        }]}));
        assert!(
            error
                .text
                .contains("In embeds: Embed size exceeds maximum size of 6000"),
            "{}",
            error.text
        );
    }
}
