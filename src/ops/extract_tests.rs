use super::*;
use serde_json::json;

fn live() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "web",
            "labels": {"app": "web", "team": "x"},
            "managedFields": [
                {"manager": "kubectl", "operation": "Update", "fieldsV1": {"f:metadata": {"f:labels": {"f:team": {}}}}},
                {"manager": "agentdeck", "operation": "Apply", "fieldsV1": {
                    "f:metadata": {"f:labels": {"f:app": {}}},
                    "f:spec": {
                        "f:replicas": {},
                        "f:template": {"f:spec": {"f:containers": {
                            "k:{\"name\":\"app\"}": {".": {}, "f:name": {}, "f:image": {},
                                "f:env": {"k:{\"name\":\"A\"}": {".": {}, "f:name": {}, "f:value": {}}},
                                "f:resources": {"f:limits": {"f:memory": {}}}}
                        }}}
                    }
                }},
                {"manager": "agentdeck", "operation": "Apply", "subresource": "scale", "fieldsV1": {"f:spec": {"f:replicas": {}}}}
            ]
        },
        "spec": {
            "replicas": 3,
            "template": {"spec": {"containers": [
                {"name": "sidecar", "image": "s:1"},
                {"name": "app", "image": "a:1", "imagePullPolicy": "IfNotPresent",
                 "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                 "resources": {"limits": {"memory": "2Gi", "cpu": "1"}}}
            ]}}
        },
        "status": {"replicas": 3}
    })
}

#[test]
fn the_applied_fields_come_back_with_their_live_values() {
    let got = applied_by(&live(), "agentdeck").unwrap();
    assert_eq!(
        got,
        json!({
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "replicas": 3,
                "template": {"spec": {"containers": [
                    {"name": "app", "image": "a:1",
                     "env": [{"name": "A", "value": "1"}],
                     "resources": {"limits": {"memory": "2Gi"}}}
                ]}}
            }
        })
    );
    assert_eq!(applied_by(&live(), "helm"), None);
    assert_eq!(
        applied_by(&live(), "kubectl"),
        None,
        "an Update is not an apply"
    );
}

#[test]
fn ownership_of_one_field() {
    assert!(owns(&live(), "agentdeck", &["spec", "replicas"]));
    assert!(!owns(&live(), "agentdeck", &["spec", "selector"]));
    assert!(!owns(&live(), "kubectl", &["metadata", "labels", "team"]));
    assert!(!owns(&json!({}), "agentdeck", &["spec"]));
}

#[test]
fn set_members_and_whole_values() {
    let v = json!({"finalizers": ["a", "b"], "data": {"x": {"y": 1}}});
    let f = json!({"f:finalizers": {"v:\"b\"": {}}, "f:data": {}});
    assert_eq!(
        project(&v, &f),
        json!({"finalizers": ["b"], "data": {"x": {"y": 1}}})
    );
}

#[test]
fn other_owners_of_a_field() {
    let mut l = live();
    l["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"] = json!({"f:template": {"f:spec": {"f:containers": {
        "k:{\"name\":\"app\"}": {"f:resources": {"f:limits": {"f:memory": {}}}}}}}});
    let path: Vec<String> = [
        "f:spec",
        "f:template",
        "f:spec",
        "f:containers",
        r#"k:{"name":"app"}"#,
        "f:resources",
        "f:limits",
        "f:memory",
    ]
    .map(String::from)
    .to_vec();
    assert_eq!(other_owners(&l, "agentdeck", &path), vec!["kubectl"]);
    assert_eq!(
        other_owners(&l, "kubectl", &path),
        vec!["kubectl", "agentdeck"],
        "kubectl's update is not its apply"
    );
    let mut other = path.clone();
    other[4] = r#"k:{"name":"other"}"#.into();
    assert!(other_owners(&l, "agentdeck", &other).is_empty());
}
