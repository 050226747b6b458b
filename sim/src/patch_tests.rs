use super::*;
use serde_json::json;

fn p(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn smp(mut target: Value, patch: Value) -> Value {
    strategic_merge_patch(&mut target, &patch).expect("strategic merge patch");
    target
}

fn deployment() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default",
                     "annotations": {"deployment.kubernetes.io/revision": "3"},
                     "finalizers": ["a.example/x"]},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}, "annotations": {"team": "core"}},
                "spec": {
                    "containers": [
                        {"name": "app", "image": "nginx:1.25", "args": ["-v"],
                         "ports": [{"containerPort": 80}, {"containerPort": 53, "protocol": "UDP"}],
                         "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}, {"name": "C", "value": "3"}],
                         "volumeMounts": [{"name": "data", "mountPath": "/data"}]},
                        {"name": "sidecar", "image": "busybox:1", "command": ["sleep", "inf"]}
                    ],
                    "volumes": [{"name": "data", "emptyDir": {}}],
                    "tolerations": [{"key": "k", "operator": "Exists"}]
                }
            }
        }
    })
}

// ----- list_kind -----

#[test]
fn list_kind_table() {
    let pod = p(&["spec", "template", "spec"]);
    assert_eq!(list_kind(&pod, "containers"), ListKind::Keyed(&["name"]));
    assert_eq!(
        list_kind(&pod, "initContainers"),
        ListKind::Keyed(&["name"])
    );
    assert_eq!(list_kind(&pod, "volumes"), ListKind::Keyed(&["name"]));
    assert_eq!(list_kind(&pod, "hostAliases"), ListKind::Keyed(&["ip"]));
    assert_eq!(
        list_kind(&pod, "topologySpreadConstraints"),
        ListKind::Keyed(&["topologyKey", "whenUnsatisfiable"])
    );
    let c = p(&["spec", "template", "spec", "containers"]);
    assert_eq!(list_kind(&c, "env"), ListKind::Keyed(&["name"]));
    assert_eq!(
        list_kind(&c, "volumeMounts"),
        ListKind::Keyed(&["mountPath"])
    );
    assert_eq!(
        list_kind(&c, "volumeDevices"),
        ListKind::Keyed(&["devicePath"])
    );
    assert_eq!(
        list_kind(&c, "ports"),
        ListKind::Keyed(&["containerPort", "protocol"])
    );
    assert_eq!(
        list_kind(&p(&["spec", "initContainers"]), "ports"),
        ListKind::Keyed(&["containerPort", "protocol"])
    );
    assert_eq!(list_kind(&c, "args"), ListKind::Atomic);
    assert_eq!(list_kind(&c, "command"), ListKind::Atomic);
    assert_eq!(list_kind(&c, "envFrom"), ListKind::Atomic);
    assert_eq!(
        list_kind(&p(&["spec"]), "ports"),
        ListKind::Keyed(&["port", "protocol"])
    );
    assert_eq!(list_kind(&p(&["subsets"]), "ports"), ListKind::Atomic);
    assert_eq!(
        list_kind(&p(&["status"]), "conditions"),
        ListKind::Keyed(&["type"])
    );
    assert_eq!(
        list_kind(&p(&["metadata"]), "ownerReferences"),
        ListKind::Keyed(&["uid"])
    );
    assert_eq!(list_kind(&p(&["metadata"]), "finalizers"), ListKind::Set);
    assert_eq!(
        list_kind(&p(&["metadata"]), "managedFields"),
        ListKind::Atomic
    );
    assert_eq!(list_kind(&pod, "tolerations"), ListKind::Atomic);
    assert_eq!(list_kind(&p(&[]), "rules"), ListKind::Atomic);
    assert_eq!(list_kind(&p(&[]), "items"), ListKind::Atomic);
}

// ----- strategic merge patch -----

