//! HorizontalPodAutoscaler (autoscaling/v2): per metric desired = ceil(current × usage /
//! target) with the 10 % tolerance, the max over metrics, stabilization windows and rate
//! policies from `behavior`, clamped to min/max; status and conditions as the real
//! controller writes them.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::hpa_behavior::{rate_limit, stabilize};
use super::{Snapshot, State, hpa_metrics};
use crate::apply::{self, Writer};
use crate::resources::keys;
use crate::{Sim, meta};

/// Sync period of the HPA controller (simulated seconds).
pub const SYNC_SECS: f64 = 15.0;

#[derive(Default)]
pub struct HpaState {
    /// Last sync (simulated seconds) per HPA uid.
    last_sync: HashMap<String, f64>,
    /// Recommendations (time, replicas) per HPA uid.
    recs: HashMap<String, Vec<(f64, i64)>>,
}

fn condition(
    t: &str,
    status: bool,
    reason: &str,
    message: &str,
    now: &str,
    prev: &[Value],
) -> Value {
    let s = if status { "True" } else { "False" };
    let ltt = prev
        .iter()
        .find(|c| c["type"] == t && c["status"] == s)
        .map(|c| c["lastTransitionTime"].clone())
        .unwrap_or(json!(now));
    json!({"type": t, "status": s, "lastTransitionTime": ltt, "reason": reason, "message": message})
}

pub fn reconcile(sim: &Sim, st: &mut State, snap: &Snapshot) {
    let (hpas, _) = sim.store.list(keys::HPAS, None);
    let now_s = sim.clock.secs();
    for h in &hpas {
        let uid = meta::uid(h).to_string();
        let due = st
            .hpa
            .last_sync
            .get(&uid)
            .is_none_or(|t| now_s - t >= SYNC_SECS)
            || meta::ptr(h, "/status/observedGeneration").and_then(Value::as_i64)
                != Some(meta::generation(h));
        if !due {
            if let Some(t) = st.hpa.last_sync.get(&uid).copied() {
                st.due(t + SYNC_SECS);
            }
            continue;
        }
        if waits_for_pods(sim, snap, h) {
            // Resource metrics are served but no pod has any yet: look again shortly.
            st.due(now_s + 1.0);
            continue;
        }
        st.due(now_s + SYNC_SECS);
        st.hpa.last_sync.insert(uid.clone(), now_s);
        sync(sim, st, snap, h, &uid, now_s);
    }
    let live: std::collections::HashSet<String> =
        hpas.iter().map(|h| meta::uid(h).to_string()).collect();
    st.hpa.last_sync.retain(|k, _| live.contains(k));
    st.hpa.recs.retain(|k, _| live.contains(k));
}

/// How long a fresh HPA waits for its target's first ready pod (simulated seconds).
const FIRST_SYNC_GRACE_SECS: f64 = 60.0;

/// A fresh HPA (never synced, less than a minute old) whose target has no ready pod yet,
/// while metrics-server is up: the first sync waits for the pods, instead of failing on
/// metrics that metrics-server has not scraped yet (so a healthy start shows no
/// FailedGetResourceMetric; a target that never gets ready pods fails after the grace).
fn waits_for_pods(sim: &Sim, snap: &Snapshot, h: &Value) -> bool {
    if !sim.metrics_api_served() || meta::ptr(h, "/status/conditions").is_some() {
        return false;
    }
    let created = meta::ptr(h, "/metadata/creationTimestamp").and_then(Value::as_str);
    if meta::age_secs(&sim.clock, created).is_some_and(|a| a >= FIRST_SYNC_GRACE_SECS) {
        return false;
    }
    let spec = Spec::of(h);
    let ns = meta::namespace(h);
    let target = snap.deployments.iter().find(|d| {
        spec.target_kind == "Deployment"
            && meta::namespace(d) == ns
            && meta::name(d) == spec.target_name
    });
    let resource_only = spec
        .metrics
        .iter()
        .all(|m| matches!(m["type"].as_str(), Some("Resource" | "ContainerResource")));
    let replicas = target
        .and_then(|t| meta::ptr(t, "/spec/replicas"))
        .and_then(Value::as_i64)
        .unwrap_or(0);
    resource_only && replicas > 0 && target.is_some_and(|t| ready_pods(snap, ns, t).is_empty())
}

