//! Discord's JSON error bodies, as one enum that turns into an HTTP response.
//!
//! Every error the REST API answers with is a JSON object `{"message": …, "code": …}` (plus
//! `"errors"` for 50035 Invalid Form Body). The codes and messages are those of Discord's
//! [JSON error code table](https://discord.com/developers/docs/topics/opcodes-and-status-codes#json).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// An error answered by the emulated REST API, in Discord's shape.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum ApiError {
    /// Missing or wrong `Authorization: Bot <token>` header (HTTP 401, code 0).
    #[error("401: Unauthorized")]
    Unauthorized,
    /// No route matches the path (HTTP 404, code 0).
    #[error("404: Not Found")]
    NotFound,
    /// The path exists but not with this method (HTTP 405, code 0).
    #[error("405: Method Not Allowed")]
    MethodNotAllowed,
    /// 10003: the channel does not exist (HTTP 404).
    #[error("Unknown Channel")]
    UnknownChannel,
    /// 10004: the guild does not exist (HTTP 404).
    #[error("Unknown Guild")]
    UnknownGuild,
    /// 10007: the user is not a member (of the guild, or of the thread on the thread-member
    /// routes) (HTTP 404).
    #[error("Unknown Member")]
    UnknownMember,
    /// 10008: the message does not exist in the channel (HTTP 404).
    #[error("Unknown Message")]
    UnknownMessage,
    /// 10009: the channel has no permission overwrite with this id (HTTP 404).
    #[error("Unknown Overwrite")]
    UnknownOverwrite,
    /// 10011: the guild has no role with this id (HTTP 404).
    #[error("Unknown Role")]
    UnknownRole,
    /// 10026: the user is not banned from the guild (HTTP 404).
    #[error("Unknown Ban")]
    UnknownBan,
    /// 10063: the application has no such command (HTTP 404).
    #[error("Unknown application command")]
    UnknownApplicationCommand,
    /// 30032: the application has the most commands of this type already (HTTP 400).
    #[error("Maximum number of application commands reached")]
    TooManyApplicationCommands,
    /// 10015: the webhook does not exist (HTTP 404).
    #[error("Unknown Webhook")]
    UnknownWebhook,
    /// 30007: the channel has 15 webhooks already (HTTP 400).
    #[error("Maximum number of webhooks reached (15)")]
    TooManyWebhooks,
    /// 50027: the token of a webhook route is not the webhook's (HTTP 401).
    #[error("Invalid Webhook Token")]
    InvalidWebhookToken,
    /// 10013: the user does not exist (HTTP 404).
    #[error("Unknown User")]
    UnknownUser,
    /// 10014: the emoji of a reaction route is not a Unicode emoji or not a custom emoji of the
    /// bot's guilds (HTTP 400, as Discord answers it on the reaction routes).
    #[error("Unknown Emoji")]
    UnknownEmoji,
    /// 30003: the channel has 50 pinned messages already (HTTP 400).
    #[error("Maximum number of pins reached for the channel (50)")]
    TooManyPins,
    /// 30005: the guild has 250 roles already (HTTP 400).
    #[error("Maximum number of guild roles reached (250)")]
    TooManyRoles,
    /// 30010: the message has reactions with 20 different emojis already (HTTP 400).
    #[error("Maximum number of reactions reached (20)")]
    TooManyReactions,
    /// 40032: a voice change (`channel_id`) for a member not in a voice channel (HTTP 400).
    #[error("Target user is not connected to voice.")]
    NotConnectedToVoice,
    /// 40033: the message was crossposted already (HTTP 400).
    #[error("This message has already been crossposted.")]
    AlreadyCrossposted,
    /// 50001: the bot cannot see the resource (HTTP 403).
    #[error("Missing Access")]
    MissingAccess,
    /// 50003: the action is not possible in a DM channel, e.g. editing one (HTTP 403).
    #[error("Cannot execute action on a DM channel")]
    DmChannelAction,
    /// 50005: only the author of a message may edit its content (HTTP 403).
    #[error("Cannot edit a message authored by another user")]
    NotMessageAuthor,
    /// 50006: a message with nothing in it (HTTP 400).
    #[error("Cannot send an empty message")]
    EmptyMessage,
    /// 50007: the user does not accept DMs from the bot (HTTP 403).
    #[error("Cannot send messages to this user")]
    CannotMessageUser,
    /// 50008: messages cannot be sent in this kind of channel (HTTP 400).
    #[error("Cannot send messages in a non-text channel")]
    NonTextChannel,
    /// 50013: the bot sees the channel but lacks a permission (HTTP 403).
    #[error("Missing Permissions")]
    MissingPermissions,
    /// 50024: the action is not possible in this type of channel, e.g. crossposting outside an
    /// announcement channel (HTTP 400).
    #[error("Cannot execute action on this channel type")]
    InvalidChannelType,
    /// 500000: a bulk ban that banned nobody (HTTP 400).
    #[error("Failed to ban users")]
    BulkBanFailed,
    /// 50025: an OAuth2 access token the emulator does not know, of another user, or without
    /// the `guilds.join` scope (HTTP 403).
    #[error("Invalid OAuth2 access token")]
    InvalidOAuthToken,
    /// 50028: a role that cannot be used this way, e.g. deleting `@everyone` (HTTP 400).
    #[error("Invalid Role")]
    InvalidRole,
    /// 50033: a DM recipient that cannot be used (HTTP 400).
    #[error("Invalid Recipient(s)")]
    InvalidRecipients,
    /// 50034: a bulk delete names a message older than two weeks (HTTP 400).
    #[error("You can only bulk delete messages that are under 14 days old")]
    MessageTooOld,
    /// 50035: the body or a parameter failed validation (HTTP 400), with the nested errors.
    #[error("Invalid Form Body")]
    InvalidFormBody(FormErrors),
    /// 40005: the body is larger than the emulator accepts (HTTP 413).
    #[error("Request entity too large")]
    EntityTooLarge,
    /// 50081: a sticker the bot cannot send here (HTTP 400).
    #[error("Invalid sticker sent")]
    InvalidSticker,
    /// 50083: the operation needs an active thread, and this one is archived (HTTP 400).
    #[error("Thread is archived")]
    ThreadArchived,
    /// 220001: a webhook of a forum or media channel executed without `thread_name` or
    /// `thread_id` (HTTP 400).
    #[error("Webhooks posted to forum channels must have a thread_name or thread_id")]
    ForumWebhookNeedsThread,
    /// 160004: the message already has a thread (HTTP 400).
    #[error("A thread has already been created for this message")]
    ThreadAlreadyCreated,
    /// 50109: the body is not JSON (HTTP 400).
    #[error("The request body contains invalid JSON.")]
    InvalidJson,
    /// 10062: an unknown interaction, or its first response came after 3 s (HTTP 404).
    #[error("Unknown interaction")]
    UnknownInteraction,
    /// 40060: a second initial response to an interaction (HTTP 400).
    #[error("Interaction has already been acknowledged.")]
    InteractionAcknowledged,
}

