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
