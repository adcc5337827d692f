//! The JSON body of Discord's Edit Message request, built from `EditChannelMessage`: only the
//! fields the caller set, and `null` for the fields named in `clear_fields`.
//! <https://discord.com/developers/docs/resources/message#edit-message-jsonform-params>

use super::{allowed_mentions, message_body};
use crate::error::{Error, Result};
use discordproxy_proto::EditChannelMessageRequest;
use serde_json::{Map, Value, json};

/// The Discord fields `clear_fields` may name: Edit Message documents each as nullable.
pub const CLEARABLE: [&str; 6] = [
    "content",
    "embeds",
    "allowed_mentions",
    "attachments",
    "components",
    "flags",
];

/// Builds the body: `content` and `flags` when present (proto3 `optional`; `content: ""` is
/// sent as `""`), `embeds` when one has a field set (all-default embeds are dropped, so they
/// never remove the message's embeds), `allowed_mentions`
/// from `suppress_mentions` or `allowed_mentions`, `attachments: [{"id": …}]` when
/// `attachment_ids` is non-empty, followed by `{"id": n, "filename", "description"}` for each
/// new file (so with files the message keeps `attachment_ids` and the new files only),
/// `components` when non-empty, and `null` for each name in `clear_fields`. Limits are
/// checked by the request layer.
///
/// # Errors
/// [`Error::InvalidArgument`] for a `clear_fields` entry that is not clearable or names a
/// field also set in the request (naming `clear_fields[i]`), for an edit that sets and clears
/// nothing, for `suppress_mentions` with `allowed_mentions`, and for an id of 0 in
/// `attachment_ids` or `allowed_mentions`.
pub fn edit_message(request: &EditChannelMessageRequest) -> Result<Value> {
    edit_message_of(request, "EditChannelMessage", &CLEARABLE)
}

