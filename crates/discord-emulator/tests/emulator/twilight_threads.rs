//! An independent judge of the thread routes: twilight-http 0.18 starts threads (from a
//! message, without one, in a forum), joins, leaves, adds, gets, lists and removes members,
//! archives threads and lists active and archived threads, with Discord's rate limits on;
//! every answer parses into twilight-model types.

use discord_emulator::config::RateLimits;
use discord_emulator::{Emulator, Fixture, Options};
use twilight_http::Client;
use twilight_http::request::AuditLogReason as _;
use twilight_model::channel::ChannelType;
use twilight_model::channel::thread::AutoArchiveDuration;
use twilight_model::id::Id;
use twilight_model::id::marker::{ChannelMarker, GuildMarker, TagMarker, UserMarker};

const GUILD: Id<GuildMarker> = Id::new(300000000000000001);
const GENERAL: Id<ChannelMarker> = Id::new(400000000000000002);
const FORUM: Id<ChannelMarker> = Id::new(400000000000000005);
const QUESTION: Id<TagMarker> = Id::new(700000000000000001);
const BOT: Id<UserMarker> = Id::new(100000000000000001);
const ALICE: Id<UserMarker> = Id::new(200000000000000001);

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
async fn twilight_starts_threads_and_manages_members() {
    let (emulator, client) = start().await;
    let message = client
        .create_message(GENERAL)
        .content("thread here")
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    let from_message = client
        .create_thread_from_message(GENERAL, message.id, "from message")
        .auto_archive_duration(AutoArchiveDuration::Hour)
        .reason("judge")
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(from_message.id, message.id.cast());
    assert_eq!(from_message.kind, ChannelType::PublicThread);
    assert_eq!(from_message.parent_id, Some(GENERAL));
    let metadata = from_message.thread_metadata.unwrap();
    assert_eq!(metadata.auto_archive_duration, AutoArchiveDuration::Hour);
    assert!(!metadata.archived);

    let private = client
        .create_thread(GENERAL, "private", ChannelType::PrivateThread)
        .invitable(false)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(private.kind, ChannelType::PrivateThread);
    assert_eq!(private.thread_metadata.unwrap().invitable, Some(false));

    let post = client
        .create_forum_thread(FORUM, "a post")
        .applied_tags(&[QUESTION])
        .message()
        .content("first")
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(post.channel.parent_id, Some(FORUM));
    assert_eq!(post.channel.applied_tags, Some(vec![QUESTION]));
    assert_eq!(post.message.id, post.channel.id.cast());
    assert_eq!(post.message.content, "first");

    client.add_thread_member(private.id, ALICE).await.unwrap();
    let member = client
        .thread_member(private.id, ALICE)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(member.user_id, Some(ALICE));
    let members = client
        .thread_members(private.id)
        .with_member(true)
        .limit(10)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    let ids: Vec<_> = members.iter().filter_map(|m| m.user_id).collect();
    assert_eq!(ids, [BOT, ALICE]);
    assert!(members[1].member.is_some());
    client
        .remove_thread_member(private.id, ALICE)
        .await
        .unwrap();
    client.leave_thread(private.id).await.unwrap();
    client.join_thread(private.id).await.unwrap();

    let active = client
        .active_threads(GUILD)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(active.threads.len(), 3);
    assert_eq!(active.members.len(), 3);

    let archived = client
        .update_thread(private.id)
        .archived(true)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert!(archived.thread_metadata.unwrap().archived);
    client
        .update_thread(from_message.id)
        .archived(true)
        .await
        .unwrap();
    let public = client
        .public_archived_threads(GENERAL)
        .limit(10)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(public.threads.len(), 1);
    assert_eq!(public.threads[0].id, from_message.id);
    let private_list = client
        .private_archived_threads(GENERAL)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(private_list.threads[0].id, private.id);
    assert_eq!(private_list.has_more, Some(false));
    let joined = client
        .joined_private_archived_threads(GENERAL)
        .limit(5)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(joined.threads[0].id, private.id);
    assert_eq!(joined.members[0].user_id, Some(BOT));

    let gone = client.join_thread(private.id).await.unwrap_err();
    assert!(gone.to_string().contains("50083"), "{gone}");
    let requests = emulator.requests();
    assert!(
        requests
            .iter()
            .any(|request| request.path.ends_with("/thread-members/@me")),
        "{requests:?}"
    );
}
