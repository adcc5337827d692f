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
/// `embeds`: entries per message.
pub const EMBEDS_MAX: usize = 10;
/// `sticker_ids`: entries per message.
pub const STICKERS_MAX: usize = 3;
/// `nonce`: characters.
pub const NONCE_MAX: usize = 25;
/// `allowed_mentions.users` and `allowed_mentions.roles`: entries.
pub const MENTIONS_MAX: usize = 100;
/// Files per request.
/// <https://discord.com/developers/docs/reference#uploading-files>
pub const FILES_MAX: usize = 10;
/// Bytes per file: Discord's default upload limit (10 MiB; boosted servers allow more).
pub const FILE_BYTES_MAX: usize = 10 * 1024 * 1024;
/// Bytes of all files of one request (Discord's request size limit, 25 MiB).
pub const UPLOAD_BYTES_MAX: usize = crate::discord::multipart::REQUEST_BYTES_MAX;
/// `attachments[].description`: characters.
pub const FILE_DESCRIPTION_MAX: usize = 1024;
/// Top-level action rows of a message without IS_COMPONENTS_V2.
/// <https://discord.com/developers/docs/components/reference#action-row>
pub const ACTION_ROWS_MAX: usize = 5;
/// Buttons per action row.
pub const ROW_BUTTONS_MAX: usize = 5;
/// `custom_id` of a component: characters.
pub const CUSTOM_ID_MAX: usize = 100;
/// `label` of a button: characters.
pub const BUTTON_LABEL_MAX: usize = 80;
/// `options` of a string select.
pub const SELECT_OPTIONS_MAX: usize = 25;
/// Components of an IS_COMPONENTS_V2 message, nested ones included.
pub const V2_COMPONENTS_MAX: usize = 40;
/// Message flag IS_COMPONENTS_V2 (1 << 15).
pub const IS_COMPONENTS_V2: i64 = 1 << 15;
/// `limit` of Get Channel Messages: 1–100.
pub const PAGE_LIMIT: std::ops::RangeInclusive<i32> = 1..=100;
/// `messages` of Bulk Delete Messages: 2–100 ids.
pub const BULK_DELETE: std::ops::RangeInclusive<usize> = 2..=100;
/// Bulk delete refuses messages this old or older (14 days, in milliseconds).
pub const BULK_DELETE_MAX_AGE_MS: u64 = 14 * 24 * 60 * 60 * 1000;
/// Discord's epoch (2015-01-01T00:00:00Z) in Unix milliseconds: a snowflake's time is
/// `(id >> 22) + DISCORD_EPOCH_MS`.
/// <https://discord.com/developers/docs/reference#snowflakes>
pub const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;
/// Discord's JSON code for a bulk delete with a message 14 days old or older.
pub const BULK_DELETE_TOO_OLD: u64 = 50034;

/// Form errors collected as Discord nests them: `{"embeds": {"0": {"title": {"_errors": …}}}}`.
/// Shared with the other resources' limit checks (`request::channel::limits`).
#[derive(Default)]
pub(crate) struct FormErrors(Map<String, Value>, Vec<String>);

impl FormErrors {
    /// Puts `prefix` before the paths of the errors added from now on (a forum post's first
    /// message: `message`).
    pub(crate) fn set_prefix(&mut self, prefix: &[&str]) {
        self.1 = prefix.iter().map(|key| (*key).to_owned()).collect();
    }

    /// Adds Discord's `{"code", "message"}` error at `path`.
    pub(crate) fn add(&mut self, path: &[&str], code: &str, message: String) {
        let mut node = &mut self.0;
        let prefix = self.1.iter().map(String::as_str);
        for key in prefix.chain(path.iter().copied()) {
            node = node
                .entry(key.to_owned())
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

    /// An array over `max` entries is refused; returns its entries.
    pub(crate) fn max_items<'v>(
        &mut self,
        path: &[&str],
        value: Option<&'v Value>,
        max: usize,
    ) -> &'v [Value] {
        let items = value
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        if items.len() > max {
            self.add(
                path,
                "BASE_TYPE_MAX_LENGTH",
                format!("Must be {max} or fewer in length."),
            );
        }
        items
    }

