//! Application commands of the bot's application, global and per guild
//! ([docs](https://discord.com/developers/docs/interactions/application-commands)), and the
//! application itself (`GET /applications/@me`, `GET /oauth2/applications/@me`).
//!
//! `GET/POST/PUT /applications/{application.id}/commands`,
//! `GET/PATCH/DELETE /applications/{application.id}/commands/{command.id}` and the same under
//! `/applications/{application.id}/guilds/{guild.id}/commands`. The application id is the bot's
//! user id (READY's `application.id`); another application's commands answer 403/50001 Missing
//! Access, an unknown command 404/10063, a guild the bot is not in 404/10004.
//!
//! Bodies are validated as Discord documents them, every failing field at once in a 50035 with
//! its path: the type (1–3), the name (1–32 characters; CHAT_INPUT names match
//! `^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$` and are lower case), the description
//! (1–100 characters for CHAT_INPUT, empty for USER and MESSAGE), at most 25 options (types
//! 1–11, the same name and description rules, required ones first, at most 25 choices). An
//! application has at most 100 CHAT_INPUT, 15 USER and 15 MESSAGE commands in each scope
//! (400/30032). Creating a command with the name and type of an existing one replaces it
//! (200, same id); a new one answers 201. A bulk overwrite replaces the whole set, keeping the
//! ids of commands with the same name and type. Every change gives the command a new `version`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxumState};
use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::roles::{body_object, guild_id};
use super::{json_body, snowflake_param};
use crate::error::{ApiError, FormErrors};
use crate::state::State;
use crate::store::Store;

/// Command types: CHAT_INPUT, USER, MESSAGE.
const CHAT_INPUT: u64 = 1;
/// The most options (and choices) of a command or option.
const MAX_OPTIONS: usize = 25;
/// The most commands of each type in one scope: CHAT_INPUT, USER, MESSAGE.
const MAX_COMMANDS: [(u64, usize); 3] = [(1, 100), (2, 15), (3, 15)];
/// The keys a command body may set (others are ignored).
const EDITABLE: [&str; 11] = [
    "name",
    "name_localizations",
    "description",
    "description_localizations",
    "options",
    "default_member_permissions",
    "dm_permission",
    "contexts",
    "integration_types",
    "nsfw",
    "type",
];

/// A field path inside the body.
type Path_ = Vec<String>;

fn at(path: &Path_, key: &str) -> Path_ {
    let mut path = path.clone();
    path.push(key.to_owned());
    path
}

/// Whether `name` is a valid CHAT_INPUT (or option) name: Discord's regex, lower case.
pub(crate) fn valid_chat_name(name: &str) -> bool {
    let count = name.chars().count();
    (1..=32).contains(&count)
        && name.chars().all(|c| {
            (matches!(c, '-' | '_' | '\'' | '\u{0900}'..='\u{097F}' | '\u{0E00}'..='\u{0E7F}')
                || c.is_alphabetic()
                || c.is_numeric())
                && c.to_lowercase().eq(std::iter::once(c))
        })
}

fn check_length(
    errors: &mut FormErrors,
    path: Path_,
    value: Option<&Value>,
    min: usize,
    max: usize,
) -> Option<String> {
    match value {
        None | Some(Value::Null) if min > 0 => {
            errors.add(path, "BASE_TYPE_REQUIRED", "This field is required");
            None
        }
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => {
            let count = text.chars().count();
            if count < min || count > max {
                errors.add(
                    path,
                    "BASE_TYPE_BAD_LENGTH",
                    format!("Must be between {min} and {max} in length."),
                );
            }
            Some(text.clone())
        }
        Some(other) => {
            errors.add(
                path,
                "STRING_TYPE_CONVERT",
                format!("Could not interpret \"{other}\" as string."),
            );
            None
        }
    }
}

fn check_name(errors: &mut FormErrors, path: Path_, value: Option<&Value>, chat: bool) {
    if let Some(name) = check_length(errors, path.clone(), value, 1, 32)
        && chat
        && (1..=32).contains(&name.chars().count())
        && !valid_chat_name(&name)
    {
        errors.add(
            path,
            "APPLICATION_COMMAND_INVALID_NAME",
            "Command name is invalid",
        );
    }
}

