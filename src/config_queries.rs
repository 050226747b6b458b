//! The metrics part of the configuration: hand-written queries (`[prometheus.queries]`)
//! and the cost of self-hosted models (`[cost]`).

use serde::{Deserialize, Serialize};

/// Hand-written PromQL for any quantity: a query set here wins over the metric profile's
/// (`[prometheus] profile`). `$namespace` (the namespace shown), `$deployment` and
/// `$window` are substituted at query time ([`crate::metrics::scope`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Queries {
    /// p50 latency in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p50_seconds: Option<String>,
    /// p95 latency in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p95_seconds: Option<String>,
    /// Tokens per second by `model` label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokens_per_second: Option<String>,
    /// Requests per second.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_rate: Option<String>,
    /// Fraction of requests answered 401.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unauthorized_ratio: Option<String>,
    /// Requests per second over the problems' short window (`$window`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recent_request_rate: Option<String>,
    /// Fraction answered 401 over the short window (the key problem).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recent_unauthorized_ratio: Option<String>,
    /// Fraction answered 504 over the short window (provider calls timing out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recent_timeout_ratio: Option<String>,
    /// p95 latency in seconds over the short window (a slow provider).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recent_p95_seconds: Option<String>,
    /// Fraction answered 429 over the short window (the provider throttles us).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recent_rate_limited_ratio: Option<String>,
    /// Fraction answered any 4xx over the short window (stacks that group codes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recent_client_error_ratio: Option<String>,
    /// Fraction answered any 5xx over the short window (stacks that group codes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recent_server_error_ratio: Option<String>,
    /// Spend in USD per second by `model` label (a stack that counts spend).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spend_usd_per_second: Option<String>,
    /// Pods serving a self-hosted model (GPU cost).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serving_pods: Option<String>,
    /// p95 latency in seconds by `agent` label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_p95_seconds: Option<String>,
    /// Requests per second by `agent` label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_request_rate: Option<String>,
    /// Fraction of requests that failed, by `agent` label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_error_ratio: Option<String>,
    /// Share (0..1) of the provider probe's recent probes that succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_up_ratio: Option<String>,
    /// The provider probe's duration in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_probe_seconds: Option<String>,
}

/// How the cost of self-hosted models is counted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CostConfig {
    /// USD per hour of one pod serving a self-hosted model (vLLM, TGI): their cost is
    /// this × the serving pods. Unset: their cost is not known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu_hour_price: Option<f64>,
}

impl Queries {
    /// The hand-written query under `key` (a [`crate::metrics::plan::Quantity`] key).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.all()
            .into_iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, q)| q)
    }

    /// Every key with its query, if written.
    pub fn all(&self) -> [(&'static str, Option<&str>); 19] {
        fn q(o: &Option<String>) -> Option<&str> {
            o.as_deref()
        }
        [
            ("p50_seconds", q(&self.p50_seconds)),
            ("p95_seconds", q(&self.p95_seconds)),
            ("tokens_per_second", q(&self.tokens_per_second)),
            ("request_rate", q(&self.request_rate)),
            ("unauthorized_ratio", q(&self.unauthorized_ratio)),
            ("recent_request_rate", q(&self.recent_request_rate)),
            (
                "recent_unauthorized_ratio",
                q(&self.recent_unauthorized_ratio),
            ),
            ("recent_timeout_ratio", q(&self.recent_timeout_ratio)),
            ("recent_p95_seconds", q(&self.recent_p95_seconds)),
            (
                "recent_rate_limited_ratio",
                q(&self.recent_rate_limited_ratio),
            ),
            (
                "recent_client_error_ratio",
                q(&self.recent_client_error_ratio),
            ),
            (
                "recent_server_error_ratio",
                q(&self.recent_server_error_ratio),
            ),
            ("spend_usd_per_second", q(&self.spend_usd_per_second)),
            ("serving_pods", q(&self.serving_pods)),
            ("agent_p95_seconds", q(&self.agent_p95_seconds)),
            ("agent_request_rate", q(&self.agent_request_rate)),
            ("agent_error_ratio", q(&self.agent_error_ratio)),
            ("provider_up_ratio", q(&self.provider_up_ratio)),
            ("provider_probe_seconds", q(&self.provider_probe_seconds)),
        ]
    }
}