    /// Discord's 400/50035 answer for the errors collected, if any.
    pub(crate) fn into_result(self) -> Result<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        let response = json!({"message": "Invalid Form Body", "code": 50035, "errors": self.0});
        Err(Error::Discord(api_error::from_response(
            400,
            response.to_string().as_bytes(),
        )))
    }

    /// A string over `max` characters is refused; returns its length in characters.
    pub(crate) fn max_len(&mut self, path: &[&str], value: Option<&Value>, max: usize) -> usize {
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

/// Checks a Create Message or Edit Message body (as built by `convert::message_body`):
/// content length, up to 10 embeds and each embed's limits (the 6,000-character total counts
/// every embed of the message), up to 3 stickers, a nonce of at most 25 characters, and at most
/// 100 users and 100 roles in `allowed_mentions`.
///
/// # Errors
/// [`Error::Discord`] 400/50035 naming every field over its limit (gRPC `INVALID_ARGUMENT`).
pub fn check_create_message(body: &Value) -> Result<()> {
    let mut errors = FormErrors::default();
    check_message_fields(&mut errors, body);
    errors.into_result()
}

/// The checks of [`check_create_message`], recorded into `errors` (whose prefix, if any, is
/// put before every path).
pub(crate) fn check_message_fields(errors: &mut FormErrors, body: &Value) {
    errors.max_len(&["content"], body.get("content"), CONTENT_MAX);
    let embeds = errors.max_items(&["embeds"], body.get("embeds"), EMBEDS_MAX);
    let mut total = 0;
    for (index, embed) in embeds.iter().enumerate() {
        let index = index.to_string();
        total += check_embed(errors, &index, embed);
    }
    if total > EMBED_TOTAL_MAX {
        errors.add(
            &["embeds"],
            "MAX_EMBED_SIZE_EXCEEDED",
            format!("Embed size exceeds maximum size of {EMBED_TOTAL_MAX}"),
        );
    }
    errors.max_items(&["sticker_ids"], body.get("sticker_ids"), STICKERS_MAX);
    errors.max_len(&["nonce"], body.get("nonce"), NONCE_MAX);
    let mentions = body.get("allowed_mentions");
    for list in ["users", "roles"] {
        errors.max_items(
            &["allowed_mentions", list],
            mentions.and_then(|mentions| mentions.get(list)),
            MENTIONS_MAX,
        );
    }
}

/// Checks files to upload: at most [`FILES_MAX`], each with a non-empty filename without
/// control characters and a
/// description of at most [`FILE_DESCRIPTION_MAX`] characters (Discord's 400/50035), then at
/// most [`FILE_BYTES_MAX`] bytes each and [`UPLOAD_BYTES_MAX`] bytes together (Discord's
/// 413/40005 Request entity too large).
///
/// # Errors
/// [`Error::Discord`] 400/50035 naming `files` or `files[i]`, or 413/40005 whose text names
/// `files[i]` or `files` (both gRPC `INVALID_ARGUMENT`).
pub fn check_files(files: &[discordproxy_proto::File]) -> Result<()> {
    let mut errors = FormErrors::default();
    if files.len() > FILES_MAX {
        errors.add(
            &["files"],
            "BASE_TYPE_MAX_LENGTH",
            format!("Must be {FILES_MAX} or fewer in length."),
        );
    }
    for (index, file) in files.iter().enumerate() {
        let field = format!("files[{index}]");
        if file.filename.is_empty() {
            errors.add(
                &[&field, "filename"],
                "BASE_TYPE_REQUIRED",
                "This field is required".into(),
            );
        } else if file.filename.chars().any(char::is_control) {
            // A multipart header cannot carry them; the part's name and its attachments
            // entry would disagree.
            errors.add(
                &[&field, "filename"],
                "BASE_TYPE_INVALID",
                "Filename must not contain control characters (CR, LF, NUL, ...).".into(),
            );
        }
        if file.description.chars().count() > FILE_DESCRIPTION_MAX {
            errors.add(
                &[&field, "description"],
                "BASE_TYPE_MAX_LENGTH",
                format!("Must be {FILE_DESCRIPTION_MAX} or fewer in length."),
            );
        }
    }
    errors.into_result()?;
    if let Some((index, file)) = files
        .iter()
        .enumerate()
        .find(|(_, file)| file.data.len() > FILE_BYTES_MAX)
    {
        return Err(crate::discord::multipart::entity_too_large(format!(
            "files[{index}] has {} bytes, at most {FILE_BYTES_MAX} (10 MiB) per file",
            file.data.len()
        )));
    }
    let total: usize = files.iter().map(|file| file.data.len()).sum();
    if total > UPLOAD_BYTES_MAX {
        return Err(crate::discord::multipart::entity_too_large(format!(
            "the files have {total} bytes, at most {UPLOAD_BYTES_MAX} (25 MiB) per request"
        )));
    }
    Ok(())
}

/// Checks a built `multipart/form-data` body of `body_bytes` against Discord's request size
/// limit: see [`multipart::check_request_size`](crate::discord::multipart::check_request_size).
///
/// # Errors
/// [`Error::Discord`] 400/50035 naming `files` (gRPC `INVALID_ARGUMENT`).
pub fn check_request_size(body_bytes: usize) -> Result<()> {
    crate::discord::multipart::check_request_size(body_bytes)
}

/// Bytes the request layer may add to a body before sending it (a message create's `nonce`
/// of up to 25 characters and `enforce_nonce`), reserved by [`check_upload`].
const ADDED_FIELDS_BYTES: usize = 64;

/// [`check_request_size`] for the multipart request `body` (the JSON that becomes
/// `payload_json`; `None`: `{}`) with `files` will make, before any request (the RPCs call it
/// after [`check_files`]; the request layer checks the built body again).
///
/// # Errors
/// [`Error::Discord`] 400/50035 naming `files` (gRPC `INVALID_ARGUMENT`).
pub fn check_upload(body: Option<&Value>, files: &[crate::convert::file::FilePart]) -> Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    let payload = body.map_or(2, |body| body.to_string().len());
    check_request_size(crate::discord::multipart::encoded_len(
        payload + ADDED_FIELDS_BYTES,
        files,
    ))
}

