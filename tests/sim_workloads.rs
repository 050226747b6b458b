//! Workloads and API groups of the simulated cluster as real kubectl sees them: a broken
//! aggregated API (`--broken-group`), StatefulSets, and `--extra-events`.

mod common;

use common::{SimProcess, ok, require_tool, run};

#[test]
fn a_broken_aggregated_api_is_reported_like_a_real_cluster_and_the_rest_works() {
    if !require_tool("kubectl") {
        return;
    }
    let sim = SimProcess::start(&["--preload", "--broken-group", "metrics.k8s.io/v1beta1"]);
    let mut get = sim.kubectl("kubectl");
    get.args(["get", "pods", "-n", "ai-agents", "-o", "name"]);
    let (success, out, err) = run(get);
    assert!(success, "kubectl get pods failed: {err}");
    assert!(out.contains("pod/ai-agent-service-"), "{out}");
    assert!(
        err.contains(
            "couldn't get resource list for metrics.k8s.io/v1beta1: the server is currently unable to handle the request"
        ),
        "{err}"
    );
    let mut top = sim.kubectl("kubectl");
    top.args(["top", "pods", "-n", "ai-agents"]);
    let (success, _, err) = run(top);
    assert!(!success);
    assert!(
        err.contains("Error from server (ServiceUnavailable): the server is currently unable to handle the request (get pods.metrics.k8s.io)"),
        "{err}"
    );
    let mut groups = sim.kubectl("kubectl");
    groups.args(["get", "--raw", "/apis"]);
    assert!(ok(groups).contains("\"metrics.k8s.io/v1beta1\""));
}
