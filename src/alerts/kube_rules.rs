//! The runbook's cluster-side incidents as rules over kube-state-metrics' series: a
//! container OOMKilled, a crash loop, an HPA that cannot scale. Series and labels are
//! kube-state-metrics' own (docs/pod-metrics.md: `kube_pod_container_status_restarts_total`,
//! `kube_pod_container_status_last_terminated_reason`, `kube_pod_container_status_waiting_reason`;
//! docs/horizontalpodautoscaler-metrics.md: `kube_horizontalpodautoscaler_status_condition`
//! with `condition` and `status`). The crash-loop form is kubernetes-mixin's
//! `KubePodCrashLooping` (`max_over_time(…waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1`).
//! These need kube-state-metrics scraped by the Prometheus that evaluates them; agentdeck
//! itself reads the same facts from the API server.

use std::collections::BTreeMap;

use super::rules::{Group, Rule, Thresholds};

fn labels(severity: &str, namespace: &str, problem: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("severity".to_string(), severity.to_string()),
        ("namespace".to_string(), namespace.to_string()),
        ("agentdeck_problem".to_string(), problem.to_string()),
    ])
}

fn annotations(pairs: &[(&str, String)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// The group of kube-state-metrics rules for `namespace`.
pub fn group(name: &str, namespace: &str, t: &Thresholds) -> Group {
    let sel = format!("namespace=\"{}\"", crate::metrics::scope::escape(namespace));
    let oom = Rule {
        alert: "AgentContainerOOMKilled".into(),
        expr: format!(
            "(kube_pod_container_status_last_terminated_reason{{{sel},reason=\"OOMKilled\"}} == 1) and on(namespace, pod, container) (increase(kube_pod_container_status_restarts_total{{{sel}}}[10m]) > 0)"
        ),
        for_: String::new(),
        labels: labels("critical", namespace, "oom"),
        annotations: annotations(&[
            ("summary", "Container OOMKilled".into()),
            (
                "description",
                "{{ $labels.namespace }}/{{ $labels.pod }} container {{ $labels.container }} was OOMKilled and restarted in the last 10 minutes (kube-state-metrics)".into(),
            ),
            (
                "agentdeck_fix",
                format!("m raise the memory limit · agentdeck -n {namespace} set-resources WORKLOAD --container CONTAINER --memory-limit SIZE"),
            ),
        ]),
    };
    let crashloop = Rule {
        alert: "AgentContainerCrashLooping".into(),
        expr: format!(
            "max_over_time(kube_pod_container_status_waiting_reason{{{sel},reason=\"CrashLoopBackOff\"}}[5m]) >= 1"
        ),
        for_: t.window.clone(),
        labels: labels("critical", namespace, "crashloop"),
        annotations: annotations(&[
            ("summary", "Container crash-looping".into()),
            (
                "description",
                "{{ $labels.namespace }}/{{ $labels.pod }} container {{ $labels.container }} is waiting in CrashLoopBackOff (kube-state-metrics)".into(),
            ),
            (
                "agentdeck_advice",
                format!("read its last logs: agentdeck -n {namespace} logs --previous POD"),
            ),
        ]),
    };
    let hpa = Rule {
        alert: "AgentHPAUnableToScale".into(),
        expr: format!(
            "kube_horizontalpodautoscaler_status_condition{{{sel},condition=~\"AbleToScale|ScalingActive\",status=\"false\"}} == 1"
        ),
        for_: t.window.clone(),
        labels: labels("warning", namespace, "hpa"),
        annotations: annotations(&[
            ("summary", "HPA cannot scale".into()),
            (
                "description",
                "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has {{ $labels.condition }}=false (kube-state-metrics): it holds its replica count".into(),
            ),
            (
                "agentdeck_advice",
                "ScalingActive=false: its metrics cannot be read (metrics-server, the resource requests); AbleToScale=false: the scale subresource is refused".into(),
            ),
        ]),
    };
    Group {
        name: name.to_string(),
        rules: vec![oom, crashloop, hpa],
    }
}
