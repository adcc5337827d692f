//! Validation of message bodies (`POST /channels/{id}/messages` here; edits and bulk deletes in
//! the submodules), with Discord's nested 50035 errors.
//!
//! Limits are those of Discord's docs
//! ([message create](https://discord.com/developers/docs/resources/message#create-message),
//! [embed limits](https://discord.com/developers/docs/resources/message#embed-object-embed-limits)):
//! content 2000 characters; 10 embeds; title 256, description 4096, 25 fields, field name 256,
//! field value 1024, footer text 2048, author name 256, and 6000 characters over all embeds.
//! Lengths count Unicode scalar values (characters), not bytes. Every failing field is reported
//! at once, nested by path, e.g. `{"embeds": {"0": {"fields": {"3": {"value": {"_errors": […]}}}}}}`.
//!
//! Submodules: [`reference`] (`message_reference` of a reply), [`stickers`] (`sticker_ids`),
//! [`components`] (the `id`s Discord gives components), [`edit`] (message edit bodies),
//! [`bulk_delete`] (bulk-delete bodies).

mod bulk_delete;
mod components;
mod edit;
mod reference;
mod stickers;

pub(crate) use bulk_delete::bulk_delete;
#[cfg(test)]
pub(crate) use edit::message_edit;
pub(crate) use edit::{MessageEdit, edit_touches_content, message_edit_of};
pub(crate) use reference::MessageReference;

use std::collections::HashSet;

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::{Iso8601, Rfc3339};

use crate::error::{ApiError, FormErrors};
use crate::snowflake::parse_snowflake;

/// Maximum message content length for bots.
pub(crate) const CONTENT_MAX: usize = 2000;
/// Maximum number of embeds in one message.
pub(crate) const EMBEDS_MAX: usize = 10;
/// Maximum embed title length.
pub(crate) const TITLE_MAX: usize = 256;
/// Maximum embed description length.
pub(crate) const DESCRIPTION_MAX: usize = 4096;
/// Maximum number of fields in one embed.
pub(crate) const FIELDS_MAX: usize = 25;
/// Maximum embed field name length.
pub(crate) const FIELD_NAME_MAX: usize = 256;
/// Maximum embed field value length.
pub(crate) const FIELD_VALUE_MAX: usize = 1024;
/// Maximum embed footer text length.
pub(crate) const FOOTER_TEXT_MAX: usize = 2048;
/// Maximum embed author name length.
pub(crate) const AUTHOR_NAME_MAX: usize = 256;
/// Maximum total characters of all embeds of a message.
pub(crate) const EMBED_TOTAL_MAX: usize = 6000;
/// Maximum nonce length.
pub(crate) const NONCE_MAX: usize = 25;
/// Largest embed color (0xFFFFFF).
pub(crate) const COLOR_MAX: i64 = 0xFF_FF_FF;
/// Message flag SUPPRESS_EMBEDS (1 << 2).
pub(crate) const SUPPRESS_EMBEDS: u64 = 1 << 2;
/// Message flag IS_COMPONENTS_V2 (1 << 15).
pub(crate) const IS_COMPONENTS_V2: u64 = 1 << 15;
/// Message flags a bot may set on create: SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS,
/// IS_VOICE_MESSAGE, IS_COMPONENTS_V2; any other bit is a 50035 error on `flags`.
const SETTABLE_FLAGS: u64 = SUPPRESS_EMBEDS | (1 << 12) | (1 << 13) | IS_COMPONENTS_V2;
/// Most users or roles `allowed_mentions` may list.
const ALLOWED_MENTIONS_IDS_MAX: usize = 100;

/// A validated message create request, normalized the way Discord echoes it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MessageCreate {
    /// `content`, `""` when absent.
    pub(crate) content: String,
    /// Embeds as Discord echoes them (`type: "rich"`, proxy URLs, `inline` filled).
    pub(crate) embeds: Vec<Value>,
    pub(crate) tts: bool,
    /// The nonce as sent.
    pub(crate) nonce: Option<Value>,
    /// Flags the bot may set.
    pub(crate) flags: u64,
    /// Components as sent, with the `id`s Discord fills in.
    pub(crate) components: Vec<Value>,
    /// `None`: no `allowed_mentions` (everything in the content pings, and a reply pings the
    /// author of the message it answers).
    pub(crate) allowed_mentions: Option<AllowedMentions>,
    /// `sticker_ids` (at most 3).
    pub(crate) sticker_ids: Vec<u64>,
    /// `message_reference`: the message this one replies to.
    pub(crate) reference: Option<MessageReference>,
}

/// The `allowed_mentions` object of a request.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct AllowedMentions {
    /// `parse`: any of `users`, `roles`, `everyone`.
    pub(crate) parse: HashSet<String>,
    /// Users that may be mentioned.
    pub(crate) users: HashSet<u64>,
    /// Roles that may be mentioned.
    pub(crate) roles: HashSet<u64>,
    /// `replied_user`: whether a reply pings the author of the message it answers (default
    /// false when `allowed_mentions` is sent).
    pub(crate) replied_user: bool,
}

