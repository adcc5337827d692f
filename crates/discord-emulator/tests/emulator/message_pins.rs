//! The pin routes over plain HTTP: pin, unpin and list (the paginated
//! `/channels/{id}/messages/pins` and the deprecated `/channels/{id}/pins`), `pinned` on the
//! message, the audit-log reason, and Discord's errors (30003, 10008, 10003, 50001, 50013,
//! 50035).

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{ALICE, Api, GENERAL, READ_ONLY, STAFF_ONLY, assert_error, form_code};

/// `PUT` (pin) or `DELETE` (unpin) of `message` through the current path; the answer's status.
async fn pin(api: &Api, method: &str, channel: &str, message: &str) -> u16 {
    let path = format!("/channels/{channel}/messages/pins/{message}");
    let reply = api.call(method, &path, None).await;
    assert!(
        reply.text.is_empty() || reply.status >= 400,
        "{}",
        reply.text
    );
    reply.status
}

/// `GET /channels/{channel}/messages/pins{query}`.
async fn listing(api: &Api, channel: &str, query: &str) -> Value {
    let reply = api
        .call(
            "GET",
            &format!("/channels/{channel}/messages/pins{query}"),
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json
}

/// The message ids of a listing's items.
fn item_ids(listing: &Value) -> Vec<String> {
    listing["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["message"]["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn pins_are_listed_newest_first_and_paginated() {
    let api = Api::start().await;
    let first = api.say(GENERAL, "first").await;
    let second = api.say(GENERAL, "second").await;
    assert_eq!(
        listing(&api, GENERAL, "").await,
        json!({"items": [], "has_more": false})
    );
    assert_eq!(pin(&api, "PUT", GENERAL, &second).await, 204);
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_eq!(pin(&api, "PUT", GENERAL, &first).await, 204);
    // Pinning again changes nothing.
    assert_eq!(pin(&api, "PUT", GENERAL, &first).await, 204);
    let all = listing(&api, GENERAL, "").await;
    assert_eq!(item_ids(&all), [first.clone(), second.clone()]);
    assert_eq!(all["has_more"], json!(false));
    assert_eq!(all["items"][0]["message"]["pinned"], json!(true));
    assert!(
        all["items"][0]["pinned_at"]
            .as_str()
            .unwrap()
            .ends_with("+00:00")
    );
    let page = listing(&api, GENERAL, "?limit=1").await;
    assert_eq!(item_ids(&page), [first.as_str()]);
    assert_eq!(page["has_more"], json!(true));
    let before = page["items"][0]["pinned_at"]
        .as_str()
        .unwrap()
        .replace('+', "%2B");
    let rest = listing(&api, GENERAL, &format!("?before={before}")).await;
    assert_eq!(item_ids(&rest), [second.as_str()]);
    assert_eq!(rest["has_more"], json!(false));

    // The deprecated routes: an array of messages; pin and unpin the same way.
    let reply = api
        .call("GET", &format!("/channels/{GENERAL}/pins"), None)
        .await;
    assert_eq!(
        crate::support::ids_of(&reply.json),
        [first.clone(), second.clone()]
    );
    let reply = api
        .call("DELETE", &format!("/channels/{GENERAL}/pins/{first}"), None)
        .await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    let reply = api
        .call(
            "GET",
            &format!("/channels/{GENERAL}/messages/{first}"),
            None,
        )
        .await;
    assert_eq!(reply.json["pinned"], json!(false));
    assert_eq!(pin(&api, "DELETE", GENERAL, &first).await, 204);
    // A deleted message leaves the pins.
    let reply = api
        .call(
            "DELETE",
            &format!("/channels/{GENERAL}/messages/{second}"),
            None,
        )
        .await;
    assert_eq!(reply.status, 204);
    assert_eq!(listing(&api, GENERAL, "").await["items"], json!([]));
}

#[tokio::test]
async fn the_audit_log_reason_is_recorded() {
    let api = Api::start().await;
    let id = api.say(GENERAL, "reason").await;
    for (method, path) in [
        ("PUT", format!("/channels/{GENERAL}/messages/pins/{id}")),
        ("DELETE", format!("/channels/{GENERAL}/pins/{id}")),
    ] {
        let reply = api
            .call_with(
                method,
                &path,
                None,
                &[("X-Audit-Log-Reason", "caf%C3%A9%20pins")],
            )
            .await;
        assert_eq!(reply.status, 204, "{}", reply.text);
    }
    let reasons: Vec<Option<String>> = api
        .emulator
        .requests()
        .into_iter()
        .filter(|request| request.path.contains("pins"))
        .map(|request| request.audit_log_reason)
        .collect();
    assert_eq!(
        reasons,
        [Some("café pins".to_owned()), Some("café pins".to_owned())]
    );
}

#[tokio::test]
async fn discords_errors() {
    let api = Api::start().await;
    let id = api.say(GENERAL, "errors").await;
    let reply = api
        .call("PUT", &format!("/channels/{GENERAL}/messages/pins/1"), None)
        .await;
    assert_error(&reply, 404, 10008, "Unknown Message");
    let reply = api
        .call("PUT", &format!("/channels/1/pins/{id}"), None)
        .await;
    assert_error(&reply, 404, 10003, "Unknown Channel");
    let reply = api
        .call(
            "GET",
            &format!("/channels/{STAFF_ONLY}/messages/pins"),
            None,
        )
        .await;
    assert_error(&reply, 403, 50001, "Missing Access");
    let message = api.inject(READ_ONLY, ALICE, json!({"content": "ro"})).await;
    let message = message["id"].as_str().unwrap();
    let reply = api
        .call(
            "PUT",
            &format!("/channels/{READ_ONLY}/messages/pins/{message}"),
            None,
        )
        .await;
    assert_error(&reply, 403, 50013, "Missing Permissions");
    let reply = api
        .call(
            "GET",
            &format!("/channels/{GENERAL}/messages/pins?limit=51"),
            None,
        )
        .await;
    assert_eq!(form_code(&reply, "/limit"), json!("NUMBER_TYPE_MAX"));
    let reply = api
        .call(
            "GET",
            &format!("/channels/{GENERAL}/messages/pins?before=never"),
            None,
        )
        .await;
    assert!(form_code(&reply, "/before").is_string());

    // 50 pins at most.
    for index in 0..50 {
        let id = api.say(GENERAL, &format!("pin {index}")).await;
        assert_eq!(pin(&api, "PUT", GENERAL, &id).await, 204);
    }
    let reply = api
        .call(
            "PUT",
            &format!("/channels/{GENERAL}/messages/pins/{id}"),
            None,
        )
        .await;
    assert_error(
        &reply,
        400,
        30003,
        "Maximum number of pins reached for the channel (50)",
    );
    // A DM: the bot may pin there.
    let dm = api.dm(ALICE).await;
    let said = api.say(&dm, "dm pin").await;
    assert_eq!(pin(&api, "PUT", &dm, &said).await, 204);
}
