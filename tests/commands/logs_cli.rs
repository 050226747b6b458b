//! `agentdeck logs` against the simulated cluster, which serves pods/log like the
//! kube-apiserver: a workload's best pod, --tail, --previous (and the server's 400 when
//! there is none), -f following new lines, clear errors for what cannot be read.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{SimProcess, http};

fn logs(sim: &SimProcess, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["logs"];
    all.extend_from_slice(args);
    sim.agentdeck(&all, "")
}

/// The sim with the stack, once the agents' pods have started.
fn sim_with_agents() -> SimProcess {
    let sim = SimProcess::start(&["--preload", "--time-scale", "10"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while logs(&sim, &["deploy/ai-agent-service", "--tail", "1"]).0 != 0 {
        assert!(Instant::now() < deadline, "the agents never started");
        std::thread::sleep(Duration::from_millis(300));
    }
    sim
}

#[test]
fn a_workloads_logs_tail_and_clear_refusals() {
    let sim = sim_with_agents();
    let (code, out, err) = logs(&sim, &["deploy/ai-agent-service", "--tail", "2"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(
        err.contains("Found 3 pods, using pod/ai-agent-service-"),
        "{err}"
    );
    // Without a key the agents log the provider's 401 (what the runbook's 401 is about).
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (code, out, _) = logs(&sim, &["ai-agent-service"]);
        assert_eq!(code, 0);
        if out.contains("401 Unauthorized") {
            break;
        }
        assert!(Instant::now() < deadline, "no 401 line: {out}");
        std::thread::sleep(Duration::from_millis(500));
    }

    let (code, _, err) = logs(&sim, &["ai-agent-service", "--previous"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("previous terminated container \"ai-agent\" in pod")
            && err.contains("not found"),
        "{err}"
    );
    let (code, _, err) = logs(&sim, &["nope"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no pod or deployment named nope in ai-agents"),
        "{err}"
    );
    let (code, _, err) = logs(&sim, &["svc/ai-agent-service"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not a kind logs are read from"), "{err}");
    // As kubectl: --tail=-1 is every line; other negative counts are refused.
    let (code, all, _) = logs(&sim, &["ai-agent-service", "--tail=-1"]);
    assert_eq!(code, 0);
    assert!(all.lines().count() > 2, "{all}");
    let (code, _, err) = logs(&sim, &["ai-agent-service", "--tail=-3"]);
    assert_eq!(code, 2);
    assert!(err.contains("--tail"), "{err}");
}

#[test]
fn follow_prints_new_lines_as_they_come() {
    let sim = sim_with_agents();
    let mut child = Command::new(env!("CARGO_BIN_EXE_agentdeck"))
        .args(["--kubeconfig"])
        .arg(&sim.kubeconfig)
        .args([
            "logs",
            "-f",
            "--timestamps",
            "--tail",
            "1",
            "ai-agent-service",
        ])
        .env("HOME", sim.dir.path())
        .env("AGENTDECK_LOG_FILE", sim.dir.path().join("follow.log"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn agentdeck logs -f");
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut got = Vec::new();
    while got.len() < 4 && Instant::now() < deadline {
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(500)) {
            got.push(l);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        got.len() >= 4,
        "only {} lines while following: {got:#?}",
        got.len()
    );
    // New lines, in time order.
    let times: Vec<&str> = got
        .iter()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{got:#?}");
}

#[test]
fn previous_shows_the_last_lines_before_an_oom_kill() {
    let sim = sim_with_agents();
    http(
        &sim.url,
        "POST",
        "/_sim/incident",
        r#"{"name": "oom", "on": true}"#,
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    let out = loop {
        let (code, out, _) = logs(
            &sim,
            &["deploy/ai-agent-service", "--previous", "--tail", "1"],
        );
        if code == 0 && !out.is_empty() {
            break out;
        }
        assert!(
            Instant::now() < deadline,
            "no previous container within 60 s"
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    assert!(out.contains("exceeds the container's limit"), "{out}");
}
