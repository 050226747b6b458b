//! The incident timeline (`T`, `agentdeck timeline`): one time axis for a namespace —
//! warning events (grouped), restarts and OOM kills, rollouts with their change, HPA
//! rescales, agentdeck's own audit lines and metric transitions from Prometheus history.
//! Each source is gathered on its own: one that fails becomes a one-line note, never the
//! end of the whole timeline. Merging, grouping and the metric transitions are pure.

pub mod alerts;
pub mod audit;
pub mod build;
pub mod cluster;
pub mod metrics;
pub mod render;
pub mod revisions;
pub mod transitions;

use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;

/// What to gather.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// How far back from now.
    pub since: Duration,
    /// Times in UTC instead of the local time zone.
    pub utc: bool,
}

impl Default for Request {
    fn default() -> Self {
        Request {
            since: Duration::from_secs(3600),
            utc: false,
        }
    }
}

/// What an entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// An alert fired or resolved (Prometheus' `ALERTS`). Within one second it comes
    /// first: its samples are whole seconds at or after the moment it fired, so a silence
    /// made on seeing it can share its second but never precede it.
    Alert,
    // Within one second, a write comes before what it caused.
    Audit,
    Event,
    Restart,
    Oom,
    Rollout,
    Rescale,
    Metric,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Event => "event",
            Kind::Restart => "restart",
            Kind::Oom => "oom",
            Kind::Rollout => "rollout",
            Kind::Rescale => "rescale",
            Kind::Audit => "audit",
            Kind::Metric => "metric",
            Kind::Alert => "alert",
        }
    }
}

/// One line of the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub at: Timestamp,
    pub kind: Kind,
    /// Where it was read: events, pods, replicasets, deployments, audit, prometheus.
    pub source: &'static str,
    /// The object it is about ("pod/x", "deployment/y"); empty for a metric.
    pub object: String,
    /// What happened, printable (never a secret value).
    pub text: String,
    /// A warning or a failure (shown in the warning colour).
    pub warning: bool,
    /// What repeated entries are grouped by ("OOMKilled"); None: never grouped.
    pub group: Option<String>,
    /// How many times it happened (an event's count, the entries of a group).
    pub count: u32,
}

impl Entry {
    pub fn new(
        at: Timestamp,
        kind: Kind,
        source: &'static str,
        object: &str,
        text: String,
    ) -> Self {
        Entry {
            at,
            kind,
            source,
            object: object.to_string(),
            text,
            warning: false,
            group: None,
            count: 1,
        }
    }
}

/// The time zone times are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Zone {
    #[default]
    Local,
    Utc,
}

/// The gathered timeline, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    pub namespace: String,
    pub context: String,
    pub since: Timestamp,
    pub until: Timestamp,
    pub zone: Zone,
    pub entries: Vec<Entry>,
    /// One line per source that failed or is unavailable ("events: forbidden (…)").
    pub notes: Vec<String>,
}

/// What each source produced: entries, or why there are none.
#[derive(Debug, Default)]
pub struct Part {
    pub entries: Vec<Entry>,
    pub notes: Vec<String>,
}

impl Part {
    pub fn note(note: String) -> Part {
        Part {
            entries: Vec::new(),
            notes: vec![note],
        }
    }
}

/// Gather every source for `conn`'s namespace over the request's window.
pub async fn gather(
    conn: &crate::cluster::Connection,
    cfg: &crate::config::Config,
    feed: &crate::metrics::Feed,
    req: &Request,
) -> Timeline {
    let until = Timestamp::now();
    let since = until - jiff::SignedDuration::try_from(req.since).unwrap_or_default();
    let (c, m, al, _) = tokio::join!(
        cluster::gather(conn, since),
        metrics::gather(feed, cfg, &conn.namespace, since, until),
        alerts::gather(feed, &conn.namespace, since, until),
        conn.uid.get(&conn.client),
    );
    let a = audit::gather(cfg.audit_log.clone(), conn, since);
    let zone = if req.utc { Zone::Utc } else { Zone::Local };
    let mut t = build::build(vec![c, a, m, al], since, until);
    t.namespace = crate::text::printable(&conn.namespace);
    t.context = crate::text::printable(&conn.context);
    t.zone = zone;
    t
}

/// Gather the timeline for the dashboard (`T`).
pub async fn gather_for_tui(
    conn: &crate::cluster::Connection,
    cfg: &crate::config::Config,
    feed: &crate::metrics::Feed,
    req: Request,
) -> Timeline {
    gather(conn, cfg, feed, &req).await
}