/// Checks the `components` of a Create or Edit Message body (as built by
/// `convert::component`): without IS_COMPONENTS_V2 in `flags` at most [`ACTION_ROWS_MAX`]
/// action rows (top-level components must be action rows), at most [`ROW_BUTTONS_MAX`]
/// components per row; with it at most [`V2_COMPONENTS_MAX`] components in all and no
/// `content` or `embeds`; everywhere `custom_id` ≤ [`CUSTOM_ID_MAX`], button `label` ≤
/// [`BUTTON_LABEL_MAX`], string select `options` ≤ [`SELECT_OPTIONS_MAX`], and a `type`.
///
/// # Errors
/// [`Error::Discord`] 400/50035 naming each field (`components.0.components.5`, …).
pub fn check_components(body: &Value) -> Result<()> {
    check_components_at(&[], body)
}

/// [`check_components`] for a message nested in a body at `prefix` (a forum post's first
/// `message`): the errors name `message.components.…`.
///
/// # Errors
/// [`Error::Discord`] 400/50035 naming each field under `prefix`.
pub fn check_components_at(prefix: &[&str], body: &Value) -> Result<()> {
    let v2 = body
        .get("flags")
        .and_then(Value::as_i64)
        .is_some_and(|flags| flags & IS_COMPONENTS_V2 != 0);
    components_in(prefix, body, Some(v2))
}

/// [`check_components`] for an Edit Message body: unless its `flags` have IS_COMPONENTS_V2
/// the message's own flag is not known here (Discord never removes it from a message, so
/// `flags: 4` on a Components V2 message leaves it one), and only the rules that hold either
/// way are checked (lengths, row widths, options); Discord checks the rest.
///
/// # Errors
/// [`Error::Discord`] 400/50035 naming each field.
pub fn check_edit_components(body: &Value) -> Result<()> {
    let v2 = body
        .get("flags")
        .and_then(Value::as_i64)
        .filter(|flags| flags & IS_COMPONENTS_V2 != 0)
        .map(|_| true);
    components_in(&[], body, v2)
}

