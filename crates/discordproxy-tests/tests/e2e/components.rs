//! Issue 12, components: typed `Component`s on SendChannelMessage and EditChannelMessage reach
//! Discord with Discord's field names (unset ones not sent, judged by Discord's OpenAPI) and
//! come back typed; Discord's limits refuse before any request; a component Discord refuses
//! (400/50035) is `INVALID_ARGUMENT` with Discord's JSON details.

use crate::message_support::{GENERAL, details, judge_body, judge_response, requests_since, route};
use discordproxy_proto::{
    CallDiscordApiRequest, Component, EditChannelMessageRequest, SendChannelMessageRequest,
    component::{self, Type},
};
use discordproxy_tests::stack::Stack;
use serde_json::{Value, json};
use tonic::Code;

fn button(custom_id: &str, label: &str) -> Component {
    Component {
        r#type: Type::Button.into(),
        style: 1,
        custom_id: custom_id.into(),
        label: label.into(),
        ..Default::default()
    }
}

fn row(components: Vec<Component>) -> Component {
    Component {
        r#type: Type::ActionRow.into(),
        components,
        ..Default::default()
    }
}

fn select() -> Component {
    Component {
        r#type: Type::StringSelect.into(),
        custom_id: "pick".into(),
        placeholder: "Choose".into(),
        min_values: Some(1),
        max_values: Some(2),
        options: vec![
            component::SelectOption {
                label: "One".into(),
                value: "1".into(),
                ..Default::default()
            },
            component::SelectOption {
                label: "Two".into(),
                value: "2".into(),
                description: "the second".into(),
                default: true,
                ..Default::default()
            },
        ],
        ..Default::default()
    }
}

