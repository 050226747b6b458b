//! `--churn RATE`: reproducible change in the extra load workloads (`--extra-pods`). Every
//! second, RATE of their pods are deleted at once (as `kubectl delete --force` does), which
//! their ReplicaSets replace (created, scheduled, started, ready: the controllers' usual
//! way), and RATE ready pods flip to not ready (their readiness probe turns them ready
//! again at the controllers' next pass). `--churn-namespace` concentrates it on the load
//! workloads of the namespaces named.

use std::sync::Arc;
use std::time::Duration;

use crate::Sim;
use crate::bootstrap::LOAD_NAMESPACES;
use crate::controllers::pod_status::set_condition;
use crate::meta::{self, Rng};
use crate::resources::keys;
use crate::store::ObjKey;

/// How often the churn acts (RATE is spread over the ticks of a second).
const TICK: Duration = Duration::from_millis(100);

/// Run the churn until the task is aborted.
pub async fn run(sim: Arc<Sim>, rate: f64, seed: u64, namespaces: Vec<String>) {
    let rng = Rng::new(seed ^ 0xC0FF_EE00_C4A5_1234);
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut owed = 0.0;
    loop {
        tick.tick().await;
        owed += rate * TICK.as_secs_f64();
        let n = owed.floor();
        owed -= n;
        if n >= 1.0 {
            step(&sim, &rng, &namespaces, n as usize);
        }
    }
}

/// The namespaces the churn acts on: those asked for, or every load namespace.
pub fn namespaces(asked: &[String]) -> Vec<String> {
    if asked.is_empty() {
        (1..=LOAD_NAMESPACES).map(|i| format!("load-{i}")).collect()
    } else {
        asked.to_vec()
    }
}

/// The pods of the extra load workloads in `namespaces`.
fn load_pods(sim: &Sim, namespaces: &[String]) -> Vec<ObjKey> {
    namespaces
        .iter()
        .flat_map(|ns| sim.store.list_raw(keys::PODS, Some(ns)).0)
        .map(|(k, _)| k)
        .collect()
}

/// One churn step in `namespaces`: `n` load pods deleted and `n` others flipped to not
/// ready (distinct pods, picked at random). Returns how many were deleted and flipped.
pub fn step(sim: &Sim, rng: &Rng, namespaces: &[String], n: usize) -> (usize, usize) {
    let mut pods = load_pods(sim, namespaces);
    let picks = (2 * n).min(pods.len());
    for i in 0..picks {
        let j = i + (rng.next_u64() % (pods.len() - i) as u64) as usize;
        pods.swap(i, j);
    }
    let (del, flip) = pods[..picks].split_at(picks.min(n));
    let deleted = del
        .iter()
        .filter(|(ns, name)| sim.store.delete(keys::PODS, ns, name).is_some())
        .count();
    let now = sim.clock.now_str();
    let flipped = flip
        .iter()
        .filter(|(ns, name)| {
            let r = sim
                .store
                .update_with(keys::PODS, ns, name, |p| not_ready(p, &now));
            r.is_some_and(|p| !meta::pod_ready(&p))
        })
        .count();
    (deleted, flipped)
}

/// A running, ready pod turns not ready (its containers' readiness probes failed once).
fn not_ready(pod: &mut serde_json::Value, now: &str) -> bool {
    if meta::is_deleting(pod) || !meta::pod_ready(pod) {
        return false;
    }
    if let Some(cs) = pod
        .pointer_mut("/status/containerStatuses")
        .and_then(serde_json::Value::as_array_mut)
    {
        for c in cs {
            c["ready"] = serde_json::json!(false);
        }
    }
    set_condition(pod, "ContainersReady", false, now);
    set_condition(pod, "Ready", false, now);
    true
}

#[cfg(test)]
#[path = "churn_tests.rs"]
mod tests;
