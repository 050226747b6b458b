use std::sync::Arc;

use serde_json::{Value, json};

use super::*;

fn labels() -> Map<String, Value> {
    json!({"app": "ai-agent-service", "tier": "agents"})
        .as_object()
        .cloned()
        .unwrap()
}

fn np(name: &str, spec: Value) -> Arc<Value> {
    Arc::new(json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": "ai-agents"},
        "spec": spec,
    }))
}

fn decide(policies: &[Arc<Value>]) -> Verdict {
    egress(policies, "ai-agents", Some(&labels()), &PROVIDER)
}

fn deny_all() -> Arc<Value> {
    np(
        "default-deny-egress",
        json!({"podSelector": {}, "policyTypes": ["Egress"]}),
    )
}

/// The bundled allow-holysheep-api, with its HTTPS port.
fn bundled(port: Value) -> Arc<Value> {
    np(
        "allow-holysheep-api",
        json!({
            "podSelector": {"matchLabels": {"app": "ai-agent-service"}},
            "policyTypes": ["Egress"],
            "egress": [
                {"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]}}],
                 "ports": [{"protocol": "TCP", "port": port}]},
                {"to": [{"namespaceSelector": {}}], "ports": [{"protocol": "UDP", "port": 53}]},
            ],
        }),
    )
}

#[test]
fn no_policy_or_ingress_only_is_not_isolated() {
    assert!(decide(&[]).allowed);
    let ingress = np(
        "ingress-only",
        json!({"podSelector": {}, "policyTypes": ["Ingress"]}),
    );
    let v = decide(&[ingress]);
    assert!(v.allowed && v.isolating.is_empty());
}

#[test]
fn default_deny_blocks_and_the_bundled_rule_allows_again() {
    let v = decide(&[deny_all()]);
    assert!(!v.allowed);
    assert_eq!(v.isolating, ["default-deny-egress"]);
    let v = decide(&[deny_all(), bundled(json!(443))]);
    assert!(v.allowed, "allow rules are additive: {v:?}");
    assert_eq!(v.allowing, ["allow-holysheep-api"]);
    // The broken allow rule (8443) does not.
    let v = decide(&[deny_all(), bundled(json!(8443))]);
    assert!(!v.allowed);
    assert_eq!(v.isolating.len(), 2);
    // The bundled policy alone isolates too: with the wrong port nothing goes out.
    assert!(!decide(&[bundled(json!(8443))]).allowed);
    assert!(decide(&[bundled(json!(443))]).allowed);
}

#[test]
fn policy_types_absent_means_egress_iff_rules() {
    let no_rules = np("a", json!({"podSelector": {}}));
    assert!(decide(&[no_rules]).allowed, "ingress-only by default");
    let with_rules = np(
        "b",
        json!({"podSelector": {}, "egress": [{"ports": [{"port": 80}]}]}),
    );
    assert!(!decide(&[with_rules]).allowed);
}

#[test]
fn pod_selector_match_labels_and_expressions() {
    let sel = |s: Value| np("sel", json!({"podSelector": s, "policyTypes": ["Egress"]}));
    assert!(!decide(&[sel(json!({"matchLabels": {"app": "ai-agent-service"}}))]).allowed);
    assert!(decide(&[sel(json!({"matchLabels": {"app": "redis"}}))]).allowed);
    let expr = |op: &str, values: Value| {
        sel(json!({"matchExpressions": [{"key": "app", "operator": op, "values": values}]}))
    };
    assert!(!decide(&[expr("In", json!(["ai-agent-service", "x"]))]).allowed);
    assert!(decide(&[expr("In", json!(["x"]))]).allowed);
    assert!(!decide(&[expr("NotIn", json!(["x"]))]).allowed);
    assert!(decide(&[expr("NotIn", json!(["ai-agent-service"]))]).allowed);
    assert!(!decide(&[expr("Exists", Value::Null)]).allowed);
    assert!(decide(&[expr("DoesNotExist", Value::Null)]).allowed);
    // Other namespaces' policies do not select the agents.
    let mut other = (*deny_all()).clone();
    other["metadata"]["namespace"] = json!("default");
    assert!(decide(&[Arc::new(other)]).allowed);
}

fn allow(rule: Value) -> Vec<Arc<Value>> {
    vec![
        deny_all(),
        np(
            "rule",
            json!({"podSelector": {}, "policyTypes": ["Egress"], "egress": [rule]}),
        ),
    ]
}

#[test]
fn ports_protocol_range_and_named_ports() {
    assert!(decide(&allow(json!({}))).allowed, "empty rule allows all");
    assert!(decide(&allow(json!({"ports": []}))).allowed);
    assert!(
        decide(&allow(json!({"ports": [{"port": 443}]}))).allowed,
        "TCP by default"
    );
    assert!(!decide(&allow(json!({"ports": [{"protocol": "UDP", "port": 443}]}))).allowed);
    assert!(decide(&allow(json!({"ports": [{"protocol": "TCP"}]}))).allowed);
    assert!(decide(&allow(json!({"ports": [{"port": 400, "endPort": 500}]}))).allowed);
    assert!(!decide(&allow(json!({"ports": [{"port": 444, "endPort": 500}]}))).allowed);
    assert!(!decide(&allow(json!({"ports": [{"port": "https"}]}))).allowed);
    assert!(
        decide(&allow(
            json!({"ports": [{"port": 53, "protocol": "UDP"}, {"port": 443}]})
        ))
        .allowed
    );
}

#[test]
fn peers_ip_blocks_with_except_and_selectors() {
    let to = |peers: Value| decide(&allow(json!({"to": peers}))).allowed;
    assert!(to(json!([])));
    assert!(to(json!([{"ipBlock": {"cidr": "0.0.0.0/0"}}])));
    assert!(to(json!([{"ipBlock": {"cidr": "203.0.113.0/24"}}])));
    assert!(to(json!([{"ipBlock": {"cidr": "203.0.113.7/32"}}])));
    assert!(!to(json!([{"ipBlock": {"cidr": "203.0.114.0/24"}}])));
    assert!(!to(
        json!([{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["203.0.113.0/24"]}}])
    ));
    assert!(to(
        json!([{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}}])
    ));
    assert!(!to(json!([{"namespaceSelector": {}}])));
    assert!(!to(json!([{"podSelector": {}}])));
    assert!(!to(json!([{"ipBlock": {"cidr": "::/0"}}])));
    assert!(!to(json!([{"ipBlock": {"cidr": "garbage"}}])));
    assert!(to(
        json!([{"podSelector": {}}, {"ipBlock": {"cidr": "203.0.0.0/8"}}])
    ));
}

#[test]
fn cidr_arithmetic() {
    let ip = PROVIDER_IP;
    assert!(cidr_contains("0.0.0.0/0", ip));
    assert!(cidr_contains("203.0.113.7/32", ip));
    assert!(!cidr_contains("203.0.113.8/32", ip));
    assert!(!cidr_contains("10.0.0.0/8", ip));
    assert!(!cidr_contains("203.0.113.0/33", ip));
}
