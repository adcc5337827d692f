//! Issue 12, files: uploads through SendChannelMessage, SendDirectMessage, EditChannelMessage
//! and CallDiscordApi reach Discord as `multipart/form-data` exactly as Discord documents it
//! (part names, filenames, content types, `payload_json` with the matching `attachments`,
//! judged by Discord's OpenAPI multipart schema); Discord's limits refuse before any request;
//! the stored attachment's bytes are the ones sent; the file RPCs accept 20 MiB while other
//! RPCs keep `--max-request-bytes`.

use crate::message_support::{GENERAL, details, judge_response, requests_since, route, spec};
use discord_emulator::RecordedRequest;
use discordproxy_proto::{
    CallDiscordApiRequest, DeleteChannelMessageRequest, EditChannelMessageRequest, Embed, File,
    SendChannelMessageRequest, SendDirectMessageRequest, embed,
};
use discordproxy_tests::stack::Stack;
use serde_json::{Value, json};
use tonic::Code;

const ALICE: u64 = 200_000_000_000_000_001;
const MIB: usize = 1024 * 1024;

fn file(filename: &str, content_type: &str, data: impl Into<Vec<u8>>) -> File {
    File {
        filename: filename.into(),
        data: data.into().into(),
        content_type: content_type.into(),
        ..Default::default()
    }
}

/// A PNG header of `width` × `height` (enough for Discord to read the size) plus `extra` bytes.
fn png(width: u32, height: u32, extra: usize) -> Vec<u8> {
    let mut data = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    data.extend_from_slice(&width.to_be_bytes());
    data.extend_from_slice(&height.to_be_bytes());
    data.extend((0..extra).map(|i| (i % 251) as u8));
    data
}

/// The part names of a recorded multipart request.
fn part_names(request: &RecordedRequest) -> Vec<String> {
    request
        .parts
        .as_ref()
        .expect("a multipart request")
        .iter()
        .map(|part| part.name.clone())
        .collect()
}

/// Asserts Discord's OpenAPI multipart schema accepts the request's payload_json and parts.
fn judge_multipart(request: &RecordedRequest) -> Value {
    let payload = request.body.clone().expect("payload_json");
    let names = part_names(request);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    if let Err(error) =
        spec().validate_multipart_request(&request.method, &request.path, &payload, &names)
    {
        panic!("Discord's spec rejects the multipart body: {error}\n  payload: {payload}");
    }
    payload
}

/// The last request the emulator received for `method path`.
fn last(stack: &Stack, skip: usize, wanted: &str) -> RecordedRequest {
    requests_since(stack, skip)
        .into_iter()
        .rev()
        .find(|request| route(request) == wanted)
        .unwrap_or_else(|| panic!("no {wanted}"))
}

