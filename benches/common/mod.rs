//! What the benches share: a namespace of `deploys` Deployments with `pods` pods between
//! them (one ReplicaSet each), and the App as the dashboard shows it after a snapshot and
//! 30 minutes of metrics.

use agentdeck::app::{App, Msg, Settings, update};
use agentdeck::cluster::{ClusterEvent, ClusterSnapshot};
use agentdeck::config::default_models;
use agentdeck::metrics::{MetricsOrigin, MetricsSnapshot, ModelRate, Reading};
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::Pod;
use serde_json::json;

pub fn pod(deploy: &str, j: usize, restarts: usize) -> Pod {
    serde_json::from_value(json!({"metadata": {"name": format!("{deploy}-abc-{j}"), "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": format!("{deploy}-abc"), "uid": "v"}]},
        "status": {"phase": "Running", "containerStatuses": [{"name": "c", "image": "i", "imageID": "", "ready": true, "restartCount": restarts, "state": {"running": {}}}]}})).unwrap()
}

pub fn objects(pods: usize, deploys: usize) -> (Vec<Deployment>, Vec<ReplicaSet>, Vec<Pod>) {
    let mut d = Vec::new();
    let mut r = Vec::new();
    let mut p = Vec::new();
    let each = pods / deploys;
    for i in 0..deploys {
        let name = format!("worker-{i}");
        d.push(serde_json::from_value(json!({"metadata": {"name": name}, "spec": {"replicas": each, "selector": {}, "template": {}},
            "status": {"replicas": each, "readyReplicas": each, "updatedReplicas": each, "availableReplicas": each}})).unwrap());
        r.push(serde_json::from_value(json!({"metadata": {"name": format!("{name}-abc"), "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": name, "uid": "u"}]}})).unwrap());
        for j in 0..each {
            p.push(pod(&name, j, j % 3));
        }
    }
    (d, r, p)
}

pub fn app(snap: ClusterSnapshot) -> App {
    let now = jiff::Timestamp::now();
    let mut app = App::new(
        Settings {
            context: "ctx".into(),
            namespace: "ns".into(),
            contexts: vec![],
            metrics_origin: MetricsOrigin::Simulated,
            prices: default_models(),
            gpu_hour_price: None,
            history_minutes: 30,
            themes: vec![],
            theme: "dark".into(),
            read_only: false,
            runbook: Default::default(),
            alerts: Default::default(),
        },
        now,
    );
    let _ = update(
        &mut app,
        Msg::Cluster(0, ClusterEvent::Snapshot(Box::new(snap))),
    );
    for i in 0..360 {
        let m = MetricsSnapshot {
            origin: MetricsOrigin::Simulated,
            at: now + jiff::SignedDuration::from_secs(i * 5),
            reachable: true,
            p50_ms: Reading::Value(400.0),
            p95_ms: Reading::Value(1200.0 + i as f64),
            tokens: Reading::Value(vec![ModelRate {
                model: "gpt-4.1".into(),
                tokens_per_sec: 30.0,
            }]),
            request_rate: Reading::Value(2.0),
            unauthorized_ratio: Reading::Value(0.0),
            recent: Default::default(),
            backfill: None,
            ..Default::default()
        };
        let _ = update(&mut app, Msg::Metrics(Box::new(m)));
    }
    app
}
