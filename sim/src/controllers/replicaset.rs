//! ReplicaSet controller: keep spec.replicas pods, report ready/available counts.

use std::sync::Arc;

use serde_json::{Value, json};

use super::pod_cache::Pod;
use super::{Snapshot, State};
use crate::kinds;
use crate::resources::keys;
use crate::{Sim, admission, meta};

/// At most this many pods are created per ReplicaSet per pass (slow start, like the
/// real controller's batches).
const CREATE_BURST: usize = 500;

fn available(sim: &Sim, pod: &Pod, min_ready: f64) -> bool {
    if !pod.sum.ready {
        return false;
    }
    if min_ready <= 0.0 {
        return true;
    }
    let since = pod
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|c| c["type"] == "Ready"))
        .and_then(|c| c["lastTransitionTime"].as_str());
    meta::age_secs(&sim.clock, since).unwrap_or(0.0) >= min_ready
}

/// Deletion preference: unscheduled, then pending, then not ready, then newest.
fn delete_rank(p: &Value) -> (u8, std::cmp::Reverse<String>) {
    let rank = if meta::ptr(p, "/spec/nodeName").is_none() {
        0
    } else if meta::ptr(p, "/status/phase").and_then(Value::as_str) != Some("Running") {
        1
    } else if !meta::pod_ready(p) {
        2
    } else {
        3
    };
    let created = p
        .pointer("/metadata/creationTimestamp")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    (rank, std::cmp::Reverse(created))
}

pub fn reconcile(sim: &Sim, st: &mut State, snap: &Snapshot) {
    st.pod_managed
        .retain(|(uid, _), _| snap.replicasets.iter().any(|rs| meta::uid(rs) == uid));
    for rs in &snap.replicasets {
        if meta::is_deleting(rs) {
            continue;
        }
        let owned: &[Arc<Pod>] = snap
            .pods_by_owner
            .get(meta::uid(rs))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let want = meta::ptr(rs, "/spec/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(1)
            .max(0) as usize;
        if owned.len() < want {
            create_pods(sim, st, rs, (want - owned.len()).min(CREATE_BURST));
        } else if owned.len() > want {
            delete_pods(sim, st, rs, owned, owned.len() - want);
        }
        update_status(sim, st, rs, owned);
    }
}

/// manageReplicas, scaling up: creates `count` pods from the template, recording
/// SuccessfulCreate or FailedCreate for each.
fn create_pods(sim: &Sim, st: &mut State, rs: &Value, count: usize) {
    // The pods of one template set the same fields: after the first one went through
    // admission, the next ones reuse its managedFields entry.
    let shape = (meta::uid(rs).to_string(), meta::generation(rs));
    for _ in 0..count {
        let pod_name = format!("{}-{}", meta::name(rs), sim.rng.suffix(5));
        let pod = pod_from_template(rs, &pod_name);
        let created = match st.pod_managed.get(&shape) {
            Some(entry) => admission::create_like(sim, pod, entry),
            None => admission::create_internal(sim, pod, "kube-controller-manager").inspect(|p| {
                if let Some(m) = p.pointer("/metadata/managedFields/0") {
                    st.pod_managed.insert(shape.clone(), m.clone());
                }
            }),
        };
        match created {
            Ok(_) => st.events.record(
                sim,
                rs,
                false,
                "SuccessfulCreate",
                &format!("Created pod: {pod_name}"),
                "replicaset-controller",
            ),
            Err(e) => st.events.record(
                sim,
                rs,
                true,
                "FailedCreate",
                &format!("Error creating: {e}"),
                "replicaset-controller",
            ),
        }
    }
}

/// A new pod from the ReplicaSet's template: its labels, annotations and spec, owned
/// by the ReplicaSet as controller.
pub(super) fn pod_from_template(rs: &Value, pod_name: &str) -> Value {
    let mut pod = json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": pod_name,
            "namespace": meta::namespace(rs),
            "labels": meta::ptr(rs, "/spec/template/metadata/labels").cloned().unwrap_or(json!({})),
            "ownerReferences": [meta::owner_ref(rs, true)],
        },
        "spec": meta::ptr(rs, "/spec/template/spec").cloned().unwrap_or(json!({})),
    });
    if let Some(a) = meta::ptr(rs, "/spec/template/metadata/annotations") {
        pod["metadata"]["annotations"] = a.clone();
    }
    pod
}

