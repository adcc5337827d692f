//! Discord webhook ⇄ proto: `Webhook` read tolerantly from Discord's JSON (see
//! [`super::json`]), and the Create Webhook, Modify Webhook, Execute Webhook and Edit Webhook
//! Message bodies built from the RPC requests (only the fields the caller set; `null` for
//! `clear_fields`).
//! <https://discord.com/developers/docs/resources/webhook#webhook-object>

use super::json::Object;
use super::message_body::{CreateFields, create_message_with, ids};
use crate::error::{Error, Result};
use discordproxy_proto::{
    CreateWebhookRequest, EditChannelMessageRequest, EditWebhookMessageRequest,
    ExecuteWebhookRequest, ModifyWebhookRequest, Webhook,
};
use serde_json::{Map, Value, json};

/// The Discord fields `clear_fields` of `ModifyWebhook` may name (sent as `null`).
pub const CLEARABLE: [&str; 1] = ["avatar"];

/// The Discord fields `clear_fields` of `EditWebhookMessage` may name (sent as `null`).
pub const MESSAGE_CLEARABLE: [&str; 5] = [
    "content",
    "embeds",
    "allowed_mentions",
    "attachments",
    "components",
];

/// Converts a webhook object.
pub fn from_json(value: &Value) -> Webhook {
    let webhook = Object::new(value, "webhook");
    Webhook {
        id: webhook.snowflake("id"),
        r#type: webhook.int32("type"),
        guild_id: webhook.snowflake("guild_id"),
        channel_id: webhook.snowflake("channel_id"),
        user: webhook
            .object("user", "webhook user")
            .map(super::user::from_object),
        name: webhook.string("name"),
        avatar: webhook.string("avatar"),
        token: webhook.string("token"),
        application_id: webhook.snowflake("application_id"),
        url: webhook.string("url"),
    }
}

/// Converts a list of webhook objects (anything else: none).
pub fn list_from_json(value: &Value) -> Vec<Webhook> {
    value
        .as_array()
        .map(|list| list.iter().map(from_json).collect())
        .unwrap_or_default()
}

/// Builds the Create Webhook body: `name`, and `avatar` when non-empty.
pub fn create_webhook(request: &CreateWebhookRequest) -> Value {
    let mut body = Map::new();
    body.insert("name".into(), json!(request.name));
    if !request.avatar.is_empty() {
        body.insert("avatar".into(), json!(request.avatar));
    }
    Value::Object(body)
}

/// Builds the Modify Webhook body: each `optional` field when present, `null` for each name in
/// `clear_fields`.
///
/// # Errors
/// [`Error::InvalidArgument`] for a `clear_fields` entry that is not clearable or is also set
/// (naming `clear_fields[i]`), a `channel_id` of 0, and a change of nothing.
pub fn modify_webhook(request: &ModifyWebhookRequest) -> Result<Value> {
    let mut body = Map::new();
    if let Some(name) = &request.name {
        body.insert("name".into(), json!(name));
    }
    if let Some(avatar) = &request.avatar {
        body.insert("avatar".into(), json!(avatar));
    }
    if let Some(channel_id) = request.channel_id {
        if channel_id == 0 {
            return Err(Error::InvalidArgument(
                "channel_id must be a channel snowflake (got 0)".into(),
            ));
        }
        body.insert("channel_id".into(), json!(channel_id.to_string()));
    }
    super::role::clear(
        &mut body,
        &request.clear_fields,
        &CLEARABLE,
        "ModifyWebhook",
        |_| Value::Null,
    )?;
    if body.is_empty() {
        return Err(Error::InvalidArgument(
            "ModifyWebhook sets nothing: set name, avatar or channel_id, or name fields in \
             clear_fields"
                .into(),
        ));
    }
    Ok(Value::Object(body))
}

