use super::*;

fn now() -> Timestamp {
    "2024-05-01T12:00:00Z".parse().unwrap()
}

fn role() -> Value {
    json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
        "metadata": {"name": "reader", "namespace": "default", "creationTimestamp": "2024-05-01T11:00:00Z", "uid": "r1"}})
}

fn pod(name: &str, phase: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "creationTimestamp": "2024-05-01T11:55:00Z"},
        "spec": {"containers": [{"name": "app", "image": "busybox"}]},
        "status": {"phase": phase}})
}

#[test]
fn table_shape_and_include_object() {
    let role = role();
    let t = table(None, &[&role], "42", Some("tok"), now(), "Metadata");
    assert_eq!(t["kind"], "Table");
    assert_eq!(t["apiVersion"], "meta.k8s.io/v1");
    assert_eq!(
        t["metadata"],
        json!({"resourceVersion": "42", "continue": "tok"})
    );
    assert_eq!(t["columnDefinitions"], json!(printers::columns(None)));
    assert_eq!(
        t["rows"][0]["cells"],
        json!(["reader", "2024-05-01T11:00:00Z"])
    );
    assert_eq!(
        t["rows"][0]["object"],
        json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": role["metadata"]})
    );
    assert!(t["rows"][0].get("conditions").is_none());

    let (running, done) = (pod("a", "Running"), pod("b", "Succeeded"));
    let t = table(
        Some(&printers::POD),
        &[&running, &done],
        "7",
        None,
        now(),
        "Object",
    );
    assert_eq!(t["metadata"], json!({"resourceVersion": "7"}));
    assert_eq!(t["columnDefinitions"].as_array().unwrap().len(), 9);
    assert_eq!(t["rows"].as_array().unwrap().len(), 2);
    assert_eq!(t["rows"][0]["object"], running);
    assert_eq!(t["rows"][1]["cells"][2], "Succeeded");
    assert_eq!(t["rows"][1]["conditions"][0]["reason"], "Succeeded");

    let t = table(Some(&printers::POD), &[&done], "9", None, now(), "None");
    assert!(t["rows"][0].get("object").is_none());
    let empty = table(Some(&printers::POD), &[], "", Some(""), now(), "Metadata");
    assert_eq!(empty["metadata"], json!({}));
    assert_eq!(empty["rows"], json!([]));
}
