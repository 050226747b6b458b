//! Rendering cost with 5,000 pods: building the cluster snapshot from the watched objects,
//! and drawing a full 200×50 frame on a TestBackend.

use agentdeck::app::{App, Msg, Settings, update};
use agentdeck::cluster::ClusterEvent;
use agentdeck::cluster::snapshot;
use agentdeck::config::default_models;
use agentdeck::metrics::{MetricsOrigin, MetricsSnapshot, ModelRate, Reading};
use criterion::{Criterion, criterion_group, criterion_main};
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::Pod;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

const PODS: usize = 5000;
const DEPLOYS: usize = 20;

fn objects() -> (Vec<Deployment>, Vec<ReplicaSet>, Vec<Pod>) {
    let mut d = Vec::new();
    let mut r = Vec::new();
    let mut p = Vec::new();
    for i in 0..DEPLOYS {
        let name = format!("worker-{i}");
        d.push(serde_json::from_value(json!({"metadata": {"name": name}, "spec": {"replicas": PODS / DEPLOYS, "selector": {}, "template": {}},
            "status": {"replicas": PODS / DEPLOYS, "readyReplicas": PODS / DEPLOYS, "updatedReplicas": PODS / DEPLOYS, "availableReplicas": PODS / DEPLOYS}})).unwrap());
        r.push(serde_json::from_value(json!({"metadata": {"name": format!("{name}-abc"), "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": name, "uid": "u"}]}})).unwrap());
        for j in 0..PODS / DEPLOYS {
            p.push(serde_json::from_value(json!({"metadata": {"name": format!("{name}-abc-{j}"), "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": format!("{name}-abc"), "uid": "v"}]},
                "status": {"phase": "Running", "containerStatuses": [{"name": "c", "image": "i", "imageID": "", "ready": true, "restartCount": j % 3, "state": {"running": {}}}]}})).unwrap());
        }
    }
    (d, r, p)
}

fn bench(c: &mut Criterion) {
    let (d, r, p) = objects();
    let objects = snapshot::Objects {
        deployments: d.iter().collect(),
        replicasets: r.iter().collect(),
        pods: p.iter().collect(),
        ..Default::default()
    };
    c.bench_function("snapshot_build_5000_pods", |b| {
        b.iter(|| snapshot::build("ctx", "ns", &objects))
    });

    let snap = snapshot::build("ctx", "ns", &objects);
    let now = jiff::Timestamp::now();
    let mut app = App::new(
        Settings {
            context: "ctx".into(),
            namespace: "ns".into(),
            contexts: vec![],
            metrics_origin: MetricsOrigin::Simulated,
            prices: default_models(),
            history_minutes: 30,
            themes: vec![],
            theme: "dark".into(),
            read_only: false,
            runbook: Default::default(),
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
        };
        let _ = update(&mut app, Msg::Metrics(Box::new(m)));
    }
    let mut term = Terminal::new(TestBackend::new(200, 50)).unwrap();
    c.bench_function("draw_full_frame_200x50_5000_pods", |b| {
        b.iter(|| term.draw(|f| agentdeck::ui::draw(f, &app)).unwrap().area)
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
