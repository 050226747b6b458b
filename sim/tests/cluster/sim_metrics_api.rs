//! The sim's metrics.k8s.io/v1beta1, served the way metrics-server serves it: PodMetrics
//! and NodeMetrics from the usage model, get and list only, read by real `kubectl top`.

use std::time::{Duration, Instant};

use crate::common::{SimThread, http, ok, preload, require_tool, run};
use serde_json::Value;

fn wait_for<T>(secs: u64, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {secs}s waiting for: {what}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn get_json(sim: &SimThread, path: &str) -> Value {
    let body = http(&sim.url, "GET", path, "");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
}

/// The running pods' metrics in ai-agents, once the stack's four pods (three agents at
/// the HPA's minimum, redis) have them.
fn running_pod_metrics(sim: &SimThread) -> Value {
    wait_for(60, "metrics of the four running pods", || {
        let list = get_json(
            sim,
            "/apis/metrics.k8s.io/v1beta1/namespaces/ai-agents/pods",
        );
        (list["items"].as_array()?.len() >= 4).then_some(list)
    })
}

#[test]
fn discovery_lists_the_metrics_group_with_get_and_list_only() {
    let sim = SimThread::start(preload(1.0));
    let groups = get_json(&sim, "/apis");
    let group = groups["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "metrics.k8s.io")
        .unwrap_or_else(|| panic!("no metrics.k8s.io in /apis: {groups}"));
    assert_eq!(
        group["preferredVersion"]["groupVersion"],
        "metrics.k8s.io/v1beta1"
    );
    let g = get_json(&sim, "/apis/metrics.k8s.io");
    assert_eq!(g["kind"], "APIGroup");
    let list = get_json(&sim, "/apis/metrics.k8s.io/v1beta1");
    assert_eq!(list["kind"], "APIResourceList");
    assert_eq!(list["groupVersion"], "metrics.k8s.io/v1beta1");
    let res = list["resources"].as_array().unwrap();
    let find = |name: &str| {
        res.iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("{name} missing: {list}"))
    };
    let (nodes, pods) = (find("nodes"), find("pods"));
    assert_eq!(nodes["kind"], "NodeMetrics");
    assert_eq!(nodes["namespaced"], false);
    assert_eq!(pods["kind"], "PodMetrics");
    assert_eq!(pods["namespaced"], true);
    for r in [nodes, pods] {
        assert_eq!(r["verbs"], serde_json::json!(["get", "list"]), "{r}");
    }
}

#[test]
fn pod_and_node_metrics_have_metrics_servers_shape() {
    let sim = SimThread::start(preload(1.0));
    let list = running_pod_metrics(&sim);
    assert_eq!(list["kind"], "PodMetricsList");
    assert_eq!(list["apiVersion"], "metrics.k8s.io/v1beta1");
    for item in list["items"].as_array().unwrap() {
        assert_eq!(item["metadata"]["namespace"], "ai-agents", "{item}");
        assert!(item["timestamp"].as_str().unwrap().ends_with('Z'), "{item}");
        assert_eq!(item["window"], "30s");
        let containers = item["containers"].as_array().unwrap();
        assert!(!containers.is_empty(), "{item}");
        for c in containers {
            let cpu = c["usage"]["cpu"].as_str().unwrap();
            let mem = c["usage"]["memory"].as_str().unwrap();
            // Canonical form: a nanocore count that divides by 1000 reads in microcores
            // ("34270u"), by a million in millicores, as the API server writes it.
            assert!(
                cpu.ends_with(['n', 'u', 'm']) || cpu.chars().all(|c| c.is_ascii_digit()),
                "{cpu}"
            );
            assert!(mem.ends_with("Ki") || mem.ends_with("Mi"), "{mem}");
        }
    }
    // get one: the object carries its kind.
    let name = list["items"][0]["metadata"]["name"].as_str().unwrap();
    let one = get_json(
        &sim,
        &format!("/apis/metrics.k8s.io/v1beta1/namespaces/ai-agents/pods/{name}"),
    );
    assert_eq!(one["kind"], "PodMetrics");
    assert_eq!(one["metadata"]["name"], name);
    // across namespaces, and a label selector.
    let all = get_json(&sim, "/apis/metrics.k8s.io/v1beta1/pods");
    assert!(all["items"].as_array().unwrap().len() >= 4, "{all}");
    let redis = get_json(
        &sim,
        "/apis/metrics.k8s.io/v1beta1/namespaces/ai-agents/pods?labelSelector=app%3Dredis",
    );
    assert_eq!(redis["items"].as_array().unwrap().len(), 1, "{redis}");
    // nodes: every node, summed from its pods plus the node's own use.
    let nodes = get_json(&sim, "/apis/metrics.k8s.io/v1beta1/nodes");
    assert_eq!(nodes["kind"], "NodeMetricsList");
    let items = nodes["items"].as_array().unwrap();
    assert!(!items.is_empty(), "{nodes}");
    for n in items {
        assert_eq!(n["window"], "30s");
        assert!(n["usage"]["cpu"].is_string() && n["usage"]["memory"].is_string());
    }
    let node = items[0]["metadata"]["name"].as_str().unwrap();
    let one = get_json(&sim, &format!("/apis/metrics.k8s.io/v1beta1/nodes/{node}"));
    assert_eq!(one["kind"], "NodeMetrics");
}

#[test]
fn missing_objects_and_watches_are_refused_like_metrics_server() {
    let sim = SimThread::start(preload(1.0));
    let missing = get_json(
        &sim,
        "/apis/metrics.k8s.io/v1beta1/namespaces/ai-agents/pods/nope",
    );
    assert_eq!(missing["code"], 404, "{missing}");
    assert_eq!(missing["message"], "pods \"nope\" not found");
    let missing = get_json(&sim, "/apis/metrics.k8s.io/v1beta1/nodes/nope");
    assert_eq!(missing["code"], 404, "{missing}");
    let watch = get_json(&sim, "/apis/metrics.k8s.io/v1beta1/pods?watch=true");
    assert_eq!(watch["code"], 405, "{watch}");
    assert_eq!(
        watch["message"],
        "watch is not supported on resources of kind \"pods.metrics.k8s.io\""
    );
}

#[test]
fn kubectl_top_pods_and_nodes_work() {
    if !require_tool("kubectl") {
        return;
    }
    let sim = SimThread::start(preload(1.0));
    running_pod_metrics(&sim);
    for bin in ["kubectl", "kubectl.1.27"] {
        let mut top = sim.kubectl(bin);
        top.args(["top", "pods", "-n", "ai-agents"]);
        let out = ok(top);
        let mut lines = out.lines();
        let header = lines.next().unwrap();
        assert!(
            header.contains("NAME") && header.contains("CPU(cores)"),
            "{bin}: {out}"
        );
        let rows: Vec<&str> = lines.collect();
        assert!(rows.len() >= 4, "{bin}: {out}");
        assert!(
            rows.iter().any(|r| r.starts_with("ai-agent-service-"))
                && rows.iter().any(|r| r.starts_with("redis-")),
            "{bin}: {out}"
        );
        for r in &rows {
            let cols: Vec<&str> = r.split_whitespace().collect();
            assert!(
                cols[1].ends_with('m') && cols[2].ends_with("Mi"),
                "{bin}: {r}"
            );
        }
        let mut top = sim.kubectl(bin);
        top.args(["top", "nodes"]);
        let out = ok(top);
        assert!(out.lines().next().unwrap().contains("MEMORY"), "{out}");
        assert!(
            out.contains("sim-node-1") && out.contains('%'),
            "{bin}: {out}"
        );
    }
    // A pod that does not exist: kubectl reports the server's NotFound.
    let mut top = sim.kubectl("kubectl");
    top.args(["top", "pod", "nope", "-n", "ai-agents"]);
    let (success, _, err) = run(top);
    assert!(!success);
    assert!(err.contains("NotFound"), "{err}");
}