fn check_localizations(
    errors: &mut FormErrors,
    path: Path_,
    value: Option<&Value>,
    names: bool,
    chat: bool,
) {
    match value {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (locale, text) in map {
                if names {
                    check_name(errors, at(&path, locale), Some(text), chat);
                } else {
                    check_length(errors, at(&path, locale), Some(text), 1, 100);
                }
            }
        }
        Some(_) => errors.add(
            path,
            "DICT_TYPE_CONVERT",
            "Only dictionaries may be used in a DictType",
        ),
    }
}

/// Validates a list of options at `path` (nested ones too).
fn check_options(errors: &mut FormErrors, path: &Path_, options: &[Value]) {
    if options.len() > MAX_OPTIONS {
        errors.add(
            path.clone(),
            "BASE_TYPE_MAX_LENGTH",
            format!("Must be {MAX_OPTIONS} or fewer in length."),
        );
    }
    let mut optional_seen = false;
    let mut misplaced = false;
    for (index, option) in options.iter().enumerate() {
        let here = at(path, &index.to_string());
        let Some(option) = option.as_object() else {
            errors.add(
                here,
                "DICT_TYPE_CONVERT",
                "Only dictionaries may be used in a DictType",
            );
            continue;
        };
        let kind = option.get("type").and_then(Value::as_u64);
        match kind {
            Some(1..=11) => {}
            None if option.get("type").is_none_or(Value::is_null) => errors.add(
                at(&here, "type"),
                "BASE_TYPE_REQUIRED",
                "This field is required",
            ),
            _ => errors.add(
                at(&here, "type"),
                "BASE_TYPE_CHOICES",
                "Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}.",
            ),
        }
        check_name(errors, at(&here, "name"), option.get("name"), true);
        check_localizations(
            errors,
            at(&here, "name_localizations"),
            option.get("name_localizations"),
            true,
            true,
        );
        check_length(
            errors,
            at(&here, "description"),
            option.get("description"),
            1,
            100,
        );
        check_localizations(
            errors,
            at(&here, "description_localizations"),
            option.get("description_localizations"),
            false,
            true,
        );
        let required = option
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if matches!(kind, Some(3..=11)) {
            if required && optional_seen {
                misplaced = true;
            }
            if !required {
                optional_seen = true;
            }
        }
        if let Some(choices) = option.get("choices").and_then(Value::as_array) {
            let choices_path = at(&here, "choices");
            if choices.len() > MAX_OPTIONS {
                errors.add(
                    choices_path.clone(),
                    "BASE_TYPE_MAX_LENGTH",
                    format!("Must be {MAX_OPTIONS} or fewer in length."),
                );
            }
            for (number, choice) in choices.iter().enumerate() {
                let choice_path = at(&choices_path, &number.to_string());
                check_length(errors, at(&choice_path, "name"), choice.get("name"), 1, 100);
                match choice.get("value") {
                    Some(Value::String(text)) if text.chars().count() > 100 => errors.add(
                        at(&choice_path, "value"),
                        "BASE_TYPE_BAD_LENGTH",
                        "Must be between 1 and 100 in length.",
                    ),
                    Some(Value::String(_) | Value::Number(_)) => {}
                    _ => errors.add(
                        at(&choice_path, "value"),
                        "BASE_TYPE_REQUIRED",
                        "This field is required",
                    ),
                }
            }
        }
        if let Some(nested) = option.get("options").and_then(Value::as_array) {
            check_options(errors, &at(&here, "options"), nested);
        }
    }
    if misplaced {
        errors.add(
            path.clone(),
            "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
            "Required options must be placed before non-required options",
        );
    }
}

