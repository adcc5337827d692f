//! Issue 13, application commands: the twelve command RPCs (global and guild) end to end
//! against the emulator: the REST request as recorded (method, path with the application id
//! the server learned, query, `X-Audit-Log-Reason`, body judged by Discord's OpenAPI), the
//! typed answer and its `json`, Discord's errors as status + JSON details, the limits refused
//! before any request, and where the application id comes from: READY with a gateway,
//! `GET /applications/@me` at start-up with `--no-gateway`, or asked on first use.

use crate::message_support::{
    GUILD, answered, audit_log_reason, discord_error, judge_body, judge_response,
    only_request_since, plain_refusal, refused_before_request, requests_since, route, skip,
};
use clap::Parser as _;
use discord_emulator::{Emulator, Fixture, Options};
use discordproxy_proto::{
    ApplicationCommandEdit, ApplicationCommandOption, ApplicationCommandOptionChoice,
    ApplicationCommandParams, BulkOverwriteGlobalApplicationCommandsRequest,
    BulkOverwriteGuildApplicationCommandsRequest, CreateGlobalApplicationCommandRequest,
    CreateGuildApplicationCommandRequest, DeleteGlobalApplicationCommandRequest,
    DeleteGuildApplicationCommandRequest, EditGlobalApplicationCommandRequest,
    EditGuildApplicationCommandRequest, GetGlobalApplicationCommandRequest,
    GetGlobalApplicationCommandsRequest, GetGuildApplicationCommandRequest,
    GetGuildApplicationCommandsRequest, application_command_option_choice::Value as ChoiceValue,
    discord_api_client::DiscordApiClient,
};
use discordproxy_server::{GatewayOptions, ShardCount};
use discordproxy_tests::stack::{Stack, bind};
use serde_json::{Value, json};
use std::time::Duration;
use tonic::Code;

const BOT: u64 = 100_000_000_000_000_001;
const UNKNOWN_GUILD: u64 = 300_000_000_000_000_999;
const UNKNOWN_COMMAND: u64 = 999_000_000_000_000_001;

/// A stack without a gateway whose application id was learned as `--no-gateway` does at
/// start-up.
async fn start() -> Stack {
    let stack = Stack::start().await;
    let start = skip(&stack);
    discordproxy_server::learn_application_id(&stack.state.rest, &stack.state.application).await;
    let asked = only_request_since(&stack, start);
    assert_eq!(route(&asked), "GET /applications/@me");
    assert_eq!(stack.state.application.get(), Some(BOT));
    stack
}

fn ping() -> ApplicationCommandParams {
    ApplicationCommandParams {
        name: "ping".into(),
        description: "Answers pong".into(),
        name_localizations: [("de".to_owned(), "pingen".to_owned())].into(),
        options: vec![
            ApplicationCommandOption {
                r#type: 3,
                name: "text".into(),
                description: "What to say".into(),
                required: true,
                choices: vec![ApplicationCommandOptionChoice {
                    name: "Hello".into(),
                    value: Some(ChoiceValue::StringValue("hello".into())),
                    ..Default::default()
                }],
                ..Default::default()
            },
            ApplicationCommandOption {
                r#type: 4,
                name: "times".into(),
                description: "How often".into(),
                min_value: Some(1.0),
                max_value: Some(5.0),
                ..Default::default()
            },
        ],
        default_member_permissions: Some("8".into()),
        ..Default::default()
    }
}

fn ping_json() -> Value {
    json!({
        "name": "ping",
        "name_localizations": {"de": "pingen"},
        "description": "Answers pong",
        "options": [
            {"type": 3, "name": "text", "description": "What to say", "required": true,
             "choices": [{"name": "Hello", "value": "hello"}]},
            {"type": 4, "name": "times", "description": "How often", "min_value": 1, "max_value": 5}
        ],
        "default_member_permissions": 8
    })
}

