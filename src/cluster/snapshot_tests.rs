use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::Pod;
use serde_json::json;

use super::*;

#[test]
fn an_events_k8s_io_v1_event_shows_its_series() {
    let e: EventV1 = serde_json::from_value(json!({
        "metadata": {"name": "web-1.17a", "namespace": "ai-agents",
                     "creationTimestamp": "2026-11-30T10:00:00Z"},
        "eventTime": "2026-11-30T10:00:00.000000Z",
        "reportingController": "kubelet",
        "reportingInstance": "node-1",
        "action": "Restarting",
        "reason": "BackOff",
        "type": "Warning",
        "note": "Back-off restarting failed container app\u{1b}[2J",
        "regarding": {"kind": "Pod", "name": "web-1", "namespace": "ai-agents"},
        "series": {"count": 42, "lastObservedTime": "2026-11-30T10:05:00.000000Z"},
    }))
    .unwrap();
    let v = event_view_v1(&e, &StackConfig::default());
    assert!(v.warning);
    assert_eq!(v.reason, "BackOff");
    assert_eq!(v.object, "pod/web-1");
    assert_eq!(v.message, "Back-off restarting failed container app");
    assert_eq!(v.count, 42, "the series count");
    assert_eq!(
        v.last_seen.unwrap().to_string(),
        "2026-11-30T10:05:00Z",
        "the series' last observed time"
    );
    assert!(v.hint.unwrap().contains("crashing"));
    // Without a series: one occurrence, seen at its event time.
    let mut once = e.clone();
    once.series = None;
    let v = event_view_v1(&once, &StackConfig::default());
    assert_eq!(
        (v.count, v.last_seen.unwrap().to_string().as_str()),
        (1, "2026-11-30T10:00:00Z")
    );
}

fn hpa_event(seen: &str) -> EventView {
    EventView {
        warning: true,
        reason: "FailedGetResourceMetric".into(),
        message: "failed to get cpu utilization".into(),
        object: "horizontalpodautoscaler/ai-agent-hpa".into(),
        count: 3,
        last_seen: Some(seen.parse().unwrap()),
        hint: Some("HPA cannot read metrics: is metrics-server installed?".into()),
        resolved: false,
    }
}

#[test]
fn hpa_metric_failures_the_hpa_got_over_are_resolved_and_sorted_after_live_warnings() {
    let hpa: HorizontalPodAutoscaler = serde_json::from_value(json!({
        "metadata": {"name": "ai-agent-hpa", "namespace": "ai-agents"},
        "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "ai-agent-service", "apiVersion": "apps/v1"},
                 "maxReplicas": 20},
        "status": {"desiredReplicas": 3, "currentReplicas": 3, "conditions": [
            {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound",
             "lastTransitionTime": "2026-11-30T10:01:00Z"}]},
    }))
    .unwrap();
    let live = EventView {
        reason: "BackOff".into(),
        object: "pod/x".into(),
        last_seen: Some("2026-11-30T09:00:00Z".parse().unwrap()),
        ..hpa_event("2026-11-30T09:00:00Z")
    };
    let objects = Objects {
        hpas: vec![&hpa],
        // Before the HPA read its metrics again: resolved. After: still live.
        events: vec![hpa_event("2026-11-30T10:00:30Z"), live.clone()],
        ..Objects::default()
    };
    let snap = build("ctx", "ai-agents", &objects);
    assert_eq!(snap.events[0].reason, "BackOff", "live warnings first");
    assert!(snap.events[1].resolved);
    let objects = Objects {
        hpas: vec![&hpa],
        events: vec![hpa_event("2026-11-30T10:02:00Z")],
        ..Objects::default()
    };
    assert!(!build("ctx", "ai-agents", &objects).events[0].resolved);
}

fn pod(name: &str, rs: &str, phase: &str, restarts: i32) -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": name, "ownerReferences": [
            {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs, "uid": "u"}]},
        "status": {"phase": phase, "containerStatuses": [{"name": "c", "image": "i",
            "imageID": "", "ready": true, "restartCount": restarts, "state": {"running": {}}}]},
    }))
    .unwrap()
}

