//! The member and presence commands: op 8 REQUEST_GUILD_MEMBERS answered with
//! GUILD_MEMBERS_CHUNK events
//! ([docs](https://discord.com/developers/docs/events/gateway-events#request-guild-members)),
//! and op 3 PRESENCE_UPDATE checked and kept as the session's presence
//! ([docs](https://discord.com/developers/docs/events/gateway-events#update-presence)).

use serde_json::{Map, Value, json};

use super::intents;
use crate::fixture::Object;
use crate::snowflake::parse_snowflake;
use crate::store::Store;

/// Members per GUILD_MEMBERS_CHUNK (Discord: up to 1000).
pub const MAX_MEMBERS_PER_CHUNK: usize = 1000;
/// Most `user_ids` of one request; Discord answers nothing for more.
pub const MAX_USER_IDS: usize = 100;
/// Most members a non-empty `query` returns.
pub const MAX_QUERY_MEMBERS: u64 = 100;
/// Longest `nonce` echoed; a longer one is dropped (the chunks come without it).
pub const MAX_NONCE_BYTES: usize = 32;

/// The statuses op 3 accepts.
pub const STATUSES: [&str; 5] = ["online", "dnd", "idle", "invisible", "offline"];
/// The largest activity type (0 PLAYING … 5 COMPETING).
pub const MAX_ACTIVITY_TYPE: u64 = 5;

/// Who asks: the session's intents and its presence (the bot's, for `presences`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Requester<'a> {
    /// IDENTIFY's intents.
    pub(crate) intents: u64,
    /// The session's presence (IDENTIFY's `presence`, then op 3), if any.
    pub(crate) presence: Option<&'a Value>,
}

