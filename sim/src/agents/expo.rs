//! Prometheus text exposition (format 0.0.4) of the agent state.

use std::fmt::Write;

use super::NAMESPACE;
use super::model::{AGENTS, BUCKETS, C503, CODES, MODELS, POD_CODES, PROVIDER_ERRORS};
use super::state::{AgentState, PodSeries};

/// The content type of [`render`]'s output.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

pub(super) fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn labels(pairs: &[(&str, &str)]) -> String {
    let inner: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
        .collect();
    format!("{{{}}}", inner.join(","))
}

/// A count as exported: the floor of the accumulated expected value.
pub(super) fn count(x: f64) -> u64 {
    x.max(0.0).floor() as u64
}

fn fmt_le(le: f64) -> String {
    let s = format!("{le}");
    if s.contains('.') { s } else { format!("{s}.0") }
}

/// The ready pods' series, by pod name.
type Pods<'a> = [(&'a String, &'a PodSeries)];

/// Render the series of the `ready` pods (and the 503s of no pod).
pub fn render(st: &AgentState, ready: &[String]) -> String {
    let mut out = String::new();
    let pods: Vec<(&String, &PodSeries)> = ready
        .iter()
        .filter_map(|name| st.pods.get_key_value(name))
        .collect();
    request_durations(&mut out, &pods);
    requests_total(&mut out, st, &pods);
    provider_errors(&mut out, &pods);
    tokens_used(&mut out, &pods);
    out
}

/// The `http_request_duration_seconds` histogram family: buckets, sum and count per
/// pod and agent.
fn request_durations(out: &mut String, pods: &Pods) {
    out.push_str("# HELP http_request_duration_seconds Time to answer an agent request.\n");
    out.push_str("# TYPE http_request_duration_seconds histogram\n");
    for (pod, s) in pods {
        for (a, (agent, _, _)) in AGENTS.iter().enumerate() {
            let base = [
                ("namespace", NAMESPACE),
                ("pod", pod.as_str()),
                ("agent", agent),
            ];
            for (b, le) in BUCKETS.iter().enumerate() {
                let le = fmt_le(*le);
                let mut l = base.to_vec();
                l.push(("le", &le));
                let _ = writeln!(
                    out,
                    "http_request_duration_seconds_bucket{} {}",
                    labels(&l),
                    count(s.buckets[a][b])
                );
            }
            let mut l = base.to_vec();
            l.push(("le", "+Inf"));
            let n = count(s.count[a]);
            let _ = writeln!(
                out,
                "http_request_duration_seconds_bucket{} {n}",
                labels(&l)
            );
            let _ = writeln!(
                out,
                "http_request_duration_seconds_sum{} {}",
                labels(&base),
                s.sum[a]
            );
            let _ = writeln!(
                out,
                "http_request_duration_seconds_count{} {n}",
                labels(&base)
            );
        }
    }
}

/// The `http_requests_total` counter family: per pod and status code, plus the 503s
/// answered when no pod was ready (no pod label).
fn requests_total(out: &mut String, st: &AgentState, pods: &Pods) {
    out.push_str("# HELP http_requests_total Agent requests answered, by HTTP status code.\n");
    out.push_str("# TYPE http_requests_total counter\n");
    for (pod, s) in pods {
        for (i, code) in POD_CODES.iter().enumerate() {
            let l = [
                ("namespace", NAMESPACE),
                ("pod", pod.as_str()),
                ("code", CODES[*code]),
            ];
            let _ = writeln!(
                out,
                "http_requests_total{} {}",
                labels(&l),
                count(s.codes[i])
            );
        }
    }
    if st.unavailable > 0.0 {
        let l = [("namespace", NAMESPACE), ("code", CODES[C503])];
        let _ = writeln!(
            out,
            "http_requests_total{} {}",
            labels(&l),
            count(st.unavailable)
        );
    }
}

/// The `ai_provider_errors_total` counter family: the provider calls that failed, per pod
/// and reason (unauthorized = 401, rate_limited = 429, server_error = 500, timeout = 504).
fn provider_errors(out: &mut String, pods: &Pods) {
    out.push_str("# HELP ai_provider_errors_total LLM provider calls that failed, by reason.\n");
    out.push_str("# TYPE ai_provider_errors_total counter\n");
    for (pod, s) in pods {
        for (code, reason) in PROVIDER_ERRORS {
            let i = POD_CODES.iter().position(|c| *c == code).unwrap_or(0);
            let l = [
                ("namespace", NAMESPACE),
                ("pod", pod.as_str()),
                ("reason", reason),
            ];
            let _ = writeln!(
                out,
                "ai_provider_errors_total{} {}",
                labels(&l),
                count(s.codes[i])
            );
        }
    }
}

/// The `ai_tokens_used_total` counter family: per pod and model.
fn tokens_used(out: &mut String, pods: &Pods) {
    out.push_str("# HELP ai_tokens_used_total LLM tokens used (prompt + completion), by model.\n");
    out.push_str("# TYPE ai_tokens_used_total counter\n");
    for (pod, s) in pods {
        for (i, (model, _, _)) in MODELS.iter().enumerate() {
            let l = [
                ("namespace", NAMESPACE),
                ("pod", pod.as_str()),
                ("model", model),
            ];
            let _ = writeln!(
                out,
                "ai_tokens_used_total{} {}",
                labels(&l),
                count(s.tokens[i])
            );
        }
    }
}
