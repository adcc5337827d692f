//! `--redis-url rediss://…` with `--redis-ca-file`: a `redis-server` of the test's own that
//! only speaks TLS (its plain port closed), with a certificate of a CA made here (rcgen). The
//! instance's shard lease, heartbeat and event stream go over TLS: its shard becomes READY
//! through the lease, `GetGatewayStatus` shows the deployment with a measured round trip, and
//! the keys are in that Redis.

use crate::{
    security::{ca, leaf},
    shards::{Instance, Process, emulator, free_port, wait_until},
};
use std::{
    process::{Command, Stdio},
    time::Duration,
};

#[tokio::test(flavor = "multi_thread")]
async fn rediss_urls_share_state_over_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let (ca_pem, issuer) = ca("discordproxy test Redis CA");
    let (cert_pem, key_pem) = leaf(&["127.0.0.1", "localhost"], &issuer);
    let (cert_file, key_file, ca_file) = (
        dir.path().join("redis.pem"),
        dir.path().join("redis.key"),
        dir.path().join("ca.pem"),
    );
    std::fs::write(&cert_file, &cert_pem).unwrap();
    std::fs::write(&key_file, key_pem).unwrap();
    std::fs::write(&ca_file, &ca_pem).unwrap();
    let port = free_port();
    let child = match Command::new("redis-server")
        .args([
            "--port",
            "0",
            "--tls-port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
        ])
        .arg("--tls-cert-file")
        .arg(&cert_file)
        .arg("--tls-key-file")
        .arg(&key_file)
        .arg("--tls-ca-cert-file")
        .arg(&ca_file)
        .args([
            "--tls-auth-clients",
            "no",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(child) => child,
        Err(error) => {
            eprintln!("SKIPPED: redis-server cannot be started ({error})");
            return;
        }
    };
    let _redis = Process(child);
    let url = format!("rediss://127.0.0.1:{port}/0");
    let client = redis::Client::build_with_tls(
        url.as_str(),
        redis::TlsCertificates {
            client_tls: None,
            root_cert: Some(ca_pem.clone().into_bytes()),
        },
    )
    .unwrap();
    let mut ready = false;
    for _ in 0..200 {
        if let Ok(mut connection) = client.get_multiplexed_async_connection().await
            && redis::cmd("PING")
                .query_async::<String>(&mut connection)
                .await
                .is_ok()
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    if !ready {
        eprintln!("SKIPPED: this redis-server does not serve TLS (built without it?)");
        return;
    }
    // The port speaks TLS only: a plain client gets no answer.
    let plain = redis::Client::open(format!("redis://127.0.0.1:{port}/0").as_str()).unwrap();
    let plain_ping = tokio::time::timeout(Duration::from_secs(2), async {
        let mut connection = plain.get_multiplexed_async_connection().await?;
        redis::cmd("PING")
            .query_async::<String>(&mut connection)
            .await
    })
    .await;
    assert!(
        !matches!(plain_ping, Ok(Ok(_))),
        "plain Redis must not answer"
    );

    let emulator = emulator(1, 1).await;
    let ca_arg = ca_file.to_str().unwrap();
    let instance = Instance::start(
        &emulator,
        dir.path(),
        "tls",
        &[
            "--shards",
            "auto",
            "--redis-url",
            &url,
            "--redis-ca-file",
            ca_arg,
            "--shard-lease-ttl",
            "2",
        ],
    );
    wait_until(
        Duration::from_secs(30),
        "shard 0 READY through its lease",
        || async {
            instance
                .ready_shards()
                .await
                .is_some_and(|ready| ready.contains(&0))
        },
    )
    .await;
    let deployment = instance.deployment().await;
    assert!(!deployment.degraded, "{deployment:?}");
    assert!(deployment.redis_round_trip_ms >= 0.0, "{deployment:?}");
    assert_eq!(deployment.instances.len(), 1);
    assert_eq!(deployment.instances[0].shard_ids, [0]);
    assert!(!deployment.event_epoch.is_empty());

    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("dp:*")
        .query_async(&mut connection)
        .await
        .unwrap();
    for part in ["instances", "gateway:shards:1:0:lease", "events"] {
        assert!(
            keys.iter().any(|key| key.ends_with(part)),
            "{part} in {keys:?}"
        );
    }
}

#[tokio::test]
async fn a_redis_ca_file_needs_a_rediss_url_and_a_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let not_pem = dir.path().join("not.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    for (url, file, expected) in [
        (
            "redis://127.0.0.1:1/0",
            not_pem.to_str().unwrap(),
            "rediss://",
        ),
        (
            "rediss://127.0.0.1:1/0",
            not_pem.to_str().unwrap(),
            "no PEM certificate",
        ),
        (
            "rediss://127.0.0.1:1/0",
            "/nonexistent/ca.pem",
            "cannot be read",
        ),
    ] {
        let output = crate::common::server()
            .args(["--redis-url", url, "--redis-ca-file", file, "--no-gateway"])
            .env("DISCORD_BOT_TOKEN", "t")
            .output()
            .unwrap();
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{url} {file}: {stderr}");
    }
}
