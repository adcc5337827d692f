//! Fixture parsing: the users, guilds and channels the emulator starts with.
//!
//! A fixture is JSON made of Discord's own object shapes plus a few emulator-only keys (see the
//! crate README). Every object is kept as a JSON map so that Discord keys the emulator does not
//! know are served back unchanged; keys the fixture leaves out get Discord's defaults, and the
//! emulator-only keys (`dm_closed`, `emulator_access`) are removed from what is served.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::state::snowflake_timestamp;

/// A JSON object as served by the emulator.
pub(crate) type Object = Map<String, Value>;

/// The fixture shipped with the crate (`fixtures/default.json`).
const DEFAULT_FIXTURE: &str = include_str!("../fixtures/default.json");

/// Permissions of an `@everyone` role the fixture does not define.
const DEFAULT_EVERYONE_PERMISSIONS: &str = "1071698660929";

/// Keys that only the emulator understands; never served.
const EMULATOR_KEYS: [&str; 2] = ["dm_closed", "emulator_access"];

/// Keys of `GET /users/@me` that other user objects do not have (the bot's "PII").
const PII_KEYS: [&str; 5] = ["mfa_enabled", "locale", "verified", "email", "premium_type"];

/// A parsed, validated fixture: the bot token, the bot user, other users and guilds.
///
/// Build one with [`Fixture::default_fixture`], [`Fixture::from_json`] or
/// [`Fixture::from_file`]. Its `Debug` output never shows the token.
#[derive(Clone)]
pub struct Fixture {
    pub(crate) token: String,
    pub(crate) bot: FixtureUser,
    /// The bot's extra `GET /users/@me` keys (`mfa_enabled`, `locale`, `verified`, `email`).
    pub(crate) bot_private: Object,
    pub(crate) users: Vec<FixtureUser>,
    pub(crate) guilds: Vec<FixtureGuild>,
    /// The optional `rate_limits` section (see the crate README).
    pub(crate) rate_limits: crate::ratelimit::config::RateLimitOverrides,
}

/// Why a fixture was rejected.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    /// The text is not JSON.
    #[error("fixture is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The JSON does not describe a valid fixture; `path` names the offending key
    /// (e.g. `guilds[0].channels[2].id`).
    #[error("invalid fixture at {path}: {message}")]
    Invalid {
        /// Where in the fixture the problem is.
        path: String,
        /// What is wrong there.
        message: String,
    },
    /// The fixture file could not be read.
    #[error("cannot read fixture file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// A user of the fixture.
#[derive(Debug, Clone)]
pub(crate) struct FixtureUser {
    pub(crate) id: u64,
    /// The user object as Discord serves it.
    pub(crate) object: Object,
    /// `"dm_closed": true`: messages to this user's DM channel fail with 50007.
    pub(crate) dm_closed: bool,
}

/// A guild of the fixture.
#[derive(Debug, Clone)]
pub(crate) struct FixtureGuild {
    pub(crate) id: u64,
    /// The guild object as `GET /guilds/{id}` serves it (with `roles`, without channels).
    pub(crate) object: Object,
    /// Channels in fixture order ("API order").
    pub(crate) channels: Vec<FixtureChannel>,
    /// Member objects with the full user object in `user`.
    pub(crate) members: Vec<Object>,
}

/// A guild channel of the fixture.
#[derive(Debug, Clone)]
pub(crate) struct FixtureChannel {
    pub(crate) id: u64,
    /// Discord's channel type.
    pub(crate) kind: u64,
    /// What the bot may do in the channel.
    pub(crate) access: Access,
    /// The channel object as Discord serves it.
    pub(crate) object: Object,
}

/// What the bot may do in a channel (the fixture's `emulator_access`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Everything (the default).
    Full,
    /// See and read, but not send: creating a message fails with 403/50013.
    Read,
    /// Nothing: every access fails with 403/50001.
    None,
}

impl fmt::Debug for Fixture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fixture")
            .field("token", &"<redacted>")
            .field("bot", &self.bot.id)
            .field("users", &self.users.len())
            .field("guilds", &self.guilds.len())
            .finish()
    }
}

