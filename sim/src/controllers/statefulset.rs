//! StatefulSet controller: pods NAME-0..N-1 with stable names, created in order and
//! deleted from the highest ordinal (OrderedReady: one at a time, each waiting for the
//! ones before to be ready; Parallel: all at once), RollingUpdate from the highest ordinal
//! down to `partition`, one pod at a time, a ControllerRevision per template, and status
//! as `kubectl rollout status statefulset` reads it.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::State;
use super::deployment::template_hash;
use super::pod_cache::Pod;
use crate::kinds;
use crate::resources::keys;
use crate::{Sim, admission, meta};

pub const STATEFULSETS: &str = "statefulsets.apps";
const REVISIONS: &str = "controllerrevisions.apps";
const REV_LABEL: &str = "controller-revision-hash";
const COMPONENT: &str = "statefulset-controller";

/// The pods of one StatefulSet by ordinal.
struct Pods {
    /// Active pods by ordinal.
    active: BTreeMap<i64, Arc<Value>>,
    /// Ordinals whose pod is terminating.
    terminating: Vec<i64>,
}

fn ordinal(set: &str, pod: &str) -> Option<i64> {
    pod.strip_prefix(set)?.strip_prefix('-')?.parse().ok()
}

fn pods_of(pods: &[Arc<Pod>], set: &Value) -> Pods {
    let uid = meta::uid(set);
    let mut out = Pods {
        active: BTreeMap::new(),
        terminating: Vec::new(),
    };
    for p in pods.iter().filter(|p| p.sum.owner.as_deref() == Some(uid)) {
        let Some(o) = ordinal(meta::name(set), &p.sum.name) else {
            continue;
        };
        if p.sum.deleting {
            out.terminating.push(o);
        } else {
            out.active.insert(o, p.value().clone());
        }
    }
    out
}

fn revision_of(p: &Value) -> &str {
    meta::label(p, REV_LABEL).unwrap_or("")
}

fn running_ready(p: &Value) -> bool {
    meta::ptr(p, "/status/phase").and_then(Value::as_str) == Some("Running") && meta::pod_ready(p)
}

pub fn reconcile(sim: &Sim, st: &mut State, pods: &[Arc<Pod>]) {
    let (sets, _) = sim.store.list(STATEFULSETS, None);
    for set in sets.iter().filter(|s| !meta::is_deleting(s)) {
        let p = pods_of(pods, set);
        reconcile_one(sim, st, set, &p);
    }
}

/// What one set wants.
struct Plan<'a> {
    set: &'a Value,
    replicas: i64,
    parallel: bool,
    partition: i64,
    rolling: bool,
    update_rev: String,
    current_rev: String,
}

impl<'a> Plan<'a> {
    fn of(sim: &Sim, set: &'a Value) -> Self {
        let s = |p: &str| meta::ptr(set, p).and_then(Value::as_str).unwrap_or("");
        let update_rev = ensure_revision(sim, set);
        let current_rev = match s("/status/currentRevision") {
            "" => update_rev.clone(),
            c => c.to_string(),
        };
        Plan {
            set,
            replicas: meta::ptr(set, "/spec/replicas")
                .and_then(Value::as_i64)
                .unwrap_or(1)
                .max(0),
            parallel: s("/spec/podManagementPolicy") == "Parallel",
            partition: meta::ptr(set, "/spec/updateStrategy/rollingUpdate/partition")
                .and_then(Value::as_i64)
                .unwrap_or(0),
            rolling: s("/spec/updateStrategy/type") != "OnDelete",
            update_rev,
            current_rev,
        }
    }

    /// The revision a (re)created pod at `ord` gets: below the partition, the current one.
    fn revision_for(&self, ord: i64) -> &str {
        if self.rolling && ord < self.partition {
            &self.current_rev
        } else {
            &self.update_rev
        }
    }
}

fn reconcile_one(sim: &Sim, st: &mut State, set: &Value, pods: &Pods) {
    let plan = Plan::of(sim, set);
    let blocked = create_missing(sim, st, &plan, pods);
    if !blocked {
        let condemned_done = delete_condemned(sim, st, &plan, pods);
        if condemned_done && plan.rolling {
            roll_one(sim, st, &plan, pods);
        }
    }
    write_status(sim, &plan, pods);
}

