//! Guilds, channels, roles, members and users as the gateway reports them
//! (twilight-cache-inmemory), plus each guild's channel order so cached replies list channels in
//! the same order Discord's REST API does.

use crate::convert;
use discordproxy_proto::Channel;
use std::{collections::HashMap, sync::Mutex};
use twilight_cache_inmemory::{DefaultInMemoryCache, ResourceType};
use twilight_gateway::Event;
use twilight_model::{gateway::payload::incoming::GuildCreate, id::Id};

/// The gateway-fed cache.
#[derive(Debug)]
pub struct GuildCache {
    cache: DefaultInMemoryCache,
    /// Guild id → channel ids in the order GUILD_CREATE listed them, then creations appended.
    order: Mutex<HashMap<u64, Vec<u64>>>,
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
        }
    }

    /// Entries cached: guilds, channels and members.
    pub fn sizes(&self) -> (usize, usize, usize) {
        let stats = self.cache.stats();
        (stats.guilds(), stats.channels(), stats.members())
    }

    /// Applies a gateway event.
    pub fn update(&self, event: &Event) {
        self.cache.update(event);
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