/// What an HPA's spec asks for.
struct Spec<'a> {
    target_kind: &'a str,
    target_name: &'a str,
    min: i64,
    max: i64,
    metrics: Vec<Value>,
    behavior: Option<&'a Value>,
}

impl<'a> Spec<'a> {
    fn of(h: &'a Value) -> Self {
        let s = |p: &str| meta::ptr(h, p).and_then(Value::as_str).unwrap_or("");
        let i = |p: &str| meta::ptr(h, p).and_then(Value::as_i64).unwrap_or(1);
        Spec {
            target_kind: s("/spec/scaleTargetRef/kind"),
            target_name: s("/spec/scaleTargetRef/name"),
            min: i("/spec/minReplicas"),
            max: i("/spec/maxReplicas"),
            metrics: meta::ptr(h, "/spec/metrics")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            behavior: meta::ptr(h, "/spec/behavior"),
        }
    }
}

/// Conditions as the controller writes them: a condition keeps its lastTransitionTime
/// while its status stays.
struct Conditions<'a> {
    now: &'a str,
    prev: Vec<Value>,
}

impl Conditions<'_> {
    fn make(&self, t: &str, status: bool, reason: &str, message: &str) -> Value {
        condition(t, status, reason, message, self.now, &self.prev)
    }

    fn able_to_get_scale(&self) -> Value {
        self.make(
            "AbleToScale",
            true,
            "SucceededGetScale",
            "the HPA controller was able to get the target's current scale",
        )
    }
}

