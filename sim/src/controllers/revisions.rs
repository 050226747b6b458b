//! Deployment revisions as the deployment controller keeps them: the revision annotation
//! on the Deployment and its ReplicaSets (what `kubectl rollout history|undo` read), and
//! the Deployment's annotations copied onto its new ReplicaSet.

use serde_json::{Map, Value, json};

use crate::resources::keys;
use crate::{Sim, meta};

pub(super) const REVISION: &str = "deployment.kubernetes.io/revision";

pub(super) fn revision(o: &Value) -> i64 {
    meta::ptr(o, "/metadata/annotations")
        .and_then(|a| a.get(REVISION))
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// The Deployment's annotations the controller copies onto its ReplicaSets (kubectl's
/// change-cause among them), without the controller's and kubectl's own bookkeeping.
pub(super) fn copied_annotations(d: &Value) -> Map<String, Value> {
    const SKIP: [&str; 5] = [
        REVISION,
        "deployment.kubernetes.io/revision-history",
        "deployment.kubernetes.io/desired-replicas",
        "deployment.kubernetes.io/max-replicas",
        "kubectl.kubernetes.io/last-applied-configuration",
    ];
    meta::ptr(d, "/metadata/annotations")
        .and_then(Value::as_object)
        .map(|a| {
            a.iter()
                .filter(|(k, _)| !SKIP.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The Deployment carries its newest ReplicaSet's revision, as the real controller writes
/// it (`kubectl rollout undo` and `rollout history` read it).
pub(super) fn sync_revision(sim: &Sim, d: &Value, rev: i64) {
    let rev = rev.to_string();
    let current = meta::ptr(d, "/metadata/annotations")
        .and_then(|a| a.get(REVISION))
        .and_then(Value::as_str);
    if rev == "0" || current == Some(rev.as_str()) {
        return;
    }
    sim.store
        .update_with(keys::DEPLOYMENTS, meta::namespace(d), meta::name(d), |o| {
            meta::obj_at(o, &["metadata", "annotations"]).insert(REVISION.into(), json!(rev));
            true
        });
}
