//! The Prometheus HTTP API client: instant (`/api/v1/query`) and range
//! (`/api/v1/query_range`) queries through prometheus-http-query, on a reqwest client built
//! here (real timeout, CA, client certificate, extra headers). The answer's status is
//! checked before its JSON is decoded into the crate's types, so a proxy's non-JSON error
//! keeps its HTTP status and text.
//!
//! Credentials (bearer token, basic-auth password) are read from files or the environment,
//! trimmed, and kept in [`Secret`], which never prints: not in `Debug`, errors or logs.
//! Extra headers (`X-Scope-OrgID` for Mimir/Cortex tenants) and a client certificate (mTLS)
//! come from the config; header values that look secret are masked likewise.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use prometheus_http_query::response::Data;
use serde::Deserialize;

use crate::config::{Headers, PrometheusConfig};

pub use crate::endpoint::SetupError;
use crate::endpoint::{Auth, error_chain};

/// Environment variable consulted for a bearer token when the config names no token file.
pub const TOKEN_ENV: &str = crate::config_alerting::PROMETHEUS_TOKEN_ENV;

pub use crate::secret::Secret;

/// One series of an instant vector (or the single value of a scalar result).
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The series' labels (empty for a scalar).
    pub labels: BTreeMap<String, String>,
    /// The value; Prometheus' "NaN", "+Inf" and "-Inf" are kept as such.
    pub value: f64,
}

/// One series of a range query: its labels and its points in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeSeries {
    /// The series' labels (empty for a scalar or an aggregate without `by`).
    pub labels: BTreeMap<String, String>,
    /// (time, value); Prometheus' "NaN", "+Inf" and "-Inf" are kept as such.
    pub points: Vec<(jiff::Timestamp, f64)>,
}

/// Why a query produced no samples.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QueryError {
    /// The server could not be reached: connect failure, timeout, broken transport.
    #[error("prometheus unreachable: {0}")]
    Unreachable(String),
    /// A non-2xx answer without a Prometheus error body.
    #[error("prometheus answered HTTP {0}: {1}")]
    Http(u16, String),
    /// The API's own error (`{"status":"error",...}`), e.g. a PromQL syntax error.
    #[error("prometheus {error_type} error: {error}")]
    Prometheus { error_type: String, error: String },
    /// A 2xx answer that is not a usable instant-query result (not JSON, a matrix, ...).
    #[error("unexpected prometheus response: {0}")]
    Decode(String),
    /// The answer's body passed the configured size.
    #[error("prometheus answered over {limit_mib} MiB (prometheus.max_answer_mib) for {query}")]
    TooLarge { limit_mib: u32, query: String },
}

/// The most series one answer may carry before it is decoded any further: the queries
/// aggregate (by model, by agent), so thousands of series mean a label exploded (or a
/// wrong URL) — decoding them all would cost hundreds of MiB each refresh.
pub const MAX_SERIES: usize = 2000;

/// Answers' bodies read at the same time (see [`PromClient::read`]).
const BODIES_AT_ONCE: usize = 2;

/// A Prometheus HTTP API client with a real per-request timeout.
#[derive(Clone)]
pub struct PromClient {
    /// Base URL with any credentials masked.
    display_url: String,
    timeout: Duration,
    /// The largest answer read, bytes.
    max_answer: usize,
    /// Bodies read at once: with a refresh's queries in flight together, memory is bounded
    /// by this many answers, not by all of them.
    reading: std::sync::Arc<tokio::sync::Semaphore>,
    auth: Auth,
    headers: Headers,
    /// prometheus-http-query's client around our own reqwest client (timeout, TLS, headers).
    api: prometheus_http_query::Client,
    /// One cluster of a shared backend: every query sent gains this matcher.
    cluster: Option<super::scope::ClusterMatcher>,
}

impl fmt::Debug for PromClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PromClient")
            .field("url", &self.display_url)
            .field("timeout", &self.timeout)
            .field("auth", &self.auth)
            .field("headers", &self.headers)
            .finish()
    }
}

impl PromClient {
    /// A client for the Prometheus at `url` (http or https), configured by `cfg`: timeout,
    /// bearer token (`bearer_token_file`, else env `AGENTDECK_PROMETHEUS_TOKEN`), basic
    /// auth, extra CA. Errors are worded for the user and never contain a secret.
    pub fn new(url: &str, cfg: &PrometheusConfig) -> Result<PromClient, SetupError> {
        let http = crate::endpoint::connect(url, &cfg.endpoint())?;
        let api =
            prometheus_http_query::Client::from(http.client, http.base.as_str()).map_err(|e| {
                SetupError::Url {
                    service: "prometheus",
                    reason: error_chain(&e),
                }
            })?;
        Ok(PromClient {
            display_url: http.display_url,
            timeout: http.timeout,
            max_answer: (cfg.max_answer_mib.max(1) as usize) << 20,
            reading: std::sync::Arc::new(tokio::sync::Semaphore::new(BODIES_AT_ONCE)),
            auth: http.auth,
            headers: cfg.headers.clone(),
            api,
            cluster: None,
        })
    }

