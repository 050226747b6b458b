//! Incidents the sim can stage (`--incident NAME`, `POST /_sim/incident`), each the way a
//! real cluster shows it and, wherever the incident is about objects, through the real
//! objects, so that the real fix really fixes it:
//!
//! | name | staged as | the real fix |
//! |---|---|---|
//! | `bad-key` | Secret `ai-api-keys`/`HOLYSHEEP_API_KEY` set to a revoked key: every request 401 | write a valid key |
//! | `egress-blocked` | NetworkPolicy `default-deny-egress` (all pods, Egress, no rules) created and `allow-holysheep-api`'s TCP 443 edited to 8443: provider calls time out (504 after ~30 s) | re-apply the bundled `allow-holysheep-api` |
//! | `no-metrics-server` | `metrics.k8s.io/v1beta1` answers 503, APIService `v1beta1.metrics.k8s.io` Available=False; the HPA fails with FailedGetResourceMetric and stops scaling | (install metrics-server: turn it off) |
//! | `oom` | the agents leak memory up to ~2.1Gi per container (model flag): OOMKilled, CrashLoopBackOff | raise the memory limit above the working set |
//! | `crashloop` | the Deployment's `HOLYSHEEP_BASE_URL` set to `htps://…`: containers exit 1 and back off | re-apply the bundled Deployment |
//! | `pending` | the Deployment's memory request and limit set to 64Gi: new pods Pending (Insufficient memory) | re-apply the bundled Deployment or lower the request |
//! | `slow-provider` | provider latency × 6 (model flag): p95 far over 2 s, no errors | (turn it off) |
//!
//! Turning an incident off undoes its staging (the bundled values written back). The sim
//! only stages and reports what it staged: the product never reads `/_sim`.

mod stage;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;

pub use self::stage::stage;

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

    /// The agent model's flags of the active incidents.
    pub fn flags(&self) -> crate::agents::Flags {
        let on = self.lock();
        crate::agents::Flags {
            slow_provider: on.contains_key(&Incident::SlowProvider),
            memory_leak: on.contains_key(&Incident::Oom),
        }
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