/// [`edit_message`] for the RPC `rpc` (named in errors), whose `clear_fields` may name
/// `clearable` (`EditWebhookMessage`: every field of [`CLEARABLE`] but `flags`).
///
/// # Errors
/// As [`edit_message`].
pub fn edit_message_of(
    request: &EditChannelMessageRequest,
    rpc: &str,
    clearable: &[&str],
) -> Result<Value> {
    let mut body = Map::new();
    if let Some(content) = &request.content {
        body.insert("content".into(), Value::String(content.clone()));
    }
    let embeds = message_body::embeds(&request.embeds);
    if !embeds.is_empty() {
        body.insert("embeds".into(), Value::Array(embeds));
    }
    if let Some(mentions) =
        allowed_mentions::to_json(request.suppress_mentions, request.allowed_mentions.as_ref())?
    {
        body.insert("allowed_mentions".into(), mentions);
    }
    if let Some(flags) = request.flags {
        body.insert("flags".into(), json!(flags));
    }
    if !request.attachment_ids.is_empty() || !request.files.is_empty() {
        let mut attachments: Vec<Value> =
            message_body::ids(&request.attachment_ids, "attachment_ids")?
                .into_iter()
                .map(|id| json!({ "id": id }))
                .collect();
        attachments.extend(super::file::attachment_entries(&request.files));
        body.insert("attachments".into(), Value::Array(attachments));
    }
    if !request.components.is_empty() {
        body.insert(
            "components".into(),
            Value::Array(super::component::to_json_list(&request.components)),
        );
    }
    for (index, name) in request.clear_fields.iter().enumerate() {
        if !clearable.contains(&name.as_str()) {
            return Err(Error::InvalidArgument(format!(
                "clear_fields[{index}]: {name:?} cannot be cleared by {rpc}; clearable: {}",
                clearable.join(", ")
            )));
        }
        if body
            .get(name.as_str())
            .is_some_and(|value| !value.is_null())
        {
            return Err(Error::InvalidArgument(format!(
                "clear_fields[{index}]: {name:?} is also set in this request; set it or clear \
                 it, not both"
            )));
        }
        body.insert(name.clone(), Value::Null);
    }
    if body.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "{rpc} sets nothing: set content, embeds, suppress_mentions, allowed_mentions, \
             flags, attachment_ids, files or components, or name fields in clear_fields"
        )));
    }
    Ok(Value::Object(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use discordproxy_proto::{AllowedMentions, Embed};

    fn request() -> EditChannelMessageRequest {
        EditChannelMessageRequest {
            channel_id: 1,
            message_id: 2,
            ..Default::default()
        }
    }

    fn invalid(request: &EditChannelMessageRequest) -> String {
        match edit_message(request) {
            Err(Error::InvalidArgument(text)) => text,
            other => panic!("expected INVALID_ARGUMENT, got {other:?}"),
        }
    }

    #[test]
    fn only_what_is_set_is_sent() {
        let body = edit_message(&EditChannelMessageRequest {
            content: Some("edited".into()),
            ..request()
        })
        .unwrap();
        assert_eq!(body, json!({"content": "edited"}));
        let body = edit_message(&EditChannelMessageRequest {
            content: Some(String::new()),
            flags: Some(4),
            embeds: vec![Embed {
                title: "t".into(),
                ..Default::default()
            }],
            attachment_ids: vec![31, 32],
            suppress_mentions: true,
            ..request()
        })
        .unwrap();
        assert_eq!(
            body,
            json!({
                "content": "",
                "flags": 4,
                "embeds": [{"title": "t"}],
                "attachments": [{"id": "31"}, {"id": "32"}],
                "allowed_mentions": {"parse": []},
            })
        );
    }

    #[test]
    fn clear_fields_send_null() {
        let body = edit_message(&EditChannelMessageRequest {
            content: Some("only text now".into()),
            clear_fields: vec!["embeds".into(), "components".into(), "attachments".into()],
            ..request()
        })
        .unwrap();
        assert_eq!(
            body,
            json!({"content": "only text now", "embeds": null, "components": null,
                   "attachments": null})
        );
        for name in CLEARABLE {
            let body = edit_message(&EditChannelMessageRequest {
                clear_fields: vec![name.into()],
                ..request()
            })
            .unwrap();
            assert_eq!(body, json!({ name: null }));
        }
    }

    #[test]
    fn unknown_or_unclearable_names_are_refused_naming_the_entry() {
        for name in ["tts", "nonce", "Content", "", "sticker_ids"] {
            let text = invalid(&EditChannelMessageRequest {
                clear_fields: vec!["content".into(), name.into()],
                ..request()
            });
            assert!(text.starts_with("clear_fields[1]: "), "{text}");
        }
    }

    #[test]
    fn a_field_set_and_cleared_is_refused() {
        let cases = [
            (
                EditChannelMessageRequest {
                    content: Some("x".into()),
                    clear_fields: vec!["content".into()],
                    ..request()
                },
                "clear_fields[0]",
            ),
            (
                EditChannelMessageRequest {
                    flags: Some(0),
                    clear_fields: vec!["embeds".into(), "flags".into()],
                    ..request()
                },
                "clear_fields[1]",
            ),
            (
                EditChannelMessageRequest {
                    suppress_mentions: true,
                    clear_fields: vec!["allowed_mentions".into()],
                    ..request()
                },
                "clear_fields[0]",
            ),
            (
                EditChannelMessageRequest {
                    allowed_mentions: Some(AllowedMentions::default()),
                    clear_fields: vec!["allowed_mentions".into()],
                    ..request()
                },
                "clear_fields[0]",
            ),
            (
                EditChannelMessageRequest {
                    attachment_ids: vec![5],
                    clear_fields: vec!["attachments".into()],
                    ..request()
                },
                "clear_fields[0]",
            ),
        ];
        for (request, field) in cases {
            let text = invalid(&request);
            assert!(
                text.starts_with(field) && text.contains("also set"),
                "{text}"
            );
        }
    }

    #[test]
    fn an_edit_of_nothing_is_refused() {
        assert!(invalid(&request()).contains("sets nothing"));
    }

    #[test]
    fn zero_ids_and_both_mention_fields_are_refused() {
        let text = invalid(&EditChannelMessageRequest {
            attachment_ids: vec![0],
            ..request()
        });
        assert!(text.contains("attachment_ids[0]"), "{text}");
        let text = invalid(&EditChannelMessageRequest {
            suppress_mentions: true,
            allowed_mentions: Some(AllowedMentions::default()),
            ..request()
        });
        assert!(text.contains("not both"), "{text}");
    }
}
