//! Embeds both ways: proto `Embed` → Discord's embed JSON (request bodies), and Discord's embed
//! object → proto `Embed` (replies).
//! <https://discord.com/developers/docs/resources/message#embed-object>

use super::json::Object;
use discordproxy_proto::{Embed, embed};
use serde_json::{Map, Value, json};

/// Discord's JSON for an embed sent by a client, in Discord's snake_case key names.
///
/// Only fields the client set are present: empty strings, zero numbers and sub-objects whose
/// fields are all defaults are left out (no `color: 0`, no `title: ""`). Fields keep their order
/// and always carry `inline`. Response-only keys (`proxy_url`, `proxy_icon_url`, `provider`,
/// `video`) are set by Discord and not sent, except `provider`/`video` URLs a client set
/// explicitly. Returns an empty map when nothing is set: such an embed is not sent.
pub fn to_json(embed: &Embed) -> Map<String, Value> {
    let mut out = Map::new();
    put_str(&mut out, "title", &embed.title);
    put_str(&mut out, "type", &embed.r#type);
    put_str(&mut out, "description", &embed.description);
    put_str(&mut out, "url", &embed.url);
    put_str(&mut out, "timestamp", &embed.timestamp);
    if embed.color != 0 {
        out.insert("color".into(), json!(embed.color));
    }
    if let Some(footer) = &embed.footer {
        let mut object = Map::new();
        put_str(&mut object, "text", &footer.text);
        put_str(&mut object, "icon_url", &footer.icon_url);
        put_object(&mut out, "footer", object);
    }
    if let Some(image) = &embed.image {
        put_object(
            &mut out,
            "image",
            media(&image.url, image.height, image.width),
        );
    }
    if let Some(thumbnail) = &embed.thumbnail {
        put_object(
            &mut out,
            "thumbnail",
            media(&thumbnail.url, thumbnail.height, thumbnail.width),
        );
    }
    if let Some(video) = &embed.video {
        put_object(
            &mut out,
            "video",
            media(&video.url, video.height, video.width),
        );
    }
    if let Some(provider) = &embed.provider {
        let mut object = Map::new();
        put_str(&mut object, "name", &provider.name);
        put_str(&mut object, "url", &provider.url);
        put_object(&mut out, "provider", object);
    }
    if let Some(author) = &embed.author {
        let mut object = Map::new();
        put_str(&mut object, "name", &author.name);
        put_str(&mut object, "url", &author.url);
        put_str(&mut object, "icon_url", &author.icon_url);
        put_object(&mut out, "author", object);
    }
    if !embed.fields.is_empty() {
        let fields = embed
            .fields
            .iter()
            .map(|field| json!({"name": field.name, "value": field.value, "inline": field.inline}))
            .collect();
        out.insert("fields".into(), Value::Array(fields));
    }
    out
}

fn put_str(object: &mut Map<String, Value>, key: &str, value: &str) {
    if !value.is_empty() {
        object.insert(key.into(), Value::String(value.to_owned()));
    }
}

fn put_object(object: &mut Map<String, Value>, key: &str, value: Map<String, Value>) {
    if !value.is_empty() {
        object.insert(key.into(), Value::Object(value));
    }
}

fn media(url: &str, height: i32, width: i32) -> Map<String, Value> {
    let mut object = Map::new();
    put_str(&mut object, "url", url);
    if height > 0 {
        object.insert("height".into(), json!(height));
    }
    if width > 0 {
        object.insert("width".into(), json!(width));
    }
    object
}

/// Converts an embed Discord returned, read tolerantly (see [`super::json`]).
pub(crate) fn from_json(embed: Object<'_>) -> Embed {
    Embed {
        title: embed.string("title"),
        r#type: embed.string("type"),
        description: embed.string("description"),
        url: embed.string("url"),
        timestamp: embed.timestamp("timestamp"),
        color: embed.int32("color"),
        footer: embed
            .object("footer", "embed footer")
            .map(|footer| embed::Footer {
                text: footer.string("text"),
                icon_url: footer.string("icon_url"),
                proxy_icon_url: footer.string("proxy_icon_url"),
            }),
        image: embed
            .object("image", "embed image")
            .map(|image| embed::Image {
                url: image.string("url"),
                proxy_icon_url: image.string("proxy_url"),
                height: image.int32("height"),
                width: image.int32("width"),
            }),
        thumbnail: embed
            .object("thumbnail", "embed thumbnail")
            .map(|thumbnail| embed::Thumbnail {
                url: thumbnail.string("url"),
                proxy_url: thumbnail.string("proxy_url"),
                height: thumbnail.int32("height"),
                width: thumbnail.int32("width"),
            }),
        video: embed
            .object("video", "embed video")
            .map(|video| embed::Video {
                url: video.string("url"),
                proxy_icon_url: video.string("proxy_url"),
                height: video.int32("height"),
                width: video.int32("width"),
            }),
        provider: embed
            .object("provider", "embed provider")
            .map(|provider| embed::Provider {
                name: provider.string("name"),
                url: provider.string("url"),
            }),
        author: embed
            .object("author", "embed author")
            .map(|author| embed::Author {
                name: author.string("name"),
                url: author.string("url"),
                icon_url: author.string("icon_url"),
                proxy_icon_url: author.string("proxy_icon_url"),
            }),
        fields: embed
            .objects("fields", "embed field")
            .into_iter()
            .map(|field| embed::Field {
                name: field.string("name"),
                value: field.string("value"),
                inline: field.boolean("inline"),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_fields_are_omitted_and_keys_are_snake_case() {
        let embed = Embed {
            title: "Title".into(),
            footer: Some(embed::Footer {
                text: "foot".into(),
                icon_url: "https://i/f.png".into(),
                ..Default::default()
            }),
            author: Some(embed::Author {
                name: "Author".into(),
                icon_url: "https://i/a.png".into(),
                ..Default::default()
            }),
            thumbnail: Some(embed::Thumbnail::default()),
            ..Default::default()
        };
        assert_eq!(
            Value::Object(to_json(&embed)),
            json!({
                "title": "Title",
                "footer": {"text": "foot", "icon_url": "https://i/f.png"},
                "author": {"name": "Author", "icon_url": "https://i/a.png"},
            })
        );
    }

    #[test]
    fn all_default_embed_is_empty() {
        let embed = Embed {
            footer: Some(embed::Footer::default()),
            ..Default::default()
        };
        assert!(to_json(&embed).is_empty());
    }

    #[test]
    fn fields_keep_order_inline_and_empty_values() {
        let embed = Embed {
            fields: vec![
                embed::Field {
                    name: "b".into(),
                    value: "2".into(),
                    inline: true,
                },
                embed::Field {
                    name: "a".into(),
                    value: String::new(),
                    inline: false,
                },
            ],
            color: 0x3498db,
            ..Default::default()
        };
        assert_eq!(
            Value::Object(to_json(&embed)),
            json!({
                "color": 0x3498db,
                "fields": [
                    {"name": "b", "value": "2", "inline": true},
                    {"name": "a", "value": "", "inline": false},
                ],
            })
        );
    }

    #[test]
    fn discord_embed_converts_back() {
        let json = r#"{"type": "rich", "title": "T", "color": 16711680,
            "timestamp": "2021-03-04T05:06:07.123456+00:00",
            "footer": {"text": "f", "icon_url": "https://i/f.png", "proxy_icon_url": "https://p/f.png"},
            "fields": [{"name": "n", "value": "v", "inline": true}]}"#;
        let value: Value = serde_json::from_str(json).unwrap();
        let proto = from_json(Object::new(&value, "embed"));
        assert_eq!(proto.r#type, "rich");
        assert_eq!(proto.color, 16_711_680);
        assert_eq!(proto.timestamp, "2021-03-04T05:06:07.123456+00:00");
        assert_eq!(proto.footer.unwrap().proxy_icon_url, "https://p/f.png");
        assert!(proto.fields[0].inline);
    }

    #[test]
    fn odd_embed_fields_are_defaults_and_the_rest_is_kept() {
        let value = json!({"type": "gifv_of_the_future", "title": "T", "color": "red",
            "footer": "not an object", "fields": [{"name": "n", "value": 5}, 7],
            "timestamp": "not a time", "new_field": true});
        let proto = from_json(Object::new(&value, "embed"));
        assert_eq!(proto.r#type, "gifv_of_the_future");
        assert_eq!(proto.title, "T");
        assert_eq!(proto.color, 0);
        assert!(proto.footer.is_none());
        assert_eq!(proto.fields.len(), 1);
        assert_eq!(
            (
                proto.fields[0].name.as_str(),
                proto.fields[0].value.as_str()
            ),
            ("n", "")
        );
        assert_eq!(proto.timestamp, "not a time");
    }
}