/// Validates a full command body (create, bulk item, or an edit merged into the stored one).
fn check_command(errors: &mut FormErrors, path: &Path_, body: &Map<String, Value>) {
    let kind = match body.get("type") {
        None | Some(Value::Null) => CHAT_INPUT,
        Some(value) => match value.as_u64() {
            Some(kind @ 1..=3) => kind,
            _ => {
                errors.add(
                    at(path, "type"),
                    "BASE_TYPE_CHOICES",
                    "Value must be one of {1, 2, 3}.",
                );
                CHAT_INPUT
            }
        },
    };
    let chat = kind == CHAT_INPUT;
    check_name(errors, at(path, "name"), body.get("name"), chat);
    check_localizations(
        errors,
        at(path, "name_localizations"),
        body.get("name_localizations"),
        true,
        chat,
    );
    if chat {
        check_length(
            errors,
            at(path, "description"),
            body.get("description"),
            1,
            100,
        );
        check_localizations(
            errors,
            at(path, "description_localizations"),
            body.get("description_localizations"),
            false,
            chat,
        );
    } else if body
        .get("description")
        .and_then(Value::as_str)
        .is_some_and(|d| !d.is_empty())
    {
        errors.add(
            at(path, "description"),
            "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
            "Context menu commands cannot have description",
        );
    }
    match body.get("options") {
        None | Some(Value::Null) => {}
        Some(Value::Array(options)) if !chat && !options.is_empty() => errors.add(
            at(path, "options"),
            "APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS",
            "Context menu commands cannot have options",
        ),
        Some(Value::Array(options)) => check_options(errors, &at(path, "options"), options),
        Some(_) => errors.add(
            at(path, "options"),
            "LIST_TYPE_CONVERT",
            "Only iterables may be used in a ListType",
        ),
    }
    match body.get("default_member_permissions") {
        None | Some(Value::Null) => {}
        Some(Value::String(bits)) if bits.parse::<u64>().is_ok() => {}
        Some(Value::Number(bits)) if bits.is_u64() => {}
        Some(value) => errors.add(
            at(path, "default_member_permissions"),
            "NUMBER_TYPE_COERCE",
            format!(
                "Value \"{}\" is not int.",
                value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned)
            ),
        ),
    }
    for key in ["dm_permission", "nsfw"] {
        if body
            .get(key)
            .is_some_and(|v| !v.is_null() && !v.is_boolean())
        {
            errors.add(
                at(path, key),
                "BASE_TYPE_BOOLEAN",
                "Must be either true or false.",
            );
        }
    }
}

/// The stored commands of one scope: `None` global, `Some(guild)`.
pub(crate) type Scope = Option<u64>;

/// The stored command object for a validated body; `existing` keeps its id.
fn build(
    store: &mut Store,
    scope: Scope,
    body: &Map<String, Value>,
    existing: Option<&Value>,
) -> Value {
    let mut command = existing
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_else(|| {
            let mut command = Map::new();
            command.insert("id".into(), json!(store.snowflakes.next().to_string()));
            command.insert("application_id".into(), json!(store.bot_id.to_string()));
            command.insert("version".into(), Value::Null);
            command.insert("default_member_permissions".into(), Value::Null);
            command.insert("type".into(), json!(CHAT_INPUT));
            command.insert("name".into(), json!(""));
            command.insert("name_localizations".into(), Value::Null);
            command.insert("description".into(), json!(""));
            command.insert("description_localizations".into(), Value::Null);
            if let Some(guild_id) = scope {
                command.insert("guild_id".into(), json!(guild_id.to_string()));
            } else {
                command.insert("dm_permission".into(), json!(true));
            }
            command.insert("contexts".into(), Value::Null);
            command.insert("integration_types".into(), json!([0]));
            command.insert("nsfw".into(), json!(false));
            command
        });
    for key in EDITABLE {
        if key == "dm_permission" && scope.is_some() {
            continue;
        }
        match body.get(key) {
            None => {}
            Some(Value::Null)
                if matches!(key, "type" | "nsfw" | "dm_permission" | "integration_types") => {}
            Some(Value::Null) if key == "options" => {
                command.remove("options");
            }
            Some(Value::Array(list)) if key == "options" && list.is_empty() => {
                command.remove("options");
            }
            // Discord answers the permission bit set as a string, whichever way it was sent.
            Some(Value::Number(bits)) if key == "default_member_permissions" => {
                command.insert(key.to_owned(), json!(bits.to_string()));
            }
            Some(value) => {
                command.insert(key.to_owned(), value.clone());
            }
        }
    }
    if command.get("type").is_none_or(Value::is_null) {
        command.insert("type".into(), json!(CHAT_INPUT));
    }
    command.insert("version".into(), json!(store.snowflakes.next().to_string()));
    Value::Object(command)
}

fn kind_of(command: &Value) -> u64 {
    command
        .get("type")
        .and_then(Value::as_u64)
        .unwrap_or(CHAT_INPUT)
}

fn name_of(command: &Value) -> &str {
    command.get("name").and_then(Value::as_str).unwrap_or("")
}

