//! Application commands over HTTP: create (201, or 200 replacing one of the same name and
//! type), list (with and without localizations), get, edit (new version), delete, bulk
//! overwrite (ids kept by name and type), global and per guild; Discord's errors (50035 with
//! field paths, 10063, 10004, 403/50001 for another application, 30032) and
//! `GET /applications/@me`.

use serde_json::{Value, json};

use crate::support::{Api, BOT, GUILD, assert_error, form_code};

fn global() -> String {
    format!("/applications/{BOT}/commands")
}

fn guild() -> String {
    format!("/applications/{BOT}/guilds/{GUILD}/commands")
}

fn ping() -> Value {
    json!({
        "name": "ping",
        "description": "Answers pong",
        "name_localizations": {"de": "pingen"},
        "options": [
            {"type": 3, "name": "text", "description": "What to say", "required": true,
             "choices": [{"name": "Hello", "value": "hello"}]},
            {"type": 4, "name": "times", "description": "How often", "min_value": 1, "max_value": 5}
        ],
        "default_member_permissions": "8"
    })
}

#[tokio::test]
async fn the_application_is_the_bot() {
    let api = Api::start().await;
    for path in ["/applications/@me", "/oauth2/applications/@me"] {
        let reply = api.call("GET", path, None).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.json["id"], json!(BOT));
        assert_eq!(reply.json["bot"]["id"], json!(BOT));
        assert!(reply.json["verify_key"].is_string());
    }
}

#[tokio::test]
async fn global_commands_are_created_listed_edited_and_deleted() {
    let api = Api::start().await;
    let created = api.call("POST", &global(), Some(ping())).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let command = created.json.clone();
    assert_eq!(command["application_id"], json!(BOT));
    assert_eq!(command["type"], json!(1));
    assert_eq!(command["default_member_permissions"], json!("8"));
    assert_eq!(command["dm_permission"], json!(true));
    assert!(command.get("guild_id").is_none());
    let id = command["id"].as_str().unwrap().to_owned();
    let version = command["version"].as_str().unwrap().to_owned();

    // The same name and type again replaces it: 200, same id.
    let again = api.call("POST", &global(), Some(ping())).await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.json["id"], json!(id));

    let listed = api.call("GET", &global(), None).await;
    assert_eq!(listed.json.as_array().unwrap().len(), 1);
    assert!(listed.json[0].get("name_localizations").is_none());
    let localized = api
        .call(
            "GET",
            &format!("{}?with_localizations=true", global()),
            None,
        )
        .await;
    assert_eq!(
        localized.json[0]["name_localizations"],
        json!({"de": "pingen"})
    );

    let one = api.call("GET", &format!("{}/{id}", global()), None).await;
    assert_eq!(one.json["name"], json!("ping"));

    let edited = api
        .call(
            "PATCH",
            &format!("{}/{id}", global()),
            Some(json!({"description": "Pong!", "default_member_permissions": null})),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    assert_eq!(edited.json["description"], json!("Pong!"));
    assert_eq!(edited.json["default_member_permissions"], Value::Null);
    assert_eq!(edited.json["options"], ping()["options"]);
    assert_ne!(edited.json["version"], json!(version));

    let deleted = api
        .call("DELETE", &format!("{}/{id}", global()), None)
        .await;
    assert_eq!(deleted.status, 204);
    let gone = api.call("GET", &format!("{}/{id}", global()), None).await;
    assert_error(&gone, 404, 10063, "Unknown application command");
    let gone = api
        .call(
            "PATCH",
            &format!("{}/{id}", global()),
            Some(json!({"description": "x"})),
        )
        .await;
    assert_error(&gone, 404, 10063, "Unknown application command");
}

#[tokio::test]
async fn guild_commands_are_bulk_overwritten_keeping_ids() {
    let api = Api::start().await;
    let first = api
        .call(
            "PUT",
            &guild(),
            Some(json!([ping(), {"type": 2, "name": "Show Profile"}])),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    let list = first.json.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["guild_id"], json!(GUILD));
    assert!(list[0].get("dm_permission").is_none());
    let ping_id = list[0]["id"].clone();
    let second = api
        .call(
            "PUT",
            &guild(),
            Some(json!([{"name": "ping", "description": "v2"}, {"name": "echo", "description": "Echo"}])),
        )
        .await;
    assert_eq!(second.status, 200, "{}", second.text);
    let list = second.json.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["id"], ping_id);
    assert_eq!(list[0]["description"], json!("v2"));
    assert!(list[0].get("options").is_none());
    assert_ne!(list[1]["id"], ping_id);
    let listed = api.call("GET", &guild(), None).await;
    assert_eq!(listed.json.as_array().unwrap().len(), 2);
    // The global scope is separate.
    let global_list = api.call("GET", &global(), None).await;
    assert_eq!(global_list.json, json!([]));
    // The permission bit set may be sent as an integer (Discord's OpenAPI); it is answered as a
    // string.
    let integer = api
        .call(
            "POST",
            &guild(),
            Some(json!({"name": "admin", "description": "d", "default_member_permissions": 8})),
        )
        .await;
    assert_eq!(integer.status, 201, "{}", integer.text);
    assert_eq!(integer.json["default_member_permissions"], json!("8"));
    let cleared = api.call("PUT", &guild(), Some(json!([]))).await;
    assert_eq!(cleared.json, json!([]));
}

