//! One HPA metric's replica proposal and `status.currentMetrics` entry, computed as the real
//! controller's replica calculator does for each autoscaling/v2 metric type: Resource and
//! ContainerResource (Utilization or AverageValue, from the pods' simulated usage), Pods
//! (AverageValue), Object (Value or AverageValue) and External (Value or AverageValue), the
//! last three from values fed through `/_sim/hpa-metrics` ([`crate::hpa_feed`]). Errors and
//! their wording are the real controller's (for a cluster without a metrics adapter).

use std::sync::Arc;

use serde_json::{Value, json};

use crate::hpa_feed::FeedKind;
use crate::{Sim, meta, usage};

const TOLERANCE: f64 = 0.1;

/// What one sync knows when it computes a metric.
pub struct Ctx<'a> {
    pub sim: &'a Sim,
    pub ns: &'a str,
    /// The ready, not terminating pods of the target.
    pub ready: &'a [&'a Arc<Value>],
    /// The target's spec.replicas.
    pub spec_replicas: i64,
    /// The target's status.replicas.
    pub status_replicas: i64,
}

/// A metric the controller could compute.
#[derive(Debug)]
pub struct Computed {
    pub proposal: i64,
    /// How the controller names it in conditions and events ("cpu resource utilization
    /// (percentage of request)", "pods metric x", "external metric q(nil)").
    pub name: String,
    /// Its `status.currentMetrics` entry.
    pub status: Value,
}

/// A metric the controller could not compute.
#[derive(Debug)]
pub struct Failed {
    /// The condition and event reason, e.g. FailedGetExternalMetric.
    pub reason: &'static str,
    /// The error the condition message and the event carry.
    pub err: String,
    /// The error as the controller returns it (in FailedComputeMetricsReplicas).
    pub wrapped: String,
}

fn within(ratio: f64) -> bool {
    (1.0 - ratio).abs() <= TOLERANCE
}

/// A quantity from milli-units, in canonical DecimalSI form (as `resource.NewMilliQuantity`).
pub fn fmt_milli(milli: i64) -> String {
    if milli % 1000 != 0 {
        return format!("{milli}m");
    }
    let mut v = milli / 1000;
    let mut suffix = "";
    for s in ["k", "M", "G", "T", "P", "E"] {
        if v == 0 || v % 1000 != 0 {
            break;
        }
        v /= 1000;
        suffix = s;
    }
    format!("{v}{suffix}")
}

/// A quantity's milli-value, rounded up (as `Quantity.MilliValue`).
fn milli(q: Option<&Value>) -> Option<i64> {
    q.and_then(meta::parse_quantity)
        .map(|v| (v * 1000.0 - 1e-9).ceil() as i64)
}

