//! The `[prometheus]` section: where the metrics are read and how (its connection options
//! are one [`Endpoint`](crate::endpoint::Endpoint)), what is refreshed and kept, and whose
//! metric names to read. Its own module: `[fleet]` builds each cluster's settings from it.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::config_queries::Queries;
use crate::endpoint::Headers;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrometheusConfig {
    /// Base URL, e.g. http://prometheus.monitoring:9090 (`--prometheus-url` wins).
    pub url: Option<String>,
    /// File holding a bearer token (never the token itself in this file).
    pub bearer_token_file: Option<PathBuf>,
    pub basic_auth_user: Option<String>,
    /// File holding the basic-auth password.
    pub basic_auth_password_file: Option<PathBuf>,
    /// PEM file of a CA to trust for https.
    pub ca_file: Option<PathBuf>,
    /// PEM client certificate for mTLS (with `client_key_file`).
    pub client_cert_file: Option<PathBuf>,
    /// PEM private key of `client_cert_file`.
    pub client_key_file: Option<PathBuf>,
    /// Extra request headers, e.g. `X-Scope-OrgID = "team-a"` (Mimir/Cortex tenants).
    pub headers: Headers,
    /// HTTP timeout of each query, seconds.
    pub timeout_secs: f64,
    /// Seconds between refreshes.
    pub refresh_secs: f64,
    /// Minutes of history kept for the charts.
    pub history_minutes: u32,
    /// Whose metric names to read: "auto" (detected per namespace) or a profile name
    /// (example, otel-genai, litellm, vllm, fastapi, tgi).
    pub profile: String,
    /// The largest answer read from Prometheus, MiB: a bigger one is an error on its panel
    /// (a proxy's page, a cardinality explosion), never read into memory.
    pub max_answer_mib: u32,
    /// The label matchers of the provider's blackbox probe series (`probe_success`,
    /// `probe_duration_seconds`); empty: no probe.
    pub provider_probe: String,
    pub queries: Queries,
}

impl Default for PrometheusConfig {
    fn default() -> Self {
        PrometheusConfig {
            url: None,
            bearer_token_file: None,
            basic_auth_user: None,
            basic_auth_password_file: None,
            ca_file: None,
            client_cert_file: None,
            client_key_file: None,
            headers: Headers::default(),
            timeout_secs: 5.0,
            refresh_secs: 5.0,
            history_minutes: 30,
            profile: "auto".into(),
            max_answer_mib: 2,
            provider_probe: DEFAULT_PROVIDER_PROBE.into(),
            queries: Queries::default(),
        }
    }
}

/// The bundled stack's probe of the provider (a blackbox-exporter job scraping its
/// `/v1/models`).
pub const DEFAULT_PROVIDER_PROBE: &str = "job=\"holysheep-latency\"";

impl PrometheusConfig {
    /// The `[prometheus]` keys beyond the numbers: client certificate and headers (the
    /// queries' variables are checked by `metrics::Feed::from_config`).
    pub fn validate_client(&self) -> Result<(), String> {
        if self.client_cert_file.is_some() != self.client_key_file.is_some() {
            return Err(
                "prometheus: client_cert_file and client_key_file go together (mTLS)".into(),
            );
        }
        for name in self.headers.0.keys() {
            if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
                return Err(format!("prometheus.headers: {name:?} is not a header name"));
            }
            if name.eq_ignore_ascii_case("authorization") {
                return Err(
                    "prometheus.headers: set Authorization with bearer_token_file or \
                     basic_auth_user (credentials stay out of this file)"
                        .into(),
                );
            }
        }
        for (name, value) in &self.headers.0 {
            if http::HeaderValue::from_str(value).is_err() {
                let shown = if Headers::looks_secret(name) {
                    "***"
                } else {
                    value
                };
                return Err(format!(
                    "prometheus.headers.{name} = {shown:?}: not a valid header value"
                ));
            }
        }
        Ok(())
    }
}

impl PrometheusConfig {
    pub fn endpoint(&self) -> crate::endpoint::Endpoint<'_> {
        crate::endpoint::Endpoint {
            service: "prometheus",
            token_env: crate::config_alerting::PROMETHEUS_TOKEN_ENV,
            bearer_token_file: self.bearer_token_file.as_deref(),
            basic_auth_user: self.basic_auth_user.as_deref(),
            basic_auth_password_file: self.basic_auth_password_file.as_deref(),
            ca_file: self.ca_file.as_deref(),
            client_cert_file: self.client_cert_file.as_deref(),
            client_key_file: self.client_key_file.as_deref(),
            headers: &self.headers,
            timeout_secs: self.timeout_secs,
        }
    }
}
