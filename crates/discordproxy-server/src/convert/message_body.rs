//! The JSON body of Discord's Create Message request built from an RPC's `content` and `embed`.
//! <https://discord.com/developers/docs/resources/message#create-message>

use super::embed;
use discordproxy_proto::Embed;
use serde_json::{Map, Value};

/// Builds the body: `content` only when non-empty, `embeds: [..]` only when the embed has a
/// field set. No `allowed_mentions`, so `@everyone` pings as it did with the original server.
/// With neither, the body is `{}` and Discord answers 400/50006 as it would have for the original.
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
        let embed = Embed {
            description: "d".into(),
            ..Default::default()
        };
        assert_eq!(
            create_message("", Some(&embed)),
            json!({"embeds": [{"description": "d"}]})
        );
    }
}
