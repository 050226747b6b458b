//! Deployment controller: one ReplicaSet per pod-template hash, rolling updates within
//! maxSurge/maxUnavailable (or Recreate), status and conditions as `kubectl rollout status`
//! reads them, revision history clean-up.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::revisions::{REVISION, copied_annotations, revision, sync_revision};
use super::{Snapshot, State, int_or_percent};
use crate::kinds;
use crate::resources::keys;
use crate::{Sim, admission, meta};

const HASH_LABEL: &str = "pod-template-hash";

/// The pod-template-hash of a template (fnv32a of its canonical JSON, safe-encoded).
pub fn template_hash(template: &Value) -> String {
    let mut t = template.clone();
    if let Some(l) = t
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        l.remove(HASH_LABEL);
    }
    meta::safe_encode(&meta::fnv32a(t.to_string().as_bytes()).to_string())
}

pub(super) fn replicas(o: &Value) -> i64 {
    meta::ptr(o, "/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(0)
}

fn status_i(o: &Value, k: &str) -> i64 {
    meta::ptr(o, &format!("/status/{k}"))
        .and_then(Value::as_i64)
        .unwrap_or(0)
}

fn scale_rs(sim: &Sim, st: &mut State, d: &Value, rs: &Value, to: i64) {
    let from = replicas(rs);
    if from == to {
        return;
    }
    let dr = replicas(d);
    let surge = max_surge(d);
    sim.store.update_with(
        keys::REPLICASETS,
        meta::namespace(rs),
        meta::name(rs),
        |o| {
            o["spec"]["replicas"] = json!(to);
            let a = meta::obj_at(o, &["metadata", "annotations"]);
            a.insert(
                "deployment.kubernetes.io/desired-replicas".into(),
                json!(dr.to_string()),
            );
            a.insert(
                "deployment.kubernetes.io/max-replicas".into(),
                json!((dr + surge).to_string()),
            );
            true
        },
    );
    let verb = if to > from { "up" } else { "down" };
    st.events.record(
        sim,
        d,
        false,
        "ScalingReplicaSet",
        &format!(
            "Scaled {verb} replica set {} from {from} to {to}",
            meta::name(rs)
        ),
        "deployment-controller",
    );
}

fn is_recreate(d: &Value) -> bool {
    meta::ptr(d, "/spec/strategy/type").and_then(Value::as_str) == Some("Recreate")
}

fn max_surge(d: &Value) -> i64 {
    if is_recreate(d) {
        return 0;
    }
    int_or_percent(
        meta::ptr(d, "/spec/strategy/rollingUpdate/maxSurge"),
        replicas(d),
        true,
        "25%",
    )
}

fn max_unavailable(d: &Value) -> i64 {
    if is_recreate(d) {
        return 0;
    }
    let mu = int_or_percent(
        meta::ptr(d, "/spec/strategy/rollingUpdate/maxUnavailable"),
        replicas(d),
        false,
        "25%",
    );
    // Both zero would deadlock; Kubernetes then allows one unavailable.
    if mu == 0 && max_surge(d) == 0 {
        1
    } else {
        mu.min(replicas(d))
    }
}

pub(super) fn create_rs(
    sim: &Sim,
    st: &mut State,
    d: &Value,
    hash: &str,
    rev: i64,
    initial: i64,
) -> Option<Arc<Value>> {
    let mut template = meta::ptr(d, "/spec/template").cloned().unwrap_or(json!({}));
    meta::obj_at(&mut template, &["metadata", "labels"]).insert(HASH_LABEL.into(), json!(hash));
    let mut selector = meta::ptr(d, "/spec/selector").cloned().unwrap_or(json!({}));
    meta::obj_at(&mut selector, &["matchLabels"]).insert(HASH_LABEL.into(), json!(hash));
    let mut labels = meta::ptr(&template, "/metadata/labels")
        .cloned()
        .unwrap_or(json!({}));
    labels[HASH_LABEL] = json!(hash);
    let name = format!("{}-{hash}", meta::name(d));
    let dr = replicas(d);
    let mut annotations = copied_annotations(d);
    annotations.insert(REVISION.into(), json!(rev.to_string()));
    annotations.insert(
        "deployment.kubernetes.io/desired-replicas".into(),
        json!(dr.to_string()),
    );
    annotations.insert(
        "deployment.kubernetes.io/max-replicas".into(),
        json!((dr + max_surge(d)).to_string()),
    );
    let rs = json!({
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": meta::namespace(d),
            "labels": labels,
            "annotations": annotations,
            "ownerReferences": [meta::owner_ref(d, true)],
        },
        "spec": {
            "replicas": initial,
            "minReadySeconds": meta::ptr(d, "/spec/minReadySeconds").cloned().unwrap_or(json!(0)),
            "selector": selector,
            "template": template,
        },
    });
    match admission::create_internal(sim, rs, "kube-controller-manager") {
        Ok(rs) => {
            if initial > 0 {
                st.events.record(
                    sim,
                    d,
                    false,
                    "ScalingReplicaSet",
                    &format!("Scaled up replica set {name} from 0 to {initial}"),
                    "deployment-controller",
                );
            }
            Some(rs)
        }
        Err(e) => {
            tracing::warn!("creating replica set {name}: {e}");
            None
        }
    }
}

