//! Guild roles and members over HTTP: behaviour (create, modify, move, delete roles; add with
//! an OAuth2 token, get, list, search, modify, give and take roles, kick), Discord's errors
//! (permissions, hierarchy, 10007, 10011, 10013, 30005, 50025, 50035 with field paths, 40032)
//! and the gateway events with their intents.

use discord_emulator::gateway::intents;
use serde_json::{Value, json};

use crate::gateway_support::Session;
use crate::support::{ALICE, Api, BOT, CAROL, GUILD, assert_error, form_code};

const DAVE: &str = "200000000000000004";
const MEMBER_ROLE: &str = "500000000000000001";
const BOT_ROLE: &str = "500000000000000002";
const ADMIN_ROLE: &str = "500000000000000003";
const DAVE_TOKEN: &str = "sandbox-oauth-dave";

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| {
            item.get("user")
                .map_or(&item["id"], |user| &user["id"])
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn roles_are_created_modified_moved_and_deleted() {
    let api = Api::start().await;
    let roles = api
        .call("GET", &format!("/guilds/{GUILD}/roles"), None)
        .await;
    assert_eq!(roles.status, 200);
    assert_eq!(ids(&roles.json), [GUILD, MEMBER_ROLE, BOT_ROLE, ADMIN_ROLE]);

    let created = api
        .call(
            "POST",
            &format!("/guilds/{GUILD}/roles"),
            Some(json!({"name": "Pilots", "color": 0x3498db, "hoist": true, "permissions": "0"})),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let role = &created.json;
    assert_eq!(role["name"], json!("Pilots"));
    assert_eq!(role["color"], json!(0x3498db));
    assert_eq!(role["position"], json!(1));
    assert_eq!(role["permissions"], json!("0"));
    assert_eq!(role["managed"], json!(false));
    let id = role["id"].as_str().unwrap().to_owned();
    let member = api
        .call("GET", &format!("/guilds/{GUILD}/roles/{MEMBER_ROLE}"), None)
        .await;
    assert_eq!(
        member.json["position"],
        json!(2),
        "the roles above moved up"
    );

    let default = api
        .call("POST", &format!("/guilds/{GUILD}/roles"), None)
        .await;
    assert_eq!(default.json["name"], json!("new role"));
    assert_eq!(default.json["permissions"], json!("1071698660929"));

    let modified = api
        .call(
            "PATCH",
            &format!("/guilds/{GUILD}/roles/{id}"),
            Some(json!({"name": "Capsuleers", "mentionable": true, "color": null})),
        )
        .await;
    assert_eq!(modified.status, 200, "{}", modified.text);
    assert_eq!(modified.json["name"], json!("Capsuleers"));
    assert_eq!(modified.json["mentionable"], json!(true));
    assert_eq!(
        modified.json["color"],
        json!(0x3498db),
        "null changes nothing"
    );

    let moved = api
        .call(
            "PATCH",
            &format!("/guilds/{GUILD}/roles"),
            Some(json!([{"id": MEMBER_ROLE, "position": 1}])),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    let position = |id: &str| {
        moved
            .json
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == json!(id))
            .unwrap()["position"]
            .clone()
    };
    assert_eq!(position(MEMBER_ROLE), json!(1));
    assert!(position(&id).as_i64().unwrap() > 1);
    assert!(position(BOT_ROLE).as_i64().unwrap() < position(ADMIN_ROLE).as_i64().unwrap());

    let deleted = api
        .call("DELETE", &format!("/guilds/{GUILD}/roles/{id}"), None)
        .await;
    assert_eq!(deleted.status, 204);
    let gone = api
        .call("GET", &format!("/guilds/{GUILD}/roles/{id}"), None)
        .await;
    assert_error(&gone, 404, 10011, "Unknown Role");
}

#[tokio::test]
async fn role_errors_are_discords() {
    let api = Api::start().await;
    let path = format!("/guilds/{GUILD}/roles");
    let long = "n".repeat(101);
    let bad = api
        .call(
            "POST",
            &path,
            Some(json!({"name": long, "color": 0x1000000, "hoist": "yes"})),
        )
        .await;
    assert_eq!(form_code(&bad, "/name"), json!("BASE_TYPE_MAX_LENGTH"));
    assert_eq!(form_code(&bad, "/color"), json!("NUMBER_TYPE_MAX"));
    assert_eq!(form_code(&bad, "/hoist"), json!("BASE_TYPE_BOOLEAN"));

    let admin = api
        .call("POST", &path, Some(json!({"permissions": "8"})))
        .await;
    assert_error(&admin, 403, 50013, "Missing Permissions");
    for (method, target) in [
        ("PATCH", ADMIN_ROLE),
        ("DELETE", ADMIN_ROLE),
        ("DELETE", BOT_ROLE),
    ] {
        let body = (method == "PATCH").then(|| json!({"name": "x"}));
        let reply = api.call(method, &format!("{path}/{target}"), body).await;
        assert_eq!(reply.status / 100, 4, "{method} {target}: {}", reply.text);
        assert!(matches!(reply.json["code"].as_u64(), Some(50013 | 50028)));
    }
    let everyone = api.call("DELETE", &format!("{path}/{GUILD}"), None).await;
    assert_error(&everyone, 400, 50028, "Invalid Role");
    let above = api
        .call(
            "PATCH",
            &path,
            Some(json!([{"id": MEMBER_ROLE, "position": 3}])),
        )
        .await;
    assert_error(&above, 403, 50013, "Missing Permissions");
    let unknown = api
        .call(
            "PATCH",
            &format!("{path}/600000000000000009"),
            Some(json!({})),
        )
        .await;
    assert_error(&unknown, 404, 10011, "Unknown Role");
    let guild = api
        .call("GET", "/guilds/300000000000000099/roles", None)
        .await;
    assert_error(&guild, 404, 10004, "Unknown Guild");

    for _ in 4..250 {
        let reply = api.call("POST", &path, None).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }
    let full = api.call("POST", &path, None).await;
    assert_error(
        &full,
        400,
        30005,
        "Maximum number of guild roles reached (250)",
    );
}

#[tokio::test]
async fn members_are_added_with_an_oauth2_token_once() {
    let api = Api::start().await;
    let path = format!("/guilds/{GUILD}/members/{DAVE}");
    let missing = api.call("GET", &path, None).await;
    assert_error(&missing, 404, 10007, "Unknown Member");
    let unknown = api
        .call(
            "GET",
            &format!("/guilds/{GUILD}/members/200000000000000099"),
            None,
        )
        .await;
    assert_error(&unknown, 404, 10013, "Unknown User");

    let no_token = api.call("PUT", &path, Some(json!({"nick": "d"}))).await;
    assert_eq!(
        form_code(&no_token, "/access_token"),
        json!("BASE_TYPE_REQUIRED")
    );
    for token in [
        "nope",
        "sandbox-oauth-dave-identify-only",
        "sandbox-oauth-carol",
    ] {
        let wrong = api
            .call("PUT", &path, Some(json!({"access_token": token})))
            .await;
        assert_error(&wrong, 403, 50025, "Invalid OAuth2 access token");
    }
    let above = api
        .call(
            "PUT",
            &path,
            Some(json!({"access_token": DAVE_TOKEN, "roles": [ADMIN_ROLE]})),
        )
        .await;
    assert_error(&above, 403, 50013, "Missing Permissions");

    let added = api
        .call(
            "PUT",
            &path,
            Some(json!({"access_token": DAVE_TOKEN, "nick": "Dave", "roles": [MEMBER_ROLE]})),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.text);
    assert_eq!(added.json["user"]["id"], json!(DAVE));
    assert_eq!(added.json["nick"], json!("Dave"));
    assert_eq!(added.json["roles"], json!([MEMBER_ROLE]));
    let again = api
        .call(
            "PUT",
            &path,
            Some(json!({"access_token": DAVE_TOKEN, "nick": "Other"})),
        )
        .await;
    assert_eq!(again.status, 204);
    assert_eq!(again.text, "");
    let got = api.call("GET", &path, None).await;
    assert_eq!(got.json["nick"], json!("Dave"), "204 changed nothing");
}

#[tokio::test]
async fn members_are_listed_searched_modified_and_kicked() {
    let api = Api::start().await;
    let base = format!("/guilds/{GUILD}/members");
    let all = api.call("GET", &format!("{base}?limit=1000"), None).await;
    assert_eq!(ids(&all.json), [BOT, ALICE, CAROL]);
    let one = api.call("GET", &base, None).await;
    assert_eq!(ids(&one.json), [BOT], "default limit 1");
    let after = api
        .call("GET", &format!("{base}?limit=2&after={BOT}"), None)
        .await;
    assert_eq!(ids(&after.json), [ALICE, CAROL]);
    for (limit, code) in [
        ("0", "NUMBER_TYPE_MIN"),
        ("1001", "NUMBER_TYPE_MAX"),
        ("x", "NUMBER_TYPE_COERCE"),
    ] {
        let bad = api
            .call("GET", &format!("{base}?limit={limit}"), None)
            .await;
        assert_eq!(form_code(&bad, "/limit"), json!(code));
    }
    let found = api
        .call("GET", &format!("{base}/search?query=CAR&limit=10"), None)
        .await;
    assert_eq!(ids(&found.json), [CAROL]);
    let by_nick = api
        .call("GET", &format!("{base}/search?query=ali&limit=10"), None)
        .await;
    assert_eq!(ids(&by_nick.json), [ALICE]);
    let no_query = api.call("GET", &format!("{base}/search"), None).await;
    assert_eq!(form_code(&no_query, "/query"), json!("BASE_TYPE_REQUIRED"));

    let carol = format!("{base}/{CAROL}");
    let modified = api
        .call(
            "PATCH",
            &carol,
            Some(json!({"nick": "Caz", "roles": [MEMBER_ROLE]})),
        )
        .await;
    assert_eq!(modified.status, 200, "{}", modified.text);
    assert_eq!(modified.json["nick"], json!("Caz"));
    assert_eq!(modified.json["roles"], json!([MEMBER_ROLE]));
    let cleared = api.call("PATCH", &carol, Some(json!({"nick": null}))).await;
    assert_eq!(cleared.json["nick"], Value::Null);
    assert_eq!(cleared.json["roles"], json!([MEMBER_ROLE]));
    let long = api
        .call(
            "PATCH",
            &carol,
            Some(json!({"nick": "x".repeat(33), "roles": ["x"]})),
        )
        .await;
    assert_eq!(form_code(&long, "/nick"), json!("BASE_TYPE_MAX_LENGTH"));
    assert_eq!(form_code(&long, "/roles/0"), json!("NUMBER_TYPE_COERCE"));
    let voice = api.call("PATCH", &carol, Some(json!({"mute": true}))).await;
    assert_error(&voice, 400, 40032, "Target user is not connected to voice.");
    let owner = api
        .call(
            "PATCH",
            &format!("{base}/{ALICE}"),
            Some(json!({"nick": "x"})),
        )
        .await;
    assert_error(&owner, 403, 50013, "Missing Permissions");
    let timeout = api
        .call(
            "PATCH",
            &carol,
            Some(json!({"communication_disabled_until": "2099-01-01T00:00:00Z"})),
        )
        .await;
    assert_eq!(
        form_code(&timeout, "/communication_disabled_until"),
        json!("BASE_TYPE_BAD_TIME")
    );

    let me = api
        .call(
            "PATCH",
            &format!("{base}/@me"),
            Some(json!({"nick": "Proxy"})),
        )
        .await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.json["user"]["id"], json!(BOT));
    assert_eq!(me.json["nick"], json!("Proxy"));

    let role = format!("{carol}/roles/{MEMBER_ROLE}");
    assert_eq!(api.call("DELETE", &role, None).await.status, 204);
    assert_eq!(api.call("GET", &carol, None).await.json["roles"], json!([]));
    assert_eq!(api.call("PUT", &role, None).await.status, 204);
    assert_eq!(
        api.call("GET", &carol, None).await.json["roles"],
        json!([MEMBER_ROLE])
    );
    let admin = api
        .call("PUT", &format!("{carol}/roles/{ADMIN_ROLE}"), None)
        .await;
    assert_error(&admin, 403, 50013, "Missing Permissions");
    let unknown_role = api
        .call("PUT", &format!("{carol}/roles/600000000000000009"), None)
        .await;
    assert_error(&unknown_role, 404, 10011, "Unknown Role");
    let not_member = api
        .call("PUT", &format!("{base}/{DAVE}/roles/{MEMBER_ROLE}"), None)
        .await;
    assert_error(&not_member, 404, 10007, "Unknown Member");

    let kick_owner = api.call("DELETE", &format!("{base}/{ALICE}"), None).await;
    assert_error(&kick_owner, 403, 50013, "Missing Permissions");
    assert_eq!(api.call("DELETE", &carol, None).await.status, 204);
    assert_error(
        &api.call("GET", &carol, None).await,
        404,
        10007,
        "Unknown Member",
    );
    assert_error(
        &api.call("DELETE", &carol, None).await,
        404,
        10007,
        "Unknown Member",
    );
}

#[tokio::test]
async fn role_and_member_changes_cause_gateway_events_with_their_intents() {
    let api = Api::start().await;
    let mut guilds = Session::identify(&api.emulator, intents::GUILDS).await;
    guilds.expect("GUILD_CREATE").await;
    let mut members =
        Session::identify(&api.emulator, intents::GUILDS | intents::GUILD_MEMBERS).await;
    members.expect("GUILD_CREATE").await;

    let role = api
        .call(
            "POST",
            &format!("/guilds/{GUILD}/roles"),
            Some(json!({"name": "Evented"})),
        )
        .await
        .json;
    let id = role["id"].as_str().unwrap().to_owned();
    for session in [&mut guilds, &mut members] {
        let created = session.expect("GUILD_ROLE_CREATE").await;
        assert_eq!(created["guild_id"], json!(GUILD));
        assert_eq!(created["role"]["id"], json!(id));
    }
    api.call(
        "PUT",
        &format!("/guilds/{GUILD}/members/{DAVE}"),
        Some(json!({"access_token": DAVE_TOKEN})),
    )
    .await;
    let added = members.expect("GUILD_MEMBER_ADD").await;
    assert_eq!(added["guild_id"], json!(GUILD));
    assert_eq!(added["user"]["id"], json!(DAVE));
    api.call(
        "PUT",
        &format!("/guilds/{GUILD}/members/{DAVE}/roles/{id}"),
        None,
    )
    .await;
    let updated = members.expect("GUILD_MEMBER_UPDATE").await;
    assert_eq!(updated["roles"], json!([id]));
    api.call(
        "PATCH",
        &format!("/guilds/{GUILD}/roles/{id}"),
        Some(json!({"name": "Renamed"})),
    )
    .await;
    for session in [&mut guilds, &mut members] {
        let changed = session.expect("GUILD_ROLE_UPDATE").await;
        assert_eq!(changed["role"]["name"], json!("Renamed"));
    }
    api.call("DELETE", &format!("/guilds/{GUILD}/members/{DAVE}"), None)
        .await;
    let removed = members.expect("GUILD_MEMBER_REMOVE").await;
    assert_eq!(removed["user"]["id"], json!(DAVE));
    api.call("DELETE", &format!("/guilds/{GUILD}/roles/{id}"), None)
        .await;
    for session in [&mut guilds, &mut members] {
        let deleted = session.expect("GUILD_ROLE_DELETE").await;
        assert_eq!(deleted, json!({"guild_id": GUILD, "role_id": id}));
    }
}

#[tokio::test]
async fn the_bots_guilds_are_listed_as_partial_guilds() {
    let api = Api::start().await;
    let guilds = api
        .call("GET", "/users/@me/guilds?with_counts=true", None)
        .await;
    assert_eq!(guilds.status, 200, "{}", guilds.text);
    let guild = &guilds.json[0];
    assert_eq!(guild["id"], json!(GUILD));
    assert_eq!(guild["owner"], json!(false));
    assert_eq!(guild["permissions"], json!("2172179172983"));
    assert_eq!(guild["approximate_member_count"], json!(3));
    let none = api
        .call("GET", &format!("/users/@me/guilds?after={GUILD}"), None)
        .await;
    assert_eq!(none.json, json!([]));
    let bad = api.call("GET", "/users/@me/guilds?limit=201", None).await;
    assert_eq!(form_code(&bad, "/limit"), json!("NUMBER_TYPE_MAX"));
    let twilight = twilight_http::Client::builder()
        .proxy(api.emulator.local_addr().to_string(), true)
        .token(api.emulator.token().to_owned())
        .build();
    let current = twilight
        .current_user_guilds()
        .limit(10)
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    assert_eq!(current[0].id.get().to_string(), GUILD);
}

/// An emulator whose default fixture is changed by `edit` (rate limits off).
async fn with_fixture(edit: impl FnOnce(&mut Value)) -> Api {
    let mut fixture: Value =
        serde_json::from_str(include_str!("../../fixtures/default.json")).unwrap();
    edit(&mut fixture);
    let mut options = discord_emulator::Options::new(
        discord_emulator::Fixture::from_json(&fixture.to_string()).unwrap(),
    );
    options.rate_limits.mode = discord_emulator::config::RateLimits::Off;
    Api::with(options).await
}

#[tokio::test]
async fn permissions_come_from_the_bots_roles_administrator_and_ownership() {
    // Without its role the bot has @everyone's permissions only: no MANAGE_ROLES, KICK_MEMBERS,
    // MANAGE_NICKNAMES.
    let plain = with_fixture(|fixture| {
        fixture["guilds"][0]["members"][0]["roles"] = json!([]);
    })
    .await;
    let create = plain
        .call("POST", &format!("/guilds/{GUILD}/roles"), None)
        .await;
    assert_error(&create, 403, 50013, "Missing Permissions");
    let kick = plain
        .call("DELETE", &format!("/guilds/{GUILD}/members/{CAROL}"), None)
        .await;
    assert_error(&kick, 403, 50013, "Missing Permissions");
    let nick = plain
        .call(
            "PATCH",
            &format!("/guilds/{GUILD}/members/{CAROL}"),
            Some(json!({"nick": "x"})),
        )
        .await;
    assert_error(&nick, 403, 50013, "Missing Permissions");
    let own_nick = plain
        .call(
            "PATCH",
            &format!("/guilds/{GUILD}/members/@me"),
            Some(json!({"nick": "x"})),
        )
        .await;
    assert_eq!(own_nick.status, 200, "@everyone has CHANGE_NICKNAME");

    // ADMINISTRATOR gives every permission, but not a higher rank.
    let admin = with_fixture(|fixture| {
        fixture["guilds"][0]["roles"][2]["permissions"] = json!("8");
    })
    .await;
    let create = admin
        .call(
            "POST",
            &format!("/guilds/{GUILD}/roles"),
            Some(json!({"permissions": "8"})),
        )
        .await;
    assert_eq!(create.status, 200, "{}", create.text);
    let above = admin
        .call(
            "PUT",
            &format!("/guilds/{GUILD}/members/{CAROL}/roles/{ADMIN_ROLE}"),
            None,
        )
        .await;
    assert_error(&above, 403, 50013, "Missing Permissions");

    // The owner outranks every role and may do everything (but is never kicked by others).
    let owner = with_fixture(|fixture| {
        fixture["guilds"][0]["owner_id"] = json!(BOT);
    })
    .await;
    for (method, path) in [
        (
            "PUT",
            format!("/guilds/{GUILD}/members/{CAROL}/roles/{ADMIN_ROLE}"),
        ),
        ("PATCH", format!("/guilds/{GUILD}/roles/{ADMIN_ROLE}")),
        ("DELETE", format!("/guilds/{GUILD}/members/{ALICE}")),
    ] {
        let body = (method == "PATCH").then(|| json!({"name": "Owned"}));
        let reply = owner.call(method, &path, body).await;
        assert!(reply.status / 100 == 2, "{method} {path}: {}", reply.text);
    }
}
