use super::*;

fn err(r: Result<impl std::fmt::Debug, OpError>) -> String {
    match r {
        Err(OpError::Invalid(m)) => m,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn values_are_checked_naming_the_flag() {
    assert_eq!(
        check_value(Field::MemoryLimit, " 3Gi ").unwrap(),
        ("3Gi".to_string(), 3.0 * 1024.0 * MI)
    );
    assert_eq!(check_value(Field::CpuLimit, "500m").unwrap().1, 0.5);
    assert_eq!(check_value(Field::CpuRequest, "1.5").unwrap().1, 1.5);
    let e = err(check_value(Field::MemoryLimit, "3GB"));
    assert!(
        e.contains("--memory-limit") && e.contains("3Gi or 2048Mi"),
        "{e}"
    );
    let e = err(check_value(Field::MemoryRequest, "500m"));
    assert!(e.contains("--memory-request") && e.contains("milli"), "{e}");
    let e = err(check_value(Field::MemoryLimit, "3"));
    assert!(e.contains("did you mean 3Gi"), "{e}");
    let e = err(check_value(Field::CpuLimit, "0"));
    assert!(
        e.contains("--cpu-limit") && e.contains("more than 0"),
        "{e}"
    );
    let e = err(check_value(Field::CpuLimit, "1n"));
    assert!(e.contains("1m"), "{e}");
    let e = err(check_values([None, None, None, None]));
    assert!(
        e.contains("--memory-limit") && e.contains("--cpu-request"),
        "{e}"
    );
}

#[test]
fn the_container_is_the_named_or_the_only_one() {
    let w = WorkloadRef::deployment("web");
    let one = vec!["app".to_string()];
    let two = vec!["app".to_string(), "proxy".to_string()];
    assert_eq!(choose_container(&w, &one, None).unwrap(), "app");
    assert_eq!(choose_container(&w, &two, Some("proxy")).unwrap(), "proxy");
    let e = err(choose_container(&w, &two, None));
    assert!(e.contains("app, proxy") && e.contains("--container"), "{e}");
    let e = err(choose_container(&w, &one, Some("nope")));
    assert!(e.contains("\"nope\"") && e.contains("app"), "{e}");
}

#[test]
fn a_request_may_not_exceed_its_limit_in_the_merged_result() {
    let live = json!({"limits": {"memory": "2Gi", "cpu": "1"}, "requests": {"memory": "512Mi", "cpu": "250m"}});
    let given = check_values([None, Some("3Gi"), None, None]).unwrap();
    let e = err(check_request_within_limit(&given, &live));
    assert!(
        e.contains("memory request 3Gi (--memory-request)")
            && e.contains("memory limit 2Gi (live)"),
        "{e}"
    );
    let given = check_values([None, None, Some("100m"), None]).unwrap();
    let e = err(check_request_within_limit(&given, &live));
    assert!(
        e.contains("cpu request 250m (live)") && e.contains("cpu limit 100m (--cpu-limit)"),
        "{e}"
    );
    let given = check_values([Some("4Gi"), Some("3Gi"), None, None]).unwrap();
    assert!(check_request_within_limit(&given, &live).is_ok());
    assert!(check_request_within_limit(&given, &Value::Null).is_ok());
}

#[test]
fn the_apply_config_keeps_what_agentdeck_applied() {
    let live = json!({
        "metadata": {"name": "web", "managedFields": [{"manager": "agentdeck", "operation": "Apply", "fieldsV1": {
            "f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"f:containers": {"k:{\"name\":\"app\"}": {
                ".": {}, "f:name": {}, "f:image": {}, "f:resources": {"f:limits": {"f:cpu": {}, "f:memory": {}}}}}}}}}}]},
        "spec": {"replicas": 3, "template": {"spec": {"containers": [
            {"name": "app", "image": "a:1", "resources": {"limits": {"cpu": "1", "memory": "2Gi"}}}]}}}
    });
    let given = check_values([Some("3Gi"), Some("1Gi"), None, None]).unwrap();
    let body = apply_config(&live, &WorkloadRef::deployment("web"), "ns", "app", &given);
    assert_eq!(
        body,
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "ns"},
            "spec": {"replicas": 3, "template": {"spec": {"containers": [
                {"name": "app", "image": "a:1", "resources": {
                    "limits": {"cpu": "1", "memory": "3Gi"}, "requests": {"memory": "1Gi"}}}]}}}
        })
    );
    // Nothing applied before: the minimal configuration.
    let body = apply_config(
        &json!({}),
        &WorkloadRef::deployment("web"),
        "ns",
        "app",
        &given,
    );
    assert_eq!(
        body["spec"]["template"]["spec"]["containers"],
        json!([{"name": "app", "resources": {"limits": {"memory": "3Gi"}, "requests": {"memory": "1Gi"}}}])
    );
}

#[test]
fn the_question_names_place_container_and_changes() {
    let p = ResourcesPlan {
        workload: WorkloadRef::deployment("web"),
        container: "app".into(),
        changes: vec![ResourceChange {
            field: Field::MemoryLimit,
            from: Some("2Gi".into()),
            to: "3Gi".into(),
            taken_from: vec![],
        }],
        unchanged: vec![],
        wait: true,
        patch: json!({}),
        diff: vec![],
    };
    let q = p.describe("namespace ai-agents (context sim)");
    assert!(
        q.contains("deployment web, container app, in namespace ai-agents (context sim)")
            && q.contains("memory limit 2Gi → 3Gi")
            && q.contains("rollout"),
        "{q}"
    );
    let none = ResourcesPlan {
        changes: vec![],
        unchanged: p.changes.clone(),
        ..p
    };
    assert!(
        none.describe("x").starts_with("nothing to do"),
        "{}",
        none.describe("x")
    );
}

#[test]
fn a_value_owned_by_another_manager_says_it_is_taken_over() {
    let c = ResourceChange {
        field: Field::MemoryLimit,
        from: Some("1Gi".into()),
        to: "2Gi".into(),
        taken_from: vec!["flux".into()],
    };
    assert_eq!(c.line(), "memory limit 1Gi → 2Gi (taken over from flux)");
    assert_eq!(
        field_path("db", Field::CpuRequest)[4..],
        [r#"k:{"name":"db"}"#, "f:resources", "f:requests", "f:cpu"]
    );
}
