//! Scheduler and kubelet: Pending → scheduled → Running → Ready, container restarts,
//! OOM kills and CrashLoopBackOff, graceful termination.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};

use super::pod_cache::Pod;
use super::pod_status::{condition_time, containers, running_status, set_condition};
use super::{Snapshot, State};
use crate::resources::keys;
use crate::{Sim, meta};

/// Simulated seconds from scheduling to running containers (image pull, start).
const START_SECS: f64 = 1.0;
/// Termination takes this long at most (agents exit promptly on SIGTERM).
const TERMINATE_SECS: f64 = 1.0;

#[derive(Default)]
pub struct PodState {
    /// Pods whose termination was announced (Killing event sent).
    killing: HashSet<(String, String)>,
    /// Next pod IP per node.
    next_ip: HashMap<String, u32>,
}

/// A missing Secret that a container needs (non-optional secretKeyRef/secretRef).
fn missing_secret(sim: &Sim, pod: &Value) -> Option<String> {
    let ns = meta::namespace(pod);
    let cs = meta::ptr(pod, "/spec/containers")?.as_array()?;
    for c in cs {
        let refs = c["env"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| meta::ptr(e, "/valueFrom/secretKeyRef"))
            .chain(
                c["envFrom"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e.get("secretRef")),
            );
        for r in refs {
            if r["optional"].as_bool() == Some(true) {
                continue;
            }
            let name = r["name"].as_str().unwrap_or("");
            let secret = sim.store.get(keys::SECRETS, ns, name);
            match (secret, r["key"].as_str()) {
                (None, _) => return Some(format!("secret \"{name}\" not found")),
                (Some(s), Some(k)) if meta::ptr(&s, &format!("/data/{k}")).is_none() => {
                    return Some(format!("couldn't find key {k} in Secret {ns}/{name}"));
                }
                _ => {}
            }
        }
    }
    None
}

pub fn reconcile(sim: &Sim, st: &mut State, snap: &Snapshot) {
    let unscheduled = snap.pods.iter().any(|p| p.sum.node.is_none());
    let mut per_node = Vec::new();
    let mut nodes = Vec::new();
    if unscheduled {
        nodes = super::scheduler::nodes_of(&sim.store.list(keys::NODES, None).0);
        per_node = super::scheduler::node_use(&snap.pods, &nodes);
    }
    let now = sim.clock.now_str();
    let pinned = sim.has_memory_pins();
    for pod in &snap.pods {
        if pod.steady() && !pinned {
            continue;
        }
        let ns = pod.sum.namespace.as_str();
        let name = pod.sum.name.as_str();
        if pod.sum.deleting {
            terminate(sim, st, pod);
            continue;
        }
        if pod.sum.node.is_none() {
            super::scheduler::schedule(sim, st, pod, &nodes, &mut per_node);
            continue;
        }
        if waits(sim, st, pod, pinned) {
            continue;
        }
        let phase = pod.sum.phase;
        match phase {
            "Pending" => {
                let since =
                    meta::age_secs(&sim.clock, condition_time(pod, "PodScheduled")).unwrap_or(0.0);
                if since < START_SECS {
                    st.due_in(sim.clock.secs(), START_SECS - since);
                    continue;
                }
                if let Some(err) = missing_secret(sim, pod) {
                    let statuses: Vec<Value> = containers(pod)
                        .iter()
                        .map(|(c, img)| json!({"name": c, "image": img, "imageID": "", "ready": false, "restartCount": 0, "started": false,
                            "state": {"waiting": {"reason": "CreateContainerConfigError", "message": err}}}))
                        .collect();
                    let statuses = Value::Array(statuses);
                    if meta::ptr(pod, "/status/containerStatuses") != Some(&statuses) {
                        sim.store.update_with(keys::PODS, ns, name, |p| {
                            p["status"]["containerStatuses"] = statuses.clone();
                            true
                        });
                        st.events.record(
                            sim,
                            pod,
                            true,
                            "Failed",
                            &format!("Error: {err}"),
                            "kubelet",
                        );
                    }
                    continue;
                }
                start_containers(sim, st, pod, &now);
            }
            "Running" => super::kubelet::run_containers(sim, st, pod, &now, pinned),
            _ => {}
        }
    }
}