/// Create the missing pods below `replicas`, in order; OrderedReady stops at the first
/// pod that is not running and ready. Returns whether it had to stop.
fn create_missing(sim: &Sim, st: &mut State, plan: &Plan, pods: &Pods) -> bool {
    for ord in 0..plan.replicas {
        match pods.active.get(&ord) {
            Some(p) if running_ready(p) => continue,
            Some(_) if plan.parallel => continue,
            Some(_) => return true,
            None if pods.terminating.contains(&ord) => {
                if plan.parallel {
                    continue;
                }
                return true;
            }
            None => {
                create_pod(sim, st, plan, ord);
                if !plan.parallel {
                    return true;
                }
            }
        }
    }
    false
}

/// Delete the pods at or above `replicas`, highest first (OrderedReady: one at a time,
/// after the previous one is gone). Returns whether none are left.
fn delete_condemned(sim: &Sim, st: &mut State, plan: &Plan, pods: &Pods) -> bool {
    let condemned: Vec<&Arc<Value>> = pods
        .active
        .range(plan.replicas..)
        .map(|(_, p)| p)
        .rev()
        .collect();
    let terminating_above = pods.terminating.iter().any(|o| *o >= plan.replicas);
    if condemned.is_empty() {
        return !terminating_above;
    }
    if !plan.parallel && terminating_above {
        return false;
    }
    for p in condemned {
        delete_pod(sim, st, plan.set, p);
        if !plan.parallel {
            break;
        }
    }
    false
}

/// RollingUpdate: when every pod is running and ready, delete the highest-ordinal pod at
/// or above the partition that is not at the update revision (it comes back updated).
fn roll_one(sim: &Sim, st: &mut State, plan: &Plan, pods: &Pods) {
    if !pods.terminating.is_empty() || pods.active.values().any(|p| !running_ready(p)) {
        return;
    }
    let stale = pods
        .active
        .range(plan.partition.max(0)..plan.replicas)
        .rev()
        .map(|(_, p)| p)
        .find(|p| revision_of(p) != plan.update_rev);
    if let Some(p) = stale {
        delete_pod(sim, st, plan.set, p);
    }
}

fn create_pod(sim: &Sim, st: &mut State, plan: &Plan, ord: i64) {
    let set = plan.set;
    let rev = plan.revision_for(ord);
    let template = revision_template(sim, set, rev)
        .or_else(|| meta::ptr(set, "/spec/template").cloned())
        .unwrap_or(json!({}));
    let name = format!("{}-{ord}", meta::name(set));
    let mut labels = meta::ptr(&template, "/metadata/labels")
        .cloned()
        .unwrap_or(json!({}));
    labels[REV_LABEL] = json!(rev);
    labels["statefulset.kubernetes.io/pod-name"] = json!(name);
    labels["apps.kubernetes.io/pod-index"] = json!(ord.to_string());
    let mut spec = meta::ptr(&template, "/spec").cloned().unwrap_or(json!({}));
    spec["hostname"] = json!(name);
    if let Some(svc) = meta::ptr(set, "/spec/serviceName").filter(|s| s != &"") {
        spec["subdomain"] = svc.clone();
    }
    let mut pod = json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": meta::namespace(set),
            "labels": labels,
            "ownerReferences": [meta::owner_ref(set, true)],
        },
        "spec": spec,
    });
    if let Some(a) = meta::ptr(&template, "/metadata/annotations") {
        pod["metadata"]["annotations"] = a.clone();
    }
    let (warning, reason, msg) =
        match admission::create_internal(sim, pod, "kube-controller-manager") {
            Ok(_) => (
                false,
                "SuccessfulCreate",
                format!(
                    "create Pod {name} in StatefulSet {} successful",
                    meta::name(set)
                ),
            ),
            Err(e) => (
                true,
                "FailedCreate",
                format!(
                    "create Pod {name} in StatefulSet {} failed error: {e}",
                    meta::name(set)
                ),
            ),
        };
    st.events.record(sim, set, warning, reason, &msg, COMPONENT);
}

