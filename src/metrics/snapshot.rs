//! What the dashboard knows about the agents' metrics at one moment: plain data, no I/O.

/// One reading: a value, honestly no data (empty series, NaN), the error text, or why the
/// stack's metrics cannot tell it at all (in words: "this stack groups status codes…").
#[derive(Debug, Clone, PartialEq)]
pub enum Reading<T> {
    Value(T),
    NoData,
    Error(String),
    Cannot(String),
}

impl<T> Reading<T> {
    /// As text: the value through `f`, "no data", "error: …" or "cannot tell: …".
    pub fn text(&self, f: impl Fn(&T) -> String) -> String {
        match self {
            Reading::Value(v) => f(v),
            Reading::NoData => "no data".into(),
            Reading::Error(e) => format!("error: {e}"),
            Reading::Cannot(why) => format!("cannot tell: {why}"),
        }
    }

    pub fn value(&self) -> Option<&T> {
        match self {
            Reading::Value(v) => Some(v),
            _ => None,
        }
    }

    pub fn as_ref(&self) -> Reading<&T> {
        match self {
            Reading::Value(v) => Reading::Value(v),
            Reading::NoData => Reading::NoData,
            Reading::Error(e) => Reading::Error(e.clone()),
            Reading::Cannot(w) => Reading::Cannot(w.clone()),
        }
    }

    /// The same reading with its value mapped.
    pub fn map_value<U>(self, f: impl FnOnce(T) -> U) -> Reading<U> {
        match self {
            Reading::Value(v) => Reading::Value(f(v)),
            Reading::NoData => Reading::NoData,
            Reading::Error(e) => Reading::Error(e),
            Reading::Cannot(w) => Reading::Cannot(w),
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

pub use super::profiles::MODEL_LABEL;
/// Name used for a token series without a `model` label.
pub const UNLABELLED_MODEL: &str = "(no model label)";

/// Spend of one model as the stack counts it, USD per hour.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpend {
    pub model: String,
    pub usd_per_hour: f64,
}

/// Token throughput of one model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelRate {
    pub model: String,
    pub tokens_per_sec: f64,
}

/// One agent's (or route's) numbers over the panels' window.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentRow {
    pub agent: String,
    pub requests_per_sec: f64,
    /// `None`: no latency series for this agent (or the column cannot be told: see notes).
    pub p95_ms: Option<f64>,
    /// Share (0..1) of its requests that failed.
    pub error_ratio: Option<f64>,
}

/// The numbers per agent, as the stack's labels tell them apart.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Agents {
    /// The label the rows are told apart by (`agent`, `handler`, `gen_ai_agent_name`).
    pub label: String,
    /// Busiest first, at most [`super::agents::MAX_ROWS`].
    pub rows: Vec<AgentRow>,
    /// Agents left out past the limit.
    pub others: usize,
    /// What a column cannot tell, or why the rows are coarser than agents, in words.
    pub notes: Vec<String>,
}

