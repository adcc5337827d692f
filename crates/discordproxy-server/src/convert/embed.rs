//! Embeds both ways: proto `Embed` → Discord's embed JSON (request bodies), and Discord's embed
//! object → proto `Embed` (replies).
//! <https://discord.com/developers/docs/resources/message#embed-object>

use super::{int32, iso};
use discordproxy_proto::{Embed, embed};
use serde_json::{Map, Value, json};
use twilight_model::channel::message::embed as discord;

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

/// Converts an embed Discord returned.
pub fn from_discord(embed: &discord::Embed) -> Embed {
    let size = |value: Option<u64>| value.map_or(0, int32);
    Embed {
        title: embed.title.clone().unwrap_or_default(),
        r#type: embed.kind.clone(),
        description: embed.description.clone().unwrap_or_default(),
        url: embed.url.clone().unwrap_or_default(),
        timestamp: embed.timestamp.map(iso).unwrap_or_default(),
        color: embed.color.map_or(0, |color| int32(u64::from(color))),
        footer: embed.footer.as_ref().map(|footer| embed::Footer {
            text: footer.text.clone(),
            icon_url: footer.icon_url.clone().unwrap_or_default(),
            proxy_icon_url: footer.proxy_icon_url.clone().unwrap_or_default(),
        }),
        image: embed.image.as_ref().map(|image| embed::Image {
            url: image.url.clone(),
            proxy_icon_url: image.proxy_url.clone().unwrap_or_default(),
            height: size(image.height),
            width: size(image.width),
        }),
        thumbnail: embed.thumbnail.as_ref().map(|thumbnail| embed::Thumbnail {
            url: thumbnail.url.clone(),
            proxy_url: thumbnail.proxy_url.clone().unwrap_or_default(),
            height: size(thumbnail.height),
            width: size(thumbnail.width),
        }),
        video: embed.video.as_ref().map(|video| embed::Video {
            url: video.url.clone().unwrap_or_default(),
            proxy_icon_url: video.proxy_url.clone().unwrap_or_default(),
            height: size(video.height),
            width: size(video.width),
        }),
        provider: embed.provider.as_ref().map(|provider| embed::Provider {
            name: provider.name.clone().unwrap_or_default(),
            url: provider.url.clone().unwrap_or_default(),
        }),
        author: embed.author.as_ref().map(|author| embed::Author {
            name: author.name.clone(),
            url: author.url.clone().unwrap_or_default(),
            icon_url: author.icon_url.clone().unwrap_or_default(),
            proxy_icon_url: author.proxy_icon_url.clone().unwrap_or_default(),
        }),
        fields: embed
            .fields
            .iter()
            .map(|field| embed::Field {
                name: field.name.clone(),
                value: field.value.clone(),
                inline: field.inline,
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
        let discord: discord::Embed = serde_json::from_str(json).unwrap();
        let proto = from_discord(&discord);
        assert_eq!(proto.r#type, "rich");
        assert_eq!(proto.color, 16_711_680);
        assert_eq!(proto.timestamp, "2021-03-04T05:06:07.123456+00:00");
        assert_eq!(proto.footer.unwrap().proxy_icon_url, "https://p/f.png");
        assert!(proto.fields[0].inline);
    }
}
