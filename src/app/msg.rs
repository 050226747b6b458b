//! What flows into `update` (messages) and out of it (effects for the event loop). Messages
//! from background tasks carry the connection generation they were started under, so a
//! context or namespace switch drops everything older.

use std::sync::Arc;

use crossterm::event::KeyEvent;
use jiff::Timestamp;

use crate::cluster::connect::ConnectError;
use crate::cluster::logs::{LogEvent, LogRequest};
use crate::cluster::pod_details::{FetchError, PodDetails};
use crate::cluster::{ClusterEvent, Connection};
use crate::metrics::MetricsSnapshot;
use crate::ops::{OpError, Outcome, Plan, Progress, Request};
use crate::timeline::Timeline;

/// Everything that can happen to the App.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    /// Text pasted into the terminal (bracketed paste): one message, never keys.
    Paste(String),
    /// The mouse wheel over the dashboard: scroll the list in front (true: down).
    Wheel(bool),
    /// A left click on a row of the list in front (found by `ui::hit`).
    Click(Click),
    Resize,
    /// The slow clock tick (ages, toasts).
    Tick(Timestamp),
    /// A reading of the alerts (they follow the namespace shown, not a connection).
    Alerts(Box<crate::alerts::AlertsReading>),
    /// Metrics do not depend on the cluster connection (one Prometheus for all contexts).
    Metrics(Box<MetricsSnapshot>),
    /// A watcher of connection generation `.0`.
    Cluster(u64, ClusterEvent),
    /// RBAC answers for the dashboard's operations: (operation, Some(reason) when denied).
    Permissions(u64, Vec<crate::ops::permissions::Answer>),
    /// A requested write was planned and checked (ask for confirmation), or refused.
    Planned(u64, Result<Box<Plan>, OpError>),
    /// Progress of the running write.
    Progress(u64, Progress),
    /// The running write ended; `place` says where it ran.
    Done {
        generation: u64,
        place: String,
        result: Result<Outcome, OpError>,
    },
    /// The connection asked for by `Effect::Connect` number `.0` is ready, or failed.
    Connected(u64, Result<Connection, Arc<ConnectError>>),
    /// A pod's details (`Effect::Describe`) of connection generation `.0`, for pod `.1`.
    PodDetails(u64, String, Result<Box<PodDetails>, FetchError>),
    /// Lines or the end of log stream number `.0` (`Effect::Logs`).
    Logs(u64, LogEvent),
    /// The timeline asked for (`Effect::Timeline`) on connection generation `.0`.
    Timeline(u64, Box<Timeline>),
    /// When metric problem `id`'s signal started (`Effect::Onset`), in namespace `ns`.
    Onset {
        ns: String,
        id: String,
        at: Option<Timestamp>,
    },
    /// The fleet: started, refused, or one cluster's row read anew.
    Fleet(FleetMsg),
}

/// What the fleet's tasks say.
#[derive(Debug, Clone)]
pub enum FleetMsg {
    /// Watching these (context, namespace); a dashboard left lingers this long.
    Started {
        contexts: Vec<(String, String)>,
        linger_secs: f64,
    },
    /// No fleet: why, in words (no contexts match, the kubeconfig has none).
    Unavailable(String),
    /// One cluster's row.
    Row(Box<crate::fleet::Row>),
}

/// A row clicked, by its index in the list drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Click {
    /// The dashboard's workloads table (index into the filtered workloads).
    Workload(usize),
    /// The pods view's table.
    Pod(usize),
}

/// What the event loop must do. Operations themselves are `Request`s and `Plan`s of
/// `cluster::ops`; these are the loop's own jobs.
#[derive(Debug, Clone)]
pub enum Effect {
    Quit,
    /// Connect to `context` (None: the current one) and `namespace` (None: the context's);
    /// answer with `Msg::Connected(seq, …)`.
    Connect {
        seq: u64,
        context: Option<String>,
        namespace: Option<String>,
    },
    /// From now on use `conn` as generation `generation`: restart the watchers, ask RBAC.
    Attach {
        generation: u64,
        conn: Connection,
    },
    /// Plan a write on the current connection; answer with `Msg::Planned`.
    Plan(Request),
    /// Carry out a confirmed plan on the connection it was made on.
    Execute(Box<Plan>),
    /// Read a pod's details; answer with `Msg::PodDetails`.
    Describe {
        pod: String,
    },
    /// Start log stream number `id` (replacing any other); answer with `Msg::Logs(id, …)`.
    Logs {
        id: u64,
        req: LogRequest,
    },
    /// Stop the log stream.
    StopLogs,
    /// Gather the namespace's timeline; answer with `Msg::Timeline`.
    Timeline(crate::timeline::Request),
    /// Find when metric problem `id`'s signal started in namespace `ns` (Prometheus'
    /// history); answer with `Msg::Onset`.
    Onset {
        ns: String,
        id: String,
    },
    /// Start the fleet's tasks (`:fleet`); answer with `Msg::Fleet(Started)`.
    StartFleet,
    /// Drop the dashboard's connection: its watchers and metrics (left in the fleet).
    Detach,
    /// Write a refused write's audit line (operation, target, why).
    AuditRefusal {
        operation: &'static str,
        target: String,
        why: crate::ops::OpError,
    },
}