fn delete_pod(sim: &Sim, st: &mut State, set: &Value, p: &Value) {
    let pod_def = kinds::by_key(keys::PODS).expect("pods served");
    if sim
        .delete_object(
            pod_def,
            meta::namespace(set),
            meta::name(p),
            "Background",
            None,
        )
        .is_some()
    {
        let msg = format!(
            "delete Pod {} in StatefulSet {} successful",
            meta::name(p),
            meta::name(set)
        );
        st.events
            .record(sim, set, false, "SuccessfulDelete", &msg, COMPONENT);
    }
}

/// The template a revision recorded.
fn revision_template(sim: &Sim, set: &Value, rev: &str) -> Option<Value> {
    let cr = sim.store.get(REVISIONS, meta::namespace(set), rev)?;
    meta::ptr(&cr, "/data/spec/template").cloned()
}

/// The ControllerRevision of the set's current template (created when new); its name.
fn ensure_revision(sim: &Sim, set: &Value) -> String {
    let template = meta::ptr(set, "/spec/template")
        .cloned()
        .unwrap_or(json!({}));
    let hash = template_hash(&template);
    let name = format!("{}-{hash}", meta::name(set));
    let ns = meta::namespace(set);
    if sim.store.get(REVISIONS, ns, &name).is_some() {
        return name;
    }
    let (all, _) = sim.store.list(REVISIONS, None);
    let last = all
        .iter()
        .filter(|r| meta::namespace(r) == ns && meta::controller_uid(r) == Some(meta::uid(set)))
        .filter_map(|r| r.get("revision").and_then(Value::as_i64))
        .max()
        .unwrap_or(0);
    let mut labels = meta::ptr(set, "/spec/selector/matchLabels")
        .cloned()
        .unwrap_or(json!({}));
    labels["controller.kubernetes.io/hash"] = json!(hash);
    let mut data_template = template;
    data_template["$patch"] = json!("replace");
    let cr = json!({
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": {
            "name": name,
            "namespace": ns,
            "labels": labels,
            "ownerReferences": [meta::owner_ref(set, true)],
        },
        "data": {"spec": {"template": data_template}},
        "revision": last + 1,
    });
    if let Err(e) = admission::create_internal(sim, cr, "kube-controller-manager") {
        tracing::warn!("creating controller revision {name}: {e}");
    }
    name
}

/// replicas, readyReplicas, currentReplicas, updatedReplicas, availableReplicas, the
/// revisions and observedGeneration; the current revision becomes the update revision
/// once every pod is updated and ready.
fn write_status(sim: &Sim, plan: &Plan, pods: &Pods) {
    let set = plan.set;
    let count = |f: &dyn Fn(&Value) -> bool| pods.active.values().filter(|p| f(p)).count() as i64;
    let replicas = pods.active.len() as i64;
    let ready = count(&|p| meta::pod_ready(p));
    let updated = count(&|p| revision_of(p) == plan.update_rev);
    let mut current_rev = plan.current_rev.clone();
    let mut current = count(&|p| revision_of(p) == current_rev);
    if updated == replicas && ready == replicas && replicas == plan.replicas {
        current_rev = plan.update_rev.clone();
        current = updated;
    }
    let mut status = json!({
        "observedGeneration": meta::generation(set),
        "replicas": replicas,
        "readyReplicas": ready,
        "currentReplicas": current,
        "updatedReplicas": updated,
        "currentRevision": current_rev,
        "updateRevision": plan.update_rev,
        "collisionCount": 0,
    });
    if let Some(m) = status.as_object_mut() {
        m.retain(|k, x| k == "replicas" || k == "collisionCount" || x.as_i64() != Some(0));
    }
    status["availableReplicas"] = json!(ready);
    if set.get("status") == Some(&status) {
        return;
    }
    sim.store
        .update_with(STATEFULSETS, meta::namespace(set), meta::name(set), |o| {
            o["status"] = status.clone();
            true
        });
}

#[cfg(test)]
#[path = "statefulset_tests.rs"]
mod tests;
