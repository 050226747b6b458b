use super::*;

fn ld(tag: u64, b: &[u8]) -> Vec<u8> {
    let mut v = vec![((tag << 3) | 2) as u8, b.len() as u8];
    v.extend_from_slice(b);
    v
}

fn vi(tag: u64, n: u8) -> Vec<u8> {
    vec![(tag << 3) as u8, n]
}

fn env(av: &str, kind: &str, raw: &[u8]) -> Vec<u8> {
    let tm = [ld(1, av.as_bytes()), ld(2, kind.as_bytes())].concat();
    [b"k8s\0".as_slice(), &ld(1, &tm), &ld(2, raw)].concat()
}

#[test]
fn configmap_and_secret() {
    let meta = [
        ld(1, b"cfg"),
        ld(3, b"ns"),
        ld(11, &[ld(1, b"app"), ld(2, b"x")].concat()),
    ]
    .concat();
    let cm = [
        ld(1, &meta),
        ld(2, &[ld(1, b"a"), ld(2, b"b")].concat()),
        ld(2, &[ld(1, b"c"), ld(2, b"d")].concat()),
    ]
    .concat();
    let v = decode_object(&env("v1", "ConfigMap", &cm)).unwrap();
    assert_eq!(v["metadata"]["name"], "cfg");
    assert_eq!(v["metadata"]["labels"]["app"], "x");
    assert_eq!(v["data"], json!({"a": "b", "c": "d"}));
    let s = [
        ld(1, &ld(1, b"s")),
        ld(2, &[ld(1, b"k"), ld(2, b"v")].concat()),
        ld(3, b"Opaque"),
    ]
    .concat();
    let v = decode_object(&env("v1", "Secret", &s)).unwrap();
    assert_eq!(v["data"]["k"], "dg==");
    assert_eq!(v["type"], "Opaque");
}

#[test]
fn deployment_from_kubectl_create() {
    let port = [vi(3, 80)].concat();
    let container = [
        ld(1, b"nginx"),
        ld(2, b"nginx"),
        ld(6, &port),
        ld(4, b"-v"),
        ld(4, b"-x"),
    ]
    .concat();
    let podspec = ld(2, &container);
    let tmpl = [
        ld(1, &ld(11, &[ld(1, b"app"), ld(2, b"d")].concat())),
        ld(2, &podspec),
    ]
    .concat();
    let spec = [
        vi(1, 2),
        ld(2, &ld(1, &[ld(1, b"app"), ld(2, b"d")].concat())),
        ld(3, &tmpl),
    ]
    .concat();
    let d = [ld(1, &ld(1, b"d")), ld(2, &spec)].concat();
    let v = decode_object(&env("apps/v1", "Deployment", &d)).unwrap();
    assert_eq!(v["spec"]["replicas"], 2);
    assert_eq!(v["spec"]["selector"]["matchLabels"]["app"], "d");
    let c = &v["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["image"], "nginx");
    assert_eq!(c["ports"][0]["containerPort"], 80);
    assert_eq!(c["args"], json!(["-v", "-x"]));
}

#[test]
fn unsupported_kind_is_named() {
    let e = decode_object(&env("v1", "Pod", &[])).unwrap_err();
    assert!(e.contains("not Pod"), "{e}");
    assert!(decode_object(b"{}").is_err());
}