/// The component checks; `v2` `None`: not known whether IS_COMPONENTS_V2 applies; `prefix`
/// goes before every error path.
fn components_in(prefix: &[&str], body: &Value, v2: Option<bool>) -> Result<()> {
    let Some(components) = body.get("components").and_then(Value::as_array) else {
        return Ok(());
    };
    let mut errors = FormErrors::default();
    errors.set_prefix(prefix);
    if v2 == Some(true) {
        for key in ["content", "embeds"] {
            let used = match body.get(key) {
                Some(Value::String(text)) => !text.is_empty(),
                Some(Value::Array(items)) => !items.is_empty(),
                _ => false,
            };
            if used {
                errors.add(
                    &[key],
                    "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                    "The 'content' and 'embeds' fields cannot be used when using \
                     MessageFlags.IS_COMPONENTS_V2"
                        .into(),
                );
            }
        }
    } else if v2 == Some(false) && components.len() > ACTION_ROWS_MAX {
        errors.add(
            &["components"],
            "BASE_TYPE_MAX_LENGTH",
            format!("Must be {ACTION_ROWS_MAX} or fewer in length."),
        );
    }
    let mut total = 0;
    for (index, component) in components.iter().enumerate() {
        let path = vec!["components".to_owned(), index.to_string()];
        check_component(&mut errors, &path, component, v2 == Some(false), &mut total);
    }
    if v2 == Some(true) && total > V2_COMPONENTS_MAX {
        errors.add(
            &["components"],
            "COMPONENT_MAX_TOTAL_COMPONENTS_EXCEEDED",
            format!(
                "The specified component exceeds the maximum number of components \
                 ({V2_COMPONENTS_MAX})."
            ),
        );
    }
    errors.into_result()
}

/// One component at `path` (and its children); `row_only`: it must be an action row.
fn check_component(
    errors: &mut FormErrors,
    path: &[String],
    component: &Value,
    row_only: bool,
    total: &mut usize,
) {
    *total += 1;
    let at = |key: &str| {
        let mut path: Vec<&str> = path.iter().map(String::as_str).collect();
        path.push(key);
        path.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let add = |errors: &mut FormErrors, path: &[String], code: &str, message: String| {
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        errors.add(&path, code, message);
    };
    let kind = component.get("type").and_then(Value::as_i64).unwrap_or(0);
    if kind == 0 {
        add(
            errors,
            &at("type"),
            "BASE_TYPE_REQUIRED",
            "This field is required".into(),
        );
        return;
    }
    if row_only && kind != 1 {
        add(
            errors,
            &at("type"),
            "UNION_TYPE_CHOICES",
            "Value of field \"type\" must be one of (1,).".into(),
        );
        return;
    }
    let max_len = |errors: &mut FormErrors, key: &str, max: usize| {
        if component
            .get(key)
            .and_then(Value::as_str)
            .is_some_and(|text| text.chars().count() > max)
        {
            add(
                errors,
                &at(key),
                "BASE_TYPE_MAX_LENGTH",
                format!("Must be {max} or fewer in length."),
            );
        }
    };
    max_len(errors, "custom_id", CUSTOM_ID_MAX);
    if kind == 2 {
        max_len(errors, "label", BUTTON_LABEL_MAX);
    }
    if kind == 3
        && component
            .get("options")
            .and_then(Value::as_array)
            .is_some_and(|options| options.len() > SELECT_OPTIONS_MAX)
    {
        add(
            errors,
            &at("options"),
            "BASE_TYPE_MAX_LENGTH",
            format!("Must be {SELECT_OPTIONS_MAX} or fewer in length."),
        );
    }
    let children = component
        .get("components")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    if kind == 1 && children.len() > ROW_BUTTONS_MAX {
        add(
            errors,
            &at("components"),
            "BASE_TYPE_MAX_LENGTH",
            format!("Must be {ROW_BUTTONS_MAX} or fewer in length."),
        );
    }
    for (index, child) in children.iter().enumerate() {
        let mut path = at("components");
        path.push(index.to_string());
        check_component(errors, &path, child, false, total);
    }
    if let Some(accessory) = component.get("accessory") {
        check_component(errors, &at("accessory"), accessory, false, total);
    }
}

/// Checks Get Channel Messages' `limit` (1–100) as Discord checks its query.
///
/// # Errors
/// [`Error::Discord`] 400/50035 naming `limit` (gRPC `INVALID_ARGUMENT`).
pub fn check_message_page(limit: Option<i32>) -> Result<()> {
    check_limit(limit, PAGE_LIMIT)
}

/// Checks a page's `limit` query parameter against `range` (unset passes) as Discord checks
/// it: `NUMBER_TYPE_MIN` / `NUMBER_TYPE_MAX` on `limit`.
///
/// # Errors
/// [`Error::Discord`] 400/50035 naming `limit` (gRPC `INVALID_ARGUMENT`).
pub fn check_limit(limit: Option<i32>, range: std::ops::RangeInclusive<i32>) -> Result<()> {
    let mut errors = FormErrors::default();
    match limit {
        Some(limit) if limit < *range.start() => errors.add(
            &["limit"],
            "NUMBER_TYPE_MIN",
            format!(
                "int value should be greater than or equal to {}.",
                range.start()
            ),
        ),
        Some(limit) if limit > *range.end() => errors.add(
            &["limit"],
            "NUMBER_TYPE_MAX",
            format!("int value should be less than or equal to {}.", range.end()),
        ),
        _ => {}
    }
    errors.into_result()
}

/// Checks an integer query parameter `field` that Discord allows only the `choices` of, as
/// Discord checks it: `BASE_TYPE_CHOICES` (`Value must be one of {0, 1}.`).
///
/// # Errors
/// [`Error::Discord`] 400/50035 naming `field` (gRPC `INVALID_ARGUMENT`).
pub fn check_choice(field: &str, value: i32, choices: &[i32]) -> Result<()> {
    let mut errors = FormErrors::default();
    if !choices.contains(&value) {
        let list: Vec<String> = choices.iter().map(i32::to_string).collect();
        errors.add(
            &[field],
            "BASE_TYPE_CHOICES",
            format!("Value must be one of {{{}}}.", list.join(", ")),
        );
    }
    errors.into_result()
}

/// Checks Bulk Delete Messages' ids at `now_ms` (Unix milliseconds): 2–100 of them (400/50035
/// on `messages`), each once (400/50035 on `messages.N`, as Discord answers a repeated id),
/// and none created 14 days ago or earlier by its snowflake time (400/50034, Discord's own
/// code for it). Ids of 0 are the caller's to refuse first.
///
/// # Errors
/// [`Error::Discord`] 400/50035 or 400/50034 (gRPC `INVALID_ARGUMENT`).
pub fn check_bulk_delete(messages: &[u64], now_ms: u64) -> Result<()> {
    let mut errors = FormErrors::default();
    if messages.len() < *BULK_DELETE.start() {
        errors.add(
            &["messages"],
            "BASE_TYPE_MIN_LENGTH",
            format!("Must be {} or more in length.", BULK_DELETE.start()),
        );
    } else if messages.len() > *BULK_DELETE.end() {
        errors.add(
            &["messages"],
            "BASE_TYPE_MAX_LENGTH",
            format!("Must be {} or fewer in length.", BULK_DELETE.end()),
        );
    }
    let mut seen = std::collections::HashSet::with_capacity(messages.len());
    for (index, id) in messages.iter().enumerate() {
        if !seen.insert(id) {
            errors.add(
                &["messages", &index.to_string()],
                "SET_TYPE_ALREADY_CONTAINS_VALUE",
                "The set already contains this value".into(),
            );
        }
    }
    errors.into_result()?;
    let oldest_allowed = now_ms.saturating_sub(BULK_DELETE_MAX_AGE_MS);
    if messages
        .iter()
        .any(|id| snowflake_time_ms(*id) <= oldest_allowed)
    {
        let response = json!({
            "message": "You can only bulk delete messages that are under 14 days old",
            "code": BULK_DELETE_TOO_OLD,
        });
        return Err(Error::Discord(api_error::from_response(
            400,
            response.to_string().as_bytes(),
        )));
    }
    Ok(())
}

/// When a snowflake was made, in Unix milliseconds.
pub fn snowflake_time_ms(id: u64) -> u64 {
    (id >> 22) + DISCORD_EPOCH_MS
}

/// The current time in Unix milliseconds.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
        })
}