/// Checks that `raw` is the bot's application: malformed → 50035, another one → 403/50001.
fn application(store: &Store, raw: &str) -> Result<(), ApiError> {
    let id = snowflake_param("application_id", raw)?;
    if id == store.bot_id {
        Ok(())
    } else {
        Err(ApiError::MissingAccess)
    }
}

/// The command list of `scope`.
fn list(store: &Store, scope: Scope) -> Vec<Value> {
    store.commands.get(&scope).cloned().unwrap_or_default()
}

/// Drops the localization maps (Discord returns them only with `with_localizations=true`).
fn without_localizations(mut command: Value) -> Value {
    fn strip(value: &mut Value) {
        if let Some(object) = value.as_object_mut() {
            object.remove("name_localizations");
            object.remove("description_localizations");
            for key in ["options", "choices"] {
                if let Some(Value::Array(items)) = object.get_mut(key) {
                    items.iter_mut().for_each(strip);
                }
            }
        }
    }
    strip(&mut command);
    command
}

fn too_many(commands: &[Value]) -> Result<(), ApiError> {
    for (kind, max) in MAX_COMMANDS {
        if commands.iter().filter(|c| kind_of(c) == kind).count() > max {
            return Err(ApiError::TooManyApplicationCommands);
        }
    }
    Ok(())
}

fn scope_of(store: &Store, guild: Option<&str>) -> Result<Scope, ApiError> {
    guild.map(|raw| guild_id(store, raw)).transpose()
}

fn get_all(
    state: &State,
    app: &str,
    guild: Option<&str>,
    query: &HashMap<String, String>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    application(&store, app)?;
    let scope = scope_of(&store, guild)?;
    let localized = query
        .get("with_localizations")
        .is_some_and(|v| v == "true" || v == "True" || v == "1");
    let commands = list(&store, scope)
        .into_iter()
        .map(|c| {
            if localized {
                c
            } else {
                without_localizations(c)
            }
        })
        .collect();
    Ok(Json(Value::Array(commands)))
}

fn create(
    state: &State,
    app: &str,
    guild: Option<&str>,
    body: &Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let parsed = json_body(body);
    let mut store = state.store();
    application(&store, app)?;
    let scope = scope_of(&store, guild)?;
    let body = body_object(parsed?)?;
    let mut errors = FormErrors::default();
    check_command(&mut errors, &Vec::new(), &body);
    errors.into_result()?;
    let mut commands = list(&store, scope);
    let kind = body
        .get("type")
        .and_then(Value::as_u64)
        .unwrap_or(CHAT_INPUT);
    let name = body.get("name").and_then(Value::as_str).unwrap_or("");
    let existing = commands
        .iter()
        .position(|c| kind_of(c) == kind && name_of(c) == name);
    let (status, command) = match existing {
        Some(index) => {
            let command = build(&mut store, scope, &body, Some(&commands[index]));
            commands[index] = command.clone();
            (StatusCode::OK, command)
        }
        None => {
            let mut probe = commands.clone();
            probe.push(json!({"type": kind}));
            too_many(&probe)?;
            let command = build(&mut store, scope, &body, None);
            commands.push(command.clone());
            (StatusCode::CREATED, command)
        }
    };
    store.commands.insert(scope, commands);
    Ok((status, Json(command)))
}

fn find(commands: &[Value], raw: &str) -> Result<usize, ApiError> {
    let id = snowflake_param("command_id", raw)?.to_string();
    commands
        .iter()
        .position(|c| c.get("id").and_then(Value::as_str) == Some(id.as_str()))
        .ok_or(ApiError::UnknownApplicationCommand)
}

fn get_one(
    state: &State,
    app: &str,
    guild: Option<&str>,
    command: &str,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    application(&store, app)?;
    let scope = scope_of(&store, guild)?;
    let commands = list(&store, scope);
    let index = find(&commands, command)?;
    Ok(Json(commands[index].clone()))
}

fn edit(
    state: &State,
    app: &str,
    guild: Option<&str>,
    command: &str,
    body: &Bytes,
) -> Result<Json<Value>, ApiError> {
    let parsed = json_body(body);
    let mut store = state.store();
    application(&store, app)?;
    let scope = scope_of(&store, guild)?;
    let mut commands = list(&store, scope);
    let index = find(&commands, command)?;
    let mut body = body_object(parsed?)?;
    // The type of a command cannot change.
    body.remove("type");
    let mut merged = commands[index].as_object().cloned().unwrap_or_default();
    for (key, value) in &body {
        if EDITABLE.contains(&key.as_str()) {
            merged.insert(key.clone(), value.clone());
        }
    }
    let mut errors = FormErrors::default();
    check_command(&mut errors, &Vec::new(), &merged);
    errors.into_result()?;
    let changed = build(&mut store, scope, &body, Some(&commands[index]));
    commands[index] = changed.clone();
    store.commands.insert(scope, commands);
    Ok(Json(changed))
}