impl AllowedMentions {
    /// Whether `@everyone`/`@here` may ping.
    pub(crate) fn everyone(&self) -> bool {
        self.parse.contains("everyone")
    }

    /// Whether user `id` may be pinged.
    pub(crate) fn user(&self, id: u64) -> bool {
        self.parse.contains("users") || self.users.contains(&id)
    }

    /// Whether role `id` may be pinged.
    pub(crate) fn role(&self, id: u64) -> bool {
        self.parse.contains("roles") || self.roles.contains(&id)
    }
}

/// Validates a message create body (`None`: no body).
///
/// # Errors
///
/// [`ApiError::InvalidFormBody`] (50035) listing every invalid field, else
/// [`ApiError::EmptyMessage`] (50006) when there is nothing to send.
pub(crate) fn message_create(body: Option<&Value>) -> Result<MessageCreate, ApiError> {
    let empty = Map::new();
    let body = match body {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(body)) => body,
        Some(_) => {
            return Err(ApiError::form(
                &[],
                "DICT_TYPE_CONVERT",
                "Only dictionaries may be used in a DictType",
            ));
        }
    };
    let mut check = Checker::default();

    let content = match body.get("content") {
        None => String::new(),
        Some(value) => {
            let content = check.string(&["content"], value).unwrap_or_default();
            check.max_len(&["content"], &content, CONTENT_MAX);
            content
        }
    };

    // `embeds` wins; the legacy single `embed` object is used when `embeds` is absent.
    let embeds = match (body.get("embeds"), body.get("embed")) {
        (Some(embeds), _) if !embeds.is_null() => check.embeds(embeds),
        (_, Some(embed)) if !embed.is_null() => {
            let mut total = 0;
            let embed = check.embed(&["embed".into()], embed, &mut total);
            if total > EMBED_TOTAL_MAX {
                check.embed_too_big("embed");
            }
            embed.into_iter().collect()
        }
        _ => Vec::new(),
    };

    let tts = match body.get("tts") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(tts)) => *tts,
        Some(_) => {
            check.error(
                &["tts"],
                "BASE_TYPE_BOOLEAN",
                "Must be either true or false.",
            );
            false
        }
    };

    let nonce = match body.get("nonce") {
        None | Some(Value::Null) => None,
        Some(Value::String(nonce)) => {
            if nonce.chars().count() > NONCE_MAX {
                check.error(
                    &["nonce"],
                    "NONCE_TYPE_TOO_LONG",
                    format!("Must be {NONCE_MAX} or fewer characters long."),
                );
            }
            Some(Value::String(nonce.clone()))
        }
        Some(Value::Number(number)) if number.is_i64() || number.is_u64() => {
            Some(Value::Number(number.clone()))
        }
        Some(_) => {
            check.error(
                &["nonce"],
                "NONCE_TYPE_INVALID_TYPE",
                "This field must be a string or integer.",
            );
            None
        }
    };

    let flags = match body.get("flags") {
        None | Some(Value::Null) => 0,
        Some(value) => match value.as_u64() {
            Some(flags) if flags & !SETTABLE_FLAGS == 0 => flags,
            Some(_) => {
                check.error(
                    &["flags"],
                    "MESSAGE_FLAGS_INVALID",
                    "Only SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS, IS_VOICE_MESSAGE and \
                     IS_COMPONENTS_V2 can be set.",
                );
                0
            }
            None => {
                check.not_int(&["flags"], value);
                0
            }
        },
    };

    let allowed_mentions = match body.get("allowed_mentions") {
        None | Some(Value::Null) => None,
        Some(value) => Some(check.allowed_mentions(value)),
    };

    let mut components = check.list_of_anything(body, "components");
    let v2 = flags & IS_COMPONENTS_V2 != 0;
    components::check(&mut check, &components, v2);
    if v2 && (!content.is_empty() || !embeds.is_empty()) {
        let key = if content.is_empty() {
            "embeds"
        } else {
            "content"
        };
        check.error(
            &[key],
            "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
            "The 'content' and 'embeds' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2",
        );
    }
    components::fill_ids(&mut components);
    let sticker_ids = check.sticker_ids(body);
    let attachments = check.list_of_anything(body, "attachments");
    let reference = check.message_reference(body);

    check.errors.into_result()?;

    let has_content = !content.trim().is_empty();
    if !has_content
        && embeds.is_empty()
        && components.is_empty()
        && sticker_ids.is_empty()
        && attachments.is_empty()
    {
        return Err(ApiError::EmptyMessage);
    }
    Ok(MessageCreate {
        content,
        embeds,
        tts,
        nonce,
        flags,
        components,
        allowed_mentions,
        sticker_ids,
        reference,
    })
}

/// Collects form errors while normalizing.
#[derive(Default)]
struct Checker {
    errors: FormErrors,
}

/// A path of owned segments.
type Path = Vec<String>;

/// Appends `key` to `path`.
fn at(path: &[String], key: impl ToString) -> Path {
    let mut path = path.to_vec();
    path.push(key.to_string());
    path
}

