//! Shared helpers of the message-route scenarios: an emulator with an HTTP client, Discord's
//! error assertions, and messages written by other users (the control API).

use discord_emulator::config::RateLimits;
use discord_emulator::{Emulator, Options};
use serde_json::{Value, json};

pub const BOT: &str = "100000000000000001";
pub const ALICE: &str = "200000000000000001";
pub const CAROL: &str = "200000000000000003";
pub const GUILD: &str = "300000000000000001";
pub const GENERAL: &str = "400000000000000002";
pub const VOICE: &str = "400000000000000003";
pub const ANNOUNCEMENTS: &str = "400000000000000004";
pub const STAFF_ONLY: &str = "400000000000000007";
pub const READ_ONLY: &str = "400000000000000008";
/// A message id of 2016 (Discord's documented example snowflake).
pub const OLD_MESSAGE: &str = "175928847299117063";

/// An answer: status, headers, raw text and parsed JSON (`Value::Null` when not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Reply {
    /// A response header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// A started emulator and an HTTP client for it.
pub struct Api {
    pub emulator: Emulator,
    http: reqwest::Client,
}

impl Api {
    /// The default fixture without rate limits (the scenarios send many requests quickly).
    pub async fn start() -> Self {
        let mut options = Options::default();
        options.rate_limits.mode = RateLimits::Off;
        Self::with(options).await
    }

    /// An emulator with `options`.
    pub async fn with(options: Options) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let emulator = Emulator::start(listener, options).await.unwrap();
        Self {
            emulator,
            http: reqwest::Client::new(),
        }
    }

    /// `method /api/v10{path}` with the bot token, an optional JSON body and extra headers.
    pub async fn call_with(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let url = format!("{}{path}", self.emulator.api_base_url());
        let mut request = self
            .http
            .request(method.parse().unwrap(), url)
            .header("Authorization", format!("Bot {}", self.emulator.token()));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            text,
            json,
        }
    }

    /// `method /api/v10{path}` with the bot token and an optional JSON body.
    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        self.call_with(method, path, body, &[]).await
    }

    /// `POST /api/v10{path}` with a JSON body.
    pub async fn post(&self, path: String, body: Value) -> Reply {
        self.call("POST", &path, Some(body)).await
    }

    /// `POST /channels/{channel}/messages` with `body`, whatever the answer.
    pub async fn create(&self, channel: &str, body: Value) -> Reply {
        self.post(format!("/channels/{channel}/messages"), body)
            .await
    }

    /// Creates a message of the bot in `channel`; returns it.
    pub async fn send(&self, channel: &str, body: Value) -> Value {
        let reply = self
            .call("POST", &format!("/channels/{channel}/messages"), Some(body))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.json
    }

    /// Creates a message `{"content": content}` of the bot in `channel`; returns its id.
    pub async fn say(&self, channel: &str, content: &str) -> String {
        let message = self.send(channel, json!({ "content": content })).await;
        message["id"].as_str().unwrap().to_owned()
    }

    /// A message written by the user `author` in `channel` (`POST /_emulator/channels/…`).
    pub async fn inject(&self, channel: &str, author: &str, mut body: Value) -> Value {
        body["author_id"] = json!(author);
        let (status, answer) = self.inject_raw(channel, body).await;
        assert_eq!(status, 200, "{answer}");
        answer
    }

    /// `POST /_emulator/channels/{channel}/messages` with `body`: the status and JSON answer.
    pub async fn inject_raw(&self, channel: &str, body: Value) -> (u16, Value) {
        let url = format!(
            "{}/_emulator/channels/{channel}/messages",
            self.emulator.base_url()
        );
        let response = self.http.post(url).json(&body).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Opens the DM channel with `user`; returns its id.
    pub async fn dm(&self, user: &str) -> String {
        let reply = self
            .call(
                "POST",
                "/users/@me/channels",
                Some(json!({ "recipient_id": user })),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.json["id"].as_str().unwrap().to_owned()
    }

    /// The ids of `channel`'s messages, newest first.
    pub async fn ids(&self, channel: &str) -> Vec<String> {
        let reply = self
            .call("GET", &format!("/channels/{channel}/messages"), None)
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        ids_of(&reply.json)
    }
}

/// The `id`s of a list of objects.
pub fn ids_of(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Asserts Discord's error answer `{"message", "code"}` with `status`.
#[track_caller]
pub fn assert_error(reply: &Reply, status: u16, code: u64, message: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(
        reply.json,
        json!({"message": message, "code": code}),
        "{}",
        reply.text
    );
}

/// The `errors` of a 400/50035 Invalid Form Body answer.
#[track_caller]
pub fn form_errors(reply: &Reply) -> &Value {
    assert_eq!(reply.status, 400, "{}", reply.text);
    assert_eq!(reply.json["code"], json!(50035), "{}", reply.text);
    assert_eq!(reply.json["message"], json!("Invalid Form Body"));
    &reply.json["errors"]
}

/// The `_errors[0].code` at `pointer` (e.g. `/messages`) of a 50035 answer.
#[track_caller]
pub fn form_code(reply: &Reply, pointer: &str) -> Value {
    form_errors(reply)
        .pointer(&format!("{pointer}/_errors/0/code"))
        .cloned()
        .unwrap_or_else(|| panic!("no error at {pointer}: {}", reply.text))
}

/// The custom emoji of [`emoji_options`]'s guild.
pub const BLOB: &str = "500000000000000001";

/// The default fixture plus a custom emoji `blob` ([`BLOB`]) in its guild, without rate limits.
pub fn emoji_options() -> Options {
    let mut fixture: Value =
        serde_json::from_str(include_str!("../../fixtures/default.json")).unwrap();
    fixture["guilds"][0]["emojis"] = json!([{
        "id": BLOB, "name": "blob", "roles": [], "require_colons": true, "managed": false,
        "animated": false, "available": true
    }]);
    let fixture = discord_emulator::Fixture::from_json(&fixture.to_string()).unwrap();
    let mut options = Options::new(fixture);
    options.rate_limits.mode = RateLimits::Off;
    options
}

/// `s` percent-encoded for a path segment (every byte outside `A-Za-z0-9`).
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}
