//! The incidents the sim stages (`--incident NAME`, `POST /_sim/incident`), each seen
//! through the signals a real cluster gives (the agents' metrics, HPA conditions, pod
//! statuses, events, APIServices) and each ended by the real fix (a Secret write, a
//! server-side apply of the bundled object, a patch raising the limit) or by turning it off.
//! The incidents of the agents' pods (OOM kills, crash loops, Pending) are in `pods`.

mod pods;

use crate::common;

use agentdeck_sim::SimConfig;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{Event, Secret};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use serde_json::{Value, json};

use crate::common::{SimThread, client, eventually, preload, start_sim};

/// One HTTP/1.1 request to the sim (async: the sim runs on this test's runtime): status
/// code and body.
async fn request(base: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(host).await.unwrap();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    let code = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    (code, body.to_string())
}

async fn get_json(base: &str, path: &str) -> Value {
    let (code, body) = request(base, "GET", path, "").await;
    assert_eq!(code, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
}

/// Switch an incident through the admin endpoint.
async fn incident(base: &str, name: &str, on: bool) {
    let body = json!({"name": name, "on": on}).to_string();
    let (code, resp) = request(base, "POST", "/_sim/incident", &body).await;
    assert_eq!(code, 200, "{resp}");
}

/// The sum of the samples of `family` whose labels include `label`.
fn metric_sum(text: &str, family: &str, label: &str) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(&format!("{family}{{")) && l.contains(label))
        .filter_map(|l| l.rsplit_once(' ')?.1.parse::<f64>().ok())
        .sum()
}

/// A valid provider key in the Secret (what rotate-key writes).
async fn write_key(c: &kube::Client, key: &str) {
    let secrets: Api<Secret> = Api::default_namespaced(c.clone());
    let s: Secret = serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "ai-api-keys", "namespace": "ai-agents"},
        "stringData": {"HOLYSHEEP_API_KEY": key},
    }))
    .unwrap();
    match secrets.get_opt("ai-api-keys").await.unwrap() {
        Some(_) => {
            let patch = json!({"stringData": {"HOLYSHEEP_API_KEY": key}});
            secrets
                .patch(
                    "ai-api-keys",
                    &PatchParams::default(),
                    &Patch::Merge(&patch),
                )
                .await
                .unwrap();
        }
        None => {
            secrets.create(&PostParams::default(), &s).await.unwrap();
        }
    }
}

const VALID_KEY: &str = "sk-test-valid-key-0123456789";

/// The bundled object of this kind and name.
fn bundled(kind: &str, name: &str) -> Value {
    common::bundled()
        .into_iter()
        .map(|d| d.object)
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no bundled {kind} {name}"))
}

/// Server-side apply as agentdeck does it (field manager `agentdeck`, force).
fn apply_params() -> PatchParams {
    PatchParams::apply("agentdeck").force()
}

/// The truth, once `f` holds for it.
async fn truth_until(base: &str, secs: u64, what: &str, f: impl Fn(&Value) -> bool) -> Value {
    let base = base.to_string();
    eventually(secs, what, || {
        let base = base.clone();
        let ok = &f;
        async move {
            let t = get_json(&base, "/_sim/truth").await;
            ok(&t).then_some(t)
        }
    })
    .await
}

