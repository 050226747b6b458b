//! `agentdeck deploy` against the sim: plan, apply, the VirtualService skipped, unchanged on
//! a second run, a field-manager conflict that needs --force-conflicts, invalid YAML naming
//! file and line with nothing applied, read-only.

use crate::common::{SimProcess, ok, require_tool, run};

fn agentdeck(sim: &SimProcess, args: &[&str]) -> (i32, String, String) {
    sim.agentdeck(args, "")
}

#[test]
#[allow(clippy::too_many_lines)] // a scenario: one session, read top to bottom
fn deploy_plan_apply_conflict_and_bad_yaml() {
    if !require_tool("kubectl") {
        return;
    }
    let sim = SimProcess::start(&["--time-scale", "4"]);
    let k = |args: &[&str]| {
        let mut c = sim.kubectl("kubectl");
        c.args(args);
        c
    };

    // Read-only: refused before anything is sent.
    let (code, _, err) = agentdeck(&sim, &["--read-only", "deploy", "--yes"]);
    assert_eq!(code, 2);
    assert!(err.contains("read-only"), "{err}");
    assert!(!run(k(&["get", "ns", "ai-agents"])).0);

    // First deploy: everything created but the VirtualService, which is skipped with the reason.
    let (code, out, err) = agentdeck(&sim, &["deploy", "--yes"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("  create     namespace/ai-agents"), "{out}");
    assert!(
        out.contains("created    deployment.apps/ai-agent-service"),
        "{out}"
    );
    assert!(out.contains(r#"skipped    virtualservice/agent-routing — the cluster does not serve kind "VirtualService""#), "{out}");
    // The runbook as alert rules goes with the stack where the Prometheus Operator is.
    assert!(out.contains(r#"skipped    prometheusrule/agentdeck-runbook — the cluster does not serve kind "PrometheusRule""#), "{out}");
    assert!(
        out.contains("Secret ai-api-keys does not exist") && out.contains("agentdeck rotate-key"),
        "{out}"
    );
    let mf = ok(k(&[
        "get",
        "deploy",
        "redis",
        "-n",
        "ai-agents",
        "-o",
        "jsonpath={.metadata.managedFields[*].manager}",
        "--show-managed-fields",
    ]));
    assert!(mf.contains("agentdeck"), "{mf}");

    // Second run: unchanged.
    let (code, out, _) = agentdeck(&sim, &["deploy", "--dry-run"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("unchanged  deployment.apps/redis") && !out.contains("  create "),
        "{out}"
    );

    // kubectl scales redis: its manager now owns spec.replicas; deploy needs a force.
    ok(k(&[
        "scale",
        "deploy/redis",
        "--replicas=2",
        "-n",
        "ai-agents",
    ]));
    let (code, out, _) = agentdeck(&sim, &["deploy", "--dry-run"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("conflict   deployment.apps/redis")
            && out.contains(r#"conflict with "kubectl""#)
            && out.contains(".spec.replicas")
            && out.contains("--force-conflicts"),
        "{out}"
    );
    let (code, out, _) = agentdeck(&sim, &["deploy", "--yes"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAILED     deployment.apps/redis"), "{out}");
    assert_eq!(
        ok(k(&[
            "get",
            "deploy",
            "redis",
            "-n",
            "ai-agents",
            "-o",
            "jsonpath={.spec.replicas}"
        ])),
        "2"
    );
    let (code, out, err) = agentdeck(&sim, &["deploy", "--yes", "--force-conflicts"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("update     deployment.apps/redis (spec.replicas)"),
        "{out}"
    );
    assert_eq!(
        ok(k(&[
            "get",
            "deploy",
            "redis",
            "-n",
            "ai-agents",
            "-o",
            "jsonpath={.spec.replicas}"
        ])),
        "1"
    );

    // agentdeck's own scale (redis, and the agents under their HPA) is no conflict for its
    // deploy: the counts it set are kept, and the plan says so.
    for (name, n) in [("redis", "3"), ("ai-agent-service", "5")] {
        let (code, out, err) = agentdeck(&sim, &["scale", name, n, "--yes", "--timeout", "60s"]);
        assert_eq!(code, 0, "{out}\n{err}");
    }
    let (code, out, err) = agentdeck(&sim, &["deploy", "--dry-run"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(!out.contains("conflict"), "{out}");
    assert!(
        out.contains("unchanged  deployment.apps/redis")
            && out.contains("spec.replicas kept at 3, as agentdeck scale set it (the manifest says 1; agentdeck scale redis 1 goes back)")
            && out.contains("unchanged  horizontalpodautoscaler.autoscaling/ai-agent-hpa")
            && out.contains("spec.minReplicas kept at 5"),
        "{out}"
    );

    // A directory with a VirtualService and an invalid YAML file: named, nothing applied.
    let dir = sim.dir.path().join("mine");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a-cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mine\n  namespace: default\ndata:\n  a: b\n").unwrap();
    std::fs::write(dir.join("b-vs.yaml"), "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata:\n  name: vs\n  namespace: default\nspec:\n  hosts: [x]\n").unwrap();
    std::fs::write(
        dir.join("c-bad.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [oops\n",
    )
    .unwrap();
    let (code, out, err) = agentdeck(
        &sim,
        &["deploy", "--manifests", dir.to_str().unwrap(), "--yes"],
    );
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(
        err.contains("c-bad.yaml:") && err.contains("invalid YAML"),
        "{err}"
    );
    assert!(
        !run(k(&["get", "cm", "mine", "-n", "default"])).0,
        "nothing applied"
    );
    // Fixed: the ConfigMap applies, the VirtualService is skipped.
    std::fs::remove_file(dir.join("c-bad.yaml")).unwrap();
    let (code, out, _) = agentdeck(
        &sim,
        &["deploy", "--manifests", dir.to_str().unwrap(), "--yes"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("created    configmap/mine") && out.contains("skipped    virtualservice/vs"),
        "{out}"
    );
}

/// A cluster with a broken aggregated API (metrics.k8s.io answering 503) and a role that may
/// not read Namespaces (an admin made them): the plan still covers everything else.
#[test]
fn deploy_plans_around_a_broken_api_group_and_an_unreadable_namespace() {
    let sim = SimProcess::start(&[
        "--preload",
        "--broken-group",
        "metrics.k8s.io/v1beta1",
        "--deny",
        "get namespaces",
    ]);
    let (code, out, err) = agentdeck(&sim, &["deploy", "--dry-run"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("cannot check Namespace ai-agents (forbidden); continuing in it"),
        "{out}"
    );
    for object in [
        "deployment.apps/ai-agent-service",
        "service/ai-agent-service",
        "horizontalpodautoscaler.autoscaling/ai-agent-hpa",
        "deployment.apps/redis",
        "configmap/redis-config",
        "networkpolicy.networking.k8s.io/allow-holysheep-api",
    ] {
        assert!(
            out.lines()
                .any(|l| l.contains(object) && !l.trim_start().starts_with("error")),
            "{object} not planned:\n{out}"
        );
    }
    assert!(!out.contains("error "), "{out}");
}