/// Builds the Execute Webhook body: the message fields as for Create Message (content when
/// non-empty, embeds, allowed_mentions, tts, flags, components, attachments entries for the
/// files), then `username`, `avatar_url`, `thread_name` when non-empty and `applied_tags` when
/// any.
///
/// # Errors
/// [`Error::InvalidArgument`] for `suppress_mentions` together with `allowed_mentions`, or an
/// id of 0 in `allowed_mentions` or `applied_tags`.
pub fn execute_webhook(request: &ExecuteWebhookRequest) -> Result<Value> {
    let fields = CreateFields {
        content: &request.content,
        embed: None,
        embeds: &request.embeds,
        suppress_mentions: request.suppress_mentions,
        allowed_mentions: request.allowed_mentions.as_ref(),
        nonce: "",
        enforce_nonce: None,
        message_reference: None,
        flags: request.flags,
        tts: request.tts,
        sticker_ids: &[],
        components: &request.components,
        files: &request.files,
    };
    let Value::Object(mut body) = create_message_with(&fields)? else {
        unreachable!("create_message_with builds an object");
    };
    for (key, value) in [
        ("username", &request.username),
        ("avatar_url", &request.avatar_url),
        ("thread_name", &request.thread_name),
    ] {
        if !value.is_empty() {
            body.insert(key.into(), json!(value));
        }
    }
    if !request.applied_tags.is_empty() {
        body.insert(
            "applied_tags".into(),
            json!(ids(&request.applied_tags, "applied_tags")?),
        );
    }
    Ok(Value::Object(body))
}

/// Builds the Edit Webhook Message body by the rules of Edit Message (see
/// [`super::message_edit::edit_message`]), `clear_fields` naming [`MESSAGE_CLEARABLE`].
///
/// # Errors
/// As [`super::message_edit::edit_message`] (errors name `EditWebhookMessage`).
pub fn edit_webhook_message(request: &EditWebhookMessageRequest) -> Result<Value> {
    let edit = EditChannelMessageRequest {
        channel_id: 0,
        message_id: request.message_id,
        content: request.content.clone(),
        embeds: request.embeds.clone(),
        suppress_mentions: request.suppress_mentions,
        allowed_mentions: request.allowed_mentions.clone(),
        flags: None,
        attachment_ids: request.attachment_ids.clone(),
        clear_fields: request.clear_fields.clone(),
        audit_log_reason: String::new(),
        files: request.files.clone(),
        components: request.components.clone(),
    };
    super::message_edit::edit_message_of(&edit, "EditWebhookMessage", &MESSAGE_CLEARABLE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhooks_are_read_tolerantly() {
        let webhook = from_json(&json!({
            "id": "5", "type": 1, "guild_id": "3", "channel_id": "4", "name": "Alerts",
            "avatar": null, "token": "t", "application_id": null,
            "user": {"id": "1", "username": "bot", "bot": true}, "new_field": [1]
        }));
        assert_eq!(webhook.id, 5);
        assert_eq!(webhook.r#type, 1);
        assert_eq!(webhook.channel_id, 4);
        assert_eq!(webhook.avatar, "");
        assert_eq!(webhook.application_id, 0);
        assert_eq!(webhook.user.unwrap().id, 1);
        assert_eq!(list_from_json(&json!([{"id": "1"}, {"id": "2"}])).len(), 2);
    }

    #[test]
    fn modify_sends_only_what_is_set_and_clears_the_avatar() {
        let request = ModifyWebhookRequest {
            webhook_id: 1,
            name: Some("n".into()),
            clear_fields: vec!["avatar".into()],
            ..Default::default()
        };
        assert_eq!(
            modify_webhook(&request).unwrap(),
            json!({"name": "n", "avatar": null})
        );
        let both = ModifyWebhookRequest {
            webhook_id: 1,
            avatar: Some("data:image/png;base64,AA==".into()),
            clear_fields: vec!["avatar".into()],
            ..Default::default()
        };
        assert!(modify_webhook(&both).is_err());
        assert!(
            modify_webhook(&ModifyWebhookRequest {
                webhook_id: 1,
                ..Default::default()
            })
            .is_err()
        );
    }

    #[test]
    fn execute_adds_the_webhook_fields() {
        let request = ExecuteWebhookRequest {
            webhook_id: 1,
            webhook_token: "t".into(),
            content: "hi".into(),
            username: "Ops".into(),
            applied_tags: vec![9],
            ..Default::default()
        };
        assert_eq!(
            execute_webhook(&request).unwrap(),
            json!({"content": "hi", "username": "Ops", "applied_tags": ["9"]})
        );
    }
}
