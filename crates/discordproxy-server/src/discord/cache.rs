//! Guilds, channels, roles, members and users as the gateway reports them
//! (twilight-cache-inmemory), plus each guild's channel order so cached replies list channels in
//! the same order Discord's REST API does.

use crate::convert;
use discordproxy_proto::Channel;
use std::{
    collections::{HashMap, HashSet},
    sync::Mutex,
};
use twilight_cache_inmemory::{DefaultInMemoryCache, ResourceType};
use twilight_gateway::Event;
use twilight_model::{gateway::payload::incoming::GuildCreate, id::Id};

/// The gateway-fed cache.
#[derive(Debug)]
pub struct GuildCache {
    cache: DefaultInMemoryCache,
    /// Guild id → channel ids in the order GUILD_CREATE listed them, then creations appended.
    order: Mutex<HashMap<u64, Vec<u64>>>,
    /// The guilds the bot is in: READY's `guilds`, GUILD_CREATE, minus GUILD_DELETE without
    /// `unavailable: true` (also known without the GUILDS intent, and during outages).
    member_of: Mutex<HashSet<u64>>,
}

impl GuildCache {
    /// An empty cache of guilds, channels, roles, members and users.
    pub fn new() -> Self {
        let cache = DefaultInMemoryCache::builder()
            .resource_types(
                ResourceType::GUILD
                    | ResourceType::CHANNEL
                    | ResourceType::ROLE
                    | ResourceType::MEMBER
                    | ResourceType::USER
                    | ResourceType::USER_CURRENT,
            )
            .build();
        Self {
            cache,
            order: Mutex::new(HashMap::new()),
            member_of: Mutex::new(HashSet::new()),
        }
    }

    /// Entries cached: guilds, channels and members.
    pub fn sizes(&self) -> (usize, usize, usize) {
        let stats = self.cache.stats();
        (stats.guilds(), stats.channels(), stats.members())
    }

    /// Whether the bot is in guild `guild_id` as far as the gateway told (see `member_of`).
    pub fn has_guild(&self, guild_id: u64) -> bool {
        self.member_of
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .contains(&guild_id)
    }

    /// Applies a gateway event.
    pub fn update(&self, event: &Event) {
        self.cache.update(event);
        self.track_membership(event);
        let mut order = self
            .order
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match event {
            Event::GuildCreate(create) => {
                if let GuildCreate::Available(guild) = &**create {
                    let ids = guild
                        .channels
                        .iter()
                        .map(|channel| channel.id.get())
                        .collect();
                    order.insert(guild.id.get(), ids);
                }
            }
            Event::GuildDelete(delete) => {
                order.remove(&delete.id.get());
            }
            Event::ChannelCreate(create) => {
                if let Some(guild_id) = create.guild_id {
                    let ids = order.entry(guild_id.get()).or_default();
                    if !ids.contains(&create.id.get()) {
                        ids.push(create.id.get());
                    }
                }
            }
            Event::ChannelDelete(delete) => {
                if let Some(ids) = delete
                    .guild_id
                    .and_then(|guild| order.get_mut(&guild.get()))
                {
                    ids.retain(|id| *id != delete.id.get());
                }
            }
            _ => {}
        }
    }

    fn track_membership(&self, event: &Event) {
        let mut member_of = self
            .member_of
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match event {
            Event::Ready(ready) => member_of.extend(ready.guilds.iter().map(|g| g.id.get())),
            Event::GuildCreate(create) => {
                member_of.insert(create.id().get());
            }
            Event::GuildDelete(delete) if delete.unavailable != Some(true) => {
                member_of.remove(&delete.id.get());
            }
            _ => {}
        }
    }

    /// The guild id of a cached channel (0 for a channel outside guilds), or `None` when the
    /// channel is not in the cache. Lets `SendChannelMessage` skip `GET /channels/{id}`.
    pub fn channel_guild(&self, channel_id: u64) -> Option<u64> {
        let channel = self.cache.channel(Id::new_checked(channel_id)?)?;
        if let Some(guild_id) = channel.guild_id {
            return Some(guild_id.get());
        }
        drop(channel);
        let order = self
            .order
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Some(
            order
                .iter()
                .find(|(_, ids)| ids.contains(&channel_id))
                .map_or(0, |(guild_id, _)| *guild_id),
        )
    }

    /// The guild's channels in API order, or `None` when the guild is not cached.
    pub fn guild_channels(&self, guild_id: u64) -> Option<Vec<Channel>> {
        let id = Id::new_checked(guild_id)?;
        self.cache.guild(id)?;
        let order = self
            .order
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let ids = order.get(&guild_id)?;
        Some(
            ids.iter()
                .filter_map(|channel_id| self.cache.channel(Id::new_checked(*channel_id)?))
                .map(|channel| {
                    let json = serde_json::to_value(&*channel).unwrap_or_default();
                    let mut proto = convert::channel::from_json(&json);
                    if proto.guild_id == 0 {
                        proto.guild_id = guild_id;
                    }
                    proto
                })
                .collect(),
        )
    }
}

impl Default for GuildCache {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use twilight_model::gateway::payload::incoming::GuildDelete;

    fn event(name: &str, d: serde_json::Value) -> Event {
        let frame = serde_json::json!({"op": 0, "s": 1, "t": name, "d": d}).to_string();
        Event::from(
            twilight_gateway::parse(frame, twilight_gateway::EventTypeFlags::all())
                .unwrap()
                .unwrap(),
        )
    }

    #[test]
    fn the_bots_guilds_come_from_ready_and_guild_events() {
        let cache = GuildCache::new();
        assert!(!cache.has_guild(5));
        cache.update(&event(
            "READY",
            serde_json::json!({
                "v": 10, "session_id": "s", "resume_gateway_url": "ws://x",
                "user": {"id": "1", "username": "bot", "discriminator": "0", "avatar": null, "bot": true, "mfa_enabled": false},
                "guilds": [{"id": "5", "unavailable": true}, {"id": "6", "unavailable": true}],
                "application": {"id": "1", "flags": 0},
            }),
        ));
        assert!(cache.has_guild(5) && cache.has_guild(6));
        // An outage keeps the membership; leaving (no `unavailable`) ends it.
        cache.update(&Event::GuildDelete(GuildDelete {
            id: Id::new(5),
            unavailable: Some(true),
        }));
        assert!(cache.has_guild(5));
        cache.update(&Event::GuildDelete(GuildDelete {
            id: Id::new(5),
            unavailable: None,
        }));
        assert!(!cache.has_guild(5));
        assert!(cache.has_guild(6));
    }
}