impl Fixture {
    /// The fixture shipped with the crate, `crates/discord-emulator/fixtures/default.json`
    /// (token `sandbox-bot-token`; its contents are listed in the crate README).
    ///
    /// # Panics
    ///
    /// Never in practice: the shipped file is checked by a unit test.
    pub fn default_fixture() -> Fixture {
        Self::from_json(DEFAULT_FIXTURE).expect("the shipped default fixture is valid")
    }

    /// Parses and validates a fixture from JSON text.
    ///
    /// # Errors
    ///
    /// [`FixtureError::Json`] for text that is not JSON, [`FixtureError::Invalid`] for a missing
    /// or malformed required key (token, ids, names), a duplicate id, or a reference to an
    /// unknown user, role or parent channel.
    pub fn from_json(json: &str) -> Result<Fixture, FixtureError> {
        let value: Value = serde_json::from_str(json)?;
        parse_fixture(value)
    }

    /// Reads and parses a fixture file.
    ///
    /// # Errors
    ///
    /// [`FixtureError::Io`] when the file cannot be read, else as [`Fixture::from_json`].
    pub fn from_file(path: impl AsRef<Path>) -> Result<Fixture, FixtureError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| FixtureError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::from_json(&text)
    }

    /// The bot token the emulator accepts (`Authorization: Bot <token>`).
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The bot user's id.
    pub fn bot_id(&self) -> u64 {
        self.bot.id
    }
}

/// Builds a [`FixtureError::Invalid`].
fn invalid(path: impl Into<String>, message: impl Into<String>) -> FixtureError {
    FixtureError::Invalid {
        path: path.into(),
        message: message.into(),
    }
}

/// Parses a snowflake given as a string of digits or a JSON integer, exactly (never via f64).
pub(crate) fn parse_snowflake(value: &Value) -> Option<u64> {
    match value {
        Value::String(text) => parse_snowflake_str(text),
        Value::Number(number) => number.as_u64(),
        _ => None,
    }
}

/// Parses a snowflake string: ASCII digits only, fitting in a u64.
pub(crate) fn parse_snowflake_str(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Takes the object at `value`, or fails naming `path`.
fn as_object(value: Value, path: &str) -> Result<Object, FixtureError> {
    match value {
        Value::Object(object) => Ok(object),
        other => Err(invalid(path, format!("expected an object, found {other}"))),
    }
}

/// Takes the array under `key`, if any.
fn take_array(object: &mut Object, key: &str, path: &str) -> Result<Vec<Value>, FixtureError> {
    match object.remove(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => Ok(items),
        Some(other) => Err(invalid(
            format!("{path}.{key}"),
            format!("expected an array, found {other}"),
        )),
    }
}

/// Reads the required snowflake `key` of `object`.
fn required_id(object: &Object, key: &str, path: &str) -> Result<u64, FixtureError> {
    let value = object
        .get(key)
        .ok_or_else(|| invalid(format!("{path}.{key}"), "required"))?;
    parse_snowflake(value).ok_or_else(|| {
        invalid(
            format!("{path}.{key}"),
            format!("expected a snowflake string, found {value}"),
        )
    })
}

/// Reads the required string `key` of `object`.
fn required_string(object: &Object, key: &str, path: &str) -> Result<(), FixtureError> {
    match object.get(key) {
        Some(Value::String(_)) => Ok(()),
        Some(other) => Err(invalid(
            format!("{path}.{key}"),
            format!("expected a string, found {other}"),
        )),
        None => Err(invalid(format!("{path}.{key}"), "required")),
    }
}

/// Reads the optional snowflake `key` (absent or null: `None`).
fn optional_id(object: &Object, key: &str, path: &str) -> Result<Option<u64>, FixtureError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => parse_snowflake(value).map(Some).ok_or_else(|| {
            invalid(
                format!("{path}.{key}"),
                format!("expected a snowflake string, found {value}"),
            )
        }),
    }
}

/// Builds the served object: the canonical keys in order (the fixture's value, or the default),
/// then every other fixture key. Ids become strings.
fn with_defaults(mut object: Object, defaults: &[(&str, Value)]) -> Object {
    let mut out = Object::new();
    for (key, default) in defaults {
        let value = object.remove(*key).unwrap_or_else(|| default.clone());
        out.insert((*key).to_owned(), value);
    }
    out.extend(object);
    out
}