    /// This client for one cluster of a shared backend (Thanos, Mimir, VictoriaMetrics):
    /// every query it sends gains `label="value"` in each selector.
    pub fn scoped(mut self, cluster: super::scope::ClusterMatcher) -> PromClient {
        self.cluster = Some(cluster);
        self
    }

    /// `promql` as sent: with the cluster's matcher when scoped.
    fn scope<'a>(&self, promql: &'a str) -> std::borrow::Cow<'a, str> {
        match &self.cluster {
            Some(c) => std::borrow::Cow::Owned(super::scope::with_matcher(promql, c)),
            None => std::borrow::Cow::Borrowed(promql),
        }
    }

    /// The base URL with credentials masked (for `MetricsOrigin` and messages).
    pub fn url(&self) -> &str {
        &self.display_url
    }

    /// The per-request timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Run an instant query. A scalar result comes back as one sample without labels.
    pub async fn query(&self, promql: &str) -> Result<Vec<Sample>, QueryError> {
        let scoped = self.scope(promql);
        let promql: &str = &scoped;
        let mut req = self.api.query(promql);
        if let Some(h) = self.authorization()? {
            req = req.header(reqwest::header::AUTHORIZATION, h);
        }
        let resp = req.get_raw().await.map_err(|e| self.client_error(&e))?;
        let (status, body) = self.read(resp, promql).await?;
        parse_response(status, &body)
    }

    /// Run a range query over `[start, end]` (whole seconds, as the crate sends them) at
    /// `step`.
    pub async fn query_range(
        &self,
        promql: &str,
        start: jiff::Timestamp,
        end: jiff::Timestamp,
        step: Duration,
    ) -> Result<Vec<RangeSeries>, QueryError> {
        let scoped = self.scope(promql);
        let promql: &str = &scoped;
        let mut req = self.api.query_range(
            promql,
            start.as_second(),
            end.as_second(),
            step.as_secs_f64(),
        );
        if let Some(h) = self.authorization()? {
            req = req.header(reqwest::header::AUTHORIZATION, h);
        }
        let resp = req.get_raw().await.map_err(|e| self.client_error(&e))?;
        let (status, body) = self.read(resp, promql).await?;
        parse_range_response(status, &body)
    }

    /// The `Authorization` header for this request (a token file is re-read if it changed).
    fn authorization(&self) -> Result<Option<reqwest::header::HeaderValue>, QueryError> {
        self.auth.header().map_err(|what| {
            QueryError::Unreachable(format!(
                "{}: {what} is not a valid header",
                self.display_url
            ))
        })
    }

    /// Status and body. The crate's own decoding is not used: it drops the status and
    /// body of a non-JSON answer (a proxy's 502 page), which the error should show.
    /// At most `max_answer` bytes are read (a misconfigured proxy, a cardinality explosion):
    /// past it the query is an error naming the limit and the query, and the rest is not
    /// read. The client's timeout covers the body too.
    async fn read(
        &self,
        mut resp: reqwest::Response,
        promql: &str,
    ) -> Result<(u16, Vec<u8>), QueryError> {
        let status = resp.status().as_u16();
        let too_large = || QueryError::TooLarge {
            limit_mib: (self.max_answer >> 20) as u32,
            query: crate::format::clip(&crate::text::printable(promql), 120),
        };
        if resp
            .content_length()
            .is_some_and(|n| n > self.max_answer as u64)
        {
            return Err(too_large());
        }
        let _permit = self.reading.acquire().await;
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.transport(&e))? {
            if body.len() + chunk.len() > self.max_answer {
                return Err(too_large());
            }
            // Grown exactly: no doubling past what was read.
            body.reserve_exact(chunk.len());
            body.extend_from_slice(&chunk);
        }
        Ok((status, body))
    }

    fn client_error(&self, e: &prometheus_http_query::Error) -> QueryError {
        match e {
            prometheus_http_query::Error::Client(c) if let Some(inner) = c.inner() => {
                self.transport(inner)
            }
            other => {
                QueryError::Unreachable(format!("{}: {}", self.display_url, error_chain(other)))
            }
        }
    }

    fn transport(&self, e: &reqwest::Error) -> QueryError {
        let what = if e.is_timeout() {
            format!("{}: timed out after {:?}", self.display_url, self.timeout)
        } else {
            format!("{}: {}", self.display_url, error_chain(e))
        };
        QueryError::Unreachable(what)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiResponse {
    status: String,
    #[serde(default)]
    data: Option<serde_json::Value>,
    #[serde(default)]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

/// Parse a Prometheus sample value: a decimal, "NaN", "+Inf" or "-Inf".
pub fn parse_value(s: &str) -> Option<f64> {
    match s {
        "NaN" => Some(f64::NAN),
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        _ => s.parse::<f64>().ok(),
    }
}

fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    let mut s: String = text.chars().take(200).collect();
    if text.chars().count() > 200 {
        s.push('…');
    }
    s
}

/// The result type and `data` of a successful answer (decoded into prometheus-http-query's
/// types), or the [`QueryError`] the status and body mean.
fn api_data(status: u16, body: &[u8]) -> Result<(String, Data), QueryError> {
    let parsed: Option<ApiResponse> = serde_json::from_slice(body).ok();
    if let Some(r) = &parsed
        && r.status == "error"
    {
        return Err(QueryError::Prometheus {
            error_type: r.error_type.clone().unwrap_or_else(|| "unknown".into()),
            error: r.error.clone().unwrap_or_default(),
        });
    }
    if !(200..300).contains(&status) {
        return Err(QueryError::Http(status, snippet(body)));
    }
    let Some(resp) = parsed else {
        return Err(QueryError::Decode(format!(
            "not a Prometheus API answer: {}",
            snippet(body)
        )));
    };
    if resp.status != "success" {
        return Err(QueryError::Decode(format!("status {:?}", resp.status)));
    }
    let data = resp
        .data
        .ok_or_else(|| QueryError::Decode("success without data".into()))?;
    let kind = data
        .get("resultType")
        .and_then(|v| v.as_str())
        .unwrap_or("unknown")
        .to_string();
    let series = data
        .get("result")
        .and_then(serde_json::Value::as_array)
        .map_or(0, Vec::len);
    if series > MAX_SERIES {
        return Err(QueryError::Decode(format!(
            "{series} series in one answer (at most {MAX_SERIES} are read): a label with that many values (model? agent?) — aggregate it in the query"
        )));
    }
    let decoded =
        Data::deserialize(&data).map_err(|e| QueryError::Decode(format!("{kind} result: {e}")))?;
    Ok((kind, decoded))
}

/// A time in seconds (as Prometheus sends it) as a timestamp, to the millisecond.
fn timestamp(secs: f64) -> Result<jiff::Timestamp, QueryError> {
    jiff::Timestamp::from_millisecond((secs * 1000.0).round() as i64)
        .map_err(|e| QueryError::Decode(format!("bad time {secs}: {e}")))
}

/// Turn an HTTP status and body from `/api/v1/query_range` into series or a [`QueryError`].
pub fn parse_range_response(status: u16, body: &[u8]) -> Result<Vec<RangeSeries>, QueryError> {
    match api_data(status, body)? {
        (_, Data::Matrix(series)) => series
            .into_iter()
            .map(|s| {
                let (metric, samples) = s.into_inner();
                let points = samples
                    .iter()
                    .map(|p| Ok((timestamp(p.timestamp())?, p.value())))
                    .collect::<Result<Vec<_>, QueryError>>()?;
                Ok(RangeSeries {
                    labels: metric.into_iter().collect(),
                    points,
                })
            })
            .collect(),
        (kind, _) => Err(QueryError::Decode(format!(
            "{kind} result: a range vector (matrix) was expected"
        ))),
    }
}

/// Turn an HTTP status and body from `/api/v1/query` into samples or a [`QueryError`].
pub fn parse_response(status: u16, body: &[u8]) -> Result<Vec<Sample>, QueryError> {
    match api_data(status, body)? {
        (_, Data::Vector(v)) => Ok(v
            .into_iter()
            .map(|iv| {
                let (metric, sample) = iv.into_inner();
                Sample {
                    labels: metric.into_iter().collect(),
                    value: sample.value(),
                }
            })
            .collect()),
        (_, Data::Scalar(s)) => Ok(vec![Sample {
            labels: BTreeMap::new(),
            value: s.value(),
        }]),
        (kind, Data::Matrix(_)) => Err(QueryError::Decode(format!(
            "{kind} result; an instant vector or scalar was expected"
        ))),
    }
}

#[cfg(test)]
#[path = "prom_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "prom_server_tests.rs"]
mod server_tests;

#[cfg(test)]
#[path = "prom_tls_tests.rs"]
mod tls_tests;

#[cfg(test)]
#[path = "prom_range_tests.rs"]
mod range_tests;
