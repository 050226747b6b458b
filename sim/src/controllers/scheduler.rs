//! The scheduler: binds a pending pod to the least loaded node with room for it (pod
//! count, CPU and memory requests against the node's allocatable), or marks it
//! unschedulable with the real scheduler's FailedScheduling message.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::State;
use super::pod_cache::Pod;
use super::pod_status::set_condition;
use crate::resources::keys;
use crate::{Sim, meta};

/// What is already placed on a node: pods and their CPU and memory requests.
#[derive(Debug, Clone, Default)]
pub struct NodeUse {
    pub pods: usize,
    pub cpu: f64,
    pub memory: f64,
}

/// The scheduled pods' use of each node (in the order of `nodes`).
pub fn node_use(pods: &[Arc<Pod>], nodes: &[Node]) -> Vec<NodeUse> {
    let index: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.name.as_str(), i))
        .collect();
    let mut out = vec![NodeUse::default(); nodes.len()];
    for p in pods {
        if let Some(&i) = p.sum.node.as_deref().and_then(|n| index.get(n)) {
            let u = &mut out[i];
            u.pods += 1;
            u.cpu += p.sum.cpu;
            u.memory += p.sum.memory;
        }
    }
    out
}

/// What the scheduler needs of a node, read once per pass.
#[derive(Debug, Clone)]
pub struct Node {
    pub name: String,
    pub host_ip: String,
    /// Allocatable CPU (cores) and memory (bytes), when the node says.
    pub cpu: Option<f64>,
    pub memory: Option<f64>,
}

/// The nodes as the scheduler sees them.
pub fn nodes_of(nodes: &[std::sync::Arc<Value>]) -> Vec<Node> {
    nodes
        .iter()
        .map(|n| {
            let alloc = |r: &str| {
                meta::ptr(n, &format!("/status/allocatable/{r}")).and_then(meta::parse_quantity)
            };
            Node {
                name: meta::name(n).to_string(),
                host_ip: meta::ptr(n, "/status/addresses/0/address")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                cpu: alloc("cpu"),
                memory: alloc("memory"),
            }
        })
        .collect()
}

pub(super) fn schedule(
    sim: &Sim,
    st: &mut State,
    pod: &Pod,
    nodes: &[Node],
    per_node: &mut [NodeUse],
) {
    let now = sim.clock.now_str();
    let i = match pick_node((pod.sum.cpu, pod.sum.memory), nodes, per_node) {
        Ok(i) => i,
        Err(msg) => return unschedulable(sim, st, pod, &msg, &now),
    };
    let u = &mut per_node[i];
    u.pods += 1;
    u.cpu += pod.sum.cpu;
    u.memory += pod.sum.memory;
    bind(sim, st, pod, &nodes[i].host_ip, &nodes[i].name, &now);
}

/// Why a node cannot take a pod requesting `want` (CPU, memory) (the scheduler's
/// NodeResourcesFit reasons), if so.
pub(super) fn misfit(want: (f64, f64), node: &Node, used: &NodeUse) -> Option<&'static str> {
    if used.pods >= super::nodes::PODS_PER_NODE {
        return Some("Too many pods");
    }
    let fits = |want: f64, used: f64, alloc: Option<f64>| {
        want <= 0.0 || alloc.is_none_or(|a| used + want <= a)
    };
    if !fits(want.0, used.cpu, node.cpu) {
        return Some("Insufficient cpu");
    }
    if !fits(want.1, used.memory, node.memory) {
        return Some("Insufficient memory");
    }
    None
}

