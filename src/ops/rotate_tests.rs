use super::*;

#[test]
fn readers_are_found_by_env_envfrom_and_volume() {
    let d = |spec: serde_json::Value| -> Deployment {
        serde_json::from_value(serde_json::json!({"metadata": {"name": "d"}, "spec": {"selector": {}, "template": {"spec": spec}}})).unwrap()
    };
    let env = d(
        serde_json::json!({"containers": [{"name": "c", "env": [{"name": "K", "valueFrom": {"secretKeyRef": {"name": "keys", "key": "K"}}}]}]}),
    );
    let from = d(
        serde_json::json!({"containers": [{"name": "c", "envFrom": [{"secretRef": {"name": "keys"}}]}]}),
    );
    let vol = d(
        serde_json::json!({"containers": [{"name": "c"}], "volumes": [{"name": "v", "secret": {"secretName": "keys"}}]}),
    );
    let none = d(
        serde_json::json!({"containers": [{"name": "c", "env": [{"name": "X", "value": "keys"}]}]}),
    );
    assert!(
        reads_secret(&env, "keys") && reads_secret(&from, "keys") && reads_secret(&vol, "keys")
    );
    assert!(!reads_secret(&none, "keys") && !reads_secret(&env, "other"));
}

#[test]
fn keys_are_checked_and_never_printed() {
    assert!(check_key(&Secret::new("")).is_err());
    assert!(check_key(&Secret::new("sk-abc def")).is_err());
    assert!(check_key(&Secret::new("sk-abcdef0123456789xyz")).is_ok());
    let p = RotatePlan {
        secret: "s".into(),
        data_key: "K".into(),
        current: None,
        readers: vec!["a".into()],
    };
    assert_eq!(p.describe(), "create Secret s with K, then restart a");
}
