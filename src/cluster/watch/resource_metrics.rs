//! The resource metrics API asked every `EVERY` (it has no watch): the latest answer is
//! kept for the snapshot builder, which is woken when it changes.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinHandle;

use super::kinds::Health;
use crate::cluster::connect::Connection;
use crate::cluster::model::ResourceMetrics;

/// How often the API is asked (metrics-server itself scrapes every 15 s).
pub(super) const EVERY: Duration = Duration::from_secs(15);

/// How many answers the peaks are taken over (5 minutes).
const PEAK_OVER: usize = 20;

/// The latest answer, shared with the snapshot builder.
#[derive(Clone, Default)]
pub(super) struct Latest(Arc<Mutex<(Arc<ResourceMetrics>, Recent)>>);

/// The working sets of the last `PEAK_OVER` answers, per (pod, container): a ring of
/// values (NaN: not in that answer), not a copy of each answer's map.
#[derive(Default)]
struct Recent {
    answers: usize,
    values: HashMap<(String, String), [f64; PEAK_OVER]>,
}

impl Recent {
    /// Record `now` as the latest answer; the peaks over the recent ones.
    fn push(&mut self, now: &BTreeMap<(String, String), f64>) -> BTreeMap<(String, String), f64> {
        let slot = self.answers % PEAK_OVER;
        self.answers += 1;
        for ring in self.values.values_mut() {
            ring[slot] = f64::NAN;
        }
        for (k, v) in now {
            match self.values.get_mut(k) {
                Some(ring) => ring[slot] = *v,
                None => {
                    let mut ring = [f64::NAN; PEAK_OVER];
                    ring[slot] = *v;
                    self.values.insert(k.clone(), ring);
                }
            }
        }
        self.values
            .retain(|_, ring| ring.iter().any(|v| !v.is_nan()));
        self.values
            .iter()
            .map(|(k, ring)| (k.clone(), ring.iter().copied().fold(f64::NAN, f64::max)))
            .collect()
    }
}

impl Latest {
    /// The latest answer (shared, not copied: at 10,000 pods it holds 30,000 entries).
    pub(super) fn get(&self) -> Arc<ResourceMetrics> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).0.clone()
    }

    /// Keep `v`, its peaks over the recent answers; true when anything changed.
    fn set(&self, mut v: ResourceMetrics) -> bool {
        let mut cur = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let (latest, recent) = &mut *cur;
        v.peak = recent.push(&v.working_set);
        let changed = **latest != v;
        *latest = Arc::new(v);
        changed
    }
}

pub(super) fn spawn(conn: &Connection, health: Health) -> (Latest, JoinHandle<()>) {
    let latest = Latest::default();
    let (conn, out) = (conn.clone(), latest.clone());
    let task = tokio::spawn(async move {
        loop {
            let now = crate::cluster::resource_metrics::probe(&conn).await;
            if out.set(now) {
                health.changed.notify_one();
            }
            tokio::time::sleep(EVERY).await;
        }
    });
    (latest, task)
}
