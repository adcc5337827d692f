//! Message edit bodies (`PATCH /channels/{id}/messages/{id}`,
//! [docs](https://discord.com/developers/docs/resources/message#edit-message)): every field is
//! optional and nullable; null clears it (`content` becomes `""`, the lists `[]`, `flags` 0).
//! The limits are those of a create; an edit that leaves nothing is refused by the handler.

use serde_json::{Map, Value};

use super::{AllowedMentions, CONTENT_MAX, Checker, EMBED_TOTAL_MAX, at, components};
use crate::error::ApiError;
use crate::snowflake::parse_snowflake;

/// Keys only the author of a message may edit (anyone else may only change `flags`).
const AUTHOR_KEYS: [&str; 7] = [
    "content",
    "embeds",
    "embed",
    "components",
    "attachments",
    "sticker_ids",
    "poll",
];

/// A validated message edit: `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct MessageEdit {
    /// The new content (`""` for null).
    pub(crate) content: Option<String>,
    /// The new embeds, normalized as a create normalizes them.
    pub(crate) embeds: Option<Vec<Value>>,
    /// The flags asked for (the handler keeps only the ones an edit may change).
    pub(crate) flags: Option<u64>,
    /// How mentions are parsed from new content (`None`: the default allowances).
    pub(crate) allowed_mentions: Option<AllowedMentions>,
    /// The new components, with the `id`s Discord fills in.
    pub(crate) components: Option<Vec<Value>>,
    /// The ids of the attachments to keep.
    pub(crate) attachments: Option<Vec<u64>>,
}

impl MessageEdit {
    /// Whether the edit changes what the message shows (not only flags), which marks it as
    /// edited.
    pub(crate) fn changes_content(&self) -> bool {
        self.content.is_some()
            || self.embeds.is_some()
            || self.components.is_some()
            || self.attachments.is_some()
    }
}

/// Whether `body` edits something only the author may edit (any key but `flags` and
/// `allowed_mentions`, also when null).
pub(crate) fn edit_touches_content(body: Option<&Value>) -> bool {
    body.and_then(Value::as_object)
        .is_some_and(|body| AUTHOR_KEYS.iter().any(|key| body.contains_key(*key)))
}

/// [`message_edit_of`] of a message without IS_COMPONENTS_V2.
#[cfg(test)]
pub(crate) fn message_edit(body: Option<&Value>) -> Result<MessageEdit, ApiError> {
    message_edit_of(body, false)
}

