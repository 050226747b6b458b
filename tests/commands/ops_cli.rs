//! `agentdeck scale` and `agentdeck restart` (the real binary) against the sim, cross-checked
//! with kubectl: HPA-aware scaling, restart with a live rollout, read-only, RBAC denial, bad
//! input, no confirmation without a terminal, and the audit log.

use crate::common;

use crate::common::{SimProcess, ok, run};

fn agentdeck(sim: &SimProcess, args: &[&str]) -> (i32, String, String) {
    sim.agentdeck(args, "")
}

fn audit(sim: &SimProcess) -> Vec<serde_json::Value> {
    sim.audit()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn kget(sim: &SimProcess, args: &[&str], path: &str) -> String {
    let mut c = sim.kubectl("kubectl");
    c.args(args)
        .args(["-n", "ai-agents", "-o", &format!("jsonpath={path}")]);
    run(c).1
}

#[test]
#[allow(clippy::too_many_lines)] // a scenario: one session, read top to bottom
fn scale_and_restart_through_the_cli() {
    if !common::require_tool("kubectl") {
        return;
    }
    let sim = SimProcess::start(&["--preload", "--time-scale", "4"]);

    // Scale with an HPA: its minReplicas follows, so the HPA does not undo it.
    let (code, out, err) = agentdeck(
        &sim,
        &[
            "scale",
            "ai-agent-service",
            "5",
            "--yes",
            "--timeout",
            "60s",
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains(
            "ai-agent-service has 5 replicas ready; HPA ai-agent-hpa keeps it between 5 and 20"
        ),
        "{out}"
    );
    assert_eq!(
        kget(&sim, &["get", "hpa", "ai-agent-hpa"], "{.spec.minReplicas}"),
        "5"
    );
    assert_eq!(
        kget(
            &sim,
            &["get", "deploy", "ai-agent-service"],
            "{.status.readyReplicas}"
        ),
        "5"
    );
    // Down to 3 under the HPA: the floor goes 5 → 3, the count is the HPA's to lower (its
    // scale-down waits out its stabilization window). Nothing waits for a 3 the HPA does
    // not hold; the outcome says what it holds.
    let (code, out, err) = agentdeck(
        &sim,
        &[
            "scale",
            "ai-agent-service",
            "3",
            "--yes",
            "--timeout",
            "30s",
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("to at least 3") && out.contains("minReplicas goes 5 → 3"),
        "{out}"
    );
    assert!(
        out.contains("has 5 replicas ready; HPA ai-agent-hpa keeps it between 3 and 20"),
        "{out}"
    );
    assert_eq!(
        kget(&sim, &["get", "hpa", "ai-agent-hpa"], "{.spec.minReplicas}"),
        "3"
    );
    // Again: the floor is already 3 — nothing to write.
    let (code, out, err) = agentdeck(&sim, &["scale", "ai-agent-service", "3", "--yes"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("nothing to do: HPA ai-agent-hpa already keeps ai-agent-service at 3 or more"),
        "{out}"
    );

    // Restart and follow the rollout; kubectl sees the same annotation and a finished rollout.
    let (code, out, err) = agentdeck(
        &sim,
        &[
            "restart",
            "ai-agent-service",
            "--wait",
            "--yes",
            "--timeout",
            "90s",
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("successfully rolled out"), "{out}");
    let at = kget(
        &sim,
        &["get", "deploy", "ai-agent-service"],
        r#"{.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}"#,
    );
    assert!(at.ends_with('Z') && out.contains(&at), "{at} / {out}");
    let mut c = sim.kubectl("kubectl");
    c.args([
        "rollout",
        "status",
        "deploy/ai-agent-service",
        "-n",
        "ai-agents",
        "--timeout=5s",
    ]);
    assert!(ok(c).contains("successfully rolled out"));

    // Bad input: refused with the reason, nothing sent.
    let generation = kget(&sim, &["get", "deploy", "redis"], "{.metadata.generation}");
    for bad in ["-1", "two", "3.5", "9999"] {
        let (code, _, err) = agentdeck(&sim, &["scale", "redis", bad, "--yes"]);
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains("invalid: replicas"), "{err}");
    }
    // Read-only: refused, nothing sent.
    let (code, _, err) = agentdeck(&sim, &["--read-only", "restart", "redis", "--yes"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("read-only") && err.contains("nothing was sent"),
        "{err}"
    );
    // No terminal and no --yes: not confirmed.
    let (code, _, err) = agentdeck(&sim, &["restart", "redis"]);
    assert_eq!(code, 2);
    assert!(err.contains("Pass --yes"), "{err}");
    assert_eq!(
        kget(&sim, &["get", "deploy", "redis"], "{.metadata.generation}"),
        generation,
        "redis untouched"
    );

    // The audit log has one line per write attempt.
    let lines = audit(&sim);
    let results: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["operation"].as_str().unwrap(),
                l["result"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(results[0], ("scale", "ok"));
    assert_eq!(results[1], ("scale", "ok"), "the floor lowered");
    assert_eq!(results[2], ("restart", "ok"));
    assert!(
        results.contains(&("scale", "invalid"))
            && results.contains(&("restart", "refused-read-only")),
        "{results:?}"
    );
    assert!(lines.iter().all(|l| l["context"] == "agentdeck-sim"
        && l["user"] == "agentdeck-sim"
        && l["time"].is_string()));
    // The audit log and the log file are the user's alone.
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: std::path::PathBuf| std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
    let state = sim.dir.path().join("state/agentdeck");
    assert_eq!(mode(state.join("audit.log")), 0o600);
    assert_eq!(mode(state.clone()), 0o700);
    assert_eq!(mode(sim.dir.path().join("agentdeck.log")), 0o600);
}

#[test]
fn without_a_home_writes_are_refused_not_audited_to_a_shared_place() {
    let sim = SimProcess::start(&["--preload"]);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_agentdeck"))
        .args(["--kubeconfig", sim.kubeconfig.to_str().unwrap()])
        .args(["restart", "redis", "--yes"])
        .env_remove("HOME")
        .env_remove("XDG_STATE_HOME")
        .env_remove("AGENTDECK_LOG_FILE")
        .env("TMPDIR", sim.dir.path().join("tmp"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("no place for the audit log") && err.contains("set audit_log"),
        "{err}"
    );
    assert!(
        !sim.dir.path().join("tmp").exists(),
        "nothing written to TMPDIR"
    );
    // With audit_log in the config it goes through.
    let cfg = sim.dir.path().join("config.toml");
    let log = sim.dir.path().join("audit-here.log");
    std::fs::write(
        &cfg,
        format!("audit_log = {:?}\n", log.display().to_string()),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_agentdeck"))
        .args(["--kubeconfig", sim.kubeconfig.to_str().unwrap()])
        .args([
            "--config",
            cfg.to_str().unwrap(),
            "restart",
            "redis",
            "--yes",
        ])
        .env_remove("HOME")
        .env_remove("XDG_STATE_HOME")
        .env_remove("AGENTDECK_LOG_FILE")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::read_to_string(&log)
            .unwrap()
            .contains(r#""operation":"restart""#)
    );
}

#[test]
fn denied_by_rbac_is_explained_and_audited() {
    let sim = SimProcess::start(&["--preload", "--deny", "patch deployments"]);
    let (code, _, err) = agentdeck(&sim, &["restart", "redis", "--yes"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("not allowed")
            && err.contains("patch deployments (apps) in namespace ai-agents is denied"),
        "{err}"
    );
    let (code, _, err) = agentdeck(&sim, &["scale", "redis", "2", "--yes"]);
    assert_eq!(code, 2);
    assert!(err.contains("patch deployments/scale"), "{err}");
    let lines = audit(&sim);
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l["result"] == "forbidden"));
}

/// StatefulSets are workloads too: status lists them, and scale and restart (kubectl's
/// `statefulset/NAME` and `sts/NAME`) work on them the way kubectl does.
#[test]
fn statefulsets_scale_and_restart() {
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
    spec: {containers: [{name: db, image: qdrant/qdrant:v1.9.0}]}
",
    )
    .unwrap();
    let mut c = sim.kubectl("kubectl");
    c.args(["apply", "-f", manifest.to_str().unwrap()]);
    ok(c);
    let (code, out, err) = agentdeck(
        &sim,
        &["scale", "sts/vector-db", "3", "--yes", "--timeout", "60s"],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("scale statefulset vector-db in namespace ai-agents"),
        "{out}"
    );
    assert!(out.contains("vector-db scaled to 3 and ready"), "{out}");
    let (code, out, err) = agentdeck(
        &sim,
        &[
            "restart",
            "statefulset/vector-db",
            "--wait",
            "--yes",
            "--timeout",
            "60s",
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("statefulset.apps/vector-db restarted"),
        "{out}"
    );
    assert!(
        out.contains("statefulset rolling update complete 3 pods"),
        "{out}"
    );
    assert!(
        kget(
            &sim,
            &["get", "statefulset", "vector-db"],
            "{.spec.template.metadata.annotations}"
        )
        .contains("kubectl.kubernetes.io/restartedAt")
    );
    let (_, out, _) = agentdeck(&sim, &["status"]);
    assert!(
        out.lines()
            .any(|l| l.contains("vector-db") && l.contains("3/3 ready")),
        "{out}"
    );
    let (code, _, err) = agentdeck(&sim, &["restart", "cronjob/x", "--yes"]);
    assert_eq!(code, 2);
    assert!(err.contains("statefulset/NAME"), "{err}");
}

/// A blackholed API server (connections accepted, nothing answered): `--timeout` bounds the
/// whole operation — connecting and reading included — not only the wait for the rollout.
#[test]
fn timeout_bounds_the_whole_operation() {
    let sim = SimProcess::start(&["--preload"]);
    let answer = common::http(&sim.url, "POST", "/_sim/faults", r#"{"blackhole": true}"#);
    assert!(answer.contains('{'), "{answer}");
    let started = std::time::Instant::now();
    let (code, out, err) = agentdeck(&sim, &["restart", "redis", "--yes", "--timeout", "3s"]);
    let took = started.elapsed();
    eprintln!("restart --timeout 3s against a blackhole: {took:.1?}");
    assert_ne!(code, 0, "{out}");
    assert!(err.contains("--timeout 3s"), "{err}");
    assert!(took < std::time::Duration::from_secs(15), "took {took:?}");
}
