//! Gateway commands across the deployment: `RequestGuildMembers` (op 8) on an instance that
//! does not run the guild's shard goes through the Redis channel `gateway:commands:INSTANCE`
//! of the instance holding the shard's lease, and `UpdatePresence` (op 3) for every shard
//! through `gateway:commands` to all instances.
//!
//! - A message is JSON `{"origin": instance, "shard": id or null, "frame": op payload}`; every
//!   instance with a gateway subscribes to both channels (a connection of its own) and sends
//!   the frame on the shard it names if it runs it, or on all its shards for `null`
//!   (presence). Its own messages are skipped: the sender applied them already.
//! - An op 8 that no subscriber received (`PUBLISH` answered 0: the holder's subscription is
//!   down, e.g. reconnecting) is published again every 250 ms, for up to 2 s within the
//!   call's deadline, to the shard's holder of the moment.
//! - The last presence is also kept in `gateway:presence`, so an instance that starts later
//!   (or a shard that moves to it) sends it after READY like its own, and an instance whose
//!   subscription was cut catches up when it subscribes again.
//! - The answer to op 8, GUILD_MEMBERS_CHUNK, comes back through the shared event stream
//!   ([`crate::discord::event_stream`]) to the instance whose client asked.
//! - Redis unreachable: forwarding fails (`UNAVAILABLE`); the subscriber reconnects every
//!   250 ms. Pub/sub keeps nothing: a presence published meanwhile comes from
//!   `gateway:presence` after the new subscription; an op 8 is published again (above).

use crate::discord::{gateway::GatewayCommands, redis::RedisShared, shard_lease::Keys};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use std::{sync::Arc, time::Duration};

/// Pause before the subscriber reconnects.
const RETRY: Duration = Duration::from_millis(250);

/// One forwarded command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Forwarded {
    origin: String,
    shard: Option<u32>,
    frame: String,
}

/// The deployment's command channel as one instance sees it.
#[derive(Debug)]
pub struct SharedCommands {
    shared: Arc<RedisShared>,
}

impl SharedCommands {
    /// Subscribes for `gateway` (loading the last presence first) and returns the sender side.
    pub fn start(shared: Arc<RedisShared>, gateway: Arc<GatewayCommands>) -> Arc<Self> {
        let commands = Arc::new(Self { shared });
        tokio::spawn(Arc::clone(&commands).subscribe_loop(gateway));
        commands
    }

    fn channel(&self) -> String {
        self.shared.key("gateway:commands")
    }

    /// The channel of instance `instance`'s own commands.
    fn instance_channel(&self, instance: &str) -> String {
        self.shared.key(&format!("gateway:commands:{instance}"))
    }

    fn presence_key(&self) -> String {
        self.shared.key("gateway:presence")
    }

    /// The instance holding shard `shard`'s lease (of `total`), if any.
    pub async fn holder(&self, shard: u32, total: u32) -> Option<String> {
        let keys = Keys::in_namespace(&self.shared.key(""), total);
        let mut get = redis::cmd("GET");
        get.arg(keys.lease(shard));
        let lease: Option<String> = self.shared.command("shard holder", get).await.flatten();
        lease.and_then(|lease| lease.split_once('/').map(|(holder, _)| holder.to_owned()))
    }

    /// Publishes `frame` for shard `shard` to instance `holder`; how many subscribers
    /// received it (0: the holder is not subscribed now).
    ///
    /// # Errors
    /// When Redis is degraded or does not answer.
    pub async fn forward_to(&self, holder: &str, shard: u32, frame: &str) -> Result<u32, String> {
        self.publish(self.instance_channel(holder), Some(shard), frame)
            .await
    }

