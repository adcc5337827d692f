//! File uploads and components on the message routes, with raw `multipart/form-data` bodies
//! built here: Discord's part names (`payload_json`, `files[n]`), attachment objects served at
//! their `url`, Discord's size limits (413/40005), 50035 for files without an `attachments`
//! entry, and components validated with field paths.

use serde_json::{Value, json};

use crate::support::{Api, GENERAL, Reply, form_code};

pub(crate) const BOUNDARY: &str = "emulator-test-boundary-7MA4YWxkTrZu0gW";

/// A multipart body: `payload_json` (when given), then `files[n]` for each (name, type, bytes).
pub(crate) fn multipart(payload: Option<&Value>, files: &[(&str, &str, Vec<u8>)]) -> Vec<u8> {
    let mut body = Vec::new();
    if let Some(payload) = payload {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n\
                 Content-Type: application/json\r\n\r\n{payload}\r\n"
            )
            .as_bytes(),
        );
    }
    for (index, (filename, content_type, data)) in files.iter().enumerate() {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files[{index}]\"; \
                 filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Sends a multipart body to `path` with `method`.
async fn send_multipart(api: &Api, method: &str, path: &str, body: Vec<u8>) -> Reply {
    let response = reqwest::Client::new()
        .request(
            method.parse().unwrap(),
            format!("{}{path}", api.emulator.api_base_url()),
        )
        .header("Authorization", format!("Bot {}", api.emulator.token()))
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
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

async fn fetch(url: &str) -> (u16, Option<String>, Vec<u8>) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|value| value.to_str().unwrap().to_owned());
    (
        status,
        content_type,
        response.bytes().await.unwrap().to_vec(),
    )
}

#[tokio::test]
async fn files_become_attachments_served_at_their_url() {
    let api = Api::start().await;
    let payload = json!({
        "content": "report",
        "embeds": [{"title": "chart", "image": {"url": "attachment://chart.png"}}],
        "attachments": [
            {"id": 0, "filename": "notes.txt", "description": "the notes"},
            {"id": 1, "filename": "chart.png"},
        ],
    });
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x08rest".to_vec();
    let body = multipart(
        Some(&payload),
        &[
            ("notes.txt", "text/plain", b"hello files".to_vec()),
            ("chart.png", "image/png", png.clone()),
        ],
    );
    let path = format!("/channels/{GENERAL}/messages");
    let reply = send_multipart(&api, "POST", &path, body).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let attachments = reply.json["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 2);
    assert_eq!(attachments[0]["filename"], "notes.txt");
    assert_eq!(attachments[0]["description"], "the notes");
    assert_eq!(attachments[0]["content_type"], "text/plain");
    assert_eq!(attachments[0]["size"], 11);
    assert_eq!(attachments[1]["width"], 16);
    assert_eq!(attachments[1]["height"], 8);
    assert!(
        attachments[0]["id"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .is_ok()
    );
    let url = attachments[1]["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!(
            "{}/attachments/{GENERAL}/",
            api.emulator.base_url()
        )),
        "{url}"
    );
    let (status, content_type, bytes) = fetch(url).await;
    assert_eq!(status, 200);
    assert_eq!(content_type.as_deref(), Some("image/png"));
    assert_eq!(bytes, png);
    let (status, _, _) = fetch(&url.replace("chart.png", "other.png")).await;
    assert_eq!(status, 404);

    // The request log: payload_json as the body, and the parts.
    let logged = api.emulator.requests().pop().unwrap();
    assert_eq!(logged.body, Some(payload));
    let parts = logged.parts.unwrap();
    let names: Vec<_> = parts.iter().map(|part| part.name.as_str()).collect();
    assert_eq!(names, ["payload_json", "files[0]", "files[1]"]);
    assert_eq!(parts[1].filename.as_deref(), Some("notes.txt"));
    assert_eq!(parts[2].content_type.as_deref(), Some("image/png"));
    assert_eq!(parts[1].size, 11);
    assert_eq!(parts[1].sha256.len(), 64);

    // The message as fetched later has the same attachments.
    let id = reply.json["id"].as_str().unwrap();
    let fetched = api
        .call("GET", &format!("/channels/{GENERAL}/messages/{id}"), None)
        .await;
    assert_eq!(fetched.json["attachments"], reply.json["attachments"]);
}

