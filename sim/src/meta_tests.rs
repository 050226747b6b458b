use super::*;

#[test]
fn quantities() {
    assert_eq!(parse_quantity(&json!("250m")), Some(0.25));
    assert_eq!(parse_quantity(&json!("512Mi")), Some(536870912.0));
    assert_eq!(parse_quantity(&json!(2)), Some(2.0));
    assert_eq!(parse_quantity(&json!("2Gi")), Some(2147483648.0));
    assert_eq!(parse_quantity(&json!("x1")), None);
}

#[test]
fn selectors() {
    let l = json!({"app": "a", "tier": "web"});
    let l = l.as_object();
    assert!(selector_matches(&json!({"matchLabels": {"app": "a"}}), l));
    assert!(!selector_matches(&json!({"matchLabels": {"app": "b"}}), l));
    assert!(selector_matches(
        &json!({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["web"]}]}),
        l
    ));
    assert!(!selector_matches(
        &json!({"matchExpressions": [{"key": "x", "operator": "Exists"}]}),
        l
    ));
}

#[test]
fn rng_is_reproducible() {
    let a = Rng::new(7);
    let b = Rng::new(7);
    assert_eq!(a.uuid(), b.uuid());
    assert_eq!(a.suffix(5).len(), 5);
}
