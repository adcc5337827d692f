//! An independent judge of the application-command routes: twilight-http 0.18's interaction
//! client sets, lists, creates, updates and deletes global and guild commands on the emulator
//! (Discord's rate limits on), and every answer parses into twilight-model types.

use discord_emulator::config::RateLimits;
use discord_emulator::{Emulator, Fixture, Options};
use twilight_http::Client;
use twilight_model::application::command::{
    Command, CommandOption, CommandOptionChoice, CommandOptionChoiceValue, CommandOptionType,
    CommandType,
};
use twilight_model::id::Id;
use twilight_model::id::marker::{ApplicationMarker, GuildMarker};

const GUILD: Id<GuildMarker> = Id::new(300000000000000001);
const APPLICATION: Id<ApplicationMarker> = Id::new(100000000000000001);

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

fn option() -> CommandOption {
    CommandOption {
        autocomplete: None,
        channel_types: None,
        choices: Some(vec![CommandOptionChoice {
            name: "Hello".into(),
            name_localizations: None,
            value: CommandOptionChoiceValue::String("hello".into()),
        }]),
        description: "What to say".into(),
        description_localizations: None,
        kind: CommandOptionType::String,
        max_length: None,
        max_value: None,
        min_length: None,
        min_value: None,
        name: "text".into(),
        name_localizations: None,
        options: None,
        required: Some(true),
        file_types: None,
    }
}

#[tokio::test]
async fn twilight_reads_the_application_and_manages_global_commands() {
    let (_emulator, client) = start().await;
    let application = client
        .current_user_application()
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(application.id, APPLICATION);
    let interaction = client.interaction(application.id);
    let created = interaction
        .create_global_command()
        .chat_input("ping", "Answers pong")
        .command_options(&[option()])
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(created.kind, CommandType::ChatInput);
    assert_eq!(created.options.len(), 1);
    let id = created.id.unwrap();
    let listed = interaction
        .global_commands()
        .with_localizations(true)
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    let one = interaction
        .global_command(id)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(one.name, "ping");
    let updated = interaction
        .update_global_command(id)
        .description("Pong!")
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(updated.description, "Pong!");
    assert_ne!(updated.version, created.version);
    let user = interaction
        .create_global_command()
        .user("Show Profile")
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(user.kind, CommandType::User);
    interaction.delete_global_command(id).await.unwrap();
    let error = interaction.global_command(id).await.unwrap_err();
    assert!(error.to_string().contains("10063"), "{error}");
}

#[tokio::test]
async fn twilight_sets_and_manages_guild_commands() {
    let (_emulator, client) = start().await;
    let interaction = client.interaction(APPLICATION);
    let ping = Command {
        application_id: None,
        contexts: None,
        default_member_permissions: None,
        description: "Answers pong".into(),
        description_localizations: None,
        #[allow(deprecated)]
        dm_permission: None,
        guild_id: None,
        id: None,
        integration_types: None,
        kind: CommandType::ChatInput,
        name: "ping".into(),
        name_localizations: None,
        nsfw: None,
        options: vec![option()],
        version: Id::new(1),
    };
    let set = interaction
        .set_guild_commands(GUILD, std::slice::from_ref(&ping))
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    assert_eq!(set.len(), 1);
    assert_eq!(set[0].guild_id, Some(GUILD));
    let again = interaction
        .set_guild_commands(GUILD, &[ping])
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    assert_eq!(again[0].id, set[0].id);
    let id = set[0].id.unwrap();
    let listed = interaction
        .guild_commands(GUILD)
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    let created = interaction
        .create_guild_command(GUILD)
        .message("Report")
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(created.kind, CommandType::Message);
    let one = interaction
        .guild_command(GUILD, id)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(one.name, "ping");
    let updated = interaction
        .update_guild_command(GUILD, id)
        .name("pong")
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(updated.name, "pong");
    interaction.delete_guild_command(GUILD, id).await.unwrap();
    let left = interaction
        .guild_commands(GUILD)
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    assert_eq!(left.len(), 1);
}