/// The result of one refresh of every panel query.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricsSnapshot {
    pub origin: MetricsOrigin,
    /// When the refresh completed (UTC).
    pub at: jiff::Timestamp,
    /// Could the source be reached at all (false: every reading is an Error)?
    pub reachable: bool,
    /// The stacks the numbers come from ("OTel GenAI", "LiteLLM + vLLM"; empty: not a
    /// profile, e.g. the simulated feed of the example stack).
    pub stack: String,
    /// Every quantity's source: the profile's name or "custom query".
    pub sources: Vec<(super::plan::Quantity, String)>,
    /// The layer of the stack the latency comes from (`None`: a custom query or the
    /// simulated feed): a model server's latency is not a provider's.
    pub latency_layer: Option<super::profiles::Layer>,
    /// The stack's highest finite latency bucket (ms), where its defaults cap latency: a
    /// reading at it means "at least this".
    pub latency_cap_ms: Option<f64>,
    pub p50_ms: Reading<f64>,
    pub p95_ms: Reading<f64>,
    /// Per model, sorted by model name.
    pub tokens: Reading<Vec<ModelRate>>,
    /// Requests per second, all codes.
    pub request_rate: Reading<f64>,
    /// Fraction (0..1) of requests answered 401 (provider key missing or invalid).
    pub unauthorized_ratio: Reading<f64>,
    /// Spend as the stack counts it (LiteLLM), by model.
    pub spend: Reading<Vec<ModelSpend>>,
    /// Pods serving a self-hosted model (vLLM, TGI): their GPU hours are the cost.
    pub servers: Reading<f64>,
    /// Over the problems' short window: what the problems strip decides on.
    pub recent: Recent,
    /// Latency, request rate and errors per agent (the `A` view).
    pub agents: Reading<Agents>,
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
    /// Share answered 429 (the provider throttles us).
    pub rate_limited_ratio: Reading<f64>,
    /// Share answered any 4xx (stacks that group codes: a 401 cannot be told apart).
    pub client_error_ratio: Reading<f64>,
    /// Share answered any 5xx (stacks that group codes).
    pub server_error_ratio: Reading<f64>,
    /// Share (0..1) of the provider's own probes that succeeded (blackbox exporter).
    pub provider_up_ratio: Reading<f64>,
    /// The provider probe's duration, ms.
    pub provider_probe_ms: Reading<f64>,
}

impl Default for Recent {
    fn default() -> Self {
        Recent {
            request_rate: Reading::NoData,
            unauthorized_ratio: Reading::NoData,
            timeout_ratio: Reading::NoData,
            p95_ms: Reading::NoData,
            rate_limited_ratio: Reading::NoData,
            client_error_ratio: Reading::NoData,
            server_error_ratio: Reading::NoData,
            provider_up_ratio: Reading::NoData,
            provider_probe_ms: Reading::NoData,
        }
    }
}

impl Default for MetricsSnapshot {
    /// Nothing read yet: every reading is no data (tests and the simulated feed fill in
    /// what they have).
    fn default() -> Self {
        MetricsSnapshot {
            origin: MetricsOrigin::None,
            at: jiff::Timestamp::UNIX_EPOCH,
            reachable: true,
            stack: String::new(),
            sources: Vec::new(),
            latency_layer: None,
            latency_cap_ms: None,
            p50_ms: Reading::NoData,
            p95_ms: Reading::NoData,
            tokens: Reading::NoData,
            request_rate: Reading::NoData,
            unauthorized_ratio: Reading::NoData,
            spend: Reading::NoData,
            servers: Reading::NoData,
            recent: Recent::default(),
            agents: Reading::NoData,
            backfill: None,
        }
    }
}

impl MetricsSnapshot {
    /// Is this latency (ms) at the histogram's cap, so only a lower bound?
    pub fn at_cap(&self, ms: f64) -> bool {
        self.latency_cap_ms.is_some_and(|cap| ms >= cap * 0.999)
    }

    /// A snapshot where every reading is the same error (source unreachable).
    pub fn unreachable(origin: MetricsOrigin, at: jiff::Timestamp, error: &str) -> Self {
        fn e<T>(error: &str) -> Reading<T> {
            Reading::Error(error.to_string())
        }
        MetricsSnapshot {
            origin,
            at,
            reachable: false,
            stack: String::new(),
            sources: Vec::new(),
            latency_layer: None,
            latency_cap_ms: None,
            p50_ms: e(error),
            p95_ms: e(error),
            tokens: e(error),
            request_rate: e(error),
            unauthorized_ratio: e(error),
            spend: e(error),
            servers: e(error),
            recent: Recent {
                request_rate: e(error),
                unauthorized_ratio: e(error),
                timeout_ratio: e(error),
                p95_ms: e(error),
                rate_limited_ratio: e(error),
                client_error_ratio: e(error),
                server_error_ratio: e(error),
                provider_up_ratio: e(error),
                provider_probe_ms: e(error),
            },
            agents: e(error),
            backfill: None,
        }
    }
}