#[tokio::test]
async fn edit_keeps_listed_attachments_and_adds_new_files() {
    let api = Api::start().await;
    let path = format!("/channels/{GENERAL}/messages");
    let payload = json!({"attachments": [{"id": 0}, {"id": 1}]});
    let body = multipart(
        Some(&payload),
        &[
            ("a.txt", "text/plain", b"a".to_vec()),
            ("b.txt", "text/plain", b"b".to_vec()),
        ],
    );
    let created = send_multipart(&api, "POST", &path, body).await;
    assert_eq!(created.status, 200, "{}", created.text);
    let id = created.json["id"].as_str().unwrap();
    let keep = created.json["attachments"][1]["id"].as_str().unwrap();
    let payload = json!({"content": "edited", "attachments": [{"id": keep}, {"id": 0, "filename": "SPOILER_c.txt"}]});
    let body = multipart(Some(&payload), &[("c.txt", "text/plain", b"c".to_vec())]);
    let edited = send_multipart(&api, "PATCH", &format!("{path}/{id}"), body).await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    let attachments = edited.json["attachments"].as_array().unwrap();
    let names: Vec<_> = attachments
        .iter()
        .map(|attachment| attachment["filename"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["b.txt", "SPOILER_c.txt"]);
    assert_eq!(attachments[1]["flags"], 8, "IS_SPOILER");
    assert!(edited.json["edited_timestamp"].is_string());
    let (_, _, bytes) = fetch(attachments[1]["url"].as_str().unwrap()).await;
    assert_eq!(bytes, b"c");
}

#[tokio::test]
async fn upload_limits_and_mismatches() {
    let api = Api::start().await;
    let path = format!("/channels/{GENERAL}/messages");
    // A file over 10 MiB: 413/40005.
    let big = vec![b'x'; 10 * 1024 * 1024 + 1];
    let payload = json!({"attachments": [{"id": 0}]});
    let reply = send_multipart(
        &api,
        "POST",
        &path,
        multipart(
            Some(&payload),
            &[("big.bin", "application/octet-stream", big)],
        ),
    )
    .await;
    assert_eq!(reply.status, 413, "{}", reply.text);
    assert_eq!(reply.json["code"], 40005);
    // Over 25 MiB in all: 413/40005.
    let files: Vec<_> = (0..3)
        .map(|_| {
            (
                "f.bin",
                "application/octet-stream",
                vec![b'y'; 9 * 1024 * 1024],
            )
        })
        .collect();
    let reply = send_multipart(&api, "POST", &path, multipart(Some(&payload), &files)).await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.json["code"], 40005);
    // A file without an attachments entry, and an entry without a file: 50035.
    let reply = send_multipart(
        &api,
        "POST",
        &path,
        multipart(
            Some(&json!({"content": "x", "attachments": [{"id": 5}]})),
            &[("a.txt", "text/plain", b"a".to_vec())],
        ),
    )
    .await;
    assert_eq!(reply.status, 400, "{}", reply.text);
    assert_eq!(reply.json["code"], 50035);
    assert_eq!(form_code(&reply, "/files[0]"), "ATTACHMENT_NOT_FOUND");
    assert_eq!(
        form_code(&reply, "/attachments/0/id"),
        "ATTACHMENT_NOT_FOUND"
    );
    // 11 files: 50035 on files.
    let files: Vec<_> = (0..11)
        .map(|_| ("f.txt", "text/plain", b"z".to_vec()))
        .collect();
    let reply = send_multipart(&api, "POST", &path, multipart(Some(&payload), &files)).await;
    assert_eq!(reply.json["code"], 50035, "{}", reply.text);
    // Malformed payload_json: 50109; a body that is not multipart at all: 50035.
    let reply = send_multipart(&api, "POST", &path, {
        let mut body = multipart(None, &[]);
        body.splice(
            0..0,
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n\r\n{{nope\r\n"
            )
            .bytes(),
        );
        body
    })
    .await;
    assert_eq!(reply.json["code"], 50109, "{}", reply.text);
    let reply = send_multipart(&api, "POST", &path, b"not multipart".to_vec()).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json["code"], 50035, "{}", reply.text);
}