/// The scheduler's filter and score: nodes the pod fits on, the least loaded first (ties
/// by name); else the FailedScheduling message ("0/3 nodes are available: 3 Insufficient
/// memory. preemption: …").
fn pick_node(want: (f64, f64), nodes: &[Node], per_node: &[NodeUse]) -> Result<usize, String> {
    let none = NodeUse::default();
    let mut reasons: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut best: Option<(usize, usize)> = None;
    for (i, n) in nodes.iter().enumerate() {
        let used = per_node.get(i).unwrap_or(&none);
        match misfit(want, n, used) {
            Some(r) => *reasons.entry(r).or_default() += 1,
            None => {
                let better = best.is_none_or(|(pods, b)| {
                    used.pods < pods || (used.pods == pods && n.name < nodes[b].name)
                });
                if better {
                    best = Some((used.pods, i));
                }
            }
        }
    }
    if let Some((_, i)) = best {
        return Ok(i);
    }
    let total = nodes.len();
    let why: Vec<String> = reasons.iter().map(|(r, c)| format!("{c} {r}")).collect();
    let mut msg = format!("0/{total} nodes are available: {}.", why.join(", "));
    if reasons.keys().any(|r| r.starts_with("Insufficient")) {
        msg.push_str(&format!(
            " preemption: 0/{total} nodes are available: {total} No preemption victims found for incoming pod."
        ));
    }
    Err(msg)
}

/// No node fits: PodScheduled=False reason Unschedulable (once per message) and a
/// FailedScheduling event.
fn unschedulable(sim: &Sim, st: &mut State, pod: &Value, msg: &str, now: &str) {
    let updated = sim
        .store
        .update_with(keys::PODS, meta::namespace(pod), meta::name(pod), |p| {
            let same = meta::ptr(p, "/status/conditions")
                .and_then(Value::as_array)
                .and_then(|cs| cs.iter().find(|c| c["type"] == "PodScheduled"))
                .is_some_and(|c| c["message"] == msg);
            if same {
                return false;
            }
            if let Some(c) = p
                .pointer_mut("/status/conditions")
                .and_then(Value::as_array_mut)
            {
                c.retain(|c| c["type"] != "PodScheduled");
            }
            set_condition(p, "PodScheduled", false, now);
            if let Some(c) = p
                .pointer_mut("/status/conditions")
                .and_then(Value::as_array_mut)
                .and_then(|cs| cs.iter_mut().find(|c| c["type"] == "PodScheduled"))
            {
                c["reason"] = json!("Unschedulable");
                c["message"] = json!(msg);
            }
            true
        });
    if updated.is_some_and(|p| meta::resource_version(&p) != meta::resource_version(pod)) {
        st.events
            .record(sim, pod, true, "FailedScheduling", msg, "default-scheduler");
    }
}

/// The binding's changes to the pod: nodeName, host IP, PodScheduled=True.
pub(super) fn set_bound(p: &mut Value, node: &str, host_ip: &str, now: &str) {
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
}

/// The binding: nodeName and the node's host IP set, PodScheduled=True, and a
/// Scheduled event.
pub(super) fn bind(sim: &Sim, st: &mut State, pod: &Value, host_ip: &str, node: &str, now: &str) {
    let updated = sim
        .store
        .update_with(keys::PODS, meta::namespace(pod), meta::name(pod), |p| {
            set_bound(p, node, host_ip, now);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str) -> Arc<Value> {
        Arc::new(json!({"metadata": {"name": name},
            "status": {"allocatable": {"cpu": "7800m", "memory": "31Gi", "pods": "110"}}}))
    }

    fn pod(cpu: &str, memory: &str) -> (f64, f64) {
        let q = |s: &str| meta::parse_quantity(&json!(s)).unwrap();
        (q(cpu), q(memory))
    }

    #[test]
    fn pods_go_where_they_fit_else_the_schedulers_message() {
        let nodes = nodes_of(&[node("n1"), node("n2"), node("n3")]);
        let mut used = vec![NodeUse::default(); 3];
        used[0] = NodeUse {
            pods: 1,
            cpu: 0.25,
            memory: 30.0 * 1024.0 * 1024.0 * 1024.0,
        };
        assert_eq!(pick_node(pod("250m", "512Mi"), &nodes, &used), Ok(1));
        // 2Gi no longer fits on n1.
        used[0].pods = 0;
        assert_eq!(pick_node(pod("250m", "2Gi"), &nodes, &used), Ok(1));
        assert_eq!(
            pick_node(pod("250m", "64Gi"), &nodes, &used),
            Err("0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.".into())
        );
        assert_eq!(
            pick_node(pod("9", "64Gi"), &nodes, &used).unwrap_err(),
            "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
        );
    }
}
