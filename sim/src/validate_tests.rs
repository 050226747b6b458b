use super::*;
use serde_json::json;

fn deploy() -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
          "template": {"metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
}

#[test]
fn unknown_field_is_strict_error_and_warning() {
    let mut d = deploy();
    d["spec"]["replicaz"] = json!(3);
    let e = check_schema(&d, FieldValidation::Strict).unwrap_err();
    assert_eq!(e.code, 400);
    assert!(
        e.message.contains("unknown field \"spec.replicaz\""),
        "{}",
        e.message
    );
    let w = check_schema(&d, FieldValidation::Warn).unwrap();
    assert_eq!(w, vec!["unknown field \"spec.replicaz\"".to_string()]);
    assert!(
        check_schema(&deploy(), FieldValidation::Strict)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn unknown_fields_are_dropped_unless_the_current_object_has_them() {
    let mut d = deploy();
    d["bogus"] = json!("x");
    d["spec"]["replicaz"] = json!(3);
    d["spec"]["template"]["spec"]["containers"][0]["imagez"] = json!("y");
    d["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:2");
    let mut current = deploy();
    current["spec"]["replicaz"] = json!(1);
    drop_unknown_fields(&mut d, Some(&current));
    let mut want = deploy();
    want["spec"]["replicaz"] = json!(3);
    want["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:2");
    assert_eq!(d, want);
    drop_unknown_fields(&mut d, None);
    want["spec"].as_object_mut().unwrap().remove("replicaz");
    assert_eq!(d, want);
}

#[test]
fn type_error_is_bad_request() {
    let mut d = deploy();
    d["spec"]["replicas"] = json!("three");
    assert_eq!(
        check_schema(&d, FieldValidation::Ignore).unwrap_err().code,
        400
    );
}

#[test]
fn invalid_values_are_422() {
    let mut d = deploy();
    d["spec"]["replicas"] = json!(-1);
    d["spec"]["template"]["metadata"]["labels"]["app"] = json!("other");
    let e = check_invalid(&d, "apps").unwrap_err();
    assert_eq!(e.code, 422);
    assert_eq!(e.details.unwrap()["causes"].as_array().unwrap().len(), 2);
    assert!(check_invalid(&deploy(), "apps").is_ok());
}
