//! Gateway commands ⇄ proto: the `d` of op 8 REQUEST_GUILD_MEMBERS and op 3 PRESENCE_UPDATE
//! built from the RPC requests, and GUILD_MEMBERS_CHUNK (with its presences) read tolerantly
//! from Discord's JSON (see [`super::json`]).
//! <https://discord.com/developers/docs/events/gateway-events#request-guild-members>
//! <https://discord.com/developers/docs/events/gateway-events#update-presence>

use super::{json::Object, member};
use crate::error::{Error, Result};
use discordproxy_proto::{
    Activity, GuildMembersChunk, Presence, RequestGuildMembersRequest, UpdatePresenceRequest,
};
use serde_json::{Map, Value, json};

/// Opcode of REQUEST_GUILD_MEMBERS.
pub const REQUEST_GUILD_MEMBERS: u8 = 8;
/// Opcode of PRESENCE_UPDATE (Update Presence).
pub const PRESENCE_UPDATE: u8 = 3;

/// The statuses Update Presence accepts.
/// <https://discord.com/developers/docs/events/gateway-events#update-presence-status-types>
pub const STATUSES: [&str; 5] = ["online", "dnd", "idle", "invisible", "offline"];

/// The activity types: 0 PLAYING … 5 COMPETING.
/// <https://discord.com/developers/docs/events/gateway-events#activity-object-activity-types>
pub const MAX_ACTIVITY_TYPE: i32 = 5;

/// Activity type STREAMING, the only one with a `url`.
pub const STREAMING: i32 = 1;

/// The URL prefixes Discord shows a stream for ("Only `https://twitch.tv/` and
/// `https://youtube.com/` urls will work"), with the `www.` forms those sites also use.
pub const STREAM_URL_PREFIXES: [&str; 4] = [
    "https://twitch.tv/",
    "https://www.twitch.tv/",
    "https://youtube.com/",
    "https://www.youtube.com/",
];

/// Largest payload a client may send on the gateway (Discord closes with 4002 above it).
/// <https://discord.com/developers/docs/events/gateway#sending-events>
pub const MAX_PAYLOAD_BYTES: usize = 4096;

/// A whole gateway payload `{"op": op, "d": d}` as sent.
pub fn frame(op: u8, d: &Value) -> String {
    json!({"op": op, "d": d}).to_string()
}

/// The `d` of op 8 for a validated request, with the server's `nonce`. `user_ids` are sent as
/// strings (snowflakes), `limit` only with `query`.
pub fn request_guild_members(request: &RequestGuildMembersRequest, nonce: &str) -> Value {
    let mut d = Map::new();
    d.insert("guild_id".into(), json!(request.guild_id.to_string()));
    match &request.query {
        Some(query) => {
            d.insert("query".into(), json!(query));
            d.insert("limit".into(), json!(request.limit));
        }
        None => {
            let ids: Vec<String> = request.user_ids.iter().map(u64::to_string).collect();
            d.insert("user_ids".into(), json!(ids));
        }
    }
    d.insert("presences".into(), json!(request.presences));
    d.insert("nonce".into(), json!(nonce));
    Value::Object(d)
}

/// A GUILD_MEMBERS_CHUNK `d` as the proto message (with the raw JSON text `json`).
pub fn members_chunk(d: &Value, json: String, shard_id: u32) -> GuildMembersChunk {
    let chunk = Object::new(d, "guild members chunk");
    GuildMembersChunk {
        guild_id: chunk.snowflake("guild_id"),
        members: chunk
            .objects("members", "guild member")
            .into_iter()
            .map(member::from_object)
            .collect(),
        chunk_index: u32::try_from(chunk.unsigned("chunk_index")).unwrap_or(u32::MAX),
        chunk_count: u32::try_from(chunk.unsigned("chunk_count")).unwrap_or(u32::MAX),
        not_found: chunk.snowflakes("not_found"),
        presences: chunk
            .objects("presences", "presence")
            .into_iter()
            .map(presence)
            .collect(),
        nonce: chunk.string("nonce"),
        shard_id,
        json,
    }
}

/// A presence object (PRESENCE_UPDATE event fields).
/// <https://discord.com/developers/docs/events/gateway-events#presence-update-presence-update-event-fields>
fn presence(value: Object<'_>) -> Presence {
    let client_status = value
        .raw("client_status")
        .and_then(Value::as_object)
        .map(|platforms| {
            platforms
                .iter()
                .filter_map(|(platform, status)| {
                    Some((platform.clone(), status.as_str()?.to_owned()))
                })
                .collect()
        })
        .unwrap_or_default();
    Presence {
        user_id: value
            .object("user", "presence user")
            .map_or(0, |user| user.snowflake("id")),
        guild_id: value.snowflake("guild_id"),
        status: value.string("status"),
        activities: value
            .objects("activities", "activity")
            .into_iter()
            .map(activity)
            .collect(),
        client_status,
    }
}

