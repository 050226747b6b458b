//! The dashboard's watchers against the sim over HTTP: a snapshot on start, a fresh one on
//! every change, an error (stale) when the API server goes away, and recovery after.

use crate::common;

use std::time::Duration;

use crate::common::{eventually, preload, start_sim};
use agentdeck::cluster::{self, ClusterEvent, Target};
use tokio::sync::mpsc;

async fn next_matching(
    rx: &mut mpsc::Receiver<ClusterEvent>,
    secs: u64,
    what: &str,
    f: impl Fn(&ClusterEvent) -> bool,
) -> ClusterEvent {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(ev)) if f(&ev) => return ev,
            Ok(Some(_)) => continue,
            Ok(None) => panic!("channel closed waiting for {what}"),
            Err(_) => panic!("timed out waiting for {what}"),
        }
    }
}

#[tokio::test]
#[allow(clippy::too_many_lines)] // a scenario: one session, read top to bottom
async fn watchers_snapshot_go_stale_and_recover() {
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    let mut cfg = preload(4.0);
    cfg.kubeconfig_out = Some(kc.clone());
    let sim = start_sim(cfg).await;
    let conn = cluster::connect(
        &Target {
            kubeconfig: Some(kc.clone()),
            ..Default::default()
        },
        "ai-agents",
    )
    .await
    .unwrap();
    assert_eq!(conn.context, "agentdeck-sim");
    assert_eq!(conn.namespace, "ai-agents");
    let (tx, mut rx) = mpsc::channel(64);
    let _watch = cluster::watch::spawn(&conn, &Default::default(), tx);

    let ev = next_matching(&mut rx, 30, "a snapshot with 3/3 ready agents", |e| {
        matches!(e, ClusterEvent::Snapshot(s) if s.workloads.iter().any(|w| w.name == "ai-agent-service" && w.ready == 3))
    })
    .await;
    let ClusterEvent::Snapshot(s) = ev else {
        unreachable!()
    };
    assert_eq!(s.workloads.len(), 2);
    let agents = s
        .workloads
        .iter()
        .find(|w| w.name == "ai-agent-service")
        .unwrap();
    assert_eq!(s.hpa_for(agents).map(|h| h.max), Some(20));
    assert!(s.events.iter().any(|e| e.reason == "Scheduled"));

    // A change arrives as a new snapshot (no polling: the watch delivers it).
    let deploys: kube::Api<k8s_openapi::api::apps::v1::Deployment> =
        kube::Api::namespaced(conn.client.clone(), "ai-agents");
    deploys
        .patch_scale(
            "redis",
            &kube::api::PatchParams::default(),
            &kube::api::Patch::Merge(serde_json::json!({"spec": {"replicas": 2}})),
        )
        .await
        .unwrap();
    next_matching(&mut rx, 20, "redis at 2 desired", |e| {
        matches!(e, ClusterEvent::Snapshot(s) if s.workloads.iter().any(|w| w.name == "redis" && w.desired == 2))
    })
    .await;

    // Outage: watches are cut and every call answers 503 → an error event (stale).
    let http = |path: &'static str, body: &'static str| {
        let url = format!("{}/_sim/{path}", sim.url());
        async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let rest = url.strip_prefix("http://").unwrap().to_string();
            let (host, p) = rest.split_once('/').unwrap();
            let mut s = tokio::net::TcpStream::connect(host).await.unwrap();
            let req = format!(
                "POST /{p} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            s.write_all(req.as_bytes()).await.unwrap();
            let mut out = String::new();
            s.read_to_string(&mut out).await.unwrap();
        }
    };
    http("faults", r#"{"unavailable": true}"#).await;
    http("cut-watches", "{}").await;
    next_matching(&mut rx, 30, "a watch error", |e| {
        matches!(e, ClusterEvent::Error(_))
    })
    .await;

    // Back: the watchers recover with backoff and snapshots flow again.
    http("faults", r#"{"unavailable": false}"#).await;
    let deploys2 = deploys.clone();
    eventually(60, "the API answers again", || {
        let d = deploys2.clone();
        async move {
            d.patch_scale(
                "redis",
                &kube::api::PatchParams::default(),
                &kube::api::Patch::Merge(serde_json::json!({"spec": {"replicas": 3}})),
            )
            .await
            .ok()
        }
    })
    .await;
    next_matching(&mut rx, 60, "a snapshot after recovery showing the new change", |e| {
        matches!(e, ClusterEvent::Snapshot(s) if s.workloads.iter().any(|w| w.name == "redis" && w.desired == 3))
    })
    .await;
    sim.stop().await;
}

/// A server that stops answering without closing anything (a stalled network, here every
/// request delayed 30 s) is reported within a probe, and once it answers again the watchers
/// start anew on their own.
#[tokio::test]
async fn a_stalled_server_is_stale_within_seconds_and_recovers_by_itself() {
    let (sim, conn, _dir) = common::sim_and_connection(preload(4.0)).await;
    let (tx, mut rx) = mpsc::channel(64);
    let _watch = cluster::watch::spawn(&conn, &Default::default(), tx);
    next_matching(&mut rx, 30, "a first snapshot", |e| {
        matches!(e, ClusterEvent::Snapshot(_))
    })
    .await;
    let url = sim.url();
    let fault = move |body: &'static str| {
        let url = url.clone();
        tokio::task::spawn_blocking(move || common::http(&url, "POST", "/_sim/faults", body))
    };
    fault(r#"{"latency_ms": 30000}"#).await.unwrap();
    let stalled_at = tokio::time::Instant::now();
    let ev = next_matching(
        &mut rx,
        25,
        "stale: the server does not answer",
        |e| matches!(e, ClusterEvent::Error(m) if m.contains("did not answer")),
    )
    .await;
    assert!(stalled_at.elapsed() <= Duration::from_secs(25), "{ev:?}");
    fault(r#"{"latency_ms": 0}"#).await.unwrap();
    next_matching(&mut rx, 30, "a fresh snapshot after the stall", |e| {
        matches!(e, ClusterEvent::Snapshot(_))
    })
    .await;
    sim.stop().await;
}

/// The API server restarted without its state (as after an etcd restore): its
/// resourceVersions start again below ours. The watchers drop their caches and list anew —
/// the new truth replaces what was shown, no phantom pods — and the snapshot says the state
/// was reloaded. Once the new history passes the old resourceVersion, still no phantoms.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::too_many_lines)] // a scenario: one session, read top to bottom
async fn a_server_restored_with_an_older_history_is_listed_anew() {
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    let mut cfg = preload(4.0);
    cfg.kubeconfig_out = Some(kc.clone());
    let first = start_sim(cfg.clone()).await;
    let addr = first.addr;
    let conn = cluster::connect(
        &Target {
            kubeconfig: Some(kc.clone()),
            ..Default::default()
        },
        "ai-agents",
    )
    .await
    .unwrap();
    let deploys: kube::Api<k8s_openapi::api::apps::v1::Deployment> =
        kube::Api::namespaced(conn.client.clone(), "ai-agents");
    let scale = |n: i32| {
        let d = deploys.clone();
        async move {
            d.patch_scale(
                "redis",
                &kube::api::PatchParams::default(),
                &kube::api::Patch::Merge(serde_json::json!({"spec": {"replicas": n}})),
            )
            .await
        }
    };
    let (tx, mut rx) = mpsc::channel(256);
    let _watch = cluster::watch::spawn(&conn, &Default::default(), tx);
    scale(3).await.unwrap();
    let redis = |s: &agentdeck::cluster::ClusterSnapshot| {
        s.workloads
            .iter()
            .find(|w| w.name == "redis")
            .map(|w| (w.desired, w.ready, w.pod_names.len()))
    };
    next_matching(
        &mut rx,
        60,
        "redis 3/3 on the first server",
        |e| matches!(e, ClusterEvent::Snapshot(s) if redis(s) == Some((3, 3, 3))),
    )
    .await;
    let old_rv: u64 = deploys
        .get("redis")
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap()
        .parse()
        .unwrap();

    // The same address, a fresh server: redis 1/1 again, resourceVersions from 1.
    first.stop().await;
    let mut again = preload(4.0);
    again.listen = addr;
    let second = start_sim(again).await;
    let ev = next_matching(&mut rx, 60, "the new truth: redis 1/1, reloaded", |e| {
        matches!(e, ClusterEvent::Snapshot(s) if redis(s) == Some((1, 1, 1)) && s.reloaded.is_some())
    })
    .await;
    let ClusterEvent::Snapshot(s) = ev else {
        unreachable!()
    };
    let why = &s.reloaded.as_ref().unwrap().1;
    assert!(why.contains("history restarted"), "{why}");

    // The new history passes the old resourceVersion: scaling redis up and down does it,
    // and what is shown stays the new server's pods.
    let mut n = 0;
    loop {
        let d = deploys.get("redis").await.unwrap();
        let rv: u64 = d.metadata.resource_version.unwrap().parse().unwrap();
        if rv > old_rv + 5 {
            break;
        }
        n += 1;
        scale(if n % 2 == 0 { 1 } else { 2 }).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    scale(2).await.unwrap();
    let ev = next_matching(
        &mut rx,
        60,
        "redis 2/2 on the new server",
        |e| matches!(e, ClusterEvent::Snapshot(s) if redis(s) == Some((2, 2, 2))),
    )
    .await;
    let ClusterEvent::Snapshot(s) = ev else {
        unreachable!()
    };
    let pods: kube::Api<k8s_openapi::api::core::v1::Pod> =
        kube::Api::namespaced(conn.client.clone(), "ai-agents");
    let real = pods.list(&Default::default()).await.unwrap().items.len();
    assert_eq!(s.pods_total, real, "only the pods that exist");
    second.stop().await;
}
