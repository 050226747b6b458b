//! The cluster side: connecting like kubectl, watchers (and a one-off list) that turn
//! objects into a plain model, plain-word diagnoses, and the write operations. Nothing
//! here draws.

pub mod connect;
pub mod diagnose;
pub mod explain;
pub mod hpa_view;
pub mod list;
pub mod log_follower;
pub mod logs;
pub mod model;
pub mod netpol;
pub mod pod_details;
pub mod proxy;
pub mod resource_metrics;
pub mod shared;
pub mod snapshot;
pub mod watch;
pub mod workload;
pub mod workload_view;

pub use connect::{ConnectError, Connection, Target, connect};
pub use model::ClusterSnapshot;
pub use watch::{ClusterEvent, Watch};
