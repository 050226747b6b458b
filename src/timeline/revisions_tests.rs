use serde_json::json;

use super::*;

fn rs(name: &str, rev: &str, created: &str, template: serde_json::Value) -> ReplicaSet {
    serde_json::from_value(json!({
        "metadata": {
            "name": name, "creationTimestamp": created,
            "annotations": {"deployment.kubernetes.io/revision": rev},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "agents", "uid": "u"}],
        },
        "spec": {"selector": {}, "template": template},
    }))
    .unwrap()
}

fn template(
    image: &str,
    restarted: Option<&str>,
    env: serde_json::Value,
    mem: &str,
) -> serde_json::Value {
    let ann = restarted.map(|r| json!({"kubectl.kubernetes.io/restartedAt": r}));
    json!({
        "metadata": {"labels": {"pod-template-hash": image}, "annotations": ann},
        "spec": {"containers": [{
            "name": "agent", "image": image, "env": env,
            "resources": {"limits": {"memory": mem}},
        }]},
    })
}

#[test]
fn revisions_in_order_and_their_changes() {
    let env1 = json!([
        {"name": "BASE_URL", "value": "https://a"},
        {"name": "KEY", "valueFrom": {"secretKeyRef": {"name": "keys", "key": "K"}}},
    ]);
    let env2 = json!([
        {"name": "BASE_URL", "value": "https://b"},
        {"name": "KEY", "valueFrom": {"secretKeyRef": {"name": "keys2", "key": "K"}}},
        {"name": "NEW", "value": "1"},
    ]);
    let list = [
        rs(
            "agents-b",
            "2",
            "2026-11-30T14:06:00Z",
            template("img:2", Some("t1"), env2.clone(), "3Gi"),
        ),
        rs(
            "agents-a",
            "1",
            "2026-11-30T14:00:00Z",
            template("img:1", None, env1, "2Gi"),
        ),
        rs(
            "agents-c",
            "3",
            "2026-11-30T14:07:00Z",
            template("img:2", Some("t2"), env2, "3Gi"),
        ),
    ];
    let revs = revisions(&list);
    let v = &revs["agents"];
    assert_eq!(v.iter().map(|r| r.number).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(
        change(&v[0].template, &v[1].template),
        [
            "restart",
            "image agent: img:1 → img:2",
            "env BASE_URL: https://a → https://b",
            "env KEY: from secret keys/K → from secret keys2/K",
            "env +NEW",
            "memory limit agent: 2Gi → 3Gi",
        ]
    );
    assert_eq!(change(&v[1].template, &v[2].template), ["restart"]);
}