/// Writes `id` back as a string under `key`.
fn set_id(object: &mut Object, key: &str, id: u64) {
    object.insert(key.to_owned(), Value::String(id.to_string()));
}

/// Removes the emulator-only keys.
fn strip_emulator_keys(object: &mut Object) {
    for key in EMULATOR_KEYS {
        object.remove(key);
    }
}

/// Normalizes a user object (`is_bot`: whether it is the fixture's bot).
fn parse_user(value: Value, path: &str, is_bot: bool) -> Result<FixtureUser, FixtureError> {
    let mut object = as_object(value, path)?;
    let id = required_id(&object, "id", path)?;
    required_string(&object, "username", path)?;
    let dm_closed = match object.get("dm_closed") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(closed)) => *closed,
        Some(other) => {
            return Err(invalid(
                format!("{path}.dm_closed"),
                format!("expected true or false, found {other}"),
            ));
        }
    };
    strip_emulator_keys(&mut object);
    // Discord sends `bot` only for bots.
    let bot = is_bot || object.get("bot") == Some(&Value::Bool(true));
    object.remove("bot");
    let mut defaults = vec![
        ("id", Value::Null),
        ("username", Value::Null),
        ("avatar", Value::Null),
        ("discriminator", json!("0")),
        ("public_flags", json!(0)),
        ("flags", json!(0)),
    ];
    if bot {
        defaults.push(("bot", json!(true)));
    }
    defaults.extend([
        ("banner", Value::Null),
        ("accent_color", Value::Null),
        ("global_name", Value::Null),
        ("avatar_decoration_data", Value::Null),
        ("collectibles", Value::Null),
        ("primary_guild", Value::Null),
    ]);
    let mut object = with_defaults(object, &defaults);
    set_id(&mut object, "id", id);
    Ok(FixtureUser {
        id,
        object,
        dm_closed,
    })
}

/// Normalizes a role object; returns its id and the served object.
fn parse_role(value: Value, path: &str) -> Result<(u64, Object), FixtureError> {
    let object = as_object(value, path)?;
    let id = required_id(&object, "id", path)?;
    required_string(&object, "name", path)?;
    let color = object.get("color").cloned().unwrap_or(json!(0));
    let mut object = with_defaults(
        object,
        &[
            ("id", Value::Null),
            ("name", Value::Null),
            ("description", Value::Null),
            ("permissions", json!("0")),
            ("position", json!(0)),
            ("color", json!(0)),
            (
                "colors",
                json!({"primary_color": color, "secondary_color": null, "tertiary_color": null}),
            ),
            ("hoist", json!(false)),
            ("icon", Value::Null),
            ("unicode_emoji", Value::Null),
            ("managed", json!(false)),
            ("mentionable", json!(false)),
            ("flags", json!(0)),
        ],
    );
    set_id(&mut object, "id", id);
    Ok((id, object))
}

