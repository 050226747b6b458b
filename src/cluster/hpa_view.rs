//! An HPA as the dashboard shows it: every autoscaling/v2 metric type (Resource and
//! ContainerResource by utilization or average value, Pods, Object, External) with current
//! vs target in the target's units, and the diagnosis.

use k8s_openapi::api::autoscaling::v2::{
    HorizontalPodAutoscaler, MetricSpec, MetricStatus, MetricTarget, MetricValueStatus,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::diagnose;
use super::model::{Condition, HpaMetric, HpaView, MetricSource};
use crate::text::printable;

/// The target as written, whether it is per pod, and the current value in the same terms.
fn against(
    target: &MetricTarget,
    current: Option<&MetricValueStatus>,
) -> (String, bool, Option<String>) {
    let q = |v: &Option<Quantity>| v.as_ref().map(|q| q.0.clone());
    if let Some(u) = target.average_utilization {
        let cur = current
            .and_then(|c| c.average_utilization)
            .map(|c| format!("{c}%"));
        return (format!("{u}%"), false, cur);
    }
    if let Some(v) = &target.average_value {
        return (v.0.clone(), true, current.and_then(|c| q(&c.average_value)));
    }
    let t = target
        .value
        .as_ref()
        .map(|v| v.0.clone())
        .unwrap_or_default();
    (t, false, current.and_then(|c| q(&c.value)))
}

fn over(current: Option<&str>, target: &str) -> bool {
    let num = |s: &str| crate::quantity::value(s.trim_end_matches('%'));
    matches!((current.and_then(num), num(target)), (Some(c), Some(t)) if c > t)
}

/// The spec's metric, its status (matched by type and name) and how it is named.
fn metric(spec: &MetricSpec, status: &[MetricStatus]) -> Option<HpaMetric> {
    let (source, name, target, cur) = match spec.type_.as_str() {
        "Resource" => {
            let r = spec.resource.as_ref()?;
            let c = status
                .iter()
                .filter_map(|s| s.resource.as_ref())
                .find(|s| s.name == r.name);
            (
                MetricSource::Resource,
                r.name.clone(),
                &r.target,
                c.map(|c| &c.current),
            )
        }
        "ContainerResource" => {
            let r = spec.container_resource.as_ref()?;
            let c = status
                .iter()
                .filter_map(|s| s.container_resource.as_ref())
                .find(|s| s.name == r.name && s.container == r.container);
            let name = format!("{} (container {})", r.name, r.container);
            (
                MetricSource::ContainerResource,
                name,
                &r.target,
                c.map(|c| &c.current),
            )
        }
        "Pods" => {
            let p = spec.pods.as_ref()?;
            let c = status
                .iter()
                .filter_map(|s| s.pods.as_ref())
                .find(|s| s.metric.name == p.metric.name);
            (
                MetricSource::Pods,
                p.metric.name.clone(),
                &p.target,
                c.map(|c| &c.current),
            )
        }
        "Object" => {
            let o = spec.object.as_ref()?;
            let c = status
                .iter()
                .filter_map(|s| s.object.as_ref())
                .find(|s| s.metric.name == o.metric.name);
            let name = format!(
                "{} ({}/{})",
                o.metric.name, o.described_object.kind, o.described_object.name
            );
            (MetricSource::Object, name, &o.target, c.map(|c| &c.current))
        }
        "External" => {
            let e = spec.external.as_ref()?;
            let c = status
                .iter()
                .filter_map(|s| s.external.as_ref())
                .find(|s| s.metric.name == e.metric.name);
            (
                MetricSource::External,
                e.metric.name.clone(),
                &e.target,
                c.map(|c| &c.current),
            )
        }
        _ => return None,
    };
    let (target, average, current) = against(target, cur);
    Some(HpaMetric {
        name: printable(&name),
        source,
        over: over(current.as_deref(), &target),
        current,
        target,
        average,
    })
}

pub fn hpa_view(h: &HorizontalPodAutoscaler) -> HpaView {
    let spec = h.spec.as_ref();
    let status = h.status.as_ref();
    let target_ref = spec.map(|s| &s.scale_target_ref);
    let current_metrics: &[MetricStatus] = status
        .and_then(|s| s.current_metrics.as_deref())
        .unwrap_or_default();
    let conditions: Vec<Condition> = status
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .map(|c| Condition {
            type_: c.type_.clone(),
            status: c.status.clone(),
            reason: printable(c.reason.as_deref().unwrap_or_default()),
            message: printable(c.message.as_deref().unwrap_or_default()),
            since: c.last_transition_time.as_ref().map(|t| t.0),
        })
        .collect();
    let mut v = HpaView {
        name: h.metadata.name.clone().unwrap_or_default(),
        target: target_ref
            .map(|r| format!("{}/{}", r.kind, r.name))
            .unwrap_or_default(),
        target_kind: target_ref.map(|r| r.kind.clone()).unwrap_or_default(),
        target_name: target_ref.map(|r| r.name.clone()).unwrap_or_default(),
        min: spec.and_then(|s| s.min_replicas).unwrap_or(1),
        max: spec.map(|s| s.max_replicas).unwrap_or(0),
        current: status.and_then(|s| s.current_replicas).unwrap_or(0),
        desired: status.map(|s| s.desired_replicas).unwrap_or(0),
        metrics: spec
            .and_then(|s| s.metrics.as_ref())
            .into_iter()
            .flatten()
            .filter_map(|m| metric(m, current_metrics))
            .collect(),
        conditions,
        diagnosis: String::new(),
    };
    v.diagnosis = diagnose::hpa(&v);
    v
}

#[cfg(test)]
#[path = "hpa_view_tests.rs"]
mod tests;