#[tokio::test]
async fn components_round_trip_typed() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let skip = stack.emulator.requests().len();
    let link = Component {
        r#type: Type::Button.into(),
        style: 5,
        label: "Docs".into(),
        url: "https://discord.com/developers/docs".into(),
        ..Default::default()
    };
    let sent = client
        .send_channel_message(SendChannelMessageRequest {
            channel_id: GENERAL,
            content: "vote".into(),
            components: vec![row(vec![button("yes", "Yes"), link]), row(vec![select()])],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let post = requests_since(&stack, skip)
        .into_iter()
        .find(|request| route(request) == format!("POST /channels/{GENERAL}/messages"))
        .unwrap();
    let body = judge_body(&post);
    judge_response(&post);
    assert_eq!(
        body["components"],
        json!([
            {"type": 1, "components": [
                {"type": 2, "custom_id": "yes", "label": "Yes", "style": 1},
                {"type": 2, "label": "Docs", "url": "https://discord.com/developers/docs", "style": 5},
            ]},
            {"type": 1, "components": [
                {"type": 3, "custom_id": "pick", "placeholder": "Choose", "min_values": 1, "max_values": 2,
                 "options": [{"label": "One", "value": "1"},
                             {"label": "Two", "value": "2", "description": "the second", "default": true}]},
            ]},
        ])
    );
    let message = sent.message.unwrap();
    assert_eq!(message.components.len(), 2);
    assert_eq!(message.components[0].id, 1, "Discord numbers components");
    assert_eq!(message.components[0].components[0].custom_id, "yes");
    assert_eq!(message.components[1].components[0].options[1].value, "2");
    assert_eq!(message.components[1].components[0].max_values, Some(2));

    // Edit: new components replace the old ones.
    let edited = client
        .edit_channel_message(EditChannelMessageRequest {
            channel_id: GENERAL,
            message_id: message.id,
            components: vec![row(vec![Component {
                disabled: true,
                ..button("yes", "Closed")
            }])],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    assert_eq!(edited.components.len(), 1);
    assert!(edited.components[0].components[0].disabled);
    assert_eq!(edited.components[0].components[0].label, "Closed");
}

#[tokio::test]
async fn components_v2_layouts_round_trip() {
    let stack = Stack::start().await;
    let container = Component {
        r#type: Type::Container.into(),
        accent_color: Some(0x5865F2),
        components: vec![
            Component {
                r#type: Type::TextDisplay.into(),
                content: "# Status".into(),
                ..Default::default()
            },
            Component {
                r#type: Type::Separator.into(),
                divider: Some(true),
                spacing: Some(1),
                ..Default::default()
            },
            Component {
                r#type: Type::Section.into(),
                components: vec![Component {
                    r#type: Type::TextDisplay.into(),
                    content: "All good".into(),
                    ..Default::default()
                }],
                accessory: Some(Box::new(button("refresh", "Refresh"))),
                ..Default::default()
            },
        ],
        ..Default::default()
    };
    let message = stack
        .client()
        .await
        .send_channel_message(SendChannelMessageRequest {
            channel_id: GENERAL,
            flags: 32768,
            components: vec![container],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    let container = &message.components[0];
    assert_eq!(container.r#type, i32::from(Type::Container));
    assert_eq!(container.accent_color, Some(0x5865F2));
    assert_eq!(container.components[1].divider, Some(true));
    let section = &container.components[2];
    assert_eq!(section.accessory.as_ref().unwrap().custom_id, "refresh");
    assert_eq!(section.components[0].content, "All good");

    // An edit of a Components V2 message need not repeat the flag.
    let edited = stack
        .client()
        .await
        .edit_channel_message(EditChannelMessageRequest {
            channel_id: GENERAL,
            message_id: message.id,
            components: vec![Component {
                r#type: Type::TextDisplay.into(),
                content: "Done".into(),
                ..Default::default()
            }],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    assert_eq!(edited.components[0].content, "Done");
    assert_eq!(edited.flags, 32768);
}

#[tokio::test]
async fn limits_refuse_before_any_request_and_discords_50035_is_invalid_argument() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let skip = stack.emulator.requests().len();
    let too_many = (0..6).map(|n| button(&n.to_string(), "B")).collect();
    let status = client
        .send_channel_message(SendChannelMessageRequest {
            channel_id: GENERAL,
            content: "x".into(),
            components: vec![row(too_many)],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let text = details(&status)["text"].as_str().unwrap().to_owned();
    assert_eq!(
        text,
        "Invalid Form Body\nIn components.0.components: Must be 5 or fewer in length."
    );
    let status = client
        .send_channel_message(SendChannelMessageRequest {
            channel_id: GENERAL,
            content: "x".into(),
            components: vec![row(vec![button(&"c".repeat(101), &"l".repeat(81))])],
            ..Default::default()
        })
        .await
        .unwrap_err();
    let text = details(&status)["text"].as_str().unwrap().to_owned();
    assert!(
        text.contains("In components.0.components.0.custom_id"),
        "{text}"
    );
    assert!(
        text.contains("In components.0.components.0.label"),
        "{text}"
    );
    assert!(requests_since(&stack, skip).is_empty());

    // Within our limits but refused by Discord: a button without custom_id.
    let status = client
        .send_channel_message(SendChannelMessageRequest {
            channel_id: GENERAL,
            content: "x".into(),
            components: vec![row(vec![button("", "No id")])],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    let details = details(&status);
    assert_eq!(details["type"], "HTTPException");
    assert_eq!(details["status"], 400);
    assert_eq!(details["code"], 50035);
    assert!(
        details["text"]
            .as_str()
            .unwrap()
            .contains("In components.0.components.0.custom_id: This field is required"),
        "{details}"
    );
    // Through CallDiscordApi the same answer.
    let status = client
        .call_discord_api(CallDiscordApiRequest {
            method: "POST".into(),
            path: format!("/channels/{GENERAL}/messages"),
            json: json!({"content": "x", "components": [{"type": 1, "components": []}]})
                .to_string(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let details: Value = serde_json::from_str(status.message()).unwrap();
    assert_eq!(details["code"], 50035);
}
