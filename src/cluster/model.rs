//! The cluster as the dashboard and `status` show it: plain data, no Kubernetes types.

use super::workload::{WorkloadKind, WorkloadRef};

/// Pods of a workload by phase (Terminating counted apart).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PodCounts {
    pub pending: u32,
    pub running: u32,
    pub succeeded: u32,
    pub failed: u32,
    pub unknown: u32,
    pub terminating: u32,
}

/// One Deployment or StatefulSet, summarised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Workload {
    pub kind: WorkloadKind,
    pub name: String,
    pub desired: i32,
    pub ready: i32,
    pub updated: i32,
    pub available: i32,
    pub pods: PodCounts,
    pub restarts: i32,
    pub oom_killed: u32,
    pub crash_looping: u32,
    /// Rollout in progress (updated/available behind desired, or old pods left).
    pub rolling: bool,
    /// The Progressing condition says the deadline passed.
    pub stalled: bool,
    /// The Progressing condition says a new revision is rolling out (its progress
    /// deadline, not a grace, decides when that is a problem).
    pub rolling_out: bool,
    /// Since when its oldest not-ready pod (not terminating) has been so: its Ready
    /// condition's last change, else its creation.
    pub not_ready_since: Option<jiff::Timestamp>,
    /// Name of the HPA that targets it.
    pub hpa: Option<String>,
    /// The pod template's labels (what NetworkPolicies select).
    pub pod_labels: std::collections::BTreeMap<String, String>,
    /// The pod template's containers.
    pub containers: Vec<ContainerView>,
    /// Its pods' names (not terminating).
    pub pod_names: Shared<String>,
    /// Restarts of containers whose last termination was an OOM kill, and the latest one.
    pub oom_restarts: i32,
    pub last_oom: Option<jiff::Timestamp>,
    /// The largest memory limit (bytes) an OOM-killed container ran with: below the
    /// template's, the raised limit is rolling out.
    pub oom_limit: Option<u64>,
    /// A crashing container's last termination, in words ("Error, exit code 1"), and
    /// when it ended: between two back-offs a crash-looping container runs for a moment,
    /// so its last failed exit is the steadier signal.
    pub crash: Option<String>,
    pub last_crash: Option<jiff::Timestamp>,
    /// Pods the scheduler cannot place, and its latest reason.
    pub unschedulable: u32,
    pub unschedulable_why: Option<String>,
    /// When the oldest of its current problems' pods started failing (for "since").
    pub failing_since: Option<jiff::Timestamp>,
    /// Its pods, for the drill-down (terminating ones included), by name.
    pub pod_views: PodViews,
}

/// A workload's pods for the drill-down.
pub type PodViews = Shared<PodView>;

pub use super::shared::Shared;

/// One pod as the drill-down lists it, in kubectl's words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PodView {
    pub name: String,
    /// "1/1"
    pub ready: String,
    /// kubectl's STATUS: Running, CrashLoopBackOff, OOMKilled, Pending, Terminating…
    pub status: String,
    pub restarts: i32,
    /// The last termination's reason ("OOMKilled", "Error (exit 1)") and when it ended.
    pub last_exit: Option<(String, Option<jiff::Timestamp>)>,
    pub node: String,
    pub created: Option<jiff::Timestamp>,
    /// The first container's name (for its working set in the resource metrics).
    pub container: String,
}

/// One container of a pod template.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContainerView {
    pub name: String,
    pub image: String,
    /// Plain `value` env vars (valueFrom ones are left out).
    pub env: Vec<(String, String)>,
    /// "cpu"/"memory" → quantity, as written.
    pub requests: std::collections::BTreeMap<String, String>,
    pub limits: std::collections::BTreeMap<String, String>,
}

/// Is the resource metrics API (metrics.k8s.io, metrics-server) served?
#[derive(Debug, Clone, Default, PartialEq)]
pub enum MetricsApi {
    /// Not asked yet.
    #[default]
    Unknown,
    Served,
    /// Registered but failing (its APIService is not Available), and why.
    Unavailable(String),
    /// Not in discovery at all: metrics-server is not installed.
    NotInstalled,
}

/// What the resource metrics API says about the namespace's pods.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourceMetrics {
    pub api: MetricsApi,
    /// Working-set memory in bytes by (pod, container), from PodMetrics.
    pub working_set: std::collections::BTreeMap<(String, String), f64>,
    /// CPU use in cores by (pod, container), from PodMetrics.
    pub cpu: std::collections::BTreeMap<(String, String), f64>,
    /// The highest working set of each over the last few minutes (a container killed for
    /// memory restarts small: its peak is what the limit must hold).
    pub peak: std::collections::BTreeMap<(String, String), f64>,
}

impl Workload {
    /// What is wrong with it, in words (empty: healthy).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.ready < self.desired {
            out.push(format!(
                "{}: {}/{} pods ready",
                self.name, self.ready, self.desired
            ));
        }
        if self.crash_looping > 0 {
            out.push(format!(
                "{}: {} containers in CrashLoopBackOff",
                self.name, self.crash_looping
            ));
        }
        if self.stalled {
            out.push(format!(
                "{}: rollout exceeded its progress deadline",
                self.name
            ));
        }
        out
    }
}

