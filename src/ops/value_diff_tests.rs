use super::*;
use serde_json::json;

fn lines(a: &Value, b: &Value) -> Vec<String> {
    changes(a, b).iter().map(FieldChange::line).collect()
}

#[test]
fn values_with_list_indexes() {
    let live = json!({"spec": {"egress": [{"ports": [{"port": 8443, "protocol": "TCP"}]}, {"ports": [{"port": 53}]}]}});
    let new = json!({"spec": {"egress": [{"ports": [{"port": 443, "protocol": "TCP"}]}, {"ports": [{"port": 53}]}]}});
    assert_eq!(
        lines(&live, &new),
        vec!["spec.egress[0].ports[0].port: 8443 → 443"]
    );
}

#[test]
fn added_removed_and_bookkeeping() {
    let live = json!({
        "metadata": {"resourceVersion": "1", "generation": 1, "labels": {"a": "1"}},
        "spec": {"list": [1, 2]},
        "status": {"x": 1}
    });
    let new = json!({
        "metadata": {"resourceVersion": "2", "generation": 2, "labels": {"a": "1", "x": "y", "app.kubernetes.io/part-of": "s"}},
        "spec": {"list": [1], "more": {"k": true}},
        "status": {"x": 2}
    });
    assert_eq!(
        lines(&live, &new),
        vec![
            r#"metadata.labels["app.kubernetes.io/part-of"]: (none) → s"#,
            "metadata.labels.x: (none) → y",
            "spec.list[1]: 2 → (none)",
            r#"spec.more: (none) → {"k":true}"#,
        ]
    );
    assert!(changes(&live, &live).is_empty());
}

#[test]
fn long_values_are_cut() {
    let long = "x".repeat(100);
    let l = lines(&json!({"a": "short"}), &json!({"a": long}));
    assert_eq!(l.len(), 1);
    assert!(l[0].ends_with('…') && l[0].chars().count() < 60, "{}", l[0]);
    assert_eq!(show(None), "(none)");
    assert_eq!(show(Some(&json!(""))), "\"\"");
}

/// A rollout recorded by the Deployment controller meanwhile is not the write's change.
#[test]
fn the_controllers_revision_annotation_is_no_change() {
    let live = serde_json::json!({"metadata": {"annotations": {"deployment.kubernetes.io/revision": "2", "team": "a"}}});
    let new = serde_json::json!({"metadata": {"annotations": {"deployment.kubernetes.io/revision": "3", "team": "b"}}});
    let c = changes(&live, &new);
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c[0].path, "metadata.annotations.team");
}
