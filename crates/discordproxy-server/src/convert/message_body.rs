//! The JSON body of Discord's Create Message request, built from the fields of
//! `SendChannelMessage` and `SendDirectMessage`.
//! <https://discord.com/developers/docs/resources/message#create-message>

use super::{allowed_mentions, component, embed, file};
use crate::error::{Error, Result};
use discordproxy_proto::{
    AllowedMentions, Component, Embed, File, MessageReference, SendChannelMessageRequest,
    SendDirectMessageRequest,
};
use serde_json::{Map, Value, json};

/// Builds the body from the original fields only: `content` only when non-empty,
/// `embeds: [..]` only when the embed has a field set. No `allowed_mentions`, so `@everyone`
/// pings as it did with the original server. With neither, the body is `{}` and Discord
/// answers 400/50006 as it would have for the original.
pub fn create_message(content: &str, embed: Option<&Embed>) -> Value {
    let mut body = Map::new();
    if !content.is_empty() {
        body.insert("content".into(), Value::String(content.to_owned()));
    }
    if let Some(embed) = embed.map(embed::to_json).filter(|embed| !embed.is_empty()) {
        body.insert("embeds".into(), Value::Array(vec![Value::Object(embed)]));
    }
    Value::Object(body)
}

/// The Create Message fields of a `SendChannelMessageRequest` or `SendDirectMessageRequest`
/// (the same fields, numbers 2 and up).
#[derive(Debug, Clone, Copy)]
pub struct CreateFields<'a> {
    /// Message content; empty = not sent.
    pub content: &'a str,
    /// The original single embed; sent first.
    pub embed: Option<&'a Embed>,
    /// More embeds, after `embed`.
    pub embeds: &'a [Embed],
    /// Sends `allowed_mentions: {"parse": []}`.
    pub suppress_mentions: bool,
    /// The caller's `allowed_mentions`.
    pub allowed_mentions: Option<&'a AllowedMentions>,
    /// A client nonce; empty = the server adds its own.
    pub nonce: &'a str,
    /// `enforce_nonce`; `None` = true (added by the request layer).
    pub enforce_nonce: Option<bool>,
    /// A reply's reference.
    pub message_reference: Option<&'a MessageReference>,
    /// Message flags; 0 = not sent.
    pub flags: i32,
    /// Text-to-speech; false = not sent.
    pub tts: bool,
    /// Sticker ids; empty = not sent.
    pub sticker_ids: &'a [u64],
    /// Components; empty = not sent.
    pub components: &'a [Component],
    /// Files: their `attachments` entries are sent (the parts by the request layer).
    pub files: &'a [File],
}

impl<'a> From<&'a SendChannelMessageRequest> for CreateFields<'a> {
    fn from(request: &'a SendChannelMessageRequest) -> Self {
        Self {
            content: &request.content,
            embed: request.embed.as_ref(),
            embeds: &request.embeds,
            suppress_mentions: request.suppress_mentions,
            allowed_mentions: request.allowed_mentions.as_ref(),
            nonce: &request.nonce,
            enforce_nonce: request.enforce_nonce,
            message_reference: request.message_reference.as_ref(),
            flags: request.flags,
            tts: request.tts,
            sticker_ids: &request.sticker_ids,
            components: &request.components,
            files: &request.files,
        }
    }
}

impl<'a> From<&'a SendDirectMessageRequest> for CreateFields<'a> {
    fn from(request: &'a SendDirectMessageRequest) -> Self {
        Self {
            content: &request.content,
            embed: request.embed.as_ref(),
            embeds: &request.embeds,
            suppress_mentions: request.suppress_mentions,
            allowed_mentions: request.allowed_mentions.as_ref(),
            nonce: &request.nonce,
            enforce_nonce: request.enforce_nonce,
            message_reference: request.message_reference.as_ref(),
            flags: request.flags,
            tts: request.tts,
            sticker_ids: &request.sticker_ids,
            components: &request.components,
            files: &request.files,
        }
    }
}

