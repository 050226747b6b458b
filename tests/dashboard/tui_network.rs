//! The dashboard (real binary, real terminal) on a network as unkind as production: the API
//! server blackholed for a minute (connections accepted, nothing answered, nothing closed),
//! every connection reset, a 503 outage, the API server restarted (its state kept in a
//! state file, as etcd keeps it). Each time the header says "stale" within 30 s, and within
//! 30 s of the server coming back it is fresh again — without restarting agentdeck.

use crate::common;

use std::time::{Duration, Instant};

use crate::common::tmux::Tmux;
use crate::common::{SimProcess, require_tool};

/// The header line (first line of the screen).
fn header(screen: &str) -> &str {
    screen.lines().next().unwrap_or_default()
}

fn fresh(screen: &str) -> bool {
    let h = header(screen);
    h.contains("cluster ●") && !h.contains("stale")
}

fn stale(screen: &str) -> bool {
    header(screen).contains("stale")
}

fn fault(sim: &SimProcess, body: &str) {
    let answer = common::http(&sim.url, "POST", "/_sim/faults", body);
    assert!(
        answer.contains('{'),
        "the fault endpoint answered {answer:?}"
    );
}

/// Scale redis with the CLI and wait for the dashboard to show it: proof that it is live.
fn change_shows(t: &Tmux, sim: &SimProcess, replicas: u32, what: &str) {
    let (code, out, err) = sim.agentdeck(
        &[
            "scale",
            "redis",
            &replicas.to_string(),
            "--yes",
            "--timeout",
            "60s",
        ],
        "",
    );
    assert_eq!(code, 0, "{out}\n{err}");
    let want = format!("{replicas}/{replicas}");
    t.wait_for(30, what, |s| {
        fresh(s) && s.lines().any(|l| l.contains("redis") && l.contains(&want))
    });
}

/// Stale within 30 s of `start` of the fault.
fn stale_in_time(t: &Tmux, started: Instant, what: &str) {
    t.wait_for(30, what, stale);
    eprintln!("{what}: after {:.1?}", started.elapsed());
    assert!(
        started.elapsed() <= Duration::from_secs(30),
        "{what}: stale only after {:?}",
        started.elapsed()
    );
}

#[test]
#[allow(clippy::too_many_lines)] // a scenario: one session, read top to bottom
fn the_dashboard_survives_blackhole_reset_and_outage() {
    if !require_tool("tmux") {
        return;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let state = tempfile::tempdir().unwrap();
    let state_file = state.path().join("sim-state.json");
    let listen = format!("127.0.0.1:{port}");
    let args = [
        "--preload",
        "--time-scale",
        "5",
        "--listen",
        &listen,
        "--state-file",
        state_file.to_str().unwrap(),
    ];
    let mut sim = SimProcess::start(&args);
    let t = sim.dashboard("network");
    t.wait_for(40, "the dashboard with the agents ready", |s| {
        fresh(s) && s.contains("ai-agent-service") && s.contains("3/3")
    });

    // A dead VPN: accepted, never answered, never closed — for a minute.
    let started = Instant::now();
    fault(&sim, r#"{"blackhole": true}"#);
    stale_in_time(&t, started, "stale during the blackhole");
    // A write against the dead network fails with a clear message within its timeout
    // instead of hanging.
    let write = Instant::now();
    let (code, out, err) = sim.agentdeck(&["restart", "redis", "--yes"], "");
    eprintln!(
        "a write during the blackhole failed after {:.1?}",
        write.elapsed()
    );
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(err.contains("did not answer in time"), "{err}");
    assert!(
        write.elapsed() <= Duration::from_secs(40),
        "{:?}",
        write.elapsed()
    );
    std::thread::sleep(Duration::from_secs(60).saturating_sub(started.elapsed()));
    let back = Instant::now();
    fault(&sim, r#"{"blackhole": false}"#);
    t.wait_for(30, "fresh after the blackhole", fresh);
    eprintln!("fresh after the blackhole: after {:.1?}", back.elapsed());
    assert!(back.elapsed() <= Duration::from_secs(30));
    change_shows(&t, &sim, 2, "a change after the blackhole");

    // Every connection reset at once.
    let reset = Instant::now();
    fault(&sim, r#"{"reset": true}"#);
    change_shows(&t, &sim, 1, "a change after the reset");
    eprintln!(
        "a change shown after the reset: after {:.1?}",
        reset.elapsed()
    );

    // An outage: every call answers 503.
    let started = Instant::now();
    fault(&sim, r#"{"unavailable": true}"#);
    stale_in_time(&t, started, "stale during the 503 outage");
    let back = Instant::now();
    fault(&sim, r#"{"unavailable": false}"#);
    t.wait_for(30, "fresh after the outage", fresh);
    eprintln!("fresh after the outage: after {:.1?}", back.elapsed());
    assert!(back.elapsed() <= Duration::from_secs(30));
    change_shows(&t, &sim, 2, "a change after the outage");

    // The API server restarts (SIGTERM saves its state; the new one continues from it).
    let started = Instant::now();
    let term = std::process::Command::new("kill")
        .args(["-TERM", &sim.child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let _ = sim.child.wait();
    stale_in_time(&t, started, "stale while the API server is down");
    sim = SimProcess::start(&args);
    let back = Instant::now();
    t.wait_for(30, "fresh after the restart", fresh);
    eprintln!("fresh after the restart: after {:.1?}", back.elapsed());
    assert!(back.elapsed() <= Duration::from_secs(30));
    change_shows(&t, &sim, 1, "a change after the restart");

    // Still the same process: quit cleanly.
    t.send(&["q"]);
    t.wait_for(15, "the shell prompt after q", |s| {
        s.lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.starts_with("ready$"))
    });
}

/// The API server restarted without its state (an etcd restore): its resourceVersions start
/// again below ours. The dashboard shows the new truth — redis back to 1/1, only the pods
/// that exist — within one relist, not after minutes of "Too large resource version".
#[test]
fn a_restart_without_its_state_shows_the_new_truth() {
    if !require_tool("tmux") {
        return;
    }
    let port = common::free_port();
    let listen = format!("127.0.0.1:{port}");
    let args = ["--preload", "--time-scale", "5", "--listen", &listen];
    let mut sim = SimProcess::start(&args);
    let t = sim.dashboard("restore");
    t.wait_for(40, "the dashboard with the agents ready", |s| {
        fresh(s) && s.contains("ai-agent-service") && s.contains("3/3")
    });
    change_shows(&t, &sim, 3, "redis scaled to 3 on the first server");
    sim.child.kill().unwrap();
    let _ = sim.child.wait();
    sim = SimProcess::start(&args);
    let started = Instant::now();
    let screen = t.wait_for(60, "the new server's truth: redis 1/1", |s| {
        fresh(s) && s.lines().any(|l| l.contains("redis") && l.contains("1/1"))
    });
    eprintln!(
        "the new truth after {:.1?}; header: {}",
        started.elapsed(),
        header(&screen)
    );
    let (_, out, _) = sim.agentdeck(&["-n", "ai-agents", "status", "-o", "json"], "");
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    let pods: u64 = s["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            w["pods"]["running"].as_u64().unwrap_or(0) + w["pods"]["pending"].as_u64().unwrap_or(0)
        })
        .sum();
    t.wait_for(30, "only the pods that exist", |s| {
        s.contains(&format!("· {pods} pods"))
    });
    t.send(&["q"]);
}
