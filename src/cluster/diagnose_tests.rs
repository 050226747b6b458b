use super::*;
use crate::config::StackConfig;

fn view(current: i32, desired: i32, conds: &[(&str, &str, &str)]) -> HpaView {
    HpaView {
        name: "h".into(),
        target: "Deployment/d".into(),
        target_kind: "Deployment".into(),
        target_name: "d".into(),
        min: 3,
        max: 20,
        current,
        desired,
        metrics: vec![crate::cluster::model::HpaMetric {
            name: "cpu".into(),
            source: MetricSource::Resource,
            current: None,
            target: "70%".into(),
            average: false,
            over: false,
        }],
        conditions: conds
            .iter()
            .map(|(t, s, r)| Condition {
                type_: t.to_string(),
                status: s.to_string(),
                reason: r.to_string(),
                message: String::new(),
                since: None,
            })
            .collect(),
        diagnosis: String::new(),
    }
}

#[test]
fn hpa_diagnoses() {
    assert!(
        hpa(&view(
            20,
            20,
            &[("ScalingLimited", "True", "TooManyReplicas")]
        ))
        .starts_with("at max replicas (20)")
    );
    assert_eq!(
        hpa(&view(
            3,
            3,
            &[("ScalingActive", "False", "FailedGetResourceMetric")]
        )),
        "cannot read metrics — is metrics-server installed?"
    );
    assert!(
        hpa(&view(
            8,
            8,
            &[("AbleToScale", "True", "ScaleDownStabilized")]
        ))
        .starts_with("scale-down stabilising")
    );
    assert_eq!(
        hpa(&view(3, 3, &[("AbleToScale", "True", "ReadyForNewScale")])),
        "idle at min replicas (3)"
    );
    assert_eq!(
        hpa(&view(3, 6, &[("AbleToScale", "True", "SucceededRescale")])),
        "scaling up 3 → 6"
    );
}

#[test]
fn event_hints_follow_the_runbook() {
    assert!(
        event_hint(
            "Failed",
            "upstream returned 401 Unauthorized",
            &StackConfig::default()
        )
        .unwrap()
        .contains("rotate")
    );
    assert!(
        event_hint(
            "OOMKilled",
            "Container x was OOMKilled",
            &StackConfig::default()
        )
        .unwrap()
        .contains("memory limit")
    );
    assert!(
        event_hint("FailedGetResourceMetric", "x", &StackConfig::default())
            .unwrap()
            .contains("metrics-server")
    );
    assert!(
        event_hint(
            "Unhealthy",
            "dial tcp 1.2.3.4:443: i/o timeout",
            &StackConfig::default()
        )
        .unwrap()
        .contains("NetworkPolicy")
    );
    assert_eq!(
        event_hint(
            "Scheduled",
            "Successfully assigned",
            &StackConfig::default()
        ),
        None
    );
}

#[test]
fn hints_name_the_configured_objects() {
    let stack = StackConfig {
        network_policy: "egress-llm".into(),
        secret: "llm-keys".into(),
        ..StackConfig::default()
    };
    let egress = event_hint("Unhealthy", "dial tcp 1.2.3.4:443: i/o timeout", &stack).unwrap();
    assert!(egress.ends_with("NetworkPolicy egress-llm"), "{egress}");
    let missing = event_hint("Failed", "secret \"llm-keys\" not found", &stack).unwrap();
    assert!(missing.contains("Secret llm-keys is missing"), "{missing}");
}

#[test]
fn no_metrics_for_the_pods_is_not_blamed_on_metrics_server() {
    let mut h = view(
        3,
        3,
        &[("ScalingActive", "False", "FailedGetResourceMetric")],
    );
    h.conditions[0].message = "the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API".into();
    assert_eq!(
        hpa(&h),
        "the metrics API has no usage for its pods yet (none ready, or just started)"
    );
}
