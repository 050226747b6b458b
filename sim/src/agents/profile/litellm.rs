//! `litellm`: a LiteLLM proxy running in each agent pod (the agent's OpenAI-compatible
//! endpoint), forwarding to the provider; its `/metrics` with the Prometheus callback.
//!
//! Sources: BerriAI/litellm `litellm/types/integrations/prometheus.py` (@ed19250:
//! `LATENCY_BUCKETS`, the label names of each metric in `PrometheusMetricLabels`) and
//! `litellm/integrations/prometheus.py` (the metric names and types; which hooks count
//! what). The full repository was too large to fetch here; both files were read from the
//! indexed copies, and the 401 rule below from the project's notes
//! (`/work/shared/llm-metrics.md`): it could not be confirmed against the current
//! `prometheus.py`.
//!
//! What is counted:
//! - Successes (`async_log_success_event`, `async_post_call_success_hook`):
//!   `litellm_request_total_latency_metric` (histogram, seconds), the token counters
//!   (`litellm_total_tokens_metric_total`, `..._input_...`, `..._output_...`),
//!   `litellm_spend_metric_total` (USD, from [`PRICES`]) and
//!   `litellm_proxy_total_requests_metric_total{status_code="200"}`.
//! - Failures (`async_post_call_failure_hook`): `litellm_proxy_failed_requests_metric_total`
//!   with `exception_status` = the exception's `status_code` and `exception_class` =
//!   `Provider.ClassName` (`_get_exception_class_name`), and
//!   `litellm_proxy_total_requests_metric_total` with the same `status_code`. 429 →
//!   `Openai.RateLimitError`, 500 → `Openai.InternalServerError`, egress blocked → the
//!   proxy's `request_timeout` (set to the agents' 30 s deadline) ends the call:
//!   `litellm.Timeout`, status 408, `Openai.Timeout`. Failed calls have no latency
//!   observation, no tokens and no spend.
//! - **401s are dropped**: the agent's key is a LiteLLM virtual key; an invalid one is
//!   rejected by the proxy's auth, and since early 2026 (PR #18788) the hooks return early
//!   on auth failures, so a `bad-key` incident adds nothing: every series stops growing
//!   (successes fall to zero) and no failure is counted.
//!
//! Incidents: `bad-key` → invisible except that the counters freeze; `egress-blocked` →
//! `failed_requests{exception_status="408",exception_class="Openai.Timeout"}` and
//! `total_requests{status_code="408"}` grow, successes stop; `slow-provider` → the latency
//! histogram moves up six-fold (no errors).

use super::{INPUT_SHARE, Le, Num, Out, PROVIDER_MODEL_IDS, PodSeries, code_count, latency};
pub use crate::agents::buckets::LATENCY_BUCKETS;
use crate::agents::model::{C200, C429, C500, C504, MODELS, request_shares};

/// USD per million (input, output) tokens of each provider model id, defined for the sim
/// from the providers' public list prices of late 2025: gpt-4.1 $2 / $8, Claude Sonnet
/// 4.5 $3 / $15, Gemini 2.5 Flash $0.30 / $2.50, DeepSeek chat (V3.2) $0.28 / $0.42.
pub const PRICES: [(f64, f64); 4] = [(2.0, 8.0), (3.0, 15.0), (0.30, 2.50), (0.28, 0.42)];

/// LiteLLM's deployment id of each model (`model_id`): a hash in real proxies.
const MODEL_IDS: [&str; 4] = [
    "5f1b6c1d9a0e4b7c8d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c",
    "8c2d7e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d",
    "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b",
    "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d",
];

/// Who the requests come from: one virtual key of the agent service's team. Values LiteLLM
/// does not know are written as Python's `None`.
const KEY: [(&str, &str); 6] = [
    ("end_user", "None"),
    (
        "hashed_api_key",
        "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b",
    ),
    ("api_key_alias", "ai-agent-service"),
    ("team", "3f2a9c1e-7b4d-4e8a-9c61-2d5b8e0f4a17"),
    ("team_alias", "ai-agents"),
    ("user", "default_user_id"),
];

/// (code, status, exception class) of the failures LiteLLM counts (401s are dropped).
const FAILURES: [(usize, &str, &str); 3] = [
    (C429, "429", "Openai.RateLimitError"),
    (C500, "500", "Openai.InternalServerError"),
    (C504, "408", "Openai.Timeout"),
];

