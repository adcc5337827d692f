//! INTERACTION_CREATE's payload → the typed `Interaction`, read tolerantly.
//! <https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object>

use super::json::Object;
use discordproxy_proto::{Interaction, InteractionModalValue, InteractionOption};
use serde_json::Value;

/// The typed interaction of an INTERACTION_CREATE payload.
pub fn from_json(value: &Value) -> Interaction {
    let object = Object::new(value, "interaction");
    let data = value.get("data").unwrap_or(&Value::Null);
    let fields = Object::new(data, "interaction data");
    let mut modal_values = Vec::new();
    if let Some(components) = data.get("components") {
        collect_inputs(components, &mut modal_values);
    }
    Interaction {
        id: object.snowflake("id"),
        application_id: object.snowflake("application_id"),
        r#type: u32::try_from(object.unsigned("type")).unwrap_or(0),
        token: object.string("token"),
        guild_id: object.snowflake("guild_id"),
        channel_id: object.snowflake("channel_id"),
        member: value
            .get("member")
            .filter(|member| member.is_object())
            .map(super::member::from_json),
        user: value
            .get("user")
            .filter(|user| user.is_object())
            .map(super::user::from_json),
        locale: object.string("locale"),
        guild_locale: object.string("guild_locale"),
        app_permissions: object.string("app_permissions"),
        command_id: fields.snowflake("id"),
        command_name: fields.string("name"),
        command_type: u32::try_from(fields.unsigned("type")).unwrap_or(0),
        options: options(data.get("options")),
        target_id: fields.snowflake("target_id"),
        custom_id: fields.string("custom_id"),
        component_type: u32::try_from(fields.unsigned("component_type")).unwrap_or(0),
        values: strings(data.get("values")),
        modal_values,
        message: value
            .get("message")
            .filter(|message| message.is_object())
            .map(|message| super::message::from_json(message, None)),
    }
}

/// Command options, nested.
fn options(value: Option<&Value>) -> Vec<InteractionOption> {
    value
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter(|option| option.is_object())
                .map(|option| {
                    let fields = Object::new(option, "interaction option");
                    InteractionOption {
                        name: fields.string("name"),
                        r#type: u32::try_from(fields.unsigned("type")).unwrap_or(0),
                        value_json: option
                            .get("value")
                            .filter(|value| !value.is_null())
                            .map(Value::to_string)
                            .unwrap_or_default(),
                        focused: fields.boolean("focused"),
                        options: options(option.get("options")),
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The submitted inputs of a modal, however deep (action rows, labels): every component with
/// a `custom_id` and a `value` or `values`.
fn collect_inputs(value: &Value, into: &mut Vec<InteractionModalValue>) {
    match value {
        Value::Array(list) => list.iter().for_each(|item| collect_inputs(item, into)),
        Value::Object(fields) => {
            let custom_id = fields.get("custom_id").and_then(Value::as_str);
            let has_value = fields.contains_key("value") || fields.contains_key("values");
            if let (Some(custom_id), true) = (custom_id, has_value) {
                into.push(InteractionModalValue {
                    custom_id: custom_id.to_owned(),
                    value: fields
                        .get("value")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    values: strings(fields.get("values")),
                });
            }
            for key in ["components", "component"] {
                if let Some(inner) = fields.get(key) {
                    collect_inputs(inner, into);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn commands_components_and_modals_are_typed() {
        let command = from_json(&json!({
            "id": "5", "application_id": "1", "type": 2, "token": "t", "guild_id": "3",
            "channel_id": "4", "locale": "en-US", "app_permissions": "8",
            "member": {"user": {"id": "9", "username": "alice"}, "roles": []},
            "data": {"id": "7", "name": "ping", "type": 1, "options": [
                {"name": "sub", "type": 1, "options": [{"name": "n", "type": 4, "value": 3}]},
                {"name": "q", "type": 3, "value": "x", "focused": true}]}
        }));
        assert_eq!(
            (command.id, command.application_id, command.r#type),
            (5, 1, 2)
        );
        assert_eq!((command.guild_id, command.channel_id), (3, 4));
        assert_eq!(command.token, "t");
        assert_eq!(command.member.unwrap().user.unwrap().id, 9);
        assert_eq!(
            (command.command_id, command.command_name.as_str()),
            (7, "ping")
        );
        assert_eq!(command.options[0].options[0].value_json, "3");
        assert_eq!(command.options[1].value_json, "\"x\"");
        assert!(command.options[1].focused);

        let select = from_json(&json!({"type": 3, "user": {"id": "9"},
            "data": {"custom_id": "pick", "component_type": 3, "values": ["a", "b"]},
            "message": {"id": "11", "channel_id": "4", "content": "click"}}));
        assert_eq!(select.user.unwrap().id, 9);
        assert_eq!(
            (select.custom_id.as_str(), select.component_type),
            ("pick", 3)
        );
        assert_eq!(select.values, ["a", "b"]);
        assert_eq!(select.message.unwrap().id, 11);

        let modal = from_json(
            &json!({"type": 5, "data": {"custom_id": "m", "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": "t", "value": "hello"}]},
            {"type": 18, "component": {"type": 3, "custom_id": "s", "values": ["x"]}}]}}),
        );
        assert_eq!(modal.modal_values.len(), 2);
        assert_eq!(modal.modal_values[0].value, "hello");
        assert_eq!(modal.modal_values[1].values, ["x"]);
        assert_eq!(from_json(&json!(null)).id, 0);
    }
}