/// Normalizes a channel object of guild `guild_id`.
pub(crate) fn parse_channel(
    value: Value,
    path: &str,
    guild_id: u64,
) -> Result<FixtureChannel, FixtureError> {
    let mut object = as_object(value, path)?;
    let id = required_id(&object, "id", path)?;
    required_string(&object, "name", path)?;
    let kind = match object.get("type") {
        None => 0,
        Some(value) => value.as_u64().ok_or_else(|| {
            invalid(
                format!("{path}.type"),
                format!("expected a channel type number, found {value}"),
            )
        })?,
    };
    if let Some(given) = optional_id(&object, "guild_id", path)?
        && given != guild_id
    {
        return Err(invalid(
            format!("{path}.guild_id"),
            format!("channel is listed in guild {guild_id} but names guild {given}"),
        ));
    }
    let parent = optional_id(&object, "parent_id", path)?;
    let last_message = optional_id(&object, "last_message_id", path)?;
    let access = match object.get("emulator_access") {
        None | Some(Value::Null) => Access::Full,
        Some(Value::String(text)) if text == "full" => Access::Full,
        Some(Value::String(text)) if text == "read" => Access::Read,
        Some(Value::String(text)) if text == "none" => Access::None,
        Some(other) => {
            return Err(invalid(
                format!("{path}.emulator_access"),
                format!("expected \"none\", \"read\" or \"full\", found {other}"),
            ));
        }
    };
    strip_emulator_keys(&mut object);
    let mut defaults: Vec<(&str, Value)> = vec![("id", Value::Null), ("type", json!(kind))];
    // Channels that hold messages (or posts) have `last_message_id` and a slowmode.
    let texty = matches!(kind, 0 | 2 | 5 | 10 | 11 | 12 | 13 | 15 | 16);
    if texty {
        defaults.push(("last_message_id", Value::Null));
    }
    defaults.extend([
        ("flags", json!(0)),
        ("guild_id", Value::Null),
        ("name", Value::Null),
        ("parent_id", Value::Null),
    ]);
    if texty {
        defaults.push(("rate_limit_per_user", json!(0)));
    }
    match kind {
        2 | 13 => {
            defaults.extend([
                ("bitrate", json!(64000)),
                ("user_limit", json!(0)),
                ("rtc_region", Value::Null),
            ]);
        }
        _ => {}
    }
    if matches!(kind, 0 | 5 | 13 | 15 | 16) {
        defaults.push(("topic", Value::Null));
    }
    defaults.extend([
        ("position", json!(0)),
        ("permission_overwrites", json!([])),
        ("nsfw", json!(false)),
    ]);
    if matches!(kind, 15 | 16) {
        defaults.extend([
            ("default_thread_rate_limit_per_user", json!(0)),
            ("available_tags", json!([])),
            ("default_reaction_emoji", Value::Null),
            ("default_sort_order", Value::Null),
        ]);
        if kind == 15 {
            defaults.push(("default_forum_layout", json!(0)));
        }
    }
    let mut object = with_defaults(object, &defaults);
    set_id(&mut object, "id", id);
    set_id(&mut object, "guild_id", guild_id);
    if let Some(parent) = parent {
        set_id(&mut object, "parent_id", parent);
    }
    if let Some(last) = last_message {
        set_id(&mut object, "last_message_id", last);
    }
    Ok(FixtureChannel {
        id,
        kind,
        access,
        object,
    })
}

/// Normalizes a member object; `users` resolves `user.id` to the full user object.
fn parse_member(
    value: Value,
    path: &str,
    guild_id: u64,
    users: &[&FixtureUser],
    role_ids: &HashSet<u64>,
) -> Result<(u64, Object), FixtureError> {
    let object = as_object(value, path)?;
    let user_path = format!("{path}.user");
    let user_ref = match object.get("user") {
        Some(Value::Object(user)) => user,
        Some(other) => {
            return Err(invalid(
                user_path,
                format!("expected an object, found {other}"),
            ));
        }
        None => return Err(invalid(user_path, "required")),
    };
    let user_id = required_id(user_ref, "id", &user_path)?;
    let user = users
        .iter()
        .find(|user| user.id == user_id)
        .ok_or_else(|| {
            invalid(
                format!("{user_path}.id"),
                format!("user {user_id} is neither the bot nor in users"),
            )
        })?;
    let mut roles = Vec::new();
    match object.get("roles") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                let role = parse_snowflake(item)
                    .filter(|role| role_ids.contains(role))
                    .ok_or_else(|| {
                        invalid(
                            format!("{path}.roles[{index}]"),
                            format!("{item} is not a role of guild {guild_id}"),
                        )
                    })?;
                roles.push(Value::String(role.to_string()));
            }
        }
        Some(other) => {
            return Err(invalid(
                format!("{path}.roles"),
                format!("expected an array, found {other}"),
            ));
        }
    }
    let joined_at = snowflake_timestamp(guild_id);
    let mut object = with_defaults(
        object,
        &[
            ("user", Value::Null),
            ("nick", Value::Null),
            ("avatar", Value::Null),
            ("banner", Value::Null),
            ("roles", Value::Null),
            ("joined_at", Value::String(joined_at)),
            ("premium_since", Value::Null),
            ("deaf", json!(false)),
            ("mute", json!(false)),
            ("flags", json!(0)),
            ("pending", json!(false)),
            ("communication_disabled_until", Value::Null),
        ],
    );
    object.insert("user".to_owned(), Value::Object(user.object.clone()));
    object.insert("roles".to_owned(), Value::Array(roles));
    Ok((user_id, object))
}