/// Nothing to do for a scheduled pod yet, as its summary tells (and when to look again):
/// its containers are not due to start, or not due to turn ready.
fn waits(sim: &Sim, st: &mut State, pod: &Pod, pinned: bool) -> bool {
    let s = &pod.sum;
    let age = |t: Option<jiff::Timestamp>| {
        t.map(|t| sim.clock.now().duration_since(t).as_secs_f64())
            .unwrap_or(0.0)
    };
    let wait = match s.phase {
        "Pending" => START_SECS - age(s.scheduled_at),
        "Running" if !s.waiting && !s.ready && !pinned => {
            let Some(started) = s.started_at else {
                return true;
            };
            let up = age(Some(started));
            if s.bad_config {
                super::kubelet::CRASH_AFTER_SECS - up
            } else {
                s.ready_delay - up
            }
        }
        _ => return false,
    };
    if wait > 0.0 {
        st.due_in(sim.clock.secs(), wait);
        return true;
    }
    false
}

pub(super) fn pod_ip(st: &mut State, node: &str) -> String {
    let idx: u32 = node
        .rsplit('-')
        .next()
        .and_then(|n| n.parse::<u32>().ok())
        .unwrap_or(1)
        - 1;
    let n = st.pods.next_ip.entry(node.to_string()).or_insert(0);
    *n += 1;
    format!("10.244.{idx}.{}", (*n % 250) + 2)
}

/// The kubelet started the containers `cs` (name, image): Running with pod IP `ip`, not
/// ready yet.
pub(super) fn set_running(p: &mut Value, ip: &str, now: &str, cs: &[(String, String)]) {
    p["status"]["phase"] = json!("Running");
    p["status"]["podIP"] = json!(ip);
    p["status"]["podIPs"] = json!([{"ip": ip}]);
    p["status"]["startTime"] = json!(now);
    p["status"]["containerStatuses"] = Value::Array(
        cs.iter()
            .map(|(c, i)| running_status(c, i, now, 0, None))
            .collect(),
    );
    set_condition(p, "PodReadyToStartContainers", true, now);
    set_condition(p, "Initialized", true, now);
    set_condition(p, "Ready", false, now);
    set_condition(p, "ContainersReady", false, now);
}

fn start_containers(sim: &Sim, st: &mut State, pod: &Value, now: &str) {
    let node = meta::ptr(pod, "/spec/nodeName")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let ip = pod_ip(st, &node);
    let cs = containers(pod);
    let updated = sim
        .store
        .update_with(keys::PODS, meta::namespace(pod), meta::name(pod), |p| {
            set_running(p, &ip, now, &cs);
            true
        });
    if let Some(p) = updated {
        for (c, image) in &cs {
            st.events.record(
                sim,
                &p,
                false,
                "Pulled",
                &format!("Container image \"{image}\" already present on machine"),
                "kubelet",
            );
            st.events.record(
                sim,
                &p,
                false,
                "Created",
                &format!("Created container {c}"),
                "kubelet",
            );
            st.events.record(
                sim,
                &p,
                false,
                "Started",
                &format!("Started container {c}"),
                "kubelet",
            );
        }
    }
}

fn terminate(sim: &Sim, st: &mut State, pod: &Value) {
    let ns = meta::namespace(pod);
    let name = meta::name(pod);
    let key = (ns.to_string(), name.to_string());
    if st.pods.killing.insert(key.clone()) {
        for (c, _) in containers(pod) {
            st.events.record(
                sim,
                pod,
                false,
                "Killing",
                &format!("Stopping container {c}"),
                "kubelet",
            );
        }
    }
    let grace = pod
        .pointer("/metadata/deletionGracePeriodSeconds")
        .and_then(Value::as_f64)
        .unwrap_or(30.0);
    let since = meta::age_secs(
        &sim.clock,
        meta::ptr(pod, "/metadata/deletionTimestamp").and_then(Value::as_str),
    )
    .unwrap_or(0.0);
    if since < grace.min(TERMINATE_SECS) {
        st.due_in(sim.clock.secs(), grace.min(TERMINATE_SECS) - since);
    }
    if since >= grace.min(TERMINATE_SECS) {
        sim.store.delete(keys::PODS, ns, name);
        st.pods.killing.remove(&key);
    }
}
