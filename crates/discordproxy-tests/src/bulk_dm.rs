//! The bulk-DM scenario shared by the end-to-end tests: 100 users (every tenth with DMs
//! closed), each sent one DM per round, all 100 at once, rounds one after the other.

use crate::stack::Stack;
use discord_emulator::Fixture;
use discordproxy_proto::SendDirectMessageRequest;
use std::collections::HashMap;
use tonic::Code;

/// The snowflake of user 0; user `i` is `FIRST_USER + i`.
pub const FIRST_USER: u64 = 700_000_000_000_000_000;
/// Users in the fixture.
pub const USERS: u64 = 100;

/// A fixture with [`USERS`] users; user `i` has DMs closed when `i % 10 == 0`.
///
/// # Panics
/// Never for this fixed input (the JSON is valid).
pub fn fixture() -> Fixture {
    let users: Vec<serde_json::Value> = (0..USERS)
        .map(|i| {
            serde_json::json!({
                "id": (FIRST_USER + i).to_string(),
                "username": format!("user{i}"),
                "dm_closed": i % 10 == 0,
            })
        })
        .collect();
    Fixture::from_json(
        &serde_json::json!({
            "token": "bulk-token",
            "bot": {"id": "100000000000000001", "username": "bot", "bot": true},
            "users": users,
            "guilds": [],
        })
        .to_string(),
    )
    .unwrap()
}

/// Sends `rounds` rounds of one DM to every user and returns each user's outcomes in round
/// order (`Ok` or the gRPC code).
///
/// # Panics
/// When a client task panics.
pub async fn send_rounds(stack: &Stack, rounds: u32) -> HashMap<u64, Vec<Result<(), Code>>> {
    let mut outcomes: HashMap<u64, Vec<Result<(), Code>>> = HashMap::new();
    for round in 0..rounds {
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..USERS {
            let mut client = stack.client().await;
            tasks.spawn(async move {
                let result = client
                    .send_direct_message(SendDirectMessageRequest {
                        user_id: FIRST_USER + i,
                        content: format!("round {round}"),
                        embed: None,
                        ..Default::default()
                    })
                    .await;
                (i, result.map(drop).map_err(|s| s.code()))
            });
        }
        while let Some(joined) = tasks.join_next().await {
            let (i, outcome) = joined.unwrap();
            outcomes.entry(i).or_default().push(outcome);
        }
    }
    outcomes
}