async fn fetch(url: &str) -> Vec<u8> {
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    response.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn three_files_and_an_attachment_embed_go_as_documented_multipart() {
    let stack = Stack::start().await;
    let skip = stack.emulator.requests().len();
    let chart = png(640, 480, 5000);
    let files = vec![
        File {
            description: "the notes".into(),
            ..file("notes.txt", "text/plain", "some notes")
        },
        file("chart.png", "image/png", chart.clone()),
        File {
            spoiler: true,
            ..file("secret.bin", "", vec![0_u8, 1, 2, 255])
        },
    ];
    let sent = stack
        .client()
        .await
        .send_channel_message(SendChannelMessageRequest {
            channel_id: GENERAL,
            content: "weekly report".into(),
            embed: Some(Embed {
                title: "Chart".into(),
                image: Some(embed::Image {
                    url: "attachment://chart.png".into(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            files,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();

    let post = last(&stack, skip, &format!("POST /channels/{GENERAL}/messages"));
    let parts = post.parts.clone().unwrap();
    assert_eq!(
        part_names(&post),
        ["payload_json", "files[0]", "files[1]", "files[2]"]
    );
    assert_eq!(parts[0].content_type.as_deref(), Some("application/json"));
    assert_eq!(parts[0].filename, None);
    let described: Vec<_> = parts[1..]
        .iter()
        .map(|part| {
            (
                part.filename.clone().unwrap(),
                part.content_type.clone().unwrap(),
                part.size,
            )
        })
        .collect();
    assert_eq!(
        described,
        [
            ("notes.txt".to_owned(), "text/plain".to_owned(), 10),
            ("chart.png".to_owned(), "image/png".to_owned(), chart.len()),
            (
                "SPOILER_secret.bin".to_owned(),
                "application/octet-stream".to_owned(),
                4
            ),
        ]
    );
    let payload = judge_multipart(&post);
    assert_eq!(
        payload["attachments"],
        json!([
            {"id": "0", "filename": "notes.txt", "description": "the notes"},
            {"id": "1", "filename": "chart.png"},
            {"id": "2", "filename": "SPOILER_secret.bin"},
        ])
    );
    assert_eq!(payload["content"], "weekly report");
    assert_eq!(
        payload["embeds"][0]["image"]["url"],
        "attachment://chart.png"
    );

    // The typed answer, and the bytes behind each attachment's url.
    let message = sent.message.unwrap();
    assert_eq!(message.attachments.len(), 3);
    let chart_attachment = &message.attachments[1];
    assert_eq!(chart_attachment.filename, "chart.png");
    assert_eq!(
        (chart_attachment.width, chart_attachment.height),
        (640, 480)
    );
    assert_eq!(chart_attachment.content_type, "image/png");
    assert_eq!(message.attachments[0].description, "the notes");
    assert_eq!(message.attachments[2].flags & 8, 8, "IS_SPOILER");
    assert_eq!(fetch(&chart_attachment.url).await, chart);
    assert_eq!(fetch(&message.attachments[2].url).await, [0, 1, 2, 255]);
}

#[tokio::test]
async fn files_over_discords_limits_are_refused_without_a_request() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let skip = stack.emulator.requests().len();
    // (files, Discord's HTTP status and JSON code, text); sizes are 413/40005 as Discord
    // answers them, the form checks 400/50035.
    let cases: Vec<(Vec<File>, (u64, u64), &str)> = vec![
        (
            vec![file("big.bin", "", vec![0; 11 * MIB])],
            (413, 40005),
            "Request entity too large: files[0] has 11534336 bytes, at most 10485760 (10 MiB) \
             per file",
        ),
        (
            (0..11)
                .map(|n| file(&format!("{n}.txt"), "", "x"))
                .collect(),
            (400, 50035),
            "In files: Must be 10 or fewer in length.",
        ),
        (
            // 25.5 MiB: over Discord's 25 MiB, within the RPC's 26 MiB.
            (0..3)
                .map(|n| file(&format!("{n}.bin"), "", vec![0; 17 * MIB / 2]))
                .collect(),
            (413, 40005),
            "Request entity too large: the files have",
        ),
        (
            // Exactly 25 MiB of files: with payload_json and the part headers the request is
            // over Discord's 25 MiB request limit (Discord, and the emulator, answer 413).
            vec![
                file("a.bin", "", vec![0; 10 * MIB]),
                file("b.bin", "", vec![0; 10 * MIB]),
                file("c.bin", "", vec![0; 5 * MIB]),
            ],
            (413, 40005),
            "Request entity too large: the request has",
        ),
        (
            vec![file("", "", "x")],
            (400, 50035),
            "In files[0].filename: This field is required",
        ),
    ];
    for (files, (http, json_code), expected) in cases {
        let status = client
            .send_channel_message(SendChannelMessageRequest {
                channel_id: GENERAL,
                content: "x".into(),
                files,
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        let details = details(&status);
        assert_eq!(details["status"], http, "{details}");
        assert_eq!(details["code"], json_code, "{details}");
        assert!(
            details["text"].as_str().unwrap().contains(expected),
            "{expected}: {details}"
        );
    }
    assert!(
        requests_since(&stack, skip).is_empty(),
        "no request for refused uploads"
    );
}

#[tokio::test]
async fn edit_keeps_listed_attachments_and_adds_new_files() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let created = client
        .send_channel_message(SendChannelMessageRequest {
            channel_id: GENERAL,
            files: vec![
                file("a.txt", "text/plain", "a"),
                file("b.txt", "text/plain", "b"),
            ],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    let keep = created.attachments[1].id;
    let skip = stack.emulator.requests().len();
    let edited = client
        .edit_channel_message(EditChannelMessageRequest {
            channel_id: GENERAL,
            message_id: created.id,
            content: Some("with c".into()),
            attachment_ids: vec![keep],
            files: vec![file("c.txt", "text/plain", "ccc")],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    let patch = last(
        &stack,
        skip,
        &format!("PATCH /channels/{GENERAL}/messages/{}", created.id),
    );
    assert_eq!(part_names(&patch), ["payload_json", "files[0]"]);
    let payload = judge_multipart(&patch);
    assert_eq!(
        payload,
        json!({"content": "with c", "attachments": [
            {"id": keep.to_string()}, {"id": "0", "filename": "c.txt"}]})
    );
    judge_response(&patch);
    let names: Vec<_> = edited
        .attachments
        .iter()
        .map(|attachment| attachment.filename.as_str())
        .collect();
    assert_eq!(names, ["b.txt", "c.txt"]);
    assert_eq!(edited.attachments[0].id, keep);
    assert_eq!(fetch(&edited.attachments[1].url).await, b"ccc");
}

#[tokio::test]
async fn direct_messages_and_call_discord_api_carry_files() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let skip = stack.emulator.requests().len();
    let dm = client
        .send_direct_message(SendDirectMessageRequest {
            user_id: ALICE,
            content: "your invoice".into(),
            files: vec![file("invoice.pdf", "application/pdf", "%PDF-1.4")],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    assert_eq!(dm.attachments[0].filename, "invoice.pdf");
    assert_eq!(fetch(&dm.attachments[0].url).await, b"%PDF-1.4");
    let post = last(
        &stack,
        skip,
        &format!("POST /channels/{}/messages", dm.channel_id),
    );
    judge_multipart(&post);

    // CallDiscordApi: `json` becomes payload_json, attachments are added for the files.
    let skip = stack.emulator.requests().len();
    let answer = client
        .call_discord_api(CallDiscordApiRequest {
            method: "POST".into(),
            path: format!("/channels/{GENERAL}/messages"),
            json: r#"{"content": "raw upload"}"#.into(),
            files: vec![file("raw.txt", "text/plain", "raw bytes")],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let answer: Value = serde_json::from_str(&answer.json).unwrap();
    assert_eq!(answer["attachments"][0]["filename"], "raw.txt");
    let post = last(&stack, skip, &format!("POST /channels/{GENERAL}/messages"));
    assert_eq!(part_names(&post), ["payload_json", "files[0]"]);
    // Discord's OpenAPI multipart schema of this route declares no `files[n]` parts (its docs
    // do: https://discord.com/developers/docs/resources/channel#start-thread-in-forum-or-media-channel-jsonform-params),
    // so the spec judges payload_json only.
    let payload = post.body.clone().expect("payload_json");
    spec()
        .validate_multipart_request(&post.method, &post.path, &payload, &["payload_json"])
        .unwrap_or_else(|error| panic!("Discord's spec rejects payload_json: {error}"));
    assert_eq!(
        payload,
        json!({"content": "raw upload", "attachments": [{"id": "0", "filename": "raw.txt"}]})
    );
    // A caller's own attachments entries are sent unchanged.
    let skip = stack.emulator.requests().len();
    client
        .call_discord_api(CallDiscordApiRequest {
            method: "POST".into(),
            path: format!("/channels/{GENERAL}/messages"),
            json: r#"{"attachments": [{"id": 0, "description": "mine", "filename": "x.txt"}]}"#
                .into(),
            files: vec![file("raw.txt", "text/plain", "raw")],
            ..Default::default()
        })
        .await
        .unwrap();
    let post = last(&stack, skip, &format!("POST /channels/{GENERAL}/messages"));
    assert_eq!(
        post.body.unwrap()["attachments"],
        json!([{"id": 0, "description": "mine", "filename": "x.txt"}])
    );
}

#[tokio::test]
async fn call_discord_api_describes_a_forum_posts_files_in_its_message() {
    const FORUM: u64 = 400_000_000_000_000_005;
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let skip = stack.emulator.requests().len();
    let answer = client
        .call_discord_api(CallDiscordApiRequest {
            method: "POST".into(),
            path: format!("/channels/{FORUM}/threads"),
            json: r#"{"name": "raw post", "message": {"content": "hi"}}"#.into(),
            files: vec![file("raw.txt", "text/plain", "raw")],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let answer: Value = serde_json::from_str(&answer.json).unwrap();
    assert_eq!(answer["message"]["attachments"][0]["filename"], "raw.txt");
    let post = last(&stack, skip, &format!("POST /channels/{FORUM}/threads"));
    assert_eq!(
        post.body.unwrap(),
        json!({"name": "raw post", "message": {"content": "hi",
            "attachments": [{"id": "0", "filename": "raw.txt"}]}})
    );
}

#[tokio::test]
async fn file_rpcs_take_20_mib_while_other_rpcs_keep_max_request_bytes() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    // A non-file RPC over --max-request-bytes (4 MiB by default): refused by tonic as before.
    let skip = stack.emulator.requests().len();
    let status = client
        .delete_channel_message(DeleteChannelMessageRequest {
            channel_id: GENERAL,
            message_id: 1,
            audit_log_reason: "x".repeat(5 * MIB),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::OutOfRange, "{status:?}");
    assert!(
        status
            .message()
            .contains("decoded message length too large"),
        "{status:?}"
    );
    assert!(requests_since(&stack, skip).is_empty());
    // 20 MiB of files through SendChannelMessage work.
    let data: Vec<u8> = (0..10 * MIB).map(|i| (i % 253) as u8).collect();
    let sent = client
        .send_channel_message(SendChannelMessageRequest {
            channel_id: GENERAL,
            files: vec![
                file("one.bin", "", data.clone()),
                file("two.bin", "", data.clone()),
            ],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    assert_eq!(sent.attachments.len(), 2);
    assert_eq!(sent.attachments[1].size, i32::try_from(10 * MIB).unwrap());
    assert!(fetch(&sent.attachments[1].url).await == data);
    // Beyond 26 MiB even a file RPC is refused by tonic.
    let status = client
        .send_channel_message(SendChannelMessageRequest {
            channel_id: GENERAL,
            files: vec![file("huge.bin", "", vec![0; 27 * MIB])],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::OutOfRange, "{status:?}");
}

#[tokio::test]
async fn a_retried_upload_sends_the_same_body() {
    let stack = Stack::start().await;
    stack
        .emulator
        .add_fault(json!({"method": "POST", "route": "/channels/{channel_id}/messages",
                          "status": 500, "body": {"message": "500: Internal Server Error", "code": 0}}))
        .unwrap();
    let skip = stack.emulator.requests().len();
    let data: Vec<u8> = (0..300_000).map(|i| (i % 241) as u8).collect();
    let sent = stack
        .client()
        .await
        .send_channel_message(SendChannelMessageRequest {
            channel_id: GENERAL,
            files: vec![file("retry.bin", "", data.clone())],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    let posts: Vec<_> = requests_since(&stack, skip)
        .into_iter()
        .filter(|request| route(request) == format!("POST /channels/{GENERAL}/messages"))
        .collect();
    assert_eq!(
        posts.len(),
        2,
        "the 500 is retried (enforce_nonce makes it safe)"
    );
    assert_eq!(posts[0].status, Some(500));
    assert_eq!(posts[1].status, Some(200));
    assert_eq!(
        posts[0].parts, posts[1].parts,
        "the same parts, byte for byte"
    );
    assert_eq!(
        posts[0].body, posts[1].body,
        "the same payload_json (and nonce)"
    );
    assert_eq!(fetch(&sent.attachments[0].url).await, data);
}

#[tokio::test]
async fn a_forum_post_carries_files_in_its_first_message() {
    use discordproxy_proto::{ForumThreadMessage, StartThreadInForumOrMediaChannelRequest};
    const FORUM: u64 = 400_000_000_000_000_005;
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let skip = stack.emulator.requests().len();
    let log = b"line 1\nline 2\n".to_vec();
    let started = client
        .start_thread_in_forum_or_media_channel(StartThreadInForumOrMediaChannelRequest {
            channel_id: FORUM,
            name: "Crash report".into(),
            message: Some(ForumThreadMessage {
                content: "the log is attached".into(),
                files: vec![File {
                    description: "server log".into(),
                    ..file("server.log", "text/plain", log.clone())
                }],
                ..Default::default()
            }),
            audit_log_reason: "report".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();

    let post = last(&stack, skip, &format!("POST /channels/{FORUM}/threads"));
    assert_eq!(part_names(&post), ["payload_json", "files[0]"]);
    // Discord's OpenAPI multipart schema of this route declares no `files[n]` parts (its docs
    // do: https://discord.com/developers/docs/resources/channel#start-thread-in-forum-or-media-channel-jsonform-params),
    // so the spec judges payload_json only.
    let payload = post.body.clone().expect("payload_json");
    spec()
        .validate_multipart_request(&post.method, &post.path, &payload, &["payload_json"])
        .unwrap_or_else(|error| panic!("Discord's spec rejects payload_json: {error}"));
    assert_eq!(payload["name"], "Crash report");
    assert_eq!(
        payload["message"]["attachments"],
        json!([{"id": "0", "filename": "server.log", "description": "server log"}])
    );
    assert_eq!(post.audit_log_reason.as_deref(), Some("report"));
    judge_response(&post);

    let message = started.message.expect("the post's first message");
    let thread = started.channel.unwrap();
    assert_eq!((message.id, message.channel_id), (thread.id, thread.id));
    let attachment = &message.attachments[..];
    assert_eq!(attachment.len(), 1);
    assert_eq!(
        (
            attachment[0].filename.as_str(),
            attachment[0].description.as_str()
        ),
        ("server.log", "server log")
    );
    assert_eq!(fetch(&attachment[0].url).await, log);

    // Files without a message to attach them to, and an 11 MiB file, send nothing.
    let skip = stack.emulator.requests().len();
    let status = client
        .start_thread_in_forum_or_media_channel(StartThreadInForumOrMediaChannelRequest {
            channel_id: FORUM,
            name: "Too big".into(),
            message: Some(ForumThreadMessage {
                content: "x".into(),
                files: vec![file("big.bin", "", vec![0_u8; 11 * MIB])],
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let json = details(&status);
    assert_eq!(
        (json["status"].as_u64(), json["code"].as_u64()),
        (Some(413), Some(40005))
    );
    assert!(
        json["text"].as_str().unwrap().contains("files[0]"),
        "{json}"
    );
    assert!(requests_since(&stack, skip).is_empty());
}
