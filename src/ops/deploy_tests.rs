use super::*;
use serde_json::json;

#[test]
fn diff_ignores_bookkeeping() {
    let a = json!({"metadata": {"resourceVersion": "1", "labels": {"a": "1"}}, "spec": {"replicas": 3}, "status": {"x": 1}});
    let b = json!({"metadata": {"resourceVersion": "2", "labels": {"a": "2"}}, "spec": {"replicas": 3}, "status": {"x": 2}});
    assert_eq!(diff(&a, &b), vec!["metadata.labels.a".to_string()]);
    assert!(diff(&a, &a).is_empty());
}

#[test]
fn substitution_follows_the_config() {
    let mut docs = manifests::bundled().unwrap();
    let stack = StackConfig {
        namespace: "agents-prod".into(),
        deployment: "agents".into(),
        hpa: "agents-hpa".into(),
        secret: "llm-keys".into(),
        secret_key: "PROVIDER_KEY".into(),
        network_policy: "egress-llm".into(),
        image: "me/agent:9".into(),
        provider_base_url: "https://p.example/v1".into(),
    };
    substitute(&mut docs, &stack, &StackConfig::default());
    let text = serde_json::to_string(&docs.iter().map(|d| &d.object).collect::<Vec<_>>()).unwrap();
    for old in [
        "ai-agent-service",
        "ai-agent-hpa",
        "ai-api-keys",
        "allow-holysheep-api",
        "\"ai-agents\"",
    ] {
        assert!(!text.contains(old), "{old} left in the bundled stack");
    }
    let hpa = docs
        .iter()
        .find(|d| d.object["kind"] == "HorizontalPodAutoscaler")
        .unwrap();
    assert_eq!(hpa.object["metadata"]["name"], "agents-hpa");
    assert_eq!(hpa.object["spec"]["scaleTargetRef"]["name"], "agents");
    assert!(
        docs.iter()
            .any(|d| d.object["kind"] == "Namespace"
                && d.object["metadata"]["name"] == "agents-prod")
    );
    assert!(
        !docs
            .iter()
            .any(|d| d.object["metadata"]["namespace"] == "ai-agents")
    );
    let dep = docs
        .iter()
        .find(|d| d.object["metadata"]["name"] == "agents" && d.object["kind"] == "Deployment")
        .unwrap();
    let c = &dep.object["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["image"], "me/agent:9");
    assert_eq!(
        c["env"][0]["name"], "HOLYSHEEP_API_KEY",
        "the app's variable keeps its name"
    );
    assert_eq!(c["env"][0]["valueFrom"]["secretKeyRef"]["name"], "llm-keys");
    assert_eq!(
        c["env"][0]["valueFrom"]["secretKeyRef"]["key"],
        "PROVIDER_KEY"
    );
    assert!(
        c["env"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["value"] == "https://p.example/v1")
    );
}

#[test]
fn detail_lines_show_values_notes_and_creation() {
    let doc = manifests::bundled().unwrap().remove(0);
    let item = |change, values: Vec<String>, note: Option<&str>| Item {
        doc: doc.clone(),
        display: "networkpolicy.networking.k8s.io/p".into(),
        namespace: Some("ns".into()),
        change,
        values,
        notes: note.map(str::to_string).into_iter().collect(),
        resource: None,
    };
    let it = item(
        Change::Update(vec!["spec.egress".into()]),
        vec!["spec.egress[0].ports[0].port: 8443 → 443".into()],
        Some("spec.replicas left to HPA h (now 4)"),
    );
    assert_eq!(
        detail_lines(&it),
        vec![
            "  update     networkpolicy.networking.k8s.io/p (spec.egress)",
            "    note: spec.replicas left to HPA h (now 4)",
            "    spec.egress[0].ports[0].port: 8443 → 443",
        ]
    );
    let many = (0..20).map(|i| format!("f{i}: 1 → 2")).collect();
    let lines = detail_lines(&item(Change::Update(vec!["f".into()]), many, None));
    assert_eq!(lines.len(), 1 + MAX_VALUE_LINES + 1);
    assert_eq!(lines.last().unwrap(), "    … and 8 more fields");
    let lines = detail_lines(&item(Change::Create, vec![], None));
    assert!(lines[1].contains("will be created"), "{lines:?}");
}
