use serde_json::json;

use super::*;

fn hpa(
    metrics: serde_json::Value,
    current: serde_json::Value,
    conds: serde_json::Value,
) -> HpaView {
    let h: HorizontalPodAutoscaler = serde_json::from_value(json!({
        "metadata": {"name": "h"},
        "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web", "apiVersion": "apps/v1"},
                 "minReplicas": 2, "maxReplicas": 10, "metrics": metrics},
        "status": {"currentReplicas": 3, "desiredReplicas": 3, "currentMetrics": current,
                   "conditions": conds},
    }))
    .unwrap();
    hpa_view(&h)
}

#[test]
fn every_metric_type_in_its_target_units() {
    let v = hpa(
        json!([
            {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}},
            {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "1Gi"}}},
            {"type": "ContainerResource", "containerResource": {"name": "cpu", "container": "app", "target": {"type": "Utilization", "averageUtilization": 60}}},
            {"type": "Pods", "pods": {"metric": {"name": "requests_per_second"}, "target": {"type": "AverageValue", "averageValue": "10"}}},
            {"type": "Object", "object": {"metric": {"name": "hits"}, "describedObject": {"kind": "Service", "name": "api", "apiVersion": "v1"}, "target": {"type": "Value", "value": "2k"}}},
            {"type": "External", "external": {"metric": {"name": "queue_depth"}, "target": {"type": "AverageValue", "averageValue": "100"}}},
        ]),
        json!([
            {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 45}}},
            {"type": "Resource", "resource": {"name": "memory", "current": {"averageValue": "900Mi"}}},
            {"type": "Pods", "pods": {"metric": {"name": "requests_per_second"}, "current": {"averageValue": "12500m"}}},
            {"type": "Object", "object": {"metric": {"name": "hits"}, "describedObject": {"kind": "Service", "name": "api", "apiVersion": "v1"}, "current": {"value": "1500"}}},
            {"type": "External", "external": {"metric": {"name": "queue_depth"}, "current": {"averageValue": "140"}}},
        ]),
        json!([{"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound"}]),
    );
    let shown: Vec<String> = v.metrics.iter().map(|m| m.display()).collect();
    assert_eq!(
        shown,
        [
            "cpu 45%/70%",
            "memory 900Mi/1Gi (avg)",
            "cpu (container app) <unknown>/60%",
            "requests_per_second 12500m/10 (avg)",
            "hits (Service/api) 1500/2k",
            "queue_depth 140/100 (avg)",
        ]
    );
    let over: Vec<bool> = v.metrics.iter().map(|m| m.over).collect();
    assert_eq!(over, [false, false, false, true, false, true]);
}

#[test]
fn the_diagnosis_follows_the_reason() {
    let external = json!([{"type": "External", "external": {"metric": {"name": "queue_depth"}, "target": {"type": "Value", "value": "100"}}}]);
    let failing = |reason: &str| json!([{"type": "ScalingActive", "status": "False", "reason": reason, "message": "the HPA was unable to compute the replica count"}]);
    let d = hpa(
        external.clone(),
        json!([]),
        failing("FailedGetExternalMetric"),
    )
    .diagnosis;
    assert!(
        d.contains("external metric queue_depth") && d.contains("KEDA"),
        "{d}"
    );
    let pods = json!([{"type": "Pods", "pods": {"metric": {"name": "rps"}, "target": {"type": "AverageValue", "averageValue": "10"}}}]);
    let d = hpa(pods, json!([]), failing("FailedGetPodsMetric")).diagnosis;
    assert!(
        d.contains("custom metric rps") && d.contains("prometheus-adapter"),
        "{d}"
    );
    let cpu = json!([{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}]);
    let d = hpa(cpu.clone(), json!([]), failing("FailedGetResourceMetric")).diagnosis;
    assert!(d.contains("metrics-server"), "{d}");
    let d = hpa(
        cpu.clone(),
        json!([]),
        json!([{"type": "AbleToScale", "status": "False", "reason": "FailedGetScale", "message": "deployments/scale not found"}]),
    )
    .diagnosis;
    assert_eq!(
        d,
        "cannot scale: FailedGetScale — deployments/scale not found"
    );
    let d = hpa(
        cpu,
        json!([]),
        json!([{"type": "ScalingLimited", "status": "True", "reason": "TooFewReplicas"}]),
    )
    .diagnosis;
    assert!(d.starts_with("held at min replicas (2)"), "{d}");
    let d = hpa(json!([]), json!([]), json!([])).diagnosis;
    assert!(d.starts_with("no metrics in its spec"), "{d}");
}
