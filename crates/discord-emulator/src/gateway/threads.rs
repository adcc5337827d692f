//! The gateway events of thread changes
//! ([docs](https://discord.com/developers/docs/events/gateway-events#threads)):
//! THREAD_CREATE (the thread; `newly_created: true` when just started, the bot's `member` when
//! the bot joined an existing thread), THREAD_UPDATE and THREAD_DELETE
//! (`{"id", "guild_id", "parent_id", "type"}`), THREAD_MEMBER_UPDATE (the bot's thread member
//! plus `guild_id`, when the bot joins) and THREAD_MEMBERS_UPDATE (`{"id", "guild_id",
//! "member_count", "added_members"?, "removed_member_ids"?}`; each added member with its guild
//! `member` and `presence` null).
//!
//! They go to the sessions with GUILDS whose shard has the thread's guild, never for threads
//! the bot cannot see; THREAD_MEMBERS_UPDATE needs GUILD_MEMBERS, unless the bot itself was
//! added or removed (then GUILDS is enough), as Discord documents. The REST handlers call
//! these hooks with the store locked, so events go out in the order of the changes.

use serde_json::{Map, Value, json};

use super::Gateway;
use super::intents;
use super::payload::{self, MessagePlace};
use crate::store::Store;

/// The guild of thread `thread_id`, if the bot receives its events.
fn thread_guild(store: &Store, thread_id: u64) -> Option<u64> {
    match payload::message_place(store, thread_id)? {
        MessagePlace::Guild(guild_id) => Some(guild_id),
        MessagePlace::Dm => None,
    }
}

impl Gateway {
    /// Dispatches `t` to the sessions with `needed` (any of its bits) on the guild's shard.
    fn thread_event(&self, t: &str, guild_id: u64, needed: u64, d: &Value) {
        self.inner.registry.dispatch(t, |view| {
            (view.intents & needed != 0 && view.has_guild(guild_id)).then(|| d.clone())
        });
    }

    /// THREAD_CREATE for thread `thread_id`: `newly_created` when just started, else (the bot
    /// joined it) with the bot's thread `member`.
    pub(crate) fn thread_created(&self, store: &Store, thread_id: u64, newly_created: bool) {
        let Some(guild_id) = thread_guild(store, thread_id) else {
            return;
        };
        let mut d = store.channels[&thread_id].object.clone();
        if newly_created {
            d.insert("newly_created".into(), json!(true));
        } else if let Some(member) = store
            .thread_members
            .get(&thread_id)
            .and_then(|members| members.iter().find(|m| m.user_id == store.bot_id))
        {
            d.insert("member".into(), member.to_value(thread_id));
        }
        self.thread_event(
            "THREAD_CREATE",
            guild_id,
            intents::GUILDS,
            &Value::Object(d),
        );
    }

    /// THREAD_UPDATE with the thread as it is now.
    pub(crate) fn thread_updated(&self, store: &Store, thread_id: u64) {
        let Some(guild_id) = thread_guild(store, thread_id) else {
            return;
        };
        let d = Value::Object(store.channels[&thread_id].object.clone());
        self.thread_event("THREAD_UPDATE", guild_id, intents::GUILDS, &d);
    }

    /// THREAD_DELETE for a deleted thread (its object as it was).
    pub(crate) fn thread_deleted(&self, guild_id: u64, thread: &Map<String, Value>) {
        let mut d = Map::new();
        for key in ["id", "guild_id", "parent_id", "type"] {
            d.insert(key.into(), thread.get(key).cloned().unwrap_or(Value::Null));
        }
        self.thread_event(
            "THREAD_DELETE",
            guild_id,
            intents::GUILDS,
            &Value::Object(d),
        );
    }

