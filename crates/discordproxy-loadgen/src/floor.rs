//! The floor: the REST calls a proxy needs for each scenario, sent straight to the Discord
//! emulator over HTTP/1.1 keep-alive connections (reqwest's pool: at most one connection per
//! worker). The proxy's overhead is its latency minus this.
//!
//! | scenario | REST calls per iteration |
//! | --- | --- |
//! | `channel` | `GET /channels/{id}`, `POST /channels/{id}/messages` |
//! | `dm-same` | `POST /channels/{dm}/messages` (the DM channel is opened once before the run) |
//! | `dm-many` | `GET /users/{id}`, `POST /users/@me/channels`, `POST /channels/{dm}/messages` |
//! | `guild-channels` | `GET /guilds/{id}`, `GET /guilds/{id}/channels` |

use std::time::Duration;

use anyhow::Context;
use reqwest::{Client, Method};
use serde_json::{Value, json};

use crate::driver::Caller;
use crate::scenario::{Scenario, Workload};

/// Makes a scenario's REST calls against the emulator.
#[derive(Debug, Clone)]
pub struct FloorCaller {
    client: Client,
    base: String,
    authorization: String,
    workload: Workload,
    /// DM channel of `workload.user_id` (for `dm-same`), opened by [`FloorCaller::new`].
    dm_channel: u64,
}

impl FloorCaller {
    /// Prepares calls to `base` (`http://127.0.0.1:PORT/api/v10`) with bot token `token`.
    /// For `dm-same` it opens the DM channel once (`POST /users/@me/channels`), as a proxy with
    /// a DM channel cache would have.
    ///
    /// # Errors
    ///
    /// When the HTTP client cannot be built or the DM channel cannot be opened.
    pub async fn new(
        base: &str,
        token: &str,
        workload: Workload,
        timeout: Duration,
    ) -> anyhow::Result<FloorCaller> {
        let client = Client::builder()
            .tcp_nodelay(true)
            .timeout(timeout)
            .build()
            .context("cannot build the HTTP client")?;
        let mut caller = FloorCaller {
            client,
            base: base.trim_end_matches('/').to_owned(),
            authorization: format!("Bot {token}"),
            workload,
            dm_channel: 0,
        };
        if caller.workload.scenario == Scenario::DmSame {
            let user = caller.workload.user_id;
            caller.dm_channel = caller
                .open_dm(user)
                .await
                .map_err(|error| anyhow::anyhow!("cannot open the DM channel: {error}"))?;
        }
        Ok(caller)
    }

    /// One REST request; the JSON body of a 2xx answer, else an error line.
    async fn rest(&self, method: Method, path: &str, body: Option<Value>) -> Result<Value, String> {
        let mut request = self
            .client
            .request(method.clone(), format!("{}{path}", self.base))
            .header(reqwest::header::AUTHORIZATION, &self.authorization);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .map_err(|error| format!("{method} {path}: {error}"))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|error| format!("{method} {path}: {error}"))?;
        if !status.is_success() {
            return Err(format!("{method} {path}: HTTP {}", status.as_u16()));
        }
        serde_json::from_slice(&bytes).map_err(|error| format!("{method} {path}: {error}"))
    }

    async fn open_dm(&self, user: u64) -> Result<u64, String> {
        let channel = self
            .rest(
                Method::POST,
                "/users/@me/channels",
                Some(json!({ "recipient_id": user.to_string() })),
            )
            .await?;
        snowflake(&channel["id"]).ok_or_else(|| "DM channel without an id".to_owned())
    }

    async fn send(&self, channel: u64) -> Result<(), String> {
        let message = self
            .rest(
                Method::POST,
                &format!("/channels/{channel}/messages"),
                Some(json!({ "content": self.workload.content })),
            )
            .await?;
        snowflake(&message["id"])
            .map(|_| ())
            .ok_or_else(|| "message without an id".to_owned())
    }
}

/// A snowflake given as a JSON string (Discord's form) or number.
fn snowflake(value: &Value) -> Option<u64> {
    match value {
        Value::String(text) => text.parse().ok(),
        Value::Number(number) => number.as_u64(),
        _ => None,
    }
}

impl Caller for FloorCaller {
    async fn call(&self, _worker: usize, index: u64) -> Result<(), String> {
        let w = &self.workload;
        match w.scenario {
            Scenario::Channel => {
                self.rest(Method::GET, &format!("/channels/{}", w.channel_id), None)
                    .await?;
                self.send(w.channel_id).await
            }
            Scenario::DmSame => self.send(self.dm_channel).await,
            Scenario::DmMany => {
                let user = w.user_for(index);
                self.rest(Method::GET, &format!("/users/{user}"), None)
                    .await?;
                let channel = self.open_dm(user).await?;
                self.send(channel).await
            }
            Scenario::GuildChannels => {
                self.rest(Method::GET, &format!("/guilds/{}", w.guild_id), None)
                    .await?;
                let channels = self
                    .rest(
                        Method::GET,
                        &format!("/guilds/{}/channels", w.guild_id),
                        None,
                    )
                    .await?;
                match channels.as_array() {
                    Some(list) if !list.is_empty() => Ok(()),
                    _ => Err("no channels".to_owned()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snowflakes_as_strings_or_numbers() {
        assert_eq!(
            snowflake(&json!("18014398509481985")),
            Some(18_014_398_509_481_985)
        );
        assert_eq!(snowflake(&json!(42)), Some(42));
        assert_eq!(snowflake(&json!(null)), None);
        assert_eq!(snowflake(&json!("x")), None);
    }
}
