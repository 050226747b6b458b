//! What `agentdeck status -o json` and `agentdeck metrics` say about the real exporters,
//! checked against what the same Prometheus computes directly.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::common::eventually;
use crate::common::exporters::{NAMESPACE, OTEL_NAMESPACE, Stack};
use crate::common::{SimProcess, problem_ids};

/// `agentdeck -n NS status -o json` against the sim, reading `prom`.
fn status(sim: &SimProcess, prom: Option<&str>, ns: &str) -> Value {
    sim.status_json(prom, ns)
}

/// The one value of a direct query, if finite.
async fn direct(stack: &Stack, http: &reqwest::Client, q: &str) -> Option<f64> {
    super::scalar(stack, http, q).await
}

/// Per label value of a direct `sum by (label)` query.
async fn direct_by(
    stack: &Stack,
    http: &reqwest::Client,
    q: &str,
    label: &str,
) -> Option<BTreeMap<String, f64>> {
    let r = stack.prometheus.query(http, q).await?;
    Some(
        r.iter()
            .filter_map(|s| Some((s["metric"][label].as_str()?.to_string(), super::value(s))))
            .collect(),
    )
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * b.abs().max(1e-9)
}

/// Status' numbers for `ns` agree with the direct PromQL: p50/p95 within 10 %, tokens per
/// model within 5 %. Retried while the windows fill (the rates move between two reads).
pub async fn numbers_agree(
    stack: &Stack,
    http: &reqwest::Client,
    sim: &SimProcess,
    ns: &str,
    histogram: &str,
    tokens: (&str, &str),
) -> Value {
    let q = |quantile: &str| {
        format!("histogram_quantile({quantile}, sum by (le) (rate({histogram}[5m])))")
    };
    let url = stack.prometheus.url.clone();
    let what = format!("status of {ns} agreeing with Prometheus");
    eventually(120, &what, || {
        let (q50, q95, url) = (q("0.50"), q("0.95"), url.clone());
        async move {
            let s = status(sim, Some(&url), ns);
            let m = &s["metrics"];
            let (p50, p95) = (
                direct(stack, http, &q50).await?,
                direct(stack, http, &q95).await?,
            );
            let want_tokens = direct_by(stack, http, tokens.0, tokens.1).await?;
            let got_tokens = m["tokensPerSecond"].as_object()?;
            let ok = close(m["p50Ms"].as_f64()?, p50 * 1000.0, 0.10)
                && close(m["p95Ms"].as_f64()?, p95 * 1000.0, 0.10)
                && !want_tokens.is_empty()
                && want_tokens.len() == got_tokens.len()
                && want_tokens.iter().all(|(model, v)| {
                    got_tokens
                        .get(model)
                        .and_then(Value::as_f64)
                        .is_some_and(|g| close(g * 60.0, v * 60.0, 0.05))
                });
            if !ok {
                eprintln!(
                    "not yet: agentdeck {m}\nprometheus p50 {p50} p95 {p95} tokens {want_tokens:?}"
                );
            }
            ok.then_some(s)
        }
    })
    .await
}