pub fn reconcile(sim: &Sim, st: &mut State, snap: &Snapshot) {
    for d in &snap.deployments {
        if meta::is_deleting(d) {
            continue;
        }
        reconcile_one(sim, st, snap, d);
    }
}

fn reconcile_one(sim: &Sim, st: &mut State, snap: &Snapshot, d: &Arc<Value>) {
    let rss: Vec<Arc<Value>> = snap
        .rs_by_owner
        .get(meta::uid(d))
        .cloned()
        .unwrap_or_default();
    let hash = template_hash(meta::ptr(d, "/spec/template").unwrap_or(&Value::Null));
    let paused = meta::ptr(d, "/spec/paused").and_then(Value::as_bool) == Some(true);
    let mut new_rs = rss
        .iter()
        .find(|rs| meta::label(rs, HASH_LABEL) == Some(hash.as_str()))
        .cloned();
    let mut olds: Vec<Arc<Value>> = rss
        .iter()
        .filter(|rs| meta::label(rs, HASH_LABEL) != Some(hash.as_str()))
        .cloned()
        .collect();
    olds.sort_by_key(|rs| revision(rs));
    let want = replicas(d);
    let mut created_now = false;

    if !paused {
        if new_rs.is_none() {
            let rev = rss.iter().map(|rs| revision(rs)).max().unwrap_or(0) + 1;
            let old_total: i64 = olds.iter().map(|rs| replicas(rs)).sum();
            let initial = if is_recreate(d) {
                if old_total > 0 { 0 } else { want }
            } else if old_total == 0 {
                want
            } else {
                (want + max_surge(d) - old_total).clamp(0, want)
            };
            new_rs = create_rs(sim, st, d, &hash, rev, initial);
            created_now = new_rs.is_some();
        } else if let Some(rs) = &new_rs {
            // The active ReplicaSet carries the newest revision and the Deployment's
            // annotations (a later change-cause too).
            let max_old = olds.iter().map(|r| revision(r)).max().unwrap_or(0);
            let copied = copied_annotations(d);
            let has = meta::ptr(rs, "/metadata/annotations").and_then(Value::as_object);
            let stale = copied
                .iter()
                .any(|(k, v)| has.and_then(|a| a.get(k)) != Some(v));
            if revision(rs) <= max_old || stale {
                let rev = revision(rs).max(max_old + 1);
                new_rs = sim.store.update_with(
                    keys::REPLICASETS,
                    meta::namespace(rs),
                    meta::name(rs),
                    |o| {
                        let a = meta::obj_at(o, &["metadata", "annotations"]);
                        a.extend(copied);
                        a.insert(REVISION.into(), json!(rev.to_string()));
                        true
                    },
                );
            }
        }
        if let Some(rs) = &new_rs {
            sync_revision(sim, d, revision(rs));
        }
        if let Some(nrs) = &new_rs {
            if is_recreate(d) {
                recreate(sim, st, snap, d, nrs, &olds, want);
            } else {
                rolling(sim, st, d, nrs, &olds, want);
            }
        }
        cleanup(sim, d, &olds);
    }
    write_status(sim, st, d, new_rs.as_deref(), &rss, created_now, paused);
}