/// How the gateway answers an op 8.
#[derive(Debug, PartialEq)]
pub(crate) enum MembersAnswer {
    /// These GUILD_MEMBERS_CHUNK payloads of `guild_id`, in order.
    Chunks {
        /// The guild asked for.
        guild_id: u64,
        /// The chunks' `d`.
        chunks: Vec<Value>,
    },
    /// Nothing is sent (as Discord does); the reason is logged.
    Nothing(&'static str),
    /// A payload Discord cannot decode: close 4002.
    Invalid,
}

/// Answers an op 8 `d` from `requester` against `store`:
///
/// - `d` must be an object with one `guild_id` snowflake (one guild per request: a list is
///   refused), and `user_ids` (a snowflake or a list) or `query` (a string) with an integer
///   `limit`; otherwise [`MembersAnswer::Invalid`].
/// - Nothing for more than [`MAX_USER_IDS`] ids, an unknown guild, or `query` `""` (the whole
///   list, any `limit`) without the GUILD_MEMBERS intent.
/// - `user_ids`: those members in the order asked (`not_found`: the others), `limit` unused.
///   Otherwise the members whose username or nick starts with `query` (case-insensitive) in
///   the guild's order: with `""` at most `limit` (0: all), else at most `limit` capped at
///   [`MAX_QUERY_MEMBERS`] (0: 100).
/// - [`MAX_MEMBERS_PER_CHUNK`] members per chunk, `chunk_index` / `chunk_count` (one chunk
///   when nothing matched), `not_found` on the first chunk (`[]` on the others); `presences`
///   only when asked and the session has GUILD_PRESENCES: the bot's own presence when the bot
///   is in the chunk and neither offline nor invisible (other users are always offline);
///   `nonce` when it is a string of at most [`MAX_NONCE_BYTES`] bytes.
pub(crate) fn request_guild_members(
    store: &Store,
    d: &Value,
    requester: Requester<'_>,
) -> MembersAnswer {
    let Some(request) = d.as_object() else {
        return MembersAnswer::Invalid;
    };
    let Some(guild_id) = request.get("guild_id").and_then(parse_snowflake) else {
        return MembersAnswer::Invalid;
    };
    let user_ids = match request.get("user_ids") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => {
            let ids: Option<Vec<u64>> = items.iter().map(parse_snowflake).collect();
            let Some(ids) = ids else {
                return MembersAnswer::Invalid;
            };
            Some(ids)
        }
        Some(single) => match parse_snowflake(single) {
            Some(id) => Some(vec![id]),
            None => return MembersAnswer::Invalid,
        },
    };
    let query = match (&user_ids, request.get("query")) {
        (Some(_), _) => None,
        (None, Some(Value::String(query))) => {
            let Some(limit) = request.get("limit").and_then(Value::as_u64) else {
                return MembersAnswer::Invalid;
            };
            Some((query.to_lowercase(), limit))
        }
        (None, _) => return MembersAnswer::Invalid,
    };
    if user_ids
        .as_ref()
        .is_some_and(|ids| ids.len() > MAX_USER_IDS)
    {
        return MembersAnswer::Nothing("more than 100 user_ids");
    }
    let Some(guild) = store.guilds.get(&guild_id) else {
        return MembersAnswer::Nothing("a guild the bot is not in");
    };
    if query.as_ref().is_some_and(|(query, _)| query.is_empty())
        && requester.intents & intents::GUILD_MEMBERS == 0
    {
        return MembersAnswer::Nothing("the whole member list without the GUILD_MEMBERS intent");
    }
    let member_id = |member: &Object| {
        member
            .get("user")
            .and_then(|user| user.get("id"))
            .and_then(parse_snowflake)
    };
    let mut not_found = Vec::new();
    let members: Vec<&Object> = match (&user_ids, &query) {
        (Some(ids), _) => ids
            .iter()
            .filter_map(|id| {
                let member = guild.members.iter().find(|m| member_id(m) == Some(*id));
                if member.is_none() {
                    not_found.push(json!(id.to_string()));
                }
                member
            })
            .collect(),
        (None, Some((query, limit))) => {
            let cap = match (query.is_empty(), *limit) {
                (true, 0) => u64::MAX,
                (true, limit) => limit,
                (false, 0) => MAX_QUERY_MEMBERS,
                (false, limit) => limit.min(MAX_QUERY_MEMBERS),
            };
            let starts = |value: Option<&Value>| {
                value
                    .and_then(Value::as_str)
                    .is_some_and(|name| name.to_lowercase().starts_with(query.as_str()))
            };
            guild
                .members
                .iter()
                .filter(|member| {
                    query.is_empty()
                        || starts(member.get("nick"))
                        || starts(member.get("user").and_then(|user| user.get("username")))
                })
                .take(usize::try_from(cap).unwrap_or(usize::MAX))
                .collect()
        }
        (None, None) => return MembersAnswer::Invalid,
    };
    let presences = request.get("presences") == Some(&Value::Bool(true))
        && requester.intents & intents::GUILD_PRESENCES != 0;
    let nonce = request
        .get("nonce")
        .filter(|nonce| nonce.as_str().is_some_and(|n| n.len() <= MAX_NONCE_BYTES));
    let bot_presence = requester
        .presence
        .and_then(|presence| bot_presence(store.bot_id, guild_id, presence));

    let parts: Vec<&[&Object]> = if members.is_empty() {
        vec![&[]]
    } else {
        members.chunks(MAX_MEMBERS_PER_CHUNK).collect()
    };
    let chunk_count = parts.len();
    let chunks = parts
        .into_iter()
        .enumerate()
        .map(|(index, part)| {
            let mut chunk = Map::new();
            chunk.insert("guild_id".into(), json!(guild_id.to_string()));
            chunk.insert(
                "members".into(),
                Value::Array(part.iter().map(|m| Value::Object((*m).clone())).collect()),
            );
            chunk.insert("chunk_index".into(), json!(index));
            chunk.insert("chunk_count".into(), json!(chunk_count));
            let missing = if index == 0 {
                std::mem::take(&mut not_found)
            } else {
                Vec::new()
            };
            chunk.insert("not_found".into(), Value::Array(missing));
            if presences {
                let has_bot = part.iter().any(|m| member_id(m) == Some(store.bot_id));
                let list: Vec<Value> = bot_presence.iter().filter(|_| has_bot).cloned().collect();
                chunk.insert("presences".into(), Value::Array(list));
            }
            if let Some(nonce) = nonce {
                chunk.insert("nonce".into(), nonce.clone());
            }
            Value::Object(chunk)
        })
        .collect();
    MembersAnswer::Chunks { guild_id, chunks }
}

