//! The agent load model over HTTP: `/metrics` and `/truth` on `metrics_listen` and under
//! `/_sim/`, and the provider key driving the 401s (a Secret created with kube-rs).

use crate::common;

use crate::common::{client, eventually, start_sim};
use agentdeck_sim::SimConfig;
use agentdeck_sim::agents::Truth;
use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, PostParams};
use serde_json::json;

/// GET `url` (http://HOST:PORT/PATH) on a fresh connection, requiring a 2xx: the answer's
/// content type and body.
async fn get(url: &str) -> (String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").expect("an http:// URL");
    let (host, path) = rest.split_once('/').expect("a path");
    let mut s = tokio::net::TcpStream::connect(host).await.expect("connect");
    let req = format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.expect("GET");
    let (head, body) = out.split_once("\r\n\r\n").expect("an HTTP answer");
    let status = head.split_whitespace().nth(1).unwrap_or_default();
    assert!(status.starts_with('2'), "GET {url}: {head}");
    let header = |name: &str| {
        head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    };
    // A body sent whole (Content-Length), not in chunks this reader would not join.
    assert!(header("content-length").is_some(), "GET {url}: {head}");
    (header("content-type").unwrap_or_default(), body.to_string())
}

async fn truth(url: &str) -> Truth {
    serde_json::from_str(&get(url).await.1).expect("truth JSON")
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
    let base = format!("http://{}", h.metrics_addr.expect("metrics address"));

    // The bundled stack has no key: once the three pods are ready, every request is a 401.
    let t = eventually(60, "three ready pods answering 401", || async {
        let t = truth(&format!("{base}/truth")).await;
        (t.ready_pods == 3 && t.unauthorized_ratio > 0.95).then_some(t)
    })
    .await;
    assert!(t.request_rate > 0.0);
    assert!(t.tokens_per_sec.values().all(|v| *v == 0.0), "{t:?}");
    assert!(t.at.parse::<jiff::Timestamp>().is_ok(), "{}", t.at);

    // /metrics: content type, families, one series set per ready pod.
    let (ct, text) = get(&format!("{base}/metrics")).await;
    assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
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
    let (ct, admin) = get(&format!("{}/_sim/metrics", h.url())).await;
    assert!(ct.starts_with("text/plain"), "{ct}");
    check_exposition(&admin);
    let t2 = truth(&format!("{}/_sim/truth", h.url())).await;
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
        let t = truth(&format!("{base}/truth")).await;
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
