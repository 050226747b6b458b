//! The incidents the sim can stage, as values: which ones exist and which are on. A leaf
//! (it imports nothing of the sim), so the cluster can hold the switches and
//! [`crate::incidents`] can stage them on the cluster without a loop.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;

/// One incident the sim can stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Incident {
    BadKey,
    EgressBlocked,
    NoMetricsServer,
    Oom,
    Crashloop,
    Pending,
    SlowProvider,
}

impl Incident {
    pub const ALL: [Incident; 7] = [
        Incident::BadKey,
        Incident::EgressBlocked,
        Incident::NoMetricsServer,
        Incident::Oom,
        Incident::Crashloop,
        Incident::Pending,
        Incident::SlowProvider,
    ];

    /// The kebab-case name (`bad-key`).
    pub fn name(self) -> &'static str {
        match self {
            Incident::BadKey => "bad-key",
            Incident::EgressBlocked => "egress-blocked",
            Incident::NoMetricsServer => "no-metrics-server",
            Incident::Oom => "oom",
            Incident::Crashloop => "crashloop",
            Incident::Pending => "pending",
            Incident::SlowProvider => "slow-provider",
        }
    }

    /// Every name, comma separated (for error messages).
    pub fn names() -> String {
        Self::ALL.map(Incident::name).join(", ")
    }
}

impl fmt::Display for Incident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Incident {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|i| i.name() == s.trim())
            .ok_or_else(|| format!("unknown incident {:?} (valid: {})", s.trim(), Self::names()))
    }
}

/// The incidents staged now, with the simulated time each was switched (RFC 3339).
#[derive(Default)]
pub struct Active {
    on: Mutex<BTreeMap<Incident, String>>,
    /// When each incident was last switched off (for APIService transition times).
    off: Mutex<BTreeMap<Incident, String>>,
    /// The valid key (base64) `bad-key` replaced, written back when it goes off.
    saved_key: Mutex<Option<String>>,
}

impl Active {
    pub(crate) fn saved_key(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.saved_key.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn is_on(&self, i: Incident) -> bool {
        self.lock().contains_key(&i)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<Incident, String>> {
        self.on.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Switch `i` at simulated time `at`; whether that changed anything.
    pub fn set(&self, i: Incident, on: bool, at: &str) -> bool {
        let changed = if on {
            self.lock().insert(i, at.to_string()).is_none()
        } else {
            self.lock().remove(&i).is_some()
        };
        if changed && !on {
            self.off
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(i, at.to_string());
        }
        changed
    }

    /// The active incidents and since when, in [`Incident::ALL`] order.
    pub fn list(&self) -> Vec<(Incident, String)> {
        self.lock().iter().map(|(i, t)| (*i, t.clone())).collect()
    }

    pub fn set_of(&self) -> BTreeSet<Incident> {
        self.lock().keys().copied().collect()
    }

    /// When `i` last changed state (on or off); None if it never did.
    pub fn changed_at(&self, i: Incident) -> Option<String> {
        if let Some(t) = self.lock().get(&i) {
            return Some(t.clone());
        }
        self.off
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&i)
            .cloned()
    }
}
