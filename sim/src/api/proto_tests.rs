use super::enc::{encode_msg, encode_object};
use super::*;
use crate::kinds;

fn samples() -> Vec<Value> {
    serde_json::from_str(include_str!("proto_samples.json")).expect("proto_samples.json")
}

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

/// Every kind the sim serves has a rich sample, and every sample survives
/// JSON → protobuf → JSON unchanged.
#[test]
fn every_served_kind_round_trips() {
    let samples = samples();
    let has = |av: &str, kind: &str| {
        samples
            .iter()
            .any(|s| (av == "*" || s["apiVersion"] == av) && s["kind"] == kind)
    };
    for r in kinds::resources() {
        let av = r.api_version();
        assert!(root(&av, r.kind).is_some(), "no schema for {av} {}", r.kind);
        assert!(
            has(&av, r.kind),
            "proto_samples.json has no {av} {}",
            r.kind
        );
    }
    for (av, kind, _) in ROOTS {
        assert!(has(av, kind), "proto_samples.json has no {av} {kind}");
    }
    for s in &samples {
        let body = encode_object(s).unwrap_or_else(|e| panic!("encode: {e}"));
        let back = decode_object(&body).unwrap_or_else(|e| panic!("decode {}: {e}", s["kind"]));
        assert_eq!(&back, s, "{} {}", s["apiVersion"], s["kind"]);
    }
}

/// The generated roots are exactly the kinds the registry says have a protobuf message:
/// every served kind (`scripts/gen-proto-schema.py` reads the `res!` rows of kinds.rs), the
/// schema-only kinds marked `protobuf` (the script's EXTRA_ROOTS), then DeleteOptions in
/// any group version.
#[test]
fn the_roots_are_the_registrys_kinds() {
    let mut want: Vec<(String, &str)> = Vec::new();
    for r in kinds::resources() {
        let k = (r.api_version(), r.kind);
        if !want.contains(&k) {
            want.push(k);
        }
    }
    let schema_only = kinds::SCHEMA_ONLY.iter().filter(|s| s.protobuf);
    want.extend(schema_only.map(|s| (s.typed.api_version.to_string(), s.typed.kind)));
    want.push(("*".into(), "DeleteOptions"));
    let got: Vec<(String, &str)> = ROOTS
        .iter()
        .map(|(av, k, _)| (av.to_string(), *k))
        .collect();
    assert_eq!(got, want);
}

/// Cut or corrupted bodies are errors, never panics.
#[test]
fn malformed_bodies_are_errors() {
    for s in samples().iter().take(8) {
        let body = encode_object(s).unwrap();
        for cut in (5..body.len()).step_by(7) {
            let _ = decode_object(&body[..cut]);
            let mut bad = body.clone();
            bad[cut] ^= 0xa5;
            let _ = decode_object(&bad);
        }
    }
    assert!(decode_object(b"{}").is_err());
    assert!(decode_object(b"k8s\0\x12\xff").is_err());
    let e = decode_object(&env("v1", "ConfigMap", &[0x12, 0x05, 0x0a])).unwrap_err();
    assert!(e.contains("malformed protobuf ConfigMap"), "{e}");
}

#[test]
fn unserved_kind_is_named() {
    let e = decode_object(&env("scheduling.k8s.io/v1", "PriorityClass", &[])).unwrap_err();
    assert!(e.contains(r#"no kind "PriorityClass""#), "{e}");
}

/// Go's protobuf writes every non-pointer field, zero or not: the zero values JSON would
/// omit are dropped, the pointers' zeros (replicas: 0) and required fields are kept.
#[test]
fn zero_values_as_go_writes_them() {
    let meta = [ld(1, b"svc"), ld(2, b""), ld(3, b""), ld(8, b"")].concat();
    let port = [
        ld(1, b""),
        ld(2, b"TCP"),
        vi(3, 80),
        ld(4, &vi(2, 0)),
        vi(5, 0),
    ]
    .concat();
    let spec = [ld(1, &port), ld(3, b""), ld(4, b"ClusterIP"), ld(7, b"")].concat();
    let v = decode_object(&env(
        "v1",
        "Service",
        &[ld(1, &meta), ld(2, &spec)].concat(),
    ))
    .unwrap();
    assert_eq!(v["metadata"], json!({"name": "svc"}));
    assert_eq!(
        v["spec"],
        json!({"ports": [{"protocol": "TCP", "port": 80, "targetPort": 0}], "type": "ClusterIP"})
    );
    let d = [ld(1, &ld(1, b"d")), ld(2, &vi(1, 0))].concat();
    let v = decode_object(&env("apps/v1", "Deployment", &d)).unwrap();
    assert_eq!(v["spec"]["replicas"], 0);
}

/// Repeated numbers are read packed and unpacked; negative int32 as Go writes them.
#[test]
fn packed_unpacked_and_negative_numbers() {
    let sc_unpacked = [vi(4, 7), vi(4, 8)].concat();
    let sc_packed = ld(4, &[7, 8]);
    for sc in [sc_unpacked, sc_packed] {
        let pod = ld(2, &ld(14, &sc));
        let v = decode_object(&env("v1", "Pod", &pod)).unwrap();
        assert_eq!(
            v["spec"]["securityContext"]["supplementalGroups"],
            json!([7, 8])
        );
    }
    let state = json!({"terminated": {"exitCode": -1}});
    let m = msg("core.v1.ContainerState");
    let b = encode_msg(m, &state).unwrap();
    assert_eq!(decode_msg(m, &b, 0).unwrap(), state);
}

fn msg(name: &str) -> &'static Msg {
    MESSAGES.iter().find(|m| m.name == name).expect(name)
}

#[test]
fn times_as_kube_apiserver_writes_them() {
    let t = [vi(1, 0), vi(2, 0)].concat();
    let (time, micro) = (msg("meta.v1.Time"), msg("meta.v1.MicroTime"));
    assert_eq!(decode_msg(time, &t, 0).unwrap(), "1970-01-01T00:00:00Z");
    assert_eq!(decode_msg(time, &[], 0).unwrap(), Value::Null);
    let b = encode_msg(micro, &json!("2026-11-30T21:00:00.5Z")).unwrap();
    assert_eq!(
        decode_msg(micro, &b, 0).unwrap(),
        "2026-11-30T21:00:00.500000Z"
    );
    let b = encode_msg(time, &json!("2026-11-30T21:00:00.5Z")).unwrap();
    assert_eq!(decode_msg(time, &b, 0).unwrap(), "2026-11-30T21:00:00Z");
}

/// A schema nested without end is refused, not a stack overflow.
#[test]
fn deep_nesting_is_refused() {
    let mut schema = json!({"type": "string"});
    for _ in 0..200 {
        schema = json!({"type": "object", "properties": {"x": schema}});
    }
    let crd = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "spec": {"versions": [{"name": "v1", "schema": {"openAPIV3Schema": schema}}]}});
    let e = decode_object(&encode_object(&crd).unwrap()).unwrap_err();
    assert!(e.contains("nested deeper"), "{e}");
}

#[test]
fn deployment_from_kubectl_create() {
    let container = [
        ld(1, b"nginx"),
        ld(2, b"nginx"),
        ld(6, &vi(3, 80)),
        ld(4, b"-v"),
        ld(4, b"-x"),
    ]
    .concat();
    let tmpl = [
        ld(1, &ld(11, &[ld(1, b"app"), ld(2, b"d")].concat())),
        ld(2, &ld(2, &container)),
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
