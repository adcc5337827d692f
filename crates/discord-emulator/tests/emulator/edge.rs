//! The REST edge over real HTTP: rate-limit headers and 429s, the global limit, the Cloudflare
//! ban, `GET /_emulator/stats`, every fault kind, `enforce_nonce`, the `Content-Type` check,
//! `POST /_emulator/reset`, response bodies in the request log, and the binary's flags.

use std::time::{Duration, Instant};

use discord_emulator::{Emulator, Fixture, Options, RouteLimit, ScopeHeader, config::RateLimits};
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

const GENERAL: &str = "400000000000000002";
const ANNOUNCEMENTS: &str = "400000000000000004";
const ALICE: &str = "200000000000000001";
const MESSAGES: &str = "POST /channels/{channel_id}/messages";

/// A started emulator and an HTTP client for it.
struct Harness {
    emulator: Emulator,
    http: reqwest::Client,
}

/// A response: status, headers, raw text and parsed JSON (`Value::Null` when not JSON).
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: HeaderMap,
    text: String,
    json: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|value| value.to_str().unwrap())
    }

    fn has_rate_limit_headers(&self) -> bool {
        self.headers
            .keys()
            .any(|name| name.as_str().starts_with("x-ratelimit"))
    }
}

/// Options with message create limited to `limit` per `per_ms` ms.
fn limited(limit: u32, per_ms: u64) -> Options {
    let mut options = Options::default();
    options.rate_limits.set_route(
        MESSAGES,
        RouteLimit::new(limit, Duration::from_millis(per_ms)),
    );
    options
}

impl Harness {
    async fn start() -> Self {
        Self::with(Options::default()).await
    }