    /// Publishes `frame` for shard `shard` (`None`: every shard) on `channel`; how many
    /// instances received it.
    async fn publish(
        &self,
        channel: String,
        shard: Option<u32>,
        frame: &str,
    ) -> Result<u32, String> {
        let message = Forwarded {
            origin: self.shared.instance().to_owned(),
            shard,
            frame: frame.to_owned(),
        };
        let mut publish = redis::cmd("PUBLISH");
        publish
            .arg(channel)
            .arg(serde_json::to_string(&message).unwrap_or_default());
        self.shared
            .command("forward gateway command", publish)
            .await
            .ok_or_else(|| "Redis is unreachable".to_owned())
    }

    /// Keeps `frame` as the deployment's presence and publishes it to every instance.
    ///
    /// # Errors
    /// When Redis is degraded or does not answer.
    pub async fn forward_presence(&self, frame: &str) -> Result<u32, String> {
        let mut set = redis::cmd("SET");
        set.arg(self.presence_key()).arg(frame);
        let _: Option<redis::Value> = self.shared.command("store presence", set).await;
        self.publish(self.channel(), None, frame).await
    }

    /// Applies the deployment's presence kept in Redis when this instance's differs: it was
    /// set while this instance was not subscribed (before it started, or while its
    /// subscription was cut).
    async fn catch_up_presence(&self, gateway: &GatewayCommands) {
        let mut get = redis::cmd("GET");
        get.arg(self.presence_key());
        if let Some(Some(frame)) = self
            .shared
            .command::<Option<String>>("load presence", get)
            .await
            && gateway.presence().as_deref() != Some(frame.as_str())
        {
            let shards = gateway.update_presence(frame);
            tracing::info!(shards, "presence set while not subscribed applied");
        }
    }

    async fn subscribe_loop(self: Arc<Self>, gateway: Arc<GatewayCommands>) {
        loop {
            let pubsub = match self.shared.pubsub().await {
                Ok(mut pubsub) => match pubsub
                    .subscribe(vec![
                        self.channel(),
                        self.instance_channel(self.shared.instance()),
                    ])
                    .await
                {
                    Ok(()) => pubsub,
                    Err(_) => {
                        tokio::time::sleep(RETRY).await;
                        continue;
                    }
                },
                Err(_) => {
                    tokio::time::sleep(RETRY).await;
                    continue;
                }
            };
            // Subscribed: what was published before is not coming; the presence is kept.
            self.catch_up_presence(&gateway).await;
            let mut messages = pubsub.into_on_message();
            while let Some(message) = messages.next().await {
                let Ok(payload) = message.get_payload::<String>() else {
                    continue;
                };
                let Ok(forwarded) = serde_json::from_str::<Forwarded>(&payload) else {
                    tracing::warn!("a message on the gateway command channel is not a command");
                    continue;
                };
                self.apply(&gateway, forwarded);
            }
            tokio::time::sleep(RETRY).await;
        }
    }

    fn apply(&self, gateway: &GatewayCommands, forwarded: Forwarded) {
        if forwarded.origin == self.shared.instance() {
            return;
        }
        match forwarded.shard {
            Some(shard) if gateway.runs(shard) => {
                let sent = gateway.send(shard, forwarded.frame).is_ok();
                tracing::info!(
                    shard,
                    sent,
                    origin = forwarded.origin,
                    "forwarded gateway command"
                );
            }
            Some(_) => {}
            None => {
                let shards = gateway.update_presence(forwarded.frame);
                tracing::info!(shards, origin = forwarded.origin, "forwarded presence");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_commands_are_json_with_origin_shard_and_frame() {
        let message = Forwarded {
            origin: "a".into(),
            shard: Some(3),
            frame: r#"{"op":8,"d":{}}"#.into(),
        };
        let json = serde_json::to_string(&message).unwrap();
        assert_eq!(
            json,
            r#"{"origin":"a","shard":3,"frame":"{\"op\":8,\"d\":{}}"}"#
        );
        assert_eq!(serde_json::from_str::<Forwarded>(&json).unwrap(), message);
        let presence: Forwarded =
            serde_json::from_str(r#"{"origin":"b","shard":null,"frame":"x"}"#).unwrap();
        assert_eq!(presence.shard, None);
    }
}