/// manageReplicas, scaling down: deletes the `count` pods ranked first by
/// [`delete_rank`], recording SuccessfulDelete.
fn delete_pods(sim: &Sim, st: &mut State, rs: &Value, owned: &[Arc<Pod>], count: usize) {
    let pod_def = kinds::by_key(keys::PODS).expect("pods served");
    let mut victims: Vec<&Arc<Pod>> = owned.iter().collect();
    victims.sort_by_key(|p| delete_rank(p));
    for p in victims.into_iter().take(count) {
        if sim
            .delete_object(
                pod_def,
                meta::namespace(rs),
                meta::name(p),
                "Background",
                None,
            )
            .is_some()
        {
            st.events.record(
                sim,
                rs,
                false,
                "SuccessfulDelete",
                &format!("Deleted pod: {}", meta::name(p)),
                "replicaset-controller",
            );
        }
    }
}

/// calculateStatus: replicas, ready and available (ready for minReadySeconds) counts
/// and the observed generation; written only when changed.
fn update_status(sim: &Sim, st: &mut State, rs: &Value, owned: &[Arc<Pod>]) {
    let min_ready = meta::ptr(rs, "/spec/minReadySeconds")
        .and_then(Value::as_f64)
        .unwrap_or(0.0);
    let ready = owned.iter().filter(|p| p.sum.ready).count();
    let avail = owned
        .iter()
        .filter(|p| available(sim, p, min_ready))
        .count();
    if avail < ready {
        // Ready pods become available after minReadySeconds.
        st.due_in(sim.clock.secs(), 1.0);
    }
    let status = status_of(rs, owned.len(), ready, avail);
    if rs.get("status") != Some(&status) {
        sim.store.update_with(
            keys::REPLICASETS,
            meta::namespace(rs),
            meta::name(rs),
            |o| {
                o["status"] = status.clone();
                true
            },
        );
    }
}

/// A ReplicaSet's status with `pods` pods, `ready` of them ready and `avail` available.
pub(super) fn status_of(rs: &Value, pods: usize, ready: usize, avail: usize) -> Value {
    strip_zero(json!({
        "replicas": pods,
        "fullyLabeledReplicas": pods,
        "readyReplicas": ready,
        "availableReplicas": avail,
        "observedGeneration": meta::generation(rs),
    }))
}

/// Kubernetes omits zero counters (omitempty), except `replicas`.
pub fn strip_zero(mut v: Value) -> Value {
    if let Some(m) = v.as_object_mut() {
        m.retain(|k, x| k == "replicas" || x.as_i64() != Some(0));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SimConfig;

    fn paths(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => m
                .iter()
                .for_each(|(k, x)| paths(x, format!("{at}/{k}"), out)),
            Value::Array(a) => a.iter().for_each(|x| paths(x, format!("{at}/[]"), out)),
            _ => out.push(at),
        }
    }

    #[test]
    fn pods_created_like_the_first_are_the_same_objects() {
        let sim = Sim::new(&SimConfig::default());
        let rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": "w", "namespace": "default", "uid": "rs-1", "generation": 1},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "w"}},
                "template": {"metadata": {"labels": {"app": "w"}, "annotations": {"a": "b"}},
                    "spec": {"containers": [{"name": "c", "image": "busybox",
                        "resources": {"requests": {"cpu": "10m"}}}]}}}});
        let mut st = State::default();
        create_pods(&sim, &mut st, &rs, 2);
        let (pods, _) = sim.store.list(keys::PODS, None);
        assert_eq!(pods.len(), 2);
        let shape = |p: &Value| {
            let mut out = Vec::new();
            paths(p, String::new(), &mut out);
            out
        };
        assert_eq!(shape(&pods[0]), shape(&pods[1]));
        assert_eq!(
            pods[0].pointer("/metadata/managedFields/0/fieldsV1"),
            pods[1].pointer("/metadata/managedFields/0/fieldsV1")
        );
    }
}
