//! An independent judge of the guild, role and member routes: twilight-http 0.18 calls each of
//! them on the emulator with Discord's rate limits on, and every answer parses into
//! twilight-model types.

use discord_emulator::config::RateLimits;
use discord_emulator::{Emulator, Fixture, Options};
use twilight_http::Client;
use twilight_http::request::AuditLogReason as _;
use twilight_model::guild::Permissions;
use twilight_model::guild::RolePosition;
use twilight_model::id::Id;
use twilight_model::id::marker::{GuildMarker, RoleMarker, UserMarker};

const GUILD: Id<GuildMarker> = Id::new(300000000000000001);
const MEMBER_ROLE: Id<RoleMarker> = Id::new(500000000000000001);
const ADMIN_ROLE: Id<RoleMarker> = Id::new(500000000000000003);
const BOT: Id<UserMarker> = Id::new(100000000000000001);
const CAROL: Id<UserMarker> = Id::new(200000000000000003);
const DAVE: Id<UserMarker> = Id::new(200000000000000004);

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
async fn twilight_reads_the_guild_and_manages_its_roles() {
    let (_emulator, client) = start().await;
    let guild = client
        .guild(GUILD)
        .with_counts(true)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(guild.id, GUILD);
    assert_eq!(guild.approximate_member_count, Some(3));
    assert_eq!(guild.roles.len(), 4);

    let roles = client.roles(GUILD).await.unwrap().models().await.unwrap();
    assert_eq!(roles.len(), 4);
    let bot_role = roles.iter().find(|role| role.managed).unwrap();
    assert_eq!(
        bot_role.tags.as_ref().and_then(|tags| tags.bot_id),
        Some(BOT.cast())
    );
    let one = client
        .role(GUILD, MEMBER_ROLE)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(one.name, "Member");

    let created = client
        .create_role(GUILD)
        .name("Pilots")
        .color(0x3498db)
        .hoist(true)
        .permissions(Permissions::empty())
        .reason("judge")
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(created.name, "Pilots");
    assert_eq!(created.position, 1);
    let updated = client
        .update_role(GUILD, created.id)
        .name(Some("Capsuleers"))
        .mentionable(true)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(updated.name, "Capsuleers");
    assert!(updated.mentionable);
    let moved = client
        .update_role_positions(
            GUILD,
            &[RolePosition {
                id: created.id,
                position: 2,
            }],
        )
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    let position = moved
        .iter()
        .find(|role| role.id == created.id)
        .unwrap()
        .position;
    assert_eq!(position, 2);
    client.delete_role(GUILD, created.id).await.unwrap();
    let gone = client.role(GUILD, created.id).await.unwrap_err();
    assert!(gone.to_string().contains("10011"), "{gone}");
}

#[tokio::test]
async fn twilight_adds_reads_modifies_and_kicks_members() {
    let (_emulator, client) = start().await;
    let added = client
        .add_guild_member(GUILD, DAVE, "sandbox-oauth-dave")
        .nick("Dave")
        .roles(&[MEMBER_ROLE])
        .await
        .unwrap();
    assert_eq!(added.status().get(), 201);
    let added = added.model().await.unwrap();
    assert_eq!(added.nick.as_deref(), Some("Dave"));
    assert_eq!(added.roles, [MEMBER_ROLE]);

    let member = client
        .guild_member(GUILD, DAVE)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(member.user.id, DAVE);
    let members = client
        .guild_members(GUILD)
        .limit(1000)
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    assert_eq!(members.len(), 4);
    let after = client
        .guild_members(GUILD)
        .after(CAROL)
        .limit(10)
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    assert_eq!(after.len(), 1);
    let found = client
        .search_guild_members(GUILD, "dav")
        .limit(5)
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);

    let modified = client
        .update_guild_member(GUILD, DAVE)
        .nick(None)
        .roles(&[])
        .reason("judge")
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(modified.nick, None);
    assert!(modified.roles.is_empty());
    client
        .update_current_member(GUILD)
        .nick(Some("Proxy"))
        .await
        .unwrap();
    client
        .add_guild_member_role(GUILD, DAVE, MEMBER_ROLE)
        .await
        .unwrap();
    let above = client
        .add_guild_member_role(GUILD, DAVE, ADMIN_ROLE)
        .await
        .unwrap_err();
    assert!(above.to_string().contains("50013"), "{above}");
    client
        .remove_guild_member_role(GUILD, DAVE, MEMBER_ROLE)
        .await
        .unwrap();
    client.remove_guild_member(GUILD, DAVE).await.unwrap();
    let gone = client.guild_member(GUILD, DAVE).await.unwrap_err();
    assert!(gone.to_string().contains("10007"), "{gone}");
}