/// Number of characters (Unicode scalar values) of `text`.
fn chars(text: &str) -> usize {
    text.chars().count()
}

impl Checker {
    /// Records an error at `path`.
    fn error<S: AsRef<str>>(&mut self, path: &[S], code: &str, message: impl Into<String>) {
        self.errors.add(
            path.iter().map(|segment| segment.as_ref().to_owned()),
            code,
            message,
        );
    }

    /// A string field; numbers are coerced like Discord does. `None` for null or a wrong type.
    fn string<S: AsRef<str>>(&mut self, path: &[S], value: &Value) -> Option<String> {
        match value {
            Value::Null => None,
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            other => {
                self.error(
                    path,
                    "STRING_TYPE_CONVERT",
                    format!("Could not interpret \"{other}\" as string."),
                );
                None
            }
        }
    }

    /// Checks a maximum length in characters.
    fn max_len<S: AsRef<str>>(&mut self, path: &[S], text: &str, max: usize) {
        if chars(text) > max {
            self.error(
                path,
                "BASE_TYPE_MAX_LENGTH",
                format!("Must be {max} or fewer in length."),
            );
        }
    }

    /// Records that a number was expected.
    fn not_int<S: AsRef<str>>(&mut self, path: &[S], value: &Value) {
        let shown = match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        self.error(
            path,
            "NUMBER_TYPE_COERCE",
            format!("Value \"{shown}\" is not int."),
        );
    }

