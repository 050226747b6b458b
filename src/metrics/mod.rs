//! Metrics: Prometheus queries → plain snapshots; the history that feeds charts; the cost
//! model. Nothing here draws.

pub mod agents;
pub mod answer;
pub mod backfill;
pub mod collect;
pub mod cost;
pub mod detect;
pub mod feed;
pub mod history;
pub mod onset;
pub mod plan;
pub mod planner;
pub mod profiles;
pub mod prom;
pub mod scope;
pub mod simulated;
pub mod snapshot;

pub use collect::{refresh, run};
pub use cost::{Cost, GpuCost, ModelCost, cost, monthly_for_tokens, of_snapshot};
pub use feed::Feed;
pub use history::{History, Point};
pub use prom::{PromClient, QueryError, RangeSeries, Sample, Secret};
pub use scope::Scope;
pub use snapshot::{
    AgentRow, Agents, Backfill, MetricsOrigin, MetricsSnapshot, ModelRate, ModelSpend, PastReading,
    Reading, Recent,
};
