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
