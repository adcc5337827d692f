//! Interaction responses: the Create Interaction Response body from the request.
//! <https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object>

use super::message_body::{CreateFields, create_message_with};
use crate::error::{Error, Result};
use discordproxy_proto::{
    AllowedMentions, ApplicationCommandOptionChoice, Component, CreateFollowupMessageRequest,
    CreateInteractionResponseRequest, EditWebhookMessageRequest, Embed, ExecuteWebhookRequest,
    File, application_command_option_choice::Value as ChoiceValue,
};
use serde_json::{Map, Value, json};

/// Callback type PONG.
pub const PONG: u32 = 1;
/// Callback type CHANNEL_MESSAGE_WITH_SOURCE.
pub const CHANNEL_MESSAGE_WITH_SOURCE: u32 = 4;
/// Callback type DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE.
pub const DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: u32 = 5;
/// Callback type DEFERRED_UPDATE_MESSAGE.
pub const DEFERRED_UPDATE_MESSAGE: u32 = 6;
/// Callback type UPDATE_MESSAGE.
pub const UPDATE_MESSAGE: u32 = 7;
/// Callback type APPLICATION_COMMAND_AUTOCOMPLETE_RESULT.
pub const AUTOCOMPLETE_RESULT: u32 = 8;
/// Callback type MODAL.
pub const MODAL: u32 = 9;

/// A choice as Discord's JSON.
fn choice_json(choice: &ApplicationCommandOptionChoice) -> Value {
    let mut entry = Map::new();
    entry.insert("name".into(), json!(choice.name));
    if !choice.name_localizations.is_empty() {
        entry.insert(
            "name_localizations".into(),
            json!(choice.name_localizations),
        );
    }
    let value = match &choice.value {
        Some(ChoiceValue::StringValue(text)) => json!(text),
        Some(ChoiceValue::IntValue(n)) => json!(n),
        Some(ChoiceValue::DoubleValue(n)) => json!(n),
        None => Value::Null,
    };
    entry.insert("value".into(), value);
    Value::Object(entry)
}

/// Builds the body `{"type", "data"?}`: for 4 and 7 the message fields as for Create Message
/// (content when non-empty, embeds, allowed_mentions, tts, flags, components, attachments
/// entries for the files); for 5 and 6 only `flags` (when set); for 8 `choices`; for 9
/// `custom_id`, `title` and `components`; 1 has no data.
///
/// # Errors
/// [`Error::InvalidArgument`] for a type outside 1 and 4–9, a field the type does not take
/// (choices outside 8, custom_id or title outside 9), or the message fields' own errors.
pub fn create_interaction_response(request: &CreateInteractionResponseRequest) -> Result<Value> {
    let kind = request.r#type;
    let message_fields = !request.content.is_empty()
        || !request.embeds.is_empty()
        || request.allowed_mentions.is_some()
        || request.suppress_mentions
        || request.tts
        || !request.files.is_empty();
    let wrong = |field: &str| {
        Err(Error::InvalidArgument(format!(
            "{field} does not go with callback type {kind}"
        )))
    };
    if kind != AUTOCOMPLETE_RESULT && !request.choices.is_empty() {
        return wrong("choices");
    }
    if kind != MODAL && (!request.custom_id.is_empty() || !request.title.is_empty()) {
        return wrong("custom_id and title");
    }
    let data = match kind {
        PONG => None,
        CHANNEL_MESSAGE_WITH_SOURCE | UPDATE_MESSAGE => {
            let flags = request.flags;
            let fields = CreateFields {
                content: &request.content,
                embed: None,
                embeds: &request.embeds,
                suppress_mentions: request.suppress_mentions,
                allowed_mentions: request.allowed_mentions.as_ref(),
                nonce: "",
                enforce_nonce: None,
                message_reference: None,
                flags,
                tts: request.tts,
                sticker_ids: &[],
                components: &request.components,
                files: &request.files,
            };
            Some(create_message_with(&fields)?)
        }
        DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE | DEFERRED_UPDATE_MESSAGE => {
            if message_fields || !request.components.is_empty() {
                return wrong("a message field (only flags)");
            }
            (request.flags != 0).then(|| json!({"flags": request.flags}))
        }
        AUTOCOMPLETE_RESULT => {
            if message_fields || !request.components.is_empty() {
                return wrong("a message field");
            }
            let choices: Vec<Value> = request.choices.iter().map(choice_json).collect();
            Some(json!({ "choices": choices }))
        }
        MODAL => {
            if message_fields {
                return wrong("a message field");
            }
            Some(json!({
                "custom_id": request.custom_id,
                "title": request.title,
                "components": super::component::to_json_list(&request.components),
            }))
        }
        _ => {
            return Err(Error::InvalidArgument(format!(
                "type {kind} is not a callback type (1, 4, 5, 6, 7, 8 or 9)"
            )));
        }
    };
    let mut body = Map::new();
    body.insert("type".into(), json!(kind));
    if let Some(data) = data {
        body.insert("data".into(), data);
    }
    Ok(Value::Object(body))
}