/// An activity object: the four fields bots use.
/// <https://discord.com/developers/docs/events/gateway-events#activity-object>
fn activity(value: Object<'_>) -> Activity {
    Activity {
        name: value.string("name"),
        r#type: value.int32("type"),
        url: value.string("url"),
        state: value.string("state"),
    }
}

/// The `d` of op 3 for `request`: `since` (null when unset), `activities` (each `name` and
/// `type`, `url` and `state` when set), `status`, `afk`.
///
/// # Errors
/// [`Error::InvalidArgument`] naming the field: `status` empty or not one of [`STATUSES`];
/// `since` negative; `activities[i].name` empty; `activities[i].type` outside 0–5;
/// `activities[i].url` set on a type other than STREAMING, missing on STREAMING, or not a
/// Twitch or YouTube URL; a payload over [`MAX_PAYLOAD_BYTES`] (Discord would close the
/// connection).
pub fn update_presence(request: &UpdatePresenceRequest) -> Result<Value> {
    let invalid = |message: String| Err(Error::InvalidArgument(message));
    let statuses = STATUSES.join(", ");
    if request.status.is_empty() {
        return invalid(format!("status is required: one of {statuses}"));
    }
    if !STATUSES.contains(&request.status.as_str()) {
        return invalid(format!(
            "status {:?} is not a status Discord knows: one of {statuses}",
            request.status
        ));
    }
    if let Some(since) = request.since.filter(|since| *since < 0) {
        return invalid(format!(
            "since is {since}; it is a Unix time in milliseconds (>= 0), or unset for null"
        ));
    }
    let mut activities = Vec::with_capacity(request.activities.len());
    for (index, activity) in request.activities.iter().enumerate() {
        if activity.name.trim().is_empty() {
            return invalid(format!(
                "activities[{index}].name is required (for type 4 CUSTOM e.g. \"Custom Status\", with the text in state)"
            ));
        }
        if !(0..=MAX_ACTIVITY_TYPE).contains(&activity.r#type) {
            return invalid(format!(
                "activities[{index}].type is {}; Discord's activity types are 0 PLAYING, 1 STREAMING, 2 LISTENING, 3 WATCHING, 4 CUSTOM, 5 COMPETING",
                activity.r#type
            ));
        }
        if activity.r#type == STREAMING {
            if activity.url.is_empty() {
                return invalid(format!(
                    "activities[{index}].url is required with type 1 STREAMING (a https://twitch.tv/ or https://youtube.com/ URL)"
                ));
            }
            if !STREAM_URL_PREFIXES
                .iter()
                .any(|prefix| activity.url.starts_with(prefix))
            {
                return invalid(format!(
                    "activities[{index}].url {:?} is not a stream URL Discord shows: it must start with https://twitch.tv/ or https://youtube.com/",
                    activity.url
                ));
            }
        } else if !activity.url.is_empty() {
            return invalid(format!(
                "activities[{index}].url is only used with type 1 STREAMING; Discord ignores it for type {}",
                activity.r#type
            ));
        }
        let mut object = Map::new();
        object.insert("name".into(), json!(activity.name));
        object.insert("type".into(), json!(activity.r#type));
        if !activity.url.is_empty() {
            object.insert("url".into(), json!(activity.url));
        }
        if !activity.state.is_empty() {
            object.insert("state".into(), json!(activity.state));
        }
        activities.push(Value::Object(object));
    }
    let d = json!({
        "since": request.since,
        "activities": activities,
        "status": request.status,
        "afk": request.afk,
    });
    let size = frame(PRESENCE_UPDATE, &d).len();
    if size > MAX_PAYLOAD_BYTES {
        return invalid(format!(
            "activities make an op 3 payload of {size} bytes; the gateway accepts at most {MAX_PAYLOAD_BYTES}"
        ));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn playing(name: &str) -> Activity {
        Activity {
            name: name.into(),
            ..Default::default()
        }
    }

    #[test]
    fn op_8_sends_query_and_limit_or_user_ids_and_the_nonce() {
        let query = RequestGuildMembersRequest {
            guild_id: 5,
            query: Some("al".into()),
            limit: 10,
            ..Default::default()
        };
        assert_eq!(
            request_guild_members(&query, "n1"),
            json!({"guild_id": "5", "query": "al", "limit": 10, "presences": false, "nonce": "n1"})
        );
        let ids = RequestGuildMembersRequest {
            guild_id: 5,
            user_ids: vec![18_014_398_509_481_985, 7],
            presences: true,
            ..Default::default()
        };
        let d = request_guild_members(&ids, "n2");
        assert_eq!(
            d,
            json!({"guild_id": "5", "user_ids": ["18014398509481985", "7"], "presences": true, "nonce": "n2"})
        );
        assert_eq!(
            frame(REQUEST_GUILD_MEMBERS, &d),
            format!("{{\"op\":8,\"d\":{d}}}")
        );
    }

    #[test]
    fn a_chunk_is_read_tolerantly_with_members_and_presences() {
        let d = json!({
            "guild_id": "5",
            "members": [
                {"user": {"id": "18014398509481985", "username": "big"}, "nick": "B", "roles": ["9"], "joined_at": "2024-01-02T00:00:00+00:00"},
                "not a member",
            ],
            "chunk_index": 1,
            "chunk_count": 3,
            "not_found": ["77", "x"],
            "presences": [{"user": {"id": "18014398509481985"}, "guild_id": "5", "status": "idle",
                           "activities": [{"name": "Custom Status", "type": 4, "state": "hi", "created_at": 1}],
                           "client_status": {"desktop": "idle", "web": 3}}],
            "nonce": "abc",
            "new_field": true,
        });
        let chunk = members_chunk(&d, d.to_string(), 2);
        assert_eq!(chunk.guild_id, 5);
        assert_eq!(chunk.members.len(), 1);
        let member = &chunk.members[0];
        assert_eq!(member.user.as_ref().unwrap().id, 18_014_398_509_481_985);
        assert_eq!(
            (member.nick.as_str(), member.roles.as_slice()),
            ("B", &[9][..])
        );
        assert_eq!((chunk.chunk_index, chunk.chunk_count), (1, 3));
        assert_eq!(chunk.not_found, vec![77]);
        assert_eq!(chunk.nonce, "abc");
        assert_eq!(chunk.shard_id, 2);
        let presence = &chunk.presences[0];
        assert_eq!(
            (
                presence.user_id,
                presence.guild_id,
                presence.status.as_str()
            ),
            (18_014_398_509_481_985, 5, "idle")
        );
        assert_eq!(
            presence.activities,
            vec![Activity {
                name: "Custom Status".into(),
                r#type: 4,
                url: String::new(),
                state: "hi".into(),
            }]
        );
        assert_eq!(presence.client_status.len(), 1);
        assert_eq!(presence.client_status["desktop"], "idle");
        let raw: Value = serde_json::from_str(&chunk.json).unwrap();
        assert_eq!(raw, d);
    }

    #[test]
    fn op_3_carries_every_field_in_discords_names() {
        let request = UpdatePresenceRequest {
            since: Some(1_700_000_000_000),
            activities: vec![
                Activity {
                    name: "Custom Status".into(),
                    r#type: 4,
                    state: "Answering tickets".into(),
                    ..Default::default()
                },
                Activity {
                    name: "the build".into(),
                    r#type: STREAMING,
                    url: "https://twitch.tv/discord".into(),
                    ..Default::default()
                },
            ],
            status: "idle".into(),
            afk: true,
        };
        assert_eq!(
            update_presence(&request).unwrap(),
            json!({"since": 1_700_000_000_000_i64, "activities": [
                {"name": "Custom Status", "type": 4, "state": "Answering tickets"},
                {"name": "the build", "type": 1, "url": "https://twitch.tv/discord"},
            ], "status": "idle", "afk": true})
        );
        let plain = UpdatePresenceRequest {
            status: "online".into(),
            ..Default::default()
        };
        assert_eq!(
            update_presence(&plain).unwrap(),
            json!({"since": null, "activities": [], "status": "online", "afk": false})
        );
    }

    fn refusal(request: &UpdatePresenceRequest) -> String {
        match update_presence(request) {
            Err(Error::InvalidArgument(message)) => message,
            other => panic!("refused expected: {other:?}"),
        }
    }

    #[test]
    fn invalid_presences_are_refused_naming_the_field() {
        let base = UpdatePresenceRequest {
            status: "online".into(),
            ..Default::default()
        };
        let with = |change: &dyn Fn(&mut UpdatePresenceRequest)| {
            let mut request = base.clone();
            change(&mut request);
            refusal(&request)
        };
        assert!(with(&|r| r.status.clear()).starts_with("status is required"));
        assert!(with(&|r| r.status = "away".into()).starts_with("status \"away\""));
        assert!(with(&|r| r.status = "Online".into()).starts_with("status"));
        assert!(with(&|r| r.since = Some(-1)).starts_with("since"));
        assert!(
            with(&|r| r.activities = vec![playing("ok"), playing(" ")])
                .starts_with("activities[1].name")
        );
        assert!(
            with(&|r| r.activities = vec![Activity {
                r#type: 6,
                ..playing("x")
            }])
            .starts_with("activities[0].type")
        );
        assert!(
            with(&|r| r.activities = vec![Activity {
                r#type: -1,
                ..playing("x")
            }])
            .starts_with("activities[0].type")
        );
        assert!(
            with(&|r| r.activities = vec![Activity {
                r#type: STREAMING,
                ..playing("x")
            }])
            .starts_with("activities[0].url is required")
        );
        assert!(
            with(&|r| r.activities = vec![Activity {
                r#type: STREAMING,
                url: "https://example.com/live".into(),
                ..playing("x")
            }])
            .starts_with("activities[0].url \"https://example.com/live\"")
        );
        assert!(
            with(&|r| r.activities = vec![Activity {
                url: "https://twitch.tv/x".into(),
                ..playing("x")
            }])
            .starts_with("activities[0].url is only used")
        );
        assert!(
            with(&|r| r.activities = vec![playing(&"x".repeat(MAX_PAYLOAD_BYTES))])
                .contains("at most 4096")
        );
    }
}
