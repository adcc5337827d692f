//! Property tests: random `content` and `embed` values go through the server's conversion and
//! limit checks. Never a panic; either a body that Discord's OpenAPI schema accepts, or a clean
//! `INVALID_ARGUMENT` carrying Discord's 400/50035 JSON.

use discordproxy_proto::{
    Embed,
    embed::{
        Author as EmbedAuthor, Field as EmbedField, Footer as EmbedFooter, Image as EmbedImage,
        Provider as EmbedProvider, Thumbnail as EmbedThumbnail, Video as EmbedVideo,
    },
};
use discordproxy_server::{check_create_message_limits, create_message_body};
use discordproxy_tests::openapi::Spec;
use proptest::prelude::*;
use std::sync::OnceLock;

fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(Spec::load)
}

/// Short arbitrary text, or one character repeated to a length around `limit`.
fn text(limit: usize) -> impl Strategy<Value = String> {
    // Mostly within the limit, so that one field over it is often the only one.
    prop_oneof![
        6 => ".{0,12}",
        1 => (any::<char>(), limit.saturating_sub(3)..=limit + 3)
            .prop_map(|(c, n)| c.to_string().repeat(n)),
        2 => Just(String::new()),
    ]
}

fn url() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just(String::new()),
        4 => Just("https://example.com/a.png".to_owned()),
        1 => (2040usize..2060).prop_map(|n| format!("https://example.com/{}", "a".repeat(n - 20))),
    ]
}

/// Mostly a valid 24-bit colour, sometimes any `int32` (negative or too large).
fn color() -> impl Strategy<Value = i32> {
    prop_oneof![8 => 0..=0xFF_FF_FF, 1 => any::<i32>()]
}

fn media() -> impl Strategy<Value = (String, i32, i32)> {
    (url(), any::<i32>(), any::<i32>())
}

fn embed() -> impl Strategy<Value = Embed> {
    let fields = prop::collection::vec(
        (text(256), text(1024), any::<bool>()).prop_map(|(name, value, inline)| EmbedField {
            name,
            value,
            inline,
        }),
        0..28,
    );
    (
        (text(256), text(4096), url(), color()),
        (text(2048), text(256), text(256), url()),
        (media(), media(), media()),
        fields,
    )
        .prop_map(
            |(
                (title, description, url, color),
                (footer, author, provider, icon),
                images,
                fields,
            )| {
                let (image, thumbnail, video) = images;
                Embed {
                    title,
                    description,
                    url,
                    color,
                    footer: Some(EmbedFooter {
                        text: footer,
                        icon_url: icon.clone(),
                        ..Default::default()
                    }),
                    author: Some(EmbedAuthor {
                        name: author,
                        icon_url: icon,
                        ..Default::default()
                    }),
                    provider: Some(EmbedProvider {
                        name: provider,
                        ..Default::default()
                    }),
                    image: Some(EmbedImage {
                        url: image.0,
                        height: image.1,
                        width: image.2,
                        ..Default::default()
                    }),
                    thumbnail: Some(EmbedThumbnail {
                        url: thumbnail.0,
                        height: thumbnail.1,
                        width: thumbnail.2,
                        ..Default::default()
                    }),
                    video: Some(EmbedVideo {
                        url: video.0,
                        height: video.1,
                        width: video.2,
                        ..Default::default()
                    }),
                    fields,
                    ..Default::default()
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_messages_become_valid_bodies_or_invalid_argument(
        content in text(2000),
        embed in prop::option::of(embed()),
    ) {
        let body = create_message_body(&content, embed.as_ref());
        match check_create_message_limits(&body) {
            Ok(()) => {
                let checked = spec().validate_request(
                    "POST",
                    "/channels/1/messages",
                    &body,
                );
                prop_assert!(checked.is_ok(), "{checked:?}");
            }
            Err(error) => {
                let status = tonic::Status::from(error);
                prop_assert_eq!(status.code(), tonic::Code::InvalidArgument);
                let details: serde_json::Value = serde_json::from_str(status.message()).unwrap();
                prop_assert_eq!(&details["status"], 400);
                prop_assert_eq!(&details["code"], 50035);
                let text = details["text"].as_str().unwrap();
                prop_assert!(text.starts_with("Invalid Form Body\nIn "), "{}", text);
                // A body the check refuses is one Discord's schema refuses too, unless only
                // the 6000-character total (not expressible in the schema) was exceeded.
                let schema = spec().validate_request("POST", "/channels/1/messages", &body);
                prop_assert!(
                    schema.is_err() || text.contains("Embed size exceeds maximum size of 6000")
                        || text.contains("In content:"),
                    "refused but schema-valid: {}", text
                );
            }
        }
    }
}

#[test]
fn the_schema_judge_refuses_what_discord_refuses() {
    let long_title = serde_json::json!({"embeds": [{"title": "t".repeat(257)}]});
    assert!(
        spec()
            .validate_request("POST", "/channels/1/messages", &long_title)
            .is_err(),
        "the judge must refuse a 257-character title"
    );
    let fine = serde_json::json!({"embeds": [{"title": "t".repeat(256)}]});
    assert!(
        spec()
            .validate_request("POST", "/channels/1/messages", &fine)
            .is_ok()
    );
}