fn rolling(sim: &Sim, st: &mut State, d: &Value, nrs: &Value, olds: &[Arc<Value>], want: i64) {
    let active_olds: Vec<&Arc<Value>> = olds.iter().filter(|rs| replicas(rs) > 0).collect();
    if active_olds.is_empty() {
        scale_rs(sim, st, d, nrs, want);
        return;
    }
    // Scale up the new ReplicaSet within maxSurge.
    let all: i64 = replicas(nrs) + active_olds.iter().map(|rs| replicas(rs)).sum::<i64>();
    let max_total = want + max_surge(d);
    let mut new_count = replicas(nrs);
    if new_count > want {
        new_count = want;
    } else if all < max_total {
        new_count = (new_count + (max_total - all)).min(want);
    }
    scale_rs(sim, st, d, nrs, new_count);

    // Scale down old ReplicaSets within maxUnavailable.
    let min_available = want - max_unavailable(d);
    let all_after = new_count + active_olds.iter().map(|rs| replicas(rs)).sum::<i64>();
    let new_unavailable = (new_count - status_i(nrs, "availableReplicas")).max(0);
    let mut max_down = all_after - min_available - new_unavailable;
    if max_down <= 0 {
        return;
    }
    // First old pods that are not available anyway.
    for rs in &active_olds {
        if max_down <= 0 {
            break;
        }
        let unhealthy = (replicas(rs) - status_i(rs, "availableReplicas")).max(0);
        let n = unhealthy.min(max_down);
        if n > 0 {
            scale_rs(sim, st, d, rs, replicas(rs) - n);
            max_down -= n;
        }
    }
    // Then available ones, keeping minAvailable.
    let old_avail: i64 = active_olds
        .iter()
        .map(|rs| status_i(rs, "availableReplicas"))
        .sum();
    let total_avail = old_avail + status_i(nrs, "availableReplicas");
    let mut budget = (total_avail - min_available).min(max_down);
    for rs in &active_olds {
        if budget <= 0 {
            break;
        }
        let current = sim
            .store
            .get(keys::REPLICASETS, meta::namespace(rs), meta::name(rs))
            .map(|r| replicas(&r))
            .unwrap_or(0);
        let n = current.min(budget);
        if n > 0 {
            scale_rs(sim, st, d, rs, current - n);
            budget -= n;
        }
    }
}

fn recreate(
    sim: &Sim,
    st: &mut State,
    snap: &Snapshot,
    d: &Value,
    nrs: &Value,
    olds: &[Arc<Value>],
    want: i64,
) {
    let mut old_running = 0;
    for rs in olds {
        if replicas(rs) > 0 {
            scale_rs(sim, st, d, rs, 0);
        }
        old_running += snap
            .pods_by_owner
            .get(meta::uid(rs))
            .map(Vec::len)
            .unwrap_or(0);
    }
    if old_running == 0 {
        scale_rs(sim, st, d, nrs, want);
    }
}

fn cleanup(sim: &Sim, d: &Value, olds: &[Arc<Value>]) {
    let limit = meta::ptr(d, "/spec/revisionHistoryLimit")
        .and_then(Value::as_i64)
        .unwrap_or(10)
        .max(0) as usize;
    let idle: Vec<&Arc<Value>> = olds
        .iter()
        .filter(|rs| replicas(rs) == 0 && status_i(rs, "replicas") == 0)
        .collect();
    if idle.len() > limit {
        let def = kinds::by_key(keys::REPLICASETS).expect("served");
        for rs in idle.iter().take(idle.len() - limit) {
            sim.delete_object(def, meta::namespace(rs), meta::name(rs), "Background", None);
        }
    }
}

fn condition(
    t: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: &str,
    prev: Option<&Value>,
    touch: bool,
) -> Value {
    let same_status = prev.is_some_and(|p| p["status"] == status);
    let same_reason = prev.is_some_and(|p| p["reason"] == reason && p["message"] == message);
    let transition = if same_status {
        prev.map(|p| p["lastTransitionTime"].clone())
            .unwrap_or(json!(now))
    } else {
        json!(now)
    };
    let update = if same_reason && same_status && !touch {
        prev.map(|p| p["lastUpdateTime"].clone())
            .unwrap_or(json!(now))
    } else {
        json!(now)
    };
    json!({"type": t, "status": status, "lastUpdateTime": update, "lastTransitionTime": transition, "reason": reason, "message": message})
}

/// The replica counts of a Deployment's status, summed over its ReplicaSets.
#[derive(PartialEq)]
struct Counts {
    total: i64,
    updated: i64,
    ready: i64,
    avail: i64,
}

impl Counts {
    fn of(new_rs: Option<&Value>, rss: &[Arc<Value>]) -> Self {
        let sum = |k: &str| rss.iter().map(|rs| status_i(rs, k)).sum();
        Counts {
            total: sum("replicas"),
            updated: new_rs.map(|rs| status_i(rs, "replicas")).unwrap_or(0),
            ready: sum("readyReplicas"),
            avail: sum("availableReplicas"),
        }
    }

    /// The counts the Deployment's status shows now.
    fn reported(d: &Value) -> Self {
        Counts {
            total: status_i(d, "replicas"),
            updated: status_i(d, "updatedReplicas"),
            ready: status_i(d, "readyReplicas"),
            avail: status_i(d, "availableReplicas"),
        }
    }
}

/// Where a rollout stands, for the Progressing condition.
struct Rollout<'a> {
    rs_name: &'a str,
    paused: bool,
    complete: bool,
    created_now: bool,
    /// Counts or generation changed since the last status.
    progressed: bool,
    deadline: f64,
}