pub fn render(out: &mut Out, pods: &[(&str, &PodSeries)]) {
    let name = "litellm_request_total_latency_metric";
    out.family(
        name,
        "histogram",
        "Total latency (seconds) for a request to LiteLLM",
    );
    for (pod, ps) in pods {
        for i in 0..MODELS.len() {
            let h = latency(ps, LATENCY_BUCKETS, &[C200], request_shares()[i]);
            let l = with_key(&[
                ("requested_model", MODELS[i].0),
                ("model", PROVIDER_MODEL_IDS[i]),
                ("model_id", MODEL_IDS[i]),
            ]);
            out.histogram(name, pod, &l, LATENCY_BUCKETS, (Le::Py, Num::Py), &h);
        }
    }
    requests(out, pods);
    tokens(out, pods);
}

fn with_key<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut l = KEY.to_vec();
    l.extend_from_slice(extra);
    l
}

/// The proxy-level request counters: totals by status code, failures by exception.
fn requests(out: &mut Out, pods: &[(&str, &PodSeries)]) {
    let total = "litellm_proxy_total_requests_metric_total";
    out.family(
        total,
        "counter",
        "Total number of requests made to the proxy server - track number of client side requests",
    );
    let route = [
        ("user_email", "None"),
        ("route", "/chat/completions"),
        ("client_ip", "None"),
        ("user_agent", "OpenAI/Python 1.99.9"),
    ];
    for (pod, ps) in pods {
        for i in 0..MODELS.len() {
            let q = request_shares()[i];
            let statuses = [(C200, "200")]
                .into_iter()
                .chain(FAILURES.map(|f| (f.0, f.1)));
            for (code, status) in statuses {
                let mut l = with_key(&[("requested_model", MODELS[i].0), ("status_code", status)]);
                l.extend(route);
                l.push(("model_id", MODEL_IDS[i]));
                out.count(total, pod, &l, code_count(ps, code) * q, Num::Py);
            }
        }
    }
    let failed = "litellm_proxy_failed_requests_metric_total";
    out.family(
        failed,
        "counter",
        "Total number of failed responses from proxy - the client did not get a success response from litellm proxy",
    );
    for (pod, ps) in pods {
        for i in 0..MODELS.len() {
            let q = request_shares()[i];
            for (code, status, class) in FAILURES {
                let mut l = with_key(&[("requested_model", MODELS[i].0), ("user_email", "None")]);
                l.extend([("exception_status", status), ("exception_class", class)]);
                l.extend(&route[1..]);
                l.push(("model_id", MODEL_IDS[i]));
                out.count(failed, pod, &l, code_count(ps, code) * q, Num::Py);
            }
        }
    }
}

/// Token and spend counters (successes only).
fn tokens(out: &mut Out, pods: &[(&str, &PodSeries)]) {
    let families = [
        (
            "litellm_total_tokens_metric_total",
            "Total number of input + output tokens from LLM requests",
            1.0,
        ),
        (
            "litellm_input_tokens_metric_total",
            "Total number of input tokens from LLM requests",
            INPUT_SHARE,
        ),
        (
            "litellm_output_tokens_metric_total",
            "Total number of output tokens from LLM requests",
            1.0 - INPUT_SHARE,
        ),
    ];
    for (name, help, share) in families {
        out.family(name, "counter", help);
        for (pod, ps) in pods {
            for i in 0..MODELS.len() {
                let l = with_key(&[
                    ("model", PROVIDER_MODEL_IDS[i]),
                    ("user_email", "None"),
                    ("requested_model", MODELS[i].0),
                    ("model_id", MODEL_IDS[i]),
                ]);
                out.count(name, pod, &l, ps.tokens[i] * share, Num::Py);
            }
        }
    }
    let name = "litellm_spend_metric_total";
    out.family(name, "counter", "Total spend on LLM requests");
    for (pod, ps) in pods {
        for i in 0..MODELS.len() {
            let l = with_key(&[
                ("model", PROVIDER_MODEL_IDS[i]),
                ("user_email", "None"),
                ("client_ip", "None"),
                ("user_agent", "OpenAI/Python 1.99.9"),
                ("model_id", MODEL_IDS[i]),
            ]);
            out.sample(name, pod, &l, &format!("{:?}", spend(ps.tokens[i], i)));
        }
    }
}

/// USD spent on `tokens` tokens of model `i` ([`PRICES`], [`INPUT_SHARE`]).
pub fn spend(tokens: f64, i: usize) -> f64 {
    let (input, output) = PRICES[i];
    tokens * (INPUT_SHARE * input + (1.0 - INPUT_SHARE) * output) / 1e6
}
