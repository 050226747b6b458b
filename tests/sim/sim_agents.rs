//! The agent load model over HTTP: `/metrics` and `/truth` on `--metrics-listen` and under
//! `/_sim/`, and the provider key driving the 401s (a Secret created with kube-rs).

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::common::{client, eventually, start_sim};
use agentdeck_sim::SimConfig;
use agentdeck_sim::agents::Truth;
use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, PostParams};
use serde_json::json;

async fn get(http: &reqwest::Client, url: &str) -> reqwest::Response {
    http.get(url)
        .send()
        .await
        .expect("GET")
        .error_for_status()
        .expect("2xx")
}

async fn truth(http: &reqwest::Client, base: &str) -> Truth {
    get(http, &format!("{base}/truth"))
        .await
        .json()
        .await
        .expect("truth JSON")
}

/// Every line is a comment or `name{labels} value`.
fn check_exposition(text: &str) {
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (series, value) = line.rsplit_once(' ').expect("value");
        assert!(value.parse::<f64>().is_ok(), "{line}");
        let name = series.split('{').next().unwrap();
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{line}"
        );
        assert!(!series.contains('{') || series.ends_with('}'), "{line}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_truth_and_the_provider_key() {
    let h = start_sim(SimConfig {
        preload: common::bundled(),
        time_scale: 20.0,
        metrics_listen: Some("127.0.0.1:0".parse().unwrap()),
        ..SimConfig::default()
    })
    .await;
    agentdeck::tls::init();
    let http = reqwest::Client::new();
    let base = format!("http://{}", h.metrics_addr.expect("metrics address"));

    // The bundled stack has no key: once the three pods are ready, every request is a 401.
    let t = eventually(60, "three ready pods answering 401", || async {
        let t = truth(&http, &base).await;
        (t.ready_pods == 3 && t.unauthorized_ratio > 0.95).then_some(t)
    })
    .await;
    assert!(t.request_rate > 0.0);
    assert!(t.tokens_per_sec.values().all(|v| *v == 0.0), "{t:?}");
    assert!(t.at.parse::<jiff::Timestamp>().is_ok(), "{}", t.at);

    // /metrics: content type, families, one series set per ready pod.
    let r = get(&http, &format!("{base}/metrics")).await;
    let ct = r.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
    let text = r.text().await.unwrap();
    check_exposition(&text);
    for f in [
        "# TYPE http_request_duration_seconds histogram",
        "# TYPE http_requests_total counter",
        "# TYPE ai_tokens_used_total counter",
        "code=\"401\"",
        "agent=\"coder\"",
        "le=\"+Inf\"",
        "model=\"deepseek-v3.2\"",
    ] {
        assert!(text.contains(f), "{f} missing in:\n{text}");
    }
    let pods: std::collections::BTreeSet<&str> = text
        .lines()
        .filter_map(|l| l.split("pod=\"").nth(1)?.split('"').next())
        .collect();
    assert_eq!(pods.len(), 3, "{pods:?}");

    // The same under the API server's admin prefix.
    let admin = get(&http, &format!("{}/_sim/metrics", h.url())).await;
    assert!(
        admin.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    check_exposition(&admin.text().await.unwrap());
    let t2: Truth = get(&http, &format!("{}/_sim/truth", h.url()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t2.ready_pods, 3);

    // A valid key: within the 5-minute window (15 s real at 20×) the 401s are gone.
    let secrets: Api<Secret> = Api::namespaced(client(&h), "ai-agents");
    let s: Secret = serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "ai-api-keys", "namespace": "ai-agents"},
        "stringData": {"HOLYSHEEP_API_KEY": "sk-test-0123456789abcdef"},
    }))
    .unwrap();
    secrets
        .create(&PostParams::default(), &s)
        .await
        .expect("create Secret");
    let t = eventually(60, "unauthorized ratio ~0 after the key", || async {
        let t = truth(&http, &base).await;
        (t.unauthorized_ratio < 0.001).then_some(t)
    })
    .await;
    let total: f64 = t.tokens_per_sec.values().sum();
    assert!(total > 0.0, "{t:?}");
    let share = t.tokens_per_sec["gpt-4.1"] / total;
    assert!((share - 0.30).abs() < 0.006, "gpt-4.1 share {share}");
    assert!(t.p95_ms > t.p50_ms && t.p50_ms > 100.0, "{t:?}");
    h.stop().await;
}

#[test]
fn cli_prints_the_metrics_address_after_the_banner() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_agentdeck"))
        .args(["sim", "--metrics-listen", "127.0.0.1:0", "--steady-load"])
        .env("AGENTDECK_LOG_FILE", dir.path().join("sim.log"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        first.starts_with("agentdeck sim: serving the Kubernetes API at http://"),
        "{first}"
    );
    let url = second.strip_prefix("metrics: http://").expect(&second);
    assert!(
        url.starts_with("127.0.0.1:") && url.ends_with("/metrics"),
        "{second}"
    );

    let bad = Command::new(env!("CARGO_BIN_EXE_agentdeck"))
        .args(["sim", "--metrics-listen", "0.0.0.0:9100"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("loopback"));
}
