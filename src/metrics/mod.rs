//! Metrics: Prometheus queries → plain snapshots; the history that feeds charts; the cost
//! model. Nothing here draws.

pub mod snapshot;

pub use snapshot::{MetricsSnapshot, MetricsSource, ModelRate, Reading};
