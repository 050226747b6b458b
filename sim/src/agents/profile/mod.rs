//! Metrics profiles: the same simulated agent state exposed under the names, labels and
//! buckets a real LLM stack's Prometheus endpoint would use (`agentdeck sim
//! --metrics-profile P`). The load, latency and token model is unchanged; each profile
//! maps the agent pods' counters onto one stack:
//!
//! | profile | what the pod is | module |
//! |---|---|---|
//! | `example` | the bundled agent service (today's names) | [`super::expo`] |
//! | `otel-genai` | the agent's `openai` client, OTel-instrumented, Prometheus exporter | [`otel`] |
//! | `litellm` | a LiteLLM proxy in the pod, in front of the provider | [`litellm`] |
//! | `vllm` | a self-hosted vLLM server answering the agents' calls | [`vllm`] |
//! | `fastapi` | the agent service's own FastAPI app, prometheus-fastapi-instrumentator | [`fastapi`] |
//! | `tgi` | a self-hosted Hugging Face TGI server | [`tgi`] |
//!
//! Every series keeps the `namespace` and `pod` labels (what a Kubernetes service
//! discovery relabel adds). The 503s answered while no pod is ready are exported only by
//! `example` (no pod: no other stack's endpoint sees them). Python stacks write values
//! as prometheus_client does (`5.0`) and their counters' TYPE lines carry `_total`; the
//! `_created` series prometheus_client adds by default are left out (as with
//! `PROMETHEUS_DISABLE_CREATED_SERIES=true`).

mod fastapi;
mod litellm;
mod otel;
mod tgi;
mod vllm;

use std::fmt::{self, Write};
use std::str::FromStr;

use super::NAMESPACE;
use super::expo::{self, escape};
use super::fine;
use super::model::{self, AGENTS, MODELS, POD_CODES};
use super::state::{AgentState, PodSeries};

/// Which stack's metric names the agents' `/metrics` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MetricsProfile {
    /// Today's names (`http_request_duration_seconds`, `ai_tokens_used_total`, ...).
    #[default]
    Example,
    OtelGenai,
    Litellm,
    Vllm,
    Fastapi,
    Tgi,
}

impl MetricsProfile {
    pub const ALL: [MetricsProfile; 6] = [
        MetricsProfile::Example,
        MetricsProfile::OtelGenai,
        MetricsProfile::Litellm,
        MetricsProfile::Vllm,
        MetricsProfile::Fastapi,
        MetricsProfile::Tgi,
    ];

    /// The CLI spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            MetricsProfile::Example => "example",
            MetricsProfile::OtelGenai => "otel-genai",
            MetricsProfile::Litellm => "litellm",
            MetricsProfile::Vllm => "vllm",
            MetricsProfile::Fastapi => "fastapi",
            MetricsProfile::Tgi => "tgi",
        }
    }

    /// Render the series of the `ready` pods in this profile.
    pub fn render(self, st: &AgentState, ready: &[String]) -> String {
        if self == MetricsProfile::Example {
            return expo::render(st, ready);
        }
        let pods: Vec<(&str, &PodSeries)> = ready
            .iter()
            .filter_map(|name| st.pods.get_key_value(name))
            .map(|(n, s)| (n.as_str(), s))
            .collect();
        let mut out = Out::default();
        match self {
            MetricsProfile::Example => unreachable!(),
            MetricsProfile::OtelGenai => otel::render(&mut out, &pods),
            MetricsProfile::Litellm => litellm::render(&mut out, &pods),
            MetricsProfile::Vllm => vllm::render(&mut out, &pods),
            MetricsProfile::Fastapi => fastapi::render(&mut out, &pods),
            MetricsProfile::Tgi => tgi::render(&mut out, &pods),
        }
        out.text
    }
}

impl fmt::Display for MetricsProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MetricsProfile {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        MetricsProfile::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| {
                let all: Vec<&str> = MetricsProfile::ALL.iter().map(|p| p.as_str()).collect();
                format!(
                    "unknown metrics profile {s:?}: expected one of {}",
                    all.join(", ")
                )
            })
    }
}

pub use super::buckets::latency_bounds;

/// The provider's model id of each of [`MODELS`] (what a response names).
pub const PROVIDER_MODEL_IDS: [&str; 4] = [
    "gpt-4.1-2025-04-14",
    "claude-sonnet-4-5-20250929",
    "gemini-2.5-flash",
    "deepseek-chat",
];

/// Share of a successful request's tokens that are input (prompt) tokens; the rest are
/// output. The model only knows totals; agents send long contexts and get shorter answers.
pub const INPUT_SHARE: f64 = 0.7;
/// Log-space spread of one request's token count around its model's mean (for the
/// per-request token histograms of `otel-genai` and `tgi`).
pub const TOKEN_SIGMA: f64 = 0.8;

/// How a histogram's `le` values are written.
#[derive(Debug, Clone, Copy)]
pub enum Le {
    /// Python prometheus_client (`floatToGoString`): `0.1`, `1.0`, `60.0`.
    Py,
    /// Python `f"{bound}"` of integer bounds: `1`, `4`, `16`.
    Int,
    /// Rust `Display`: shortest round-trip form.
    Rust,
}

impl Le {
    fn fmt(self, le: f64) -> String {
        match self {
            Le::Py => format!("{le:?}"),
            Le::Int => format!("{}", le as u64),
            Le::Rust => format!("{le}"),
        }
    }
}

