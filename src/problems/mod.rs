//! The runbook's problems, detected from what a real cluster and a real Prometheus show:
//! the 401 and 504 shares over a short window, the NetworkPolicies that select the agents
//! (evaluated here), the resource metrics API's availability and the HPA's conditions,
//! containers' last states, the scheduler's conditions, rollout conditions. Each problem
//! says what is wrong, the evidence, and the one fix (a key in the dashboard, a command
//! on the CLI). Pure: no I/O; the dashboard and `status` both call [`detect`].

mod blind;
mod pods;
mod probe;
mod provider;
pub mod tracker;

use jiff::Timestamp;

use crate::cluster::ClusterSnapshot;
use crate::cluster::model::ContainerView;
use crate::config::{ProblemsConfig, StackConfig};
use crate::metrics::MetricsSnapshot;

pub use blind::{BlindSpot, blind_spots, check_of, looks_right, summary as blind_summary};
pub use pods::bytes;
pub use probe::UP_RATIO as PROBE_UP_RATIO;
pub use tracker::{Cleared, Tracker};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    Warning,
}

/// The one write that fixes a problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    /// Rotate the provider key (K, `agentdeck rotate-key`).
    RotateKey,
    /// Re-apply one bundled object (N, `agentdeck deploy --only KIND/NAME`).
    Restore { kind: String, name: String },
    /// Raise a container's memory limit (m, `agentdeck set-resources`).
    MemoryLimit {
        workload: String,
        container: String,
        limit: String,
    },
}

impl Fix {
    /// The dashboard's key.
    pub fn key(&self) -> char {
        match self {
            Fix::RotateKey => 'K',
            Fix::Restore { .. } => 'N',
            Fix::MemoryLimit { .. } => 'm',
        }
    }

    /// What the key does, in a few words.
    pub fn label(&self) -> String {
        match self {
            Fix::RotateKey => "rotate key".into(),
            Fix::Restore { name, .. } => format!("restore {name}"),
            Fix::MemoryLimit { limit, .. } => format!("raise to {limit}"),
        }
    }

    /// The CLI command that does the same.
    pub fn command(&self, namespace: &str) -> String {
        match self {
            Fix::RotateKey => format!("agentdeck -n {namespace} rotate-key"),
            Fix::Restore { kind, name } => {
                format!("agentdeck -n {namespace} deploy --only {kind}/{name}")
            }
            Fix::MemoryLimit {
                workload,
                container,
                limit,
            } => format!(
                "agentdeck -n {namespace} set-resources {workload} --container {container} --memory-limit {limit}"
            ),
        }
    }
}

/// One thing wrong, with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Stable while the problem lasts ("provider-unauthorized", "oom/ai-agent-service").
    pub id: String,
    pub severity: Severity,
    /// What is wrong ("Provider rejects the API key").
    pub title: String,
    /// Numbers and object names ("401 on 100 % of requests over the last 1m").
    pub evidence: String,
    /// When its signal started, when the evidence says (else when it was first seen).
    pub since: Option<Timestamp>,
    pub fix: Option<Fix>,
    /// What to do when no key fixes it.
    pub advice: Option<String>,
    /// Shown (by the dashboard and `status` alike) only once it has lasted this long (0: at
    /// once), counted from `since` (see [`due`]).
    pub grace_secs: i64,
}

impl Problem {
    fn new(id: impl Into<String>, severity: Severity, title: impl Into<String>) -> Problem {
        Problem {
            id: id.into(),
            severity,
            title: title.into(),
            evidence: String::new(),
            since: None,
            fix: None,
            advice: None,
            grace_secs: 0,
        }
    }
}

/// What detection looks at.
pub struct Inputs<'a> {
    pub now: Timestamp,
    pub cluster: Option<&'a ClusterSnapshot>,
    pub metrics: Option<&'a MetricsSnapshot>,
    pub stack: &'a StackConfig,
    pub cfg: &'a ProblemsConfig,
    /// `status.p95_threshold_ms`.
    pub p95_threshold_ms: f64,
    /// The bundled stack's agent containers (after the config's renames), to tell a
    /// broken template from the shipped one.
    pub bundled: &'a [ContainerView],
    /// Problems that cleared lately, and when (the tracker's): timeouts left over from a
    /// restored egress policy are a recovery, not a new problem.
    pub cleared: &'a [Cleared],
}

/// Every problem now, most severe first.
pub fn detect(i: &Inputs) -> Vec<Problem> {
    let mut out = Vec::new();
    if let Some(c) = i.cluster {
        out.extend(c.degraded().into_iter().map(|(kind, why)| {
            let mut p = Problem::new(
                format!("unreadable/{kind}"),
                Severity::Warning,
                format!("Cannot read {kind}"),
            );
            p.evidence = why.to_string();
            p
        }));
    }
    out.extend(provider::detect(i));
    if let Some(c) = i.cluster {
        out.extend(pods::detect(i, c));
    }
    out.sort_by_key(|p| p.severity);
    out
}

/// The bundled agent Deployment's containers, from the bundled manifests renamed for
/// `stack` (empty when they cannot be read, which only a broken build could cause).
pub fn bundled_containers(stack: &StackConfig) -> Vec<ContainerView> {
    let Ok(docs) = crate::ops::deploy::load(None, stack) else {
        return Vec::new();
    };
    docs.iter()
        .filter(|d| {
            d.object["kind"] == "Deployment"
                && d.object["metadata"]["name"] == stack.deployment.as_str()
        })
        .filter_map(|d| {
            serde_json::from_value::<k8s_openapi::api::apps::v1::Deployment>(d.object.clone()).ok()
        })
        .map(|d| {
            let mut w = crate::cluster::model::Workload::default();
            crate::cluster::workload_view::template(d.spec.as_ref().map(|s| &s.template), &mut w);
            w.containers
        })
        .next()
        .unwrap_or_default()
}

/// Has the problem lasted its grace? Counted from when its signal started where the
/// evidence says (the oldest not-ready pod's last change), else from `first` (when it was
/// first seen; `status`, which sees once, passes `now`).
pub fn due(p: &Problem, now: Timestamp, first: Timestamp) -> bool {
    // No grace: at once, whatever the clocks say (a cluster's clock ahead of this one puts
    // "since" in the future).
    if p.grace_secs <= 0 {
        return true;
    }
    let start = p.since.unwrap_or(first);
    now.as_second() - start.as_second() >= p.grace_secs
}

/// "100 %", "2.5 %", "0.3 %".
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p >= 10.0 || p == 0.0 {
        format!("{p:.0} %")
    } else {
        format!("{p:.1} %")
    }
}

#[cfg(test)]
#[path = "mod_tests.rs"]
mod tests;
