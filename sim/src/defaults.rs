//! Defaulting as kube-apiserver does it for the kinds the sim runs (the common ObjectMeta
//! part here, each kind's own in [`per_kind`], named by the registry of kinds), and the
//! autoscaling/v1 ↔ v2 conversion of HorizontalPodAutoscalers.

use serde_json::{Map, Value, json};

use crate::kinds;

pub mod per_kind;

/// Apply the defaults for this kind (idempotent; run on every write): the ObjectMeta
/// defaults of the object and of its pod or job templates, then the kind's own (`defaults`
/// of its [`crate::kinds::KindSpec`], by kind name as kube-apiserver's are per kind).
pub fn apply(obj: &mut Value) {
    object_meta(obj, false);
    for t in [
        "/spec/template",
        "/spec/jobTemplate",
        "/spec/jobTemplate/spec/template",
    ] {
        if let Some(t) = obj.pointer_mut(t).filter(|t| t.is_object()) {
            object_meta(t, true);
        }
    }
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    if let Some(defaults) = kinds::defaults_of(kind) {
        defaults(obj);
    }
}

/// An ObjectMeta as kube-apiserver encodes it: empty label and annotation maps omitted
/// (`omitempty`), and an embedded template's zero `creationTimestamp` written as `null`.
fn object_meta(obj: &mut Value, embedded: bool) {
    let Some(m) = obj.as_object_mut() else { return };
    if embedded {
        let md = m.entry("metadata").or_insert_with(|| json!({}));
        if let Some(md) = md.as_object_mut() {
            md.entry("creationTimestamp").or_insert(Value::Null);
        }
    }
    if let Some(md) = m.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in ["labels", "annotations"] {
            if md
                .get(k)
                .is_some_and(|v| v.is_null() || v.as_object().is_some_and(Map::is_empty))
            {
                md.remove(k);
            }
        }
    }
}

/// autoscaling/v1 HPA (as a client sent it) → the stored autoscaling/v2 form.
pub fn hpa_v1_to_v2(v1: &Value) -> Value {
    let mut v2 = v1.clone();
    v2["apiVersion"] = json!("autoscaling/v2");
    if let Some(spec) = v2.get_mut("spec").and_then(Value::as_object_mut)
        && let Some(t) = spec.remove("targetCPUUtilizationPercentage")
    {
        spec.insert(
                "metrics".into(),
                json!([{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": t}}}]),
            );
    }
    if let Some(st) = v2.get_mut("status").and_then(Value::as_object_mut)
        && let Some(c) = st.remove("currentCPUUtilizationPercentage")
    {
        st.insert(
                "currentMetrics".into(),
                json!([{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": c}}}]),
            );
    }
    v2
}

/// Stored autoscaling/v2 HPA → autoscaling/v1 (only the CPU target survives, as in Kubernetes).
pub fn hpa_v2_to_v1(v2: &Value) -> Value {
    let mut v1 = v2.clone();
    v1["apiVersion"] = json!("autoscaling/v1");
    let cpu = |list: Option<&Value>, field: &str| {
        list.and_then(Value::as_array)?
            .iter()
            .find(|m| m.pointer("/resource/name").and_then(Value::as_str) == Some("cpu"))?
            .pointer(&format!("/resource/{field}/averageUtilization"))
            .cloned()
    };
    let target = cpu(v2.pointer("/spec/metrics"), "target");
    let current = cpu(v2.pointer("/status/currentMetrics"), "current");
    if let Some(spec) = v1.get_mut("spec").and_then(Value::as_object_mut) {
        spec.remove("metrics");
        spec.remove("behavior");
        if let Some(t) = target {
            spec.insert("targetCPUUtilizationPercentage".into(), t);
        }
    }
    if let Some(st) = v1.get_mut("status").and_then(Value::as_object_mut) {
        st.remove("currentMetrics");
        st.remove("conditions");
        if let Some(c) = current {
            st.insert("currentCPUUtilizationPercentage".into(), c);
        }
    }
    v1
}

#[cfg(test)]
#[path = "defaults_tests.rs"]
mod tests;
