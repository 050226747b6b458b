//! HPAs written by other tools, through the real watch code: an External metric (KEDA
//! style) and a Pods AverageValue metric render as current/target in their units, and when
//! the metric cannot be read the diagnosis names the adapter to check.

use crate::common;

use std::time::Duration;

use agentdeck::cluster::model::{HpaView, MetricSource};
use agentdeck::cluster::{self, ClusterEvent, ClusterSnapshot};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use kube::api::{Api, PostParams};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::common::preload;

/// A Deployment `name` (2 pods) and an HPA on it scaling on `metric`.
async fn with_hpa(c: &kube::Client, name: &str, metric: Value) {
    let d: Deployment = serde_json::from_value(json!({
        "metadata": {"name": name},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}},
                              "spec": {"containers": [{"name": "app", "image": "busybox:1.36"}]}}}
    }))
    .unwrap();
    Api::<Deployment>::namespaced(c.clone(), "ai-agents")
        .create(&PostParams::default(), &d)
        .await
        .unwrap();
    let h: HorizontalPodAutoscaler = serde_json::from_value(json!({
        "metadata": {"name": name},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
                 "minReplicas": 1, "maxReplicas": 10, "metrics": [metric]}
    }))
    .unwrap();
    Api::<HorizontalPodAutoscaler>::namespaced(c.clone(), "ai-agents")
        .create(&PostParams::default(), &h)
        .await
        .unwrap();
}

async fn feed(url: &str, body: Value) {
    let url = url.to_string();
    tokio::task::spawn_blocking(move || {
        common::http(&url, "POST", "/_sim/hpa-metrics", &body.to_string())
    })
    .await
    .unwrap();
}

/// Snapshots until one shows the HPA `name` as `want` says.
async fn until(
    rx: &mut mpsc::Receiver<ClusterEvent>,
    name: &str,
    what: &str,
    want: impl Fn(&HpaView) -> bool,
) -> HpaView {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut last: Option<ClusterSnapshot> = None;
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(ClusterEvent::Snapshot(s))) => {
                if let Some(h) = s.hpas.iter().find(|h| h.name == name && want(h)) {
                    return h.clone();
                }
                last = Some(*s);
            }
            Ok(Some(_)) => {}
            _ => panic!(
                "{what}: {:#?}",
                last.map(|s| s.hpas.into_iter().find(|h| h.name == name))
            ),
        }
    }
}

#[tokio::test]
async fn external_and_pods_metrics_render_and_diagnose() {
    let (sim, conn, _dir) = common::sim_and_connection(preload(10.0)).await;
    with_hpa(
        &conn.client,
        "queue-worker",
        json!({"type": "External", "external": {"metric": {"name": "queue_depth"},
               "target": {"type": "AverageValue", "averageValue": "100"}}}),
    )
    .await;
    with_hpa(
        &conn.client,
        "api",
        json!({"type": "Pods", "pods": {"metric": {"name": "requests_per_second"},
               "target": {"type": "AverageValue", "averageValue": "10"}}}),
    )
    .await;
    let (tx, mut rx) = mpsc::channel(64);
    let _watch = cluster::watch::spawn(&conn, &Default::default(), tx);

    // Nothing fed: both fail, and the diagnosis names the adapter and the metric.
    let h = until(&mut rx, "queue-worker", "external metric missing", |h| {
        h.diagnosis.contains("external metric queue_depth")
    })
    .await;
    assert_eq!(h.metrics[0].source, MetricSource::External);
    assert_eq!(h.metrics[0].display(), "queue_depth <unknown>/100 (avg)");
    assert!(h.diagnosis.contains("KEDA"), "{}", h.diagnosis);
    let h = until(&mut rx, "api", "pods metric missing", |h| {
        h.diagnosis.contains("custom metric requests_per_second")
    })
    .await;
    assert_eq!(
        h.metrics[0].display(),
        "requests_per_second <unknown>/10 (avg)"
    );

    // Fed: current/target in the target's units.
    feed(
        &sim.url(),
        json!({"namespace": "ai-agents", "kind": "External", "name": "queue_depth", "value": 280}),
    )
    .await;
    feed(
        &sim.url(),
        json!({"namespace": "ai-agents", "kind": "Pods", "name": "requests_per_second", "value": 25}),
    )
    .await;
    let h = until(&mut rx, "queue-worker", "external metric read", |h| {
        h.metrics[0].current.is_some()
    })
    .await;
    let shown = h.metrics[0].display();
    assert!(
        shown.starts_with("queue_depth ") && shown.ends_with("/100 (avg)"),
        "{shown}"
    );
    assert!(!h.diagnosis.contains("cannot read"), "{}", h.diagnosis);
    let h = until(&mut rx, "api", "pods metric read", |h| {
        h.metrics[0].current.is_some()
    })
    .await;
    assert_eq!(h.metrics[0].display(), "requests_per_second 25/10 (avg)");
    assert!(h.metrics[0].over, "25 is over 10");
    sim.stop().await;
}
