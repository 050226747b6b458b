use super::*;

fn w<'a>(m: &'a str) -> Writer<'a> {
    Writer {
        manager: m,
        subresource: "",
        api_version: "apps/v1",
        time: "2026-11-26T15:00:00Z",
    }
}

fn deploy(replicas: i64, image: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "ns", "labels": {"app": "web"}},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
          "template": {"metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "app", "image": image, "args": ["a", "b"]}]}}}})
}

#[test]
fn fields_use_keys_for_keyed_lists() {
    let f = fields_of(&deploy(3, "x"));
    let img: Path = [
        "f:spec",
        "f:template",
        "f:spec",
        "f:containers",
        r#"k:{"name":"app"}"#,
        "f:image",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert!(f.contains(&img), "{f:?}");
    assert!(
        !f.iter()
            .any(|p| p.iter().any(|e| e == "f:name" && p.len() == 2))
    );
    assert_eq!(get_at(&deploy(3, "x"), &img), Some(&json!("x")));
    let back = from_fields_v1(&to_fields_v1(&f));
    assert_eq!(back, f);
}

#[test]
fn apply_creates_then_conflicts_with_other_manager() {
    let created = apply(None, &deploy(3, "x"), &w("kubectl"), false).unwrap();
    assert_eq!(created["spec"]["replicas"], 3);
    assert_eq!(
        created["metadata"]["managedFields"][0]["manager"],
        "kubectl"
    );
    assert_eq!(
        created["metadata"]["managedFields"][0]["operation"],
        "Apply"
    );

    // Another writer scales via update: takes .spec.replicas.
    let mut scaled = created.clone();
    scaled["spec"]["replicas"] = json!(5);
    track_update(Some(&created), &mut scaled, &w("kube-controller-manager"));
    let m = read_managed(&scaled);
    assert_eq!(m.len(), 2);

    // Re-applying replicas 3 now conflicts, naming the other manager.
    let err = apply(Some(&scaled), &deploy(3, "x"), &w("kubectl"), false).unwrap_err();
    assert_eq!(
        err,
        vec![(
            "kube-controller-manager".to_string(),
            ".spec.replicas".to_string()
        )]
    );
    // Same value: shared ownership, no conflict.
    assert!(apply(Some(&scaled), &deploy(5, "x"), &w("kubectl"), false).is_ok());
    // Force takes it over.
    let forced = apply(Some(&scaled), &deploy(3, "x"), &w("kubectl"), true).unwrap();
    assert_eq!(forced["spec"]["replicas"], 3);
    assert_eq!(read_managed(&forced).len(), 1);
}

#[test]
fn apply_removes_fields_no_longer_declared() {
    let mut with_label = deploy(3, "x");
    with_label["metadata"]["labels"]["tier"] = json!("web");
    let live = apply(None, &with_label, &w("kubectl"), false).unwrap();
    assert_eq!(live["metadata"]["labels"]["tier"], "web");
    let live = apply(Some(&live), &deploy(3, "y"), &w("kubectl"), false).unwrap();
    assert!(live["metadata"]["labels"].get("tier").is_none());
    assert_eq!(
        live["spec"]["template"]["spec"]["containers"][0]["image"],
        "y"
    );
    assert_eq!(live["metadata"]["labels"]["app"], "web");
}

#[test]
fn display_paths() {
    let p: Path = ["f:spec", r#"k:{"name":"c"}"#, "f:image"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(display_path(&p), r#".spec[name="c"].image"#);
}
