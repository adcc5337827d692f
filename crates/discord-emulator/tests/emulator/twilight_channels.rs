//! An independent judge of the channel routes: twilight-http 0.18 creates a guild channel,
//! modifies it, sets and deletes a permission overwrite, triggers typing and deletes the
//! channel, with Discord's rate limits on; every answer parses into twilight-model types and
//! the emulator's state follows each call.

use discord_emulator::config::RateLimits;
use discord_emulator::{Emulator, Fixture, Options};
use twilight_http::Client;
use twilight_http::request::AuditLogReason as _;
use twilight_model::channel::ChannelType;
use twilight_model::channel::permission_overwrite::{PermissionOverwrite, PermissionOverwriteType};
use twilight_model::guild::Permissions;
use twilight_model::http::permission_overwrite as request;
use twilight_model::id::Id;
use twilight_model::id::marker::{GuildMarker, RoleMarker};

const GUILD: Id<GuildMarker> = Id::new(300000000000000001);
const ROLE: Id<RoleMarker> = Id::new(600000000000000123);

async fn start() -> (Emulator, Client) {
    let mut options = Options::new(Fixture::default_fixture());
    options.rate_limits.mode = RateLimits::Discord;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let emulator = Emulator::start(listener, options).await.unwrap();
    let client = Client::builder()
        .proxy(emulator.local_addr().to_string(), true)
        .token(emulator.token().to_owned())
        .build();
    (emulator, client)
}

#[tokio::test]
async fn twilight_creates_modifies_overwrites_types_in_and_deletes_a_channel() {
    let (emulator, client) = start().await;
    let created = client
        .create_guild_channel(GUILD, "judged")
        .kind(ChannelType::GuildText)
        .topic("first")
        .reason("judge")
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(created.name.as_deref(), Some("judged"));
    assert_eq!(created.guild_id, Some(GUILD));
    assert_eq!(created.kind, ChannelType::GuildText);

    let modified = client
        .update_channel(created.id)
        .name("renamed")
        .topic("second")
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(modified.id, created.id);
    assert_eq!(modified.name.as_deref(), Some("renamed"));
    assert_eq!(modified.topic.as_deref(), Some("second"));

    let allow = Permissions::SEND_MESSAGES | Permissions::VIEW_CHANNEL;
    let deny = Permissions::MANAGE_MESSAGES;
    client
        .update_channel_permission(
            created.id,
            &request::PermissionOverwrite {
                allow: Some(allow),
                deny: Some(deny),
                id: ROLE.cast(),
                kind: request::PermissionOverwriteType::Role,
            },
        )
        .await
        .unwrap();
    let overwrite = PermissionOverwrite {
        allow,
        deny,
        id: ROLE.cast(),
        kind: PermissionOverwriteType::Role,
    };
    let fetched = client
        .channel(created.id)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(fetched.permission_overwrites, Some(vec![overwrite]));

    client
        .delete_channel_permission(created.id)
        .role(ROLE)
        .await
        .unwrap();
    let fetched = client
        .channel(created.id)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(fetched.permission_overwrites, Some(Vec::new()));

    client.create_typing_trigger(created.id).await.unwrap();

    let deleted = client
        .delete_channel(created.id)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(deleted.id, created.id);
    let gone = client.channel(created.id).await.unwrap_err();
    assert!(gone.to_string().contains("10003"), "{gone}");

    let routes: Vec<String> = emulator
        .requests()
        .iter()
        .map(|request| format!("{} {}", request.method, request.path))
        .collect();
    assert!(
        routes
            .iter()
            .any(|route| route.ends_with(&format!("/channels/{}/typing", created.id))),
        "{routes:?}"
    );
}
