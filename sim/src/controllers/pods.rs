//! Scheduler and kubelet: Pending → scheduled → Running → Ready, container restarts,
//! OOM kills and CrashLoopBackOff, graceful termination.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};

use super::{Snapshot, State};
use crate::resources::keys;
use crate::usage;
use crate::{Sim, meta};

/// Simulated seconds from scheduling to running containers (image pull, start).
const START_SECS: f64 = 1.0;
/// Simulated seconds from start to the first passing readiness probe.
const READY_SECS: f64 = 2.0;
/// Simulated seconds a running container lives before an over-limit OOM kill.
const OOM_AFTER_SECS: f64 = 3.0;
/// Termination takes this long at most (agents exit promptly on SIGTERM).
const TERMINATE_SECS: f64 = 1.0;

#[derive(Default)]
pub struct PodState {
    /// Pods whose termination was announced (Killing event sent).
    killing: HashSet<(String, String)>,
    /// Next pod IP per node.
    next_ip: HashMap<String, u32>,
}

fn condition(t: &str, status: bool, now: &str) -> Value {
    json!({"type": t, "status": if status { "True" } else { "False" }, "lastProbeTime": null, "lastTransitionTime": now})
}

fn set_condition(pod: &mut Value, t: &str, status: bool, now: &str) {
    let conds = pod["status"]
        .as_object_mut()
        .map(|s| s.entry("conditions").or_insert_with(|| json!([])));
    let Some(Value::Array(conds)) = conds else {
        return;
    };
    let want = if status { "True" } else { "False" };
    match conds.iter_mut().find(|c| c["type"] == t) {
        Some(c) if c["status"] == want => {}
        Some(c) => *c = condition(t, status, now),
        None => conds.push(condition(t, status, now)),
    }
}

