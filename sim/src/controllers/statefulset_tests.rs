use super::*;

#[test]
fn ordinals_come_from_the_pod_name() {
    assert_eq!(ordinal("web", "web-0"), Some(0));
    assert_eq!(ordinal("web", "web-12"), Some(12));
    assert_eq!(ordinal("web", "web-api-1"), None);
    assert_eq!(ordinal("web", "webx-1"), None);
}

#[test]
fn pods_below_the_partition_keep_the_current_revision() {
    let set = json!({"metadata": {"name": "web"}});
    let plan = Plan {
        set: &set,
        replicas: 3,
        parallel: false,
        partition: 2,
        rolling: true,
        update_rev: "web-new".into(),
        current_rev: "web-old".into(),
    };
    assert_eq!(plan.revision_for(0), "web-old");
    assert_eq!(plan.revision_for(2), "web-new");
}