#[tokio::test]
async fn components_are_validated_with_field_paths_and_echoed() {
    let api = Api::start().await;
    let row = |count: usize| {
        json!({"type": 1, "components": (0..count)
            .map(|n| json!({"type": 2, "style": 1, "custom_id": format!("b{n}"), "label": "B"}))
            .collect::<Vec<_>>()})
    };
    let created = api
        .create(
            GENERAL,
            json!({"content": "pick", "components": [row(2), {"type": 1, "components": [
                {"type": 3, "custom_id": "s", "options": [{"label": "A", "value": "a"}]}]}]}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let components = &created.json["components"];
    assert_eq!(components[0]["id"], 1);
    assert_eq!(components[0]["components"][1]["custom_id"], "b1");
    assert_eq!(components[1]["components"][0]["options"][0]["value"], "a");

    let bad = [
        (json!([row(6)]), "/components/0/components"),
        (
            json!([row(1), row(1), row(1), row(1), row(1), row(1)]),
            "/components",
        ),
        (
            json!([{"type": 1, "components": [{"type": 2, "style": 1, "label": "x"}]}]),
            "/components/0/components/0/custom_id",
        ),
        (
            json!([{"type": 1, "components": [{"type": 2, "style": 1, "custom_id": "x".repeat(101), "label": "x"}]}]),
            "/components/0/components/0/custom_id",
        ),
        (
            json!([{"type": 1, "components": [{"type": 2, "style": 1, "custom_id": "x", "label": "x".repeat(81)}]}]),
            "/components/0/components/0/label",
        ),
        (
            json!([{"type": 1, "components": [{"type": 3, "custom_id": "s",
                "options": (0..26).map(|n| json!({"label": n.to_string(), "value": n.to_string()})).collect::<Vec<_>>()}]}]),
            "/components/0/components/0/options",
        ),
        (
            json!([{"type": 10, "content": "v2 only"}]),
            "/components/0/type",
        ),
    ];
    for (components, pointer) in bad {
        let reply = api
            .create(GENERAL, json!({"content": "x", "components": components}))
            .await;
        assert_eq!(reply.status, 400, "{components}: {}", reply.text);
        assert_eq!(reply.json["code"], 50035);
        assert!(
            form_code(&reply, pointer).is_string(),
            "{pointer}: {}",
            reply.text
        );
    }

    // Components V2: layout types with the flag; content is refused with it.
    let v2 = json!([{"type": 17, "accent_color": 703487, "components": [
        {"type": 10, "content": "# Title"},
        {"type": 14, "divider": true, "spacing": 1},
        {"type": 9, "components": [{"type": 10, "content": "side"}],
         "accessory": {"type": 2, "style": 5, "url": "https://example.com", "label": "Open"}},
    ]}]);
    let created = api
        .create(GENERAL, json!({"flags": 32768, "components": v2}))
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    assert_eq!(created.json["flags"], 32768);
    assert_eq!(
        created.json["components"][0]["components"][2]["accessory"]["id"],
        6
    );
    let reply = api
        .create(
            GENERAL,
            json!({"flags": 32768, "content": "x", "components": v2}),
        )
        .await;
    assert_eq!(reply.json["code"], 50035, "{}", reply.text);
}
