//! An independent judge of uploads and components: twilight-http 0.18 sends files
//! (`create_message().attachments(..)`, `update_message().attachments(..)` with
//! `keep_attachment_ids`) and components as multipart/JSON bodies of its own making, and every
//! answer parses into twilight-model types.

use discord_emulator::config::RateLimits;
use discord_emulator::{Emulator, Options};
use twilight_http::Client;
use twilight_model::channel::message::component::{
    ActionRow, Button, ButtonStyle, SelectMenu, SelectMenuOption, SelectMenuType,
};
use twilight_model::channel::message::{Component, Embed};
use twilight_model::http::attachment::Attachment;
use twilight_model::id::Id;
use twilight_model::id::marker::ChannelMarker;

const GENERAL: Id<ChannelMarker> = Id::new(400000000000000002);

async fn start() -> (Emulator, Client) {
    let mut options = Options::default();
    options.rate_limits.mode = RateLimits::Off;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let emulator = Emulator::start(listener, options).await.unwrap();
    let client = Client::builder()
        .proxy(emulator.local_addr().to_string(), true)
        .token(emulator.token().to_owned())
        .build();
    (emulator, client)
}

#[tokio::test]
async fn twilight_uploads_files_and_edits_them() {
    let (emulator, client) = start().await;
    let mut notes = Attachment::from_bytes("notes.txt".into(), b"some notes".to_vec(), 0);
    notes.description("the notes".into());
    let attachments = [
        notes,
        Attachment::from_bytes("data.csv".into(), b"a,b\n1,2\n".to_vec(), 1),
    ];
    let embed: Embed = serde_json::from_value(serde_json::json!({
        "type": "rich",
        "description": "see the file",
        "image": {"url": "attachment://data.csv"},
        "fields": [],
    }))
    .unwrap();
    let message = client
        .create_message(GENERAL)
        .content("files")
        .embeds(&[embed])
        .attachments(&attachments)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(message.attachments.len(), 2);
    assert_eq!(message.attachments[0].filename, "notes.txt");
    assert_eq!(
        message.attachments[0].description.as_deref(),
        Some("the notes")
    );
    assert_eq!(message.attachments[1].size, 8);
    let body = reqwest::get(&message.attachments[0].url)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&body[..], b"some notes");
    // twilight's body is multipart as Discord documents it.
    let logged = emulator.requests().pop().unwrap();
    let names: Vec<_> = logged
        .parts
        .unwrap()
        .into_iter()
        .map(|part| part.name)
        .collect();
    assert!(names.contains(&"payload_json".to_owned()), "{names:?}");
    assert!(names.contains(&"files[0]".to_owned()) && names.contains(&"files[1]".to_owned()));
    assert_eq!(logged.body.unwrap()["content"], "files");

    // Edit: keep the second attachment, add a new file.
    let keep = [message.attachments[1].id];
    let new = [Attachment::from_bytes(
        "more.txt".into(),
        b"more".to_vec(),
        7,
    )];
    let edited = client
        .update_message(GENERAL, message.id)
        .keep_attachment_ids(&keep)
        .attachments(&new)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    let names: Vec<_> = edited
        .attachments
        .iter()
        .map(|attachment| attachment.filename.as_str())
        .collect();
    assert_eq!(names, ["data.csv", "more.txt"]);
    assert!(edited.edited_timestamp.is_some());
}

#[tokio::test]
async fn twilight_sends_components() {
    let (_emulator, client) = start().await;
    let buttons = Component::ActionRow(ActionRow {
        id: None,
        components: vec![
            Component::Button(Button {
                custom_id: Some("yes".into()),
                disabled: false,
                emoji: None,
                id: None,
                label: Some("Yes".into()),
                sku_id: None,
                style: ButtonStyle::Success,
                url: None,
            }),
            Component::Button(Button {
                custom_id: None,
                disabled: false,
                emoji: None,
                id: None,
                label: Some("Docs".into()),
                sku_id: None,
                style: ButtonStyle::Link,
                url: Some("https://discord.com/developers/docs".into()),
            }),
        ],
    });
    let select = Component::ActionRow(ActionRow {
        id: None,
        components: vec![Component::SelectMenu(SelectMenu {
            channel_types: None,
            custom_id: "pick".into(),
            default_values: None,
            disabled: false,
            id: None,
            kind: SelectMenuType::Text,
            max_values: Some(2),
            min_values: Some(1),
            options: Some(vec![
                SelectMenuOption {
                    default: false,
                    description: None,
                    emoji: None,
                    label: "One".into(),
                    value: "1".into(),
                },
                SelectMenuOption {
                    default: true,
                    description: Some("the second".into()),
                    emoji: None,
                    label: "Two".into(),
                    value: "2".into(),
                },
            ]),
            placeholder: Some("Choose".into()),
            required: None,
        })],
    });
    let message = client
        .create_message(GENERAL)
        .content("components")
        .components(&[buttons, select])
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(message.components.len(), 2);
    let Component::ActionRow(row) = &message.components[0] else {
        panic!("{:?}", message.components[0]);
    };
    assert_eq!(row.id, Some(1));
    let Component::Button(button) = &row.components[1] else {
        panic!("{:?}", row.components[1]);
    };
    assert_eq!(button.style, ButtonStyle::Link);
    let Component::ActionRow(row) = &message.components[1] else {
        panic!("{:?}", message.components[1]);
    };
    let Component::SelectMenu(menu) = &row.components[0] else {
        panic!("{:?}", row.components[0]);
    };
    assert_eq!(menu.options.as_ref().unwrap()[1].value, "2");

    // Edit the components away.
    let edited = client
        .update_message(GENERAL, message.id)
        .components(Some(&[]))
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert!(edited.components.is_empty());
}
