//! An independent judge of the webhook routes: twilight-http 0.18 creates, lists, reads,
//! modifies and deletes a webhook with the bot token, executes it and reads, edits and deletes
//! its message with the webhook token, with Discord's rate limits on; every answer parses into
//! twilight-model types.

use discord_emulator::config::RateLimits;
use discord_emulator::{Emulator, Fixture, Options};
use twilight_http::Client;
use twilight_http::request::AuditLogReason as _;
use twilight_model::channel::WebhookType;
use twilight_model::id::Id;
use twilight_model::id::marker::{ChannelMarker, GuildMarker, UserMarker};

const GUILD: Id<GuildMarker> = Id::new(300000000000000001);
const GENERAL: Id<ChannelMarker> = Id::new(400000000000000002);
const BOT: Id<UserMarker> = Id::new(100000000000000001);

#[tokio::test]
async fn twilight_manages_and_executes_webhooks() {
    let mut options = Options::new(Fixture::default_fixture());
    options.rate_limits.mode = RateLimits::Discord;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let emulator = Emulator::start(listener, options).await.unwrap();
    let client = Client::builder()
        .proxy(emulator.local_addr().to_string(), true)
        .token(emulator.token().to_owned())
        .build();

    let webhook = client
        .create_webhook(GENERAL, "Alerts")
        .avatar("data:image/png;base64,iVBORw0KGgo=")
        .reason("alerts")
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(webhook.kind, WebhookType::Incoming);
    assert_eq!(webhook.channel_id, Some(GENERAL));
    assert_eq!(webhook.guild_id, Some(GUILD));
    assert_eq!(webhook.user.as_ref().map(|user| user.id), Some(BOT));
    assert!(webhook.avatar.is_some());
    let token = webhook.token.clone().unwrap();

    let listed = client
        .channel_webhooks(GENERAL)
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    let guild = client
        .guild_webhooks(GUILD)
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    assert_eq!(guild[0].id, webhook.id);
    let got = client
        .webhook(webhook.id)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(got.name.as_deref(), Some("Alerts"));
    let renamed = client
        .update_webhook(webhook.id)
        .name("Renamed")
        .avatar(None)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(renamed.name.as_deref(), Some("Renamed"));
    assert_eq!(renamed.avatar, None);

    let message = client
        .execute_webhook(webhook.id, &token)
        .content("hello")
        .username("Ops")
        .wait()
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(message.webhook_id, Some(webhook.id));
    assert_eq!(message.author.name, "Ops");
    assert!(message.author.bot);
    let no_wait = client
        .execute_webhook(webhook.id, &token)
        .content("quiet")
        .await
        .unwrap();
    assert_eq!(no_wait.status().get(), 204);
    let read = client
        .webhook_message(webhook.id, &token, message.id)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(read.content, "hello");
    let edited = client
        .update_webhook_message(webhook.id, &token, message.id)
        .content(Some("edited"))
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(edited.content, "edited");
    assert!(edited.edited_timestamp.is_some());
    client
        .delete_webhook_message(webhook.id, &token, message.id)
        .await
        .unwrap();
    let with_token = client
        .webhook(webhook.id)
        .token(&token)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert!(with_token.user.is_none(), "token routes answer no user");
    let renamed = client
        .update_webhook_with_token(webhook.id, &token)
        .name("By token")
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(renamed.name.as_deref(), Some("By token"));
    client.delete_webhook(webhook.id).await.unwrap();
    let gone = client.webhook(webhook.id).await.unwrap_err();
    assert!(gone.to_string().contains("10015"), "{gone}");
}