fn delete(
    state: &State,
    app: &str,
    guild: Option<&str>,
    command: &str,
) -> Result<StatusCode, ApiError> {
    let mut store = state.store();
    application(&store, app)?;
    let scope = scope_of(&store, guild)?;
    let mut commands = list(&store, scope);
    let index = find(&commands, command)?;
    commands.remove(index);
    store.commands.insert(scope, commands);
    Ok(StatusCode::NO_CONTENT)
}

fn overwrite(
    state: &State,
    app: &str,
    guild: Option<&str>,
    body: &Bytes,
) -> Result<Json<Value>, ApiError> {
    let parsed = json_body(body);
    let mut store = state.store();
    application(&store, app)?;
    let scope = scope_of(&store, guild)?;
    let items = match parsed? {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            return Err(ApiError::form(
                &[],
                "LIST_TYPE_CONVERT",
                "Only iterables may be used in a ListType",
            ));
        }
    };
    let mut errors = FormErrors::default();
    let mut bodies = Vec::with_capacity(items.len());
    let mut seen = std::collections::HashSet::new();
    for (index, item) in items.iter().enumerate() {
        let path = vec![index.to_string()];
        match item.as_object() {
            Some(body) => {
                check_command(&mut errors, &path, body);
                let kind = body
                    .get("type")
                    .and_then(Value::as_u64)
                    .unwrap_or(CHAT_INPUT);
                let name = body
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                if !seen.insert((kind, name)) {
                    errors.add(
                        at(&path, "name"),
                        "APPLICATION_COMMANDS_DUPLICATE_NAME",
                        "Application command names must be unique",
                    );
                }
                bodies.push(body.clone());
            }
            None => errors.add(
                path,
                "DICT_TYPE_CONVERT",
                "Only dictionaries may be used in a DictType",
            ),
        }
    }
    errors.into_result()?;
    let probe: Vec<Value> = bodies
        .iter()
        .map(|b| json!({"type": b.get("type").and_then(Value::as_u64).unwrap_or(CHAT_INPUT)}))
        .collect();
    too_many(&probe)?;
    let old = list(&store, scope);
    let mut commands = Vec::with_capacity(bodies.len());
    for body in &bodies {
        let kind = body
            .get("type")
            .and_then(Value::as_u64)
            .unwrap_or(CHAT_INPUT);
        let name = body.get("name").and_then(Value::as_str).unwrap_or("");
        let existing = old
            .iter()
            .find(|c| kind_of(c) == kind && name_of(c) == name)
            .map(|c| {
                // The same id, with the fields the body leaves out back at their defaults.
                let mut fresh = c.as_object().cloned().unwrap_or_default();
                for key in [
                    "name_localizations",
                    "description_localizations",
                    "default_member_permissions",
                    "contexts",
                ] {
                    fresh.insert(key.into(), Value::Null);
                }
                fresh.remove("options");
                Value::Object(fresh)
            });
        commands.push(build(&mut store, scope, body, existing.as_ref()));
    }
    store.commands.insert(scope, commands.clone());
    Ok(Json(Value::Array(commands)))
}

/// `GET /applications/{application.id}/commands` (`with_localizations`).
pub(super) async fn get_global_commands(
    AxumState(state): AxumState<Arc<State>>,
    Path(app): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    get_all(&state, &app, None, &query)
}

/// `POST /applications/{application.id}/commands` → 201 (new) or 200 (replaced).
pub(super) async fn create_global_command(
    AxumState(state): AxumState<Arc<State>>,
    Path(app): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    create(&state, &app, None, &body)
}

/// `PUT /applications/{application.id}/commands` → the new set.
pub(super) async fn overwrite_global_commands(
    AxumState(state): AxumState<Arc<State>>,
    Path(app): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    overwrite(&state, &app, None, &body)
}

