//! Plain-word diagnoses: the HPA's state in one line, and the runbook's hint for an event.

use super::model::{Condition, HpaView, MetricSource};
use crate::config::StackConfig;

fn cond<'a>(h: &'a HpaView, t: &str) -> Option<&'a Condition> {
    h.conditions.iter().find(|c| c.type_ == t)
}

/// The names of the metrics of `source` the HPA could not read.
fn unread(h: &HpaView, sources: &[MetricSource]) -> String {
    let names: Vec<&str> = h
        .metrics
        .iter()
        .filter(|m| sources.contains(&m.source) && m.current.is_none())
        .map(|m| m.name.as_str())
        .collect();
    if names.is_empty() {
        "its metric".into()
    } else {
        names.join(", ")
    }
}

/// Why the HPA cannot read its metrics, by the condition's reason.
fn metrics_diagnosis(h: &HpaView, c: &Condition) -> String {
    use MetricSource::*;
    match c.reason.as_str() {
        "FailedGetResourceMetric" | "FailedGetContainerResourceMetric"
            if c.message.contains("no metrics returned") =>
        {
            "the metrics API has no usage for its pods yet (none ready, or just started)".into()
        }
        "FailedGetResourceMetric" | "FailedGetContainerResourceMetric" => {
            "cannot read metrics — is metrics-server installed?".into()
        }
        "FailedGetExternalMetric" => format!(
            "cannot read external metric {} — is the external metrics adapter (e.g. KEDA, prometheus-adapter) running and serving it?",
            unread(h, &[External])
        ),
        "FailedGetObjectMetric" | "FailedGetPodsMetric" => format!(
            "cannot read custom metric {} — is the custom metrics adapter (e.g. prometheus-adapter, KEDA) running and serving it?",
            unread(h, &[Pods, Object])
        ),
        _ if c.message.contains("metrics") || c.reason.contains("Metric") => {
            format!("cannot compute replicas from its metrics: {}", c.reason)
        }
        _ => format!("not scaling: {}", c.reason),
    }
}

/// One line saying what the HPA is doing or what is wrong with it.
pub fn hpa(h: &HpaView) -> String {
    if let Some(c) = cond(h, "AbleToScale").filter(|c| c.status == "False") {
        return format!("cannot scale: {} — {}", c.reason, c.message);
    }
    if let Some(c) = cond(h, "ScalingActive").filter(|c| c.status == "False") {
        return metrics_diagnosis(h, c);
    }
    if h.metrics.is_empty() {
        return "no metrics in its spec: the controller scales on CPU at 80 %".into();
    }
    let limited = cond(h, "ScalingLimited").filter(|c| c.status == "True");
    if limited.is_some_and(|c| c.reason == "TooManyReplicas") || (h.current >= h.max && h.max > 0) {
        return format!(
            "at max replicas ({}): add capacity or raise maxReplicas",
            h.max
        );
    }
    if limited.is_some_and(|c| c.reason == "TooFewReplicas") {
        return format!("held at min replicas ({}): the metrics want fewer", h.min);
    }
    if cond(h, "AbleToScale").is_some_and(|c| c.reason == "ScaleDownStabilized") {
        return "scale-down stabilising: waiting out the window before removing pods".into();
    }
    if h.desired > h.current {
        return format!("scaling up {} → {}", h.current, h.desired);
    }
    if h.desired < h.current && h.desired > 0 {
        return format!("scaling down {} → {}", h.current, h.desired);
    }
    if h.conditions.is_empty() {
        return "waiting for the first HPA sync".into();
    }
    if h.current <= h.min {
        return format!("idle at min replicas ({})", h.min);
    }
    "within range, metrics near target".into()
}

/// The runbook's advice for a Warning event, when one fits; `stack` names the objects.
pub fn event_hint(reason: &str, message: &str, stack: &StackConfig) -> Option<String> {
    let m = message.to_lowercase();
    let hint = if m.contains("401") || m.contains("unauthorized") || reason == "Unauthorized" {
        "provider rejects the API key: rotate it (rotate-key), then restart"
    } else if reason == "OOMKilled" || reason == "OOMKilling" || m.contains("oomkilled") {
        "out of memory: raise the container's memory limit"
    } else if reason == "FailedGetResourceMetric"
        || reason == "FailedComputeMetricsReplicas"
        || m.contains("metrics api")
    {
        "HPA cannot read metrics: is metrics-server installed?"
    } else if m.contains("i/o timeout")
        || m.contains("egress")
        || m.contains("dial tcp")
        || m.contains("context deadline exceeded")
    {
        return Some(format!(
            "egress blocked or slow: check the NetworkPolicy {}",
            stack.network_policy
        ));
    } else if m.contains("secret") && m.contains("not found") {
        return Some(format!(
            "the Secret {} is missing: create it (rotate-key)",
            stack.secret
        ));
    } else if reason == "BackOff" || m.contains("crashloopbackoff") {
        "container keeps crashing: read its last logs and state"
    } else if reason == "FailedScheduling" {
        "no node fits: add nodes or lower requests"
    } else if reason == "ProgressDeadlineExceeded" {
        "rollout stuck: check the new pods, or roll back"
    } else {
        return None;
    };
    Some(hint.to_string())
}

#[cfg(test)]
#[path = "diagnose_tests.rs"]
mod tests;