/// A metric selector as Go's `%+v` prints a `*metav1.LabelSelector`.
pub fn selector_string(s: Option<&Value>) -> String {
    let Some(s) = s.filter(|s| !s.is_null()) else {
        return "nil".into();
    };
    let labels: String = s
        .get("matchLabels")
        .and_then(Value::as_object)
        .map(|m| {
            let mut kv: Vec<_> = m.iter().collect();
            kv.sort_by(|a, b| a.0.cmp(b.0));
            kv.iter()
                .map(|(k, v)| format!("{k}: {},", v.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    let exprs: String = s
        .get("matchExpressions")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|e| {
                    let vals: Vec<&str> = e["values"]
                        .as_array()
                        .map(|v| v.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    format!(
                        "LabelSelectorRequirement{{Key:{},Operator:{},Values:[]string{{{},}},}},",
                        e["key"].as_str().unwrap_or(""),
                        e["operator"].as_str().unwrap_or(""),
                        vals.join(",")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    format!(
        "&LabelSelector{{MatchLabels:map[string]string{{{labels}}},MatchExpressions:[]LabelSelectorRequirement{{{exprs}}},}}"
    )
}

/// Replicas for a usage ratio against the ready pods (getUsageRatioReplicaCount).
fn ratio_replicas(cx: &Ctx, ratio: f64) -> i64 {
    if cx.spec_replicas == 0 {
        return ratio.ceil() as i64;
    }
    if within(ratio) {
        return cx.spec_replicas;
    }
    (ratio * cx.ready.len() as f64).ceil() as i64
}

/// Replicas for a total against a per-pod target (the AverageValue targets of Object and
/// External metrics), and the per-pod average reported.
fn per_pod_replicas(cx: &Ctx, total: i64, target: i64) -> (i64, i64) {
    let replicas = cx.status_replicas.max(1);
    let ratio = total as f64 / (target as f64 * replicas as f64);
    let proposal = if within(ratio) {
        cx.status_replicas
    } else {
        (total as f64 / target as f64).ceil() as i64
    };
    (proposal, (total as f64 / replicas as f64).ceil() as i64)
}

fn identifier(m: &Value) -> Value {
    let mut id = json!({"name": m["name"]});
    if let Some(s) = m.get("selector").filter(|s| !s.is_null()) {
        id["selector"] = s.clone();
    }
    id
}

/// The replica proposal and status of one metric spec.
pub fn compute(cx: &Ctx, m: &Value) -> Result<Computed, Failed> {
    match m["type"].as_str().unwrap_or("") {
        "Resource" => resource(cx, &m["resource"], None),
        "ContainerResource" => {
            let c = m["containerResource"]["container"].as_str().unwrap_or("");
            resource(cx, &m["containerResource"], Some(c))
        }
        "Pods" => pods(cx, &m["pods"]),
        "Object" => object(cx, &m["object"]),
        "External" => external(cx, &m["external"]),
        t => {
            let err = format!("unknown metric source type \"{t}\"");
            Err(Failed {
                reason: "InvalidMetricSourceType",
                wrapped: err.clone(),
                err,
            })
        }
    }
}

/// Used and requested amounts of `res` over the ready pods (one container's, or all).
fn resource_use(cx: &Ctx, res: &str, container: Option<&str>) -> Result<(f64, f64), String> {
    let (mut used, mut requested) = (0.0, 0.0);
    for p in cx.ready {
        let req = match container {
            None => meta::pod_resource_sum(p, "requests", res),
            Some(c) => {
                let spec = meta::ptr(p, "/spec/containers")
                    .and_then(Value::as_array)
                    .and_then(|cs| cs.iter().find(|x| x["name"] == c))
                    .ok_or_else(|| {
                        format!(
                            "container {c} not present in metrics for pod {}/{}",
                            cx.ns,
                            meta::name(p)
                        )
                    })?;
                meta::ptr(spec, &format!("/resources/requests/{res}"))
                    .and_then(meta::parse_quantity)
                    .unwrap_or(0.0)
            }
        };
        let (cpu, mem) =
            usage::usage_fraction(cx.sim, cx.ns, usage::deployment_of(p), meta::name(p));
        used += if res == "cpu" { cpu } else { mem } * req;
        requested += req;
        if req <= 0.0 {
            let c = container.map(str::to_string).unwrap_or_else(|| {
                meta::ptr(p, "/spec/containers/0/name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            });
            return Err(format!(
                "missing request for {res} in container {c} of Pod {}",
                meta::name(p)
            ));
        }
    }
    Ok((used, requested))
}

/// Resource and ContainerResource: utilization of the requests, or an average value.
fn resource(cx: &Ctx, spec: &Value, container: Option<&str>) -> Result<Computed, Failed> {
    let res = spec["name"].as_str().unwrap_or("");
    let (reason, what) = match container {
        None => ("FailedGetResourceMetric", "resource"),
        Some(_) => ("FailedGetContainerResourceMetric", "container resource"),
    };
    let fail = |err: String| {
        let inner = format!("failed to get {res} utilization: {err}");
        let wrapped = match container {
            None => format!("failed to get {res} resource metric value: {inner}"),
            Some(c) => format!("failed to get {c} container metric value: {inner}"),
        };
        Failed {
            reason,
            err,
            wrapped,
        }
    };
    if !cx.sim.metrics_api_served() {
        // The aggregator's 503 for an APIService whose backend is down, as client-go
        // reports it.
        return Err(fail(format!(
            "unable to get metrics for resource {res}: unable to fetch metrics from resource metrics API: the server is currently unable to handle the request (get pods.metrics.k8s.io)"
        )));
    }
    if cx.ready.is_empty() {
        return Err(fail(format!(
            "unable to get metrics for resource {res}: no metrics returned from resource metrics API"
        )));
    }
    let (used, requested) = resource_use(cx, res, container).map_err(fail)?;
    let n = cx.ready.len() as f64;
    let avg_milli = (used / n * 1000.0).round() as i64;
    let mut current = json!({"averageValue": fmt_milli(avg_milli)});
    let (ratio, name) = match milli(spec.pointer("/target/averageValue")) {
        Some(t) if t > 0 => (avg_milli as f64 / t as f64, format!("{res} {what}")),
        _ => {
            let target = spec
                .pointer("/target/averageUtilization")
                .and_then(Value::as_f64)
                .unwrap_or(0.0);
            let utilization = (used / requested * 100.0).floor();
            current["averageUtilization"] = json!(utilization as i64);
            let ratio = if target > 0.0 {
                utilization / target
            } else {
                1.0
            };
            (
                ratio,
                format!("{res} {what} utilization (percentage of request)"),
            )
        }
    };
    let proposal = if within(ratio) {
        cx.spec_replicas
    } else {
        (ratio * n).ceil() as i64
    };
    let mut st = json!({"name": res, "current": current});
    let status = match container {
        None => json!({"type": "Resource", "resource": st}),
        Some(c) => {
            st["container"] = json!(c);
            json!({"type": "ContainerResource", "containerResource": st})
        }
    };
    Ok(Computed {
        proposal,
        name,
        status,
    })
}

/// Pods: every pod of the target reports the fed value; the proposal scales the ready pods
/// by average / target.
fn pods(cx: &Ctx, spec: &Value) -> Result<Computed, Failed> {
    let name = spec["metric"]["name"].as_str().unwrap_or("");
    let selector = spec["metric"].get("selector");
    let fed = cx
        .sim
        .hpa_feed
        .lookup(cx.ns, FeedKind::Pods, name, selector, None);
    let value = match fed {
        Some(v) if !cx.ready.is_empty() => Ok(v),
        Some(_) => Err("no metrics returned from custom metrics API".to_string()),
        None => Err("unable to fetch metrics from custom metrics API: the server could not find the requested resource (get pods.custom.metrics.k8s.io *)".to_string()),
    }
    .map_err(|e| {
        let err = format!("unable to get metric {name}: {e}");
        Failed {
            reason: "FailedGetPodsMetric",
            wrapped: format!("failed to get pods metric value: {err}"),
            err,
        }
    })?;
    let avg = (value * 1000.0).round() as i64;
    let target = milli(spec.pointer("/target/averageValue"))
        .unwrap_or(1)
        .max(1);
    let ratio = avg as f64 / target as f64;
    let proposal = if within(ratio) {
        cx.spec_replicas
    } else {
        (ratio * cx.ready.len() as f64).ceil() as i64
    };
    Ok(Computed {
        proposal,
        name: format!("pods metric {name}"),
        status: json!({"type": "Pods", "pods": {"metric": identifier(&spec["metric"]), "current": {"averageValue": fmt_milli(avg)}}}),
    })
}

/// Object: the described object's value against a Value target (scaled by the ready pods)
/// or an AverageValue target (per replica).
fn object(cx: &Ctx, spec: &Value) -> Result<Computed, Failed> {
    let name = spec["metric"]["name"].as_str().unwrap_or("");
    let selector = spec["metric"].get("selector");
    let kind = spec["describedObject"]["kind"].as_str().unwrap_or("");
    let obj = spec["describedObject"]["name"].as_str().unwrap_or("");
    let fed = cx
        .sim
        .hpa_feed
        .lookup(cx.ns, FeedKind::Object, name, selector, Some((kind, obj)));
    let value_target = milli(spec.pointer("/target/value"));
    let avg_target = milli(spec.pointer("/target/averageValue"));
    let fail = |err: String, wrapped: String| Failed {
        reason: "FailedGetObjectMetric",
        err,
        wrapped: format!("failed to get object metric value: {wrapped}"),
    };
    let Some(v) = fed else {
        let resource = format!("{}s", kind.to_lowercase());
        // The real message's arguments are in this odd order.
        let err = format!(
            "unable to get metric {name}: {kind} on {} {obj}/unable to fetch metrics from custom metrics API: the server could not find the requested resource (get {resource}.custom.metrics.k8s.io {obj})",
            cx.ns
        );
        let wrapped = match (value_target, avg_target) {
            (None, Some(_)) => format!("failed to get {name} object metric: {err}"),
            _ => err.clone(),
        };
        return Err(fail(err, wrapped));
    };
    let usage = (v * 1000.0).round() as i64;
    let metric = identifier(&spec["metric"]);
    match (value_target, avg_target) {
        (Some(t), _) => Ok(Computed {
            proposal: ratio_replicas(cx, usage as f64 / t.max(1) as f64),
            name: format!("{kind} metric {name}"),
            status: json!({"type": "Object", "object": {"describedObject": spec["describedObject"], "metric": metric, "current": {"value": fmt_milli(usage)}}}),
        }),
        (None, Some(t)) => {
            let (proposal, avg) = per_pod_replicas(cx, usage, t.max(1));
            Ok(Computed {
                proposal,
                name: format!("external metric {name}({})", selector_string(selector)),
                status: json!({"type": "Object", "object": {"describedObject": spec["describedObject"], "metric": metric, "current": {"averageValue": fmt_milli(avg)}}}),
            })
        }
        (None, None) => {
            let err = "invalid object metric source: neither a value target nor an average value target was set".to_string();
            Err(fail(err.clone(), err))
        }
    }
}

/// External: the metric's value against a Value target (scaled by the ready pods) or an
/// AverageValue target (per replica).
fn external(cx: &Ctx, spec: &Value) -> Result<Computed, Failed> {
    let name = spec["metric"]["name"].as_str().unwrap_or("");
    let selector = spec["metric"].get("selector");
    let fed = cx
        .sim
        .hpa_feed
        .lookup(cx.ns, FeedKind::External, name, selector, None);
    let value_target = milli(spec.pointer("/target/value"));
    let avg_target = milli(spec.pointer("/target/averageValue"));
    let metric_name = format!("external metric {name}({})", selector_string(selector));
    let Some(v) = fed else {
        let err = format!(
            "unable to get external metric {}/{name}/{}: unable to fetch metrics from external metrics API: the server could not find the requested resource (get {name}.external.metrics.k8s.io)",
            cx.ns,
            selector_string(selector)
        );
        let inner = match avg_target {
            Some(_) => format!("failed to get {name} external metric: {err}"),
            None => format!("failed to get external metric {name}: {err}"),
        };
        return Err(Failed {
            reason: "FailedGetExternalMetric",
            wrapped: format!("failed to get {name} external metric value: {inner}"),
            err,
        });
    };
    let usage = (v * 1000.0).round() as i64;
    let metric = identifier(&spec["metric"]);
    match (avg_target, value_target) {
        (Some(t), _) => {
            let (proposal, avg) = per_pod_replicas(cx, usage, t.max(1));
            Ok(Computed {
                proposal,
                name: metric_name,
                status: json!({"type": "External", "external": {"metric": metric, "current": {"averageValue": fmt_milli(avg)}}}),
            })
        }
        (None, Some(t)) => Ok(Computed {
            proposal: ratio_replicas(cx, usage as f64 / t.max(1) as f64),
            name: metric_name,
            status: json!({"type": "External", "external": {"metric": metric, "current": {"value": fmt_milli(usage)}}}),
        }),
        (None, None) => {
            let err = "invalid external metric source: neither a value target nor an average value target was set".to_string();
            Err(Failed {
                reason: "FailedGetExternalMetric",
                wrapped: format!("failed to get {name} external metric value: {err}"),
                err,
            })
        }
    }
}

#[cfg(test)]
#[path = "hpa_metrics_tests.rs"]
mod tests;