/// One sync of one HPA, in the real controller's steps: read the target's scale, compute a
/// replica proposal per metric and take the largest, stabilize it over the recent
/// recommendations, limit it by the behavior's rate policies and min/max, then scale the
/// target and write status and conditions.
fn sync(sim: &Sim, st: &mut State, snap: &Snapshot, h: &Value, uid: &str, now_s: f64) {
    let ns = meta::namespace(h);
    let now = sim.clock.now_str();
    let conds = Conditions {
        now: &now,
        prev: meta::ptr(h, "/status/conditions")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
    };
    let spec = Spec::of(h);
    let target = snap.deployments.iter().find(|d| {
        spec.target_kind == "Deployment"
            && meta::namespace(d) == ns
            && meta::name(d) == spec.target_name
    });
    let Some(target) = target else {
        return failed_get_scale(sim, st, h, &spec, &conds);
    };
    let current = meta::ptr(target, "/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    if current == 0 {
        return scaling_disabled(sim, h, &conds);
    }
    let ready = ready_pods(snap, ns, target);
    let cx = hpa_metrics::Ctx {
        sim,
        ns,
        ready: &ready,
        spec_replicas: current,
        status_replicas: meta::ptr(target, "/status/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(current),
    };
    let m = compute_metrics(sim, st, h, &cx, &spec.metrics);
    let best = match m.best {
        Some(b) if m.failed.is_none() || b.proposal >= current => b,
        _ => return failed_get_metrics(sim, st, h, current, m, &conds),
    };
    let raw = best.proposal;
    let recs = st.hpa.recs.entry(uid.to_string()).or_default();
    let stabilized = stabilize(recs, spec.behavior, now_s, current, raw);
    let limited = rate_limit(spec.behavior, current, stabilized);
    let desired = limited.clamp(spec.min, spec.max);
    let scale = Scale {
        current,
        raw,
        stabilized,
        limited,
        desired,
    };
    let mut status = json!({
        "observedGeneration": meta::generation(h),
        "currentReplicas": current,
        "desiredReplicas": desired,
        "currentMetrics": m.statuses,
        "conditions": scaling_conditions(&conds, &spec, &scale, &best.name),
    });
    if let Some(t) = meta::ptr(h, "/status/lastScaleTime") {
        status["lastScaleTime"] = t.clone();
    }
    if desired != current {
        rescale(sim, st, h, target, &scale, &best.name, &now);
        status["lastScaleTime"] = json!(now);
    }
    write_status(sim, h, status);
}

/// The target cannot be found: AbleToScale=False, and an event.
fn failed_get_scale(sim: &Sim, st: &mut State, h: &Value, spec: &Spec, conds: &Conditions) {
    let msg = format!(
        "the HPA controller was unable to get the target's current scale: deployments/scale.apps \"{}\" not found",
        spec.target_name
    );
    let c = json!([conds.make("AbleToScale", false, "FailedGetScale", &msg)]);
    write_status(
        sim,
        h,
        json!({"currentReplicas": 0, "desiredReplicas": 0, "conditions": c, "observedGeneration": meta::generation(h)}),
    );
    st.events.record(
        sim,
        h,
        true,
        "FailedGetScale",
        &msg,
        "horizontal-pod-autoscaler",
    );
}

/// The target is scaled to zero: autoscaling is off until someone scales it up.
fn scaling_disabled(sim: &Sim, h: &Value, conds: &Conditions) {
    let c = json!([
        conds.able_to_get_scale(),
        conds.make(
            "ScalingActive",
            false,
            "ScalingDisabled",
            "scaling is disabled since the replica count of the target is zero",
        ),
    ]);
    write_status(
        sim,
        h,
        json!({"currentReplicas": 0, "desiredReplicas": 0, "conditions": c, "observedGeneration": meta::generation(h)}),
    );
}

/// Every metric of one sync: the largest proposal, the first failure and how many failed,
/// and the `status.currentMetrics` entries (an empty one for a metric that failed, as the
/// real controller leaves it).
struct Metrics {
    best: Option<hpa_metrics::Computed>,
    failed: Option<hpa_metrics::Failed>,
    invalid: usize,
    total: usize,
    statuses: Vec<Value>,
}

/// Compute every metric; each failure is a Warning event with its reason.
fn compute_metrics(
    sim: &Sim,
    st: &mut State,
    h: &Value,
    cx: &hpa_metrics::Ctx,
    specs: &[Value],
) -> Metrics {
    let mut out = Metrics {
        best: None,
        failed: None,
        invalid: 0,
        total: specs.len(),
        statuses: Vec::new(),
    };
    for m in specs {
        match hpa_metrics::compute(cx, m) {
            Ok(c) => {
                out.statuses.push(c.status.clone());
                if out.best.as_ref().is_none_or(|b| c.proposal > b.proposal) {
                    out.best = Some(c);
                }
            }
            Err(f) => {
                out.statuses.push(json!({"type": ""}));
                out.invalid += 1;
                st.events
                    .record(sim, h, true, f.reason, &f.err, "horizontal-pod-autoscaler");
                out.failed.get_or_insert(f);
            }
        }
    }
    out
}

/// Every metric failed (or some did and the rest would scale down): ScalingActive=False
/// with the first failure, a FailedComputeMetricsReplicas event, the desired count kept.
fn failed_get_metrics(
    sim: &Sim,
    st: &mut State,
    h: &Value,
    current: i64,
    m: Metrics,
    conds: &Conditions,
) {
    let (reason, msg, err) = match &m.failed {
        Some(f) => (
            f.reason,
            format!("the HPA was unable to compute the replica count: {}", f.err),
            format!(
                "invalid metrics ({} invalid out of {}), first error is: {}",
                m.invalid, m.total, f.wrapped
            ),
        ),
        None => (
            "FailedGetResourceMetric",
            "the HPA was unable to compute the replica count: the HPA has no metrics to scale on"
                .into(),
            "invalid metrics (0 invalid out of 0), first error is: no metrics".into(),
        ),
    };
    let mut c = vec![
        conds.able_to_get_scale(),
        conds.make("ScalingActive", false, reason, &msg),
    ];
    c.extend(
        conds
            .prev
            .iter()
            .filter(|p| p["type"] == "ScalingLimited")
            .cloned(),
    );
    // The real controller keeps the last desired count (0 on a fresh HPA); the sim shows
    // the current count until there is one.
    let desired = meta::ptr(h, "/status/desiredReplicas")
        .and_then(Value::as_i64)
        .filter(|d| *d > 0)
        .unwrap_or(current);
    // (The real controller also lists an empty entry per failed metric here; the sim lists
    // only the metrics it could read, so a listed metric means a computed one.)
    let read: Vec<&Value> = m.statuses.iter().filter(|s| s["type"] != "").collect();
    let mut status = json!({"currentReplicas": current, "desiredReplicas": desired, "currentMetrics": read, "conditions": c, "observedGeneration": meta::generation(h)});
    if let Some(t) = meta::ptr(h, "/status/lastScaleTime") {
        status["lastScaleTime"] = t.clone();
    }
    write_status(sim, h, status);
    st.events.record(
        sim,
        h,
        true,
        "FailedComputeMetricsReplicas",
        &err,
        "horizontal-pod-autoscaler",
    );
}

/// The ready, not terminating pods the target's selector matches.
fn ready_pods<'a>(snap: &'a Snapshot, ns: &str, target: &Value) -> Vec<&'a Arc<Value>> {
    let selector = meta::ptr(target, "/spec/selector")
        .cloned()
        .unwrap_or(json!({}));
    snap.pods
        .iter()
        .filter(|p| p.sum.namespace == ns && !p.sum.deleting && p.sum.ready)
        .map(|p| p.value())
        .filter(|p| meta::selector_matches(&selector, meta::labels(p)))
        .collect()
}

