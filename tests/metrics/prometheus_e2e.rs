//! A real Prometheus (Debian's `prometheus`, run as a plain process) scrapes the sim's
//! agent metrics; the dashboard's queries must agree with the model's ground truth — also
//! when the Prometheus is shared with another team's agents (same metric names, another
//! `namespace` label).
//!
//! Prometheus rates are per *real* second and the sim counts in simulated time, so this
//! runs the sim at `--time-scale 1` with `--steady-load` (constant rate): then a real second
//! is a simulated second and `rate(...[5m])` over real time is the truth. The provider key
//! is created only once Prometheus scrapes, so every token is counted from a zero that
//! Prometheus saw (no extrapolation guesswork at the start of the series).

use crate::common;
#[path = "prometheus_e2e/profiles.rs"]
mod profiles;

use std::collections::BTreeMap;
use std::time::Duration;

use crate::common::prom::Prometheus;
use crate::common::{client, eventually, require_tool, start_sim};
use agentdeck_sim::SimConfig;
use agentdeck_sim::agents::Truth;
use agentdeck_sim::agents::model::BUCKETS;
use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, PostParams};
use serde_json::{Value, json};

/// The seed's prices, USD per million tokens.
const PRICES: [(&str, f64); 4] = [
    ("gpt-4.1", 8.00),
    ("claude-sonnet-4.5", 15.00),
    ("gemini-2.5-flash", 2.50),
    ("deepseek-v3.2", 0.42),
];
const TOKENS: &str = "sum by (model) (rate(ai_tokens_used_total[5m]))";
const P95: &str =
    "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))";
const AGENT_P95: &str =
    "histogram_quantile(0.95, sum by (le, agent) (rate(http_request_duration_seconds_bucket[5m])))";

/// `sum by (agent)`-shaped answer as agent → value.
fn by_agent(r: &[Value]) -> BTreeMap<String, f64> {
    r.iter()
        .map(|s| {
            (
                s["metric"]["agent"].as_str().unwrap_or("").to_string(),
                value(s),
            )
        })
        .collect()
}

fn value(sample: &Value) -> f64 {
    sample["value"][1]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN)
}

async fn truth(http: &reqwest::Client, base: &str) -> Truth {
    http.get(format!("{base}/truth"))
        .send()
        .await
        .expect("GET /truth")
        .json()
        .await
        .expect("truth JSON")
}

fn dollars_per_hour(tokens_per_sec: f64, model: &str) -> f64 {
    let price = PRICES.iter().find(|p| p.0 == model).expect("price").1;
    tokens_per_sec * 3600.0 * price / 1e6
}

/// The histogram bucket (lower, upper] that holds `x` seconds.
fn bucket_of(x: f64) -> (f64, f64) {
    let mut lo = 0.0;
    for &b in &BUCKETS {
        if x <= b {
            return (lo, b);
        }
        lo = b;
    }
    (lo, f64::INFINITY)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::too_many_lines)] // a scenario: one session, read top to bottom
