use super::*;

#[test]
fn rate_limits_follow_policies() {
    let b = json!({"scaleUp": {"policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]},
                   "scaleDown": {"policies": [{"type": "Percent", "value": 50, "periodSeconds": 60}]}});
    assert_eq!(rate_limit(Some(&b), 3, 20), 6);
    assert_eq!(rate_limit(Some(&b), 10, 3), 5);
    assert_eq!(rate_limit(None, 3, 20), 7);
    assert_eq!(rate_limit(None, 3, 4), 4);
}
