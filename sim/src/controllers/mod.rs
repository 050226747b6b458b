//! Controllers in simulated time: scheduler and kubelet (pods), ReplicaSets, Deployments,
//! StatefulSets, Jobs, HorizontalPodAutoscalers, default ServiceAccounts, garbage
//! collection, events. One loop runs them all, on every store change and on a slow tick
//! for time-driven transitions. DaemonSets and CronJobs are stored and served, not run:
//! nothing the product or its tests do needs their controllers (sim/README.md).

pub mod bulk;
mod decoded;
pub mod deployment;
pub mod events;
pub mod gc;
pub mod hpa;
pub mod hpa_behavior;
pub mod hpa_metrics;
pub mod job;
pub mod kubelet;
pub mod namespaces;
pub mod nodes;
pub mod pod_cache;
pub mod pod_status;
pub mod pods;
pub mod replicaset;
mod revisions;
pub mod scheduler;
pub mod statefulset;
mod trim;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use self::pod_cache::Pod;

use super::resources::keys;
use super::{Sim, meta};

/// Simulated seconds from the controllers' start to their first sweep of expired events.
const FIRST_EXPIRY_SWEEP_SECS: f64 = 5.0;

/// State the controllers keep between passes (the real controllers' caches).
#[derive(Default)]
pub struct State {
    pub events: events::Recorder,
    pub hpa: hpa::HpaState,
    pub pods: pods::PodState,
    pub namespaces: namespaces::Seeded,
    /// Objects decoded for the passes while they are busy.
    decoded: decoded::Decoded,
    /// managedFields entry of the first pod a ReplicaSet (uid, generation) created.
    pod_managed: HashMap<(String, i64), Value>,
    /// The pods' summaries (kept), and the pods decoded while busy.
    pod_cache: pod_cache::PodCache,
    /// When the oldest event expires (simulated seconds): the next GC pass needed
    /// without deletions.
    gc_next_expiry: f64,
    /// The store's deletion count at the last GC pass, and whether that pass left work.
    gc_seen: u64,
    gc_pending: bool,
    /// The store's resourceVersion after the last pass, and the earliest simulated time a
    /// controller asked to look again: between the two, a pass has nothing to do.
    last_rv: u64,
    next_due: f64,
}

impl State {
    /// Ask for a pass at simulated time `at` even if nothing changes before.
    pub fn due(&mut self, at: f64) {
        if at < self.next_due {
            self.next_due = at;
        }
    }

    /// Ask for a pass `secs` simulated seconds from now.
    pub fn due_in(&mut self, now: f64, secs: f64) {
        self.due(now + secs.max(0.0));
    }
}

/// Objects of one pass, indexed the way the controllers need them.
pub struct Snapshot {
    pub pods: Vec<Arc<Pod>>,
    pub replicasets: Vec<Arc<Value>>,
    pub deployments: Vec<Arc<Value>>,
    /// Active (not deleting) pods by controller-owner uid.
    pub pods_by_owner: HashMap<Arc<str>, Vec<Arc<Pod>>>,
    /// ReplicaSets by controller-owner uid.
    pub rs_by_owner: HashMap<String, Vec<Arc<Value>>>,
}

impl Snapshot {
    pub fn take(sim: &Sim, st: &mut State) -> Self {
        let pods = st.pod_cache.list(sim);
        let decoded = &mut st.decoded;
        let replicasets = decoded.list(sim, keys::REPLICASETS);
        let deployments = decoded.list(sim, keys::DEPLOYMENTS);
        let mut pods_by_owner: HashMap<Arc<str>, Vec<Arc<Pod>>> = HashMap::new();
        for p in pods.iter().filter(|p| !p.sum.deleting) {
            if let Some(u) = &p.sum.owner {
                pods_by_owner.entry(u.clone()).or_default().push(p.clone());
            }
        }
        let mut rs_by_owner: HashMap<String, Vec<Arc<Value>>> = HashMap::new();
        for rs in &replicasets {
            if let Some(u) = meta::controller_uid(rs) {
                rs_by_owner
                    .entry(u.to_string())
                    .or_default()
                    .push(rs.clone());
            }
        }
        Snapshot {
            pods,
            replicasets,
            deployments,
            pods_by_owner,
            rs_by_owner,
        }
    }
}

/// One pass of every controller.
pub fn reconcile(sim: &Sim, st: &mut State) {
    let now = sim.clock.secs();
    let seen_rv = sim.store.current_rv();
    if seen_rv == st.last_rv && now < st.next_due {
        if st.decoded.drop_if_idle() {
            trim::release();
        }
        return;
    }
    st.next_due = now + 60.0;
    if sim.has_memory_pins() {
        st.due_in(now, 1.0);
    }
    let mut snap = Snapshot::take(sim, st);
    let rv = sim.store.current_rv();
    deployment::reconcile(sim, st, &snap);
    if sim.store.current_rv() != rv {
        snap = Snapshot::take(sim, st);
    }
    replicaset::reconcile(sim, st, &snap);
    statefulset::reconcile(sim, st, &snap.pods);
    pods::reconcile(sim, st, &snap);
    hpa::reconcile(sim, st, &snap);
    job::reconcile(sim, st, &snap);
    namespaces::reconcile(sim, &mut st.namespaces);
    // Garbage collection after deletions (until it has nothing left to do), and when the
    // oldest event expires.
    if st.gc_next_expiry == 0.0 {
        // The first expiry sweep reads every event: it waits for the passes that start a
        // (restored or bulk-loaded) cluster's pods to be done.
        st.gc_next_expiry = now + FIRST_EXPIRY_SWEEP_SECS;
        st.due(st.gc_next_expiry);
    }
    let deletions = sim.store.deletions();
    if deletions != st.gc_seen || st.gc_pending || now >= st.gc_next_expiry {
        st.gc_seen = deletions;
        st.gc_pending = gc::reconcile(sim, st);
    }
    if st.gc_pending {
        st.due_in(now, 0.5);
    }
    // What this pass wrote has not been seen by every controller yet: only a pass that
    // changes nothing lets the loop rest.
    st.last_rv = seen_rv;
}

/// Run the controllers until the task is aborted.
pub async fn run(sim: Arc<Sim>) {
    let mut st = State::default();
    loop {
        let changed = sim.store.changed.notified();
        tokio::pin!(changed);
        changed.as_mut().enable();
        let t0 = std::time::Instant::now();
        reconcile(&sim, &mut st);
        tracing::trace!(
            elapsed_ms = t0.elapsed().as_millis() as u64,
            "controller pass"
        );
        tokio::select! {
            _ = &mut changed => {}
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
        }
        // Let a burst of API writes land before the next pass.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Parse an int-or-percent (maxSurge/maxUnavailable) against a total.
pub fn int_or_percent(v: Option<&Value>, total: i64, round_up: bool, default: &str) -> i64 {
    let s = match v {
        Some(Value::Number(n)) => return n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => s.clone(),
        _ => default.to_string(),
    };
    match s.strip_suffix('%').and_then(|p| p.parse::<f64>().ok()) {
        Some(p) => {
            let x = p * total as f64 / 100.0;
            if round_up {
                x.ceil() as i64
            } else {
                x.floor() as i64
            }
        }
        None => s.parse().unwrap_or(0),
    }
}