    /// An object field, or an error.
    fn object<'v>(&mut self, path: &[String], value: &'v Value) -> Option<&'v Map<String, Value>> {
        match value {
            Value::Object(object) => Some(object),
            _ => {
                self.error(
                    path,
                    "MODEL_TYPE_CONVERT",
                    "Only dictionaries may be used in a ModelType",
                );
                None
            }
        }
    }

    /// An array field, or an error.
    fn list<'v>(&mut self, path: &[String], value: &'v Value) -> Option<&'v Vec<Value>> {
        match value {
            Value::Array(items) => Some(items),
            _ => {
                self.error(
                    path,
                    "LIST_TYPE_CONVERT",
                    "Only iterables may be used in a ListType",
                );
                None
            }
        }
    }

    /// An optional array whose items are kept as sent.
    fn list_of_anything(&mut self, body: &Map<String, Value>, key: &str) -> Vec<Value> {
        match body.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(value) => self
                .list(&[key.to_owned()], value)
                .cloned()
                .unwrap_or_default(),
        }
    }

    /// A required, non-empty string with a maximum length (embed field name and value).
    fn required_text(
        &mut self,
        path: &[String],
        value: Option<&Value>,
        max: usize,
    ) -> Option<String> {
        let text = value.and_then(|value| self.string(path, value));
        match text {
            Some(text) if !text.is_empty() => {
                self.max_len(path, &text, max);
                Some(text)
            }
            _ => {
                if !matches!(
                    value,
                    Some(Value::Array(_) | Value::Object(_) | Value::Bool(_))
                ) {
                    self.error(path, "BASE_TYPE_REQUIRED", "This field is required");
                }
                None
            }
        }
    }

    /// An optional string with a maximum length; counted into `total`.
    fn text(
        &mut self,
        object: &Map<String, Value>,
        path: &[String],
        key: &str,
        max: usize,
        total: &mut usize,
    ) -> Option<String> {
        let path = at(path, key);
        let text = self.string(&path, object.get(key)?)?;
        self.max_len(&path, &text, max);
        *total += chars(&text);
        Some(text)
    }

    /// An optional URL (`attachment://` allowed for images and icons).
    fn url(
        &mut self,
        object: &Map<String, Value>,
        path: &[String],
        key: &str,
        attachment: bool,
    ) -> Option<String> {
        let path = at(path, key);
        let url = self.string(&path, object.get(key)?)?;
        if !well_formed_url(&url, attachment) {
            self.error(&path, "URL_TYPE_INVALID_URL", "Not a well formed URL.");
        }
        Some(url)
    }

    /// The `embeds` array.
    fn embeds(&mut self, value: &Value) -> Vec<Value> {
        let path = vec!["embeds".to_owned()];
        let Some(items) = self.list(&path, value) else {
            return Vec::new();
        };
        if items.len() > EMBEDS_MAX {
            self.error(
                &path,
                "BASE_TYPE_MAX_LENGTH",
                format!("Must be {EMBEDS_MAX} or fewer in length."),
            );
            return Vec::new();
        }
        let mut total = 0;
        let embeds = items
            .iter()
            .enumerate()
            .filter_map(|(index, embed)| self.embed(&at(&path, index), embed, &mut total))
            .collect();
        if total > EMBED_TOTAL_MAX {
            self.embed_too_big("embeds");
        }
        embeds
    }

    /// The 6000-characters-in-total error, at `embeds` (or `embed`).
    fn embed_too_big(&mut self, key: &str) {
        self.error(
            &[key],
            "MAX_EMBED_SIZE_EXCEEDED",
            format!("Embed size exceeds maximum size of {EMBED_TOTAL_MAX}"),
        );
    }

    /// One embed, normalized as Discord echoes it; `None` when it is empty or invalid.
    fn embed(&mut self, path: &[String], value: &Value, total: &mut usize) -> Option<Value> {
        let embed = self.object(path, value)?;
        let mut out = Map::new();
        out.insert("type".into(), Value::String("rich".into()));
        if let Some(url) = self.url(embed, path, "url", false) {
            out.insert("url".into(), url.into());
        }
        if let Some(title) = self.text(embed, path, "title", TITLE_MAX, total) {
            out.insert("title".into(), title.into());
        }
        if let Some(description) = self.text(embed, path, "description", DESCRIPTION_MAX, total) {
            out.insert("description".into(), description.into());
        }
        if let Some(color) = embed.get("color").filter(|value| !value.is_null()) {
            let color_path = at(path, "color");
            match color.as_i64() {
                Some(color) if color < 0 => self.error(
                    &color_path,
                    "NUMBER_TYPE_MIN",
                    "int value should be greater than or equal to 0.",
                ),
                Some(color) if color > COLOR_MAX => self.error(
                    &color_path,
                    "NUMBER_TYPE_MAX",
                    format!("int value should be less than or equal to {COLOR_MAX}."),
                ),
                Some(color) => {
                    out.insert("color".into(), color.into());
                }
                None => self.not_int(&color_path, color),
            }
        }
        if let Some(timestamp) = embed.get("timestamp").filter(|value| !value.is_null()) {
            let timestamp_path = at(path, "timestamp");
            let parsed = timestamp.as_str().and_then(parse_iso8601);
            match parsed {
                Some(time) => {
                    out.insert("timestamp".into(), python_isoformat(time).into());
                }
                None => {
                    let shown = timestamp
                        .as_str()
                        .map_or_else(|| timestamp.to_string(), str::to_owned);
                    self.error(
                        &timestamp_path,
                        "DATE_TIME_TYPE_PARSE",
                        format!("Could not parse {shown}. Should be ISO8601."),
                    );
                }
            }
        }
        if let Some(fields) = embed.get("fields").filter(|value| !value.is_null()) {
            let fields_path = at(path, "fields");
            if let Some(items) = self.list(&fields_path, fields) {
                if items.len() > FIELDS_MAX {
                    self.error(
                        &fields_path,
                        "BASE_TYPE_MAX_LENGTH",
                        format!("Must be {FIELDS_MAX} or fewer in length."),
                    );
                }
                let mut out_fields = Vec::new();
                for (index, field) in items.iter().enumerate() {
                    if let Some(field) = self.field(&at(&fields_path, index), field, total) {
                        out_fields.push(field);
                    }
                }
                if !items.is_empty() {
                    out.insert("fields".into(), Value::Array(out_fields));
                }
            }
        }
        if let Some(author) = embed.get("author").filter(|value| !value.is_null()) {
            let author_path = at(path, "author");
            if let Some(author) = self.object(&author_path, author) {
                let mut out_author = Map::new();
                let name = self.required_text(
                    &at(&author_path, "name"),
                    author.get("name"),
                    AUTHOR_NAME_MAX,
                );
                if let Some(name) = name {
                    *total += chars(&name);
                    out_author.insert("name".into(), name.into());
                }
                if let Some(url) = self.url(author, &author_path, "url", false) {
                    out_author.insert("url".into(), url.into());
                }
                if let Some(icon) = self.url(author, &author_path, "icon_url", true) {
                    out_author.insert("proxy_icon_url".into(), proxy_url(&icon).into());
                    out_author.insert("icon_url".into(), icon.into());
                }
                out.insert("author".into(), Value::Object(out_author));
            }
        }
        if let Some(footer) = embed.get("footer").filter(|value| !value.is_null()) {
            let footer_path = at(path, "footer");
            if let Some(footer) = self.object(&footer_path, footer) {
                let mut out_footer = Map::new();
                let text = self.required_text(
                    &at(&footer_path, "text"),
                    footer.get("text"),
                    FOOTER_TEXT_MAX,
                );
                if let Some(text) = text {
                    *total += chars(&text);
                    out_footer.insert("text".into(), text.into());
                }
                if let Some(icon) = self.url(footer, &footer_path, "icon_url", true) {
                    out_footer.insert("proxy_icon_url".into(), proxy_url(&icon).into());
                    out_footer.insert("icon_url".into(), icon.into());
                }
                out.insert("footer".into(), Value::Object(out_footer));
            }
        }
        for key in ["image", "thumbnail"] {
            if let Some(media) = embed.get(key).filter(|value| !value.is_null()) {
                let media_path = at(path, key);
                if let Some(media) = self.object(&media_path, media) {
                    match self.url(media, &media_path, "url", true) {
                        Some(url) => {
                            let proxy = proxy_url(&url);
                            out.insert(
                                key.into(),
                                serde_json::json!({"url": url, "proxy_url": proxy}),
                            );
                        }
                        None => self.error(
                            &at(&media_path, "url"),
                            "BASE_TYPE_REQUIRED",
                            "This field is required",
                        ),
                    }
                }
            }
        }
        // `video` and `provider` cannot be set by bots: Discord drops them.
        (out.len() > 1).then_some(Value::Object(out))
    }

    /// One embed field.
    fn field(&mut self, path: &[String], value: &Value, total: &mut usize) -> Option<Value> {
        let field = self.object(path, value)?;
        let name = self.required_text(&at(path, "name"), field.get("name"), FIELD_NAME_MAX);
        let value = self.required_text(&at(path, "value"), field.get("value"), FIELD_VALUE_MAX);
        let inline = match field.get("inline") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(inline)) => *inline,
            Some(_) => {
                self.error(
                    &at(path, "inline"),
                    "BASE_TYPE_BOOLEAN",
                    "Must be either true or false.",
                );
                false
            }
        };
        let (name, value) = (name?, value?);
        *total += chars(&name) + chars(&value);
        Some(serde_json::json!({"name": name, "value": value, "inline": inline}))
    }

    /// The `allowed_mentions` object.
    fn allowed_mentions(&mut self, value: &Value) -> AllowedMentions {
        let path = vec!["allowed_mentions".to_owned()];
        let mut allowed = AllowedMentions::default();
        let Some(object) = self.object(&path, value) else {
            return allowed;
        };
        if let Some(parse) = object.get("parse").filter(|value| !value.is_null()) {
            let parse_path = at(&path, "parse");
            if let Some(items) = self.list(&parse_path, parse) {
                for (index, item) in items.iter().enumerate() {
                    match item.as_str() {
                        Some(kind @ ("users" | "roles" | "everyone")) => {
                            allowed.parse.insert(kind.to_owned());
                        }
                        _ => self.error(
                            &at(&parse_path, index),
                            "BASE_TYPE_CHOICES",
                            "Value must be one of {'everyone', 'roles', 'users'}.",
                        ),
                    }
                }
            }
        }
        for kind in ["users", "roles"] {
            let Some(ids) = object.get(kind).filter(|value| !value.is_null()) else {
                continue;
            };
            let ids_path = at(&path, kind);
            let Some(items) = self.list(&ids_path, ids) else {
                continue;
            };
            if items.len() > ALLOWED_MENTIONS_IDS_MAX {
                self.error(
                    &ids_path,
                    "BASE_TYPE_MAX_LENGTH",
                    format!("Must be {ALLOWED_MENTIONS_IDS_MAX} or fewer in length."),
                );
            }
            if allowed.parse.contains(kind) && !items.is_empty() {
                self.error(
                    &ids_path,
                    "SET_TYPE_ALREADY_CONTAINS_VALUE",
                    format!("parse:[\"{kind}\"] and {kind}: [ids] are mutually exclusive."),
                );
            }
            for (index, item) in items.iter().enumerate() {
                match parse_snowflake(item) {
                    Some(id) if kind == "users" => {
                        allowed.users.insert(id);
                    }
                    Some(id) => {
                        allowed.roles.insert(id);
                    }
                    None => {
                        let shown = item
                            .as_str()
                            .map_or_else(|| item.to_string(), str::to_owned);
                        self.error(
                            &at(&ids_path, index),
                            "NUMBER_TYPE_COERCE",
                            format!("Value \"{shown}\" is not snowflake."),
                        );
                    }
                }
            }
        }
        match object.get("replied_user") {
            None | Some(Value::Null) => {}
            Some(Value::Bool(replied_user)) => allowed.replied_user = *replied_user,
            Some(_) => self.error(
                &at(&path, "replied_user"),
                "BASE_TYPE_BOOLEAN",
                "Must be either true or false.",
            ),
        }
        allowed
    }
}

