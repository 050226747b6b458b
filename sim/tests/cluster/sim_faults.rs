//! The simulator's network faults (POST /_sim/faults): a blackhole (requests read but never
//! answered, open watches silent and never closed — a dead VPN or NAT), connection resets,
//! and watches or lists from a resourceVersion the server has not reached.

use crate::common;

use std::time::{Duration, Instant};

use futures::StreamExt;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, ListParams, WatchEvent, WatchParams};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use agentdeck_sim::SimConfig;

use crate::common::{client_with, preload, start_sim};

async fn admin(url: &str, body: Value) -> Value {
    let url = url.to_string();
    let out = tokio::task::spawn_blocking(move || {
        common::http(&url, "POST", "/_sim/faults", &body.to_string())
    })
    .await
    .unwrap();
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("admin answer {out:?}: {e}"))
}

/// Send one HTTP/1.1 GET on a fresh connection (kept open) and return the stream.
async fn send_get(addr: std::net::SocketAddr, path: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    s
}

/// What reading from `s` gives within `wait`.
#[derive(Debug)]
#[allow(dead_code)] // the fields show in panic messages
enum Read {
    Bytes(String),
    Closed,
    Reset,
    Error(std::io::ErrorKind),
    Nothing,
}

async fn read_some(s: &mut TcpStream, wait: Duration) -> Read {
    let mut buf = vec![0u8; 64 * 1024];
    match tokio::time::timeout(wait, s.read(&mut buf)).await {
        Err(_) => Read::Nothing,
        Ok(Ok(0)) => Read::Closed,
        Ok(Ok(n)) => Read::Bytes(String::from_utf8_lossy(&buf[..n]).into_owned()),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionReset => Read::Reset,
        Ok(Err(e)) => Read::Error(e.kind()),
    }
}

/// Read until `needle` shows up (or panic after `secs`).
async fn read_until(s: &mut TcpStream, needle: &str, secs: u64) -> String {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut all = String::new();
    while !all.contains(needle) {
        let left = deadline.saturating_duration_since(Instant::now());
        match read_some(s, left).await {
            Read::Bytes(b) => all.push_str(&b),
            other => panic!("waiting for {needle:?}: {other:?}; got so far: {all}"),
        }
    }
    all
}

fn configmap(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap",
           "metadata": {"name": name, "namespace": "ai-agents"}, "data": {"k": "v"}})
}