impl ApiError {
    /// The HTTP status Discord answers this error with.
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized | Self::InvalidWebhookToken => StatusCode::UNAUTHORIZED,
            Self::NotFound
            | Self::UnknownChannel
            | Self::UnknownGuild
            | Self::UnknownMember
            | Self::UnknownMessage
            | Self::UnknownOverwrite
            | Self::UnknownRole
            | Self::UnknownBan
            | Self::UnknownApplicationCommand
            | Self::UnknownWebhook
            | Self::UnknownInteraction
            | Self::UnknownUser => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::EntityTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::MissingAccess
            | Self::DmChannelAction
            | Self::CannotMessageUser
            | Self::NotMessageAuthor
            | Self::InvalidOAuthToken
            | Self::MissingPermissions => StatusCode::FORBIDDEN,
            Self::AlreadyCrossposted
            | Self::UnknownEmoji
            | Self::TooManyPins
            | Self::TooManyReactions
            | Self::TooManyRoles
            | Self::TooManyApplicationCommands
            | Self::TooManyWebhooks
            | Self::NotConnectedToVoice
            | Self::InvalidRole
            | Self::BulkBanFailed
            | Self::InvalidChannelType
            | Self::MessageTooOld
            | Self::InvalidSticker
            | Self::ThreadArchived
            | Self::ThreadAlreadyCreated
            | Self::ForumWebhookNeedsThread
            | Self::EmptyMessage
            | Self::NonTextChannel
            | Self::InvalidRecipients
            | Self::InvalidFormBody(_)
            | Self::InteractionAcknowledged
            | Self::InvalidJson => StatusCode::BAD_REQUEST,
        }
    }

    /// Discord's JSON error code (`0` for the generic HTTP errors).
    pub(crate) fn code(&self) -> u32 {
        match self {
            Self::Unauthorized | Self::NotFound | Self::MethodNotAllowed => 0,
            Self::EntityTooLarge => 40005,
            Self::UnknownChannel => 10003,
            Self::UnknownGuild => 10004,
            Self::UnknownMember => 10007,
            Self::UnknownMessage => 10008,
            Self::UnknownOverwrite => 10009,
            Self::UnknownRole => 10011,
            Self::UnknownUser => 10013,
            Self::UnknownBan => 10026,
            Self::UnknownApplicationCommand => 10063,
            Self::TooManyApplicationCommands => 30032,
            Self::UnknownWebhook => 10015,
            Self::TooManyWebhooks => 30007,
            Self::InvalidWebhookToken => 50027,
            Self::UnknownInteraction => 10062,
            Self::InteractionAcknowledged => 40060,
            Self::UnknownEmoji => 10014,
            Self::TooManyPins => 30003,
            Self::TooManyRoles => 30005,
            Self::TooManyReactions => 30010,
            Self::NotConnectedToVoice => 40032,
            Self::AlreadyCrossposted => 40033,
            Self::MissingAccess => 50001,
            Self::DmChannelAction => 50003,
            Self::NotMessageAuthor => 50005,
            Self::EmptyMessage => 50006,
            Self::CannotMessageUser => 50007,
            Self::NonTextChannel => 50008,
            Self::MissingPermissions => 50013,
            Self::InvalidChannelType => 50024,
            Self::InvalidOAuthToken => 50025,
            Self::InvalidRole => 50028,
            Self::InvalidRecipients => 50033,
            Self::MessageTooOld => 50034,
            Self::InvalidFormBody(_) => 50035,
            Self::InvalidSticker => 50081,
            Self::ThreadArchived => 50083,
            Self::InvalidJson => 50109,
            Self::ThreadAlreadyCreated => 160004,
            Self::ForumWebhookNeedsThread => 220001,
            Self::BulkBanFailed => 500000,
        }
    }

    /// The JSON body Discord sends for this error (keys in Discord's order: message, code, errors).
    fn wire_body(&self) -> ErrorBody {
        ErrorBody {
            message: self.to_string(),
            code: self.code(),
            errors: match self {
                Self::InvalidFormBody(errors) => Some(errors.to_value()),
                _ => None,
            },
        }
    }

    /// The JSON body Discord sends for this error, as a value.
    pub(crate) fn body(&self) -> Value {
        serde_json::to_value(self.wire_body()).expect("error bodies serialize")
    }

    /// A 50035 error with one message at one field path.
    pub(crate) fn form(path: &[&str], code: &str, message: impl Into<String>) -> Self {
        let mut errors = FormErrors::default();
        errors.add(path.iter().map(|s| (*s).to_owned()), code, message);
        Self::InvalidFormBody(errors)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status(), Json(self.wire_body())).into_response()
    }
}