    /// THREAD_MEMBER_UPDATE (when the bot is among them) and THREAD_MEMBERS_UPDATE for users
    /// just added to thread `thread_id`.
    pub(crate) fn thread_members_added(&self, store: &Store, thread_id: u64, user_ids: &[u64]) {
        let Some(guild_id) = thread_guild(store, thread_id) else {
            return;
        };
        let members: Vec<_> = store
            .thread_members
            .get(&thread_id)
            .into_iter()
            .flatten()
            .filter(|member| user_ids.contains(&member.user_id))
            .copied()
            .collect();
        let bot = user_ids.contains(&store.bot_id);
        if let Some(member) = members.iter().find(|m| m.user_id == store.bot_id) {
            let mut d = member.to_value(thread_id);
            d["guild_id"] = json!(guild_id.to_string());
            self.thread_event("THREAD_MEMBER_UPDATE", guild_id, intents::GUILDS, &d);
        }
        let added: Vec<Value> = members
            .iter()
            .map(|member| {
                let mut value = member.to_value(thread_id);
                value["member"] = payload::member_of(store, guild_id, member.user_id)
                    .map_or(Value::Null, |member| Value::Object(member.clone()));
                value["presence"] = Value::Null;
                value
            })
            .collect();
        let mut d = Self::members_update_base(store, thread_id, guild_id);
        d.insert("added_members".into(), Value::Array(added));
        self.members_update(guild_id, bot, &Value::Object(d));
    }

    /// THREAD_MEMBERS_UPDATE for users just removed from thread `thread_id`.
    pub(crate) fn thread_members_removed(&self, store: &Store, thread_id: u64, user_ids: &[u64]) {
        let Some(guild_id) = thread_guild(store, thread_id) else {
            return;
        };
        let bot = user_ids.contains(&store.bot_id);
        let removed: Vec<Value> = user_ids.iter().map(|id| json!(id.to_string())).collect();
        let mut d = Self::members_update_base(store, thread_id, guild_id);
        d.insert("removed_member_ids".into(), Value::Array(removed));
        self.members_update(guild_id, bot, &Value::Object(d));
    }

    /// THREAD_MEMBERS_UPDATE's `{"id", "guild_id", "member_count"}`.
    fn members_update_base(store: &Store, thread_id: u64, guild_id: u64) -> Map<String, Value> {
        let count = store
            .thread_members
            .get(&thread_id)
            .map_or(0, Vec::len)
            .min(50);
        let mut d = Map::new();
        d.insert("id".into(), json!(thread_id.to_string()));
        d.insert("guild_id".into(), json!(guild_id.to_string()));
        d.insert("member_count".into(), json!(count));
        d
    }

    /// Sends THREAD_MEMBERS_UPDATE: with GUILD_MEMBERS, or GUILDS when the bot is concerned.
    fn members_update(&self, guild_id: u64, bot: bool, d: &Value) {
        let needed = if bot {
            intents::GUILD_MEMBERS | intents::GUILDS
        } else {
            intents::GUILD_MEMBERS
        };
        self.thread_event("THREAD_MEMBERS_UPDATE", guild_id, needed, d);
    }
}

#[cfg(test)]
mod tests {
    use twilight_model::gateway::payload::incoming::{ThreadDelete, ThreadMembersUpdate};

    #[test]
    fn payloads_deserialize_with_twilight() {
        let d = serde_json::json!({"id": "5", "guild_id": "3", "member_count": 1,
            "added_members": [{"id": "5", "user_id": "7", "join_timestamp":
            "2024-01-01T00:00:00.000000+00:00", "flags": 0, "member": {"user": {"id": "7",
            "username": "u", "discriminator": "0", "avatar": null}, "roles": [], "joined_at":
            "2024-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0},
            "presence": null}]});
        let parsed: ThreadMembersUpdate = serde_json::from_value(d).unwrap();
        assert_eq!(parsed.added_members.len(), 1);
        let d = serde_json::json!({"id": "5", "guild_id": "3", "parent_id": "4", "type": 11});
        let _: ThreadDelete = serde_json::from_value(d).unwrap();
    }
}
