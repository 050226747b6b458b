//! The `agentdeck` binary: `sim` writes its kubeconfig, stops cleanly on SIGTERM, and bad
//! flags get a clear message and a non-zero exit.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::SimProcess;

#[test]
fn sim_writes_kubeconfig_and_stops_on_sigterm() {
    let mut sim = SimProcess::start(&["--preload"]);
    let kc = std::fs::read_to_string(&sim.kubeconfig).unwrap();
    assert!(kc.contains(&format!("server: {}", sim.url)), "{kc}");
    assert!(kc.contains("current-context: agentdeck-sim") && kc.contains("namespace: ai-agents"));
    let pid = sim.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = sim.child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status:?}");
            break;
        }
        assert!(Instant::now() < deadline, "sim did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn fails_with(args: &[&str], needle: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_agentdeck"))
        .args(args)
        .env(
            "AGENTDECK_LOG_FILE",
            std::env::temp_dir().join("agentdeck-cli-test.log"),
        )
        .output()
        .unwrap();
    assert!(!out.status.success(), "{args:?} should fail");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(needle), "{args:?}: {err}");
}

#[test]
fn bad_sim_flags_are_refused_with_the_reason() {
    fails_with(
        &["sim", "--listen", "0.0.0.0:0"],
        "only listens on loopback",
    );
    fails_with(&["sim", "--deny", "patch"], "expected \"VERB RESOURCE\"");
    fails_with(&["sim", "--time-scale", "0"], "--time-scale 0");
    fails_with(&["sim", "--extra-pods=-3"], "--extra-pods");
    fails_with(&["sim", "--extra-pods", "900000"], "at most 50000");
}
