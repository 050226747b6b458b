//! The drill-down in a real terminal: `Enter` on a workload lists its pods in kubectl's
//! words (an OOM-killed one says so, with its last exit), `Esc` goes back.

use crate::common::{SimProcess, require_tool};

#[test]
fn enter_lists_a_workloads_pods_and_esc_goes_back() {
    if !require_tool("tmux") {
        return;
    }
    let sim = SimProcess::start(&["--preload", "--time-scale", "10"]);
    let t = sim.pods_after_an_oom_kill("drill");
    let screen = t.capture();
    assert!(screen.contains("LAST EXIT"), "{screen}");
    assert!(screen.contains("ago"), "{screen}");
    t.send(&["j"]);
    t.send(&["Escape"]);
    t.wait_for(10, "the workloads again", |s| {
        s.contains("workloads 2") && !s.contains("pods of deployment")
    });
    t.send(&["q"]);
}

/// `Enter` on a pod shows its details — conditions, the container's last termination (an
/// OOM kill), its events, its owners — and `d` there deletes it after a confirmation, with
/// an audit line; the details then say the pod is gone.
#[test]
fn a_pods_details_and_delete_with_confirmation() {
    if !require_tool("tmux") {
        return;
    }
    let sim = SimProcess::start(&["--preload", "--time-scale", "10"]);
    let t = sim.pods_after_an_oom_kill("details");
    t.send(&["Enter"]);
    let screen = t.wait_for(30, "the pod's details", |s| {
        s.contains("CONDITIONS")
            && s.contains("CONTAINERS")
            && s.contains("EVENTS")
            && s.contains("Terminated: OOMKilled (exit 137)")
            && s.contains("→ Deployment ai-agent-service")
    });
    let pod = screen
        .lines()
        .find_map(|l| l.split("pod ").nth(1))
        .and_then(|r| r.split_whitespace().next())
        .expect("the pod's name in the title")
        .to_string();
    assert!(pod.starts_with("ai-agent-service-"), "{pod}\n{screen}");
    assert!(screen.contains("ReplicaSet ai-agent-service-"), "{screen}");

    // `d`: asked first (nothing deleted on `n`), then deleted on `y`.
    t.send(&["d"]);
    t.wait_for(20, "the question", |s| {
        s.contains(&format!("delete pod {pod}")) && s.contains("makes a new one")
    });
    t.send(&["n"]);
    t.wait_for(10, "the question gone", |s| !s.contains("makes a new one"));
    assert!(
        sim.dashboard_audit("details")
            .lines()
            .all(|l| !l.contains("delete-pod"))
    );
    t.send(&["d"]);
    t.wait_for(20, "the question again", |s| s.contains("makes a new one"));
    t.send(&["y"]);
    t.wait_for(30, "the pod gone", |s| {
        s.contains(&format!("pod {pod} deleted")) || s.contains("is gone")
    });
    let audit = sim.dashboard_audit("details");
    let line = audit
        .lines()
        .find(|l| l.contains("delete-pod"))
        .unwrap_or_else(|| panic!("no audit line: {audit}"));
    assert!(
        line.contains(&format!("pod/{pod}")) && line.contains("\"ok\""),
        "{line}"
    );
    t.wait_for(30, "the details say the pod is gone", |s| {
        s.contains(&format!("pod {pod} is gone"))
    });
    t.send(&["Escape"]);
    t.wait_for(10, "the pods", |s| s.contains("pods of deployment"));
    t.send(&["Escape"]);
    t.wait_for(10, "the workloads", |s| {
        s.contains("workloads 2") && !s.contains("pods of deployment")
    });
    t.send(&["q"]);
}
