//! Message components: proto `Component` ⇄ Discord's component JSON, with Discord's field names;
//! unset fields (empty strings, 0, false, unset optionals, empty lists) are not sent.
//! <https://discord.com/developers/docs/components/reference>

use super::json::Object;
use discordproxy_proto::{Component, Emoji, component};
use serde_json::{Map, Value, json};

/// The JSON of `components`, in order.
pub fn to_json_list(components: &[Component]) -> Vec<Value> {
    components.iter().map(to_json).collect()
}

/// One component as Discord's JSON.
pub fn to_json(component: &Component) -> Value {
    let mut out = Map::new();
    out.insert("type".into(), json!(component.r#type));
    if component.id != 0 {
        out.insert("id".into(), json!(component.id));
    }
    let mut text = |key: &str, value: &str| {
        if !value.is_empty() {
            out.insert(key.into(), json!(value));
        }
    };
    text("custom_id", &component.custom_id);
    text("label", &component.label);
    text("url", &component.url);
    text("placeholder", &component.placeholder);
    text("content", &component.content);
    text("description", &component.description);
    if component.style != 0 {
        out.insert("style".into(), json!(component.style));
    }
    if let Some(emoji) = &component.emoji {
        out.insert("emoji".into(), emoji_json(emoji));
    }
    if component.sku_id != 0 {
        out.insert("sku_id".into(), json!(component.sku_id.to_string()));
    }
    for (key, set) in [
        ("disabled", component.disabled),
        ("spoiler", component.spoiler),
        ("required", component.required),
    ] {
        if set {
            out.insert(key.into(), json!(true));
        }
    }
    if !component.options.is_empty() {
        let options = component.options.iter().map(option_json).collect();
        out.insert("options".into(), Value::Array(options));
    }
    for (key, value) in [
        ("min_values", component.min_values),
        ("max_values", component.max_values),
        ("spacing", component.spacing),
        ("accent_color", component.accent_color),
    ] {
        if let Some(value) = value {
            out.insert(key.into(), json!(value));
        }
    }
    if let Some(divider) = component.divider {
        out.insert("divider".into(), json!(divider));
    }
    if !component.default_values.is_empty() {
        let values = component
            .default_values
            .iter()
            .map(|value| json!({"id": value.id.to_string(), "type": value.r#type}))
            .collect();
        out.insert("default_values".into(), Value::Array(values));
    }
    if !component.channel_types.is_empty() {
        out.insert("channel_types".into(), json!(component.channel_types));
    }
    if !component.components.is_empty() {
        out.insert(
            "components".into(),
            Value::Array(to_json_list(&component.components)),
        );
    }
    if let Some(accessory) = &component.accessory {
        out.insert("accessory".into(), to_json(accessory));
    }
    if let Some(media) = &component.media {
        out.insert("media".into(), media_json(media));
    }
    if let Some(file) = &component.file {
        out.insert("file".into(), media_json(file));
    }
    if !component.items.is_empty() {
        let items = component
            .items
            .iter()
            .map(|item| {
                let mut entry = Map::new();
                if let Some(media) = &item.media {
                    entry.insert("media".into(), media_json(media));
                }
                if !item.description.is_empty() {
                    entry.insert("description".into(), json!(item.description));
                }
                if item.spoiler {
                    entry.insert("spoiler".into(), json!(true));
                }
                Value::Object(entry)
            })
            .collect();
        out.insert("items".into(), Value::Array(items));
    }
    Value::Object(out)
}

/// A component emoji: `id` (custom emoji), `name`, `animated` when true.
fn emoji_json(emoji: &Emoji) -> Value {
    let mut out = Map::new();
    if emoji.id != 0 {
        out.insert("id".into(), json!(emoji.id.to_string()));
    }
    if !emoji.name.is_empty() {
        out.insert("name".into(), json!(emoji.name));
    }
    if emoji.animated {
        out.insert("animated".into(), json!(true));
    }
    Value::Object(out)
}

/// A string select option.
fn option_json(option: &component::SelectOption) -> Value {
    let mut out = Map::new();
    out.insert("label".into(), json!(option.label));
    out.insert("value".into(), json!(option.value));
    if !option.description.is_empty() {
        out.insert("description".into(), json!(option.description));
    }
    if let Some(emoji) = &option.emoji {
        out.insert("emoji".into(), emoji_json(emoji));
    }
    if option.default {
        out.insert("default".into(), json!(true));
    }
    Value::Object(out)
}

/// An unfurled media item: `url` only (the other fields are Discord's answer).
fn media_json(media: &component::UnfurledMediaItem) -> Value {
    json!({"url": media.url})
}

/// The components of a message answer, read tolerantly.
pub(crate) fn from_objects(objects: Vec<Object<'_>>) -> Vec<Component> {
    objects.into_iter().map(from_object).collect()
}

/// One component of Discord's JSON, read tolerantly (unknown fields ignored, unknown types
/// kept as their number).
pub(crate) fn from_object(value: Object<'_>) -> Component {
    let optional = |key: &str| {
        value
            .raw(key)
            .and_then(Value::as_i64)
            .and_then(|number| i32::try_from(number).ok())
    };
    let media = |key: &str| value.object(key, "unfurled media item").map(media_from);
    Component {
        r#type: value.int32("type"),
        id: value.int32("id"),
        custom_id: value.string("custom_id"),
        style: value.int32("style"),
        label: value.string("label"),
        emoji: value.object("emoji", "emoji").map(emoji_from),
        sku_id: value.snowflake("sku_id"),
        url: value.string("url"),
        disabled: value.boolean("disabled"),
        options: value
            .objects("options", "select option")
            .into_iter()
            .map(|option| component::SelectOption {
                label: option.string("label"),
                value: option.string("value"),
                description: option.string("description"),
                emoji: option.object("emoji", "emoji").map(emoji_from),
                default: option.boolean("default"),
            })
            .collect(),
        placeholder: value.string("placeholder"),
        min_values: optional("min_values"),
        max_values: optional("max_values"),
        default_values: value
            .objects("default_values", "select default value")
            .into_iter()
            .map(|default| component::DefaultValue {
                id: default.snowflake("id"),
                r#type: default.string("type"),
            })
            .collect(),
        channel_types: value
            .array("channel_types")
            .iter()
            .filter_map(Value::as_i64)
            .filter_map(|kind| i32::try_from(kind).ok())
            .collect(),
        components: from_objects(value.objects("components", "component")),
        accessory: value
            .object("accessory", "component")
            .map(|accessory| Box::new(from_object(accessory))),
        content: value.string("content"),
        media: media("media"),
        spoiler: value.boolean("spoiler"),
        divider: value.raw("divider").and_then(Value::as_bool),
        spacing: optional("spacing"),
        accent_color: optional("accent_color"),
        items: value
            .objects("items", "media gallery item")
            .into_iter()
            .map(|item| component::MediaGalleryItem {
                media: item.object("media", "unfurled media item").map(media_from),
                description: item.string("description"),
                spoiler: item.boolean("spoiler"),
            })
            .collect(),
        description: value.string("description"),
        file: media("file"),
        required: value.boolean("required"),
    }
}

fn emoji_from(emoji: Object<'_>) -> Emoji {
    Emoji {
        id: emoji.snowflake("id"),
        name: emoji.string("name"),
        animated: emoji.boolean("animated"),
        ..Default::default()
    }
}

fn media_from(media: Object<'_>) -> component::UnfurledMediaItem {
    component::UnfurledMediaItem {
        url: media.string("url"),
        proxy_url: media.string("proxy_url"),
        height: media.int32("height"),
        width: media.int32("width"),
        content_type: media.string("content_type"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use discordproxy_proto::component::Type;

    fn button(custom_id: &str) -> Component {
        Component {
            r#type: Type::Button.into(),
            style: 1,
            custom_id: custom_id.into(),
            label: "Go".into(),
            ..Default::default()
        }
    }

    #[test]
    fn unset_fields_are_not_sent() {
        let row = Component {
            r#type: Type::ActionRow.into(),
            components: vec![button("a")],
            ..Default::default()
        };
        assert_eq!(
            to_json(&row),
            json!({"type": 1, "components": [{"type": 2, "custom_id": "a", "label": "Go", "style": 1}]})
        );
    }

    #[test]
    fn v2_layouts_and_selects_use_discords_names() {
        let container = Component {
            r#type: Type::Container.into(),
            accent_color: Some(0),
            spoiler: true,
            components: vec![
                Component {
                    r#type: Type::Section.into(),
                    components: vec![Component {
                        r#type: Type::TextDisplay.into(),
                        content: "hi".into(),
                        ..Default::default()
                    }],
                    accessory: Some(Box::new(Component {
                        r#type: Type::Thumbnail.into(),
                        media: Some(component::UnfurledMediaItem {
                            url: "attachment://a.png".into(),
                            ..Default::default()
                        }),
                        ..Default::default()
                    })),
                    ..Default::default()
                },
                Component {
                    r#type: Type::Separator.into(),
                    divider: Some(false),
                    spacing: Some(2),
                    ..Default::default()
                },
                Component {
                    r#type: Type::StringSelect.into(),
                    custom_id: "s".into(),
                    min_values: Some(0),
                    options: vec![component::SelectOption {
                        label: "A".into(),
                        value: "a".into(),
                        default: true,
                        ..Default::default()
                    }],
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let value = to_json(&container);
        assert_eq!(
            value,
            json!({"type": 17, "spoiler": true, "accent_color": 0, "components": [
                {"type": 9, "components": [{"type": 10, "content": "hi"}],
                 "accessory": {"type": 11, "media": {"url": "attachment://a.png"}}},
                {"type": 14, "spacing": 2, "divider": false},
                {"type": 3, "custom_id": "s", "min_values": 0,
                 "options": [{"label": "A", "value": "a", "default": true}]},
            ]})
        );
        // And back, tolerantly.
        let back = from_object(Object::new(&value, "component"));
        assert_eq!(back, container);
        let odd = json!({"type": 99, "id": "x", "components": 5, "new": true});
        let read = from_object(Object::new(&odd, "component"));
        assert_eq!(read.r#type, 99);
        assert!(read.components.is_empty());
    }
}
