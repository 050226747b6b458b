use super::*;

#[test]
fn bundled_stack_parses_with_the_seed_objects() {
    let docs = bundled().unwrap();
    let names: Vec<(String, String)> = docs
        .iter()
        .map(|d| {
            (
                d.object["kind"].as_str().unwrap().to_string(),
                d.object["metadata"]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for (k, n) in [
        ("Namespace", "ai-agents"),
        ("Deployment", "ai-agent-service"),
        ("Service", "ai-agent-service"),
        ("HorizontalPodAutoscaler", "ai-agent-hpa"),
        ("ConfigMap", "redis-config"),
        ("Deployment", "redis"),
        ("NetworkPolicy", "allow-holysheep-api"),
        ("VirtualService", "agent-routing"),
        ("ConfigMap", "prometheus-config"),
    ] {
        assert!(
            names.contains(&(k.to_string(), n.to_string())),
            "missing {k}/{n}"
        );
    }
    assert!(
        !names.iter().any(|(k, _)| k == "Secret"),
        "no Secret may be bundled"
    );
}

#[test]
fn invalid_yaml_names_file_and_line() {
    let e = parse(
        "bad.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n",
    )
    .unwrap_err();
    assert_eq!(e.file, "bad.yaml");
    assert!(e.line >= 4, "{e}");
    assert!(e.to_string().starts_with("bad.yaml:"));
}