/// Validates an edit body (`None`: no body, which changes nothing) of a message whose flags
/// have IS_COMPONENTS_V2 already when `v2` (its components are then checked by the Components
/// V2 rules even without `flags` in the body).
///
/// # Errors
///
/// [`ApiError::InvalidFormBody`] (50035) listing every invalid field.
pub(crate) fn message_edit_of(body: Option<&Value>, v2: bool) -> Result<MessageEdit, ApiError> {
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
    let mut edit = MessageEdit::default();

    match body.get("content") {
        None => {}
        Some(Value::Null) => edit.content = Some(String::new()),
        Some(value) => {
            let content = check.string(&["content"], value).unwrap_or_default();
            check.max_len(&["content"], &content, CONTENT_MAX);
            edit.content = Some(content);
        }
    }

    edit.embeds = match (body.get("embeds"), body.get("embed")) {
        (Some(Value::Null), _) => Some(Vec::new()),
        (Some(embeds), _) => Some(check.embeds(embeds)),
        (None, Some(Value::Null)) => Some(Vec::new()),
        (None, Some(embed)) => {
            let mut total = 0;
            let embed = check.embed(&["embed".into()], embed, &mut total);
            if total > EMBED_TOTAL_MAX {
                check.embed_too_big("embed");
            }
            Some(embed.into_iter().collect())
        }
        (None, None) => None,
    };

    edit.flags = match body.get("flags") {
        None => None,
        Some(Value::Null) => Some(0),
        Some(value) => match value.as_u64() {
            Some(flags) => Some(flags),
            None => {
                check.not_int(&["flags"], value);
                None
            }
        },
    };

    edit.allowed_mentions = match body.get("allowed_mentions") {
        None | Some(Value::Null) => None,
        Some(value) => Some(check.allowed_mentions(value)),
    };

    if body.contains_key("components") {
        let mut components = check.list_of_anything(body, "components");
        let v2 = v2
            || edit
                .flags
                .is_some_and(|flags| flags & super::IS_COMPONENTS_V2 != 0);
        components::check(&mut check, &components, v2);
        components::fill_ids(&mut components);
        edit.components = Some(components);
    }

    if body.contains_key("attachments") {
        let path = vec!["attachments".to_owned()];
        let items = check.list_of_anything(body, "attachments");
        let mut keep = Vec::new();
        for (index, item) in items.iter().enumerate() {
            if let Some(object) = check.object(&at(&path, index), item) {
                keep.extend(object.get("id").and_then(parse_snowflake));
            }
        }
        edit.attachments = Some(keep);
    }

    // A Components V2 message (already, or by this edit's flags) takes no content or embeds,
    // as in a create.
    let v2 = v2
        || edit
            .flags
            .is_some_and(|flags| flags & super::IS_COMPONENTS_V2 != 0);
    let content = edit.content.as_deref().is_some_and(|text| !text.is_empty());
    let embeds = edit
        .embeds
        .as_ref()
        .is_some_and(|embeds| !embeds.is_empty());
    if v2 && (content || embeds) {
        check.error(
            &[if content { "content" } else { "embeds" }],
            "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
            "The 'content' and 'embeds' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2",
        );
    }

    check.errors.into_result()?;
    Ok(edit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(body: Value) -> MessageEdit {
        message_edit(Some(&body)).unwrap_or_else(|error| panic!("{body}: {error:?}"))
    }

    #[test]
    fn a_components_v2_edit_takes_no_content_or_embeds() {
        for (body, v2, key) in [
            (json!({"content": "text"}), true, "content"),
            (json!({"embeds": [{"title": "t"}]}), true, "embeds"),
            (json!({"content": "text", "flags": 32768}), false, "content"),
        ] {
            let Err(ApiError::InvalidFormBody(errors)) = message_edit_of(Some(&body), v2) else {
                panic!("{body} was accepted");
            };
            assert_eq!(
                errors.to_value()[key]["_errors"][0]["code"],
                "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                "{body}"
            );
        }
        message_edit_of(Some(&json!({"content": null, "embeds": null})), true).unwrap();
        message_edit_of(Some(&json!({"content": "text"})), false).unwrap();
    }

    #[test]
    fn absent_fields_stay_and_null_clears() {
        assert_eq!(ok(json!({})), MessageEdit::default());
        assert_eq!(message_edit(None), Ok(MessageEdit::default()));
        let edit = ok(json!({"content": null, "embeds": null, "flags": null,
                             "allowed_mentions": null, "components": null, "attachments": null}));
        assert_eq!(
            edit,
            MessageEdit {
                content: Some(String::new()),
                embeds: Some(Vec::new()),
                flags: Some(0),
                allowed_mentions: None,
                components: Some(Vec::new()),
                attachments: Some(Vec::new()),
            }
        );
        assert!(edit.changes_content());
        assert!(!ok(json!({"flags": 4})).changes_content());
    }

    #[test]
    fn fields_are_validated_like_a_create() {
        let edit = ok(
            json!({"content": "new", "embeds": [{"title": "t"}], "flags": 4,
                             "components": [{"type": 1, "components": [{"type": 2, "style": 1, "custom_id": "a", "label": "A"}]}],
                             "attachments": [{"id": "9"}]}),
        );
        assert_eq!(edit.content.as_deref(), Some("new"));
        assert_eq!(
            edit.embeds,
            Some(vec![json!({"type": "rich", "title": "t"})])
        );
        assert_eq!(edit.flags, Some(4));
        assert_eq!(edit.components.unwrap()[0]["id"], json!(1));
        assert_eq!(edit.attachments, Some(vec![9]));
        let error = message_edit(Some(&json!({
            "content": "x".repeat(2001), "embeds": {"title": "t"}, "flags": "4",
            "allowed_mentions": {"parse": ["nobody"]}, "attachments": [1]
        })))
        .unwrap_err()
        .body();
        let code = |pointer: &str| error["errors"].pointer(pointer).cloned();
        assert_eq!(
            code("/content/_errors/0/code"),
            Some(json!("BASE_TYPE_MAX_LENGTH"))
        );
        assert_eq!(
            code("/embeds/_errors/0/code"),
            Some(json!("LIST_TYPE_CONVERT"))
        );
        assert_eq!(
            code("/flags/_errors/0/code"),
            Some(json!("NUMBER_TYPE_COERCE"))
        );
        assert_eq!(
            code("/allowed_mentions/parse/0/_errors/0/code"),
            Some(json!("BASE_TYPE_CHOICES"))
        );
        assert_eq!(
            code("/attachments/0/_errors/0/code"),
            Some(json!("MODEL_TYPE_CONVERT"))
        );
        assert_eq!(message_edit(Some(&json!([1]))).unwrap_err().code(), 50035);
    }

    #[test]
    fn only_flags_and_allowed_mentions_are_open_to_others() {
        assert!(!edit_touches_content(Some(&json!({"flags": 4}))));
        assert!(!edit_touches_content(Some(
            &json!({"flags": 4, "allowed_mentions": {}})
        )));
        assert!(!edit_touches_content(None));
        for key in AUTHOR_KEYS {
            assert!(edit_touches_content(Some(&json!({ key: null }))), "{key}");
        }
    }
}