/// Write the Deployment's status: counts summed over its ReplicaSets and the Available and
/// Progressing conditions (with the progress deadline).
pub(super) fn write_status(
    sim: &Sim,
    st: &mut State,
    d: &Value,
    new_rs: Option<&Value>,
    rss: &[Arc<Value>],
    created_now: bool,
    paused: bool,
) {
    let now = sim.clock.now_str();
    let want = replicas(d);
    let counts = Counts::of(new_rs, rss);
    let prev_conds: Vec<Value> = meta::ptr(d, "/status/conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let prev = |t: &str| prev_conds.iter().find(|c| c["type"] == t);
    let avail_cond = available_condition(d, want, counts.avail, &now, prev("Available"));
    let rollout = Rollout {
        rs_name: new_rs.map(meta::name).unwrap_or(""),
        paused,
        complete: counts.updated == want
            && counts.avail >= want
            && counts.total == want
            && new_rs.is_some_and(|rs| replicas(rs) == want),
        created_now,
        progressed: Counts::reported(d) != counts
            || meta::generation(d) != status_i(d, "observedGeneration"),
        deadline: meta::ptr(d, "/spec/progressDeadlineSeconds")
            .and_then(Value::as_f64)
            .unwrap_or(600.0),
    };
    let prog = progressing_condition(sim, &rollout, &now, prev("Progressing"));
    if !rollout.complete && !paused {
        // Look again for the progress deadline.
        st.due_in(sim.clock.secs(), rollout.deadline.min(5.0));
    }
    let status = status_object(d, want, &counts, [avail_cond, prog]);
    if d.get("status") != Some(&status) {
        sim.store
            .update_with(keys::DEPLOYMENTS, meta::namespace(d), meta::name(d), |o| {
                o["status"] = status.clone();
                true
            });
    }
}

/// Available: at least `replicas - maxUnavailable` pods available.
fn available_condition(d: &Value, want: i64, avail: i64, now: &str, prev: Option<&Value>) -> Value {
    if avail >= want - max_unavailable(d) {
        condition(
            "Available",
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.",
            now,
            prev,
            false,
        )
    } else {
        condition(
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
            now,
            prev,
            false,
        )
    }
}

/// Progressing: paused, complete, a new ReplicaSet, progress, or stuck past the deadline
/// (ProgressDeadlineExceeded stays until the rollout moves again).
fn progressing_condition(sim: &Sim, r: &Rollout, now: &str, prev: Option<&Value>) -> Value {
    let rs_name = r.rs_name;
    let (status, reason, message, touch) = if r.paused {
        (
            "Unknown",
            "DeploymentPaused",
            "Deployment is paused".to_string(),
            false,
        )
    } else if r.complete {
        let msg = format!("ReplicaSet \"{rs_name}\" has successfully progressed.");
        ("True", "NewReplicaSetAvailable", msg, false)
    } else if r.created_now {
        let msg = format!("Created new replica set \"{rs_name}\"");
        ("True", "NewReplicaSetCreated", msg, true)
    } else if r.progressed {
        let msg = format!("ReplicaSet \"{rs_name}\" is progressing.");
        ("True", "ReplicaSetUpdated", msg, true)
    } else {
        let last = prev.and_then(|p| p["lastUpdateTime"].as_str());
        let stalled = meta::age_secs(&sim.clock, last).unwrap_or(0.0) > r.deadline;
        let already_failed = prev.is_some_and(|p| p["reason"] == "ProgressDeadlineExceeded");
        if stalled || already_failed {
            let msg = format!("ReplicaSet \"{rs_name}\" has timed out progressing.");
            ("False", "ProgressDeadlineExceeded", msg, false)
        } else if let Some(p) = prev {
            return p.clone();
        } else {
            let msg = format!("ReplicaSet \"{rs_name}\" is progressing.");
            ("True", "ReplicaSetUpdated", msg, true)
        }
    };
    condition("Progressing", status, reason, &message, now, prev, touch)
}

/// The status object: counts (zeros left out, as the API server omits them) and conditions.
fn status_object(d: &Value, want: i64, c: &Counts, conditions: [Value; 2]) -> Value {
    let mut status = Map::new();
    status.insert("observedGeneration".into(), json!(meta::generation(d)));
    status.insert("replicas".into(), json!(c.total));
    status.insert("updatedReplicas".into(), json!(c.updated));
    status.insert("readyReplicas".into(), json!(c.ready));
    status.insert("availableReplicas".into(), json!(c.avail));
    status.insert(
        "unavailableReplicas".into(),
        json!((want.max(c.total) - c.avail).max(0)),
    );
    status.retain(|k, v| k == "observedGeneration" || v.as_i64() != Some(0));
    status.insert("conditions".into(), json!(conditions));
    Value::Object(status)
}
