//! The real instrumentation libraries (tests/exporters/: OpenTelemetry's openai-v2
//! instrumentation with its Prometheus exporter, prometheus-fastapi-instrumentator) export
//! to a real Prometheus: their latency histograms give a finite p95, their token series are
//! there, and the provider's 401s show up as each library reports failures (OTel:
//! `error_type`; FastAPI: `status="4xx"`).
//!
//! With AGENTDECK_WRITE_EXPOSITIONS=1 the test also rewrites the captured expositions in
//! tests/fixtures/exposition/ and prints the metric names Prometheus stored.

#[path = "llm_exporters/agentdeck.rs"]
mod agentdeck_checks;
use crate::common;
#[path = "llm_exporters/probe.rs"]
mod probe;

use crate::common::exporters::{self, NAMESPACE, OTEL_NAMESPACE, Stack};
use crate::common::{eventually, repo_path, require_tool};
use serde_json::Value;

/// Requests per second each app makes (the provider's medians are 0.25–0.9 s).
const RATE: f64 = 5.0;

const OTEL_DURATION: &str = "gen_ai_client_operation_duration_seconds_bucket";
const FASTAPI_DURATION: &str = "http_request_duration_seconds_bucket";

pub(crate) fn value(sample: &Value) -> f64 {
    sample["value"][1]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN)
}

/// The one value of `q`, when it has exactly one finite sample.
pub(crate) async fn scalar(stack: &Stack, http: &reqwest::Client, q: &str) -> Option<f64> {
    let r = stack.prometheus.query(http, q).await?;
    let [s] = r.as_slice() else { return None };
    Some(value(s)).filter(|v| v.is_finite())
}

fn p95(metric: &str, ns: &str) -> String {
    format!("histogram_quantile(0.95, sum by (le) (rate({metric}{{namespace=\"{ns}\"}}[1m])))")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_exporters_reach_a_real_prometheus() {
    if !require_tool("prometheus") {
        return;
    }
    let Some(python) = exporters::python() else {
        return;
    };
    let started = std::time::Instant::now();
    let stack = Stack::start(&python, RATE);
    eprintln!("fixtures ready after {:?}", started.elapsed());
    agentdeck::tls::init();
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("http client");

    // Both apps scraped, with their histograms and token series.
    let series = [
        format!("{OTEL_DURATION}{{namespace=\"{OTEL_NAMESPACE}\"}}"),
        format!(
            "gen_ai_client_token_usage_sum{{namespace=\"{OTEL_NAMESPACE}\",gen_ai_token_type=\"output\"}}"
        ),
        format!(
            "{FASTAPI_DURATION}{{namespace=\"{NAMESPACE}\",handler=\"/agent/{{agent_type}}\"}}"
        ),
        format!("ai_tokens_used_total{{namespace=\"{NAMESPACE}\"}}"),
    ];
    for s in &series {
        let q = format!("count({s})");
        let logs = stack.logs();
        eventually(60, &format!("{q} > 0\n{logs}"), || async {
            scalar(&stack, &http, &q).await.filter(|n| *n > 0.0)
        })
        .await;
    }

    // A finite p95 from each app's duration histogram.
    for (metric, job) in [
        (OTEL_DURATION, OTEL_NAMESPACE),
        (FASTAPI_DURATION, NAMESPACE),
    ] {
        let q = p95(metric, job);
        let v = eventually(60, &format!("a finite {q}"), || async {
            scalar(&stack, &http, &q).await
        })
        .await;
        eprintln!("{job}: p95 {v:.3} s");
        assert!(v > 0.0 && v < 90.0, "{q} = {v}");
    }

    // agentdeck, with no query configured, detects each stack and agrees with Prometheus.
    let sim = common::SimProcess::start(&["--preload"]);
    agentdeck_checks::without_metrics(&sim);
    agentdeck_checks::detected(&stack, &http, &sim).await;

    // Turn the provider's 401s on: each library reports them its own way.
    stack.set_unauthorized_ratio(0.3);
    let q = format!(
        "sum by (error_type) (gen_ai_client_operation_duration_seconds_count{{namespace=\"{OTEL_NAMESPACE}\",error_type!=\"\"}})"
    );
    let error_types = eventually(60, "OTel series with error_type", || async {
        let r = stack.prometheus.query(&http, &q).await?;
        let types: Vec<String> = r
            .iter()
            .filter(|s| value(s) > 0.0)
            .filter_map(|s| s["metric"]["error_type"].as_str().map(str::to_string))
            .collect();
        (!types.is_empty()).then_some(types)
    })
    .await;
    assert_eq!(
        error_types,
        ["AuthenticationError"],
        "a provider 401 is openai.AuthenticationError's class name"
    );
    let q = format!(
        "sum(http_requests_total{{namespace=\"{NAMESPACE}\",handler=\"/agent/{{agent_type}}\",status=\"4xx\"}})"
    );
    eventually(60, "FastAPI requests with status=\"4xx\"", || async {
        scalar(&stack, &http, &q).await.filter(|n| *n > 0.0)
    })
    .await;

    agentdeck_checks::unauthorized(&stack, &sim).await;

    if std::env::var("AGENTDECK_WRITE_EXPOSITIONS").as_deref() == Ok("1") {
        write_expositions(&stack, &http).await;
    }
    eprintln!("smoke test done after {:?}", started.elapsed());
}

/// The provider's own probe through a real blackbox exporter: up with its time, then
/// unreachable when the provider goes away.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_blackbox_probe_tells_the_provider_down() {
    if !require_tool("prometheus") || !require_tool("prometheus-blackbox-exporter") {
        return;
    }
    let Some(python) = exporters::python() else {
        return;
    };
    probe::provider_probe(&python).await;
}

/// Save both apps' /metrics as they are now (after traffic with 401s) and print the metric
/// names Prometheus stored from them.
async fn write_expositions(stack: &Stack, http: &reqwest::Client) {
    let dir = repo_path("tests/fixtures/exposition");
    std::fs::create_dir_all(&dir).expect("fixtures folder");
    for (fixture, file) in [
        (&stack.otel, "otel-openai.txt"),
        (&stack.agent, "fastapi-instrumentator.txt"),
    ] {
        let (status, body) = exporters::get(&fixture.url, "/metrics").expect("GET /metrics");
        assert_eq!(status, 200, "{} /metrics", fixture.name);
        std::fs::write(dir.join(file), body).expect("write exposition");
        eprintln!("wrote tests/fixtures/exposition/{file}");
    }
    let names = stack
        .prometheus
        .label_values(http, "__name__")
        .await
        .expect("metric names");
    eprintln!("metric names in Prometheus:\n{}", names.join("\n"));
}