async fn prometheus_agrees_with_the_truth() {
    if !require_tool("prometheus") {
        return;
    }
    let kc_dir = tempfile::tempdir().unwrap();
    let kubeconfig = kc_dir.path().join("kubeconfig");
    let h = start_sim(SimConfig {
        preload: common::bundled(),
        time_scale: 1.0,
        steady_load: true,
        metrics_listen: Some("127.0.0.1:0".parse().unwrap()),
        kubeconfig_out: Some(kubeconfig.clone()),
        ..SimConfig::default()
    })
    .await;
    let metrics = h.metrics_addr.expect("metrics address");
    let base = format!("http://{metrics}");
    let prom = Prometheus::start(metrics);
    agentdeck::tls::init();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();

    eventually(60, "Prometheus scraping the sim (up == 1)", || async {
        let r = prom.query(&http, "up").await?;
        (r.len() == 1 && value(&r[0]) == 1.0).then_some(())
    })
    .await;
    // Pods ready and their (zero) token series scraped before the key makes them grow.
    eventually(30, "token series of three pods in Prometheus", || async {
        let r = prom.query(&http, "count(ai_tokens_used_total)").await?;
        (r.first().map(value) == Some(12.0)).then_some(())
    })
    .await;
    let secrets: Api<Secret> = Api::namespaced(client(&h), "ai-agents");
    let s: Secret = serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "ai-api-keys", "namespace": "ai-agents"},
        "stringData": {"HOLYSHEEP_API_KEY": "sk-e2e-0123456789abcdef"},
    }))
    .unwrap();
    secrets
        .create(&PostParams::default(), &s)
        .await
        .expect("create Secret");
    tokio::time::sleep(Duration::from_secs(40)).await;

    let before = truth(&http, &base).await;
    let tokens = prom.query(&http, TOKENS).await.expect("token query");
    let p95 = prom.query(&http, P95).await.expect("p95 query");
    let agent_p95_before = by_agent(&prom.query(&http, AGENT_P95).await.expect("query"));
    // What an on-call engineer's script sees: `agentdeck status --json` against the sim
    // and this Prometheus.
    let status = tokio::process::Command::new(env!("CARGO_BIN_EXE_agentdeck"))
        .args([
            "status",
            "--json",
            "--prometheus-url",
            &prom.url,
            "--kubeconfig",
        ])
        .arg(&kubeconfig)
        .env("HOME", kc_dir.path())
        .env("AGENTDECK_LOG_FILE", kc_dir.path().join("status.log"))
        .output()
        .await
        .expect("run agentdeck status");
    let after = truth(&http, &base).await;
    let agent_p95_after = by_agent(&prom.query(&http, AGENT_P95).await.expect("query"));
    let report: Value = serde_json::from_slice(&status.stdout).unwrap_or_else(|e| {
        panic!(
            "status --json: {e}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&status.stdout),
            String::from_utf8_lossy(&status.stderr)
        )
    });

    let prom_tokens: BTreeMap<String, f64> = tokens
        .iter()
        .map(|s| {
            (
                s["metric"]["model"].as_str().unwrap_or("").to_string(),
                value(s),
            )
        })
        .collect();
    assert_eq!(prom_tokens.len(), 4, "{prom_tokens:?}\n{}", prom.log());
    let (mut prom_total, mut true_total) = (0.0, 0.0);
    for (model, got) in &prom_tokens {
        let want = (before.tokens_per_sec[model] + after.tokens_per_sec[model]) / 2.0;
        let (got_d, want_d) = (dollars_per_hour(*got, model), dollars_per_hour(want, model));
        eprintln!("{model}: Prometheus ${got_d:.3}/h, truth ${want_d:.3}/h");
        prom_total += got_d;
        true_total += want_d;
        assert!(
            (got_d - want_d).abs() <= 0.05 * want_d,
            "{model}: Prometheus ${got_d:.2}/h vs truth ${want_d:.2}/h"
        );
    }
    assert!((prom_total - true_total).abs() <= 0.05 * true_total);

    let got = p95.first().map(value).expect("a p95 sample");
    let want = (before.p95_ms + after.p95_ms) / 2.0 / 1000.0;
    eprintln!("p95: Prometheus {got:.3}s, truth {want:.3}s");
    let (lo, hi) = bucket_of(want);
    // Near a boundary the neighbouring bucket is as right as this one.
    let near = |b: f64| (want - b).abs() <= 0.03 * b;
    let (lo, hi) = (
        if near(lo) {
            bucket_of(lo * 0.999).0
        } else {
            lo
        },
        if near(hi) {
            bucket_of(hi * 1.001).1
        } else {
            hi
        },
    );
    // histogram_quantile can land exactly on a bucket edge; allow float noise there.
    let (lo, hi) = (lo * 0.999, hi * 1.001);
    assert!(
        got >= lo && got <= hi,
        "Prometheus p95 {got:.3}s outside the bucket ({lo}, {hi}] of the true p95 {want:.3}s"
    );

    // The status report: $/hour within 5 % of the truth, p95 in the true bucket.
    let true_usd: f64 = [
        "gpt-4.1",
        "claude-sonnet-4.5",
        "gemini-2.5-flash",
        "deepseek-v3.2",
    ]
    .iter()
    .map(|m| {
        dollars_per_hour(
            (before.tokens_per_sec[*m] + after.tokens_per_sec[*m]) / 2.0,
            m,
        )
    })
    .sum();
    let usd = report["cost"]["usdPerHour"]
        .as_f64()
        .unwrap_or_else(|| panic!("no cost in {report:#}"));
    eprintln!("status --json: ${usd:.3}/h, truth ${true_usd:.3}/h");
    assert!(
        (usd - true_usd).abs() <= 0.05 * true_usd,
        "status ${usd:.2}/h vs truth ${true_usd:.2}/h"
    );
    let status_p95 = report["metrics"]["p95Ms"]
        .as_f64()
        .unwrap_or_else(|| panic!("no p95 in {report:#}"))
        / 1000.0;
    assert!(
        status_p95 >= lo && status_p95 <= hi,
        "status p95 {status_p95:.3}s outside ({lo}, {hi}]"
    );
    agents_agree(
        &report,
        &before,
        &after,
        [&agent_p95_before, &agent_p95_after],
    );
    assert_eq!(report["metrics"]["reachable"], true);
    assert_eq!(report["healthy"], true, "{report:#}");
    assert!(status.status.success(), "healthy → exit 0");

    // Prometheus gone: status says so and exits 1.
    drop(prom);
    let down = tokio::process::Command::new(env!("CARGO_BIN_EXE_agentdeck"))
        .args([
            "status",
            "--prometheus-url",
            "http://127.0.0.1:9",
            "--kubeconfig",
        ])
        .arg(&kubeconfig)
        .env("HOME", kc_dir.path())
        .env("AGENTDECK_LOG_FILE", kc_dir.path().join("status.log"))
        .output()
        .await
        .expect("run agentdeck status");
    let text = String::from_utf8_lossy(&down.stdout);
    assert_eq!(down.status.code(), Some(1), "{text}");
    assert!(
        text.contains("unreachable") && text.contains("status: UNHEALTHY"),
        "{text}"
    );
    h.stop().await;
}

