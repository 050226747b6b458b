//! `agentdeck deploy --only KIND/NAME` (the real binary) against the sim, cross-checked with
//! kubectl: a broken NetworkPolicy shown field by field with values (`--dry-run` writes
//! nothing), then restored; an unknown object lists the stack's; a Deployment an HPA scales
//! is restored without touching its replicas.

use crate::common;

use crate::common::{SimProcess, eventually, ok, run};

fn agentdeck(sim: &SimProcess, args: &[&str]) -> (i32, String, String) {
    sim.agentdeck(args, "")
}

fn kget(sim: &SimProcess, args: &[&str], path: &str) -> String {
    let mut c = sim.kubectl("kubectl");
    c.args(args)
        .args(["-n", "ai-agents", "-o", &format!("jsonpath={path}")]);
    run(c).1
}

fn kpatch(sim: &SimProcess, what: &[&str], json_patch: &str) {
    let mut c = sim.kubectl("kubectl");
    c.arg("patch")
        .args(what)
        .args(["-n", "ai-agents", "--type=json", "-p", json_patch]);
    ok(c);
}

fn at_least_4(replicas: &str) -> bool {
    replicas.parse::<i32>().is_ok_and(|n| n >= 4)
}

const PORT: &str = "{.spec.egress[0].ports[0].port}";
const NETPOL: &[&str] = &["get", "networkpolicy", "allow-holysheep-api"];