#[test]
fn smp_rollout_restart_preserves_annotations() {
    let out = smp(
        deployment(),
        json!({"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-26T15:00:00Z"}}}}}),
    );
    let ann = &out["spec"]["template"]["metadata"]["annotations"];
    assert_eq!(ann["team"], "core");
    assert_eq!(
        ann["kubectl.kubernetes.io/restartedAt"],
        "2026-11-26T15:00:00Z"
    );
    // everything else untouched
    let mut expected = deployment();
    expected["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"] =
        json!("2026-11-26T15:00:00Z");
    assert_eq!(out, expected);
}

#[test]
fn smp_set_image_merges_container_by_name() {
    let out = smp(
        deployment(),
        json!({"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:2"}]}}}}),
    );
    let cs = out["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap();
    assert_eq!(cs.len(), 2);
    assert_eq!(cs[0]["name"], "app");
    assert_eq!(cs[0]["image"], "nginx:1.25");
    assert_eq!(cs[1]["image"], "busybox:2");
    assert_eq!(cs[1]["command"], json!(["sleep", "inf"]));
}

#[test]
fn smp_new_keyed_item_appended() {
    let out = smp(
        deployment(),
        json!({"spec":{"template":{"spec":{"containers":[{"name":"extra","image":"x"}]}}}}),
    );
    let cs = out["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap();
    assert_eq!(
        cs.iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["app", "sidecar", "extra"]
    );
}

#[test]
fn smp_env_delete_directive() {
    let out = smp(
        deployment(),
        json!({"spec":{"template":{"spec":{"containers":[
            {"name":"app","env":[{"name":"B","$patch":"delete"},{"name":"C","value":"33"},{"name":"D","value":"4"}]}
        ]}}}}),
    );
    let env = &out["spec"]["template"]["spec"]["containers"][0]["env"];
    assert_eq!(
        env,
        &json!([{"name":"A","value":"1"},{"name":"C","value":"33"},{"name":"D","value":"4"}])
    );
}

#[test]
fn smp_delete_without_merge_key_errors() {
    let mut t = deployment();
    let before = t.clone();
    let err = strategic_merge_patch(
        &mut t,
        &json!({"spec":{"template":{"spec":{"containers":[{"image":"x","$patch":"delete"}]}}}}),
    )
    .unwrap_err();
    assert!(
        err.contains("does not contain declared merge key: name"),
        "{err}"
    );
    assert_eq!(t, before);
}

#[test]
fn smp_set_element_order_stripped_and_applied() {
    let out = smp(
        deployment(),
        json!({"spec":{"template":{"spec":{
            "$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}],
            "containers":[{"name":"sidecar","image":"busybox:3"}]
        }}}}),
    );
    let spec = out["spec"]["template"]["spec"].as_object().unwrap();
    assert!(spec.keys().all(|k| !k.starts_with('$')));
    let cs = spec["containers"].as_array().unwrap();
    assert_eq!(cs[0]["name"], "sidecar");
    assert_eq!(cs[0]["image"], "busybox:3");
    assert_eq!(cs[1]["name"], "app");
    assert_eq!(cs[1]["image"], "nginx:1.25");
}

#[test]
fn smp_set_element_order_unnamed_items_go_last() {
    let out = smp(
        json!({"spec":{"containers":[{"name":"a"},{"name":"b"},{"name":"c"}]}}),
        json!({"spec":{"$setElementOrder/containers":[{"name":"c"}]}}),
    );
    assert_eq!(
        out,
        json!({"spec":{"containers":[{"name":"c"},{"name":"a"},{"name":"b"}]}})
    );
}

#[test]
fn smp_container_ports_keyed_with_default_protocol() {
    let out = smp(
        deployment(),
        json!({"spec":{"template":{"spec":{"containers":[{"name":"app","ports":[
            {"containerPort":80,"protocol":"TCP","name":"http"},
            {"containerPort":53,"protocol":"TCP"}
        ]}]}}}}),
    );
    let ports = &out["spec"]["template"]["spec"]["containers"][0]["ports"];
    assert_eq!(
        ports,
        &json!([{"containerPort":80,"protocol":"TCP","name":"http"},{"containerPort":53,"protocol":"UDP"},{"containerPort":53,"protocol":"TCP"}])
    );
}

#[test]
fn smp_service_ports_keyed_by_port() {
    let svc = json!({"kind":"Service","spec":{"type":"ClusterIP","ports":[{"port":80,"targetPort":8080},{"port":443}]}});
    let out = smp(
        svc,
        json!({"spec":{"ports":[{"port":80,"protocol":"TCP","targetPort":9090}]}}),
    );
    assert_eq!(
        out["spec"]["ports"],
        json!([{"port":80,"protocol":"TCP","targetPort":9090},{"port":443}])
    );
}

#[test]
fn smp_atomic_lists_replaced() {
    let out = smp(
        deployment(),
        json!({"spec":{"template":{"spec":{
            "tolerations":[{"key":"z","operator":"Equal","value":"1"}],
            "containers":[{"name":"app","args":["-q"]}]
        }}}}),
    );
    assert_eq!(
        out["spec"]["template"]["spec"]["tolerations"],
        json!([{"key":"z","operator":"Equal","value":"1"}])
    );
    assert_eq!(
        out["spec"]["template"]["spec"]["containers"][0]["args"],
        json!(["-q"])
    );
}

#[test]
fn smp_finalizers_set_union_and_delete_from_primitive_list() {
    let out = smp(
        deployment(),
        json!({"metadata":{"finalizers":["b.example/y","a.example/x"]}}),
    );
    assert_eq!(
        out["metadata"]["finalizers"],
        json!(["a.example/x", "b.example/y"])
    );
    let out = smp(
        out,
        json!({"metadata":{"$deleteFromPrimitiveList/finalizers":["a.example/x"],"finalizers":["c.example/z"]}}),
    );
    assert_eq!(
        out["metadata"]["finalizers"],
        json!(["b.example/y", "c.example/z"])
    );
    assert!(
        out["metadata"]
            .as_object()
            .unwrap()
            .keys()
            .all(|k| !k.starts_with('$'))
    );
}

#[test]
fn smp_null_deletes_and_scalars_replace() {
    let out = smp(
        deployment(),
        json!({"metadata":{"annotations":{"deployment.kubernetes.io/revision":null}},"spec":{"replicas":5,"selector":null}}),
    );
    assert_eq!(out["metadata"]["annotations"], json!({}));
    assert_eq!(out["spec"]["replicas"], 5);
    assert!(out["spec"].get("selector").is_none());
}

#[test]
fn smp_map_replace_directive() {
    let out = smp(
        deployment(),
        json!({"spec":{"template":{"metadata":{"labels":{"$patch":"replace","tier":"fe"}}}}}),
    );
    assert_eq!(
        out["spec"]["template"]["metadata"]["labels"],
        json!({"tier":"fe"})
    );
}

#[test]
fn smp_map_delete_directive() {
    let out = smp(
        deployment(),
        json!({"spec":{"selector":{"$patch":"delete"}}}),
    );
    assert!(out["spec"].get("selector").is_none());
    assert_eq!(out["spec"]["replicas"], 2);
}

#[test]
fn smp_list_replace_directive() {
    let out = smp(
        deployment(),
        json!({"spec":{"template":{"spec":{"volumes":[{"$patch":"replace"},{"name":"cfg","configMap":{"name":"c"}}]}}}}),
    );
    assert_eq!(
        out["spec"]["template"]["spec"]["volumes"],
        json!([{"name":"cfg","configMap":{"name":"c"}}])
    );
}

#[test]
fn smp_retain_keys() {
    let out = smp(
        json!({"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}),
        json!({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}),
    );
    assert_eq!(out, json!({"spec":{"strategy":{"type":"Recreate"}}}));
}

#[test]
fn smp_unknown_patch_directive_errors_and_leaves_target() {
    let mut t = deployment();
    let err = strategic_merge_patch(
        &mut t,
        &json!({"spec":{"replicas":9,"selector":{"$patch":"bogus"}}}),
    )
    .unwrap_err();
    assert!(err.contains("unknown patch type"), "{err}");
    assert_eq!(t, deployment());
    let err = strategic_merge_patch(
        &mut t,
        &json!({"spec":{"template":{"spec":{"containers":[{"name":"app","$patch":"frob"}]}}}}),
    )
    .unwrap_err();
    assert!(err.contains("unknown patch type"), "{err}");
    assert!(strategic_merge_patch(&mut t, &json!([1])).is_err());
}

#[test]
fn smp_new_fields_have_directives_and_nulls_stripped() {
    let out = smp(
        json!({"metadata":{"name":"x"}}),
        json!({"spec":{"a":null,"b":{"$patch":"replace","c":1},"containers":[{"name":"n","env":[{"name":"gone","$patch":"delete"},{"name":"E"}]}]}}),
    );
    assert_eq!(
        out,
        json!({"metadata":{"name":"x"},"spec":{"b":{"c":1},"containers":[{"name":"n","env":[{"name":"E"}]}]}})
    );
}

#[test]
fn smp_conditions_by_type() {
    let out = smp(
        json!({"status":{"conditions":[{"type":"Ready","status":"False"},{"type":"Available","status":"True"}]}}),
        json!({"status":{"conditions":[{"type":"Ready","status":"True","reason":"ok"}]}}),
    );
    assert_eq!(
        out["status"]["conditions"],
        json!([{"type":"Ready","status":"True","reason":"ok"},{"type":"Available","status":"True"}])
    );
}

// ----- JSON merge patch -----

#[test]
fn merge_patch_rfc7386() {
    let mut t = json!({"a":"b","c":{"d":"e","f":"g"},"l":[1,2]});
    merge_patch(
        &mut t,
        &json!({"a":"z","c":{"f":null,"h":{"i":1}},"l":[3],"n":null}),
    );
    assert_eq!(t, json!({"a":"z","c":{"d":"e","h":{"i":1}},"l":[3]}));
    let mut t = json!({"a":"b"});
    merge_patch(&mut t, &json!(["c"]));
    assert_eq!(t, json!(["c"]));
    let mut t = json!("scalar");
    merge_patch(&mut t, &json!({"a":{"b":null}}));
    assert_eq!(t, json!({"a":{}}));
}

#[test]
fn merge_patch_restart_annotation() {
    let mut t = deployment();
    merge_patch(
        &mut t,
        &json!({"spec":{"template":{"metadata":{"annotations":{"r":"1"}}}}}),
    );
    assert_eq!(
        t["spec"]["template"]["metadata"]["annotations"],
        json!({"team":"core","r":"1"})
    );
    // merge patch replaces lists whole
    merge_patch(
        &mut t,
        &json!({"spec":{"template":{"spec":{"containers":[{"name":"only"}]}}}}),
    );
    assert_eq!(
        t["spec"]["template"]["spec"]["containers"],
        json!([{"name":"only"}])
    );
}

// ----- JSON patch -----

#[test]
fn json_patch_add_remove_replace() {
    let mut t = json!({"spec":{"replicas":1,"list":["a","c"]},"metadata":{"labels":{}}});
    json_patch(
        &mut t,
        &json!([
            {"op":"add","path":"/spec/list/1","value":"b"},
            {"op":"add","path":"/spec/list/-","value":"d"},
            {"op":"add","path":"/metadata/labels/app.kubernetes.io~1name","value":"x"},
            {"op":"add","path":"/metadata/labels/t~0ilde","value":"y"},
            {"op":"replace","path":"/spec/replicas","value":3},
            {"op":"remove","path":"/spec/list/0"}
        ]),
    )
    .unwrap();
    assert_eq!(
        t,
        json!({"spec":{"replicas":3,"list":["b","c","d"]},"metadata":{"labels":{"app.kubernetes.io/name":"x","t~ilde":"y"}}})
    );
}

#[test]
fn json_patch_test_move_copy() {
    let mut t = json!({"spec":{"replicas":2,"a":{"x":1},"arr":[1,2,3]}});
    json_patch(
        &mut t,
        &json!([
            {"op":"test","path":"/spec/replicas","value":2.0},
            {"op":"move","from":"/spec/a","path":"/spec/b"},
            {"op":"copy","from":"/spec/b/x","path":"/spec/arr/0"},
            {"op":"move","from":"/spec/arr/3","path":"/spec/arr/0"}
        ]),
    )
    .unwrap();
    assert_eq!(
        t,
        json!({"spec":{"replicas":2,"b":{"x":1},"arr":[3,1,1,2]}})
    );
}

#[test]
fn json_patch_failures_are_atomic() {
    let orig = json!({"spec":{"replicas":2}});
    let mut t = orig.clone();
    let err = json_patch(
        &mut t,
        &json!([{"op":"replace","path":"/spec/replicas","value":5},{"op":"test","path":"/spec/replicas","value":2}]),
    )
    .unwrap_err();
    assert_eq!(err, "testing value /spec/replicas failed");
    assert_eq!(t, orig);

    let err = json_patch(
        &mut t,
        &json!([{"op":"add","path":"/spec/x","value":1},{"op":"remove","path":"/spec/foo"}]),
    )
    .unwrap_err();
    assert_eq!(err, "doc is missing path: \"/spec/foo\"");
    assert_eq!(t, orig);

    let err = json_patch(
        &mut t,
        &json!([{"op":"replace","path":"/nope/x","value":1}]),
    )
    .unwrap_err();
    assert_eq!(err, "doc is missing path: \"/nope/x\"");
    assert!(json_patch(&mut t, &json!([{"op":"add","path":"/a/b","value":1}])).is_err());
    assert!(
        json_patch(&mut t, &json!([{"op":"bogus","path":"/a"}]))
            .unwrap_err()
            .contains("Unexpected kind")
    );
    assert!(json_patch(&mut t, &json!([{"op":"add","path":"/spec/replicas"}])).is_err());
    assert!(
        json_patch(
            &mut t,
            &json!([{"op":"move","from":"/spec","path":"/spec/inner"}])
        )
        .is_err()
    );
    assert!(json_patch(&mut t, &json!({"op":"add"})).is_err());
    assert!(json_patch(&mut t, &json!([{"op":"add","path":"spec","value":1}])).is_err());
    assert_eq!(t, orig);
}

#[test]
fn json_patch_array_index_rules() {
    let mut t = json!({"a":[0,1]});
    assert!(json_patch(&mut t, &json!([{"op":"add","path":"/a/3","value":9}])).is_err());
    assert!(json_patch(&mut t, &json!([{"op":"remove","path":"/a/01"}])).is_err());
    assert!(json_patch(&mut t, &json!([{"op":"remove","path":"/a/-"}])).is_err());
    json_patch(&mut t, &json!([{"op":"add","path":"/a/2","value":2}])).unwrap();
    assert_eq!(t, json!({"a":[0,1,2]}));
}

#[test]
fn json_patch_root_and_test_null_on_missing() {
    let mut t = json!({"a":1});
    json_patch(&mut t, &json!([{"op":"test","path":"/missing","value":null},{"op":"replace","path":"","value":{"b":2}}]))
        .unwrap();
    assert_eq!(t, json!({"b":2}));
    assert!(json_patch(&mut t, &json!([{"op":"remove","path":""}])).is_err());
}