/// Per agent (the example stack's `agent` label): every agent's share of the requests
/// within 10 % of the truth; its p95 within 10 % of `histogram_quantile` by agent from the
/// same Prometheus, asked just before and after (a few dozen requests per agent are too
/// few for the buckets to meet the true p95); the error column said to be unknowable, not
/// zero.
fn agents_agree(
    report: &Value,
    before: &Truth,
    after: &Truth,
    direct: [&BTreeMap<String, f64>; 2],
) {
    let a = &report["metrics"]["agents"];
    assert_eq!(a["label"], "agent", "{a:#}");
    let rows = a["rows"].as_array().unwrap_or_else(|| panic!("{a:#}"));
    assert_eq!(rows.len(), 3, "{a:#}");
    // Shares of the traffic: rate() over a window the series only partly fill is
    // extrapolated alike for every agent, the truth's mix is not.
    let rate = |t: &Truth, n: &str| t.agents[n].request_rate;
    let true_total: f64 = before
        .agents
        .keys()
        .map(|n| rate(before, n) + rate(after, n))
        .sum();
    let got_total: f64 = rows
        .iter()
        .map(|r| r["requestsPerSecond"].as_f64().unwrap())
        .sum();
    for r in rows {
        let name = r["agent"].as_str().unwrap();
        let want = (rate(before, name) + rate(after, name)) / true_total;
        let got = r["requestsPerSecond"].as_f64().unwrap() / got_total;
        eprintln!(
            "{name}: {:.1} % of the requests (truth {:.1} %)",
            got * 100.0,
            want * 100.0
        );
        assert!((got - want).abs() <= 0.10 * want, "{name}: {got} vs {want}");
        let got_s = r["p95Ms"].as_f64().unwrap() / 1000.0;
        let (lo, hi) = (
            direct[0][name].min(direct[1][name]),
            direct[0][name].max(direct[1][name]),
        );
        eprintln!("{name}: p95 {got_s:.3}s (Prometheus {lo:.3}s..{hi:.3}s)");
        assert!(
            got_s >= lo * 0.9 && got_s <= hi * 1.1,
            "{name}: p95 {got_s:.3}s vs Prometheus {lo:.3}..{hi:.3}s"
        );
        assert!(r["errorRatio"].is_null(), "{r}");
    }
    assert!(
        a["notes"][0].as_str().unwrap().contains("cannot tell"),
        "{a:#}"
    );
}

/// A seed whose load stays well above the steady one (daily curve near its peak, no burst)
/// for the first 15 simulated minutes: another team's busier agents.
fn busy_seed() -> u64 {
    use agentdeck_sim::agents::model::{BASE_RPS, Model};
    (1..10_000)
        .find(|&seed| {
            let m = Model {
                seed,
                steady: false,
            };
            (0..900).all(|t| m.burst(t as f64) == 1.0 && m.rate(t as f64) > 1.4 * BASE_RPS)
        })
        .expect("a busy seed")
}

/// What agentdeck computes for `namespace` with its defaults: the stack detected (the
/// example's names) and its scoped queries.
async fn agentdeck_metrics(url: &str, namespace: &str) -> agentdeck::metrics::MetricsSnapshot {
    let cfg = agentdeck::config::PrometheusConfig::default();
    let client = agentdeck::metrics::PromClient::new(url, &cfg).expect("client");
    let scope = agentdeck::metrics::Scope {
        namespace: namespace.into(),
        deployment: "ai-agent-service".into(),
        window: "1m".into(),
    };
    let mut planner = agentdeck::metrics::planner::Planner::new(cfg);
    let plan = planner.plan(&client, &scope).await.clone();
    assert_eq!(plan.label(), "example stack", "{plan:?}");
    agentdeck::metrics::collect::refresh(&client, &plan, &scope).await
}

