use super::*;
use serde_json::json;

fn policy(spec: serde_json::Value) -> Policy {
    let np: NetworkPolicy =
        serde_json::from_value(json!({"metadata": {"name": "p"}, "spec": spec})).unwrap();
    Policy::from_k8s(&np)
}

fn named(name: &str, spec: serde_json::Value) -> Policy {
    Policy {
        name: name.into(),
        ..policy(spec)
    }
}

fn agents() -> BTreeMap<String, String> {
    [("app".to_string(), "ai-agent-service".to_string())].into()
}

const PUBLIC: Ipv4Addr = Ipv4Addr::new(104, 18, 20, 50);

fn bundled(port: i32) -> Policy {
    named(
        "allow-holysheep-api",
        json!({
            "podSelector": {"matchLabels": {"app": "ai-agent-service"}},
            "policyTypes": ["Egress"],
            "egress": [
                {"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]}}],
                 "ports": [{"protocol": "TCP", "port": port}]},
                {"to": [{"namespaceSelector": {}}], "ports": [{"protocol": "UDP", "port": 53}]}
            ]
        }),
    )
}

fn deny_all() -> Policy {
    named(
        "default-deny-egress",
        json!({"podSelector": {}, "policyTypes": ["Egress"]}),
    )
}

#[test]
fn no_policy_leaves_egress_open() {
    assert_eq!(egress(&[], &agents(), PUBLIC, 443), Verdict::Open);
}

#[test]
fn the_bundled_policy_allows_https_to_public_addresses_only() {
    let p = [bundled(443), deny_all()];
    assert_eq!(
        egress(&p, &agents(), PUBLIC, 443),
        Verdict::AllowedBy("allow-holysheep-api".into())
    );
    assert!(matches!(
        egress(&p, &agents(), Ipv4Addr::new(10, 1, 2, 3), 443),
        Verdict::Blocked { .. }
    ));
    assert!(matches!(
        egress(&p, &agents(), PUBLIC, 80),
        Verdict::Blocked { .. }
    ));
}

#[test]
fn a_broken_port_under_default_deny_blocks_and_names_the_isolating_policies() {
    let p = [deny_all(), bundled(8443)];
    assert_eq!(
        egress(&p, &agents(), PUBLIC, 443),
        Verdict::Blocked {
            isolating: vec!["default-deny-egress".into(), "allow-holysheep-api".into()]
        }
    );
}

#[test]
fn ingress_only_policies_do_not_isolate_egress() {
    let p = [named(
        "ingress",
        json!({"podSelector": {}, "policyTypes": ["Ingress"]}),
    )];
    assert_eq!(egress(&p, &agents(), PUBLIC, 443), Verdict::Open);
    // No policyTypes and no egress rules: an ingress policy.
    let p = [named("legacy", json!({"podSelector": {}}))];
    assert_eq!(egress(&p, &agents(), PUBLIC, 443), Verdict::Open);
}

#[test]
fn selectors_decide_which_pods_are_isolated() {
    let other = named(
        "other",
        json!({"podSelector": {"matchLabels": {"app": "redis"}}, "policyTypes": ["Egress"]}),
    );
    assert_eq!(egress(&[other], &agents(), PUBLIC, 443), Verdict::Open);
    let expr = named(
        "expr",
        json!({"podSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["ai-agent-service"]}]}, "policyTypes": ["Egress"]}),
    );
    assert!(matches!(
        egress(&[expr], &agents(), PUBLIC, 443),
        Verdict::Blocked { .. }
    ));
    let not_in = named(
        "notin",
        json!({"podSelector": {"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["ai-agent-service"]}]}, "policyTypes": ["Egress"]}),
    );
    assert_eq!(egress(&[not_in], &agents(), PUBLIC, 443), Verdict::Open);
}

#[test]
fn empty_ports_or_peers_match_everything_and_ranges_and_names_are_honoured() {
    let all = named(
        "all",
        json!({"podSelector": {}, "policyTypes": ["Egress"], "egress": [{}]}),
    );
    assert!(matches!(
        egress(&[all], &agents(), PUBLIC, 443),
        Verdict::AllowedBy(_)
    ));
    let range = named(
        "range",
        json!({"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"ports": [{"port": 400, "endPort": 500}]}]}),
    );
    assert!(matches!(
        egress(&[range], &agents(), PUBLIC, 443),
        Verdict::AllowedBy(_)
    ));
    let udp = named(
        "udp",
        json!({"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"ports": [{"protocol": "UDP", "port": 443}]}]}),
    );
    assert!(matches!(
        egress(&[udp], &agents(), PUBLIC, 443),
        Verdict::Blocked { .. }
    ));
    let named_port = named(
        "named",
        json!({"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"ports": [{"port": "https"}]}]}),
    );
    assert!(matches!(
        egress(&[named_port], &agents(), PUBLIC, 443),
        Verdict::Blocked { .. }
    ));
    let in_cluster = named(
        "dns",
        json!({"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": [{"namespaceSelector": {}}]}]}),
    );
    assert!(matches!(
        egress(&[in_cluster], &agents(), PUBLIC, 443),
        Verdict::Blocked { .. }
    ));
}

#[test]
fn cidrs_are_parsed_strictly() {
    assert!(in_cidr(PUBLIC, "104.18.0.0/16"));
    assert!(!in_cidr(PUBLIC, "104.19.0.0/16"));
    assert!(in_cidr(PUBLIC, "104.18.20.50"));
    assert!(!in_cidr(PUBLIC, "not-a-cidr"));
    assert!(!in_cidr(PUBLIC, "0.0.0.0/33"));
    assert!(in_cidr(PUBLIC, "0.0.0.0/0"));
}
