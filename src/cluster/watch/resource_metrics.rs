//! The resource metrics API asked every `EVERY` (it has no watch): the latest answer is
//! kept for the snapshot builder, which is woken when it changes.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinHandle;

use super::kinds::Health;
use crate::cluster::connect::Connection;
use crate::cluster::model::ResourceMetrics;

/// How often the API is asked (metrics-server itself scrapes every 15 s).
pub const EVERY: Duration = Duration::from_secs(15);

/// How many answers the peaks are taken over (5 minutes).
const PEAK_OVER: usize = 20;

/// The latest answer, shared with the snapshot builder.
#[derive(Clone, Default)]
pub struct Latest(Arc<Mutex<(ResourceMetrics, VecDeque<Working>)>>);

type Working = std::collections::BTreeMap<(String, String), f64>;

impl Latest {
    pub fn get(&self) -> ResourceMetrics {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).0.clone()
    }

    /// Keep `v`, its peaks over the recent answers; true when anything changed.
    fn set(&self, mut v: ResourceMetrics) -> bool {
        let mut cur = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let (latest, recent) = &mut *cur;
        recent.push_back(v.working_set.clone());
        if recent.len() > PEAK_OVER {
            recent.pop_front();
        }
        v.peak.clear();
        for (k, b) in recent.iter().flatten() {
            let p = v.peak.entry(k.clone()).or_insert(*b);
            *p = p.max(*b);
        }
        let changed = *latest != v;
        *latest = v;
        changed
    }
}

pub fn spawn(conn: &Connection, health: Health) -> (Latest, JoinHandle<()>) {
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
