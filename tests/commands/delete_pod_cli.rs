//! `agentdeck delete pod` (the real binary) against the sim, cross-checked with kubectl: the
//! pod goes and its ReplicaSet makes a new one; the audit line; read-only and bad input
//! refused with a message that says what to do; a pod that is not there is named.

use crate::common;

use crate::common::{SimProcess, run};

fn pods(sim: &SimProcess) -> Vec<String> {
    let mut c = sim.kubectl("kubectl");
    c.args([
        "get",
        "pods",
        "-n",
        "ai-agents",
        "-l",
        "app=ai-agent-service",
        "-o",
        "jsonpath={.items[*].metadata.name}",
    ]);
    let (_, out, _) = run(c);
    out.split_whitespace().map(str::to_string).collect()
}

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    for _ in 0..120 {
        if f() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    panic!("timed out waiting for {what}");
}

#[test]
fn delete_pod_makes_its_replicaset_replace_it_and_is_audited() {
    if !common::require_tool("kubectl") {
        return;
    }
    let sim = SimProcess::start(&["--preload", "--time-scale", "4"]);
    wait_for("three agent pods", || pods(&sim).len() == 3);
    let before = pods(&sim);
    let victim = before[0].clone();

    // Refused before anything is sent: read-only, another kind, no name, no terminal.
    let (code, _, err) = sim.agentdeck(&["--read-only", "delete", "pod", &victim, "--yes"], "");
    assert_ne!(code, 0);
    assert!(
        err.contains("read-only") && err.contains("nothing was sent"),
        "{err}"
    );
    let (code, _, err) = sim.agentdeck(&["delete", "deploy/ai-agent-service", "--yes"], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("deletes pods only"), "{err}");
    let (code, _, err) = sim.agentdeck(&["delete", "pod", "--yes"], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("give its name"), "{err}");
    let (code, _, err) = sim.agentdeck(&["delete", "pod", "no-such-pod", "--yes"], "");
    assert_ne!(code, 0);
    assert!(
        err.contains("no-such-pod") && err.contains("not found"),
        "{err}"
    );
    assert!(
        !err.contains("Error {") && !err.contains("Status {"),
        "{err}"
    );
    assert_eq!(pods(&sim), before, "nothing was deleted yet");

    let (code, out, err) = sim.agentdeck(&["delete", &format!("pod/{victim}"), "--yes"], "");
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains(&format!("pod {victim} deleted")), "{out}");
    wait_for("the ReplicaSet's replacement", || {
        let now = pods(&sim);
        now.len() == 3 && !now.contains(&victim)
    });

    let audit: Vec<serde_json::Value> = sim
        .audit()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ours: Vec<(&str, &str)> = audit
        .iter()
        .filter(|e| e["operation"] == "delete-pod")
        .map(|e| (e["target"].as_str().unwrap(), e["result"].as_str().unwrap()))
        .collect();
    let target = format!("pod/{victim}");
    assert!(ours.contains(&(target.as_str(), "ok")), "{ours:?}");
    assert!(
        ours.contains(&(target.as_str(), "refused-read-only")),
        "{ours:?}"
    );
    assert!(ours.contains(&("pod/no-such-pod", "not-found")), "{ours:?}");
}
