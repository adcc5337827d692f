//! Discord application command ⇄ proto: `ApplicationCommand` read tolerantly from Discord's
//! JSON (see [`super::json`]), and the Create / Bulk Overwrite / Edit bodies built from the
//! RPC requests (proto defaults are not sent; Edit sends only what is set, `clear_fields`
//! sends `null`).
//! <https://discord.com/developers/docs/interactions/application-commands#application-command-object>

use super::json::Object;
use crate::error::{Error, Result};
use discordproxy_proto::{
    ApplicationCommand, ApplicationCommandEdit, ApplicationCommandOption,
    ApplicationCommandOptionChoice, ApplicationCommandParams,
    application_command_option_choice::Value as ChoiceValue,
};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// The Discord fields `clear_fields` of the Edit RPCs may name (`options` sends `[]`, the
/// others `null`).
pub const CLEARABLE: [&str; 5] = [
    "default_member_permissions",
    "name_localizations",
    "description_localizations",
    "contexts",
    "options",
];

/// Option types whose `min_value`/`max_value` are integers.
const INTEGER: u32 = 4;

fn localizations(object: &Object<'_>, key: &str) -> HashMap<String, String> {
    object
        .raw(key)
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

fn small_ints(object: &Object<'_>, key: &str) -> Vec<u32> {
    object
        .array(key)
        .iter()
        .filter_map(Value::as_u64)
        .filter_map(|v| u32::try_from(v).ok())
        .collect()
}

fn option_from(option: &Object<'_>) -> ApplicationCommandOption {
    let choices = option
        .objects("choices", "command option choice")
        .into_iter()
        .map(|choice| ApplicationCommandOptionChoice {
            name: choice.string("name"),
            name_localizations: localizations(&choice, "name_localizations"),
            value: match choice.raw("value") {
                Some(Value::String(text)) => Some(ChoiceValue::StringValue(text.clone())),
                Some(Value::Number(n)) => n
                    .as_i64()
                    .map(ChoiceValue::IntValue)
                    .or_else(|| n.as_f64().map(ChoiceValue::DoubleValue)),
                _ => None,
            },
        })
        .collect();
    let uint = |key: &str| {
        option
            .raw(key)
            .and_then(Value::as_u64)
            .and_then(|v| u32::try_from(v).ok())
    };
    ApplicationCommandOption {
        r#type: u32::try_from(option.unsigned("type")).unwrap_or(0),
        name: option.string("name"),
        name_localizations: localizations(option, "name_localizations"),
        description: option.string("description"),
        description_localizations: localizations(option, "description_localizations"),
        required: option.boolean("required"),
        choices,
        options: option
            .objects("options", "command option")
            .iter()
            .map(option_from)
            .collect(),
        channel_types: small_ints(option, "channel_types"),
        min_value: option.raw("min_value").and_then(Value::as_f64),
        max_value: option.raw("max_value").and_then(Value::as_f64),
        min_length: uint("min_length"),
        max_length: uint("max_length"),
        autocomplete: option.boolean("autocomplete"),
    }
}

/// Converts a command object.
pub fn from_json(value: &Value) -> ApplicationCommand {
    let command = Object::new(value, "application command");
    ApplicationCommand {
        id: command.snowflake("id"),
        r#type: u32::try_from(command.unsigned("type")).unwrap_or(0),
        application_id: command.snowflake("application_id"),
        guild_id: command.snowflake("guild_id"),
        name: command.string("name"),
        name_localizations: localizations(&command, "name_localizations"),
        description: command.string("description"),
        description_localizations: localizations(&command, "description_localizations"),
        options: command
            .objects("options", "command option")
            .iter()
            .map(option_from)
            .collect(),
        default_member_permissions: command
            .raw("default_member_permissions")
            .and_then(Value::as_str)
            .map(str::to_owned),
        nsfw: command.boolean("nsfw"),
        integration_types: small_ints(&command, "integration_types"),
        contexts: small_ints(&command, "contexts"),
        version: command.snowflake("version"),
        dm_permission: command.raw("dm_permission").and_then(Value::as_bool),
    }
}

/// Every command of a JSON array (an answer that is no array gives none).
pub fn list_from_json(value: &Value) -> Vec<ApplicationCommand> {
    value
        .as_array()
        .map(|list| list.iter().map(from_json).collect())
        .unwrap_or_default()
}

fn map_json(map: &HashMap<String, String>) -> Value {
    let mut sorted: Vec<_> = map.iter().collect();
    sorted.sort();
    Value::Object(
        sorted
            .into_iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect(),
    )
}

fn number(kind: u32, value: f64) -> Value {
    #[allow(clippy::cast_possible_truncation)]
    if kind == INTEGER && value.fract() == 0.0 && value.abs() < 9.0e15 {
        json!(value as i64)
    } else {
        json!(value)
    }
}

/// One option as Discord's JSON (proto defaults left out).
pub fn option_json(option: &ApplicationCommandOption) -> Value {
    let mut body = Map::new();
    body.insert("type".into(), json!(option.r#type));
    body.insert("name".into(), json!(option.name));
    if !option.name_localizations.is_empty() {
        body.insert(
            "name_localizations".into(),
            map_json(&option.name_localizations),
        );
    }
    body.insert("description".into(), json!(option.description));
    if !option.description_localizations.is_empty() {
        body.insert(
            "description_localizations".into(),
            map_json(&option.description_localizations),
        );
    }
    if option.required {
        body.insert("required".into(), json!(true));
    }
    if !option.choices.is_empty() {
        let choices: Vec<Value> = option
            .choices
            .iter()
            .map(|choice| {
                let mut entry = Map::new();
                entry.insert("name".into(), json!(choice.name));
                if !choice.name_localizations.is_empty() {
                    entry.insert(
                        "name_localizations".into(),
                        map_json(&choice.name_localizations),
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
            })
            .collect();
        body.insert("choices".into(), Value::Array(choices));
    }
    if !option.options.is_empty() {
        body.insert(
            "options".into(),
            Value::Array(option.options.iter().map(option_json).collect()),
        );
    }
    if !option.channel_types.is_empty() {
        body.insert("channel_types".into(), json!(option.channel_types));
    }
    if let Some(min) = option.min_value {
        body.insert("min_value".into(), number(option.r#type, min));
    }
    if let Some(max) = option.max_value {
        body.insert("max_value".into(), number(option.r#type, max));
    }
    if let Some(min) = option.min_length {
        body.insert("min_length".into(), json!(min));
    }
    if let Some(max) = option.max_length {
        body.insert("max_length".into(), json!(max));
    }
    if option.autocomplete {
        body.insert("autocomplete".into(), json!(true));
    }
    Value::Object(body)
}

/// A permission bit set as Discord's OpenAPI describes the request field: a JSON integer.
fn permissions(text: &str, field: &str) -> Result<Value> {
    text.trim()
        .parse::<u64>()
        .map(|bits| json!(bits))
        .map_err(|_| {
            Error::InvalidArgument(format!(
                "{field} must be a permission bit set as a decimal number (got {text:?})"
            ))
        })
}

/// Builds a Create body, or one Bulk Overwrite entry: `name` always, the rest when not the
/// proto default. `global`: a global command (`dm_permission` allowed).
///
/// # Errors
/// [`Error::InvalidArgument`] for `default_member_permissions` that is no decimal number, and
/// `dm_permission` on a guild command.
pub fn params_json(params: &ApplicationCommandParams, field: &str, global: bool) -> Result<Value> {
    let mut body = Map::new();
    if params.r#type != 0 {
        body.insert("type".into(), json!(params.r#type));
    }
    body.insert("name".into(), json!(params.name));
    if !params.name_localizations.is_empty() {
        body.insert(
            "name_localizations".into(),
            map_json(&params.name_localizations),
        );
    }
    if !params.description.is_empty() || matches!(params.r#type, 0 | 1) {
        body.insert("description".into(), json!(params.description));
    }
    if !params.description_localizations.is_empty() {
        body.insert(
            "description_localizations".into(),
            map_json(&params.description_localizations),
        );
    }
    if !params.options.is_empty() {
        body.insert(
            "options".into(),
            Value::Array(params.options.iter().map(option_json).collect()),
        );
    }
    if let Some(bits) = &params.default_member_permissions {
        body.insert(
            "default_member_permissions".into(),
            permissions(bits, &format!("{field}.default_member_permissions"))?,
        );
    }
    if let Some(nsfw) = params.nsfw {
        body.insert("nsfw".into(), json!(nsfw));
    }
    if !params.integration_types.is_empty() {
        body.insert("integration_types".into(), json!(params.integration_types));
    }
    if !params.contexts.is_empty() {
        body.insert("contexts".into(), json!(params.contexts));
    }
    if let Some(dm) = params.dm_permission {
        if !global {
            return Err(Error::InvalidArgument(format!(
                "{field}.dm_permission is for global commands only"
            )));
        }
        body.insert("dm_permission".into(), json!(dm));
    }
    Ok(Value::Object(body))
}

/// Builds an Edit body: each field when set, `null` (`[]` for `options`) for each name in
/// `clear_fields`.
///
/// # Errors
/// [`Error::InvalidArgument`] for no `edit`, a change of nothing, a `clear_fields` entry that
/// is not clearable or is also set, `default_member_permissions` that is no decimal number,
/// `dm_permission` on a guild command.
pub fn edit_json(edit: Option<&ApplicationCommandEdit>, rpc: &str, global: bool) -> Result<Value> {
    let Some(edit) = edit else {
        return Err(Error::InvalidArgument(format!(
            "{rpc} needs edit: the fields to change"
        )));
    };
    let mut body = Map::new();
    if let Some(name) = &edit.name {
        body.insert("name".into(), json!(name));
    }
    if let Some(map) = &edit.name_localizations {
        body.insert("name_localizations".into(), map_json(&map.values));
    }
    if let Some(description) = &edit.description {
        body.insert("description".into(), json!(description));
    }
    if let Some(map) = &edit.description_localizations {
        body.insert("description_localizations".into(), map_json(&map.values));
    }
    if let Some(options) = &edit.options {
        body.insert(
            "options".into(),
            Value::Array(options.options.iter().map(option_json).collect()),
        );
    }
    if let Some(bits) = &edit.default_member_permissions {
        body.insert(
            "default_member_permissions".into(),
            permissions(bits, "edit.default_member_permissions")?,
        );
    }
    if let Some(nsfw) = edit.nsfw {
        body.insert("nsfw".into(), json!(nsfw));
    }
    if let Some(list) = &edit.integration_types {
        body.insert("integration_types".into(), json!(list.values));
    }
    if let Some(list) = &edit.contexts {
        body.insert("contexts".into(), json!(list.values));
    }
    if let Some(dm) = edit.dm_permission {
        if !global {
            return Err(Error::InvalidArgument(
                "edit.dm_permission is for global commands only".into(),
            ));
        }
        body.insert("dm_permission".into(), json!(dm));
    }
    super::role::clear(&mut body, &edit.clear_fields, &CLEARABLE, rpc, |name| {
        if name == "options" {
            json!([])
        } else {
            Value::Null
        }
    })?;
    if body.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "{rpc} changes nothing: set a field of edit or name fields in edit.clear_fields"
        )));
    }
    Ok(Value::Object(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use discordproxy_proto::{ApplicationCommandLocalizations, ApplicationCommandOptionChoice};

    #[test]
    fn create_bodies_leave_defaults_out() {
        let params = ApplicationCommandParams {
            name: "ping".into(),
            description: "Pong".into(),
            options: vec![ApplicationCommandOption {
                r#type: 4,
                name: "n".into(),
                description: "n".into(),
                required: true,
                min_value: Some(1.0),
                choices: vec![ApplicationCommandOptionChoice {
                    name: "one".into(),
                    value: Some(ChoiceValue::IntValue(1)),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            default_member_permissions: Some("8".into()),
            ..Default::default()
        };
        assert_eq!(
            params_json(&params, "command", true).unwrap(),
            json!({"name": "ping", "description": "Pong", "default_member_permissions": 8,
                   "options": [{"type": 4, "name": "n", "description": "n", "required": true,
                                "min_value": 1, "choices": [{"name": "one", "value": 1}]}]})
        );
        let user = ApplicationCommandParams {
            r#type: 2,
            name: "Show Profile".into(),
            ..Default::default()
        };
        assert_eq!(
            params_json(&user, "command", false).unwrap(),
            json!({"type": 2, "name": "Show Profile"})
        );
    }

    #[test]
    fn edits_send_what_is_set_and_clear_with_null() {
        let edit = ApplicationCommandEdit {
            description: Some("new".into()),
            name_localizations: Some(ApplicationCommandLocalizations {
                values: [("de".to_owned(), "neu".to_owned())].into(),
            }),
            clear_fields: vec!["default_member_permissions".into(), "options".into()],
            ..Default::default()
        };
        assert_eq!(
            edit_json(Some(&edit), "EditGlobalApplicationCommand", true).unwrap(),
            json!({"description": "new", "name_localizations": {"de": "neu"},
                   "default_member_permissions": null, "options": []})
        );
        assert!(edit_json(None, "EditGlobalApplicationCommand", true).is_err());
        assert!(edit_json(Some(&ApplicationCommandEdit::default()), "X", true).is_err());
    }

    #[test]
    fn commands_are_read_tolerantly() {
        let command = from_json(&json!({
            "id": "10", "type": 1, "application_id": "20", "version": "30", "name": "ping",
            "description": "d", "default_member_permissions": null, "nsfw": false,
            "integration_types": [0], "contexts": null, "unknown": {"x": 1},
            "options": [{"type": 3, "name": "t", "description": "t",
                         "choices": [{"name": "a", "value": "a"}, {"name": "b", "value": 2.5}]}]
        }));
        assert_eq!(
            (command.id, command.application_id, command.version),
            (10, 20, 30)
        );
        assert_eq!(command.default_member_permissions, None);
        assert_eq!(command.integration_types, [0]);
        assert_eq!(
            command.options[0].choices[1].value,
            Some(ChoiceValue::DoubleValue(2.5))
        );
    }
}
