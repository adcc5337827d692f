//! An independent judge of the message routes: twilight-http 0.18 gets, lists, edits, deletes,
//! bulk deletes, crossposts and replies to messages on the emulator, and every answer parses
//! into twilight-model types; the audit-log reason twilight sends is in the request log.

use discord_emulator::config::RateLimits;
use discord_emulator::{Emulator, Options};
use serde_json::json;
use twilight_http::Client;
use twilight_http::api_error::ApiError;
use twilight_http::error::ErrorType;
use twilight_http::request::AuditLogReason as _;
use twilight_model::channel::message::{MessageFlags, MessageType};
use twilight_model::id::Id;
use twilight_model::id::marker::{ChannelMarker, MessageMarker, UserMarker};

const GENERAL: Id<ChannelMarker> = Id::new(400000000000000002);
const ANNOUNCEMENTS: Id<ChannelMarker> = Id::new(400000000000000004);
const ALICE: Id<UserMarker> = Id::new(200000000000000001);
const BOT: Id<UserMarker> = Id::new(100000000000000001);

async fn start() -> (Emulator, Client) {
    let mut options = Options::default();
    // Bulk delete allows one request per second: without limits the test does not wait.
    options.rate_limits.mode = RateLimits::Off;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let emulator = Emulator::start(listener, options).await.unwrap();
    let client = Client::builder()
        .proxy(emulator.local_addr().to_string(), true)
        .token(emulator.token().to_owned())
        .build();
    (emulator, client)
}

/// The HTTP status and Discord error code of a failed twilight request.
fn status_and_code(error: &twilight_http::Error) -> (u16, u64) {
    match error.kind() {
        ErrorType::Response { status, error, .. } => match error {
            ApiError::General(general) => (status.get(), general.code),
            other => panic!("unexpected API error body {other:?}"),
        },
        other => panic!("expected a Discord error response, got {other:?}"),
    }
}

/// A message of alice in `channel`, through the control API.
async fn from_alice(emulator: &Emulator, channel: Id<ChannelMarker>) -> Id<MessageMarker> {
    let url = format!(
        "{}/_emulator/channels/{channel}/messages",
        emulator.base_url()
    );
    let body = json!({"author_id": ALICE.to_string(), "content": "from alice"});
    let message: serde_json::Value = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    message["id"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn twilight_gets_lists_edits_and_deletes_messages() {
    let (emulator, client) = start().await;
    let mut ids = Vec::new();
    for n in 0..4 {
        let message = client
            .create_message(GENERAL)
            .content(&format!("message {n}"))
            .await
            .unwrap()
            .model()
            .await
            .unwrap();
        ids.push(message.id);
    }

    let fetched = client
        .message(GENERAL, ids[1])
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(fetched.id, ids[1]);
    assert_eq!(fetched.content, "message 1");
    assert_eq!(fetched.author.id, BOT);
    let before = client
        .channel_messages(GENERAL)
        .before(ids[3])
        .limit(2)
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    assert_eq!(
        before.iter().map(|m| m.id).collect::<Vec<_>>(),
        [ids[2], ids[1]]
    );
    let around = client
        .channel_messages(GENERAL)
        .around(ids[1])
        .limit(3)
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    assert_eq!(
        around.iter().map(|m| m.id).collect::<Vec<_>>(),
        [ids[2], ids[1], ids[0]]
    );

    let edited = client
        .update_message(GENERAL, ids[0])
        .content(Some("edited"))
        .flags(MessageFlags::SUPPRESS_EMBEDS)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(edited.content, "edited");
    assert!(edited.edited_timestamp.is_some());
    assert_eq!(edited.flags, Some(MessageFlags::SUPPRESS_EMBEDS));
    let error = client
        .update_message(GENERAL, Id::new(1))
        .content(Some("x"))
        .await
        .unwrap_err();
    assert_eq!(status_and_code(&error), (404, 10008));
    let theirs = from_alice(&emulator, GENERAL).await;
    let error = client
        .update_message(GENERAL, theirs)
        .content(Some("mine"))
        .await
        .unwrap_err();
    assert_eq!(status_and_code(&error), (403, 50005));

    client
        .delete_message(GENERAL, ids[3])
        .reason("cleanup: ✅ done")
        .await
        .unwrap();
    let error = client.message(GENERAL, ids[3]).await.unwrap_err();
    assert_eq!(status_and_code(&error), (404, 10008));
    client
        .delete_messages(GENERAL, &[ids[1], ids[2], theirs])
        .reason("bulk")
        .await
        .unwrap();
    let left = client
        .channel_messages(GENERAL)
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    assert_eq!(left.iter().map(|m| m.id).collect::<Vec<_>>(), [ids[0]]);
    let error = client
        .delete_messages(GENERAL, &[ids[0], Id::new(175928847299117063)])
        .await
        .unwrap_err();
    assert_eq!(status_and_code(&error), (400, 50034));

    let reasons: Vec<(String, Option<String>)> = emulator
        .requests()
        .into_iter()
        .filter(|request| request.method == "DELETE" || request.path.ends_with("/bulk-delete"))
        .map(|request| (request.method, request.audit_log_reason))
        .collect();
    assert_eq!(
        reasons,
        [
            ("DELETE".to_owned(), Some("cleanup: ✅ done".to_owned())),
            ("POST".to_owned(), Some("bulk".to_owned())),
            ("POST".to_owned(), None),
        ]
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn twilight_crossposts_and_replies() {
    let (emulator, client) = start().await;
    let news = client
        .create_message(ANNOUNCEMENTS)
        .content("news")
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    let published = client
        .crosspost_message(ANNOUNCEMENTS, news.id)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(published.id, news.id);
    assert!(published.flags.unwrap().contains(MessageFlags::CROSSPOSTED));
    let error = client
        .crosspost_message(ANNOUNCEMENTS, news.id)
        .await
        .unwrap_err();
    assert_eq!(status_and_code(&error), (400, 40033));
    let text = client
        .create_message(GENERAL)
        .content("text")
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    let error = client
        .crosspost_message(GENERAL, text.id)
        .await
        .unwrap_err();
    assert_eq!(status_and_code(&error), (400, 50024));

    let question = from_alice(&emulator, GENERAL).await;
    let answer = client
        .create_message(GENERAL)
        .content("answer")
        .reply(question)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(answer.kind, MessageType::Reply);
    let reference = answer.reference.as_ref().unwrap();
    assert_eq!(reference.message_id, Some(question));
    assert_eq!(reference.channel_id, Some(GENERAL));
    let referenced = answer.referenced_message.as_ref().unwrap();
    assert_eq!(referenced.id, question);
    assert_eq!(referenced.author.id, ALICE);
    assert_eq!(answer.mentions[0].id, ALICE);
    let error = client
        .create_message(GENERAL)
        .content("answer")
        .reply(Id::new(1))
        .await
        .unwrap_err();
    assert_eq!(status_and_code(&error), (400, 50035));
    let loose = client
        .create_message(GENERAL)
        .content("answer")
        .reply(Id::new(1))
        .fail_if_not_exists(false)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(loose.kind, MessageType::Regular);
    emulator.shutdown().await;
}