/// The bot's presence object in `guild_id` from a session presence (`None` when it shows as
/// offline: `offline`, `invisible`, or no status).
fn bot_presence(bot_id: u64, guild_id: u64, presence: &Value) -> Option<Value> {
    let status = presence.get("status").and_then(Value::as_str)?;
    if matches!(status, "offline" | "invisible") {
        return None;
    }
    let activities = presence
        .get("activities")
        .filter(|activities| activities.is_array())
        .cloned()
        .unwrap_or_else(|| json!([]));
    Some(json!({
        "user": {"id": bot_id.to_string()},
        "guild_id": guild_id.to_string(),
        "status": status,
        "activities": activities,
        "client_status": {"desktop": status},
    }))
}

/// Checks an op 3 `d`: an object with `status` one of [`STATUSES`], `activities` a list of
/// objects each with a string `name`, an integer `type` 0–5 and optional string (or null)
/// `url` and `state`; `since` null or a number ≥ 0 and `afk` a boolean, when present. Returns
/// whether Discord would accept it (otherwise: close 4002).
pub(crate) fn valid_presence(d: &Value) -> bool {
    let Some(presence) = d.as_object() else {
        return false;
    };
    let status_ok = presence
        .get("status")
        .and_then(Value::as_str)
        .is_some_and(|status| STATUSES.contains(&status));
    let optional_text = |activity: &Map<String, Value>, key: &str| {
        activity
            .get(key)
            .is_none_or(|value| value.is_null() || value.is_string())
    };
    let activities_ok = presence
        .get("activities")
        .and_then(Value::as_array)
        .is_some_and(|activities| {
            activities.iter().all(|activity| {
                activity.as_object().is_some_and(|activity| {
                    activity.get("name").is_some_and(Value::is_string)
                        && activity
                            .get("type")
                            .and_then(Value::as_u64)
                            .is_some_and(|kind| kind <= MAX_ACTIVITY_TYPE)
                        && optional_text(activity, "url")
                        && optional_text(activity, "state")
                })
            })
        });
    let since_ok = presence
        .get("since")
        .is_none_or(|since| since.is_null() || since.as_f64().is_some_and(|ms| ms >= 0.0));
    let afk_ok = presence.get("afk").is_none_or(Value::is_boolean);
    status_ok && activities_ok && since_ok && afk_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;

    const GUILD: u64 = 300_000_000_000_000_001;
    const BOT: &str = "100000000000000001";
    const ALL: Requester<'static> = Requester {
        intents: intents::GUILDS | intents::GUILD_MEMBERS | intents::GUILD_PRESENCES,
        presence: None,
    };

    fn store() -> Store {
        Store::new(&Fixture::default_fixture())
    }

    fn chunks(answer: MembersAnswer) -> Vec<Value> {
        match answer {
            MembersAnswer::Chunks { guild_id, chunks } => {
                assert_eq!(guild_id, GUILD);
                chunks
            }
            other => panic!("chunks expected: {other:?}"),
        }
    }

    fn ids(chunk: &Value) -> Vec<String> {
        chunk["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["user"]["id"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn queries_user_ids_and_the_whole_list() {
        let store = store();
        let all = chunks(request_guild_members(
            &store,
            &json!({"guild_id": GUILD.to_string(), "query": "", "limit": 0}),
            ALL,
        ));
        assert_eq!(all.len(), 1);
        assert_eq!(ids(&all[0]).len(), 3);
        assert_eq!(
            (all[0]["chunk_index"].clone(), all[0]["chunk_count"].clone()),
            (json!(0), json!(1))
        );
        assert!(all[0].get("nonce").is_none() && all[0].get("presences").is_none());
        let two = chunks(request_guild_members(
            &store,
            &json!({"guild_id": GUILD.to_string(), "query": "", "limit": 2}),
            ALL,
        ));
        assert_eq!(ids(&two[0]).len(), 2);
        // Username or nick prefix, case-insensitive ("Ali" is alice's nick).
        let ali = chunks(request_guild_members(
            &store,
            &json!({"guild_id": GUILD, "query": "AL", "limit": 10, "nonce": "n"}),
            ALL,
        ));
        assert_eq!(ids(&ali[0]), vec!["200000000000000001"]);
        assert_eq!(ali[0]["nonce"], json!("n"));
        let by_ids = chunks(request_guild_members(
            &store,
            &json!({"guild_id": GUILD.to_string(), "user_ids": ["200000000000000003", "9"]}),
            ALL,
        ));
        assert_eq!(ids(&by_ids[0]), vec!["200000000000000003"]);
        assert_eq!(by_ids[0]["not_found"], json!(["9"]));
        let single = chunks(request_guild_members(
            &store,
            &json!({"guild_id": GUILD.to_string(), "user_ids": "200000000000000001"}),
            ALL,
        ));
        assert_eq!(ids(&single[0]), vec!["200000000000000001"]);
        let none = chunks(request_guild_members(
            &store,
            &json!({"guild_id": GUILD.to_string(), "query": "zzz", "limit": 5}),
            ALL,
        ));
        assert_eq!(none.len(), 1);
        assert_eq!(none[0]["members"], json!([]));
        let chunk: twilight_model::gateway::payload::incoming::MemberChunk =
            serde_json::from_value(all[0].clone()).unwrap();
        assert_eq!(chunk.members.len(), 3);
    }

    #[test]
    fn discords_limits() {
        let store = store();
        let no_members = Requester {
            intents: intents::GUILDS,
            presence: None,
        };
        let whole = json!({"guild_id": GUILD.to_string(), "query": "", "limit": 0});
        assert!(matches!(
            request_guild_members(&store, &whole, no_members),
            MembersAnswer::Nothing(_)
        ));
        let with_limit = json!({"guild_id": GUILD.to_string(), "query": "", "limit": 3});
        assert!(matches!(
            request_guild_members(&store, &with_limit, no_members),
            MembersAnswer::Nothing(_)
        ));
        // A prefix and user ids need no intent.
        let prefix = json!({"guild_id": GUILD.to_string(), "query": "c", "limit": 1});
        assert_eq!(
            chunks(request_guild_members(&store, &prefix, no_members)).len(),
            1
        );
        let many: Vec<String> = (1..=101).map(|n| n.to_string()).collect();
        assert!(matches!(
            request_guild_members(
                &store,
                &json!({"guild_id": GUILD.to_string(), "user_ids": many}),
                ALL
            ),
            MembersAnswer::Nothing(_)
        ));
        assert!(matches!(
            request_guild_members(
                &store,
                &json!({"guild_id": "42", "query": "", "limit": 0}),
                ALL
            ),
            MembersAnswer::Nothing(_)
        ));
        // A nonce over 32 bytes is dropped; one of 32 is echoed.
        let long = "x".repeat(MAX_NONCE_BYTES + 1);
        let answer = chunks(request_guild_members(
            &store,
            &json!({"guild_id": GUILD.to_string(), "query": "", "limit": 0, "nonce": long}),
            ALL,
        ));
        assert!(answer[0].get("nonce").is_none());
        let exact = "x".repeat(MAX_NONCE_BYTES);
        let answer = chunks(request_guild_members(
            &store,
            &json!({"guild_id": GUILD.to_string(), "query": "", "limit": 0, "nonce": exact}),
            ALL,
        ));
        assert_eq!(answer[0]["nonce"], json!(exact));
        for invalid in [
            json!("x"),
            json!({"query": "", "limit": 0}),
            json!({"guild_id": [GUILD.to_string()], "query": "", "limit": 0}),
            json!({"guild_id": GUILD.to_string()}),
            json!({"guild_id": GUILD.to_string(), "query": ""}),
            json!({"guild_id": GUILD.to_string(), "query": "a", "limit": -1}),
            json!({"guild_id": GUILD.to_string(), "user_ids": ["x"]}),
        ] {
            assert_eq!(
                request_guild_members(&store, &invalid, ALL),
                MembersAnswer::Invalid,
                "{invalid}"
            );
        }
    }

    #[test]
    fn presences_need_the_intent_and_show_the_bots_own() {
        let store = store();
        let presence = json!({"since": null, "status": "dnd", "afk": false,
            "activities": [{"name": "Custom Status", "type": 4, "state": "busy"}]});
        let request = json!({"guild_id": GUILD.to_string(), "user_ids": [BOT, "200000000000000001"], "presences": true});
        let with = chunks(request_guild_members(
            &store,
            &request,
            Requester {
                presence: Some(&presence),
                ..ALL
            },
        ));
        assert_eq!(
            with[0]["presences"],
            json!([{"user": {"id": BOT}, "guild_id": GUILD.to_string(), "status": "dnd",
                    "activities": [{"name": "Custom Status", "type": 4, "state": "busy"}],
                    "client_status": {"desktop": "dnd"}}])
        );
        let chunk: twilight_model::gateway::payload::incoming::MemberChunk =
            serde_json::from_value(with[0].clone()).unwrap();
        assert_eq!(chunk.presences.len(), 1);
        let without = chunks(request_guild_members(
            &store,
            &request,
            Requester {
                intents: intents::GUILDS | intents::GUILD_MEMBERS,
                presence: Some(&presence),
            },
        ));
        assert!(without[0].get("presences").is_none());
        let invisible = json!({"status": "invisible", "activities": []});
        let hidden = chunks(request_guild_members(
            &store,
            &request,
            Requester {
                presence: Some(&invisible),
                ..ALL
            },
        ));
        assert_eq!(hidden[0]["presences"], json!([]));
    }

    #[test]
    fn a_big_guild_comes_in_chunks_of_1000() {
        let users: Vec<Value> = (1..=2500u64)
            .map(|n| json!({"id": (200_000_000_000_000_000 + n).to_string(), "username": format!("user{n}")}))
            .collect();
        let members: Vec<Value> = users
            .iter()
            .map(|user| json!({"user": {"id": user["id"].clone()}}))
            .collect();
        let fixture = Fixture::from_json(
            &json!({
                "token": "t",
                "bot": {"id": BOT, "username": "bot"},
                "users": users,
                "guilds": [{"id": GUILD.to_string(), "name": "big", "members": members}],
            })
            .to_string(),
        )
        .unwrap();
        let store = Store::new(&fixture);
        let answer = chunks(request_guild_members(
            &store,
            &json!({"guild_id": GUILD.to_string(), "query": "", "limit": 0, "nonce": "big"}),
            ALL,
        ));
        let sizes: Vec<usize> = answer.iter().map(|c| ids(c).len()).collect();
        assert_eq!(sizes, vec![1000, 1000, 500]);
        for (index, chunk) in answer.iter().enumerate() {
            assert_eq!(chunk["chunk_index"], json!(index));
            assert_eq!(chunk["chunk_count"], json!(3));
            assert_eq!(chunk["nonce"], json!("big"));
        }
        let mut every: Vec<String> = answer.iter().flat_map(ids).collect();
        every.sort();
        every.dedup();
        assert_eq!(every.len(), 2500, "every member once");
        // A prefix query stops at 100, whatever the limit.
        let prefix = chunks(request_guild_members(
            &store,
            &json!({"guild_id": GUILD.to_string(), "query": "user", "limit": 1000}),
            ALL,
        ));
        assert_eq!(ids(&prefix[0]).len(), 100);
        let default = chunks(request_guild_members(
            &store,
            &json!({"guild_id": GUILD.to_string(), "query": "user1", "limit": 0}),
            ALL,
        ));
        assert_eq!(ids(&default[0]).len(), 100);
    }

    #[test]
    fn presence_updates_are_checked() {
        for valid in [
            json!({"since": null, "activities": [], "status": "online", "afk": false}),
            json!({"since": 1_700_000_000_000_u64, "activities": [{"name": "x", "type": 1, "url": "https://twitch.tv/x"}], "status": "idle", "afk": true}),
            json!({"activities": [{"name": "Custom Status", "type": 4, "state": "hi", "url": null}], "status": "offline"}),
            json!({"since": 0.0, "activities": [], "status": "invisible", "afk": false}),
        ] {
            assert!(valid_presence(&valid), "{valid}");
        }
        for invalid in [
            json!(null),
            json!({"activities": [], "status": "away"}),
            json!({"activities": []}),
            json!({"status": "online"}),
            json!({"activities": [{"type": 0}], "status": "online"}),
            json!({"activities": [{"name": "x", "type": 6}], "status": "online"}),
            json!({"activities": [{"name": "x", "type": 0, "state": 5}], "status": "online"}),
            json!({"activities": [], "status": "online", "since": -1}),
            json!({"activities": [], "status": "online", "afk": "no"}),
        ] {
            assert!(!valid_presence(&invalid), "{invalid}");
        }
    }
}
