//! What flows into `update` (messages) and out of it (effects for the event loop). Messages
//! from background tasks carry the connection generation they were started under, so a
//! context or namespace switch drops everything older.

use crossterm::event::KeyEvent;
use jiff::Timestamp;

use crate::cluster::ops::{OpError, Operation, Outcome, Plan, Progress, Request};
use crate::cluster::{ClusterEvent, Connection};
use crate::metrics::MetricsSnapshot;

/// Everything that can happen to the App.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Resize,
    /// The slow clock tick (ages, toasts).
    Tick(Timestamp),
    /// Metrics do not depend on the cluster connection (one Prometheus for all contexts).
    Metrics(Box<MetricsSnapshot>),
    /// A watcher of connection generation `.0`.
    Cluster(u64, ClusterEvent),
    /// RBAC answers for the dashboard's operations: (operation, Some(reason) when denied).
    Permissions(u64, Vec<(Operation, Option<String>)>),
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
    Connected(u64, Result<Connection, String>),
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
}