/// Assert agentdeck's token rates and p95 for one namespace are that target's truth.
fn assert_matches_truth(who: &str, snap: &agentdeck::metrics::MetricsSnapshot, t: &[Truth; 2]) {
    let rates = snap
        .tokens
        .value()
        .unwrap_or_else(|| panic!("{who}: {snap:?}"));
    assert_eq!(rates.len(), 4, "{who}: {rates:?}");
    for r in rates {
        let want = (t[0].tokens_per_sec[&r.model] + t[1].tokens_per_sec[&r.model]) / 2.0;
        eprintln!(
            "{who} {}: agentdeck {:.2}/s, truth {want:.2}/s",
            r.model, r.tokens_per_sec
        );
        assert!(
            (r.tokens_per_sec - want).abs() <= 0.05 * want,
            "{who} {}: agentdeck {:.2}/s vs truth {want:.2}/s",
            r.model,
            r.tokens_per_sec
        );
    }
    let got = snap.p95_ms.value().copied().expect("a p95") / 1000.0;
    let want = (t[0].p95_ms + t[1].p95_ms) / 2.0 / 1000.0;
    let (lo, hi) = bucket_of(want);
    eprintln!("{who} p95: agentdeck {got:.3}s, truth {want:.3}s, bucket ({lo}, {hi}]");
    assert!(
        got >= lo * 0.999 && got <= hi * 1.001,
        "{who}: agentdeck p95 {got:.3}s outside the bucket ({lo}, {hi}] of the true {want:.3}s"
    );
}

/// A Prometheus shared by two teams: two simulated clusters with the same metric names,
/// told apart only by the `namespace` target label of the scrape config (as kubernetes_sd
/// relabelling does; the exported `namespace` becomes `exported_namespace`). agentdeck's
/// numbers for each namespace are that target's truth, not a blend.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_prometheus_is_scoped_to_the_namespace() {
    if !require_tool("prometheus") {
        return;
    }
    let (port_a, port_b) = (common::free_port(), common::free_port());
    let (metrics_a, metrics_b) = (format!("127.0.0.1:{port_a}"), format!("127.0.0.1:{port_b}"));
    let seed = busy_seed().to_string();
    let ours =
        common::SimProcess::start(&["--preload", "--steady-load", "--metrics-listen", &metrics_a]);
    let theirs =
        common::SimProcess::start(&["--preload", "--seed", &seed, "--metrics-listen", &metrics_b]);
    let prom = Prometheus::with_static_configs(&format!(
        "      - targets: ['{metrics_a}']\n        labels: {{namespace: ai-agents}}\n      - targets: ['{metrics_b}']\n        labels: {{namespace: team-b}}\n"
    ));
    agentdeck::tls::init();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    eventually(
        60,
        "three pods' token series of each team scraped",
        || async {
            let r = prom
                .query(&http, "count by (namespace) (ai_tokens_used_total)")
                .await?;
            (r.len() == 2 && r.iter().all(|s| value(s) == 12.0)).then_some(())
        },
    )
    .await;
    let secret = r#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"ai-api-keys","namespace":"ai-agents"},"stringData":{"HOLYSHEEP_API_KEY":"sk-e2e-0123456789abcdef"}}"#;
    for sim in [&ours, &theirs] {
        let r = common::http(
            &sim.url,
            "POST",
            "/api/v1/namespaces/ai-agents/secrets",
            secret,
        );
        assert!(r.contains("\"kind\":\"Secret\""), "{r}");
    }
    tokio::time::sleep(Duration::from_secs(40)).await;

    let (base_a, base_b) = (format!("http://{metrics_a}"), format!("http://{metrics_b}"));
    let before = [truth(&http, &base_a).await, truth(&http, &base_b).await];
    let (a, b) = tokio::join!(
        agentdeck_metrics(&prom.url, "ai-agents"),
        agentdeck_metrics(&prom.url, "team-b")
    );
    let blend = prom.query(&http, TOKENS).await.expect("unscoped tokens");
    let after = [truth(&http, &base_a).await, truth(&http, &base_b).await];

    // The teams really differ: a blend would be visible.
    let total = |t: &Truth| t.tokens_per_sec.values().sum::<f64>();
    assert!(total(&before[1]) > 1.3 * total(&before[0]), "{before:?}");
    let blend_total: f64 = blend.iter().map(value).sum();
    eprintln!(
        "unscoped token rate {blend_total:.1}/s (both teams); truths {:.1} and {:.1}",
        total(&before[0]),
        total(&before[1])
    );
    assert!(blend_total > 1.8 * total(&before[0]), "{}", prom.log());

    assert_matches_truth("ai-agents", &a, &[before[0].clone(), after[0].clone()]);
    assert_matches_truth("team-b", &b, &[before[1].clone(), after[1].clone()]);
    assert!(a.p95_ms != b.p95_ms, "{:?} vs {:?}", a.p95_ms, b.p95_ms);
}

/// Every stack's names (`agentdeck sim --metrics-profile P`) through a real Prometheus:
/// detected without configuration, and a bad key seen from that stack's own signal — or
/// said to be unseeable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_metrics_profile_is_detected_and_its_incidents_told() {
    if !require_tool("prometheus") {
        return;
    }
    profiles::every_profile().await;
}