#[test]
fn a_pod_event_applied_to_the_index_gives_the_snapshot_a_rebuild_would() {
    use pod_index::{PodEntry, PodIndex, owner};
    let d = |n: &str| -> Deployment {
        serde_json::from_value(json!({"metadata": {"name": n}, "spec": {"replicas": 2,
            "selector": {}, "template": {}}}))
        .unwrap()
    };
    let rs = |n: &str, d: &str| -> ReplicaSet {
        serde_json::from_value(json!({"metadata": {"name": n, "ownerReferences": [
            {"apiVersion": "apps/v1", "kind": "Deployment", "name": d, "uid": "u"}]}}))
        .unwrap()
    };
    let (da, db) = (d("a"), d("b"));
    let (ra, ra2, rb) = (rs("a-1", "a"), rs("a-2", "a"), rs("b-1", "b"));
    let mut pods = vec![
        pod("a-1-x", "a-1", "Running", 0),
        pod("a-2-y", "a-2", "Pending", 0),
        pod("b-1-z", "b-1", "Running", 1),
    ];
    let mut objects = Objects {
        deployments: vec![&da, &db],
        replicasets: vec![&ra, &ra2, &rb],
        ..Objects::default()
    };
    let mut index: PodIndex = pods.iter().collect();
    let before = build_with("ctx", "ns", &objects, &mut index);
    assert_eq!(
        before.workloads[0].pods.pending, 1,
        "both ReplicaSets of a count"
    );
    assert_eq!(before.workloads[0].pod_views.len(), 2);
    // One pod restarts, another goes: the index follows, the untouched workload's pod list
    // is the same (shared) list.
    pods[2] = pod("b-1-z", "b-1", "Running", 5);
    index.apply(PodEntry::from_pod(&pods[2]));
    let gone = pods.remove(0);
    index.delete(&owner(&gone), "a-1-x");
    let after = build_with("ctx", "ns", &objects, &mut index);
    objects.pods = pods.iter().collect();
    let rebuilt = build("ctx", "ns", &objects);
    assert_eq!(after, rebuilt);
    assert_eq!(after.workloads[1].restarts, 5);
    assert_eq!(after.pods_total, 2);
    assert_eq!(
        after.workloads[0].pod_names,
        vec!["a-2-y".to_string()].into()
    );
}

#[test]
fn thousands_of_pods_in_chunks_give_what_a_rebuild_gives_and_share_the_unchanged_chunks() {
    use pod_index::{PodEntry, PodIndex, owner};
    let d: Deployment = serde_json::from_value(json!({"metadata": {"name": "a"},
        "spec": {"replicas": 3000, "selector": {}, "template": {}}}))
    .unwrap();
    let rs = |n: &str| -> ReplicaSet {
        serde_json::from_value(json!({"metadata": {"name": n, "ownerReferences": [
            {"apiVersion": "apps/v1", "kind": "Deployment", "name": "a", "uid": "u"}]}}))
        .unwrap()
    };
    let (old, new) = (rs("a-7f"), rs("a-5c"));
    // In a scrambled order (every 7th of 3,000), over a rollout's two ReplicaSets.
    let mut pods: Vec<Pod> = (0..3000)
        .map(|i| (i * 7) % 3000)
        .map(|i| {
            let rs = if i % 3 == 0 { "a-5c" } else { "a-7f" };
            pod(&format!("{rs}-{i:05}"), rs, "Running", 0)
        })
        .collect();
    let mut objects = Objects {
        deployments: vec![&d],
        replicasets: vec![&old, &new],
        ..Objects::default()
    };
    let mut index: PodIndex = pods.iter().collect();
    let before = build_with("ctx", "ns", &objects, &mut index);
    let names: Vec<&str> = before.workloads[0]
        .pod_views
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted by name");
    assert_eq!(names.len(), 3000);
    let chunks = before.workloads[0].pod_views.chunks().count();
    assert!(chunks > 4, "split into chunks: {chunks}");
    // One pod restarts, others go and come: the same snapshot as a rebuild; all but the
    // changed pods' chunks are the previous snapshot's.
    pods[10] = pod(
        pods[10].metadata.name.as_deref().unwrap(),
        "a-7f",
        "Running",
        4,
    );
    index.apply(PodEntry::from_pod(&pods[10]));
    let in_range = |p: &Pod| p.metadata.name.as_deref().unwrap() < "a-5c-00300";
    for gone in pods.iter().filter(|p| in_range(p)) {
        index.delete(&owner(gone), gone.metadata.name.as_deref().unwrap());
    }
    pods.retain(|p| !in_range(p));
    pods.push(pod("a-5c-99999", "a-5c", "Pending", 0));
    index.apply(PodEntry::from_pod(pods.last().unwrap()));
    let after = build_with("ctx", "ns", &objects, &mut index);
    objects.pods = pods.iter().collect();
    assert_eq!(after, build("ctx", "ns", &objects));
    assert_eq!(
        (after.workloads[0].restarts, after.workloads[0].pods.pending),
        (4, 1)
    );
    let kept: Vec<_> = before.workloads[0].pod_views.chunks().collect();
    let shared = after.workloads[0]
        .pod_views
        .chunks()
        .filter(|c| kept.iter().any(|k| std::sync::Arc::ptr_eq(k, c)))
        .count();
    assert!(shared > 0, "unchanged chunks shared, not copied");
    // A pod event later touches one chunk only.
    objects.pods.clear();
    let restarted = pod(
        pods[0].metadata.name.as_deref().unwrap(),
        "a-7f",
        "Running",
        1,
    );
    index.apply(PodEntry::from_pod(&restarted));
    let next = build_with("ctx", "ns", &objects, &mut index);
    let prev: Vec<_> = after.workloads[0].pod_views.chunks().collect();
    let fresh = next.workloads[0].pod_views.chunks();
    let rebuilt = fresh.filter(|c| !prev.iter().any(|k| std::sync::Arc::ptr_eq(k, c)));
    assert_eq!(rebuilt.count(), 1, "one chunk rebuilt");
}