/// Whether `url` is an absolute http(s) URL with a host (or `attachment://…` when allowed).
fn well_formed_url(url: &str, attachment: bool) -> bool {
    if url.chars().any(char::is_whitespace) {
        return false;
    }
    let rest = if let Some(rest) = url.strip_prefix("https://") {
        rest
    } else if let Some(rest) = url.strip_prefix("http://") {
        rest
    } else if let Some(rest) = url.strip_prefix("attachment://").filter(|_| attachment) {
        rest
    } else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    !host.is_empty()
}

/// The media-proxy URL Discord derives from an external image URL.
pub(crate) fn proxy_url(url: &str) -> String {
    use std::hash::{Hash, Hasher};
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    if scheme == "attachment" {
        return url.to_owned();
    }
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    url.hash(&mut hasher);
    format!(
        "https://images-ext-1.discordapp.net/external/{:016x}/{scheme}/{rest}",
        hasher.finish()
    )
}

/// Parses an ISO-8601 timestamp (an offset is optional; without one it is UTC).
fn parse_iso8601(text: &str) -> Option<OffsetDateTime> {
    if let Ok(time) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(time);
    }
    if let Ok(time) = OffsetDateTime::parse(text, &Iso8601::DEFAULT) {
        return Some(time);
    }
    time::PrimitiveDateTime::parse(text, &Iso8601::DEFAULT)
        .ok()
        .map(time::PrimitiveDateTime::assume_utc)
}

