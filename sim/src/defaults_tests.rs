use super::*;

#[test]
fn deployment_defaults() {
    let mut d = json!({"kind": "Deployment", "metadata": {"name": "x"}, "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80}]}]}}}});
    apply(&mut d);
    assert_eq!(d["spec"]["replicas"], 1);
    assert_eq!(d["spec"]["strategy"]["rollingUpdate"]["maxSurge"], "25%");
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"],
        "Always"
    );
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["ports"][0]["protocol"],
        "TCP"
    );
}

#[test]
fn secret_string_data_is_encoded() {
    let mut s = json!({"kind": "Secret", "metadata": {"name": "s"}, "stringData": {"k": "v"}});
    apply(&mut s);
    assert_eq!(s["data"]["k"], "dg==");
    assert!(s.get("stringData").is_none());
    assert_eq!(s["type"], "Opaque");
}

#[test]
fn hpa_conversion_roundtrip() {
    let v1 = json!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "spec": {"maxReplicas": 5, "targetCPUUtilizationPercentage": 60}});
    let v2 = hpa_v1_to_v2(&v1);
    assert_eq!(
        v2["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"],
        60
    );
    let back = hpa_v2_to_v1(&v2);
    assert_eq!(back["spec"]["targetCPUUtilizationPercentage"], 60);
    assert!(back["spec"].get("metrics").is_none());
}
