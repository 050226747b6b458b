//! `vllm`: each agent pod is read as a self-hosted vLLM OpenAI-compatible server answering
//! the agents' chat completions (no provider behind it).
//!
//! Sources: vllm-project/vllm `vllm/v1/metrics/loggers.py` (indexed copy @005a810; the
//! repository was too large to fetch): `PrometheusStatLogger` — labels `model_name`,
//! `engine`; counters `vllm:prompt_tokens`, `vllm:generation_tokens`,
//! `vllm:request_success` (+ `finished_reason`, one series per `FinishReason`: stop,
//! length, abort), exposed by prometheus_client with `_total`; histogram
//! `vllm:e2e_request_latency_seconds` with `request_latency_buckets` (below), observed for
//! every finished request. The HTTP layer is prometheus-fastapi-instrumentator
//! (trallnag/prometheus-fastapi-instrumentator `metrics.py`, `middleware.py`):
//! `http_requests_total{handler,method,status}` with grouped status, no model label.
//!
//! Mapping of the sim's answers (one served model, all models' tokens summed):
//! - 200 → `request_success{finished_reason="stop"}`, e2e latency, tokens; HTTP `2xx`.
//! - 429 → no upstream quota exists: vLLM queues instead of refusing, so these are served
//!   like 200s.
//! - 401 → vLLM's `--api-key` check rejects the request in the HTTP layer: only
//!   `http_requests_total{status="4xx"}`; the engine never sees it.
//! - 500 → an engine error: `http_requests_total{status="5xx"}`, no finished request.
//! - 504 → the request hangs until the agent's 30 s deadline, the client disconnects and
//!   vLLM aborts it: `request_success{finished_reason="abort"}` and an e2e observation near
//!   30 s; no HTTP sample (the handler is cancelled on disconnect, no response is sent).
//!
//! Incidents: `bad-key` → `http_requests_total{status="4xx"}` grows and every engine series
//! freezes; `egress-blocked` (read as the server no longer completing generations) →
//! `finished_reason="abort"` grows, e2e latency in the (20, 30] bucket; `slow-provider` →
//! e2e latency six-fold (a slow server).

use super::{Le, Num, Out, PodSeries, code_count, latency};
pub use crate::agents::buckets::REQUEST_LATENCY_BUCKETS;
use crate::agents::model::{C200, C401, C429, C500, C504, mean_tokens_per_request};

/// The served model (`--served-model-name`, default the model path).
const MODEL_NAME: &str = "deepseek-ai/DeepSeek-V3.2";
const LABELS: [(&str, &str); 2] = [("model_name", MODEL_NAME), ("engine", "0")];

pub fn render(out: &mut Out, pods: &[(&str, &PodSeries)]) {
    let served = [C200, C429];
    let name = "vllm:e2e_request_latency_seconds";
    out.family(
        name,
        "histogram",
        "Histogram of e2e request latency in seconds.",
    );
    for (pod, ps) in pods {
        let h = latency(ps, REQUEST_LATENCY_BUCKETS, &[C200, C429, C504], 1.0);
        out.histogram(
            name,
            pod,
            &LABELS,
            REQUEST_LATENCY_BUCKETS,
            (Le::Py, Num::Py),
            &h,
        );
    }
    let (tokens_in, tokens_out) = ("vllm:prompt_tokens_total", "vllm:generation_tokens_total");
    for (name, help, share) in [
        (
            tokens_in,
            "Number of prefill tokens processed.",
            super::INPUT_SHARE,
        ),
        (
            tokens_out,
            "Number of generation tokens processed.",
            1.0 - super::INPUT_SHARE,
        ),
    ] {
        out.family(name, "counter", help);
        for (pod, ps) in pods {
            out.count(name, pod, &LABELS, served_tokens(ps) * share, Num::Py);
        }
    }
    let name = "vllm:request_success_total";
    out.family(name, "counter", "Count of successfully processed requests.");
    for (pod, ps) in pods {
        let stop: f64 = served.iter().map(|c| code_count(ps, *c)).sum();
        for (reason, n) in [
            ("stop", stop),
            ("length", 0.0),
            ("abort", code_count(ps, C504)),
        ] {
            let mut l = LABELS.to_vec();
            l.push(("finished_reason", reason));
            out.count(name, pod, &l, n, Num::Py);
        }
    }
    http(out, pods);
}

/// Tokens of the served requests: the 200s' tokens, and the 429s (served here) at the
/// mean tokens of a request.
fn served_tokens(ps: &PodSeries) -> f64 {
    ps.tokens.iter().sum::<f64>() + code_count(ps, C429) * mean_tokens_per_request()
}

fn http(out: &mut Out, pods: &[(&str, &PodSeries)]) {
    let name = "http_requests_total";
    out.family(
        name,
        "counter",
        "Total number of requests by method, status and handler.",
    );
    for (pod, ps) in pods {
        let groups = [
            ("2xx", code_count(ps, C200) + code_count(ps, C429)),
            ("4xx", code_count(ps, C401)),
            ("5xx", code_count(ps, C500)),
        ];
        for (status, n) in groups {
            let l = [
                ("handler", "/v1/chat/completions"),
                ("method", "POST"),
                ("status", status),
            ];
            out.count(name, pod, &l, n, Num::Py);
        }
    }
}
