//! An independent judge: twilight-http 0.18 talks to the emulator unchanged and every response
//! deserializes into twilight-model types (this checks the emulator's JSON shapes).

use discord_emulator::{Emulator, Options};
use twilight_http::Client;
use twilight_http::api_error::ApiError;
use twilight_http::error::ErrorType;
use twilight_model::channel::ChannelType;
use twilight_model::channel::message::Embed;
use twilight_model::channel::message::embed::{EmbedAuthor, EmbedField, EmbedFooter};
use twilight_model::id::Id;
use twilight_model::id::marker::{ChannelMarker, GuildMarker, UserMarker};

const GUILD: Id<GuildMarker> = Id::new(300000000000000001);
const GENERAL: Id<ChannelMarker> = Id::new(400000000000000002);
const STAFF_ONLY: Id<ChannelMarker> = Id::new(400000000000000007);
const BIG: Id<ChannelMarker> = Id::new(18014398509481985);
const ALICE: Id<UserMarker> = Id::new(200000000000000001);
const BOB_DMS_CLOSED: Id<UserMarker> = Id::new(200000000000000002);

async fn start() -> (Emulator, Client) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let emulator = Emulator::start(listener, Options::default()).await.unwrap();
    let client = Client::builder()
        .proxy(emulator.local_addr().to_string(), true)
        .token(emulator.token().to_owned())
        .build();
    (emulator, client)
}

/// The HTTP status and Discord error code of a failed twilight request.
fn status_and_code(error: &twilight_http::Error) -> (u16, u64) {
    match error.kind() {
        ErrorType::Response { status, error, .. } => {
            let code = match error {
                ApiError::General(general) => general.code,
                other => panic!("unexpected API error body {other:?}"),
            };
            (status.get(), code)
        }
        other => panic!("expected a Discord error response, got {other:?}"),
    }
}

#[tokio::test]
async fn twilight_reads_users_channels_and_guilds() {
    let (emulator, client) = start().await;

    let me = client.current_user().await.unwrap().model().await.unwrap();
    assert_eq!(me.id, Id::new(100000000000000001));
    assert!(me.bot);
    assert_eq!(me.name, "sandbox-bot");

    let alice = client.user(ALICE).await.unwrap().model().await.unwrap();
    assert_eq!(alice.name, "alice");
    assert!(!alice.bot);

    let general = client
        .channel(GENERAL)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(general.kind, ChannelType::GuildText);
    assert_eq!(general.guild_id, Some(GUILD));
    assert_eq!(general.name.as_deref(), Some("general"));
    assert_eq!(general.topic.as_deref(), Some("General chat"));

    let big = client.channel(BIG).await.unwrap().model().await.unwrap();
    assert_eq!(big.id, BIG);

    let guild = client.guild(GUILD).await.unwrap().model().await.unwrap();
    assert_eq!(guild.id, GUILD);
    assert_eq!(guild.name, "Sandbox Guild");
    assert_eq!(guild.owner_id, ALICE);
    assert_eq!(guild.roles.len(), 4);

    let channels = client
        .guild_channels(GUILD)
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    let kinds: Vec<ChannelType> = channels.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [
            ChannelType::GuildCategory,
            ChannelType::GuildText,
            ChannelType::GuildVoice,
            ChannelType::GuildAnnouncement,
            ChannelType::GuildForum,
            ChannelType::GuildStageVoice,
            ChannelType::GuildText,
            ChannelType::GuildText,
            ChannelType::GuildText,
        ]
    );
    assert_eq!(channels[8].id, BIG);
    assert_eq!(channels[1].parent_id, Some(Id::new(400000000000000001)));
    assert_eq!(channels[2].bitrate, Some(64000));

    let error = client.channel(STAFF_ONLY).await.unwrap_err();
    assert_eq!(status_and_code(&error), (403, 50001));
    let error = client.channel(Id::new(1)).await.unwrap_err();
    assert_eq!(status_and_code(&error), (404, 10003));

    emulator.shutdown().await;
}

#[tokio::test]
async fn twilight_creates_messages_and_dms() {
    let (emulator, client) = start().await;

    let embed = Embed {
        author: Some(EmbedAuthor {
            icon_url: Some("https://example.com/a.png".into()),
            name: "Author".into(),
            proxy_icon_url: None,
            url: None,
        }),
        color: Some(0x3498db),
        description: Some("Description".into()),
        flags: None,
        fields: vec![
            EmbedField {
                inline: true,
                name: "a".into(),
                value: "1".into(),
            },
            EmbedField {
                inline: false,
                name: "b".into(),
                value: "2".into(),
            },
        ],
        footer: Some(EmbedFooter {
            icon_url: Some("https://example.com/f.png".into()),
            proxy_icon_url: None,
            text: "Footer".into(),
        }),
        image: None,
        kind: "rich".into(),
        provider: None,
        thumbnail: None,
        timestamp: None,
        title: Some("Title".into()),
        url: Some("https://example.com".into()),
        video: None,
    };
    let message = client
        .create_message(GENERAL)
        .content("hello @everyone")
        .embeds(std::slice::from_ref(&embed))
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(message.channel_id, GENERAL);
    assert_eq!(message.content, "hello @everyone");
    assert!(message.mention_everyone);
    assert_eq!(message.author.id, Id::new(100000000000000001));
    assert_eq!(message.embeds.len(), 1);
    let echoed = &message.embeds[0];
    assert_eq!(echoed.kind, "rich");
    assert_eq!(echoed.fields, embed.fields);
    assert!(echoed.author.as_ref().unwrap().proxy_icon_url.is_some());
    assert!(echoed.footer.as_ref().unwrap().proxy_icon_url.is_some());

    let listed = client
        .channel_messages(GENERAL)
        .limit(10)
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, message.id);

    let dm = client
        .create_private_channel(ALICE)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(dm.kind, ChannelType::Private);
    assert_eq!(dm.recipients.as_ref().unwrap()[0].id, ALICE);
    let sent = client
        .create_message(dm.id)
        .content("hi")
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(sent.channel_id, dm.id);
    assert!(!sent.mention_everyone);

    let closed = client
        .create_private_channel(BOB_DMS_CLOSED)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    let error = client
        .create_message(closed.id)
        .content("hi")
        .await
        .unwrap_err();
    assert_eq!(status_and_code(&error), (403, 50007));

    let requests = emulator.requests();
    let posts = requests
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages"))
        .count();
    assert_eq!(posts, 3);
    emulator.shutdown().await;
}