fn containers(pod: &Value) -> Vec<(String, String)> {
    meta::ptr(pod, "/spec/containers")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .map(|c| {
                    (
                        c["name"].as_str().unwrap_or("").to_string(),
                        c["image"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn request(pod: &Value, res: &str) -> f64 {
    meta::pod_resource_sum(pod, "requests", res)
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
    let unscheduled = snap
        .pods
        .iter()
        .any(|p| meta::ptr(p, "/spec/nodeName").is_none());
    let mut per_node: HashMap<String, usize> = HashMap::new();
    let mut nodes = Vec::new();
    if unscheduled {
        for p in &snap.pods {
            if let Some(n) = meta::ptr(p, "/spec/nodeName").and_then(Value::as_str) {
                *per_node.entry(n.to_string()).or_default() += 1;
            }
        }
        nodes = sim.store.list(keys::NODES, None).0;
    }
    let now = sim.clock.now_str();
    let pinned = sim.has_memory_pins();
    for pod in &snap.pods {
        let ns = meta::namespace(pod);
        let name = meta::name(pod);
        if meta::is_deleting(pod) {
            terminate(sim, st, pod);
            continue;
        }
        let phase = meta::ptr(pod, "/status/phase")
            .and_then(Value::as_str)
            .unwrap_or("");
        if meta::ptr(pod, "/spec/nodeName").is_none() {
            schedule(sim, st, pod, &nodes, &mut per_node);
            continue;
        }
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
            "Running" => run_containers(sim, st, pod, &now, pinned),
            _ => {}
        }
    }
}

fn condition_time<'a>(pod: &'a Value, t: &str) -> Option<&'a str> {
    meta::ptr(pod, "/status/conditions")?
        .as_array()?
        .iter()
        .find(|c| c["type"] == t)?
        .get("lastTransitionTime")?
        .as_str()
}

fn schedule(
    sim: &Sim,
    st: &mut State,
    pod: &Value,
    nodes: &[std::sync::Arc<Value>],
    per_node: &mut HashMap<String, usize>,
) {
    let now = sim.clock.now_str();
    let Some(node) = pick_node(nodes, per_node) else {
        unschedulable(sim, st, pod, nodes.len(), &now);
        return;
    };
    *per_node.entry(node.clone()).or_default() += 1;
    bind(sim, st, pod, nodes, &node, &now);
}

/// The scheduler's filter and score: nodes with room for another pod, the least
/// loaded first (ties by name).
fn pick_node(nodes: &[std::sync::Arc<Value>], per_node: &HashMap<String, usize>) -> Option<String> {
    nodes
        .iter()
        .map(|n| meta::name(n).to_string())
        .filter(|n| per_node.get(n).copied().unwrap_or(0) < super::nodes::PODS_PER_NODE)
        .min_by_key(|n| (per_node.get(n).copied().unwrap_or(0), n.clone()))
}

/// No node fits: PodScheduled=False (once) and a FailedScheduling event.
fn unschedulable(sim: &Sim, st: &mut State, pod: &Value, node_count: usize, now: &str) {
    let msg = format!("0/{node_count} nodes are available: {node_count} Too many pods.");
    let updated = sim
        .store
        .update_with(keys::PODS, meta::namespace(pod), meta::name(pod), |p| {
            if condition_time(p, "PodScheduled").is_some() {
                return false;
            }
            set_condition(p, "PodScheduled", false, now);
            true
        });
    if updated.is_some() {
        st.events.record(
            sim,
            pod,
            true,
            "FailedScheduling",
            &msg,
            "default-scheduler",
        );
    }
}

/// The binding: nodeName and the node's host IP set, PodScheduled=True, and a
/// Scheduled event.
fn bind(
    sim: &Sim,
    st: &mut State,
    pod: &Value,
    nodes: &[std::sync::Arc<Value>],
    node: &str,
    now: &str,
) {
    let host_ip = nodes
        .iter()
        .find(|n| meta::name(n) == node)
        .and_then(|n| meta::ptr(n, "/status/addresses/0/address"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let updated = sim
        .store
        .update_with(keys::PODS, meta::namespace(pod), meta::name(pod), |p| {
            p["spec"]["nodeName"] = json!(node);
            p["status"]["hostIP"] = json!(host_ip);
            p["status"]["hostIPs"] = json!([{"ip": host_ip}]);
            if let Some(c) = p
                .pointer_mut("/status/conditions")
                .and_then(Value::as_array_mut)
            {
                c.retain(|c| c["type"] != "PodScheduled");
            }
            set_condition(p, "PodScheduled", true, now);
            true
        });
    if let Some(p) = updated {
        st.events.record(
            sim,
            &p,
            false,
            "Scheduled",
            &format!(
                "Successfully assigned {}/{} to {node}",
                meta::namespace(pod),
                meta::name(pod)
            ),
            "default-scheduler",
        );
    }
}

fn pod_ip(st: &mut State, node: &str) -> String {
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

fn running_status(
    name: &str,
    image: &str,
    now: &str,
    restarts: i64,
    last: Option<&Value>,
) -> Value {
    let mut s = json!({
        "name": name,
        "image": image,
        "imageID": format!("{image}@sha256:{:064x}", meta::fnv32a(image.as_bytes())),
        "containerID": format!("containerd://{:064x}", meta::fnv32a(format!("{name}{now}{restarts}").as_bytes())),
        "ready": false,
        "started": true,
        "restartCount": restarts,
        "state": {"running": {"startedAt": now}},
        "lastState": {},
    });
    if let Some(l) = last {
        s["lastState"] = l.clone();
    }
    s
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

fn started_at(pod: &Value) -> Option<&str> {
    meta::ptr(pod, "/status/containerStatuses/0/state/running/startedAt").and_then(Value::as_str)
}

fn run_containers(sim: &Sim, st: &mut State, pod: &Value, now: &str, pinned: bool) {
    let restarts = pod
        .pointer("/status/containerStatuses/0/restartCount")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    if let Some(w) = meta::ptr(pod, "/status/containerStatuses/0/state/waiting") {
        if w["reason"] == "CrashLoopBackOff" {
            crash_loop_back_off(sim, st, pod, now, restarts);
        }
        return;
    }
    // Steady state: ready, and no pinned memory use that could OOM it.
    if meta::pod_ready(pod) && !pinned {
        return;
    }
    let Some(started) = started_at(pod) else {
        return;
    };
    let up = meta::age_secs(&sim.clock, Some(started)).unwrap_or(0.0);
    if pinned && over_memory_limit(sim, pod, up) {
        oom_kill(sim, st, pod, now, restarts);
        return;
    }
    if !meta::pod_ready(pod) {
        readiness_probe(sim, st, pod, now, up);
    }
}

/// The kubelet's CrashLoopBackOff: the container restarts once its back-off (10 s,
/// doubling per restart, at most 5 min) has passed since it last finished.
fn crash_loop_back_off(sim: &Sim, st: &mut State, pod: &Value, now: &str, restarts: i64) {
    let finished = pod
        .pointer("/status/containerStatuses/0/lastState/terminated/finishedAt")
        .and_then(Value::as_str);
    let backoff = (10.0 * 2f64.powi((restarts - 1).clamp(0, 5) as i32)).min(300.0);
    let waited = meta::age_secs(&sim.clock, finished).unwrap_or(0.0);
    if waited < backoff {
        st.due_in(sim.clock.secs(), backoff - waited);
        return;
    }
    let cs = containers(pod);
    sim.store
        .update_with(keys::PODS, meta::namespace(pod), meta::name(pod), |p| {
            let last = meta::ptr(p, "/status/containerStatuses/0/lastState").cloned();
            p["status"]["containerStatuses"] = Value::Array(
                cs.iter()
                    .map(|(c, i)| running_status(c, i, now, restarts, last.as_ref()))
                    .collect(),
            );
            true
        });
    st.events.record(
        sim,
        pod,
        false,
        "Started",
        &format!("Started container {}", cs[0].0),
        "kubelet",
    );
}

/// The kernel's OOM killer: the pod's simulated memory use is above its limit, and it
/// has run long enough to get there.
fn over_memory_limit(sim: &Sim, pod: &Value, up: f64) -> bool {
    let deploy = usage::deployment_of(pod);
    let (_, mem_frac) = usage::usage_fraction(sim, meta::namespace(pod), deploy, meta::name(pod));
    let mem_limit = meta::pod_resource_sum(pod, "limits", "memory");
    let mem_used = mem_frac * request(pod, "memory");
    mem_limit > 0.0 && mem_used > mem_limit && up >= OOM_AFTER_SECS
}

/// The readiness probe: containers turn ready (ContainersReady, Ready) once its
/// initial delay has passed since they started.
fn readiness_probe(sim: &Sim, st: &mut State, pod: &Value, now: &str, up: f64) {
    let delay = READY_SECS
        + pod
            .pointer("/spec/containers/0/readinessProbe/initialDelaySeconds")
            .and_then(Value::as_f64)
            .unwrap_or(0.0);
    if up < delay {
        st.due_in(sim.clock.secs(), delay - up);
        return;
    }
    sim.store
        .update_with(keys::PODS, meta::namespace(pod), meta::name(pod), |p| {
            if let Some(cs) = p
                .pointer_mut("/status/containerStatuses")
                .and_then(Value::as_array_mut)
            {
                for c in cs {
                    c["ready"] = json!(true);
                }
            }
            set_condition(p, "ContainersReady", true, now);
            set_condition(p, "Ready", true, now);
            true
        });
}

fn oom_kill(sim: &Sim, st: &mut State, pod: &Value, now: &str, restarts: i64) {
    let ns = meta::namespace(pod);
    let name = meta::name(pod);
    let cname = containers(pod)
        .first()
        .map(|c| c.0.clone())
        .unwrap_or_default();
    let started = started_at(pod).unwrap_or(now).to_string();
    let updated = sim.store.update_with(keys::PODS, ns, name, |p| {
        if let Some(cs) = p.pointer_mut("/status/containerStatuses").and_then(Value::as_array_mut) {
            for c in cs {
                c["lastState"] = json!({"terminated": {"exitCode": 137, "reason": "OOMKilled", "startedAt": started, "finishedAt": now, "containerID": c["containerID"].clone()}});
                c["restartCount"] = json!(restarts + 1);
                c["ready"] = json!(false);
                c["started"] = json!(false);
                c["state"] = json!({"waiting": {"reason": "CrashLoopBackOff", "message": format!("back-off restarting failed container {} in pod {name}", c["name"].as_str().unwrap_or(""))}});
            }
        }
        set_condition(p, "ContainersReady", false, now);
        set_condition(p, "Ready", false, now);
        true
    });
    if let Some(p) = updated {
        let limit = p
            .pointer("/spec/containers/0/resources/limits/memory")
            .and_then(Value::as_str)
            .unwrap_or("?");
        st.events.record(
            sim,
            &p,
            true,
            "OOMKilled",
            &format!("Container {cname} was OOMKilled: memory use exceeded its limit of {limit}"),
            "kubelet",
        );
        st.events.record(
            sim,
            &p,
            true,
            "BackOff",
            &format!("Back-off restarting failed container {cname} in pod {name}"),
            "kubelet",
        );
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