    async fn with(options: Options) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let emulator = Emulator::start(listener, options).await.unwrap();
        Self {
            emulator,
            http: reqwest::Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emulator.base_url())
    }

    async fn reply(response: reqwest::Response) -> Reply {
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
    async fn api(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut request = self
            .http
            .request(method, self.url(&format!("/api/v10{path}")))
            .header("Authorization", format!("Bot {}", self.emulator.token()));
        if let Some(body) = body {
            request = request.json(&body);
        }
        Self::reply(request.send().await.unwrap()).await
    }

    async fn send(&self, channel: &str, content: &str) -> Reply {
        self.api(
            Method::POST,
            &format!("/channels/{channel}/messages"),
            Some(json!({ "content": content })),
        )
        .await
    }

    async fn messages(&self, channel: &str) -> Vec<Value> {
        let reply = self
            .api(
                Method::GET,
                &format!("/channels/{channel}/messages?limit=100"),
                None,
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.json.as_array().unwrap().clone()
    }

    async fn control(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut request = self.http.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        Self::reply(request.send().await.unwrap()).await
    }

    async fn fault(&self, fault: Value) {
        let reply = self
            .control(Method::POST, "/_emulator/faults", Some(fault))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }

    async fn stats(&self) -> Value {
        self.control(Method::GET, "/_emulator/stats", None)
            .await
            .json
    }
}

fn seconds(reply: &Reply, name: &str) -> f64 {
    reply
        .header(name)
        .unwrap_or_else(|| panic!("no {name}"))
        .parse()
        .unwrap()
}

fn now_epoch() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

#[tokio::test]
async fn limited_responses_carry_discords_headers() {
    let harness = Harness::start().await;
    let reply = harness.send(GENERAL, "one").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("x-ratelimit-limit"), Some("5"));
    assert_eq!(reply.header("x-ratelimit-remaining"), Some("4"));
    let reset_after = seconds(&reply, "x-ratelimit-reset-after");
    assert!(reset_after > 4.9 && reset_after <= 5.0, "{reset_after}");
    let reset = seconds(&reply, "x-ratelimit-reset");
    assert!((reset - (now_epoch() + reset_after)).abs() < 1.0, "{reset}");
    assert!(
        reply.header("x-ratelimit-reset").unwrap().contains('.'),
        "fractional"
    );
    let bucket = reply.header("x-ratelimit-bucket").unwrap().to_owned();
    assert_eq!(bucket.len(), 32);
    assert_eq!(reply.header("x-ratelimit-scope"), None, "only on 429s");
    assert_eq!(reply.header("via"), Some("1.1 google"));

    let second = harness.send(GENERAL, "two").await;
    assert_eq!(second.header("x-ratelimit-remaining"), Some("3"));
    // Another channel: its own bucket state, the same bucket hash.
    let other = harness.send(ANNOUNCEMENTS, "three").await;
    assert_eq!(other.header("x-ratelimit-remaining"), Some("4"));
    assert_eq!(other.header("x-ratelimit-bucket"), Some(bucket.as_str()));
    // Another route: another bucket.
    let me = harness.api(Method::GET, "/users/@me", None).await;
    assert_eq!(me.header("x-ratelimit-limit"), Some("50"));
    assert_ne!(me.header("x-ratelimit-bucket"), Some(bucket.as_str()));
    // Errors on a limited route carry the headers too; requests without the token do not.
    let unknown = harness.send("1", "x").await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.has_rate_limit_headers());
    let anonymous = Harness::reply(
        harness
            .http
            .get(harness.url("/api/v10/users/@me"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(anonymous.status, 401);
    assert!(!anonymous.has_rate_limit_headers());
}

#[tokio::test]
async fn scope_header_always_adds_user_scope_to_every_limited_response() {
    let mut options = Options::default();
    options.rate_limits.scope_header = ScopeHeader::Always;
    let harness = Harness::with(options).await;
    let reply = harness.send(GENERAL, "one").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("x-ratelimit-scope"), Some("user"));
    let me = harness.api(Method::GET, "/users/@me", None).await;
    assert_eq!(me.header("x-ratelimit-scope"), Some("user"));
    assert_eq!(harness.stats().await["scope_header"], json!("always"));
}

#[tokio::test]
async fn over_the_limit_is_a_429_like_discords() {
    let harness = Harness::with(limited(2, 800)).await;
    assert_eq!(harness.send(GENERAL, "1").await.status, 200);
    let last = harness.send(GENERAL, "2").await;
    assert_eq!(last.header("x-ratelimit-remaining"), Some("0"));
    let limited = harness.send(GENERAL, "3").await;
    assert_eq!(limited.status, 429, "{}", limited.text);
    assert!(
        limited
            .header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let body = limited.json.as_object().unwrap();
    assert_eq!(
        body.keys().collect::<Vec<_>>(),
        ["message", "retry_after", "global"]
    );
    assert_eq!(body["message"], json!("You are being rate limited."));
    assert_eq!(body["global"], json!(false));
    let retry_after = body["retry_after"].as_f64().unwrap();
    assert!(retry_after > 0.0 && retry_after <= 0.8, "{retry_after}");
    assert_eq!(limited.header("retry-after"), Some("1"));
    assert_eq!(limited.header("x-ratelimit-scope"), Some("user"));
    assert_eq!(limited.header("x-ratelimit-limit"), Some("2"));
    assert_eq!(limited.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(
        limited.header("x-ratelimit-bucket"),
        last.header("x-ratelimit-bucket")
    );
    assert!(
        (seconds(&limited, "x-ratelimit-reset-after") - retry_after).abs() < 0.002,
        "reset-after equals retry_after"
    );
    assert_eq!(limited.header("via"), Some("1.1 google"));
    assert_eq!(limited.header("x-ratelimit-global"), None);
    // Nothing was stored, and the log has the 429.
    assert_eq!(harness.messages(GENERAL).await.len(), 2);
    let statuses: Vec<Option<u16>> = harness
        .emulator
        .requests()
        .iter()
        .filter(|request| request.method == "POST")
        .map(|request| request.status)
        .collect();
    assert_eq!(statuses, [Some(200), Some(200), Some(429)]);
    // After retry_after, the bucket has reset.
    tokio::time::sleep(Duration::from_secs_f64(retry_after)).await;
    let again = harness.send(GENERAL, "4").await;
    assert_eq!(again.status, 200);
    assert_eq!(again.header("x-ratelimit-remaining"), Some("1"));

    let stats = harness.stats().await;
    assert_eq!(stats["rate_limited"]["user"], json!(1));
    assert_eq!(stats["invalid_requests"]["in_window"], json!(1));
    let bucket = stats["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|bucket| bucket["route"] == json!(MESSAGES))
        .unwrap();
    assert_eq!(bucket["major"], json!(format!("channels/{GENERAL}")));
    assert_eq!(bucket["limit"], json!(2));
    assert_eq!(bucket["requests"], json!(4));
    assert_eq!(bucket["rate_limited"], json!(1));
    assert_eq!(bucket["remaining"], json!(1));
}

#[tokio::test]
async fn the_global_limit_answers_global_429s_except_for_webhooks() {
    let mut options = Options::default();
    options.rate_limits.global_per_second = 3;
    let harness = Harness::with(options).await;
    for _ in 0..3 {
        assert_eq!(
            harness.api(Method::GET, "/users/@me", None).await.status,
            200
        );
    }
    let limited = harness.api(Method::GET, "/users/@me", None).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.json["global"], json!(true));
    assert_eq!(
        limited.json["message"],
        json!("You are being rate limited.")
    );
    let retry_after = limited.json["retry_after"].as_f64().unwrap();
    assert!(retry_after > 0.0 && retry_after <= 1.0);
    assert_eq!(limited.header("x-ratelimit-global"), Some("true"));
    assert_eq!(limited.header("x-ratelimit-scope"), Some("global"));
    assert_eq!(limited.header("retry-after"), Some("1"));
    assert_eq!(limited.header("via"), Some("1.1 google"));
    assert_eq!(limited.header("x-ratelimit-bucket"), None);
    // Webhook and interaction routes are exempt (the emulator answers 404 for them).
    let webhook = harness
        .api(
            Method::POST,
            "/webhooks/1/token",
            Some(json!({"content": "x"})),
        )
        .await;
    assert_eq!(webhook.status, 404);
    let interaction = harness
        .api(
            Method::POST,
            "/interactions/1/token/callback",
            Some(json!({})),
        )
        .await;
    assert_eq!(interaction.status, 404);
    let stats = harness.stats().await;
    assert_eq!(stats["rate_limited"]["global"], json!(1));
    assert_eq!(stats["global"]["limit"], json!(3));
    tokio::time::sleep(Duration::from_secs_f64(retry_after)).await;
    assert_eq!(
        harness.api(Method::GET, "/users/@me", None).await.status,
        200
    );
}

#[tokio::test]
async fn too_many_invalid_requests_get_a_cloudflare_ban() {
    let mut options = Options::default();
    options.rate_limits.invalid_request_limit = 3;
    options.rate_limits.ban_duration = Duration::from_millis(700);
    let harness = Harness::with(options).await;
    let bad_token = || async {
        Harness::reply(
            harness
                .http
                .get(harness.url("/api/v10/users/@me"))
                .header("Authorization", "Bot wrong")
                .send()
                .await
                .unwrap(),
        )
        .await
    };
    for _ in 0..2 {
        assert_eq!(bad_token().await.status, 401);
    }
    // 403s count too.
    let forbidden = harness.send("400000000000000007", "x").await;
    assert_eq!(forbidden.status, 403);
    let stats = harness.stats().await;
    assert_eq!(stats["invalid_requests"]["in_window"], json!(3));
    assert_eq!(stats["invalid_requests"]["limit"], json!(3));
    assert_eq!(stats["cloudflare"]["bans"], json!(0));
    // The fourth invalid request is still answered; then the IP is banned.
    assert_eq!(bad_token().await.status, 401);
    let banned = harness.api(Method::GET, "/users/@me", None).await;
    assert_eq!(banned.status, 429);
    assert_eq!(banned.text, "error code: 1015");
    assert!(
        banned
            .header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(banned.header("retry-after"), Some("1"));
    assert!(!banned.has_rate_limit_headers());
    assert_eq!(banned.header("via"), None);
    let stats = harness.stats().await;
    assert_eq!(stats["cloudflare"]["bans"], json!(1));
    assert_eq!(stats["cloudflare"]["answers"], json!(1));
    assert!(stats["cloudflare"]["banned_until"].as_f64().unwrap() > now_epoch());
    assert_eq!(
        stats["invalid_requests"]["by_ip"][0]["ip"],
        json!("127.0.0.1")
    );
    assert!(
        stats["invalid_requests"]["by_ip"][0]["banned_for"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    assert_eq!(stats["invalid_requests"]["total"], json!(4));
    // The request log has the ban answer; the control API still answers.
    assert_eq!(
        harness.emulator.requests().last().unwrap().status,
        Some(429)
    );
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        harness.api(Method::GET, "/users/@me", None).await.status,
        200
    );
}

/// Clients on 127.0.0.2 and 127.0.0.3 (as server instances bound with
/// `--discord-source-ip`) are different IPs: their invalid requests are counted apart, one is
/// banned and the other is not, and the request log names each request's address.
#[tokio::test]
async fn invalid_requests_and_bans_are_per_client_ip() {
    let mut options = Options::default();
    options.rate_limits.invalid_request_limit = 2;
    options.rate_limits.ban_duration = Duration::from_secs(60);
    let harness = Harness::with(options).await;
    let from = |ip: &str| {
        reqwest::Client::builder()
            .local_address(ip.parse::<std::net::IpAddr>().unwrap())
            .build()
            .unwrap()
    };
    let (two, three) = (from("127.0.0.2"), from("127.0.0.3"));
    let get = |client: &reqwest::Client, token: &str| {
        client
            .get(harness.url("/api/v10/users/@me"))
            .header("Authorization", format!("Bot {token}"))
            .send()
    };
    for _ in 0..3 {
        assert_eq!(get(&two, "wrong").await.unwrap().status(), 401);
    }
    assert_eq!(get(&three, "wrong").await.unwrap().status(), 401);
    let token = harness.emulator.token().to_owned();
    let banned = Harness::reply(get(&two, &token).await.unwrap()).await;
    assert_eq!(
        (banned.status, banned.text.as_str()),
        (429, "error code: 1015")
    );
    assert_eq!(get(&three, &token).await.unwrap().status(), 200);
    let stats = harness.stats().await;
    let by_ip = stats["invalid_requests"]["by_ip"].as_array().unwrap();
    let entry = |ip: &str| by_ip.iter().find(|entry| entry["ip"] == json!(ip)).unwrap();
    assert!(entry("127.0.0.2")["banned_for"].as_f64().unwrap() > 50.0);
    assert_eq!(entry("127.0.0.3")["in_window"], json!(1));
    assert_eq!(entry("127.0.0.3")["banned_for"], Value::Null);
    assert_eq!(stats["cloudflare"]["bans"], json!(1));
    let ips: Vec<Option<String>> = harness
        .emulator
        .requests()
        .into_iter()
        .map(|request| request.client_ip)
        .collect();
    let two = Some("127.0.0.2".to_owned());
    let three = Some("127.0.0.3".to_owned());
    assert_eq!(
        ips,
        [&two, &two, &two, &three, &two, &three].map(Clone::clone)
    );
}

#[tokio::test]
async fn rate_limits_off_sends_no_headers_and_never_429s() {
    let mut options = limited(1, 60_000);
    options.rate_limits.mode = RateLimits::Off;
    let harness = Harness::with(options).await;
    for index in 0..8 {
        let reply = harness.send(GENERAL, &index.to_string()).await;
        assert_eq!(reply.status, 200);
        assert!(!reply.has_rate_limit_headers());
    }
    assert_eq!(harness.stats().await["rate_limits"], json!("off"));
}

#[tokio::test]
async fn fixture_rate_limits_apply() {
    let mut fixture: Value =
        serde_json::from_str(include_str!("../../fixtures/default.json")).unwrap();
    fixture["rate_limits"] = json!({
        MESSAGES: {"limit": 1, "per_ms": 60000},
        "global_per_second": 40,
        "scope_header": "always",
    });
    let fixture = Fixture::from_json(&fixture.to_string()).unwrap();
    let harness = Harness::with(Options::new(fixture)).await;
    let first = harness.send(GENERAL, "1").await;
    assert_eq!(first.header("x-ratelimit-limit"), Some("1"));
    assert_eq!(first.header("x-ratelimit-scope"), Some("user"));
    assert_eq!(harness.send(GENERAL, "2").await.status, 429);
    assert_eq!(harness.stats().await["global"]["limit"], json!(40));
}

#[tokio::test]
async fn added_latency_delays_every_answer() {
    let mut options = Options::new(Fixture::default_fixture());
    options.latency = Duration::from_millis(150);
    let harness = Harness::with(options).await;
    let started = Instant::now();
    assert_eq!(
        harness.api(Method::GET, "/users/@me", None).await.status,
        200
    );
    assert!(started.elapsed() >= Duration::from_millis(150));
    // Control routes are not delayed.
    let started = Instant::now();
    harness.stats().await;
    assert!(started.elapsed() < Duration::from_millis(150));
    assert_eq!(harness.stats().await["latency_ms"], json!(150));
}

#[tokio::test]
async fn fault_responses_replace_the_next_n_answers() {
    let harness = Harness::start().await;
    harness
        .fault(json!({
            "method": "POST",
            "route": "/channels/{channel_id}/messages",
            "status": 500,
            "body": {"message": "500: Internal Server Error", "code": 0},
            "headers": {"X-Fault": "yes"},
            "count": 2,
        }))
        .await;
    let listed = harness
        .control(Method::GET, "/_emulator/faults", None)
        .await;
    assert_eq!(listed.json[0]["remaining"], json!(2));
    for _ in 0..2 {
        let reply = harness.send(GENERAL, "x").await;
        assert_eq!(reply.status, 500);
        assert_eq!(
            reply.json,
            json!({"message": "500: Internal Server Error", "code": 0})
        );
        assert_eq!(reply.header("x-fault"), Some("yes"));
        assert!(
            reply
                .header("content-type")
                .unwrap()
                .starts_with("application/json")
        );
    }
    // GETs of the same path are not affected; the third POST is handled.
    assert_eq!(harness.messages(GENERAL).await.len(), 0);
    assert_eq!(harness.send(GENERAL, "x").await.status, 200);
    assert_eq!(harness.messages(GENERAL).await.len(), 1);
    let statuses: Vec<Option<u16>> = harness
        .emulator
        .requests()
        .iter()
        .filter(|request| request.method == "POST")
        .map(|request| request.status)
        .collect();
    assert_eq!(statuses, [Some(500), Some(500), Some(200)]);
    assert_eq!(
        harness
            .control(Method::GET, "/_emulator/faults", None)
            .await
            .json,
        json!([])
    );

    // A text body with a content type, on an exact path only.
    harness
        .fault(json!({
            "route": format!("/api/v10/channels/{ANNOUNCEMENTS}/messages"),
            "status": 503,
            "body": "upstream connect error",
            "content_type": "text/plain",
        }))
        .await;
    assert_eq!(harness.send(GENERAL, "x").await.status, 200);
    let reply = harness.send(ANNOUNCEMENTS, "x").await;
    assert_eq!(reply.status, 503);
    assert_eq!(reply.text, "upstream connect error");
    assert_eq!(reply.header("content-type"), Some("text/plain"));
    assert_eq!(reply.header("via"), None, "custom answers are as given");

    // Malformed fault descriptions are refused with the reason.
    let refused = harness
        .control(
            Method::POST,
            "/_emulator/faults",
            Some(json!({"kind": "explode"})),
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.json["error"].as_str().unwrap().contains("kind"));
}

#[tokio::test]
async fn latency_faults_delay_then_handle_normally() {
    let harness = Harness::start().await;
    harness
        .fault(json!({"route": "/users/@me", "latency_ms": 300}))
        .await;
    let started = Instant::now();
    let reply = harness.api(Method::GET, "/users/@me", None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json["id"], json!("100000000000000001"));
    assert!(started.elapsed() >= Duration::from_millis(300));
    let started = Instant::now();
    harness.api(Method::GET, "/users/@me", None).await;
    assert!(started.elapsed() < Duration::from_millis(300), "count 1");
}

#[tokio::test]
async fn rate_limit_faults_of_every_scope() {
    let harness = Harness::start().await;
    let reply = harness
        .api(Method::GET, &format!("/channels/{GENERAL}"), None)
        .await;
    let bucket = reply.header("x-ratelimit-bucket").unwrap().to_owned();
    harness
        .control(
            Method::POST,
            "/_emulator/faults",
            Some(json!([
                {"route": "/channels/{channel_id}", "kind": "rate_limit", "retry_after": 2.5},
                {"route": "/channels/{channel_id}", "kind": "rate_limit", "scope": "global", "retry_after": 0.5},
                {"route": "/channels/{channel_id}", "kind": "rate_limit", "scope": "shared", "retry_after": 3},
            ])),
        )
        .await;
    let path = format!("/channels/{GENERAL}");
    let user = harness.api(Method::GET, &path, None).await;
    assert_eq!(user.status, 429);
    assert_eq!(
        user.json,
        json!({"message": "You are being rate limited.", "retry_after": 2.5, "global": false})
    );
    assert_eq!(user.header("x-ratelimit-scope"), Some("user"));
    assert_eq!(user.header("retry-after"), Some("3"));
    assert_eq!(user.header("x-ratelimit-bucket"), Some(bucket.as_str()));
    assert_eq!(user.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(user.header("x-ratelimit-reset-after"), Some("2.500"));
    assert_eq!(user.header("via"), Some("1.1 google"));

    let global = harness.api(Method::GET, &path, None).await;
    assert_eq!(global.json["global"], json!(true));
    assert_eq!(global.header("x-ratelimit-global"), Some("true"));
    assert_eq!(global.header("x-ratelimit-scope"), Some("global"));

    let shared = harness.api(Method::GET, &path, None).await;
    assert_eq!(shared.status, 429);
    assert_eq!(shared.header("x-ratelimit-scope"), Some("shared"));
    assert_eq!(shared.header("retry-after"), Some("3"));
    assert_eq!(shared.header("x-ratelimit-bucket"), Some(bucket.as_str()));
    assert_eq!(shared.json["global"], json!(false));

    let stats = harness.stats().await;
    assert_eq!(stats["rate_limited"]["user"], json!(1));
    assert_eq!(stats["rate_limited"]["global"], json!(1));
    assert_eq!(stats["rate_limited"]["shared"], json!(1));
    assert_eq!(stats["rate_limited"]["total"], json!(3));
    // Shared 429s are not invalid requests.
    assert_eq!(stats["invalid_requests"]["in_window"], json!(2));
}

#[tokio::test]
async fn cloudflare_ban_fault() {
    let harness = Harness::start().await;
    harness
        .fault(json!({"kind": "cloudflare_ban", "retry_after": 42}))
        .await;
    let banned = harness.send(GENERAL, "x").await;
    assert_eq!(banned.status, 429);
    assert_eq!(banned.text, "error code: 1015");
    assert_eq!(banned.header("retry-after"), Some("42"));
    assert_eq!(banned.header("via"), None);
    assert!(!banned.has_rate_limit_headers());
    // Only the answer: the next request is served.
    assert_eq!(harness.send(GENERAL, "x").await.status, 200);
    let stats = harness.stats().await;
    assert_eq!(stats["cloudflare"]["answers"], json!(1));
    assert_eq!(stats["invalid_requests"]["in_window"], json!(0));
}

#[tokio::test]
async fn large_invalid_and_html_bodies() {
    let harness = Harness::start().await;
    let bytes = 5 * 1024 * 1024 + 3;
    harness
        .fault(json!({"kind": "large_body", "bytes": bytes}))
        .await;
    let reply = harness.send(GENERAL, "x").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.text.len(), bytes);
    assert_eq!(
        reply.header("content-length"),
        Some(bytes.to_string().as_str())
    );
    assert!(reply.json.is_string(), "a valid JSON string");

    harness.fault(json!({"kind": "invalid_json"})).await;
    let reply = harness.send(GENERAL, "x").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert!(serde_json::from_str::<Value>(&reply.text).is_err());

    harness.fault(json!({"kind": "html"})).await;
    let reply = harness.send(GENERAL, "x").await;
    assert_eq!(reply.status, 502);
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(reply.text.contains("<h1>502 Bad Gateway</h1>"));

    // Wrong types and missing fields: a JSON body of any shape.
    harness
        .fault(json!({"status": 200, "body": {"id": 5, "channel_id": null}}))
        .await;
    let reply = harness.send(GENERAL, "x").await;
    assert_eq!(reply.json, json!({"id": 5, "channel_id": null}));

    // Nothing was stored by the faulted creates; the log has no streamed bodies.
    assert_eq!(harness.messages(GENERAL).await.len(), 0);
    let posts: Vec<_> = harness
        .emulator
        .requests()
        .into_iter()
        .filter(|request| request.method == "POST")
        .collect();
    assert_eq!(posts[0].response, None, "large bodies are not kept");
    assert_eq!(posts[1].response, None, "invalid JSON is null");
    assert_eq!(posts[2].response, None, "HTML is null");
    assert_eq!(
        posts[3].response,
        Some(json!({"id": 5, "channel_id": null}))
    );
}

#[tokio::test]
async fn stalled_answers_never_finish_until_faults_are_cleared() {
    let harness = Harness::start().await;
    harness.fault(json!({"kind": "stall"})).await;
    let response = harness
        .http
        .get(harness.url("/api/v10/users/@me"))
        .header("Authorization", format!("Bot {}", harness.emulator.token()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "headers arrive");
    let reading = tokio::spawn(response.text());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!reading.is_finished(), "the body stalls");
    let cleared = harness
        .control(Method::DELETE, "/_emulator/faults", None)
        .await;
    assert_eq!(cleared.status, 204);
    let body = tokio::time::timeout(Duration::from_secs(5), reading)
        .await
        .expect("released")
        .unwrap();
    assert!(body.is_err(), "the connection closes mid-body: {body:?}");
    let request = harness.emulator.requests().pop().unwrap();
    assert_eq!(request.status, Some(200));
    assert_eq!(request.response, None);
}

#[tokio::test]
async fn disconnect_faults_close_the_connection_without_an_answer() {
    let harness = Harness::start().await;
    harness
        .fault(json!({"method": "POST", "kind": "disconnect"}))
        .await;
    let error = harness
        .http
        .post(harness.url(&format!("/api/v10/channels/{GENERAL}/messages")))
        .header("Authorization", format!("Bot {}", harness.emulator.token()))
        .json(&json!({"content": "x"}))
        .send()
        .await
        .unwrap_err();
    assert!(!error.is_status(), "{error:?}");
    let request = harness.emulator.requests().pop().unwrap();
    assert_eq!(request.status, None);
    assert_eq!(harness.send(GENERAL, "x").await.status, 200);
}

#[tokio::test]
async fn enforce_nonce_returns_the_first_message() {
    let harness = Harness::with(limited(50, 1000)).await;
    let body = json!({"content": "once", "nonce": "abc-123", "enforce_nonce": true});
    let path = format!("/channels/{GENERAL}/messages");
    let first = harness.api(Method::POST, &path, Some(body.clone())).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.json["nonce"], json!("abc-123"));
    let again = harness.api(Method::POST, &path, Some(body.clone())).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.json, first.json);
    assert_eq!(harness.messages(GENERAL).await.len(), 1);
    // Without enforce_nonce, or in another channel, or with another nonce: new messages.
    let loose = harness
        .api(
            Method::POST,
            &path,
            Some(json!({"content": "twice", "nonce": "abc-123"})),
        )
        .await;
    assert_ne!(loose.json["id"], first.json["id"]);
    let other = harness
        .api(
            Method::POST,
            &format!("/channels/{ANNOUNCEMENTS}/messages"),
            Some(body.clone()),
        )
        .await;
    assert_ne!(other.json["id"], first.json["id"]);
    let numeric = json!({"content": "n", "nonce": 77, "enforce_nonce": true});
    let one = harness
        .api(Method::POST, &path, Some(numeric.clone()))
        .await;
    let two = harness
        .api(
            Method::POST,
            &path,
            Some(json!({"content": "n", "nonce": "77", "enforce_nonce": true})),
        )
        .await;
    assert_eq!(one.json["id"], two.json["id"]);
    assert_eq!(harness.messages(GENERAL).await.len(), 3);
    // The latest message with a nonce is the one returned.
    let latest = harness.api(Method::POST, &path, Some(body)).await;
    assert_eq!(latest.json["id"], loose.json["id"]);
    // Validation: nonce length and the flag's type.
    let long = harness
        .api(
            Method::POST,
            &path,
            Some(json!({"content": "x", "nonce": "n".repeat(26), "enforce_nonce": true})),
        )
        .await;
    assert_eq!(long.status, 400);
    assert_eq!(long.json["code"], json!(50035));
    let bad_flag = harness
        .api(
            Method::POST,
            &path,
            Some(json!({"content": "x", "enforce_nonce": "yes"})),
        )
        .await;
    assert_eq!(bad_flag.status, 400);
    assert_eq!(
        bad_flag.json["errors"]["enforce_nonce"]["_errors"][0]["code"],
        json!("BASE_TYPE_BOOLEAN")
    );
}

#[tokio::test]
async fn handled_faults_lose_the_answer_of_a_created_message() {
    let harness = Harness::start().await;
    let path = format!("/channels/{GENERAL}/messages");
    let body = json!({"content": "exactly once", "nonce": "retry-1", "enforce_nonce": true});
    // The message is created, but the client gets a 500 …
    harness
        .fault(json!({"method": "POST", "route": path, "handle": true, "status": 500}))
        .await;
    let failed = harness.api(Method::POST, &path, Some(body.clone())).await;
    assert_eq!(failed.status, 500);
    assert_eq!(harness.messages(GENERAL).await.len(), 1);
    // … then the connection drops after the create …
    harness
        .fault(json!({"method": "POST", "handle": true, "kind": "disconnect"}))
        .await;
    let dropped = harness
        .http
        .post(harness.url(&format!("/api/v10{path}")))
        .header("Authorization", format!("Bot {}", harness.emulator.token()))
        .json(&body)
        .send()
        .await;
    assert!(dropped.is_err());
    // … then the answer comes too late for a client timeout.
    harness
        .fault(json!({"method": "POST", "handle": true, "latency_ms": 2000}))
        .await;
    let timed_out = harness
        .http
        .post(harness.url(&format!("/api/v10{path}")))
        .header("Authorization", format!("Bot {}", harness.emulator.token()))
        .timeout(Duration::from_millis(200))
        .json(&body)
        .send()
        .await;
    assert!(timed_out.unwrap_err().is_timeout());
    // The retry with the same nonce gets the first message; only one was ever stored.
    let retried = harness.api(Method::POST, &path, Some(body)).await;
    assert_eq!(retried.status, 200);
    let stored = harness.messages(GENERAL).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(retried.json["id"], stored[0]["id"]);
}

#[tokio::test]
async fn content_type_and_unknown_routes_answer_like_discord() {
    let harness = Harness::start().await;
    let url = harness.url(&format!("/api/v10/channels/{GENERAL}/messages"));
    let auth = format!("Bot {}", harness.emulator.token());
    let text = Harness::reply(
        harness
            .http
            .post(&url)
            .header("Authorization", &auth)
            .header("Content-Type", "text/plain")
            .body(r#"{"content": "x"}"#)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(text.status, 400);
    assert_eq!(text.json["code"], json!(50035));
    assert_eq!(text.json["message"], json!("Invalid Form Body"));
    assert_eq!(
        text.json["errors"]["_errors"][0]["code"],
        json!("CONTENT_TYPE_INVALID")
    );
    let missing = Harness::reply(
        harness
            .http
            .post(&url)
            .header("Authorization", &auth)
            .body(r#"{"content": "x"}"#)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.json["code"], json!(50006), "the body is not read");
    let charset = Harness::reply(
        harness
            .http
            .post(&url)
            .header("Authorization", &auth)
            .header("Content-Type", "application/json; charset=utf-8")
            .body(r#"{"content": "x"}"#)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(charset.status, 200);
    let malformed = Harness::reply(
        harness
            .http
            .post(&url)
            .header("Authorization", &auth)
            .header("Content-Type", "application/json")
            .body(r#"{"content": "#)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(malformed.json["code"], json!(50109));
    let unknown = harness.api(Method::GET, "/nope", None).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(
        unknown.json,
        json!({"message": "404: Not Found", "code": 0})
    );
    let wrong_method = harness
        .api(
            Method::DELETE,
            &format!("/channels/{GENERAL}/messages"),
            None,
        )
        .await;
    assert_eq!(wrong_method.status, 405);
    assert_eq!(
        wrong_method.json,
        json!({"message": "405: Method Not Allowed", "code": 0})
    );
}

#[tokio::test]
async fn the_request_log_keeps_json_responses() {
    let harness = Harness::start().await;
    let created = harness.send(GENERAL, "logged").await;
    harness.send("1", "unknown channel").await;
    let requests = harness.emulator.requests();
    assert_eq!(requests[0].response, Some(created.json));
    assert_eq!(
        requests[1].response,
        Some(json!({"message": "Unknown Channel", "code": 10003}))
    );
    let over_the_http_api = harness
        .control(Method::GET, "/_emulator/requests", None)
        .await;
    assert_eq!(over_the_http_api.json[1]["response"]["code"], json!(10003));
}

#[tokio::test]
async fn reset_returns_to_the_fixture() {
    let harness = Harness::with(limited(1, 60_000)).await;
    harness.send(GENERAL, "1").await;
    assert_eq!(harness.send(GENERAL, "2").await.status, 429);
    let dm = harness
        .api(
            Method::POST,
            "/users/@me/channels",
            Some(json!({"recipient_id": ALICE})),
        )
        .await;
    let dm_id = dm.json["id"].as_str().unwrap().to_owned();
    harness.send(&dm_id, "dm").await;
    harness.fault(json!({"status": 500, "count": 0})).await;
    let reset = harness
        .control(Method::POST, "/_emulator/reset", None)
        .await;
    assert_eq!(reset.status, 204);
    assert!(harness.emulator.requests().is_empty());
    let stats = harness.stats().await;
    assert_eq!(stats["requests"], json!(0));
    assert_eq!(stats["rate_limited"]["total"], json!(0));
    assert_eq!(stats["faults_pending"], json!(0));
    assert_eq!(stats["buckets"], json!([]));
    // Messages and DM channels are gone; the bucket is fresh.
    assert!(harness.messages(GENERAL).await.is_empty());
    assert_eq!(harness.send(GENERAL, "again").await.status, 200);
    assert_eq!(
        harness
            .api(Method::GET, &format!("/channels/{dm_id}"), None)
            .await
            .status,
        404
    );
    let general = harness
        .api(Method::GET, &format!("/channels/{GENERAL}"), None)
        .await;
    assert_eq!(general.status, 200);
    // The library API does the same.
    harness.emulator.add_fault(json!({"status": 502})).unwrap();
    assert!(harness.emulator.add_fault(json!({"status": "x"})).is_err());
    assert_eq!(harness.emulator.stats()["faults_pending"], json!(1));
    harness.emulator.clear_faults();
    harness.emulator.reset();
    assert!(harness.emulator.requests().is_empty());
}

/// The binary with rate-limit flags.
#[tokio::test]
async fn binary_flags_set_the_limits() {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_discord-emulator"))
        .args([
            "--route-limit",
            "POST /channels/{channel_id}/messages=1/60000",
            "--scope-header",
            "always",
            "--global-limit",
            "30",
            "--invalid-request-limit",
            "9",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let line = lines.next_line().await.unwrap().unwrap();
    let base = line
        .strip_prefix("discord-emulator listening on ")
        .unwrap()
        .to_owned();
    let http = reqwest::Client::new();
    let send = || {
        http.post(format!("{base}/api/v10/channels/{GENERAL}/messages"))
            .header("Authorization", "Bot sandbox-bot-token")
            .json(&json!({"content": "x"}))
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.headers()["x-ratelimit-limit"], "1");
    assert_eq!(first.headers()["x-ratelimit-scope"], "user");
    assert_eq!(send().await.unwrap().status(), 429);
    let stats: Value = http
        .get(format!("{base}/_emulator/stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["global"]["limit"], json!(30));
    assert_eq!(stats["invalid_requests"]["limit"], json!(9));
    assert_eq!(stats["rate_limited"]["user"], json!(1));
    child.kill().await.unwrap();
}
