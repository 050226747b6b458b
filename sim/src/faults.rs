//! Injected faults (switched by the admin endpoints): an outage, slow answers, cut watches,
//! a blackhole (a dead VPN or NAT: nothing answers, nothing closes) and reset connections.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Faults the admin endpoints switch on and off.
pub struct Faults {
    unavailable: AtomicBool,
    latency_ms: AtomicU64,
    /// Bumped to close every open watch.
    pub cut: tokio::sync::watch::Sender<u64>,
    /// Whether the API is blackholed: requests are read but never answered, open watches
    /// send nothing more (and do not close).
    blackhole: tokio::sync::watch::Sender<bool>,
    /// Bumped to drop every open connection with a TCP reset.
    pub reset: tokio::sync::watch::Sender<u64>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            unavailable: AtomicBool::new(false),
            latency_ms: AtomicU64::new(0),
            cut: tokio::sync::watch::channel(0).0,
            blackhole: tokio::sync::watch::channel(false).0,
            reset: tokio::sync::watch::channel(0).0,
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

    pub fn blackhole(&self) -> bool {
        *self.blackhole.borrow()
    }

    pub fn set_blackhole(&self, on: bool) {
        self.blackhole.send_if_modified(|b| {
            let changed = *b != on;
            *b = on;
            changed
        });
    }

    /// Follows the blackhole switch (for watches that must go silent).
    pub fn blackhole_changes(&self) -> tokio::sync::watch::Receiver<bool> {
        self.blackhole.subscribe()
    }

    /// Drop every open connection with a TCP reset (once; new connections are served).
    pub fn reset_connections(&self) {
        self.reset.send_modify(|g| *g += 1);
    }
}