/// The replica counts of one sync, step by step.
struct Scale {
    current: i64,
    /// The largest metric proposal.
    raw: i64,
    stabilized: i64,
    /// After the behavior's rate policies.
    limited: i64,
    /// After min/max.
    desired: i64,
}

/// AbleToScale, ScalingActive and ScalingLimited after a successful computation.
fn scaling_conditions(conds: &Conditions, spec: &Spec, s: &Scale, metric: &str) -> Value {
    let able = if s.desired != s.current {
        conds.make(
            "AbleToScale",
            true,
            "SucceededRescale",
            &format!(
                "the HPA controller was able to update the target scale to {}",
                s.desired
            ),
        )
    } else if s.stabilized > s.raw && s.raw < s.current {
        conds.make(
            "AbleToScale",
            true,
            "ScaleDownStabilized",
            "recent recommendations were higher than current one, applying the highest recent recommendation",
        )
    } else {
        conds.make(
            "AbleToScale",
            true,
            "ReadyForNewScale",
            "recommended size matches current size",
        )
    };
    let active = conds.make(
        "ScalingActive",
        true,
        "ValidMetricFound",
        &format!("the HPA was able to successfully calculate a replica count from {metric}"),
    );
    let limited = if s.limited > spec.max {
        conds.make(
            "ScalingLimited",
            true,
            "TooManyReplicas",
            "the desired replica count is more than the maximum replica count",
        )
    } else if s.limited < spec.min {
        conds.make(
            "ScalingLimited",
            true,
            "TooFewReplicas",
            "the desired replica count is less than the minimum replica count",
        )
    } else {
        conds.make(
            "ScalingLimited",
            false,
            "DesiredWithinRange",
            "the desired count is within the acceptable range",
        )
    };
    json!([able, active, limited])
}

/// Scale the target to the desired count and record why.
fn rescale(
    sim: &Sim,
    st: &mut State,
    h: &Value,
    target: &Value,
    s: &Scale,
    metric: &str,
    now: &str,
) {
    let reason = if s.desired > s.current {
        format!("{metric} above target")
    } else {
        "All metrics below target".to_string()
    };
    scale_target(sim, target, s.desired, now);
    st.events.record(
        sim,
        h,
        false,
        "SuccessfulRescale",
        &format!("New size: {}; reason: {reason}", s.desired),
        "horizontal-pod-autoscaler",
    );
}

/// Update the Deployment's replicas through its scale subresource, as the controller's
/// manager (so a later apply of another replica count conflicts, as on a real cluster).
fn scale_target(sim: &Sim, target: &Value, replicas: i64, now: &str) {
    sim.store.update_with(
        keys::DEPLOYMENTS,
        meta::namespace(target),
        meta::name(target),
        |d| {
            let old = d.clone();
            d["spec"]["replicas"] = json!(replicas);
            let g = meta::generation(d) + 1;
            meta::metadata_mut(d).insert("generation".into(), json!(g));
            let w = Writer {
                manager: "kube-controller-manager",
                subresource: "scale",
                api_version: "apps/v1",
                time: now,
            };
            apply::track_update(Some(&old), d, &w);
            true
        },
    );
}

fn write_status(sim: &Sim, h: &Value, status: Value) {
    if h.get("status") == Some(&status) {
        return;
    }
    sim.store
        .update_with(keys::HPAS, meta::namespace(h), meta::name(h), |o| {
            o["status"] = status.clone();
            true
        });
}

#[cfg(test)]
#[path = "hpa_tests.rs"]
mod tests;