/// Serialized error body; a struct so the key order is Discord's whatever serde_json's map is.
#[derive(Debug, serde::Serialize)]
struct ErrorBody {
    message: String,
    code: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<Value>,
}

/// The nested `errors` object of a 50035 Invalid Form Body answer.
///
/// Discord nests one object per path segment (keys, and array indices as strings) and puts the
/// messages for a field in `_errors`:
/// `{"embeds": {"0": {"title": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": …}]}}}}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct FormErrors {
    root: Map<String, Value>,
}

impl FormErrors {
    /// Records one error at `path` (empty path: the body itself).
    pub(crate) fn add(
        &mut self,
        path: impl IntoIterator<Item = String>,
        code: &str,
        message: impl Into<String>,
    ) {
        let mut node = &mut self.root;
        for segment in path {
            node = node
                .entry(segment)
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .expect("form error nodes are objects");
        }
        let list = node
            .entry("_errors")
            .or_insert_with(|| Value::Array(Vec::new()))
            .as_array_mut()
            .expect("_errors is an array");
        list.push(json!({ "code": code, "message": message.into() }));
    }

    /// These errors moved under `prefix` (e.g. a forum post's `message` errors under
    /// `message`).
    pub(crate) fn nested(self, prefix: &str) -> Self {
        if self.root.is_empty() {
            return self;
        }
        let mut root = Map::new();
        root.insert(prefix.to_owned(), Value::Object(self.root));
        Self { root }
    }

    /// Adds the errors of `other` (whose top-level keys are not in these errors).
    pub(crate) fn merge(&mut self, other: FormErrors) {
        for (key, value) in other.root {
            self.root.entry(key).or_insert(value);
        }
    }

    /// Whether no error was recorded.
    pub(crate) fn is_empty(&self) -> bool {
        self.root.is_empty()
    }

    /// The `errors` object.
    pub(crate) fn to_value(&self) -> Value {
        Value::Object(self.root.clone())
    }

    /// `Ok(())` when empty, else the 50035 error.
    pub(crate) fn into_result(self) -> Result<(), ApiError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(ApiError::InvalidFormBody(self))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_errors_have_code_zero() {
        assert_eq!(
            ApiError::Unauthorized.body(),
            json!({"message": "401: Unauthorized", "code": 0})
        );
        assert_eq!(ApiError::Unauthorized.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            ApiError::NotFound.body(),
            json!({"message": "404: Not Found", "code": 0})
        );
        assert_eq!(
            ApiError::MethodNotAllowed.body(),
            json!({"message": "405: Method Not Allowed", "code": 0})
        );
        assert_eq!(ApiError::MethodNotAllowed.status().as_u16(), 405);
    }