#[tokio::test]
async fn blackhole_stalls_requests_and_silences_watches_without_closing() {
    let sim = start_sim(preload(1.0)).await;
    let addr = sim.addr;
    let mut watch = send_get(
        addr,
        "/api/v1/namespaces/ai-agents/configmaps?watch=true&allowWatchBookmarks=true",
    )
    .await;
    read_until(&mut watch, "redis-config", 10).await;

    let on = admin(&sim.url(), json!({"blackhole": true})).await;
    assert_eq!(on["blackhole"], json!(true));

    // A change the watch would carry: nothing arrives, and nothing closes.
    agentdeck_sim::admission::create_internal(&sim.sim, configmap("during-blackhole"), "test")
        .unwrap();
    match read_some(&mut watch, Duration::from_secs(3)).await {
        Read::Nothing => {}
        other => panic!("a blackholed watch must stay silent and open, got {other:?}"),
    }

    // A new request is read, never answered, never closed.
    let mut stalled = send_get(addr, "/api/v1/namespaces").await;
    match read_some(&mut stalled, Duration::from_secs(2)).await {
        Read::Nothing => {}
        other => panic!("a blackholed request must get nothing, got {other:?}"),
    }
    // kube-rs sees a timeout, not an answer.
    let mut cfg = kube::Config::new(sim.url().parse().unwrap());
    cfg.read_timeout = Some(Duration::from_millis(1500));
    cfg.default_retry = false;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let quick = kube::Client::try_from(cfg).unwrap();
    let cms: Api<ConfigMap> = Api::namespaced(quick, "ai-agents");
    let started = Instant::now();
    assert!(cms.list(&ListParams::default()).await.is_err());
    assert!(started.elapsed() >= Duration::from_millis(1400));

    // The admin channel keeps answering.
    let state = tokio::task::spawn_blocking({
        let url = sim.url();
        move || common::http(&url, "GET", "/_sim/state", "")
    })
    .await
    .unwrap();
    assert!(state.contains("resourceVersion"), "{state}");

    let off = admin(&sim.url(), json!({"blackhole": false})).await;
    assert_eq!(off["blackhole"], json!(false));
    // New requests are answered again.
    let c = client_with(&sim, false);
    let cms: Api<ConfigMap> = Api::namespaced(c, "ai-agents");
    let names: Vec<String> = cms
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter_map(|c| c.metadata.name)
        .collect();
    assert!(names.contains(&"during-blackhole".to_string()), "{names:?}");
    // What the blackhole stalled is dropped, never answered late.
    for s in [&mut stalled, &mut watch] {
        match read_some(s, Duration::from_secs(5)).await {
            Read::Reset | Read::Closed | Read::Error(_) => {}
            other => {
                panic!("a stalled connection must be dropped after the blackhole, got {other:?}")
            }
        }
    }
    let stopped = Instant::now();
    sim.stop().await;
    assert!(stopped.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn stop_does_not_wait_for_blackholed_requests() {
    let sim = start_sim(Default::default()).await;
    admin(&sim.url(), json!({"blackhole": true})).await;
    let _stalled = send_get(sim.addr, "/api/v1/namespaces").await;
    let _watch = send_get(sim.addr, "/api/v1/namespaces?watch=true").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    sim.stop().await;
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn reset_drops_open_connections_with_a_tcp_reset() {
    let sim = start_sim(preload(1.0)).await;
    let mut watch = send_get(
        sim.addr,
        "/api/v1/namespaces/ai-agents/configmaps?watch=true",
    )
    .await;
    read_until(&mut watch, "redis-config", 10).await;
    // An idle keep-alive connection is reset too.
    let mut idle = send_get(sim.addr, "/version").await;
    read_until(&mut idle, "gitVersion", 5).await;

    let answer = admin(&sim.url(), json!({"reset": true})).await;
    assert_eq!(answer["blackhole"], json!(false));
    for s in [&mut watch, &mut idle] {
        match read_some(s, Duration::from_secs(5)).await {
            Read::Reset => {}
            other => panic!("expected a TCP reset, got {other:?}"),
        }
    }
    // New connections are served normally.
    let c = client_with(&sim, false);
    let cms: Api<ConfigMap> = Api::namespaced(c.clone(), "ai-agents");
    assert!(
        !cms.list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let mut again = send_get(sim.addr, "/version").await;
    read_until(&mut again, "gitVersion", 5).await;
    sim.stop().await;
}

#[tokio::test]
async fn watch_from_a_resource_version_ahead_gets_too_large_then_ends() {
    let sim = start_sim(Default::default()).await;
    let current = sim.sim.store.current_rv();
    let ahead = current + 1000;
    let url = sim.url();
    let started = Instant::now();
    let raw = tokio::task::spawn_blocking(move || {
        common::http(
            &url,
            "GET",
            &format!("/api/v1/namespaces?watch=true&resourceVersion={ahead}"),
            "",
        )
    })
    .await
    .unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(6),
        "{waited:?}"
    );
    let line = raw
        .lines()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("no event in {raw:?}"));
    let ev: Value = serde_json::from_str(line).unwrap();
    assert_eq!(ev["type"], "ERROR");
    let st = &ev["object"];
    assert_eq!(st["kind"], "Status");
    assert_eq!(st["status"], "Failure");
    assert_eq!(st["reason"], "Timeout");
    assert_eq!(st["code"], 504);
    assert_eq!(
        st["message"],
        format!("Too large resource version: {ahead}, current: {current}")
    );
    assert_eq!(
        st["details"]["causes"][0]["reason"],
        "ResourceVersionTooLarge"
    );
    assert_eq!(st["details"]["retryAfterSeconds"], 1);

    // kube-rs reads it as a watch error event; a list from there is a 504 Timeout.
    let c = client_with(&sim, false);
    let cms: Api<ConfigMap> = Api::namespaced(c, "default");
    let mut events = cms
        .watch(&WatchParams::default(), &ahead.to_string())
        .await
        .unwrap()
        .boxed();
    match events.next().await {
        Some(Ok(WatchEvent::Error(e))) => {
            assert_eq!((e.code, e.reason.as_str()), (504, "Timeout"), "{e:?}")
        }
        other => panic!("expected a watch ERROR event, got {other:?}"),
    }
    assert!(
        events.next().await.is_none(),
        "the stream ends after the error"
    );
    let lp = ListParams::default()
        .at(&ahead.to_string())
        .matching(kube::api::VersionMatch::NotOlderThan);
    match cms.list(&lp).await {
        Err(kube::Error::Api(s)) => {
            assert_eq!((s.code, s.reason.as_str()), (504, "Timeout"), "{s:?}");
            assert!(s.message.starts_with("Too large resource version"), "{s:?}");
        }
        other => panic!("expected 504 Timeout, got {other:?}"),
    }
    sim.stop().await;
}

#[tokio::test]
async fn watch_from_a_resource_version_reached_while_waiting_starts_normally() {
    let sim = start_sim(Default::default()).await;
    let next = sim.sim.store.current_rv() + 1;
    let inner = sim.sim.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        agentdeck_sim::admission::create_internal(
            &inner,
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": "late", "namespace": "default"}}),
            "test",
        )
        .unwrap();
    });
    let c = client_with(&sim, false);
    let cms: Api<ConfigMap> = Api::namespaced(c, "default");
    let mut events = cms
        .watch(&WatchParams::default().timeout(2), &next.to_string())
        .await
        .unwrap()
        .boxed();
    while let Some(ev) = events.next().await {
        if let WatchEvent::Error(e) = ev.unwrap() {
            panic!("unexpected watch error {e:?}");
        }
    }
    sim.stop().await;
}