/// Where an HPA metric comes from (autoscaling/v2 metric types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricSource {
    Resource,
    ContainerResource,
    Pods,
    Object,
    External,
}

/// One HPA metric: current vs target, both in the units the target uses ("45%" of the
/// request, "140" per pod on average, "2500m").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HpaMetric {
    /// "cpu", "memory (container app)", "queue_depth", "requests (Service/api)"
    pub name: String,
    pub source: MetricSource,
    /// None: the HPA could not read it.
    pub current: Option<String>,
    pub target: String,
    /// The target is an average per pod (AverageValue).
    pub average: bool,
    /// Current is over target.
    pub over: bool,
}

impl HpaMetric {
    /// "cpu 45%/70%", "queue_depth 140/100 (avg)", "cpu <unknown>/70%".
    pub fn display(&self) -> String {
        format!(
            "{} {}/{}{}",
            self.name,
            self.current.as_deref().unwrap_or("<unknown>"),
            self.target,
            if self.average { " (avg)" } else { "" }
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub type_: String,
    pub status: String,
    pub reason: String,
    pub message: String,
    /// lastTransitionTime.
    pub since: Option<jiff::Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HpaView {
    pub name: String,
    /// "Deployment/ai-agent-service"
    pub target: String,
    pub target_kind: String,
    pub target_name: String,
    pub min: i32,
    pub max: i32,
    pub current: i32,
    pub desired: i32,
    pub metrics: Vec<HpaMetric>,
    pub conditions: Vec<Condition>,
    /// One line in plain words.
    pub diagnosis: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventView {
    pub warning: bool,
    pub reason: String,
    pub message: String,
    /// "pod/ai-agent-service-x"
    pub object: String,
    pub count: i32,
    pub last_seen: Option<jiff::Timestamp>,
    /// The runbook's advice, when one fits.
    pub hint: Option<String>,
    /// A later state resolved it (the HPA reads its metrics again): shown dimmed.
    pub resolved: bool,
}

/// The kinds a snapshot is made of (their plural resource names).
pub const KINDS: [&str; 7] = [
    "deployments",
    "statefulsets",
    "replicasets",
    "pods",
    "horizontalpodautoscalers",
    "events",
    "networkpolicies",
];

/// What agentdeck could read of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Readable {
    /// Not listed yet.
    #[default]
    Loading,
    Yes,
    /// Never read, and why (forbidden, not served, failing): its panel says so.
    No(String),
    /// Read before, failing now (what is shown is as of the last good read), and why.
    Stale(String),
}

impl Readable {
    pub fn reason(&self) -> Option<&str> {
        match self {
            Readable::No(r) | Readable::Stale(r) => Some(r),
            Readable::Loading | Readable::Yes => None,
        }
    }
}

/// Everything the cluster panels show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterSnapshot {
    pub context: String,
    pub namespace: String,
    pub workloads: Vec<Workload>,
    pub hpas: Vec<HpaView>,
    /// Warnings first, then newest first.
    pub events: Vec<EventView>,
    pub pods_total: usize,
    /// Per kind (see [`KINDS`]): what could be read. A kind not in the map was read.
    pub kinds: std::collections::BTreeMap<&'static str, Readable>,
    /// The namespace's NetworkPolicies, as far as egress goes.
    pub network_policies: Vec<super::netpol::Policy>,
    /// Shared with the watcher that read it (and between snapshots until it reads again).
    pub resource_metrics: std::sync::Arc<ResourceMetrics>,
    /// When the server's history stopped being ours (restored from an older backup,
    /// restarted without its state) and everything was listed again, and why.
    pub reloaded: Option<(jiff::Timestamp, String)>,
    /// Pods listed so far while their first list is still coming in (a loaded API server
    /// pages slowly): nothing is concluded from a list not read to the end.
    pub pods_listing: Option<usize>,
}

impl Workload {
    /// Which workload this is, for the operations and the log reader.
    pub fn reference(&self) -> WorkloadRef {
        WorkloadRef {
            kind: self.kind,
            name: self.name.clone(),
        }
    }
}

impl ClusterSnapshot {
    /// The HPA that targets this workload (by kind and name).
    pub fn hpa_for(&self, w: &Workload) -> Option<&HpaView> {
        self.hpas
            .iter()
            .find(|h| h.target_kind == w.kind.name() && h.target_name == w.name)
    }

    /// How `kind` could be read (Yes when not recorded).
    pub fn readable(&self, kind: &str) -> Readable {
        self.kinds.get(kind).cloned().unwrap_or(Readable::Yes)
    }

    /// The kinds that could not be read (now), with the reason.
    pub fn degraded(&self) -> Vec<(&'static str, &str)> {
        self.kinds
            .iter()
            .filter_map(|(k, r)| Some((*k, r.reason()?)))
            .collect()
    }
}