    #[test]
    fn discord_codes_and_statuses() {
        let table = [
            (ApiError::UnknownChannel, 404, 10003, "Unknown Channel"),
            (ApiError::UnknownGuild, 404, 10004, "Unknown Guild"),
            (
                ApiError::UnknownApplicationCommand,
                404,
                10063,
                "Unknown application command",
            ),
            (
                ApiError::TooManyApplicationCommands,
                400,
                30032,
                "Maximum number of application commands reached",
            ),
            (ApiError::UnknownMember, 404, 10007, "Unknown Member"),
            (ApiError::UnknownMessage, 404, 10008, "Unknown Message"),
            (ApiError::ThreadArchived, 400, 50083, "Thread is archived"),
            (
                ApiError::ThreadAlreadyCreated,
                400,
                160004,
                "A thread has already been created for this message",
            ),
            (ApiError::UnknownOverwrite, 404, 10009, "Unknown Overwrite"),
            (ApiError::UnknownUser, 404, 10013, "Unknown User"),
            (ApiError::UnknownWebhook, 404, 10015, "Unknown Webhook"),
            (
                ApiError::TooManyWebhooks,
                400,
                30007,
                "Maximum number of webhooks reached (15)",
            ),
            (
                ApiError::InvalidWebhookToken,
                401,
                50027,
                "Invalid Webhook Token",
            ),
            (ApiError::UnknownEmoji, 400, 10014, "Unknown Emoji"),
            (
                ApiError::TooManyPins,
                400,
                30003,
                "Maximum number of pins reached for the channel (50)",
            ),
            (
                ApiError::TooManyReactions,
                400,
                30010,
                "Maximum number of reactions reached (20)",
            ),
            (
                ApiError::AlreadyCrossposted,
                400,
                40033,
                "This message has already been crossposted.",
            ),
            (
                ApiError::NotMessageAuthor,
                403,
                50005,
                "Cannot edit a message authored by another user",
            ),
            (
                ApiError::InvalidChannelType,
                400,
                50024,
                "Cannot execute action on this channel type",
            ),
            (
                ApiError::MessageTooOld,
                400,
                50034,
                "You can only bulk delete messages that are under 14 days old",
            ),
            (ApiError::InvalidSticker, 400, 50081, "Invalid sticker sent"),
            (ApiError::MissingAccess, 403, 50001, "Missing Access"),
            (
                ApiError::DmChannelAction,
                403,
                50003,
                "Cannot execute action on a DM channel",
            ),
            (
                ApiError::EmptyMessage,
                400,
                50006,
                "Cannot send an empty message",
            ),
            (
                ApiError::CannotMessageUser,
                403,
                50007,
                "Cannot send messages to this user",
            ),
            (
                ApiError::MissingPermissions,
                403,
                50013,
                "Missing Permissions",
            ),
            (
                ApiError::InvalidRecipients,
                400,
                50033,
                "Invalid Recipient(s)",
            ),
            (
                ApiError::InvalidJson,
                400,
                50109,
                "The request body contains invalid JSON.",
            ),
        ];
        for (error, status, code, message) in table {
            assert_eq!(error.status().as_u16(), status, "{error:?}");
            assert_eq!(error.body(), json!({"message": message, "code": code}));
        }
    }

    #[test]
    fn form_errors_nest_like_discord() {
        let mut errors = FormErrors::default();
        errors.add(
            ["embeds", "0", "fields", "3", "value"].map(String::from),
            "BASE_TYPE_REQUIRED",
            "This field is required",
        );
        errors.add(
            ["embeds", "0", "title"].map(String::from),
            "BASE_TYPE_MAX_LENGTH",
            "Must be 256 or fewer in length.",
        );
        let error = ApiError::InvalidFormBody(errors);
        assert_eq!(error.status().as_u16(), 400);
        assert_eq!(
            error.body(),
            json!({
                "message": "Invalid Form Body",
                "code": 50035,
                "errors": {"embeds": {"0": {
                    "fields": {"3": {"value": {"_errors": [
                        {"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}
                    ]}}},
                    "title": {"_errors": [
                        {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 256 or fewer in length."}
                    ]}
                }}}
            })
        );
    }

    #[test]
    fn form_error_at_the_root_and_key_order() {
        let error = ApiError::form(
            &[],
            "DICT_TYPE_CONVERT",
            "Only dictionaries may be used in a DictType",
        );
        let text = serde_json::to_string(&error.wire_body()).unwrap();
        assert!(
            text.starts_with(r#"{"message":"Invalid Form Body","code":50035,"errors":{"_errors""#),
            "{text}"
        );
    }
}
