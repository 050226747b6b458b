//! What the dashboard knows about the agents' metrics at one moment: plain data, no I/O.

/// One reading: a value, honestly no data (empty series, NaN), or the error text.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading<T> {
    Value(T),
    NoData,
    Error(String),
}

impl<T> Reading<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Reading::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// Where the metrics come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricsOrigin {
    /// A Prometheus server at this base URL.
    Prometheus(String),
    /// Straight from the embedded simulated cluster's agent model (`agentdeck demo`).
    Simulated,
    /// No metrics source is configured.
    None,
}

impl MetricsOrigin {
    pub fn label(&self) -> String {
        match self {
            MetricsOrigin::Prometheus(url) => format!("prometheus {url}"),
            MetricsOrigin::Simulated => "simulated".into(),
            MetricsOrigin::None => "none".into(),
        }
    }
}

/// The label that names the model in the token-rate query.
pub const MODEL_LABEL: &str = "model";
/// Name used for a token series without a `model` label.
pub const UNLABELLED_MODEL: &str = "(no model label)";

/// Token throughput of one model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelRate {
    pub model: String,
    pub tokens_per_sec: f64,
}

/// The result of one refresh of every panel query.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricsSnapshot {
    pub origin: MetricsOrigin,
    /// When the refresh completed (UTC).
    pub at: jiff::Timestamp,
    /// Could the source be reached at all (false: every reading is an Error)?
    pub reachable: bool,
    pub p50_ms: Reading<f64>,
    pub p95_ms: Reading<f64>,
    /// Per model, sorted by model name.
    pub tokens: Reading<Vec<ModelRate>>,
    /// Requests per second, all codes.
    pub request_rate: Reading<f64>,
    /// Fraction (0..1) of requests answered 401 (provider key missing or invalid).
    pub unauthorized_ratio: Reading<f64>,
    /// Over the problems' short window: what the problems strip decides on.
    pub recent: Recent,
    /// The history window read back from Prometheus (range queries): carried by the first
    /// snapshot after start and after a namespace change, `None` otherwise.
    pub backfill: Option<Box<Backfill>>,
}

/// The headline numbers at one past moment, from range queries.
#[derive(Debug, Clone, PartialEq)]
pub struct PastReading {
    pub at: jiff::Timestamp,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    /// Per model, sorted by model name; `None` is no data (not zero tokens).
    pub tokens: Option<Vec<ModelRate>>,
}

/// The history window of one namespace, read back from Prometheus.
#[derive(Debug, Clone, PartialEq)]
pub struct Backfill {
    /// The namespace the queries were scoped to (a late one for another is dropped).
    pub namespace: String,
    pub from: jiff::Timestamp,
    pub to: jiff::Timestamp,
    /// The range queries' step.
    pub step: std::time::Duration,
    /// Oldest first.
    pub points: Vec<PastReading>,
    /// The range queries that failed, each with its error (the points lack that number).
    pub errors: Vec<String>,
}

/// The short window's readings (`problems.window`, 1 minute by default), kept apart from
/// the panels' 5-minute rates so a problem shows and clears quickly.
#[derive(Debug, Clone, PartialEq)]
pub struct Recent {
    pub request_rate: Reading<f64>,
    /// Share answered 401.
    pub unauthorized_ratio: Reading<f64>,
    /// Share answered 504 (provider calls timing out).
    pub timeout_ratio: Reading<f64>,
    pub p95_ms: Reading<f64>,
}

impl Default for Recent {
    fn default() -> Self {
        Recent {
            request_rate: Reading::NoData,
            unauthorized_ratio: Reading::NoData,
            timeout_ratio: Reading::NoData,
            p95_ms: Reading::NoData,
        }
    }
}

impl MetricsSnapshot {
    /// A snapshot where every reading is the same error (source unreachable).
    pub fn unreachable(origin: MetricsOrigin, at: jiff::Timestamp, error: &str) -> Self {
        MetricsSnapshot {
            origin,
            at,
            reachable: false,
            p50_ms: Reading::Error(error.to_string()),
            p95_ms: Reading::Error(error.to_string()),
            tokens: Reading::Error(error.to_string()),
            request_rate: Reading::Error(error.to_string()),
            unauthorized_ratio: Reading::Error(error.to_string()),
            recent: Recent {
                request_rate: Reading::Error(error.to_string()),
                unauthorized_ratio: Reading::Error(error.to_string()),
                timeout_ratio: Reading::Error(error.to_string()),
                p95_ms: Reading::Error(error.to_string()),
            },
            backfill: None,
        }
    }
}