/// The Create Followup Message body: as Execute Webhook's without its webhook-only fields.
///
/// # Errors
/// As [`super::webhook::execute_webhook`].
pub fn create_followup_message(request: &CreateFollowupMessageRequest) -> Result<Value> {
    super::webhook::execute_webhook(&ExecuteWebhookRequest {
        content: request.content.clone(),
        tts: request.tts,
        embeds: request.embeds.clone(),
        suppress_mentions: request.suppress_mentions,
        allowed_mentions: request.allowed_mentions.clone(),
        components: request.components.clone(),
        files: request.files.clone(),
        flags: request.flags,
        ..Default::default()
    })
}

/// The fields of an interaction message edit (`@original` or a follow-up).
#[derive(Debug, Clone, Copy)]
pub struct EditFields<'a> {
    pub content: Option<&'a String>,
    pub embeds: &'a [Embed],
    pub suppress_mentions: bool,
    pub allowed_mentions: Option<&'a AllowedMentions>,
    pub components: &'a [Component],
    pub files: &'a [File],
    pub attachment_ids: &'a [u64],
    pub clear_fields: &'a [String],
}

/// The edit body of an interaction message, by the rules of Edit Webhook Message.
///
/// # Errors
/// As [`super::webhook::edit_webhook_message`].
pub fn edit_message(fields: &EditFields<'_>) -> Result<Value> {
    super::webhook::edit_webhook_message(&EditWebhookMessageRequest {
        webhook_id: 0,
        webhook_token: String::new(),
        message_id: 0,
        thread_id: 0,
        content: fields.content.cloned(),
        embeds: fields.embeds.to_vec(),
        suppress_mentions: fields.suppress_mentions,
        allowed_mentions: fields.allowed_mentions.cloned(),
        components: fields.components.to_vec(),
        files: fields.files.to_vec(),
        attachment_ids: fields.attachment_ids.to_vec(),
        clear_fields: fields.clear_fields.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_follow_the_callback_type() {
        let request = |kind: u32| CreateInteractionResponseRequest {
            r#type: kind,
            ..Default::default()
        };
        assert_eq!(
            create_interaction_response(&request(1)).unwrap(),
            json!({"type": 1})
        );
        let mut message = request(4);
        message.content = "pong".into();
        message.flags = 64;
        assert_eq!(
            create_interaction_response(&message).unwrap(),
            json!({"type": 4, "data": {"content": "pong", "flags": 64}})
        );
        let mut deferred = request(5);
        deferred.flags = 64;
        assert_eq!(
            create_interaction_response(&deferred).unwrap(),
            json!({"type": 5, "data": {"flags": 64}})
        );
        let mut choices = request(8);
        choices.choices.push(ApplicationCommandOptionChoice {
            name: "A".into(),
            value: Some(ChoiceValue::StringValue("a".into())),
            ..Default::default()
        });
        assert_eq!(
            create_interaction_response(&choices).unwrap(),
            json!({"type": 8, "data": {"choices": [{"name": "A", "value": "a"}]}})
        );
        let mut modal = request(9);
        modal.custom_id = "m".into();
        modal.title = "T".into();
        assert_eq!(
            create_interaction_response(&modal).unwrap(),
            json!({"type": 9, "data": {"custom_id": "m", "title": "T", "components": []}})
        );
        assert!(create_interaction_response(&request(2)).is_err());
        let mut mixed = request(4);
        mixed.custom_id = "x".into();
        assert!(create_interaction_response(&mixed).is_err());
    }
}