#[tokio::test]
async fn bodies_are_validated_like_discord() {
    let api = Api::start().await;
    let bad = api
        .call(
            "POST",
            &global(),
            Some(json!({"name": "Ping", "description": ""})),
        )
        .await;
    assert_eq!(
        form_code(&bad, "/name"),
        json!("APPLICATION_COMMAND_INVALID_NAME")
    );
    assert_eq!(
        form_code(&bad, "/description"),
        json!("BASE_TYPE_BAD_LENGTH")
    );
    let long = api
        .call(
            "POST",
            &global(),
            Some(json!({"name": "x".repeat(33), "description": "d".repeat(101)})),
        )
        .await;
    assert_eq!(form_code(&long, "/name"), json!("BASE_TYPE_BAD_LENGTH"));
    assert_eq!(
        form_code(&long, "/description"),
        json!("BASE_TYPE_BAD_LENGTH")
    );
    let options: Vec<Value> = (0..26)
        .map(|i| json!({"type": 3, "name": format!("o{i}"), "description": "d"}))
        .collect();
    let many = api
        .call(
            "POST",
            &global(),
            Some(json!({"name": "many", "description": "d", "options": options})),
        )
        .await;
    assert_eq!(form_code(&many, "/options"), json!("BASE_TYPE_MAX_LENGTH"));
    let order = api
        .call(
            "POST",
            &global(),
            Some(json!({"name": "order", "description": "d", "options": [
                {"type": 3, "name": "a", "description": "a"},
                {"type": 3, "name": "b", "description": "b", "required": true},
                {"type": 12, "name": "c", "description": "c"}
            ]})),
        )
        .await;
    assert_eq!(
        form_code(&order, "/options"),
        json!("APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID")
    );
    assert_eq!(
        form_code(&order, "/options/2/type"),
        json!("BASE_TYPE_CHOICES")
    );
    let choices: Vec<Value> = (0..26)
        .map(|i| json!({"name": format!("c{i}"), "value": i}))
        .collect();
    let too_many_choices = api
        .call(
            "POST",
            &global(),
            Some(json!({"name": "pick", "description": "d", "options": [
                {"type": 4, "name": "n", "description": "n", "choices": choices}
            ]})),
        )
        .await;
    assert_eq!(
        form_code(&too_many_choices, "/options/0/choices"),
        json!("BASE_TYPE_MAX_LENGTH")
    );
    // USER and MESSAGE commands: mixed case and spaces, no description.
    let user = api
        .call(
            "POST",
            &global(),
            Some(json!({"type": 3, "name": "Report Message"})),
        )
        .await;
    assert_eq!(user.status, 201, "{}", user.text);
    let described = api
        .call(
            "POST",
            &global(),
            Some(json!({"type": 2, "name": "Info", "description": "no"})),
        )
        .await;
    assert_eq!(
        form_code(&described, "/description"),
        json!("APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION")
    );
    // Bulk errors name the index.
    let bulk = api
        .call(
            "PUT",
            &guild(),
            Some(json!([ping(), {"name": "BAD", "description": "d"}])),
        )
        .await;
    assert_eq!(
        form_code(&bulk, "/1/name"),
        json!("APPLICATION_COMMAND_INVALID_NAME")
    );
    let duplicate = api
        .call("PUT", &guild(), Some(json!([ping(), ping()])))
        .await;
    assert_eq!(
        form_code(&duplicate, "/1/name"),
        json!("APPLICATION_COMMANDS_DUPLICATE_NAME")
    );
    // Nothing was stored by the refused calls.
    let listed = api.call("GET", &guild(), None).await;
    assert_eq!(listed.json, json!([]));
}

#[tokio::test]
async fn other_applications_unknown_guilds_and_the_command_limit() {
    let api = Api::start().await;
    let other = api
        .call("GET", "/applications/999999999999999999/commands", None)
        .await;
    assert_error(&other, 403, 50001, "Missing Access");
    let other = api
        .call(
            "POST",
            "/applications/999999999999999999/commands",
            Some(ping()),
        )
        .await;
    assert_error(&other, 403, 50001, "Missing Access");
    let unknown_guild = api
        .call(
            "GET",
            &format!("/applications/{BOT}/guilds/399999999999999999/commands"),
            None,
        )
        .await;
    assert_error(&unknown_guild, 404, 10004, "Unknown Guild");
    let commands: Vec<Value> = (0..100)
        .map(|i| json!({"name": format!("c{i}"), "description": "d"}))
        .collect();
    let full = api
        .call("PUT", &global(), Some(Value::Array(commands.clone())))
        .await;
    assert_eq!(full.status, 200, "{}", full.text);
    let one_more = api
        .call(
            "POST",
            &global(),
            Some(json!({"name": "extra", "description": "d"})),
        )
        .await;
    assert_error(
        &one_more,
        400,
        30032,
        "Maximum number of application commands reached",
    );
    let mut over = commands;
    over.push(json!({"name": "extra", "description": "d"}));
    let over = api.call("PUT", &global(), Some(Value::Array(over))).await;
    assert_error(
        &over,
        400,
        30032,
        "Maximum number of application commands reached",
    );
    // Replacing an existing one is fine at the limit.
    let replaced = api
        .call(
            "POST",
            &global(),
            Some(json!({"name": "c5", "description": "new"})),
        )
        .await;
    assert_eq!(replaced.status, 200, "{}", replaced.text);
}
