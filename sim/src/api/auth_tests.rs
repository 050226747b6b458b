use super::*;

fn ld(tag: u64, bytes: &[u8]) -> Vec<u8> {
    let mut v = vec![((tag << 3) | 2) as u8, bytes.len() as u8];
    v.extend_from_slice(bytes);
    v
}

#[test]
fn decodes_protobuf_review() {
    let ra = [
        ld(1, b"ai-agents"),
        ld(2, b"patch"),
        ld(3, b"apps"),
        ld(5, b"deployments"),
    ]
    .concat();
    let spec = ld(1, &ra);
    let ssar = [ld(1, b""), ld(2, &spec)].concat();
    let unknown = [
        ld(
            1,
            &[
                ld(1, b"authorization.k8s.io/v1"),
                ld(2, b"SelfSubjectAccessReview"),
            ]
            .concat(),
        ),
        ld(2, &ssar),
    ]
    .concat();
    let body = [b"k8s\0".as_slice(), &unknown].concat();
    let v = decode_ssar_protobuf(&body).unwrap();
    assert_eq!(v["spec"]["resourceAttributes"]["verb"], "patch");
    assert_eq!(v["spec"]["resourceAttributes"]["resource"], "deployments");
    assert_eq!(v["spec"]["resourceAttributes"]["namespace"], "ai-agents");
    assert!(decode_ssar_protobuf(b"k8s\0\x12\xff").is_err());
}