/// A kube client from a kubeconfig file (whatever its server, TLS and user).
async fn kube_from(kubeconfig: &std::path::Path) -> kube::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let kc = kube::config::Kubeconfig::read_from(kubeconfig).unwrap();
    let mut cfg =
        kube::Config::from_custom_kubeconfig(kc, &kube::config::KubeConfigOptions::default())
            .await
            .unwrap();
    cfg.default_retry = false;
    kube::Client::try_from(cfg).unwrap()
}

/// Stopped (the sim saves its state then) and started again from the same file. The
/// `agentdeck sim` front end stops it on SIGTERM (`tests/commands/sim_cli.rs`).
#[tokio::test]
async fn state_file_keeps_objects_and_resource_versions_across_a_restart() {
    use k8s_openapi::api::apps::v1::Deployment;
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let kubeconfig = dir.path().join("kubeconfig");
    let cfg = SimConfig {
        state_file: Some(state.clone()),
        kubeconfig_out: Some(kubeconfig.clone()),
        ..preload(10.0)
    };

    let first = start_sim(cfg.clone()).await;
    let c = kube_from(&kubeconfig).await;
    let deploys: Api<Deployment> = Api::namespaced(c.clone(), "ai-agents");
    let before = deploys.get("ai-agent-service").await.unwrap();
    let cms: Api<ConfigMap> = Api::namespaced(c.clone(), "ai-agents");
    let survivor: ConfigMap = serde_json::from_value(configmap("survivor")).unwrap();
    cms.create(&Default::default(), &survivor).await.unwrap();
    let list_rv: u64 = cms
        .list(&ListParams::default())
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap()
        .parse()
        .unwrap();
    first.stop_and_save().await.unwrap();
    assert!(state.is_file(), "the state is saved on stop");

    let second = start_sim(cfg).await;
    let c = kube_from(&kubeconfig).await;
    let deploys: Api<Deployment> = Api::namespaced(c.clone(), "ai-agents");
    let after = deploys.get("ai-agent-service").await.unwrap();
    assert_eq!(
        after.metadata.uid, before.metadata.uid,
        "the same object came back"
    );
    let cms: Api<ConfigMap> = Api::namespaced(c.clone(), "ai-agents");
    cms.get("survivor").await.unwrap();
    let fresh: ConfigMap = serde_json::from_value(configmap("fresh")).unwrap();
    let created = cms.create(&Default::default(), &fresh).await.unwrap();
    let new_rv: u64 = created.metadata.resource_version.unwrap().parse().unwrap();
    assert!(new_rv > list_rv, "{new_rv} > {list_rv}");

    // A watch from the old list's resourceVersion continues or gets 410 — never hangs.
    let resumed = tokio::time::timeout(Duration::from_secs(10), async {
        let mut events = cms
            .watch(&WatchParams::default().timeout(2), &list_rv.to_string())
            .await
            .unwrap()
            .boxed();
        let mut seen = Vec::new();
        while let Some(ev) = events.next().await {
            seen.push(ev.unwrap());
        }
        seen
    })
    .await
    .expect("a watch from before the restart must not hang");
    for ev in &resumed {
        if let WatchEvent::Error(e) = ev {
            assert_eq!(e.code, 410, "{e:?}");
        }
    }
    second.stop().await;
}

#[tokio::test]
async fn a_state_file_that_does_not_parse_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("broken-state.json");
    std::fs::write(&state, "{ not json").unwrap();
    let err = agentdeck_sim::start(SimConfig {
        state_file: Some(state),
        ..SimConfig::default()
    })
    .await
    .err()
    .expect("a state file that does not parse is refused");
    let err = format!("{err:#}");
    assert!(err.contains("broken-state.json"), "{err}");
    assert!(err.contains("state file"), "{err}");
}