/// Builds the body from every field: the original rules for `content` and `embed`
/// ([`create_message`]), then `embeds` appended after `embed` (all-default ones dropped),
/// `allowed_mentions` (see [`allowed_mentions::to_json`]; no key when neither is set), `nonce`
/// and `enforce_nonce` when given, `message_reference`, `flags` when non-zero, `tts` when
/// true, `sticker_ids` when non-empty, `components` when non-empty, `attachments` entries
/// `{"id": n, "filename", "description"}` for the files. Limits are checked by the request
/// layer.
///
/// # Errors
/// [`Error::InvalidArgument`] for `suppress_mentions` together with `allowed_mentions`, a
/// `message_reference` without `message_id`, or an id of 0 in `sticker_ids` or
/// `allowed_mentions` (naming the field).
pub fn create_message_with(fields: &CreateFields<'_>) -> Result<Value> {
    let Value::Object(mut body) = create_message(fields.content, fields.embed) else {
        unreachable!("create_message builds an object");
    };
    let more = embeds(fields.embeds);
    if !more.is_empty() {
        let all = body
            .entry("embeds")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(all) = all {
            all.extend(more);
        }
    }
    if let Some(mentions) =
        allowed_mentions::to_json(fields.suppress_mentions, fields.allowed_mentions)?
    {
        body.insert("allowed_mentions".into(), mentions);
    }
    if !fields.nonce.is_empty() {
        body.insert("nonce".into(), Value::String(fields.nonce.to_owned()));
    }
    if let Some(enforce) = fields.enforce_nonce {
        body.insert("enforce_nonce".into(), Value::Bool(enforce));
    }
    if let Some(reference) = fields.message_reference {
        body.insert("message_reference".into(), message_reference(reference)?);
    }
    if fields.flags != 0 {
        body.insert("flags".into(), json!(fields.flags));
    }
    if fields.tts {
        body.insert("tts".into(), Value::Bool(true));
    }
    if !fields.sticker_ids.is_empty() {
        body.insert(
            "sticker_ids".into(),
            json!(ids(fields.sticker_ids, "sticker_ids")?),
        );
    }
    if !fields.components.is_empty() {
        body.insert(
            "components".into(),
            Value::Array(component::to_json_list(fields.components)),
        );
    }
    if !fields.files.is_empty() {
        body.insert(
            "attachments".into(),
            Value::Array(file::attachment_entries(fields.files)),
        );
    }
    Ok(Value::Object(body))
}

/// Embeds as Discord's JSON, all-default ones dropped.
pub(super) fn embeds(embeds: &[Embed]) -> Vec<Value> {
    embeds
        .iter()
        .map(embed::to_json)
        .filter(|embed| !embed.is_empty())
        .map(Value::Object)
        .collect()
}

/// Snowflakes as the strings Discord expects, refusing 0 (naming `field[i]`).
pub(super) fn ids(ids: &[u64], field: &str) -> Result<Vec<String>> {
    ids.iter()
        .enumerate()
        .map(|(index, id)| {
            if *id == 0 {
                Err(Error::InvalidArgument(format!(
                    "{field}[{index}] must be a Discord snowflake (got 0)"
                )))
            } else {
                Ok(id.to_string())
            }
        })
        .collect()
}

