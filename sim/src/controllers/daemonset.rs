//! DaemonSet controller: one pod per node, bound to its node as the scheduler binds
//! DaemonSet pods, replaced one node at a time (maxUnavailable 1) when the template
//! changes, and the status `kubectl rollout status ds/NAME` reads.

use std::sync::Arc;

use serde_json::{Value, json};

use super::pod_cache::Pod;
use super::scheduler::Node;
use super::{Snapshot, State};
use crate::resources::keys;
use crate::{Sim, admission, meta};

const GENERATION_LABEL: &str = "pod-template-generation";

pub fn reconcile(sim: &Sim, st: &mut State, snap: &Snapshot) {
    let (sets, _) = sim.store.list(keys::DAEMONSETS, None);
    if sets.is_empty() {
        return;
    }
    let nodes = super::scheduler::nodes_of(&sim.store.list(keys::NODES, None).0);
    for ds in sets.iter().filter(|d| !meta::is_deleting(d)) {
        let pods: Vec<Arc<Pod>> = snap
            .pods_by_owner
            .get(meta::uid(ds))
            .cloned()
            .unwrap_or_default();
        reconcile_one(sim, st, ds, &pods, &nodes);
    }
}

fn generation_of(pod: &Pod) -> String {
    meta::label(pod, GENERATION_LABEL).unwrap_or("").to_string()
}

fn reconcile_one(sim: &Sim, st: &mut State, ds: &Value, pods: &[Arc<Pod>], nodes: &[Node]) {
    let generation = meta::generation(ds).to_string();
    for node in nodes {
        let on_node = pods
            .iter()
            .any(|p| p.sum.node.as_deref() == Some(node.name.as_str()));
        if !on_node {
            create_pod(sim, st, ds, node, &generation);
        }
    }
    let outdated: Vec<&Arc<Pod>> = pods
        .iter()
        .filter(|p| generation_of(p) != generation)
        .collect();
    let all_ready = pods.iter().all(|p| p.sum.ready);
    // RollingUpdate, maxUnavailable 1: replace one outdated pod once the others are ready.
    if let Some(p) = outdated.first()
        && all_ready
        && !is_on_delete(ds)
    {
        sim.delete_object(
            crate::resources::find("", "v1", "pods").expect("pods are served"),
            &p.sum.namespace,
            &p.sum.name,
            "Background",
            None,
        );
        st.events.record(
            sim,
            ds,
            false,
            "SuccessfulDelete",
            &format!("Deleted pod: {}", p.sum.name),
            "daemonset-controller",
        );
    }
    let ready = pods.iter().filter(|p| p.sum.ready).count();
    let updated = pods.len() - outdated.len();
    let status = json!({
        "currentNumberScheduled": pods.len(),
        "desiredNumberScheduled": nodes.len(),
        "numberAvailable": ready,
        "numberMisscheduled": 0,
        "numberReady": ready,
        "observedGeneration": meta::generation(ds),
        "updatedNumberScheduled": updated,
    });
    let mut status = status;
    if ready < nodes.len()
        && let Some(m) = status.as_object_mut()
    {
        m.insert("numberUnavailable".into(), json!(nodes.len() - ready));
    }
    if ds.get("status") != Some(&status) {
        sim.store
            .update_with(keys::DAEMONSETS, meta::namespace(ds), meta::name(ds), |o| {
                o["status"] = status.clone();
                true
            });
    }
}

fn is_on_delete(ds: &Value) -> bool {
    meta::ptr(ds, "/spec/updateStrategy/type").and_then(Value::as_str) == Some("OnDelete")
}

fn create_pod(sim: &Sim, st: &mut State, ds: &Value, node: &Node, generation: &str) {
    let name = format!("{}-{}", meta::name(ds), sim.rng.suffix(5));
    let mut pod = super::replicaset::pod_from_template(ds, &name);
    meta::obj_at(&mut pod, &["metadata", "labels"])
        .insert(GENERATION_LABEL.into(), json!(generation));
    let created = admission::create_internal(sim, pod, "kube-controller-manager");
    match created {
        Ok(p) => {
            st.events.record(
                sim,
                ds,
                false,
                "SuccessfulCreate",
                &format!("Created pod: {name}"),
                "daemonset-controller",
            );
            super::scheduler::bind(sim, st, &p, &node.host_ip, &node.name, &sim.clock.now_str());
        }
        Err(e) => st.events.record(
            sim,
            ds,
            true,
            "FailedCreate",
            &format!("Error creating: {e}"),
            "daemonset-controller",
        ),
    }
}