#[tokio::test]
async fn unknown_incidents_are_refused_with_the_valid_names_and_the_active_ones_listed() {
    let sim = start_sim(preload(1.0)).await;
    let base = sim.url();
    let (code, body) = request(
        &base,
        "POST",
        "/_sim/incident",
        r#"{"name": "meteor", "on": true}"#,
    )
    .await;
    assert_eq!(code, 400, "{body}");
    for name in [
        "bad-key",
        "egress-blocked",
        "no-metrics-server",
        "oom",
        "crashloop",
        "pending",
        "slow-provider",
    ] {
        assert!(body.contains(name), "{name} not in {body}");
    }
    let (code, body) = request(&base, "POST", "/_sim/incident", r#"{"name": "oom"}"#).await;
    assert_eq!(code, 400, "{body}");
    incident(&base, "slow-provider", true).await;
    incident(&base, "no-metrics-server", true).await;
    let list = get_json(&base, "/_sim/incident").await;
    let names: Vec<&str> = list["active"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    assert_eq!(names, ["no-metrics-server", "slow-provider"], "{list}");
    assert_eq!(list["available"].as_array().unwrap().len(), 7);
    incident(&base, "slow-provider", false).await;
    let list = get_json(&base, "/_sim/incident").await;
    assert_eq!(list["active"].as_array().unwrap().len(), 1, "{list}");
}

/// Incidents asked for in the config (`--incident NAME`) are staged at start, after the
/// preload, the way a real cluster shows them.
#[tokio::test]
async fn incidents_in_the_config_are_staged_at_start() {
    let sim = start_sim(SimConfig {
        incidents: vec![
            "egress-blocked".parse().unwrap(),
            "bad-key".parse().unwrap(),
        ],
        ..preload(1.0)
    })
    .await;
    let base = sim.url();
    let list = get_json(&base, "/_sim/incident").await;
    let names: Vec<&str> = list["active"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    assert_eq!(names, ["bad-key", "egress-blocked"], "{list}");
    let np = get_json(
        &base,
        "/apis/networking.k8s.io/v1/namespaces/ai-agents/networkpolicies/default-deny-egress",
    )
    .await;
    assert_eq!(np["spec"]["policyTypes"], json!(["Egress"]), "{np}");
}

#[tokio::test]
async fn bad_key_gives_401s_until_a_valid_key_is_written() {
    let sim = start_sim(preload(10.0)).await;
    let base = sim.url();
    let c = client(&sim);
    write_key(&c, VALID_KEY).await;
    truth_until(&base, 30, "200s with the valid key", |t| {
        t["ready_pods"].as_u64() >= Some(3) && t["recent_request_rate"].as_f64() > Some(0.5)
    })
    .await;
    incident(&base, "bad-key", true).await;
    let secrets: Api<Secret> = Api::default_namespaced(c.clone());
    let s = secrets.get("ai-api-keys").await.unwrap();
    let key = s.data.unwrap()["HOLYSHEEP_API_KEY"].0.clone();
    assert!(String::from_utf8(key).unwrap().contains("revoked"));
    truth_until(&base, 30, "every recent request a 401", |t| {
        t["recent_unauthorized_ratio"].as_f64() > Some(0.999)
    })
    .await;
    let text = request(&base, "GET", "/_sim/metrics", "").await.1;
    assert!(metric_sum(&text, "http_requests_total", "code=\"401\"") > 0.0);
    assert!(metric_sum(&text, "ai_provider_errors_total", "reason=\"unauthorized\"") > 0.0);
    // The fix: a valid key in the Secret (the agents read it at every call).
    write_key(&c, VALID_KEY).await;
    let t = truth_until(&base, 30, "no 401 in the last minute", |t| {
        t["recent_unauthorized_ratio"].as_f64() == Some(0.0)
    })
    .await;
    assert!(t["recent_request_rate"].as_f64().unwrap() > 0.5, "{t}");
    // Staged again and turned off: the key it replaced comes back.
    incident(&base, "bad-key", true).await;
    incident(&base, "bad-key", false).await;
    let s = secrets.get("ai-api-keys").await.unwrap();
    let key = String::from_utf8(s.data.unwrap()["HOLYSHEEP_API_KEY"].0.clone()).unwrap();
    assert_eq!(key, VALID_KEY);
}

#[tokio::test]
async fn egress_blocked_times_out_at_30s_until_the_bundled_policy_is_reapplied() {
    let sim = start_sim(preload(10.0)).await;
    let base = sim.url();
    let c = client(&sim);
    write_key(&c, VALID_KEY).await;
    incident(&base, "egress-blocked", true).await;
    let nps: Api<NetworkPolicy> = Api::default_namespaced(c.clone());
    let deny = nps.get("default-deny-egress").await.unwrap();
    assert_eq!(deny.spec.unwrap().policy_types.unwrap(), ["Egress"]);
    let allow = nps.get("allow-holysheep-api").await.unwrap();
    let port = serde_json::to_value(&allow.spec.unwrap().egress.unwrap()[0].ports).unwrap();
    assert_eq!(port[0]["port"], 8443, "{port}");
    let t = truth_until(&base, 30, "every recent request a timeout", |t| {
        t["ready_pods"].as_u64() >= Some(3) && t["recent_timeout_ratio"].as_f64() > Some(0.999)
    })
    .await;
    assert_eq!(t["egress_allowed"], false);
    let p95 = t["recent_p95_ms"].as_f64().unwrap();
    assert!((29_000.0..31_000.0).contains(&p95), "p95 {p95} ms: {t}");
    let text = request(&base, "GET", "/_sim/metrics", "").await.1;
    let timeouts = metric_sum(&text, "http_requests_total", "code=\"504\"");
    assert!(timeouts > 0.0, "{text}");
    assert_eq!(
        metric_sum(&text, "ai_provider_errors_total", "reason=\"timeout\""),
        timeouts
    );
    // Every timeout sits between the 25 s and 30 s buckets (histogram_quantile ≈ 30 s).
    let le25 = metric_sum(&text, "http_request_duration_seconds_bucket", "le=\"25.0\"");
    let le30 = metric_sum(&text, "http_request_duration_seconds_bucket", "le=\"30.0\"");
    // (Each exported count is a floor: a few per series may be missing.)
    assert!(
        le30 - le25 >= timeouts - 12.0,
        "le25 {le25} le30 {le30} 504s {timeouts}"
    );
    // The fix: the bundled allow-holysheep-api, applied as agentdeck applies it. The
    // default-deny policy stays: allow rules are additive.
    let np = bundled("NetworkPolicy", "allow-holysheep-api");
    nps.patch("allow-holysheep-api", &apply_params(), &Patch::Apply(&np))
        .await
        .unwrap();
    assert!(nps.get_opt("default-deny-egress").await.unwrap().is_some());
    let t = truth_until(&base, 30, "no timeout in the last minute", |t| {
        t["recent_timeout_ratio"].as_f64() == Some(0.0)
    })
    .await;
    assert_eq!(t["egress_allowed"], true);
    // Deleting the allow rule under the default-deny policy blocks again; off cleans up.
    nps.delete("allow-holysheep-api", &Default::default())
        .await
        .unwrap();
    truth_until(&base, 10, "egress blocked again", |t| {
        t["egress_allowed"] == false
    })
    .await;
    incident(&base, "egress-blocked", false).await;
    assert!(nps.get_opt("default-deny-egress").await.unwrap().is_none());
    truth_until(&base, 10, "egress allowed", |t| t["egress_allowed"] == true).await;
}

fn condition(h: &HorizontalPodAutoscaler, t: &str) -> Option<(String, String, String)> {
    let c = h
        .status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == t)?;
    Some((
        c.status.clone(),
        c.reason.clone().unwrap_or_default(),
        c.message.clone().unwrap_or_default(),
    ))
}

async fn hpa_until(
    hpas: &Api<HorizontalPodAutoscaler>,
    what: &str,
    f: impl Fn(&(String, String, String)) -> bool,
) -> (String, String, String) {
    eventually(30, what, || async {
        let h = hpas.get("ai-agent-hpa").await.ok()?;
        condition(&h, "ScalingActive").filter(|c| f(c))
    })
    .await
}

async fn warnings(c: &kube::Client, reason: &str) -> Vec<Event> {
    let events: Api<Event> = Api::default_namespaced(c.clone());
    events
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|e| e.reason.as_deref() == Some(reason))
        .collect()
}

#[tokio::test]
async fn no_metrics_server_freezes_the_hpa_until_the_metrics_api_is_served_again() {
    let sim = start_sim(preload(10.0)).await;
    let base = sim.url();
    let c = client(&sim);
    let hpas: Api<HorizontalPodAutoscaler> = Api::default_namespaced(c.clone());
    // Served by default: the HPA works from its first sync, with no metrics failure.
    let (_, reason, _) = hpa_until(&hpas, "ScalingActive=True", |c| c.0 == "True").await;
    assert_eq!(reason, "ValidMetricFound");
    assert!(warnings(&c, "FailedGetResourceMetric").await.is_empty());
    let svc = get_json(
        &base,
        "/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io",
    )
    .await;
    assert_eq!(svc["spec"]["service"]["name"], "metrics-server");
    assert_eq!(svc["status"]["conditions"][0]["status"], "True", "{svc}");

    incident(&base, "no-metrics-server", true).await;
    let (code, _) = request(
        &base,
        "GET",
        "/apis/metrics.k8s.io/v1beta1/namespaces/ai-agents/pods",
        "",
    )
    .await;
    assert_eq!(code, 503);
    let svc = get_json(
        &base,
        "/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io",
    )
    .await;
    let cond = &svc["status"]["conditions"][0];
    assert_eq!(cond["status"], "False", "{svc}");
    assert_eq!(cond["reason"], "MissingEndpoints");
    assert!(cond["message"].as_str().unwrap().contains("metrics-server"));
    let (_, reason, msg) = hpa_until(&hpas, "ScalingActive=False", |c| c.0 == "False").await;
    assert_eq!(reason, "FailedGetResourceMetric");
    assert!(
        msg.contains("unable to fetch metrics from resource metrics API: the server is currently unable to handle the request (get pods.metrics.k8s.io)"),
        "{msg}"
    );
    assert!(!warnings(&c, "FailedGetResourceMetric").await.is_empty());
    let h = hpas.get("ai-agent-hpa").await.unwrap();
    assert_eq!(h.status.unwrap().desired_replicas, 3);

    incident(&base, "no-metrics-server", false).await;
    let (_, reason, _) = hpa_until(&hpas, "ScalingActive=True again", |c| c.0 == "True").await;
    assert_eq!(reason, "ValidMetricFound");
    let (code, _) = request(
        &base,
        "GET",
        "/apis/metrics.k8s.io/v1beta1/namespaces/ai-agents/pods",
        "",
    )
    .await;
    assert_eq!(code, 200);
}

#[test]
fn kubectl_lists_the_apiservices_and_their_availability() {
    if !common::require_tool("kubectl") {
        return;
    }
    let sim = SimThread::start(SimConfig {
        incidents: vec!["no-metrics-server".parse().unwrap()],
        ..preload(1.0)
    });
    let out = common::ok({
        let mut k = sim.kubectl("kubectl");
        k.args(["get", "apiservices"]);
        k
    });
    let line = out
        .lines()
        .find(|l| l.starts_with("v1beta1.metrics.k8s.io"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains("kube-system/metrics-server"), "{line}");
    assert!(line.contains("False (MissingEndpoints)"), "{line}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("v1.apps") && l.contains("Local") && l.contains("True")),
        "{out}"
    );
    let (ok, _, err) = common::run({
        let mut k = sim.kubectl("kubectl");
        k.args(["top", "pods", "-n", "ai-agents"]);
        k
    });
    assert!(!ok);
    assert!(
        err.to_lowercase().contains("unable to handle the request")
            || err.contains("ServiceUnavailable")
            || err.contains("503"),
        "{err}"
    );
}

#[tokio::test]
async fn slow_provider_pushes_p95_over_two_seconds_without_errors() {
    let sim = start_sim(preload(10.0)).await;
    let base = sim.url();
    let c = client(&sim);
    write_key(&c, VALID_KEY).await;
    let t = truth_until(&base, 30, "normal traffic", |t| {
        t["ready_pods"].as_u64() >= Some(3) && t["recent_p95_ms"].as_f64() > Some(0.0)
    })
    .await;
    assert!(t["recent_p95_ms"].as_f64().unwrap() < 2000.0, "{t}");
    incident(&base, "slow-provider", true).await;
    let t = truth_until(&base, 30, "p95 over 2 s", |t| {
        t["recent_p95_ms"].as_f64() > Some(5000.0)
    })
    .await;
    assert_eq!(t["recent_timeout_ratio"], 0.0, "{t}");
    assert_eq!(t["recent_unauthorized_ratio"], 0.0, "{t}");
    incident(&base, "slow-provider", false).await;
    truth_until(&base, 30, "p95 back under 2 s", |t| {
        t["recent_p95_ms"].as_f64() < Some(2000.0)
    })
    .await;
}