/// A reply's `message_reference`: `message_id` required; `channel_id` and `guild_id` when
/// non-zero; `fail_if_not_exists` when set (unset: Discord's default, true).
fn message_reference(reference: &MessageReference) -> Result<Value> {
    if reference.message_id == 0 {
        return Err(Error::InvalidArgument(
            "message_reference.message_id must be set to a Discord snowflake (got 0)".into(),
        ));
    }
    let mut object = Map::new();
    object.insert(
        "message_id".into(),
        Value::String(reference.message_id.to_string()),
    );
    for (key, id) in [
        ("channel_id", reference.channel_id),
        ("guild_id", reference.guild_id),
    ] {
        if id != 0 {
            object.insert(key.into(), Value::String(id.to_string()));
        }
    }
    if let Some(fail) = reference.fail_if_not_exists {
        object.insert("fail_if_not_exists".into(), Value::Bool(fail));
    }
    Ok(Value::Object(object))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> CreateFields<'static> {
        CreateFields {
            content: "",
            embed: None,
            embeds: &[],
            suppress_mentions: false,
            allowed_mentions: None,
            nonce: "",
            enforce_nonce: None,
            message_reference: None,
            flags: 0,
            tts: false,
            sticker_ids: &[],
            components: &[],
            files: &[],
        }
    }

    fn described(text: &str) -> Embed {
        Embed {
            description: text.into(),
            ..Default::default()
        }
    }

    #[test]
    fn content_only() {
        assert_eq!(
            create_message("@everyone hi", None),
            json!({"content": "@everyone hi"})
        );
    }

    #[test]
    fn empty_content_is_not_sent_and_default_embed_is_dropped() {
        assert_eq!(create_message("", Some(&Embed::default())), json!({}));
        assert_eq!(
            create_message("", Some(&described("d"))),
            json!({"embeds": [{"description": "d"}]})
        );
    }

    #[test]
    fn unset_new_fields_give_the_original_body_without_allowed_mentions() {
        let embed = described("d");
        let request = CreateFields {
            content: "@everyone hi",
            embed: Some(&embed),
            ..fields()
        };
        assert_eq!(
            create_message_with(&request).unwrap(),
            create_message("@everyone hi", Some(&embed))
        );
        assert!(
            create_message_with(&request)
                .unwrap()
                .get("allowed_mentions")
                .is_none()
        );
    }

    #[test]
    fn embeds_follow_embed_and_default_ones_are_dropped() {
        let first = described("first");
        let more = [described("second"), Embed::default(), described("third")];
        let body = create_message_with(&CreateFields {
            embed: Some(&first),
            embeds: &more,
            ..fields()
        })
        .unwrap();
        assert_eq!(
            body,
            json!({"embeds": [{"description": "first"}, {"description": "second"},
                              {"description": "third"}]})
        );
        let body = create_message_with(&CreateFields {
            embeds: &more[..1],
            ..fields()
        })
        .unwrap();
        assert_eq!(body, json!({"embeds": [{"description": "second"}]}));
    }

    #[test]
    fn every_new_field_in_discords_names() {
        let reference = MessageReference {
            message_id: 11,
            channel_id: 12,
            guild_id: 0,
            fail_if_not_exists: Some(false),
        };
        let body = create_message_with(&CreateFields {
            content: "re",
            suppress_mentions: true,
            nonce: "structuretimers-1",
            enforce_nonce: Some(true),
            message_reference: Some(&reference),
            flags: 4096,
            tts: true,
            sticker_ids: &[21, 22],
            ..fields()
        })
        .unwrap();
        assert_eq!(
            body,
            json!({
                "content": "re",
                "allowed_mentions": {"parse": []},
                "nonce": "structuretimers-1",
                "enforce_nonce": true,
                "message_reference": {"message_id": "11", "channel_id": "12",
                                      "fail_if_not_exists": false},
                "flags": 4096,
                "tts": true,
                "sticker_ids": ["21", "22"],
            })
        );
    }

    #[test]
    fn an_unset_fail_if_not_exists_is_not_sent() {
        // Regression: a plain bool sent "fail_if_not_exists": false for every reply that did
        // not set it, turning off Discord's default (true).
        let reference = MessageReference {
            message_id: 11,
            ..Default::default()
        };
        let body = create_message_with(&CreateFields {
            content: "re",
            message_reference: Some(&reference),
            ..fields()
        })
        .unwrap();
        assert_eq!(body["message_reference"], json!({"message_id": "11"}));
    }

    #[test]
    fn enforce_nonce_false_is_sent_as_false() {
        let body = create_message_with(&CreateFields {
            content: "x",
            enforce_nonce: Some(false),
            ..fields()
        })
        .unwrap();
        assert_eq!(body, json!({"content": "x", "enforce_nonce": false}));
    }

    #[test]
    fn bad_combinations_are_invalid_argument_naming_the_field() {
        let mentions = AllowedMentions::default();
        let reference = MessageReference::default();
        for (request, field) in [
            (
                CreateFields {
                    suppress_mentions: true,
                    allowed_mentions: Some(&mentions),
                    ..fields()
                },
                "suppress_mentions",
            ),
            (
                CreateFields {
                    message_reference: Some(&reference),
                    ..fields()
                },
                "message_reference.message_id",
            ),
            (
                CreateFields {
                    sticker_ids: &[1, 0],
                    ..fields()
                },
                "sticker_ids[1]",
            ),
        ] {
            match create_message_with(&request) {
                Err(Error::InvalidArgument(text)) => assert!(text.contains(field), "{text}"),
                other => panic!("{field}: {other:?}"),
            }
        }
    }

    #[test]
    fn both_requests_give_the_same_fields() {
        let channel = SendChannelMessageRequest {
            channel_id: 1,
            content: "c".into(),
            nonce: "n".into(),
            flags: 4,
            ..Default::default()
        };
        let direct = SendDirectMessageRequest {
            user_id: 2,
            content: "c".into(),
            nonce: "n".into(),
            flags: 4,
            ..Default::default()
        };
        assert_eq!(
            create_message_with(&CreateFields::from(&channel)).unwrap(),
            create_message_with(&CreateFields::from(&direct)).unwrap()
        );
    }
}
