//! An independent judge of the reaction and pin routes: twilight-http 0.18 adds, lists and
//! removes reactions (Unicode and a custom emoji of the fixture) and pins, unpins and lists
//! pins, with Discord's rate limits on (the reaction bucket makes it wait or retry); every
//! answer parses into twilight-model types.

use discord_emulator::Emulator;
use discord_emulator::config::RateLimits;
use twilight_http::Client;
use twilight_http::request::AuditLogReason as _;
use twilight_http::request::channel::reaction::RequestReactionType;
use twilight_model::channel::message::EmojiReactionType;
use twilight_model::id::Id;
use twilight_model::id::marker::{ChannelMarker, UserMarker};

use crate::support::emoji_options;

const GENERAL: Id<ChannelMarker> = Id::new(400000000000000002);
const BOT: Id<UserMarker> = Id::new(100000000000000001);

async fn start() -> (Emulator, Client) {
    let mut options = emoji_options();
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
async fn twilight_adds_lists_and_removes_reactions() {
    let (_emulator, client) = start().await;
    let message = client
        .create_message(GENERAL)
        .content("react")
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    let thumbs = RequestReactionType::Unicode { name: "👍" };
    let blob = RequestReactionType::Custom {
        id: Id::new(500000000000000001),
        name: Some("blob"),
    };
    for emoji in [&thumbs, &blob] {
        client
            .create_reaction(GENERAL, message.id, emoji)
            .await
            .unwrap();
    }
    let fetched = client
        .message(GENERAL, message.id)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(fetched.reactions.len(), 2);
    assert!(
        fetched
            .reactions
            .iter()
            .all(|reaction| reaction.me && reaction.count == 1)
    );
    assert!(matches!(
        &fetched.reactions[0].emoji,
        EmojiReactionType::Unicode { name } if name == "👍"
    ));
    assert!(matches!(
        &fetched.reactions[1].emoji,
        EmojiReactionType::Custom { id, name: Some(name), .. }
            if id.get() == 500000000000000001 && name == "blob"
    ));
    let users = client
        .reactions(GENERAL, message.id, &thumbs)
        .limit(10)
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    assert_eq!(users.iter().map(|user| user.id).collect::<Vec<_>>(), [BOT]);

    client
        .delete_current_user_reaction(GENERAL, message.id, &thumbs)
        .await
        .unwrap();
    client
        .delete_reaction(GENERAL, message.id, &blob, BOT)
        .await
        .unwrap();
    client
        .create_reaction(GENERAL, message.id, &thumbs)
        .await
        .unwrap();
    client
        .delete_all_reaction(GENERAL, message.id, &thumbs)
        .await
        .unwrap();
    client
        .create_reaction(GENERAL, message.id, &blob)
        .await
        .unwrap();
    client
        .delete_all_reactions(GENERAL, message.id)
        .await
        .unwrap();
    let fetched = client
        .message(GENERAL, message.id)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert!(fetched.reactions.is_empty());
}

#[tokio::test]
async fn twilight_pins_unpins_and_lists_pins() {
    let (emulator, client) = start().await;
    let mut ids = Vec::new();
    for content in ["one", "two"] {
        let message = client
            .create_message(GENERAL)
            .content(content)
            .await
            .unwrap()
            .model()
            .await
            .unwrap();
        client
            .create_pin(GENERAL, message.id)
            .reason("pin it")
            .await
            .unwrap();
        ids.push(message.id);
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let listing = client.pins(GENERAL).await.unwrap().model().await.unwrap();
    assert!(!listing.has_more);
    assert_eq!(
        listing
            .items
            .iter()
            .map(|pin| pin.message.id)
            .collect::<Vec<_>>(),
        [ids[1], ids[0]]
    );
    assert!(listing.items.iter().all(|pin| pin.message.pinned));
    let page = client
        .pins(GENERAL)
        .limit(1)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert!(page.has_more);
    let older = client
        .pins(GENERAL)
        .before(page.items[0].pinned_at)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(
        older
            .items
            .iter()
            .map(|pin| pin.message.id)
            .collect::<Vec<_>>(),
        [ids[0]]
    );
    client.delete_pin(GENERAL, ids[0]).await.unwrap();
    let listing = client.pins(GENERAL).await.unwrap().model().await.unwrap();
    assert_eq!(listing.items.len(), 1);
    let reasons: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|request| request.method == "PUT" && request.path.contains("/pins/"))
        .map(|request| request.audit_log_reason)
        .collect();
    assert_eq!(
        reasons,
        [Some("pin it".to_owned()), Some("pin it".to_owned())]
    );
}
