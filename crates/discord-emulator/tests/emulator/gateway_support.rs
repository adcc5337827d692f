//! A plain websocket gateway session for the event scenarios: identify with intents, then read
//! dispatches.

use std::time::Duration;

use discord_emulator::Emulator;
use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

/// How long a wait for the next payload may take.
const WAIT: Duration = Duration::from_secs(10);

/// An identified gateway session.
pub struct Session {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Session {
    /// Connects, identifies with `intents` and reads READY.
    pub async fn identify(emulator: &Emulator, intents: u64) -> Self {
        let url = format!("{}/?v=10&encoding=json", emulator.gateway_url());
        let (ws, _) = connect_async(url).await.unwrap();
        let mut session = Self { ws };
        let hello = session.payload().await;
        assert_eq!(hello["op"], json!(10), "{hello}");
        let identify = json!({"op": 2, "d": {
            "token": emulator.token(), "intents": intents,
            "properties": {"os": "linux", "browser": "test", "device": "test"}
        }});
        session
            .ws
            .send(Message::Text(identify.to_string().into()))
            .await
            .unwrap();
        let (t, _) = session.dispatch().await;
        assert_eq!(t, "READY");
        session
    }

    /// The next payload.
    pub async fn payload(&mut self) -> Value {
        loop {
            let message = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("a payload in time")
                .expect("the connection is open")
                .unwrap();
            if let Message::Text(text) = message {
                return serde_json::from_str(text.as_str()).unwrap();
            }
        }
    }

    /// The next dispatch: its `t` and `d`.
    pub async fn dispatch(&mut self) -> (String, Value) {
        loop {
            let payload = self.payload().await;
            if payload["op"] == json!(0) {
                return (
                    payload["t"].as_str().unwrap().to_owned(),
                    payload["d"].clone(),
                );
            }
        }
    }

    /// The next dispatch, which must be `t`: its `d`.
    pub async fn expect(&mut self, t: &str) -> Value {
        let (got, d) = self.dispatch().await;
        assert_eq!(got, t, "{d}");
        d
    }
}
