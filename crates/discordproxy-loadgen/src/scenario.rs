//! What is measured: the scenarios (one RPC each) and the targets.

use clap::ValueEnum;
use serde::{Deserialize, Serialize};

/// One benchmark scenario: an RPC and how its arguments vary from call to call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    /// `SendChannelMessage` to one text channel.
    Channel,
    /// `SendDirectMessage` to the same user every time (DM channel known after the first).
    DmSame,
    /// `SendDirectMessage` to a different user on every call (a new DM channel each time, as
    /// long as the user range is larger than the number of calls).
    DmMany,
    /// `GetGuildChannels` of one guild.
    GuildChannels,
}

impl Scenario {
    /// Every scenario, in report order.
    pub const ALL: [Scenario; 4] = [
        Scenario::Channel,
        Scenario::DmSame,
        Scenario::DmMany,
        Scenario::GuildChannels,
    ];

    /// The command-line / JSON name (`channel`, `dm-same`, `dm-many`, `guild-channels`).
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Channel => "channel",
            Scenario::DmSame => "dm-same",
            Scenario::DmMany => "dm-many",
            Scenario::GuildChannels => "guild-channels",
        }
    }

    /// A human title for tables and charts.
    pub fn title(self) -> &'static str {
        match self {
            Scenario::Channel => "SendChannelMessage",
            Scenario::DmSame => "SendDirectMessage, same user",
            Scenario::DmMany => "SendDirectMessage, new user each call",
            Scenario::GuildChannels => "GetGuildChannels",
        }
    }
}

/// Where the load goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// A discordproxy gRPC server (`--url http://127.0.0.1:PORT`).
    Grpc,
    /// The Discord emulator's REST API directly (`--url http://127.0.0.1:PORT/api/v10`).
    Floor,
}

/// The ids a scenario works on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workload {
    /// The scenario.
    pub scenario: Scenario,
    /// Text channel for [`Scenario::Channel`].
    pub channel_id: u64,
    /// Guild for [`Scenario::GuildChannels`].
    pub guild_id: u64,
    /// First user id for the DM scenarios; call `i` of [`Scenario::DmMany`] goes to
    /// `user_id + i % user_count`.
    pub user_id: u64,
    /// How many consecutive user ids [`Scenario::DmMany`] cycles through (at least 1).
    pub user_count: u64,
    /// Message content sent by the message scenarios.
    pub content: String,
}

impl Workload {
    /// The user that call number `index` sends a DM to.
    pub fn user_for(&self, index: u64) -> u64 {
        match self.scenario {
            Scenario::DmMany => self.user_id + index % self.user_count.max(1),
            _ => self.user_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workload(scenario: Scenario) -> Workload {
        Workload {
            scenario,
            channel_id: 1,
            guild_id: 2,
            user_id: 100,
            user_count: 3,
            content: "x".into(),
        }
    }

    #[test]
    fn dm_many_cycles_through_the_user_range() {
        let w = workload(Scenario::DmMany);
        let users: Vec<u64> = (0..5).map(|i| w.user_for(i)).collect();
        assert_eq!(users, [100, 101, 102, 100, 101]);
    }

    #[test]
    fn dm_same_always_uses_the_first_user() {
        let w = workload(Scenario::DmSame);
        assert!((0..5).all(|i| w.user_for(i) == 100));
    }

    #[test]
    fn names_round_trip_through_clap_and_serde() {
        for scenario in Scenario::ALL {
            let parsed = Scenario::from_str(scenario.name(), false).unwrap();
            assert_eq!(parsed, scenario);
            let json = serde_json::to_string(&scenario).unwrap();
            assert_eq!(json, format!("\"{}\"", scenario.name()));
        }
    }
}