#[tokio::test]
async fn global_commands_are_created_read_edited_overwritten_and_deleted() {
    let stack = start().await;
    let mut client = stack.client().await;
    let commands_path = format!("/applications/{BOT}/commands");

    let start = skip(&stack);
    let created = client
        .create_global_application_command(CreateGlobalApplicationCommandRequest {
            command: Some(ping()),
            audit_log_reason: "register".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let post = only_request_since(&stack, start);
    judge_response(&post);
    assert_eq!(route(&post), format!("POST {commands_path}"));
    assert_eq!(judge_body(&post), ping_json());
    assert_eq!(audit_log_reason(&post).as_deref(), Some("register"));
    assert!(created.created);
    assert_eq!(
        serde_json::from_str::<Value>(&created.json).unwrap(),
        answered(&post)
    );
    let command = created.command.unwrap();
    assert_eq!(
        (command.application_id, command.r#type, command.guild_id),
        (BOT, 1, 0)
    );
    assert_eq!(command.name, "ping");
    assert_eq!(command.default_member_permissions.as_deref(), Some("8"));
    assert_eq!(command.options.len(), 2);
    assert_eq!(
        command.options[0].choices[0].value,
        Some(ChoiceValue::StringValue("hello".into()))
    );
    assert_eq!(command.options[1].min_value, Some(1.0));
    assert_eq!(command.dm_permission, Some(true));
    let id = command.id;

    // The same name and type again: Discord replaces it (200), same id.
    let again = client
        .create_global_application_command(CreateGlobalApplicationCommandRequest {
            command: Some(ping()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!again.created);
    assert_eq!(again.command.unwrap().id, id);

    let start = skip(&stack);
    let listed = client
        .get_global_application_commands(GetGlobalApplicationCommandsRequest {
            with_localizations: true,
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, start);
    judge_response(&get);
    assert_eq!(route(&get), format!("GET {commands_path}"));
    assert_eq!(get.query, "with_localizations=true");
    assert_eq!(listed.commands.len(), 1);
    assert_eq!(listed.commands[0].name_localizations["de"], "pingen");
    assert_eq!(
        serde_json::from_str::<Value>(&listed.json).unwrap(),
        answered(&get)
    );
    let start = skip(&stack);
    let plain = client
        .get_global_application_commands(GetGlobalApplicationCommandsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(only_request_since(&stack, start).query, "");
    assert!(plain.commands[0].name_localizations.is_empty());

    let start = skip(&stack);
    let one = client
        .get_global_application_command(GetGlobalApplicationCommandRequest { command_id: id })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        route(&only_request_since(&stack, start)),
        format!("GET {commands_path}/{id}")
    );
    assert_eq!(one.command.as_ref().unwrap().name, "ping");
    let version = one.command.unwrap().version;

    let start = skip(&stack);
    let edited = client
        .edit_global_application_command(EditGlobalApplicationCommandRequest {
            command_id: id,
            edit: Some(ApplicationCommandEdit {
                description: Some("Pong!".into()),
                clear_fields: vec!["default_member_permissions".into()],
                ..Default::default()
            }),
            audit_log_reason: "reword".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let patch = only_request_since(&stack, start);
    judge_response(&patch);
    assert_eq!(route(&patch), format!("PATCH {commands_path}/{id}"));
    assert_eq!(
        judge_body(&patch),
        json!({"description": "Pong!", "default_member_permissions": null})
    );
    assert_eq!(audit_log_reason(&patch).as_deref(), Some("reword"));
    let changed = edited.command.unwrap();
    assert_eq!(changed.description, "Pong!");
    assert_eq!(changed.default_member_permissions, None);
    assert_ne!(changed.version, version);
    assert_eq!(
        serde_json::from_str::<Value>(&edited.json).unwrap(),
        answered(&patch)
    );

    let start = skip(&stack);
    let set = client
        .bulk_overwrite_global_application_commands(BulkOverwriteGlobalApplicationCommandsRequest {
            commands: vec![
                ApplicationCommandParams {
                    name: "ping".into(),
                    description: "v2".into(),
                    ..Default::default()
                },
                ApplicationCommandParams {
                    r#type: 2,
                    name: "Show Profile".into(),
                    ..Default::default()
                },
            ],
            audit_log_reason: "sync".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let put = only_request_since(&stack, start);
    judge_response(&put);
    assert_eq!(route(&put), format!("PUT {commands_path}"));
    assert_eq!(
        judge_body(&put),
        json!([{"name": "ping", "description": "v2"}, {"type": 2, "name": "Show Profile"}])
    );
    assert_eq!(audit_log_reason(&put).as_deref(), Some("sync"));
    assert_eq!(set.commands.len(), 2);
    assert_eq!(set.commands[0].id, id);
    assert_eq!(set.commands[1].r#type, 2);
    assert_eq!(
        serde_json::from_str::<Value>(&set.json).unwrap(),
        answered(&put)
    );

    let start = skip(&stack);
    client
        .delete_global_application_command(DeleteGlobalApplicationCommandRequest {
            command_id: id,
            audit_log_reason: "gone".into(),
        })
        .await
        .unwrap();
    let delete = only_request_since(&stack, start);
    assert_eq!(route(&delete), format!("DELETE {commands_path}/{id}"));
    assert_eq!(delete.status, Some(204));
    assert_eq!(audit_log_reason(&delete).as_deref(), Some("gone"));

    // Discord's errors.
    let unknown = "Unknown application command";
    let status = client
        .get_global_application_command(GetGlobalApplicationCommandRequest { command_id: id })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10063, unknown);
    let status = client
        .edit_global_application_command(EditGlobalApplicationCommandRequest {
            command_id: id,
            edit: Some(ApplicationCommandEdit {
                description: Some("x".into()),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10063, unknown);
    let status = client
        .delete_global_application_command(DeleteGlobalApplicationCommandRequest {
            command_id: UNKNOWN_COMMAND,
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10063, unknown);
    let status = client
        .bulk_overwrite_global_application_commands(BulkOverwriteGlobalApplicationCommandsRequest {
            commands: vec![
                ApplicationCommandParams {
                    name: "dup".into(),
                    description: "d".into(),
                    ..Default::default()
                };
                2
            ],
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(
        &status,
        Code::InvalidArgument,
        400,
        50035,
        "Invalid Form Body\nIn 1.name: Application command names must be unique",
    );
    let hundred: Vec<ApplicationCommandParams> = (0..100)
        .map(|i| ApplicationCommandParams {
            name: format!("c{i}"),
            description: "d".into(),
            ..Default::default()
        })
        .collect();
    client
        .bulk_overwrite_global_application_commands(BulkOverwriteGlobalApplicationCommandsRequest {
            commands: hundred,
            ..Default::default()
        })
        .await
        .unwrap();
    let status = client
        .create_global_application_command(CreateGlobalApplicationCommandRequest {
            command: Some(ping()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(
        &status,
        Code::InvalidArgument,
        400,
        30032,
        "Maximum number of application commands reached",
    );
    stack
        .emulator
        .add_fault(
            json!({"method": "GET", "route": "/applications/{application_id}/commands",
                          "status": 403, "body": {"message": "Missing Access", "code": 50001}}),
        )
        .unwrap();
    let status = client
        .get_global_application_commands(GetGlobalApplicationCommandsRequest::default())
        .await
        .unwrap_err();
    discord_error(
        &status,
        Code::PermissionDenied,
        403,
        50001,
        "Missing Access",
    );
    stack.emulator.clear_faults();
}

#[tokio::test]
async fn guild_commands_are_created_read_edited_overwritten_and_deleted() {
    let stack = start().await;
    let mut client = stack.client().await;
    let commands_path = format!("/applications/{BOT}/guilds/{GUILD}/commands");

    let start = skip(&stack);
    let set = client
        .bulk_overwrite_guild_application_commands(BulkOverwriteGuildApplicationCommandsRequest {
            guild_id: GUILD,
            commands: vec![ping()],
            audit_log_reason: "sync".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let put = only_request_since(&stack, start);
    judge_response(&put);
    assert_eq!(route(&put), format!("PUT {commands_path}"));
    assert_eq!(judge_body(&put), json!([ping_json()]));
    assert_eq!(audit_log_reason(&put).as_deref(), Some("sync"));
    assert_eq!(set.commands.len(), 1);
    assert_eq!(set.commands[0].guild_id, GUILD);
    assert_eq!(set.commands[0].dm_permission, None);
    let id = set.commands[0].id;

    let start = skip(&stack);
    let created = client
        .create_guild_application_command(CreateGuildApplicationCommandRequest {
            guild_id: GUILD,
            command: Some(ApplicationCommandParams {
                r#type: 3,
                name: "Report Message".into(),
                nsfw: Some(false),
                contexts: vec![0],
                ..Default::default()
            }),
            audit_log_reason: "add".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let post = only_request_since(&stack, start);
    judge_response(&post);
    assert_eq!(route(&post), format!("POST {commands_path}"));
    assert_eq!(
        judge_body(&post),
        json!({"type": 3, "name": "Report Message", "nsfw": false, "contexts": [0]})
    );
    assert_eq!(audit_log_reason(&post).as_deref(), Some("add"));
    assert!(created.created);
    let report = created.command.unwrap();
    assert_eq!((report.r#type, report.guild_id), (3, GUILD));
    assert_eq!(report.contexts, [0]);

    let start = skip(&stack);
    let listed = client
        .get_guild_application_commands(GetGuildApplicationCommandsRequest {
            guild_id: GUILD,
            with_localizations: false,
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, start);
    judge_response(&get);
    assert_eq!(route(&get), format!("GET {commands_path}"));
    assert_eq!(get.query, "");
    assert_eq!(listed.commands.len(), 2);
    assert_eq!(
        serde_json::from_str::<Value>(&listed.json).unwrap(),
        answered(&get)
    );

    let start = skip(&stack);
    let one = client
        .get_guild_application_command(GetGuildApplicationCommandRequest {
            guild_id: GUILD,
            command_id: id,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        route(&only_request_since(&stack, start)),
        format!("GET {commands_path}/{id}")
    );
    assert_eq!(one.command.unwrap().options.len(), 2);

    let start = skip(&stack);
    let edited = client
        .edit_guild_application_command(EditGuildApplicationCommandRequest {
            guild_id: GUILD,
            command_id: id,
            edit: Some(ApplicationCommandEdit {
                name: Some("pong".into()),
                clear_fields: vec!["options".into(), "name_localizations".into()],
                ..Default::default()
            }),
            audit_log_reason: "rename".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let patch = only_request_since(&stack, start);
    judge_response(&patch);
    assert_eq!(route(&patch), format!("PATCH {commands_path}/{id}"));
    assert_eq!(
        judge_body(&patch),
        json!({"name": "pong", "options": [], "name_localizations": null})
    );
    assert_eq!(audit_log_reason(&patch).as_deref(), Some("rename"));
    let changed = edited.command.unwrap();
    assert_eq!(changed.name, "pong");
    assert!(changed.options.is_empty());

    let start = skip(&stack);
    client
        .delete_guild_application_command(DeleteGuildApplicationCommandRequest {
            guild_id: GUILD,
            command_id: id,
            audit_log_reason: "gone".into(),
        })
        .await
        .unwrap();
    let delete = only_request_since(&stack, start);
    assert_eq!(route(&delete), format!("DELETE {commands_path}/{id}"));
    assert_eq!(audit_log_reason(&delete).as_deref(), Some("gone"));

    // A guild the bot is not in: 404/10004 for every guild command RPC.
    let unknown = |status: tonic::Status| {
        discord_error(&status, Code::NotFound, 404, 10004, "Unknown Guild");
    };
    unknown(
        client
            .get_guild_application_commands(GetGuildApplicationCommandsRequest {
                guild_id: UNKNOWN_GUILD,
                with_localizations: true,
            })
            .await
            .unwrap_err(),
    );
    unknown(
        client
            .create_guild_application_command(CreateGuildApplicationCommandRequest {
                guild_id: UNKNOWN_GUILD,
                command: Some(ping()),
                ..Default::default()
            })
            .await
            .unwrap_err(),
    );
    unknown(
        client
            .get_guild_application_command(GetGuildApplicationCommandRequest {
                guild_id: UNKNOWN_GUILD,
                command_id: id,
            })
            .await
            .unwrap_err(),
    );
    unknown(
        client
            .edit_guild_application_command(EditGuildApplicationCommandRequest {
                guild_id: UNKNOWN_GUILD,
                command_id: id,
                edit: Some(ApplicationCommandEdit {
                    nsfw: Some(true),
                    ..Default::default()
                }),
                ..Default::default()
            })
            .await
            .unwrap_err(),
    );
    unknown(
        client
            .delete_guild_application_command(DeleteGuildApplicationCommandRequest {
                guild_id: UNKNOWN_GUILD,
                command_id: id,
                ..Default::default()
            })
            .await
            .unwrap_err(),
    );
    unknown(
        client
            .bulk_overwrite_guild_application_commands(
                BulkOverwriteGuildApplicationCommandsRequest {
                    guild_id: UNKNOWN_GUILD,
                    commands: vec![],
                    ..Default::default()
                },
            )
            .await
            .unwrap_err(),
    );
    let status = client
        .get_guild_application_command(GetGuildApplicationCommandRequest {
            guild_id: GUILD,
            command_id: id,
        })
        .await
        .unwrap_err();
    discord_error(
        &status,
        Code::NotFound,
        404,
        10063,
        "Unknown application command",
    );
}

#[tokio::test]
async fn limits_are_refused_before_any_request() {
    let stack = start().await;
    let mut client = stack.client().await;
    let create = |command: ApplicationCommandParams| CreateGlobalApplicationCommandRequest {
        command: Some(command),
        ..Default::default()
    };
    let start = skip(&stack);
    let status = client
        .create_global_application_command(create(ApplicationCommandParams {
            name: "Ping".into(),
            description: "d".repeat(101),
            ..Default::default()
        }))
        .await
        .unwrap_err();
    refused_before_request(&stack, start, &status, "In name: Command name is invalid");
    refused_before_request(
        &stack,
        start,
        &status,
        "In description: Must be between 1 and 100 in length.",
    );
    let status = client
        .create_global_application_command(create(ApplicationCommandParams {
            name: "x".repeat(33),
            description: "d".into(),
            ..Default::default()
        }))
        .await
        .unwrap_err();
    refused_before_request(
        &stack,
        start,
        &status,
        "In name: Must be between 1 and 32 in length.",
    );
    let option = |i: usize, required: bool| ApplicationCommandOption {
        r#type: 3,
        name: format!("o{i}"),
        description: "d".into(),
        required,
        ..Default::default()
    };
    let status = client
        .create_guild_application_command(CreateGuildApplicationCommandRequest {
            guild_id: GUILD,
            command: Some(ApplicationCommandParams {
                name: "many".into(),
                description: "d".into(),
                options: (0..26).map(|i| option(i, false)).collect(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap_err();
    refused_before_request(
        &stack,
        start,
        &status,
        "In options: Must be 25 or fewer in length.",
    );
    let status = client
        .create_global_application_command(create(ApplicationCommandParams {
            name: "order".into(),
            description: "d".into(),
            options: vec![option(0, false), option(1, true)],
            ..Default::default()
        }))
        .await
        .unwrap_err();
    refused_before_request(
        &stack,
        start,
        &status,
        "In options: Required options must be placed before non-required options",
    );
    let status = client
        .create_global_application_command(create(ApplicationCommandParams {
            name: "pick".into(),
            description: "d".into(),
            options: vec![
                option(0, true),
                ApplicationCommandOption {
                    r#type: 4,
                    name: "pick".into(),
                    description: "d".into(),
                    choices: (0..26)
                        .map(|i| ApplicationCommandOptionChoice {
                            name: format!("c{i}"),
                            value: Some(ChoiceValue::IntValue(i)),
                            ..Default::default()
                        })
                        .collect(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        }))
        .await
        .unwrap_err();
    refused_before_request(
        &stack,
        start,
        &status,
        "In options.1.choices: Must be 25 or fewer in length.",
    );
    let status = client
        .bulk_overwrite_guild_application_commands(BulkOverwriteGuildApplicationCommandsRequest {
            guild_id: GUILD,
            commands: vec![
                ping(),
                ApplicationCommandParams {
                    name: "BAD".into(),
                    description: "d".into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        })
        .await
        .unwrap_err();
    refused_before_request(&stack, start, &status, "In 1.name: Command name is invalid");
    let status = client
        .bulk_overwrite_global_application_commands(BulkOverwriteGlobalApplicationCommandsRequest {
            commands: vec![ApplicationCommandParams {
                name: "empty".into(),
                ..Default::default()
            }],
            ..Default::default()
        })
        .await
        .unwrap_err();
    refused_before_request(
        &stack,
        start,
        &status,
        "In 0.description: Must be between 1 and 100 in length.",
    );
    let status = client
        .edit_guild_application_command(EditGuildApplicationCommandRequest {
            guild_id: GUILD,
            command_id: UNKNOWN_COMMAND,
            edit: Some(ApplicationCommandEdit {
                name: Some("n".repeat(33)),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap_err();
    refused_before_request(
        &stack,
        start,
        &status,
        "In name: Must be between 1 and 32 in length.",
    );
    let status = client
        .edit_global_application_command(EditGlobalApplicationCommandRequest {
            command_id: UNKNOWN_COMMAND,
            edit: Some(ApplicationCommandEdit {
                description: Some("d".repeat(101)),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap_err();
    refused_before_request(
        &stack,
        start,
        &status,
        "In description: Must be between 0 and 100 in length.",
    );

    // Plain-text refusals of the request fields.
    let status = client
        .create_global_application_command(CreateGlobalApplicationCommandRequest::default())
        .await
        .unwrap_err();
    plain_refusal(&stack, start, &status, "command must be set");
    let status = client
        .get_global_application_command(GetGlobalApplicationCommandRequest { command_id: 0 })
        .await
        .unwrap_err();
    plain_refusal(&stack, start, &status, "command_id must be set");
    let status = client
        .get_guild_application_commands(GetGuildApplicationCommandsRequest::default())
        .await
        .unwrap_err();
    plain_refusal(&stack, start, &status, "guild_id must be set");
    let status = client
        .edit_global_application_command(EditGlobalApplicationCommandRequest {
            command_id: UNKNOWN_COMMAND,
            edit: Some(ApplicationCommandEdit::default()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    plain_refusal(&stack, start, &status, "changes nothing");
    let status = client
        .edit_global_application_command(EditGlobalApplicationCommandRequest {
            command_id: UNKNOWN_COMMAND,
            edit: Some(ApplicationCommandEdit {
                clear_fields: vec!["name".into()],
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap_err();
    plain_refusal(&stack, start, &status, "clear_fields[0]");
    let status = client
        .create_guild_application_command(CreateGuildApplicationCommandRequest {
            guild_id: GUILD,
            command: Some(ApplicationCommandParams {
                dm_permission: Some(false),
                ..ping()
            }),
            ..Default::default()
        })
        .await
        .unwrap_err();
    plain_refusal(
        &stack,
        start,
        &status,
        "dm_permission is for global commands only",
    );
    let status = client
        .delete_guild_application_command(DeleteGuildApplicationCommandRequest {
            guild_id: GUILD,
            command_id: 0,
            ..Default::default()
        })
        .await
        .unwrap_err();
    plain_refusal(&stack, start, &status, "command_id must be set");
}

#[tokio::test]
async fn without_a_start_up_answer_the_application_id_is_asked_on_first_use() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    assert_eq!(stack.state.application.get(), None);
    let start = skip(&stack);
    client
        .get_global_application_commands(GetGlobalApplicationCommandsRequest::default())
        .await
        .unwrap();
    let requests: Vec<String> = requests_since(&stack, start).iter().map(route).collect();
    assert_eq!(
        requests,
        [
            "GET /applications/@me".to_owned(),
            format!("GET /applications/{BOT}/commands")
        ]
    );
    let start = skip(&stack);
    client
        .get_global_application_commands(GetGlobalApplicationCommandsRequest::default())
        .await
        .unwrap();
    assert_eq!(
        route(&only_request_since(&stack, start)),
        format!("GET /applications/{BOT}/commands")
    );
}

#[tokio::test]
async fn with_a_gateway_the_application_id_comes_from_ready() {
    let mut options = Options::new(Fixture::default_fixture());
    options.rate_limits.mode = discord_emulator::config::RateLimits::Off;
    let gateway = GatewayOptions {
        intents: twilight_gateway::Intents::GUILDS,
        status: twilight_model::gateway::presence::Status::Online,
        activity: None,
        shards: ShardCount::Auto,
        shared: None,
    };
    let stack = Stack::start_with_gateway(options, gateway, 64).await;
    let mut client = stack.client().await;
    // The call waits for READY if it has not come yet.
    let set = client
        .bulk_overwrite_guild_application_commands(BulkOverwriteGuildApplicationCommandsRequest {
            guild_id: GUILD,
            commands: vec![ping()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(set.commands[0].application_id, BOT);
    let routes: Vec<String> = stack.emulator.requests().iter().map(route).collect();
    assert!(
        !routes.iter().any(|r| r.contains("/applications/@me")),
        "{routes:?}"
    );
    assert!(
        routes.contains(&format!("PUT /applications/{BOT}/guilds/{GUILD}/commands")),
        "{routes:?}"
    );
}

#[tokio::test]
async fn no_gateway_learns_the_application_id_at_start_up() {
    let mut options = Options::new(Fixture::default_fixture());
    options.rate_limits.mode = discord_emulator::config::RateLimits::Off;
    let emulator = Emulator::start(bind().await, options).await.unwrap();
    let cli = discordproxy_server::Cli::try_parse_from([
        "discordproxyserver",
        "--token",
        emulator.token(),
        "--discord-api-url",
        &emulator.api_base_url(),
        "--no-gateway",
    ])
    .unwrap();
    let config = discordproxy_server::Config::from_cli(cli, |_| None).unwrap();
    let listener = bind().await;
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(discordproxy_server::serve(config, listener, async {
        let _ = stopped.await;
    }));
    let mut client = DiscordApiClient::connect(format!("http://{addr}"))
        .await
        .unwrap();
    // Start-up asks Discord who the bot is, then for its application.
    let mut asked = false;
    for _ in 0..500 {
        asked = emulator
            .requests()
            .iter()
            .any(|r| route(r) == "GET /applications/@me");
        if asked {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(asked, "GET /applications/@me at start-up");
    let start = emulator.requests().len();
    client
        .get_guild_application_commands(GetGuildApplicationCommandsRequest {
            guild_id: GUILD,
            with_localizations: false,
        })
        .await
        .unwrap();
    let after: Vec<String> = emulator.requests().iter().skip(start).map(route).collect();
    assert_eq!(
        after,
        [format!("GET /applications/{BOT}/guilds/{GUILD}/commands")]
    );
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
}

#[tokio::test]
async fn a_call_before_ready_waits_then_fails_unavailable_saying_why() {
    let stack = Stack::start().await;
    // A gateway session is expected to tell the id, but no READY comes.
    stack.state.application.expect_gateway();
    let mut client = stack.client().await;
    let start = skip(&stack);
    let mut request = tonic::Request::new(GetGlobalApplicationCommandsRequest::default());
    request.set_timeout(Duration::from_millis(300));
    let status = client
        .get_global_application_commands(request)
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    assert!(
        status.message().contains("has not received READY"),
        "{}",
        status.message()
    );
    assert!(requests_since(&stack, start).is_empty());
    // READY tells it: the next call goes out at once.
    stack.state.application.set(BOT);
    client
        .get_global_application_commands(GetGlobalApplicationCommandsRequest::default())
        .await
        .unwrap();
    assert_eq!(
        route(&only_request_since(&stack, start)),
        format!("GET /applications/{BOT}/commands")
    );
}
