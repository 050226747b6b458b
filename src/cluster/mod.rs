//! The cluster side: connecting like kubectl, watchers that turn objects into plain
//! snapshots, and plain-word diagnoses. Nothing here draws.

pub mod connect;
pub mod diagnose;
pub mod ops;
pub mod snapshot;
pub mod watch;

pub use connect::{Connection, Target, connect};
pub use snapshot::ClusterSnapshot;
pub use watch::{ClusterEvent, Watch};