/// Before the 401s: each stack detected, what it cannot tell said in words.
#[allow(clippy::too_many_lines)] // a scenario: one session, read top to bottom
pub async fn detected(stack: &Stack, http: &reqwest::Client, sim: &SimProcess) {
    let otel = numbers_agree(
        stack,
        http,
        sim,
        OTEL_NAMESPACE,
        &format!("gen_ai_client_operation_duration_seconds_bucket{{namespace=\"{OTEL_NAMESPACE}\"}}"),
        (
            &format!("sum by (gen_ai_request_model) (rate(gen_ai_client_token_usage_sum{{namespace=\"{OTEL_NAMESPACE}\",gen_ai_token_type=~\"input|output\"}}[5m]))"),
            "gen_ai_request_model",
        ),
    )
    .await;
    assert_eq!(otel["metrics"]["stack"], "OTel GenAI", "{otel}");
    assert_eq!(otel["metrics"]["sources"]["p95_seconds"], "OTel GenAI");
    assert!(
        otel["metrics"]["spendUsdPerHour"]["cannotTell"].is_string(),
        "{otel}"
    );
    assert!(
        otel["cost"]["usdPerHour"].as_f64().is_some_and(|c| c > 0.0),
        "{otel}"
    );
    // The openai instrumentation records no agent name on its metrics: said, not zero.
    let why = otel["metrics"]["agents"]["cannotTell"]
        .as_str()
        .unwrap_or("");
    assert!(why.contains("gen_ai_agent_name"), "{otel}");

    let handlers = "handler!~\"/metrics|/health|/healthz|/ready|/readyz|/ping|none\"";
    let fastapi = numbers_agree(
        stack,
        http,
        sim,
        NAMESPACE,
        &format!("http_request_duration_seconds_bucket{{namespace=\"{NAMESPACE}\",{handlers}}}"),
        (
            &format!(
                "sum by (model) (rate(ai_tokens_used_total{{namespace=\"{NAMESPACE}\"}}[5m]))"
            ),
            "model",
        ),
    )
    .await;
    let m = &fastapi["metrics"];
    assert!(
        m["stack"]
            .as_str()
            .unwrap_or("")
            .contains("FastAPI instrumentator"),
        "{m}"
    );
    assert_eq!(m["sources"]["p95_seconds"], "FastAPI instrumentator", "{m}");
    let why = m["recent"]["unauthorizedRatio"]["cannotTell"]
        .as_str()
        .unwrap_or("");
    assert!(why.contains("groups status codes"), "{m}");
    // Per agent: the instrumentator's handler is the route template, one row for all
    // agents (said so), its rate what Prometheus itself computes.
    let row = &m["agents"]["rows"][0];
    assert_eq!(row["agent"], "/agent/{agent_type}", "{m}");
    let want = direct(
        stack,
        http,
        &format!("sum(rate(http_requests_total{{namespace=\"{NAMESPACE}\",handler=\"/agent/{{agent_type}}\"}}[5m]))"),
    )
    .await
    .expect("the route's rate");
    let got = row["requestsPerSecond"].as_f64().unwrap_or(0.0);
    assert!(close(got, want, 0.25), "{got} vs {want}");
    assert!(
        m["agents"]["notes"].to_string().contains("route template"),
        "{m}"
    );
    let blind = fastapi["cannotTell"].to_string();
    // Its default buckets stop at 1 s, under the 2 s slow threshold: said, not "fine".
    assert_eq!(m["latencyCapMs"], 1000.0, "{m}");
    assert!(blind.contains("buckets stop at 1.00 s"), "{blind}");
    assert!(
        blind.contains("provider key") && blind.contains("4xx share is watched instead"),
        "{blind}"
    );

    // `agentdeck metrics`: the probe, the stack, the PromQL ready to paste.
    let (code, out, err) = sim.agentdeck(
        &[
            "-n",
            OTEL_NAMESPACE,
            "--prometheus-url",
            &stack.prometheus.url,
            "metrics",
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("stacks: OTel GenAI"), "{out}");
    assert!(
        out.contains(&format!(
            "gen_ai_client_operation_duration_seconds_bucket{{namespace=\"{OTEL_NAMESPACE}\"}}"
        )),
        "{out}"
    );
    assert!(
        out.contains("spend_usd_per_second") && out.contains("cannot tell"),
        "{out}"
    );
}

/// With the provider answering 401: OTel says the key is rejected (fix: rotate it); the
/// FastAPI service, whose codes are grouped, says 4xx — never "rotate the key".
pub async fn unauthorized(stack: &Stack, sim: &SimProcess) {
    let url = stack.prometheus.url.clone();
    let otel = eventually(90, "the OTel stack's key problem", || {
        let url = url.clone();
        async move {
            let s = status(sim, Some(&url), OTEL_NAMESPACE);
            problem_ids(&s)
                .contains(&"provider-unauthorized".to_string())
                .then_some(s)
        }
    })
    .await;
    let p = otel["problems"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["id"] == "provider-unauthorized"))
        .expect("the problem");
    assert_eq!(p["fix"]["key"], "K", "{p}");
    let fastapi = eventually(90, "the FastAPI stack's 4xx problem", || {
        let url = url.clone();
        async move {
            let s = status(sim, Some(&url), NAMESPACE);
            problem_ids(&s)
                .contains(&"agents-4xx".to_string())
                .then_some(s)
        }
    })
    .await;
    let ids = problem_ids(&fastapi);
    assert!(
        !ids.contains(&"provider-unauthorized".to_string()),
        "{ids:?}"
    );
    let p = fastapi["problems"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["id"] == "agents-4xx"))
        .expect("the problem");
    assert!(p["fix"].is_null(), "no key for a 4xx share: {p}");
    assert!(
        p["evidence"].as_str().unwrap_or("").contains("4xx on"),
        "{p}"
    );
}

/// No Prometheus at all: the key cannot be told, and status says so.
pub fn without_metrics(sim: &SimProcess) {
    let s = status(sim, None, NAMESPACE);
    let blind = s["cannotTell"].to_string();
    assert!(
        blind.contains("provider key") && blind.contains("no metrics source"),
        "{s}"
    );
}
