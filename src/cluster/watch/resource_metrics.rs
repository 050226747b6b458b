//! The resource metrics API asked every `EVERY` (it has no watch): the latest answer is
//! kept for the snapshot builder, which is woken when it changes.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinHandle;

use super::kinds::Health;
use crate::cluster::connect::Connection;
use crate::cluster::model::ResourceMetrics;

/// How often the API is asked (metrics-server itself scrapes every 15 s).
pub const EVERY: Duration = Duration::from_secs(15);

/// The latest answer, shared with the snapshot builder.
#[derive(Clone, Default)]
pub struct Latest(Arc<Mutex<ResourceMetrics>>);

impl Latest {
    pub fn get(&self) -> ResourceMetrics {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set(&self, v: ResourceMetrics) -> bool {
        let mut cur = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let changed = *cur != v;
        *cur = v;
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
