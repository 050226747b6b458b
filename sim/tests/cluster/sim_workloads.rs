//! Workloads and API groups of the simulated cluster as real kubectl sees them: a broken
//! aggregated API (`--broken-group`), StatefulSets, and `--extra-events`.

use agentdeck_sim::SimConfig;

use crate::common::{SimThread, ok, preload, require_tool, run};

#[test]
fn a_broken_aggregated_api_is_reported_like_a_real_cluster_and_the_rest_works() {
    if !require_tool("kubectl") {
        return;
    }
    let sim = SimThread::start(SimConfig {
        broken_groups: vec!["metrics.k8s.io/v1beta1".into()],
        ..preload(1.0)
    });
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

const STATEFULSET: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 2
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
      - name: db
        image: postgres:16
        resources: {requests: {cpu: 100m, memory: 128Mi}}
";

fn kubectl_ok(sim: &SimThread, args: &[&str]) -> String {
    let mut c = sim.kubectl("kubectl");
    c.args(args);
    ok(c)
}

#[test]
fn statefulset_apply_scale_restart_and_rollout_status_with_kubectl() {
    if !require_tool("kubectl") {
        return;
    }
    let sim = SimThread::start(preload(20.0));
    let file = sim.dir.path().join("sts.yaml");
    std::fs::write(&file, STATEFULSET).unwrap();
    kubectl_ok(&sim, &["apply", "-f", file.to_str().unwrap()]);
    let status = ["rollout", "status", "statefulset/db", "--timeout=60s"];
    let out = kubectl_ok(&sim, &status);
    assert!(
        out.contains("partitioned roll out complete: 2 new pods have been updated..."),
        "{out}"
    );
    let pods = kubectl_ok(&sim, &["get", "pods", "-l", "app=db", "-o", "name"]);
    assert_eq!(pods.lines().collect::<Vec<_>>(), ["pod/db-0", "pod/db-1"]);

    kubectl_ok(&sim, &["scale", "statefulset/db", "--replicas=3"]);
    let out = kubectl_ok(&sim, &status);
    assert!(out.contains("3 new pods have been updated"), "{out}");
    let first_rev = kubectl_ok(
        &sim,
        &[
            "get",
            "sts",
            "db",
            "-o",
            "jsonpath={.status.updateRevision}",
        ],
    );

    kubectl_ok(&sim, &["rollout", "restart", "statefulset/db"]);
    let out = kubectl_ok(&sim, &status);
    assert!(
        out.contains("Waiting for partitioned roll out to finish"),
        "the restart rolls pod by pod: {out}"
    );
    assert!(out.contains("partitioned roll out complete: 3 new pods have been updated..."));
    let revs = kubectl_ok(
        &sim,
        &[
            "get",
            "sts",
            "db",
            "-o",
            "jsonpath={.status.currentRevision} {.status.updateRevision} {.status.readyReplicas} {.status.observedGeneration}",
        ],
    );
    let revs: Vec<&str> = revs.split(' ').collect();
    assert_eq!(revs[0], revs[1]);
    assert_ne!(revs[0], first_rev);
    // apply (1), scale through the scale subresource (2), restart (3): every spec change
    // bumps the generation, as on kube-apiserver.
    assert_eq!(&revs[2..], ["3", "3"]);
    let hashes = kubectl_ok(
        &sim,
        &[
            "get",
            "pods",
            "-l",
            "app=db",
            "-o",
            "jsonpath={.items[*].metadata.labels.controller-revision-hash}",
        ],
    );
    assert_eq!(hashes, [revs[0]; 3].join(" "));
    let history = kubectl_ok(&sim, &["rollout", "history", "statefulset/db"]);
    assert!(
        history.contains("\n1 ") && history.contains("\n2 "),
        "{history}"
    );
}

#[test]
fn extra_events_start_fast_and_list_in_chunks() {
    if !require_tool("kubectl") {
        return;
    }
    let t0 = std::time::Instant::now();
    let sim = SimThread::start(SimConfig {
        extra_events: 20_000,
        ..SimConfig::default()
    });
    assert!(t0.elapsed().as_secs() < 10, "started in {:?}", t0.elapsed());
    let names = kubectl_ok(
        &sim,
        &[
            "get",
            "events",
            "-n",
            "ai-agents",
            "--chunk-size=1000",
            "-o",
            "name",
        ],
    );
    assert_eq!(names.lines().count(), 20_000);
    let warnings = kubectl_ok(
        &sim,
        &[
            "get",
            "events",
            "-n",
            "ai-agents",
            "--field-selector",
            "reason=BackOff",
            "-o",
            "jsonpath={.items[0].type} {.items[0].count}",
        ],
    );
    assert!(warnings.starts_with("Warning "), "{warnings}");
}