/// Normalizes a guild with its roles, channels and members.
fn parse_guild(
    value: Value,
    path: &str,
    bot_id: u64,
    users: &[&FixtureUser],
) -> Result<FixtureGuild, FixtureError> {
    let mut object = as_object(value, path)?;
    let id = required_id(&object, "id", path)?;
    required_string(&object, "name", path)?;
    let owner = optional_id(&object, "owner_id", path)?.unwrap_or(bot_id);
    let channel_values = take_array(&mut object, "channels", path)?;
    let role_values = take_array(&mut object, "roles", path)?;
    let member_values = take_array(&mut object, "members", path)?;
    strip_emulator_keys(&mut object);

    let mut roles = Vec::new();
    let mut role_ids = HashSet::new();
    for (index, value) in role_values.into_iter().enumerate() {
        let role_path = format!("{path}.roles[{index}]");
        let (role_id, role) = parse_role(value, &role_path)?;
        if !role_ids.insert(role_id) {
            return Err(invalid(
                format!("{role_path}.id"),
                format!("duplicate role id {role_id}"),
            ));
        }
        roles.push(Value::Object(role));
    }
    if !role_ids.contains(&id) {
        // Every guild has an @everyone role whose id is the guild's id.
        let (_, everyone) = parse_role(
            json!({"id": id.to_string(), "name": "@everyone", "permissions": DEFAULT_EVERYONE_PERMISSIONS}),
            path,
        )?;
        roles.insert(0, Value::Object(everyone));
        role_ids.insert(id);
    }

    let mut channels = Vec::new();
    for (index, value) in channel_values.into_iter().enumerate() {
        channels.push(parse_channel(
            value,
            &format!("{path}.channels[{index}]"),
            id,
        )?);
    }
    for (index, channel) in channels.iter().enumerate() {
        if let Some(parent) = channel.object.get("parent_id").and_then(parse_snowflake)
            && !channels.iter().any(|c| c.id == parent && c.kind == 4)
        {
            return Err(invalid(
                format!("{path}.channels[{index}].parent_id"),
                format!("{parent} is not a category channel (type 4) of this guild"),
            ));
        }
    }

    let mut members = Vec::new();
    let mut member_ids = HashSet::new();
    for (index, value) in member_values.into_iter().enumerate() {
        let member_path = format!("{path}.members[{index}]");
        let (user_id, member) = parse_member(value, &member_path, id, users, &role_ids)?;
        if !member_ids.insert(user_id) {
            return Err(invalid(
                format!("{member_path}.user.id"),
                format!("user {user_id} is listed twice"),
            ));
        }
        members.push(member);
    }

    let mut object = with_defaults(
        object,
        &[
            ("id", Value::Null),
            ("name", Value::Null),
            ("icon", Value::Null),
            ("description", Value::Null),
            ("home_header", Value::Null),
            ("splash", Value::Null),
            ("discovery_splash", Value::Null),
            ("features", json!([])),
            ("banner", Value::Null),
            ("owner_id", Value::Null),
            ("application_id", Value::Null),
            ("region", json!("deprecated")),
            ("afk_channel_id", Value::Null),
            ("afk_timeout", json!(300)),
            ("system_channel_id", Value::Null),
            ("system_channel_flags", json!(0)),
            ("widget_enabled", json!(false)),
            ("widget_channel_id", Value::Null),
            ("verification_level", json!(0)),
            ("roles", Value::Null),
            ("default_message_notifications", json!(0)),
            ("mfa_level", json!(0)),
            ("explicit_content_filter", json!(0)),
            ("max_presences", Value::Null),
            ("max_members", json!(500_000)),
            ("max_stage_video_channel_users", json!(50)),
            ("max_video_channel_users", json!(25)),
            ("vanity_url_code", Value::Null),
            ("premium_tier", json!(0)),
            ("premium_subscription_count", json!(0)),
            ("preferred_locale", json!("en-US")),
            ("rules_channel_id", Value::Null),
            ("safety_alerts_channel_id", Value::Null),
            ("public_updates_channel_id", Value::Null),
            ("premium_progress_bar_enabled", json!(false)),
            ("nsfw", json!(false)),
            ("nsfw_level", json!(0)),
            ("emojis", json!([])),
            ("stickers", json!([])),
            ("incidents_data", Value::Null),
        ],
    );
    set_id(&mut object, "id", id);
    set_id(&mut object, "owner_id", owner);
    object.insert("roles".to_owned(), Value::Array(roles));
    Ok(FixtureGuild {
        id,
        object,
        channels,
        members,
    })
}