/// `GET /applications/{application.id}/commands/{command.id}`.
pub(super) async fn get_global_command(
    AxumState(state): AxumState<Arc<State>>,
    Path((app, command)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    get_one(&state, &app, None, &command)
}

/// `PATCH /applications/{application.id}/commands/{command.id}`.
pub(super) async fn edit_global_command(
    AxumState(state): AxumState<Arc<State>>,
    Path((app, command)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    edit(&state, &app, None, &command, &body)
}

/// `DELETE /applications/{application.id}/commands/{command.id}` → 204.
pub(super) async fn delete_global_command(
    AxumState(state): AxumState<Arc<State>>,
    Path((app, command)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    delete(&state, &app, None, &command)
}

/// `GET /applications/{application.id}/guilds/{guild.id}/commands` (`with_localizations`).
pub(super) async fn get_guild_commands(
    AxumState(state): AxumState<Arc<State>>,
    Path((app, guild)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    get_all(&state, &app, Some(&guild), &query)
}

/// `POST /applications/{application.id}/guilds/{guild.id}/commands` → 201 or 200.
pub(super) async fn create_guild_command(
    AxumState(state): AxumState<Arc<State>>,
    Path((app, guild)): Path<(String, String)>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    create(&state, &app, Some(&guild), &body)
}

/// `PUT /applications/{application.id}/guilds/{guild.id}/commands` → the new set.
pub(super) async fn overwrite_guild_commands(
    AxumState(state): AxumState<Arc<State>>,
    Path((app, guild)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    overwrite(&state, &app, Some(&guild), &body)
}

/// `GET /applications/{application.id}/guilds/{guild.id}/commands/{command.id}`.
pub(super) async fn get_guild_command(
    AxumState(state): AxumState<Arc<State>>,
    Path((app, guild, command)): Path<(String, String, String)>,
) -> Result<Json<Value>, ApiError> {
    get_one(&state, &app, Some(&guild), &command)
}

/// `PATCH /applications/{application.id}/guilds/{guild.id}/commands/{command.id}`.
pub(super) async fn edit_guild_command(
    AxumState(state): AxumState<Arc<State>>,
    Path((app, guild, command)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    edit(&state, &app, Some(&guild), &command, &body)
}

/// `DELETE /applications/{application.id}/guilds/{guild.id}/commands/{command.id}` → 204.
pub(super) async fn delete_guild_command(
    AxumState(state): AxumState<Arc<State>>,
    Path((app, guild, command)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    delete(&state, &app, Some(&guild), &command)
}

/// `GET /applications/@me` (and `GET /oauth2/applications/@me`) → the bot's application
/// ([docs](https://discord.com/developers/docs/resources/application#get-current-application)):
/// its id is the bot user's id, its `bot` the bot user.
pub(super) async fn current_application(AxumState(state): AxumState<Arc<State>>) -> Json<Value> {
    let store = state.store();
    let bot = Value::Object(store.bot_user().clone());
    let name = bot.get("username").cloned().unwrap_or(json!("bot"));
    Json(json!({
        "id": store.bot_id.to_string(),
        "name": name,
        "icon": null,
        "description": "",
        "summary": "",
        "type": null,
        "hook": true,
        "bot_public": true,
        "bot_require_code_grant": false,
        "verify_key": format!("{:064x}", store.bot_id),
        "flags": 0,
        "team": null,
        "owner": bot.clone(),
        "bot": bot,
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "approximate_guild_count": store.guilds.len(),
        "integration_types_config": {"0": {}},
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_input_names_follow_discords_rules() {
        for good in [
            "ping",
            "add-family",
            "o'clock",
            "ниндзя",
            "設定",
            "नमस्ते",
            "ทดสอบ",
            "a_1",
        ] {
            assert!(valid_chat_name(good), "{good}");
        }
        for bad in [
            "Ping",
            "",
            "with space",
            "x".repeat(33).as_str(),
            "emoji😀",
            "dot.name",
        ] {
            assert!(!valid_chat_name(bad), "{bad}");
        }
    }

    #[test]
    fn required_options_must_come_first() {
        let mut errors = FormErrors::default();
        let options = vec![
            json!({"type": 3, "name": "a", "description": "a"}),
            json!({"type": 3, "name": "b", "description": "b", "required": true}),
        ];
        check_options(&mut errors, &vec!["options".into()], &options);
        let value = errors.to_value();
        assert_eq!(
            value["options"]["_errors"][0]["code"],
            json!("APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID")
        );
    }
}
