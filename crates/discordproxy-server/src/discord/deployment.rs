//! The deployment as one instance sees it: the live instances (the REST heartbeat's sorted set
//! `instances`), the shards each holds (the shard leases, `INSTANCE/EPOCH`), and the Redis
//! round trip; for `GetGatewayStatus` and the `discordproxy_deployment_shards` metric.

use crate::{
    discord::{redis::RedisShared, shard_lease::Keys},
    metrics::InstanceLabel,
};
use std::{collections::BTreeMap, time::Instant};

/// The instances and their shards.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Deployment {
    /// Instance id → the shards whose lease it holds (ascending), every live instance.
    pub instances: BTreeMap<String, Vec<u32>>,
    /// Round trip of the `PING` made for this snapshot; `None` when it failed.
    pub round_trip_ms: Option<f64>,
}

/// Reads the deployment (one `PING`, one `ZRANGE`, one `MGET` of the `total` leases), and sets
/// the `discordproxy_deployment_shards` gauges from it. When Redis does not answer (or is
/// degraded), the deployment is this instance alone, with the shards `local` it runs; a failed
/// read does not mark Redis degraded.
pub async fn snapshot(shared: &RedisShared, total: u32, local: &[u32]) -> Deployment {
    let started = Instant::now();
    let ping: Option<String> = shared.peek(redis::cmd("PING")).await;
    let round_trip_ms = ping.map(|_| started.elapsed().as_secs_f64() * 1000.0);
    let mut instances: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let live: Option<Vec<String>> = if round_trip_ms.is_some() {
        let mut zrange = redis::cmd("ZRANGE");
        zrange.arg(shared.key("instances")).arg(0).arg(-1);
        shared.peek(zrange).await
    } else {
        None
    };
    let leases: Option<Vec<Option<String>>> = match (&live, total) {
        (Some(_), 1..) => {
            let keys = Keys::in_namespace(&shared.key(""), total);
            let mut mget = redis::cmd("MGET");
            for id in 0..total {
                mget.arg(keys.lease(id));
            }
            shared.peek(mget).await
        }
        _ => Some(Vec::new()),
    };
    match (live, leases) {
        (Some(live), Some(leases)) => {
            for id in live {
                instances.entry(id).or_default();
            }
            for (shard, lease) in (0u32..).zip(leases) {
                if let Some((holder, _)) = lease.as_deref().and_then(|l| l.split_once('/')) {
                    instances.entry(holder.to_owned()).or_default().push(shard);
                }
            }
        }
        _ => {
            instances.insert(shared.instance().to_owned(), local.to_vec());
        }
    }
    // A static split (`--shards A..B/T`) holds no leases: its own shards are the ones it runs.
    let own = instances.entry(shared.instance().to_owned()).or_default();
    if own.is_empty() {
        own.extend_from_slice(local);
    }
    let gauges = &shared.metrics().deployment_shards;
    gauges.clear();
    for (instance, shards) in &instances {
        gauges
            .get_or_create(&InstanceLabel {
                instance: instance.clone(),
            })
            .set(i64::try_from(shards.len()).unwrap_or(i64::MAX));
    }
    Deployment {
        instances,
        round_trip_ms,
    }
}
