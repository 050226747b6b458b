//! `fastapi`: the agent service itself, a FastAPI app serving `POST /agent/{agent_type}`
//! instrumented with prometheus-fastapi-instrumentator's defaults
//! (`Instrumentator().instrument(app).expose(app)`).
//!
//! Sources: trallnag/prometheus-fastapi-instrumentator @c1c1fb6
//! `src/prometheus_fastapi_instrumentator/metrics.py` (`default()`: `http_requests_total`
//! with labels `method`, `status`, `handler`; `http_request_duration_highr_seconds`, no
//! labels, `latency_highr_buckets`; `http_request_duration_seconds` with `method`,
//! `handler` and `latency_lowr_buckets` = (0.1, 0.5, 1); +Inf appended) and `middleware.py`
//! (`handler` is the matched route's template — `route.path`, so every agent type is
//! `/agent/{agent_type}`; untemplated paths become `none`; `status` grouped to `2xx`/`4xx`/
//! `5xx`; `/metrics` is counted like any route unless excluded). The default
//! `http_request_size_bytes` / `http_response_size_bytes` summaries are not exported here.
//!
//! The agent's own answers: 200 → `2xx`; 401 and 429 (what the agent answers when the
//! provider refused) → `4xx`, so a bad key cannot be told from a rate limit or a 404;
//! 500 and 504 → `5xx`. `/metrics` is scraped every [`SCRAPE_INTERVAL_S`] and `/health`
//! probed by two probes every [`PROBE_PERIOD_S`] while the pod is ready, each taking a few
//! milliseconds.
//!
//! Incidents: `bad-key` → `status="4xx"` of `/agent/{agent_type}` grows, durations drop
//! to ~60 ms; `egress-blocked` → `status="5xx"` grows, durations near 30 s (above 1 s: only
//! `+Inf` of the low-resolution histogram; the `30.0` bucket of the high-resolution one);
//! `slow-provider` → durations six-fold.

use super::{HistOut, Le, Num, Out, PodSeries, code_count, latency};
pub use crate::agents::buckets::{HIGHR_BUCKETS, LOWR_BUCKETS};
use crate::agents::model::{C200, C401, C429, C500, C504};

/// Prometheus' scrape interval of the pod (seconds).
pub const SCRAPE_INTERVAL_S: f64 = 15.0;
/// The readiness and liveness probes' period (seconds), both on `/health`.
pub const PROBE_PERIOD_S: f64 = 10.0;
/// Time to answer a scrape and a probe (seconds).
const SCRAPE_S: f64 = 0.004;
const PROBE_S: f64 = 0.001;

const AGENT: &str = "/agent/{agent_type}";
const ALL: [usize; 5] = [C200, C401, C429, C500, C504];

/// (handler, method, requests, duration of each) of the pod's `GET` routes.
fn gets(ps: &PodSeries) -> [(&'static str, f64, f64); 2] {
    [
        ("/metrics", ps.fine.ready_secs / SCRAPE_INTERVAL_S, SCRAPE_S),
        (
            "/health",
            ps.fine.ready_secs * 2.0 / PROBE_PERIOD_S,
            PROBE_S,
        ),
    ]
}

/// A histogram of `n` requests that all took `secs`.
fn fixed(bounds: &[f64], n: f64, secs: f64) -> HistOut {
    HistOut {
        buckets: bounds
            .iter()
            .map(|le| if *le >= secs { n } else { 0.0 })
            .collect(),
        count: n,
        sum: n * secs,
    }
}

pub fn render(out: &mut Out, pods: &[(&str, &PodSeries)]) {
    let name = "http_requests_total";
    out.family(
        name,
        "counter",
        "Total number of requests by method, status and handler.",
    );
    for (pod, ps) in pods {
        let groups = [
            ("2xx", code_count(ps, C200)),
            ("4xx", code_count(ps, C401) + code_count(ps, C429)),
            ("5xx", code_count(ps, C500) + code_count(ps, C504)),
        ];
        for (status, n) in groups {
            let l = [("method", "POST"), ("status", status), ("handler", AGENT)];
            out.count(name, pod, &l, n, Num::Py);
        }
        for (handler, n, _) in gets(ps) {
            let l = [("method", "GET"), ("status", "2xx"), ("handler", handler)];
            out.count(name, pod, &l, n, Num::Py);
        }
    }
    let name = "http_request_duration_highr_seconds";
    out.family(
        name,
        "histogram",
        "Latency with many buckets but no API specific labels. Made for more accurate percentile calculations. ",
    );
    for (pod, ps) in pods {
        let mut h = latency(ps, HIGHR_BUCKETS, &ALL, 1.0);
        for (_, n, secs) in gets(ps) {
            h.add(&fixed(HIGHR_BUCKETS, n, secs));
        }
        out.histogram(name, pod, &[], HIGHR_BUCKETS, (Le::Py, Num::Py), &h);
    }
    let name = "http_request_duration_seconds";
    out.family(
        name,
        "histogram",
        "Latency with only few buckets by handler. Made to be only used if aggregation by handler is important. ",
    );
    for (pod, ps) in pods {
        let h = latency(ps, LOWR_BUCKETS, &ALL, 1.0);
        let fmt = (Le::Py, Num::Py);
        out.histogram(
            name,
            pod,
            &[("method", "POST"), ("handler", AGENT)],
            LOWR_BUCKETS,
            fmt,
            &h,
        );
        for (handler, n, secs) in gets(ps) {
            let h = fixed(LOWR_BUCKETS, n, secs);
            out.histogram(
                name,
                pod,
                &[("method", "GET"), ("handler", handler)],
                LOWR_BUCKETS,
                fmt,
                &h,
            );
        }
    }
}
