use super::*;

fn names(docs: &[Document]) -> Vec<String> {
    docs.iter().map(slash_name).collect()
}

#[test]
fn kubectl_spellings_of_kinds() {
    assert_eq!(
        kind_names("NetworkPolicy"),
        vec!["networkpolicy", "networkpolicies", "netpol"]
    );
    assert_eq!(kind_names("Ingress")[1], "ingresses");
    assert_eq!(
        kind_names("HorizontalPodAutoscaler"),
        vec!["horizontalpodautoscaler", "horizontalpodautoscalers", "hpa"]
    );
    assert_eq!(kind_names("Gateway")[1], "gateways");
}

#[test]
fn only_selects_by_any_spelling() {
    let docs = crate::manifests::bundled().unwrap();
    for spec in [
        "networkpolicy/allow-holysheep-api",
        "NetworkPolicies/allow-holysheep-api",
        "netpol/allow-holysheep-api",
        "networkpolicy.networking.k8s.io/allow-holysheep-api",
    ] {
        let got = select(docs.clone(), &[spec.to_string()]).unwrap();
        assert_eq!(
            names(&got),
            vec!["networkpolicy/allow-holysheep-api"],
            "{spec}"
        );
    }
    let got = select(
        docs.clone(),
        &[
            "svc/redis".into(),
            "deploy/redis".into(),
            "cm/redis-config".into(),
        ],
    )
    .unwrap();
    assert_eq!(
        names(&got),
        vec![
            "configmap/redis-config",
            "deployment/redis",
            "service/redis"
        ],
        "in the stack's order"
    );
    assert_eq!(select(docs.clone(), &[]).unwrap().len(), docs.len());
}

#[test]
fn an_unknown_only_lists_the_objects() {
    let docs = crate::manifests::bundled().unwrap();
    let e = select(docs.clone(), &["networkpolicy/nope".into()]).unwrap_err();
    let m = e.to_string();
    assert!(
        m.contains("networkpolicy/nope")
            && m.contains("networkpolicy/allow-holysheep-api")
            && m.contains("deployment/ai-agent-service")
            && m.contains("horizontalpodautoscaler/ai-agent-hpa"),
        "{m}"
    );
    let m = select(docs.clone(), &["deployment.batch/redis".into()])
        .unwrap_err()
        .to_string();
    assert!(m.contains("matches no object"), "{m}");
    let m = select(docs, &["redis".into()]).unwrap_err().to_string();
    assert!(m.contains("KIND/NAME"), "{m}");
}