/// Checks one embed; returns its characters counting towards the message's 6,000 total.
fn check_embed(errors: &mut FormErrors, index: &str, embed: &Value) -> usize {
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
    total
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

    fn text_of(result: Result<()>) -> String {
        match result {
            Err(Error::Discord(error)) => {
                assert_eq!((error.status, error.code), (400, 50035));
                error.text
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_multipart_body_over_25_mib_is_refused_naming_files() {
        check_request_size(UPLOAD_BYTES_MAX).unwrap();
        match check_request_size(UPLOAD_BYTES_MAX + 1) {
            Err(Error::Discord(error)) => {
                assert_eq!((error.status, error.code), (413, 40005));
                assert!(
                    error
                        .text
                        .starts_with("Request entity too large: the request has")
                );
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn files_over_discords_limits_are_refused_naming_the_field() {
        let file = |size: usize, name: &str| discordproxy_proto::File {
            filename: name.into(),
            data: bytes::Bytes::from(vec![0; size]),
            ..Default::default()
        };
        assert!(check_files(&[file(FILE_BYTES_MAX, "a")]).is_ok());
        let too_large = |result: Result<()>| match result {
            Err(Error::Discord(error)) => {
                assert_eq!((error.status, error.code), (413, 40005));
                error.text
            }
            other => panic!("expected a refusal, got {other:?}"),
        };
        let text = too_large(check_files(&[file(1, "a"), file(FILE_BYTES_MAX + 1, "b")]));
        assert_eq!(
            text,
            "Request entity too large: files[1] has 10485761 bytes, at most 10485760 (10 MiB) \
             per file"
        );
        let text = text_of(check_files(&[file(1, "a"), file(1, "two\r\nlines.txt")]));
        assert_eq!(
            text,
            "Invalid Form Body\nIn files[1].filename: Filename must not contain control \
             characters (CR, LF, NUL, ...)."
        );
        let text = text_of(check_files(&[file(1, "")]));
        assert_eq!(
            text,
            "Invalid Form Body\nIn files[0].filename: This field is required"
        );
        let text = text_of(check_files(&vec![file(1, "a"); FILES_MAX + 1]));
        assert_eq!(
            text,
            "Invalid Form Body\nIn files: Must be 10 or fewer in length."
        );
        let text = too_large(check_files(&vec![file(9 << 20, "a"); 3]));
        assert!(
            text.starts_with("Request entity too large: the files have 28311552 bytes"),
            "{text}"
        );
    }

    #[test]
    fn components_over_discords_limits_are_refused_naming_the_field() {
        let button = json!({"type": 2, "style": 1, "custom_id": "c", "label": "l"});
        let row = |n: usize| json!({"type": 1, "components": vec![button.clone(); n]});
        assert!(check_components(&json!({"components": vec![row(5); 5]})).is_ok());
        let text = text_of(check_components(&json!({"components": vec![row(1); 6]})));
        assert_eq!(
            text,
            "Invalid Form Body\nIn components: Must be 5 or fewer in length."
        );
        let text = text_of(check_components(&json!({"components": [row(6)]})));
        assert_eq!(
            text,
            "Invalid Form Body\nIn components.0.components: Must be 5 or fewer in length."
        );
        let long = json!({"components": [{"type": 1, "components": [
            {"type": 2, "style": 1, "custom_id": "c".repeat(101), "label": "l".repeat(81)}]}]});
        let text = text_of(check_components(&long));
        assert!(
            text.contains("In components.0.components.0.custom_id: Must be 100 or fewer"),
            "{text}"
        );
        assert!(
            text.contains("In components.0.components.0.label: Must be 80 or fewer"),
            "{text}"
        );
        let text = text_of(check_components(
            &json!({"components": [{"type": 10, "content": "x"}]}),
        ));
        assert!(text.contains("In components.0.type"), "{text}");
        let v2 =
            json!({"flags": 32768, "content": "x", "components": [{"type": 10, "content": "x"}]});
        let text = text_of(check_components(&v2));
        assert!(text.contains("In content"), "{text}");
        assert!(
            check_components(
                &json!({"flags": 32768, "components": [{"type": 10, "content": "x"}]})
            )
            .is_ok()
        );
        // An edit without flags: the message may be a Components V2 one.
        let layout =
            json!({"components": [{"type": 17, "components": [{"type": 10, "content": "x"}]}]});
        assert!(check_edit_components(&layout).is_ok());
        assert!(check_components(&layout).is_err());
        // Flags without IS_COMPONENTS_V2 cannot turn a Components V2 message back: its
        // layout is still not refused (SUPPRESS_EMBEDS, or 0, on a V2 message).
        for flags in [0, 4] {
            let mut edit = layout.clone();
            edit["flags"] = json!(flags);
            assert!(check_edit_components(&edit).is_ok(), "{edit}");
        }
        assert!(check_edit_components(&json!({"components": [row(6)]})).is_err());
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

    #[test]
    fn counts_of_embeds_stickers_and_mentions_and_the_nonce_length() {
        let error = refused(json!({
            "embeds": vec![json!({"title": "t"}); EMBEDS_MAX + 1],
            "sticker_ids": ["1", "2", "3", "4"],
            "nonce": "n".repeat(NONCE_MAX + 1),
            "allowed_mentions": {"parse": [], "users": vec!["1"; MENTIONS_MAX + 1]},
        }));
        assert_eq!((error.status, error.code), (400, 50035));
        for line in [
            "In embeds: Must be 10 or fewer in length.",
            "In sticker_ids: Must be 3 or fewer in length.",
            "In nonce: Must be 25 or fewer in length.",
            "In allowed_mentions.users: Must be 100 or fewer in length.",
        ] {
            assert!(
                error.text.contains(line),
                "{line} missing in {}",
                error.text
            );
        }
        let at_the_limits = json!({
            "embeds": vec![json!({"title": "t"}); EMBEDS_MAX],
            "sticker_ids": ["1", "2", "3"],
            "nonce": "n".repeat(NONCE_MAX),
            "allowed_mentions": {"parse": [], "roles": vec!["1"; MENTIONS_MAX]},
        });
        assert!(check_create_message(&at_the_limits).is_ok());
    }

    #[test]
    fn the_6000_total_counts_every_embed_of_the_message() {
        let half = json!({"description": "d".repeat(DESCRIPTION_MAX)});
        let error = refused(json!({"embeds": [half.clone(), half]}));
        assert_eq!(
            error.text,
            "Invalid Form Body\nIn embeds: Embed size exceeds maximum size of 6000"
        );
    }

    #[test]
    fn edit_bodies_with_nulls_pass() {
        let cleared = json!({"content": null, "embeds": null, "attachments": null,
                             "flags": null, "allowed_mentions": null, "components": null});
        assert!(check_create_message(&cleared).is_ok());
    }

    #[test]
    fn page_limit_is_1_to_100_as_discord_answers() {
        for limit in [None, Some(1), Some(50), Some(100)] {
            assert!(check_message_page(limit).is_ok(), "{limit:?}");
        }
        let error = match check_message_page(Some(0)) {
            Err(Error::Discord(error)) => error,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            (error.status, error.code, error.text.as_str()),
            (
                400,
                50035,
                "Invalid Form Body\nIn limit: int value should be greater than or equal to 1."
            )
        );
        let error = match check_message_page(Some(101)) {
            Err(Error::Discord(error)) => error,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            error.text,
            "Invalid Form Body\nIn limit: int value should be less than or equal to 100."
        );
    }

    /// A snowflake made at `ms` (Unix milliseconds).
    fn made_at(ms: u64) -> u64 {
        (ms - DISCORD_EPOCH_MS) << 22
    }

    #[test]
    fn bulk_delete_counts() {
        let now = 1_790_000_000_000;
        let fresh = made_at(now - 1000);
        let error = match check_bulk_delete(&[fresh], now) {
            Err(Error::Discord(error)) => error,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            (error.status, error.code, error.text.as_str()),
            (
                400,
                50035,
                "Invalid Form Body\nIn messages: Must be 2 or more in length."
            )
        );
        let many: Vec<u64> = (0..101).map(|n| fresh + n).collect();
        let error = match check_bulk_delete(&many, now) {
            Err(Error::Discord(error)) => error,
            other => panic!("{other:?}"),
        };
        assert!(
            error
                .text
                .ends_with("In messages: Must be 100 or fewer in length.")
        );
        assert!(check_bulk_delete(&many[..100], now).is_ok());
        let error = match check_bulk_delete(&[fresh, fresh + 1, fresh, fresh + 1], now) {
            Err(Error::Discord(error)) => error,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            (error.code, error.text.as_str()),
            (
                50035,
                "Invalid Form Body\nIn messages.2: The set already contains this value\nIn messages.3: The set already contains this value"
            )
        );
        assert!(check_bulk_delete(&many[..2], now).is_ok());
    }

    #[test]
    fn bulk_delete_of_a_message_14_days_old_is_50034() {
        let now = 1_790_000_000_000;
        let just_under = made_at(now - BULK_DELETE_MAX_AGE_MS + 1);
        let exactly = made_at(now - BULK_DELETE_MAX_AGE_MS);
        assert_eq!(
            snowflake_time_ms(just_under),
            now - BULK_DELETE_MAX_AGE_MS + 1
        );
        assert!(check_bulk_delete(&[just_under, just_under + 1], now).is_ok());
        let error = match check_bulk_delete(&[just_under, exactly], now) {
            Err(Error::Discord(error)) => error,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            (error.status, error.code, error.text.as_str()),
            (
                400,
                50034,
                "You can only bulk delete messages that are under 14 days old"
            )
        );
    }

    #[test]
    fn now_is_after_discords_epoch() {
        assert!(now_ms() > DISCORD_EPOCH_MS);
    }
}
