//! `agentdeck set-resources` (the real binary) against the sim, cross-checked with kubectl:
//! the memory limit raised by server-side apply with image, env and the other values
//! intact, a new ReplicaSet rolled out, the audit line; bad quantities, an unknown
//! container, no values, a request over its limit and read-only refused with exit 2 and
//! nothing sent; the same values again are nothing to do.

use crate::common;

use crate::common::{SimProcess, run};

fn agentdeck(sim: &SimProcess, args: &[&str]) -> (i32, String, String) {
    sim.agentdeck(args, "")
}

fn kget(sim: &SimProcess, args: &[&str], path: &str) -> String {
    let mut c = sim.kubectl("kubectl");
    c.args(args)
        .args(["-n", "ai-agents", "-o", &format!("jsonpath={path}")]);
    run(c).1
}

fn deploy(sim: &SimProcess, path: &str) -> String {
    kget(sim, &["get", "deploy", "ai-agent-service"], path)
}

const LIMIT: &str = "{.spec.template.spec.containers[0].resources.limits.memory}";

#[test]
#[allow(clippy::too_many_lines)] // a scenario: one session, read top to bottom
fn set_resources_raises_the_memory_limit() {
    if !common::require_tool("kubectl") {
        return;
    }
    let sim = SimProcess::start(&["--preload", "--time-scale", "4"]);
    let template = deploy(&sim, "{.spec.template}");
    let cpu_limit = deploy(
        &sim,
        "{.spec.template.spec.containers[0].resources.limits.cpu}",
    );
    let set = |extra: &[&str]| {
        let mut a = vec!["set-resources", "ai-agent-service", "--yes"];
        a.extend_from_slice(extra);
        agentdeck(&sim, &a)
    };

    // Bad input: exit 2, the reason naming the flag, nothing sent.
    for (extra, want) in [
        (&[][..], "give at least one of --memory-limit"),
        (&["--memory-limit", "3GB"][..], r#"--memory-limit "3GB""#),
        (&["--memory-limit", "500m"][..], "fraction of a byte"),
        (&["--cpu-limit", "lots"][..], "--cpu-limit"),
        (
            &["--container", "nope", "--memory-limit", "3Gi"][..],
            r#"no container "nope"; its containers: ai-agent"#,
        ),
        (
            &["--memory-request", "3Gi"][..],
            "memory request 3Gi (--memory-request) is more than the memory limit 2Gi (live)",
        ),
    ] {
        let (code, out, err) = set(extra);
        assert_eq!(code, 2, "{extra:?}: {out}\n{err}");
        assert!(err.contains(want), "{extra:?}: {err}");
    }
    let (code, _, err) = agentdeck(
        &sim,
        &[
            "set-resources",
            "deploy/nope",
            "--memory-limit",
            "3Gi",
            "--yes",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not found"), "{err}");
    let (code, _, err) = agentdeck(
        &sim,
        &[
            "--read-only",
            "set-resources",
            "ai-agent-service",
            "--memory-limit",
            "3Gi",
            "--yes",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("read-only") && err.contains("nothing was sent"),
        "{err}"
    );
    assert_eq!(
        deploy(&sim, "{.spec.template}"),
        template,
        "nothing written"
    );

    // The write: the plan, the question, the rollout.
    let rs_before = kget(&sim, &["get", "rs"], "{.items[*].metadata.name}");
    let (code, out, err) = set(&["--memory-limit", "3Gi", "--timeout", "90s"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("  memory limit 2Gi → 3Gi")
            && out.contains(
                "set resources of deployment ai-agent-service, container ai-agent, in namespace ai-agents (context agentdeck-sim)"
            )
            && out.contains("spec.template.spec.containers[0].resources.limits.memory: 2Gi → 3Gi")
            && out.contains("successfully rolled out"),
        "{out}"
    );
    assert_eq!(deploy(&sim, LIMIT), "3Gi");
    // Everything else is as it was: image, env, the other values.
    let c0 = "{.spec.template.spec.containers[0]";
    assert_eq!(
        deploy(&sim, &format!("{c0}.image}}")),
        "holysheep/ai-agent:1.4.2"
    );
    assert_eq!(
        deploy(&sim, &format!("{c0}.env[*].name}}")),
        "HOLYSHEEP_API_KEY HOLYSHEEP_BASE_URL"
    );
    assert_eq!(
        deploy(&sim, &format!("{c0}.resources.limits.cpu}}")),
        cpu_limit
    );
    assert_eq!(
        deploy(&sim, &format!("{c0}.resources.requests.memory}}")),
        "512Mi"
    );
    assert_eq!(
        deploy(&sim, &format!("{c0}.readinessProbe.httpGet.path}}")),
        "/ready"
    );
    let managers = kget(
        &sim,
        &["get", "deploy", "ai-agent-service", "--show-managed-fields"],
        "{.metadata.managedFields[*].manager}",
    );
    assert!(managers.contains("agentdeck"), "{managers}");
    // A new ReplicaSet carries the new limit.
    let rs_after = kget(&sim, &["get", "rs"], "{.items[*].metadata.name}");
    let new_rs: Vec<&str> = rs_after
        .split_whitespace()
        .filter(|n| !rs_before.split_whitespace().any(|b| b == *n))
        .collect();
    assert_eq!(new_rs.len(), 1, "{rs_before} → {rs_after}");
    assert_eq!(
        kget(&sim, &["get", "rs", new_rs[0]], LIMIT),
        "3Gi",
        "the new ReplicaSet's template"
    );

    // The same value again: nothing to do, no write.
    let template = deploy(&sim, "{.spec.template}");
    let (code, out, err) = set(&["--memory-limit", "3072Mi"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("nothing to do") && out.contains("memory limit 3072Mi"),
        "{out}"
    );
    assert_eq!(deploy(&sim, "{.spec.template}"), template);

    // A request within the new limit, without waiting; the limit set before stays.
    let (code, out, err) = set(&["--memory-request", "1Gi", "--no-wait"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("memory request 512Mi → 1Gi"), "{out}");
    assert_eq!(deploy(&sim, LIMIT), "3Gi");
    assert_eq!(
        deploy(&sim, &format!("{c0}.resources.requests.memory}}")),
        "1Gi"
    );

    // The audit log: the refusals and the two writes.
    let lines: Vec<serde_json::Value> = sim
        .audit()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ours: Vec<(&str, &str)> = lines
        .iter()
        .filter(|l| l["operation"] == "set-resources")
        .map(|l| (l["target"].as_str().unwrap(), l["result"].as_str().unwrap()))
        .collect();
    assert!(
        ours.contains(&("deployment/ai-agent-service", "refused-read-only")),
        "{ours:?}"
    );
    assert!(
        ours.contains(&("deployment/ai-agent-service", "invalid")),
        "{ours:?}"
    );
    let ok: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["operation"] == "set-resources" && l["result"] == "ok")
        .collect();
    assert_eq!(ok.len(), 2, "{lines:?}");
    assert!(
        ok[0]["detail"]
            .as_str()
            .unwrap()
            .contains("container ai-agent: memory limit 2Gi → 3Gi"),
        "{:?}",
        ok[0]
    );
}

#[test]
#[allow(clippy::too_many_lines)] // a scenario: one session, read top to bottom
fn set_resources_on_a_statefulset_with_two_containers() {
    if !common::require_tool("kubectl") {
        return;
    }
    let sim = SimProcess::start(&["--preload", "--time-scale", "10"]);
    let manifest = sim.dir.path().join("sts.yaml");
    std::fs::write(
        &manifest,
        "apiVersion: apps/v1
kind: StatefulSet
metadata: {name: vector-db, namespace: ai-agents}
spec:
  replicas: 2
  serviceName: vector-db
  selector: {matchLabels: {app: vector-db}}
  template:
    metadata: {labels: {app: vector-db}}
    spec:
      containers:
        - name: db
          image: qdrant/qdrant:v1.9.0
          resources: {limits: {memory: 1Gi, cpu: 500m}}
        - name: exporter
          image: exporter:1
",
    )
    .unwrap();
    // Another manager applies it (server-side, as helm or flux would).
    let mut c = sim.kubectl("kubectl");
    c.args([
        "apply",
        "--server-side",
        "--field-manager",
        "flux",
        "-f",
        manifest.to_str().unwrap(),
    ]);
    common::ok(c);
    let sts = |path: &str| kget(&sim, &["get", "sts", "vector-db"], path);

    let (code, _, err) = agentdeck(
        &sim,
        &[
            "set-resources",
            "sts/vector-db",
            "--memory-limit",
            "2Gi",
            "--yes",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "statefulset vector-db has 2 containers (db, exporter): choose one with --container"
        ),
        "{err}"
    );

    let (code, out, err) = agentdeck(
        &sim,
        &[
            "set-resources",
            "statefulset/vector-db",
            "--container",
            "db",
            "--memory-limit",
            "2Gi",
            "--memory-request",
            "1Gi",
            "--yes",
            "--timeout",
            "60s",
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("memory limit 1Gi → 2Gi (taken over from flux)")
            && out.contains("memory request (none) → 1Gi")
            && out.contains("statefulset rolling update complete"),
        "{out}"
    );
    let db = "{.spec.template.spec.containers[0]";
    assert_eq!(sts(&format!("{db}.resources.limits.memory}}")), "2Gi");
    assert_eq!(sts(&format!("{db}.resources.requests.memory}}")), "1Gi");
    assert_eq!(sts(&format!("{db}.resources.limits.cpu}}")), "500m");
    assert_eq!(sts(&format!("{db}.image}}")), "qdrant/qdrant:v1.9.0");
    assert_eq!(
        sts("{.spec.template.spec.containers[1].image}"),
        "exporter:1"
    );
    // flux keeps what it still owns; agentdeck owns only what it set.
    let mut c = sim.kubectl("kubectl");
    c.args([
        "apply",
        "--server-side",
        "--field-manager",
        "flux",
        "--dry-run=server",
        "-f",
        manifest.to_str().unwrap(),
    ]);
    let (success, out, err) = run(c);
    assert!(
        !success && err.contains("agentdeck") && err.contains("memory"),
        "flux's apply of 1Gi now conflicts with agentdeck's 2Gi: {out}\n{err}"
    );
}

#[test]
fn the_new_flags_parse() {
    use clap::Parser;
    let cli = agentdeck::cli::Cli::try_parse_from([
        "agentdeck",
        "set-resources",
        "statefulset/db",
        "--container",
        "db",
        "--memory-limit",
        "3Gi",
        "--cpu-request",
        "500m",
        "--no-wait",
    ])
    .unwrap();
    match cli.command {
        Some(agentdeck::cli::Command::SetResources {
            workload,
            resources,
            yes: false,
            timeout: None,
            out: agentdeck::output::OpOutput { output: None },
            ..
        }) => {
            assert_eq!(workload, "statefulset/db");
            // The flags are the operation's own arguments, passed on as they are.
            assert_eq!(
                resources,
                agentdeck::ops::ResourcesArgs {
                    container: Some("db".into()),
                    memory_limit: Some("3Gi".into()),
                    cpu_request: Some("500m".into()),
                    no_wait: true,
                    ..Default::default()
                }
            );
        }
        other => panic!("{other:?}"),
    }
    let cli = agentdeck::cli::Cli::try_parse_from([
        "agentdeck",
        "deploy",
        "--only",
        "netpol/a",
        "--only",
        "deploy/b",
        "--dry-run",
    ])
    .unwrap();
    match cli.command {
        Some(agentdeck::cli::Command::Deploy { args, .. }) => {
            assert_eq!(args.only, vec!["netpol/a", "deploy/b"]);
            assert!(args.dry_run);
        }
        other => panic!("{other:?}"),
    }
}
