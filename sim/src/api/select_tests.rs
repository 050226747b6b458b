use super::*;
use serde_json::json;

#[test]
fn label_selectors() {
    let o = json!({"metadata": {"labels": {"app": "web", "env": "prod"}}});
    let m = |s: &str| LabelSelector::parse(s).unwrap().matches(&o);
    assert!(m("app=web"));
    assert!(m("app==web,env"));
    assert!(!m("app!=web"));
    assert!(m("env in (prod, dev)"));
    assert!(!m("env notin (prod)"));
    assert!(m("!legacy"));
    assert!(!m("legacy"));
    assert!(m(""));
    assert!(LabelSelector::parse("a b c").is_err());
}

#[test]
fn field_selectors() {
    let o = json!({"metadata": {"name": "p1", "namespace": "ns"}, "status": {"phase": "Running"}});
    let m = |s: &str| FieldSelector::parse(s, "pods", "Pod").unwrap().matches(&o);
    assert!(m("metadata.name=p1"));
    assert!(m("status.phase!=Pending,metadata.namespace=ns"));
    assert!(!m("status.phase=Pending"));
    assert!(FieldSelector::parse("spec.foo=1", "pods", "Pod").is_err());
    assert!(FieldSelector::parse("status.phase=x", "services", "Service").is_err());
}
