//! Injected faults (switched by the admin endpoints): an outage, slow answers, cut watches.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Faults the admin endpoints switch on and off.
pub struct Faults {
    unavailable: AtomicBool,
    latency_ms: AtomicU64,
    /// Bumped to close every open watch.
    pub cut: tokio::sync::watch::Sender<u64>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            unavailable: AtomicBool::new(false),
            latency_ms: AtomicU64::new(0),
            cut: tokio::sync::watch::channel(0).0,
        }
    }
}

impl Faults {
    pub fn unavailable(&self) -> bool {
        self.unavailable.load(Ordering::Relaxed)
    }

    pub fn set_unavailable(&self, on: bool) {
        self.unavailable.store(on, Ordering::Relaxed);
    }

    /// Answer every API call this late (0: at once).
    pub fn set_latency_ms(&self, ms: u64) {
        self.latency_ms.store(ms, Ordering::Relaxed);
    }

    pub fn latency_ms(&self) -> u64 {
        self.latency_ms.load(Ordering::Relaxed)
    }

    pub fn latency(&self) -> Option<Duration> {
        match self.latency_ms.load(Ordering::Relaxed) {
            0 => None,
            ms => Some(Duration::from_millis(ms)),
        }
    }

    pub fn cut_watches(&self) {
        self.cut.send_modify(|g| *g += 1);
    }
}