/// A histogram ready to write: cumulative counts at its bounds, count and sum.
#[derive(Debug, Clone, Default)]
pub struct HistOut {
    pub buckets: Vec<f64>,
    pub count: f64,
    pub sum: f64,
}

impl HistOut {
    pub fn new(n: usize) -> Self {
        HistOut {
            buckets: vec![0.0; n],
            count: 0.0,
            sum: 0.0,
        }
    }

    pub fn add(&mut self, o: &HistOut) {
        for (b, x) in self.buckets.iter_mut().zip(&o.buckets) {
            *b += x;
        }
        self.count += o.count;
        self.sum += o.sum;
    }
}

/// The pod's latency histogram over `bounds` (each must be in [`fine::bounds`]) of the
/// requests answered with the codes `codes` ([`model::CODES`] indices), every agent,
/// times `scale`.
pub fn latency(ps: &PodSeries, bounds: &[f64], codes: &[usize], scale: f64) -> HistOut {
    let grid = fine::bounds();
    let at: Vec<usize> = bounds
        .iter()
        .map(|b| grid.iter().position(|g| g == b).expect("bound on the grid"))
        .collect();
    let mut out = HistOut::new(bounds.len());
    for (ci, code) in POD_CODES.iter().enumerate() {
        if !codes.contains(code) {
            continue;
        }
        for a in 0..AGENTS.len() {
            let Some(h) = ps.fine.get(ci, a) else {
                continue;
            };
            for (o, i) in out.buckets.iter_mut().zip(&at) {
                *o += h.buckets.get(*i).copied().unwrap_or(0.0) * scale;
            }
            out.count += h.count * scale;
            out.sum += h.sum * scale;
        }
    }
    out
}

/// Requests the pod answered with `code` ([`model::CODES`] index).
pub fn code_count(ps: &PodSeries, code: usize) -> f64 {
    POD_CODES
        .iter()
        .position(|c| *c == code)
        .map_or(0.0, |i| ps.codes[i])
}

/// Successful requests of model `i` (the model counts tokens of 200s only).
pub fn ok_requests(ps: &PodSeries, i: usize) -> f64 {
    ps.tokens[i] / MODELS[i].2
}

/// A per-request token histogram over `bounds` of `reqs` requests averaging `mean`
/// tokens, log-normal with [`TOKEN_SIGMA`].
pub fn token_hist(bounds: &[f64], reqs: f64, mean: f64) -> HistOut {
    let median = mean * (-TOKEN_SIGMA * TOKEN_SIGMA / 2.0).exp();
    HistOut {
        buckets: bounds
            .iter()
            .map(|le| reqs * model::lognormal_cdf(*le, median, TOKEN_SIGMA))
            .collect(),
        count: reqs,
        sum: reqs * mean,
    }
}

/// The exposition being written.
#[derive(Debug, Default)]
pub struct Out {
    pub text: String,
}

/// How sample values are written: Python's `repr(float)` or integer counts (Rust
/// exporters).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    Py,
    Int,
}

fn fmt_num(v: f64, n: Num) -> String {
    match n {
        Num::Py => format!("{v:?}"),
        Num::Int => format!("{}", v as u64),
    }
}

impl Out {
    /// A family's `# HELP` (when `help` is not empty) and `# TYPE` lines.
    pub fn family(&mut self, name: &str, kind: &str, help: &str) {
        if !help.is_empty() {
            let _ = writeln!(self.text, "# HELP {name} {help}");
        }
        let _ = writeln!(self.text, "# TYPE {name} {kind}");
    }

    /// One sample, `namespace` and `pod` first.
    pub fn sample(&mut self, name: &str, pod: &str, labels: &[(&str, &str)], v: &str) {
        let mut l = vec![
            format!("namespace=\"{NAMESPACE}\""),
            format!("pod=\"{}\"", escape(pod)),
        ];
        l.extend(labels.iter().map(|(k, v)| format!("{k}=\"{}\"", escape(v))));
        let _ = writeln!(self.text, "{name}{{{}}} {v}", l.join(","));
    }

    /// A counter sample: the floor of the accumulated count.
    pub fn count(&mut self, name: &str, pod: &str, labels: &[(&str, &str)], x: f64, n: Num) {
        self.sample(name, pod, labels, &fmt_num(expo::count(x) as f64, n));
    }

    /// A histogram's `_bucket`, `_count` and `_sum` samples: floors of the accumulated
    /// counts (a bucket never above the count), cumulative.
    pub fn histogram(
        &mut self,
        name: &str,
        pod: &str,
        labels: &[(&str, &str)],
        bounds: &[f64],
        (le_fmt, n): (Le, Num),
        h: &HistOut,
    ) {
        let total = expo::count(h.count);
        let mut prev = 0;
        for (le, b) in bounds.iter().zip(&h.buckets) {
            let c = expo::count(*b).min(total).max(prev);
            prev = c;
            let le = le_fmt.fmt(*le);
            let mut l = labels.to_vec();
            l.push(("le", &le));
            self.sample(&format!("{name}_bucket"), pod, &l, &fmt_num(c as f64, n));
        }
        let mut l = labels.to_vec();
        l.push(("le", "+Inf"));
        self.sample(
            &format!("{name}_bucket"),
            pod,
            &l,
            &fmt_num(total as f64, n),
        );
        self.sample(
            &format!("{name}_count"),
            pod,
            labels,
            &fmt_num(total as f64, n),
        );
        let sum = match n {
            Num::Py => format!("{:?}", h.sum),
            Num::Int => format!("{}", h.sum),
        };
        self.sample(&format!("{name}_sum"), pod, labels, &sum);
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