#[test]
#[allow(clippy::too_many_lines)] // a scenario: one session, read top to bottom
fn deploy_only_restores_a_broken_network_policy() {
    if !common::require_tool("kubectl") {
        return;
    }
    let sim = SimProcess::start(&["--preload", "--time-scale", "4"]);
    kpatch(
        &sim,
        &["networkpolicy", "allow-holysheep-api"],
        r#"[{"op":"replace","path":"/spec/egress/0/ports/0/port","value":8443}]"#,
    );
    assert_eq!(kget(&sim, NETPOL, PORT), "8443");

    // An --only that names nothing of the stack: the stack's objects listed, exit 2.
    let (code, out, err) = agentdeck(&sim, &["deploy", "--only", "networkpolicy/nope", "--yes"]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(
        err.contains("--only networkpolicy/nope matches no object")
            && err.contains("networkpolicy/allow-holysheep-api")
            && err.contains("deployment/ai-agent-service"),
        "{err}"
    );

    // The plan: the field with both values; nothing written.
    let rv = kget(&sim, NETPOL, "{.metadata.resourceVersion}");
    let (code, out, err) = agentdeck(
        &sim,
        &[
            "deploy",
            "--only",
            "netpol/allow-holysheep-api",
            "--dry-run",
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("update     networkpolicy.networking.k8s.io/allow-holysheep-api")
            && out.contains("    spec.egress[0].ports[0].port: 8443 → 443")
            && out.contains(
                r#"    note: forcing takes over from another manager: conflict with "kubectl-patch""#
            ),
        "{out}"
    );
    assert!(
        !out.contains("deployment") && !out.contains("namespace/"),
        "only the policy: {out}"
    );
    assert_eq!(kget(&sim, NETPOL, "{.metadata.resourceVersion}"), rv);

    // The restore, forcing conflicts (kubectl's patch owns the port now).
    let (code, out, err) = agentdeck(
        &sim,
        &[
            "deploy",
            "--only",
            "networkpolicy/allow-holysheep-api",
            "--yes",
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains(
            "restore networkpolicy.networking.k8s.io/allow-holysheep-api as the stack declares it"
        ) && out.contains("forcing conflicts")
            && out.contains("restored: 1 objects applied"),
        "{out}"
    );
    assert_eq!(kget(&sim, NETPOL, PORT), "443");
    let (code, out, _) = agentdeck(
        &sim,
        &[
            "deploy",
            "--only",
            "networkpolicy/allow-holysheep-api",
            "--dry-run",
        ],
    );
    assert_eq!(code, 0);
    assert!(out.contains("unchanged  networkpolicy"), "{out}");
    // Restoring what is already restored writes nothing and says so.
    let before = sim.audit().lines().count();
    let (code, out, _) = agentdeck(
        &sim,
        &[
            "deploy",
            "--only",
            "networkpolicy/allow-holysheep-api",
            "--yes",
        ],
    );
    assert_eq!(code, 0);
    assert!(
        out.contains(
            "nothing to do: networkpolicy/allow-holysheep-api already as the stack declares it"
        ),
        "{out}"
    );
    assert_eq!(
        sim.audit().lines().count(),
        before,
        "nothing written, nothing audited"
    );

    // Deleted: the plan says it will be created, and it is.
    let mut c = sim.kubectl("kubectl");
    c.args([
        "delete",
        "networkpolicy",
        "allow-holysheep-api",
        "-n",
        "ai-agents",
    ]);
    ok(c);
    let (code, out, err) = agentdeck(
        &sim,
        &[
            "deploy",
            "--only",
            "networkpolicy/allow-holysheep-api",
            "--dry-run",
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("  create     networkpolicy.networking.k8s.io/allow-holysheep-api")
            && out.contains("it will be created"),
        "{out}"
    );
    assert!(
        kget(&sim, NETPOL, PORT).is_empty(),
        "a dry run creates nothing"
    );
    let (code, out, err) = agentdeck(
        &sim,
        &[
            "deploy",
            "--only",
            "networkpolicy/allow-holysheep-api",
            "--yes",
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("created    networkpolicy"), "{out}");
    assert_eq!(kget(&sim, NETPOL, PORT), "443");
    let audit = sim.audit();
    assert!(
        audit.lines().any(|l| l.contains(r#""operation":"deploy""#)
            && l.contains(r#""target":"networkpolicy.networking.k8s.io/allow-holysheep-api""#)
            && l.contains(r#""result":"ok""#)),
        "{audit}"
    );
}

#[test]
fn deploy_only_leaves_an_hpa_scaled_deployment_its_replicas() {
    if !common::require_tool("kubectl") {
        return;
    }
    let sim = SimProcess::start(&["--preload", "--time-scale", "4"]);
    // The HPA scales the agents to 4; someone breaks the provider URL.
    kpatch(
        &sim,
        &["hpa", "ai-agent-hpa"],
        r#"[{"op":"replace","path":"/spec/minReplicas","value":4}]"#,
    );
    let replicas = || {
        kget(
            &sim,
            &["get", "deploy", "ai-agent-service"],
            "{.spec.replicas}",
        )
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(eventually(40, "the HPA scales the agents to 4", || async {
        (at_least_4(&replicas())).then_some(())
    }));
    kpatch(
        &sim,
        &["deploy", "ai-agent-service"],
        r#"[{"op":"replace","path":"/spec/template/spec/containers/0/env/1/value","value":"https://evil.example/v1"}]"#,
    );

    let (code, out, err) = agentdeck(
        &sim,
        &["deploy", "--only", "deploy/ai-agent-service", "--dry-run"],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("note: spec.replicas left to HPA ai-agent-hpa (now ")
            && out.contains(
                "spec.template.spec.containers[0].env[1].value: https://evil.example/v1 → https://api.holysheep.ai/v1"
            )
            && !out.contains("spec.replicas:"),
        "{out}"
    );
    let (code, out, err) = agentdeck(
        &sim,
        &["deploy", "--only", "deployment/ai-agent-service", "--yes"],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    // The whole stack's deploy leaves them to the HPA too (no conflict with its manager).
    // (Exit 1: the HPA's minReplicas, patched by kubectl above, conflicts.)
    let (code, out, err) = agentdeck(&sim, &["deploy", "--dry-run"]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        out.contains("unchanged  deployment.apps/ai-agent-service")
            && out.contains("note: spec.replicas left to HPA ai-agent-hpa")
            && !out.contains("spec.replicas:"),
        "{out}"
    );
    let now = replicas();
    assert!(
        at_least_4(&now),
        "the HPA's count stays, not the manifest's 3: {now}"
    );
    assert_eq!(
        kget(
            &sim,
            &["get", "deploy", "ai-agent-service"],
            "{.spec.template.spec.containers[0].env[1].value}"
        ),
        "https://api.holysheep.ai/v1"
    );
}
