use super::*;
use serde_json::json;

fn manifest() -> Value {
    json!({"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"replicas": 3, "template": {}}})
}

#[test]
fn a_new_workload_keeps_the_manifests_count() {
    let mut obj = manifest();
    assert_eq!(leave_replicas(&mut obj, None, "hpa"), None);
    assert_eq!(obj["spec"]["replicas"], 3);
}

#[test]
fn replicas_scaled_by_someone_else_are_not_sent() {
    let live = json!({"metadata": {"managedFields": [
        {"manager": "kube-controller-manager", "operation": "Update", "subresource": "scale", "fieldsV1": {"f:spec": {"f:replicas": {}}}},
        {"manager": "agentdeck", "operation": "Apply", "fieldsV1": {"f:spec": {"f:template": {}}}}
    ]}, "spec": {"replicas": 7}});
    let mut obj = manifest();
    let note = leave_replicas(&mut obj, Some(&live), "web-hpa").unwrap();
    assert!(obj["spec"].get("replicas").is_none(), "{obj}");
    assert_eq!(note, "spec.replicas left to HPA web-hpa (now 7)");
}

#[test]
fn replicas_agentdeck_owns_are_sent_as_they_are_live() {
    let live = json!({"metadata": {"managedFields": [
        {"manager": "agentdeck", "operation": "Apply", "fieldsV1": {"f:spec": {"f:replicas": {}}}}
    ]}, "spec": {"replicas": 5}});
    let mut obj = manifest();
    assert!(leave_replicas(&mut obj, Some(&live), "h").is_some());
    assert_eq!(obj["spec"]["replicas"], 5);
}

#[test]
fn scaled_by_matches_namespace_kind_and_name() {
    let mut t = HpaTargets::new();
    t.insert(
        ("ns".into(), "Deployment".into(), "web".into()),
        "web-hpa".into(),
    );
    assert_eq!(scaled_by(&t, &manifest(), Some("ns")), Some("web-hpa"));
    assert_eq!(scaled_by(&t, &manifest(), Some("other")), None);
    assert_eq!(scaled_by(&t, &manifest(), None), None);
}

#[test]
fn counts_agentdeck_scale_set_are_kept_and_said() {
    let hpa = json!({"kind": "HorizontalPodAutoscaler", "metadata": {"name": "web-hpa"},
        "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "minReplicas": 3, "maxReplicas": 20}});
    let live = json!({"metadata": {"managedFields": [
        {"manager": "agentdeck", "operation": "Apply", "fieldsV1": {"f:spec": {"f:minReplicas": {}, "f:maxReplicas": {}}}},
        {"manager": "agentdeck", "operation": "Update", "fieldsV1": {"f:spec": {"f:minReplicas": {}}}}
    ]}, "spec": {"minReplicas": 5, "maxReplicas": 20}});
    let mut obj = hpa.clone();
    let notes = keep_scaled(&mut obj, Some(&live));
    assert_eq!(obj["spec"]["minReplicas"], 5);
    assert_eq!(obj["spec"]["maxReplicas"], 20);
    assert_eq!(
        notes,
        [
            "spec.minReplicas kept at 5, as agentdeck scale set it (the manifest says 3; agentdeck scale web 3 goes back)"
        ]
    );
    // Someone else's value (kubectl edit) is not agentdeck's to keep: the plan shows the
    // conflict as it is.
    let theirs = json!({"metadata": {"managedFields": [
        {"manager": "kubectl-edit", "operation": "Update", "fieldsV1": {"f:spec": {"f:minReplicas": {}}}}
    ]}, "spec": {"minReplicas": 5, "maxReplicas": 20}});
    let mut obj = hpa;
    assert!(keep_scaled(&mut obj, Some(&theirs)).is_empty());
    assert_eq!(obj["spec"]["minReplicas"], 3);
}