/// Formats like Python's `datetime.isoformat()` in UTC, as Discord echoes embed timestamps:
/// microseconds only when non-zero, offset `+00:00`.
fn python_isoformat(time: OffsetDateTime) -> String {
    let time = time.to_offset(time::UtcOffset::UTC);
    let base = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        time.year(),
        u8::from(time.month()),
        time.day(),
        time.hour(),
        time.minute(),
        time.second()
    );
    match time.microsecond() {
        0 => format!("{base}+00:00"),
        micros => format!("{base}.{micros:06}+00:00"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The `errors` object of a 50035, or a panic.
    fn form_errors(body: Value) -> Value {
        match message_create(Some(&body)) {
            Err(error @ ApiError::InvalidFormBody(_)) => error.body()["errors"].clone(),
            other => panic!("expected 50035 for {body}, got {other:?}"),
        }
    }

    fn required() -> Value {
        json!({"_errors": [{"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}]})
    }

    fn max_length(max: usize) -> Value {
        json!({"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": format!("Must be {max} or fewer in length.")}]})
    }

    fn ok(body: Value) -> MessageCreate {
        message_create(Some(&body)).unwrap_or_else(|error| panic!("{body}: {error:?}"))
    }

    #[test]
    fn content_limit_counts_characters_not_bytes() {
        // 2000 four-byte characters are fine.
        let content = "😀".repeat(CONTENT_MAX);
        assert_eq!(
            ok(json!({ "content": content })).content.chars().count(),
            2000
        );
        let errors = form_errors(json!({"content": "a".repeat(CONTENT_MAX + 1)}));
        assert_eq!(errors, json!({"content": max_length(2000)}));
    }

    #[test]
    fn empty_messages_are_50006() {
        for body in [
            json!({}),
            json!({"content": ""}),
            json!({"content": "   "}),
            json!({"embeds": []}),
            json!({"content": null, "embeds": null}),
            json!({"embeds": [{}]}),
            json!({"tts": true}),
        ] {
            assert_eq!(
                message_create(Some(&body)),
                Err(ApiError::EmptyMessage),
                "{body}"
            );
        }
        assert_eq!(message_create(None), Err(ApiError::EmptyMessage));
    }

    #[test]
    fn body_must_be_an_object() {
        let errors = form_errors(json!([1, 2]));
        assert_eq!(errors["_errors"][0]["code"], json!("DICT_TYPE_CONVERT"));
    }

    #[test]
    fn too_many_embeds() {
        let embeds: Vec<Value> = (0..11).map(|i| json!({"title": i.to_string()})).collect();
        assert_eq!(
            form_errors(json!({ "embeds": embeds })),
            json!({"embeds": max_length(10)})
        );
        let embeds: Vec<Value> = (0..10).map(|i| json!({"title": i.to_string()})).collect();
        assert_eq!(ok(json!({ "embeds": embeds })).embeds.len(), 10);
    }

    #[test]
    fn embed_text_limits() {
        let cases = [("title", TITLE_MAX), ("description", DESCRIPTION_MAX)];
        for (key, max) in cases {
            let fine = json!({"embeds": [{ key: "x".repeat(max) }]});
            ok(fine);
            let errors = form_errors(json!({"embeds": [{ key: "x".repeat(max + 1) }]}));
            assert_eq!(errors, json!({"embeds": {"0": { key: max_length(max) }}}));
        }
        let errors =
            form_errors(json!({"embeds": [{"footer": {"text": "x".repeat(FOOTER_TEXT_MAX + 1)}}]}));
        assert_eq!(
            errors,
            json!({"embeds": {"0": {"footer": {"text": max_length(2048)}}}})
        );
        ok(json!({"embeds": [{"footer": {"text": "x".repeat(FOOTER_TEXT_MAX)}}]}));
        let errors =
            form_errors(json!({"embeds": [{"author": {"name": "x".repeat(AUTHOR_NAME_MAX + 1)}}]}));
        assert_eq!(
            errors,
            json!({"embeds": {"0": {"author": {"name": max_length(256)}}}})
        );
        ok(json!({"embeds": [{"author": {"name": "x".repeat(AUTHOR_NAME_MAX)}}]}));
    }

    #[test]
    fn field_limits() {
        let fields: Vec<Value> = (0..26)
            .map(|i| json!({"name": i.to_string(), "value": "v"}))
            .collect();
        let errors = form_errors(json!({"embeds": [{ "fields": fields }]}));
        assert_eq!(errors, json!({"embeds": {"0": {"fields": max_length(25)}}}));
        let fields: Vec<Value> = (0..25)
            .map(|i| json!({"name": i.to_string(), "value": "v"}))
            .collect();
        ok(json!({"embeds": [{ "fields": fields }]}));

        let errors = form_errors(json!({"embeds": [{"fields": [
            {"name": "x".repeat(FIELD_NAME_MAX + 1), "value": "v"},
            {"name": "n", "value": "x".repeat(FIELD_VALUE_MAX + 1)},
        ]}]}));
        assert_eq!(
            errors,
            json!({"embeds": {"0": {"fields": {
                "0": {"name": max_length(256)},
                "1": {"value": max_length(1024)},
            }}}})
        );
        ok(json!({"embeds": [{"fields": [{"name": "x".repeat(256), "value": "y".repeat(1024)}]}]}));
    }

    #[test]
    fn empty_or_missing_field_name_and_value_are_required() {
        let errors = form_errors(json!({"embeds": [{"fields": [
            {"name": "a", "value": "1"}, {"name": "b", "value": "2"},
            {"name": "c", "value": "3"}, {"name": "d", "value": ""},
            {"value": "5"}, {"name": "", "value": null},
        ]}]}));
        assert_eq!(
            errors,
            json!({"embeds": {"0": {"fields": {
                "3": {"value": required()},
                "4": {"name": required()},
                "5": {"name": required(), "value": required()},
            }}}})
        );
    }

    #[test]
    fn embed_total_is_6000_across_all_embeds() {
        // Two embeds of 3000 + 3001 characters, each within its own limits.
        let embed = |n: usize| json!({"description": "x".repeat(n)});
        let errors = form_errors(json!({"embeds": [embed(3000), embed(3001)]}));
        assert_eq!(
            errors,
            json!({"embeds": {"_errors": [{"code": "MAX_EMBED_SIZE_EXCEEDED", "message": "Embed size exceeds maximum size of 6000"}]}})
        );
        ok(json!({"embeds": [embed(3000), embed(3000)]}));
        // Field names and values, footer and author count too.
        let big = json!({"embeds": [{
            "title": "t".repeat(256), "description": "d".repeat(4096),
            "footer": {"text": "f".repeat(1000)}, "author": {"name": "a".repeat(256)},
            "fields": [{"name": "n".repeat(200), "value": "v".repeat(193)}],
        }]});
        // 256 + 4096 + 1000 + 256 + 200 + 193 = 6001
        assert_eq!(
            form_errors(big)["embeds"]["_errors"][0]["code"],
            json!("MAX_EMBED_SIZE_EXCEEDED")
        );
    }

    #[test]
    fn legacy_embed_object_is_accepted_and_errors_nest_under_embed() {
        let message = ok(json!({"embed": {"title": "hi"}}));
        assert_eq!(message.embeds, vec![json!({"type": "rich", "title": "hi"})]);
        let errors = form_errors(json!({"embed": {"title": "x".repeat(257)}}));
        assert_eq!(errors, json!({"embed": {"title": max_length(256)}}));
    }

    #[test]
    fn urls_must_be_well_formed() {
        let errors = form_errors(json!({"embeds": [{"title": "t", "url": "not a url"}]}));
        assert_eq!(
            errors,
            json!({"embeds": {"0": {"url": {"_errors": [{"code": "URL_TYPE_INVALID_URL", "message": "Not a well formed URL."}]}}}})
        );
        let errors = form_errors(json!({"embeds": [{"image": {"url": "ftp://x"}}]}));
        assert_eq!(
            errors["embeds"]["0"]["image"]["url"]["_errors"][0]["code"],
            json!("URL_TYPE_INVALID_URL")
        );
        ok(json!({"embeds": [{"image": {"url": "attachment://a.png"}}]}));
        let errors = form_errors(json!({"embeds": [{"image": {}}]}));
        assert_eq!(
            errors,
            json!({"embeds": {"0": {"image": {"url": required()}}}})
        );
    }

    #[test]
    fn color_and_timestamp_are_checked() {
        let errors = form_errors(json!({"embeds": [{"title": "t", "color": 16777216}]}));
        assert_eq!(
            errors["embeds"]["0"]["color"]["_errors"][0]["code"],
            json!("NUMBER_TYPE_MAX")
        );
        let errors = form_errors(json!({"embeds": [{"title": "t", "color": "red"}]}));
        assert_eq!(
            errors["embeds"]["0"]["color"]["_errors"][0]["code"],
            json!("NUMBER_TYPE_COERCE")
        );
        let errors = form_errors(json!({"embeds": [{"title": "t", "timestamp": "yesterday"}]}));
        assert_eq!(
            errors["embeds"]["0"]["timestamp"]["_errors"][0]["message"],
            json!("Could not parse yesterday. Should be ISO8601.")
        );
    }

    #[test]
    fn string_fields_reject_objects() {
        let errors = form_errors(json!({"content": {"a": 1}}));
        assert_eq!(
            errors["content"]["_errors"][0]["code"],
            json!("STRING_TYPE_CONVERT")
        );
        assert_eq!(ok(json!({"content": 42})).content, "42");
    }

    #[test]
    fn nonce_rules() {
        let errors = form_errors(json!({"content": "x", "nonce": "n".repeat(26)}));
        assert_eq!(
            errors["nonce"]["_errors"][0]["code"],
            json!("NONCE_TYPE_TOO_LONG")
        );
        let errors = form_errors(json!({"content": "x", "nonce": [1]}));
        assert_eq!(
            errors["nonce"]["_errors"][0]["code"],
            json!("NONCE_TYPE_INVALID_TYPE")
        );
        assert_eq!(
            ok(json!({"content": "x", "nonce": "abc"})).nonce,
            Some(json!("abc"))
        );
        assert_eq!(
            ok(json!({"content": "x", "nonce": 123})).nonce,
            Some(json!(123))
        );
    }

    #[test]
    fn allowed_mentions_are_parsed_and_checked() {
        let message =
            ok(json!({"content": "x", "allowed_mentions": {"parse": ["users"], "roles": ["5"]}}));
        let allowed = message.allowed_mentions.unwrap();
        assert!(allowed.user(1) && allowed.role(5) && !allowed.role(6) && !allowed.everyone());
        let errors = form_errors(
            json!({"content": "x", "allowed_mentions": {"parse": ["users"], "users": ["1"]}}),
        );
        assert_eq!(
            errors["allowed_mentions"]["users"]["_errors"][0]["code"],
            json!("SET_TYPE_ALREADY_CONTAINS_VALUE")
        );
        let errors = form_errors(json!({"content": "x", "allowed_mentions": {"parse": ["all"]}}));
        assert_eq!(
            errors["allowed_mentions"]["parse"]["0"]["_errors"][0]["code"],
            json!("BASE_TYPE_CHOICES")
        );
    }

    #[test]
    fn embeds_are_echoed_like_discord() {
        let message = ok(json!({"embeds": [{
            "title": "T", "url": "https://example.com/x", "description": "D", "color": 3447003,
            "timestamp": "2024-05-01T12:34:56.789Z",
            "author": {"name": "A", "icon_url": "https://example.com/a.png"},
            "footer": {"text": "F", "icon_url": "https://example.com/f.png"},
            "fields": [{"name": "n", "value": "v"}, {"name": "n2", "value": "v2", "inline": true}],
            "thumbnail": {"url": "https://example.com/t.png"},
            "provider": {"name": "ignored"},
        }]}));
        let embed = &message.embeds[0];
        assert_eq!(embed["type"], json!("rich"));
        assert_eq!(
            embed["timestamp"],
            json!("2024-05-01T12:34:56.789000+00:00")
        );
        assert_eq!(embed["fields"][0]["inline"], json!(false));
        assert_eq!(embed["fields"][1]["inline"], json!(true));
        assert_eq!(
            embed["author"]["icon_url"],
            json!("https://example.com/a.png")
        );
        let proxy = embed["author"]["proxy_icon_url"].as_str().unwrap();
        assert!(
            proxy.starts_with("https://images-ext-1.discordapp.net/external/")
                && proxy.ends_with("/https/example.com/a.png"),
            "{proxy}"
        );
        assert!(embed["footer"]["proxy_icon_url"].is_string());
        assert!(embed["thumbnail"]["proxy_url"].is_string());
        assert!(embed.get("provider").is_none());
        assert_eq!(message.content, "");
    }

    #[test]
    fn timestamps_are_normalized_to_utc() {
        let at = |text: &str| python_isoformat(parse_iso8601(text).unwrap());
        assert_eq!(at("2024-01-01T02:00:00+02:00"), "2024-01-01T00:00:00+00:00");
        assert_eq!(
            at("2024-01-01T00:00:00.000001+00:00"),
            "2024-01-01T00:00:00.000001+00:00"
        );
        assert_eq!(at("2024-01-01T00:00:00"), "2024-01-01T00:00:00+00:00");
    }

    #[test]
    fn flags_other_than_the_settable_ones_are_rejected() {
        assert_eq!(
            ok(json!({"content": "x", "flags": 4 | 4096})).flags,
            4 | 4096
        );
        for flags in [1, 2, 64, 4 | 1 << 5] {
            let errors = form_errors(json!({"content": "x", "flags": flags}));
            assert_eq!(
                errors["flags"]["_errors"][0]["code"],
                json!("MESSAGE_FLAGS_INVALID"),
                "{flags}"
            );
        }
        let errors = form_errors(json!({"content": "x", "flags": "four"}));
        assert_eq!(
            errors["flags"]["_errors"][0]["code"],
            json!("NUMBER_TYPE_COERCE")
        );
    }

    #[test]
    fn allowed_mentions_lists_are_bounded_and_replied_user_is_a_boolean() {
        let users: Vec<String> = (1..=101).map(|id| id.to_string()).collect();
        let errors = form_errors(json!({"content": "x", "allowed_mentions": {"users": users}}));
        assert_eq!(errors["allowed_mentions"]["users"], max_length(100));
        let message = ok(json!({"content": "x", "allowed_mentions": {"replied_user": true}}));
        assert!(message.allowed_mentions.unwrap().replied_user);
        let errors = form_errors(json!({"content": "x", "allowed_mentions": {"replied_user": 1}}));
        assert_eq!(
            errors["allowed_mentions"]["replied_user"]["_errors"][0]["code"],
            json!("BASE_TYPE_BOOLEAN")
        );
    }
}
