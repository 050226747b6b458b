use super::*;

fn d(v: serde_json::Value) -> Deployment {
    serde_json::from_value(v).unwrap()
}

#[test]
fn status_reads_like_kubectl() {
    let base = json!({"metadata": {"name": "web", "generation": 2}, "spec": {"replicas": 3, "selector": {}, "template": {}}});
    let mut v = base.clone();
    v["status"] = json!({"observedGeneration": 1});
    assert!(matches!(status(&d(v)), Rollout::Waiting(m) if m.contains("spec update")));
    let mut v = base.clone();
    v["status"] = json!({"observedGeneration": 2, "replicas": 4, "updatedReplicas": 2, "availableReplicas": 3});
    assert!(matches!(status(&d(v)), Rollout::Waiting(m) if m.contains("2 out of 3 new replicas")));
    let mut v = base.clone();
    v["status"] = json!({"observedGeneration": 2, "replicas": 4, "updatedReplicas": 3, "availableReplicas": 3});
    assert!(
        matches!(status(&d(v)), Rollout::Waiting(m) if m.contains("1 old replicas are pending termination"))
    );
    let mut v = base.clone();
    v["status"] = json!({"observedGeneration": 2, "replicas": 3, "updatedReplicas": 3, "availableReplicas": 3});
    assert!(matches!(status(&d(v)), Rollout::Done(_)));
    let mut v = base;
    v["status"] = json!({"observedGeneration": 2, "conditions": [{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}]});
    assert!(matches!(status(&d(v)), Rollout::Failed(_)));
}
