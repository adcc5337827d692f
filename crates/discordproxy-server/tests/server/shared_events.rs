//! Events through Redis (`--redis-url`): 2 shards on 3 instances. A subscriber on one instance
//! gets the events of a shard another instance holds, in order per shard; it disconnects and
//! resumes on the third instance from its cursor with no gap and no duplicate; the instance
//! holding the shard is killed (SIGKILL) and the events dispatched meanwhile reach the
//! subscriber after another instance resumed the shard. `RequestGuildMembers` and
//! `UpdatePresence` on an instance reach shards other instances run.
//!
//! The emulator runs in this process; servers and Redis are processes (see `shards`).

use crate::shards::{
    Instance, Redis, connected, emulator, one_session_per_shard, ready_everywhere, wait_until,
};
use discordproxy_proto::{
    GatewayEvent, GetGlobalApplicationCommandsRequest, GetGuildChannelsRequest,
    RequestGuildMembersRequest, StreamEventsRequest, UpdatePresenceRequest,
};
use std::{
    collections::{BTreeMap, BTreeSet},
    time::Duration,
};
use tonic::Streaming;

const NAME: &str = "TEST_EVENT";
/// The default fixture's guild.
const GUILD: u64 = 300_000_000_000_000_001;

/// A `StreamEvents` of `TEST_EVENT` on `instance`: its epoch, opening position, missed count
/// (metadata) and the stream.
async fn subscribe(
    instance: &Instance,
    resume_after: u64,
    epoch: &str,
) -> (String, String, Option<String>, Streaming<GatewayEvent>) {
    let mut client = instance.client().await;
    let response = client
        .stream_events(StreamEventsRequest {
            event_names: vec![NAME.into()],
            resume_after,
            epoch: epoch.into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let header = |key: &str| {
        response
            .metadata()
            .get(key)
            .map(|value| value.to_str().unwrap().to_owned())
    };
    let epoch = header("discordproxy-stream-epoch").unwrap();
    let position = header("discordproxy-stream-position").unwrap();
    let missed = header("discordproxy-missed-events");
    (epoch, position, missed, response.into_inner())
}

/// The next event (its `n`, shard and position), within 10 s.
async fn next(stream: &mut Streaming<GatewayEvent>) -> (u64, u32, u64) {
    let event = tokio::time::timeout(Duration::from_secs(10), stream.message())
        .await
        .expect("an event within 10 s")
        .unwrap()
        .expect("the stream goes on");
    assert_eq!(event.name, NAME);
    let data: serde_json::Value = serde_json::from_str(&event.payload_json).unwrap();
    (data["n"].as_u64().unwrap(), event.shard_id, event.position)
}

/// Dispatches `TEST_EVENT {"n": n}` on the session of `shard` (connected or not: a
/// disconnected session keeps it for its RESUME).
fn dispatch(emulator: &discord_emulator::Emulator, session: &str, n: u64) {
    let sent =
        emulator
            .gateway()
            .dispatch(NAME, &serde_json::json!({ "n": n }), None, Some(session));
    assert_eq!(sent.len(), 1, "dispatched to the session");
}

/// Waits until both shards' sessions at the emulator have the presence status `status`.
async fn both_shards_show(emulator: &discord_emulator::Emulator, status: &str) {
    wait_until(
        Duration::from_secs(10),
        &format!("both shards {status}"),
        || async {
            let by_shard = connected(emulator);
            by_shard.len() == 2
                && by_shard.values().all(|sessions| {
                    sessions[0]
                        .presence
                        .as_ref()
                        .is_some_and(|p| p["status"] == status)
                })
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn events_of_every_shard_reach_any_instance_and_resume_on_another_from_the_cursor() {
    let Some(redis) = Redis::start().await else {
        return;
    };
    let emulator = emulator(2, 2).await;
    let logs = tempfile::tempdir().unwrap();
    let args = [
        "--shards",
        "auto",
        "--redis-url",
        redis.url.as_str(),
        "--shard-lease-ttl",
        "2",
        "--intents",
        "GUILDS,GUILD_MESSAGES,DIRECT_MESSAGES,GUILD_MEMBERS",
    ];
    let mut instances: Vec<Instance> = ["a", "b", "c"]
        .iter()
        .map(|name| Instance::start(&emulator, logs.path(), name, &args))
        .collect();
    wait_until(
        Duration::from_secs(40),
        "2 shards READY, each on one instance",
        || {
            let instances = &instances;
            let emulator = &emulator;
            async move {
                ready_everywhere(instances)
                    .await
                    .is_some_and(|sets| sets.iter().map(BTreeSet::len).sum::<usize>() == 2)
                    && one_session_per_shard(emulator, 2)
            }
        },
    )
    .await;
    let mut holder = BTreeMap::new();
    for (index, instance) in instances.iter().enumerate() {
        for shard in instance.ready_shards().await.unwrap() {
            holder.insert(shard, index);
        }
    }
    let sessions: BTreeMap<u32, String> = connected(&emulator)
        .into_iter()
        .map(|(shard, list)| (u32::try_from(shard).unwrap(), list[0].session_id.clone()))
        .collect();
    // B holds shard 1; A and C are the others.
    let b = holder[&1];
    let others: Vec<usize> = (0..3).filter(|i| *i != b).collect();
    let (a, c) = (others[0], others[1]);

    // Each instance's GetGatewayStatus shows the whole deployment: 3 instances, itself
    // marked, each shard held by the instance that runs it.
    for (index, instance) in instances.iter().enumerate() {
        let deployment = instance.deployment().await;
        assert_eq!(deployment.instances.len(), 3, "{deployment:?}");
        assert!(!deployment.degraded && deployment.redis_round_trip_ms >= 0.0);
        let me: Vec<_> = deployment
            .instances
            .iter()
            .filter(|i| i.this_instance)
            .collect();
        assert_eq!(me.len(), 1);
        let mine: BTreeSet<u32> = me[0].shard_ids.iter().copied().collect();
        assert_eq!(
            mine,
            instance.ready_shards().await.unwrap(),
            "instance {index}"
        );
        let held: BTreeSet<u32> = deployment
            .instances
            .iter()
            .flat_map(|i| i.shard_ids.iter().copied())
            .collect();
        assert_eq!(held, BTreeSet::from([0, 1]));
    }

    // The application id reaches every instance, also the one holding no shard (no READY of
    // its own): the command RPCs answer there within a second.
    for instance in &instances {
        let mut client = instance.client().await;
        let mut request = tonic::Request::new(GetGlobalApplicationCommandsRequest::default());
        request.set_timeout(Duration::from_secs(1));
        client
            .get_global_application_commands(request)
            .await
            .expect("GetGlobalApplicationCommands on every instance");
    }

    // Every instance opens streams of the same epoch.
    let (epoch, _, _, mut on_a) = subscribe(&instances[a], 0, "").await;
    for instance in &instances {
        assert_eq!(subscribe(instance, 0, "").await.0, epoch, "one epoch");
    }

    // 20 events, alternating the shards: all reach A, in order per shard.
    for n in 0..20 {
        dispatch(&emulator, &sessions[&u32::from(n % 2 == 1)], n);
    }
    let mut seen = Vec::new();
    for _ in 0..20 {
        seen.push(next(&mut on_a).await);
    }
    let mut received: BTreeSet<u64> = seen.iter().map(|(n, _, _)| *n).collect();
    assert_eq!(received, (0..20).collect(), "every event once");
    for shard in [0, 1] {
        let ns: Vec<u64> = seen
            .iter()
            .filter(|(_, s, _)| *s == shard)
            .map(|(n, _, _)| *n)
            .collect();
        assert!(ns.is_sorted(), "shard {shard} in order: {ns:?}");
        assert_eq!(ns.len(), 10);
    }
    assert!(
        seen.windows(2).all(|pair| pair[0].2 < pair[1].2),
        "positions increase"
    );

    // 10 more; A reads 4 and goes away; 5 more while nobody listens.
    for n in 20..30 {
        dispatch(&emulator, &sessions[&u32::from(n % 2 == 1)], n);
    }
    let mut last = 0;
    for _ in 0..4 {
        let (n, _, position) = next(&mut on_a).await;
        received.insert(n);
        last = position;
    }
    drop(on_a);
    for n in 30..35 {
        dispatch(&emulator, &sessions[&1], n);
    }
    // Resumed on C from A's cursor: the rest, once each.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (resumed_epoch, _, missed, mut on_c) = subscribe(&instances[c], last, &epoch).await;
    let c_status = instances[c].status().await.unwrap().deployment.unwrap();
    assert_eq!(c_status.event_epoch, epoch);
    assert!(c_status.event_position >= last);
    assert_eq!(resumed_epoch, epoch);
    assert_eq!(missed.as_deref(), Some("0"));
    for _ in 0..(35 - received.len()) {
        let (n, _, position) = next(&mut on_c).await;
        assert!(position > last, "positions go on after the cursor");
        last = position;
        assert!(received.insert(n), "event {n} came twice");
    }
    assert_eq!(received, (0..35).collect(), "no gap");

    // The guild's channels come from the cache on A and C (both have read the stream past
    // GUILD_CREATE, whichever instance holds the guild's shard): no REST request.
    for index in [a, c] {
        let mut client = instances[index].client().await;
        let channels = client
            .get_guild_channels(GetGuildChannelsRequest { guild_id: GUILD })
            .await
            .unwrap()
            .into_inner()
            .channels;
        assert_eq!(channels.len(), 9, "the fixture guild's channels");
    }
    let asked = emulator
        .requests()
        .iter()
        .filter(|request| {
            request
                .path
                .starts_with(&format!("/api/v10/guilds/{GUILD}"))
        })
        .count();
    assert_eq!(
        asked, 0,
        "GetGuildChannels answered from every instance's cache"
    );

    // Gateway commands reach the shards of other instances through Redis: op 8 for the
    // guild from an instance that does not run its shard (the chunk comes back through the
    // stream), op 3 from A to both shards.
    let guild_shard = u32::try_from((GUILD >> 22) % 2).unwrap();
    let asker = (0..3).find(|i| *i != holder[&guild_shard]).unwrap();
    let mut client = instances[asker].client().await;
    let mut chunks = client
        .request_guild_members(RequestGuildMembersRequest {
            guild_id: GUILD,
            query: Some(String::new()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let chunk = tokio::time::timeout(Duration::from_secs(10), chunks.message())
        .await
        .expect("a chunk within 10 s")
        .unwrap()
        .expect("one chunk");
    assert_eq!((chunk.guild_id, chunk.shard_id), (GUILD, guild_shard));
    assert!(!chunk.members.is_empty());
    assert!(
        chunks.message().await.unwrap().is_none(),
        "one chunk in all"
    );
    let mut client_a = instances[a].client().await;
    let presence = client_a
        .update_presence(UpdatePresenceRequest {
            status: "idle".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(presence.shards, 2, "this instance's shards and the others'");
    both_shards_show(&emulator, "idle").await;

    // Pub/sub keeps nothing: with every instance's subscription cut (CLIENT KILL), a
    // presence set on A reaches the others' shards anyway, from `gateway:presence` when
    // they subscribe again, and an op 8 reaches the guild's shard.
    let mut connection = redis::Client::open(redis.url.as_str())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let killed: u64 = redis::cmd("CLIENT")
        .arg("KILL")
        .arg("TYPE")
        .arg("pubsub")
        .query_async(&mut connection)
        .await
        .unwrap();
    assert!(killed >= 2, "{killed} subscriptions cut");
    // At once, before they subscribe again: a presence, and an op 8 for the guild's shard
    // (published again until its holder listens).
    let (presence, chunks) = tokio::join!(
        client_a.update_presence(UpdatePresenceRequest {
            status: "dnd".into(),
            ..Default::default()
        }),
        client.request_guild_members(RequestGuildMembersRequest {
            guild_id: GUILD,
            query: Some(String::new()),
            ..Default::default()
        })
    );
    assert_eq!(presence.unwrap().into_inner().shards, 2);
    let chunk = tokio::time::timeout(
        Duration::from_secs(10),
        chunks.unwrap().into_inner().message(),
    )
    .await
    .expect("a chunk within 10 s")
    .expect("a chunk after the subscriptions were cut")
    .expect("one chunk");
    assert_eq!(chunk.guild_id, GUILD);
    both_shards_show(&emulator, "dnd").await;

    // B dies just after more of shard 1's events reached C than the session B saved in
    // Redis (every renew period) knows of, so Discord replays them to the next holder with
    // the 5 dispatched meanwhile. C's subscriber gets the 5, in order, and nothing twice.
    let saved_key: String = redis::cmd("KEYS")
        .arg("*:gateway:shards:2:1:session")
        .query_async::<Vec<String>>(&mut connection)
        .await
        .unwrap()
        .pop()
        .expect("shard 1's saved session");
    let mut n = 40;
    let (seq_at_kill, saved_at_kill) = loop {
        dispatch(&emulator, &sessions[&1], n);
        let (got, _, _) = next(&mut on_c).await;
        assert_eq!(got, n);
        assert!(received.insert(n), "event {n} came twice");
        n += 1;
        let saved: String = redis::cmd("GET")
            .arg(&saved_key)
            .query_async(&mut connection)
            .await
            .unwrap();
        let saved = serde_json::from_str::<serde_json::Value>(&saved).unwrap()["sequence"]
            .as_u64()
            .unwrap();
        let seq = connected(&emulator)[&1][0].seq;
        if saved < seq || n == 60 {
            break (seq, saved);
        }
    };
    assert!(
        saved_at_kill < seq_at_kill,
        "the saved session was never behind"
    );
    let killed = std::time::Instant::now();
    instances.remove(b).kill();
    for n in 35..40 {
        dispatch(&emulator, &sessions[&1], n);
    }
    let mut after: Vec<u64> = Vec::new();
    while after.len() < 5 {
        let event = tokio::time::timeout(Duration::from_secs(20), on_c.message())
            .await
            .expect("shard 1's events within 20 s of the kill")
            .unwrap()
            .unwrap();
        let n = serde_json::from_str::<serde_json::Value>(&event.payload_json).unwrap()["n"]
            .as_u64()
            .unwrap();
        assert!(
            received.insert(n),
            "event {n} came twice: Discord's replay after the takeover was not de-duplicated"
        );
        after.push(n);
    }
    assert_eq!(after, (35..40).collect::<Vec<_>>(), "in order, none lost");
    let resumed = connected(&emulator)[&1][0].clone();
    assert_eq!(resumed.session_id, sessions[&1], "shard 1 was resumed");
    let resumed_from = resumed.resumed_from.expect("a RESUME");
    eprintln!(
        "shard 1's events dispatched after SIGKILL of its instance reached the subscriber {:.2} \
         s later; the RESUME replayed {} dispatches (saved session {saved_at_kill}, at the kill \
         {seq_at_kill}), none of them twice",
        killed.elapsed().as_secs_f64(),
        seq_at_kill.saturating_sub(resumed_from)
    );
}
