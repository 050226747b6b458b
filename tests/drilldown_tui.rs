//! The drill-down in a real terminal: `Enter` on a workload lists its pods in kubectl's
//! words (an OOM-killed one says so, with its last exit), `Esc` goes back.

mod common;

use common::{SimProcess, http, require_tool};

#[test]
fn enter_lists_a_workloads_pods_and_esc_goes_back() {
    if !require_tool("tmux") {
        return;
    }
    let sim = SimProcess::start(&["--preload", "--time-scale", "10"]);
    http(
        &sim.url,
        "POST",
        "/_sim/incident",
        r#"{"name": "oom", "on": true}"#,
    );
    let t = sim.dashboard("drill");
    t.wait_for(30, "the workloads", |s| s.contains("ai-agent-service"));
    t.send(&["Enter"]);
    let screen = t.wait_for(60, "the pods with an OOM kill", |s| {
        s.contains("pods of deployment ai-agent-service")
            && s.contains("OOMKilled")
            && s.contains("LAST EXIT")
    });
    assert!(screen.contains("ago"), "{screen}");
    t.send(&["j"]);
    t.send(&["Escape"]);
    t.wait_for(10, "the workloads again", |s| {
        s.contains("workloads 2") && !s.contains("pods of deployment")
    });
    t.send(&["q"]);
}
