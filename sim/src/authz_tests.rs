use super::*;

#[test]
fn rules_match() {
    let r = DenyRule::parse("patch deployments").unwrap();
    assert!(r.matches("patch", "apps", "deployments", None));
    assert!(r.matches("patch", "apps", "deployments", Some("scale")));
    assert!(!r.matches("get", "apps", "deployments", None));
    let s = DenyRule::parse("* deployments.apps/scale").unwrap();
    assert!(s.matches("update", "apps", "deployments", Some("scale")));
    assert!(!s.matches("update", "apps", "deployments", None));
    assert!(DenyRule::parse("patch").is_err());
}