/// Parses a whole fixture document.
fn parse_fixture(value: Value) -> Result<Fixture, FixtureError> {
    let mut top = as_object(value, "$")?;
    if let Some(key) = top.keys().find(|key| {
        !matches!(
            key.as_str(),
            "token" | "bot" | "users" | "guilds" | "rate_limits"
        )
    }) {
        return Err(invalid(
            format!("$.{key}"),
            "unknown key (expected token, bot, users, guilds, rate_limits)",
        ));
    }
    let rate_limits = match top.remove("rate_limits") {
        None | Some(Value::Null) => Default::default(),
        Some(section) => crate::ratelimit::config::parse_overrides(section)?,
    };
    let token = match top.remove("token") {
        Some(Value::String(token)) if !token.is_empty() && !token.contains(char::is_whitespace) => {
            token
        }
        Some(other) => {
            return Err(invalid(
                "$.token",
                format!("expected a non-empty string without spaces, found {other}"),
            ));
        }
        None => return Err(invalid("$.token", "required")),
    };
    let bot_value = top
        .remove("bot")
        .ok_or_else(|| invalid("$.bot", "required"))?;
    let mut bot_object = as_object(bot_value, "$.bot")?;
    let mut bot_private = Object::new();
    for key in PII_KEYS {
        if let Some(value) = bot_object.remove(key) {
            bot_private.insert(key.to_owned(), value);
        }
    }
    let bot_private = with_defaults(
        bot_private,
        &[
            ("mfa_enabled", json!(false)),
            ("locale", json!("en-US")),
            ("verified", json!(true)),
            ("email", Value::Null),
        ],
    );
    let bot = parse_user(Value::Object(bot_object), "$.bot", true)?;

    let mut seen_users = HashSet::from([bot.id]);
    let mut users = Vec::new();
    for (index, value) in take_array(&mut top, "users", "$")?.into_iter().enumerate() {
        let path = format!("$.users[{index}]");
        let user = parse_user(value, &path, false)?;
        if !seen_users.insert(user.id) {
            return Err(invalid(
                format!("{path}.id"),
                format!("duplicate user id {}", user.id),
            ));
        }
        users.push(user);
    }

    let all_users: Vec<&FixtureUser> = std::iter::once(&bot).chain(users.iter()).collect();
    let mut guilds = Vec::new();
    let mut seen_guilds = HashSet::new();
    let mut seen_channels = HashSet::new();
    for (index, value) in take_array(&mut top, "guilds", "$")?.into_iter().enumerate() {
        let path = format!("$.guilds[{index}]");
        let guild = parse_guild(value, &path, bot.id, &all_users)?;
        if !seen_guilds.insert(guild.id) {
            return Err(invalid(
                format!("{path}.id"),
                format!("duplicate guild id {}", guild.id),
            ));
        }
        for (channel_index, channel) in guild.channels.iter().enumerate() {
            if !seen_channels.insert(channel.id) {
                return Err(invalid(
                    format!("{path}.channels[{channel_index}].id"),
                    format!("duplicate channel id {}", channel.id),
                ));
            }
        }
        guilds.push(guild);
    }
    Ok(Fixture {
        token,
        bot,
        bot_private,
        users,
        guilds,
        rate_limits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> Value {
        json!({
            "token": "t0ken",
            "bot": {"id": "1", "username": "bot"},
            "users": [{"id": "2", "username": "u"}],
            "guilds": [{
                "id": "10",
                "name": "g",
                "channels": [{"id": "11", "name": "c"}],
            }]
        })
    }

    fn parse(value: Value) -> Result<Fixture, FixtureError> {
        Fixture::from_json(&value.to_string())
    }

    fn error_path(value: Value) -> String {
        match parse(value) {
            Err(FixtureError::Invalid { path, .. }) => path,
            other => panic!("expected an invalid fixture, got {other:?}"),
        }
    }

    #[test]
    fn default_fixture_parses_with_its_documented_ids() {
        let fixture = Fixture::default_fixture();
        assert_eq!(fixture.token(), "sandbox-bot-token");
        assert_eq!(fixture.bot_id(), 100000000000000001);
        assert_eq!(fixture.users.len(), 3);
        assert!(fixture.users[1].dm_closed);
        let guild = &fixture.guilds[0];
        assert_eq!(guild.id, 300000000000000001);
        let kinds: Vec<u64> = guild.channels.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [4, 0, 2, 5, 15, 13, 0, 0, 0]);
        assert_eq!(guild.channels[6].access, Access::None);
        assert_eq!(guild.channels[7].access, Access::Read);
        assert_eq!(guild.channels[8].id, 18014398509481985);
        assert_eq!(guild.members.len(), 3);
    }

    #[test]
    fn big_snowflakes_round_trip_exactly() {
        // 2^54 + 1 and u64::MAX are not representable as f64.
        let mut value = minimal();
        value["guilds"][0]["channels"][0]["id"] = json!("18014398509481985");
        value["users"][0]["id"] = json!("18446744073709551615");
        let fixture = parse(value).unwrap();
        let channel = &fixture.guilds[0].channels[0];
        assert_eq!(channel.id, 18014398509481985);
        assert_eq!(channel.object["id"], json!("18014398509481985"));
        assert_eq!(fixture.users[0].object["id"], json!("18446744073709551615"));
        let text = serde_json::to_string(&channel.object).unwrap();
        assert!(text.contains(r#""id":"18014398509481985""#), "{text}");
        // Integer ids in the fixture are accepted exactly too, and served as strings.
        let fixture =
            Fixture::from_json(r#"{"token":"t","bot":{"id":18014398509481985,"username":"b"}}"#)
                .unwrap();
        assert_eq!(fixture.bot_id(), 18014398509481985);
        assert_eq!(fixture.bot.object["id"], json!("18014398509481985"));
    }

    #[test]
    fn user_defaults_follow_discord() {
        let fixture = parse(minimal()).unwrap();
        let user = Value::Object(fixture.users[0].object.clone());
        assert_eq!(
            user,
            json!({
                "id": "2", "username": "u", "avatar": null, "discriminator": "0",
                "public_flags": 0, "flags": 0, "banner": null, "accent_color": null,
                "global_name": null, "avatar_decoration_data": null, "collectibles": null,
                "primary_guild": null
            })
        );
        assert!(!fixture.users[0].dm_closed);
        // The bot always has `bot: true`; PII keys are kept apart.
        assert_eq!(fixture.bot.object["bot"], json!(true));
        assert!(!fixture.bot.object.contains_key("verified"));
        assert_eq!(fixture.bot_private["verified"], json!(true));
        assert_eq!(fixture.bot_private["locale"], json!("en-US"));
    }

    #[test]
    fn emulator_keys_are_never_served() {
        let fixture = Fixture::default_fixture();
        let bob = &fixture.users[1];
        assert!(bob.dm_closed);
        assert!(!bob.object.contains_key("dm_closed"));
        for channel in &fixture.guilds[0].channels {
            assert!(!channel.object.contains_key("emulator_access"));
        }
        let all = format!("{:?}", fixture.guilds);
        assert!(!all.contains("emulator_access") && !all.contains("dm_closed"));
    }

    #[test]
    fn channel_defaults_depend_on_the_type() {
        let fixture = Fixture::default_fixture();
        let channels = &fixture.guilds[0].channels;
        let text = &channels[1].object;
        assert_eq!(text["guild_id"], json!("300000000000000001"));
        assert_eq!(text["topic"], json!("General chat"));
        assert_eq!(text["last_message_id"], Value::Null);
        assert_eq!(text["rate_limit_per_user"], json!(0));
        assert_eq!(text["nsfw"], json!(false));
        assert_eq!(text["permission_overwrites"], json!([]));
        assert_eq!(text["flags"], json!(0));
        let category = &channels[0].object;
        assert_eq!(category["parent_id"], Value::Null);
        assert!(!category.contains_key("topic"));
        assert!(!category.contains_key("last_message_id"));
        let voice = &channels[2].object;
        assert_eq!(voice["bitrate"], json!(64000));
        assert_eq!(voice["user_limit"], json!(0));
        assert_eq!(voice["rtc_region"], Value::Null);
        let forum = &channels[4].object;
        assert_eq!(forum["available_tags"], json!([]));
        assert_eq!(forum["topic"], Value::Null);
        let stage = &channels[5].object;
        assert_eq!(stage["bitrate"], json!(64000));
        assert_eq!(channels[8].object["nsfw"], json!(true));
    }

    #[test]
    fn guild_defaults_and_everyone_role() {
        let fixture = parse(minimal()).unwrap();
        let guild = &fixture.guilds[0].object;
        assert_eq!(guild["owner_id"], json!("1"), "owner defaults to the bot");
        assert_eq!(guild["icon"], Value::Null);
        assert_eq!(guild["features"], json!([]));
        assert_eq!(guild["emojis"], json!([]));
        assert_eq!(guild["verification_level"], json!(0));
        assert_eq!(guild["preferred_locale"], json!("en-US"));
        let roles = guild["roles"].as_array().unwrap();
        assert_eq!(roles.len(), 1);
        assert_eq!(roles[0]["id"], json!("10"));
        assert_eq!(roles[0]["name"], json!("@everyone"));
        assert_eq!(roles[0]["managed"], json!(false));
        assert_eq!(roles[0]["colors"]["primary_color"], json!(0));
        assert!(!guild.contains_key("channels"));
        assert!(!guild.contains_key("members"));
    }

    #[test]
    fn members_get_the_full_user() {
        let fixture = Fixture::default_fixture();
        let member = &fixture.guilds[0].members[1];
        assert_eq!(member["user"]["username"], json!("alice"));
        assert_eq!(member["nick"], json!("Ali"));
        assert_eq!(member["roles"], json!(["500000000000000001"]));
        assert_eq!(member["deaf"], json!(false));
    }

    #[test]
    fn extra_discord_keys_are_kept() {
        let mut value = minimal();
        value["users"][0]["banner_color"] = json!("#ffffff");
        value["guilds"][0]["channels"][0]["default_auto_archive_duration"] = json!(4320);
        let fixture = parse(value).unwrap();
        assert_eq!(fixture.users[0].object["banner_color"], json!("#ffffff"));
        assert_eq!(
            fixture.guilds[0].channels[0].object["default_auto_archive_duration"],
            json!(4320)
        );
    }

    #[test]
    fn invalid_fixtures_name_the_path() {
        let mut value = minimal();
        value["token"] = json!("");
        assert_eq!(error_path(value), "$.token");

        let mut value = minimal();
        value["users"][0]["id"] = json!("12a");
        assert_eq!(error_path(value), "$.users[0].id");

        let mut value = minimal();
        value["users"][0]["id"] = json!(1.5);
        assert_eq!(error_path(value), "$.users[0].id");

        let mut value = minimal();
        value["users"][0]["id"] = json!("1");
        assert_eq!(error_path(value), "$.users[0].id", "duplicate of the bot");

        let mut value = minimal();
        value["guilds"][0]["channels"][0]["emulator_access"] = json!("write");
        assert_eq!(error_path(value), "$.guilds[0].channels[0].emulator_access");

        let mut value = minimal();
        value["guilds"][0]["channels"][0]["parent_id"] = json!("999");
        assert_eq!(error_path(value), "$.guilds[0].channels[0].parent_id");

        let mut value = minimal();
        value["guilds"][0]["members"] = json!([{"user": {"id": "404"}}]);
        assert_eq!(error_path(value), "$.guilds[0].members[0].user.id");

        let mut value = minimal();
        value["guilds"][0]["members"] = json!([{"user": {"id": "2"}, "roles": ["5"]}]);
        assert_eq!(error_path(value), "$.guilds[0].members[0].roles[0]");

        let mut value = minimal();
        value["guilds"][0]["channels"] =
            json!([{"id": "11", "name": "a"}, {"id": "11", "name": "b"}]);
        assert_eq!(error_path(value), "$.guilds[0].channels[1].id");

        let mut value = minimal();
        value["tokn"] = json!("typo");
        assert_eq!(error_path(value), "$.tokn");

        assert!(matches!(
            Fixture::from_json("{not json"),
            Err(FixtureError::Json(_))
        ));
    }

    #[test]
    fn debug_redacts_the_token() {
        let fixture = Fixture::default_fixture();
        let debug = format!("{fixture:?}");
        assert!(!debug.contains("sandbox-bot-token"), "{debug}");
        assert!(debug.contains("<redacted>"));
    }
}
