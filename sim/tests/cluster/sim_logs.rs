//! `kubectl logs` (1.33 and 1.27) against the sim with the bundled stack: the agent
//! containers' lines (start-up, requests served per model), `-f` streaming new lines as
//! simulated time passes, `--previous` after an OOM kill (the last lines before the kill)
//! and its 400 on a container that never restarted, `--tail`, `--since`,
//! `--limit-bytes`, `--timestamps`, and a 404 for an unknown pod.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::{SimThread, http, ok, preload, require_tool, run};

/// An RFC3339Nano UTC time as a sortable string (fraction padded to nine digits).
fn sortable(t: &str) -> String {
    let t = t.trim_end_matches('Z');
    let (secs, frac) = t.split_once('.').unwrap_or((t, ""));
    format!("{secs}.{frac:0<9}")
}

fn in_order(times: &[&str]) -> bool {
    times.windows(2).all(|w| sortable(w[0]) <= sortable(w[1]))
}

fn wait_for<T>(secs: u64, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out after {secs}s: {what}");
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// `kubectl -n ai-agents ARGS` with binary `bin`: (success, stdout, stderr).
fn k(sim: &SimThread, bin: &str, args: &[&str]) -> (bool, String, String) {
    let mut c = sim.kubectl(bin);
    c.args(["-n", "ai-agents"]).args(args);
    run(c)
}

fn k_ok(sim: &SimThread, bin: &str, args: &[&str]) -> String {
    let mut c = sim.kubectl(bin);
    c.args(["-n", "ai-agents"]).args(args);
    ok(c)
}

/// The agent pods: (name, restarts, last termination reason, running).
fn agent_pods(sim: &SimThread, bin: &str) -> Vec<(String, i64, String, bool)> {
    let out = k(
        sim,
        bin,
        &[
            "get",
            "pods",
            "-l",
            "app=ai-agent-service",
            "-o",
            "jsonpath={range .items[*]}{.metadata.name} {.status.containerStatuses[0].restartCount} {.status.containerStatuses[0].lastState.terminated.reason} {.status.containerStatuses[0].state.running.startedAt}{\"\\n\"}{end}",
        ],
    )
    .1;
    out.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            Some((
                f.first()?.to_string(),
                f.get(1)?.parse().unwrap_or(0),
                f.get(2).copied().unwrap_or("").to_string(),
                !f.get(3).copied().unwrap_or("").is_empty(),
            ))
        })
        .collect()
}

/// A running agent pod whose log already holds `ticks` periodic lines.
fn running_agent(sim: &SimThread, bin: &str, ticks: usize) -> String {
    wait_for(25, "a running agent pod with a few periodic lines", || {
        let pod = agent_pods(sim, bin).into_iter().find(|p| p.3)?.0;
        let (_, log, _) = k(sim, bin, &["logs", &pod]);
        let periodic = log.lines().filter(|l| l.contains("in the last 10s"));
        (periodic.count() >= ticks).then_some(pod)
    })
}

fn logs_and_options(bin: &str) {
    if !require_tool(bin) {
        return;
    }
    let sim = SimThread::start(preload(10.0));
    let pod = running_agent(&sim, bin, 4);

    // The preloaded key is rejected: the provider's 401 and its error body.
    let log = k_ok(&sim, bin, &["logs", &pod, "--tail", "1"]);
    assert!(
        log.contains("401 Unauthorized {\"error\":{\"message\":\"Invalid API key provided\""),
        "{log}"
    );
    // A valid key: the requests are served.
    k_ok(
        &sim,
        bin,
        &[
            "create",
            "secret",
            "generic",
            "ai-api-keys",
            "--from-literal=HOLYSHEEP_API_KEY=sk-live-0123456789abcdef0123",
        ],
    );
    let log = k_ok(&sim, bin, &["logs", &pod]);
    let lines: Vec<&str> = log.lines().collect();
    assert!(lines[0].starts_with("INFO ai-agent starting ("), "{log}");
    assert!(
        log.contains("INFO provider https://api.holysheep.ai/v1"),
        "{log}"
    );
    assert!(log.contains("INFO listening on :8000"), "{log}");
    let served = lines
        .iter()
        .find(|l| l.contains("INFO served"))
        .unwrap_or_else(|| panic!("{log}"));
    for m in [
        "gpt-4.1",
        "claude-sonnet-4.5",
        "gemini-2.5-flash",
        "deepseek-v3.2",
    ] {
        assert!(served.contains(m), "{served}");
    }
    // The Deployment's pod, as `kubectl logs deploy/x` picks it.
    let via_deploy = k_ok(&sim, bin, &["logs", "deploy/ai-agent-service"]);
    assert!(
        via_deploy.contains("INFO ai-agent starting"),
        "{via_deploy}"
    );

    // --tail
    let tail = k_ok(&sim, bin, &["logs", &pod, "--tail", "2"]);
    assert_eq!(tail.lines().count(), 2, "{tail}");
    assert!(tail.lines().all(|l| l.contains("served")), "{tail}");

    // --timestamps: RFC3339Nano prefixes, in order.
    let stamped = k_ok(&sim, bin, &["logs", &pod, "--timestamps", "--tail", "3"]);
    let times: Vec<&str> = stamped
        .lines()
        .map(|l| l.split_once(' ').unwrap_or_else(|| panic!("{stamped}")).0)
        .collect();
    assert_eq!(times.len(), 3, "{stamped}");
    for t in &times {
        assert!(
            t.len() >= 20 && t.ends_with('Z') && t.as_bytes()[10] == b'T',
            "{stamped}"
        );
    }
    assert!(in_order(&times), "{stamped}");

    // --since: only the recent periodic lines, not the start-up ones (simulated time: the
    // pod has been up for at least 40 simulated seconds).
    let since = k_ok(&sim, bin, &["logs", &pod, "--since", "25s"]);
    let n = since.lines().count();
    assert!((1..=4).contains(&n), "{since}");
    assert!(!since.contains("starting"), "{since}");

    // --limit-bytes cuts the body.
    let cut = k_ok(&sim, bin, &["logs", &pod, "--limit-bytes", "12"]);
    assert_eq!(cut, "INFO ai-agen", "{cut}");

    // --previous on a container that never restarted: 400 as the real server answers.
    let (success, _, err) = k(&sim, bin, &["logs", &pod, "--previous"]);
    assert!(!success);
    assert!(
        err.contains(&format!(
            "previous terminated container \"ai-agent\" in pod \"{pod}\" not found"
        )),
        "{err}"
    );
    assert!(err.contains(&pod), "{err}");

    // Unknown pod: 404.
    let (success, _, err) = k(&sim, bin, &["logs", "no-such-pod"]);
    assert!(!success);
    assert!(err.contains("pods \"no-such-pod\" not found"), "{err}");
}

fn follow(bin: &str) {
    if !require_tool(bin) {
        return;
    }
    let sim = SimThread::start(preload(10.0));
    let pod = running_agent(&sim, bin, 1);
    let before = k_ok(&sim, bin, &["logs", &pod]).lines().count();
    let mut c = sim.kubectl(bin);
    c.args(["-n", "ai-agents", "logs", "-f", "--timestamps", &pod])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = c.spawn().expect("kubectl logs -f");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // The lines so far, then at least three new periodic lines as simulated time passes
    // (one per simulated 10 s: one per real second at --time-scale 10).
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut got = Vec::new();
    while got.len() < before + 3 {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(l) => got.push(l),
            Err(_) => break,
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        got.len() >= before + 3,
        "only {} lines (had {before}): {got:#?}",
        got.len()
    );
    assert!(got[0].contains("INFO ai-agent starting"), "{got:#?}");
    let new = &got[before..];
    assert!(
        new.iter().all(|l| l.contains("in the last 10s")),
        "{new:#?}"
    );
    let times: Vec<&str> = got.iter().map(|l| l.split(' ').next().unwrap()).collect();
    assert!(in_order(&times), "{got:#?}");
}

fn previous_after_oom(bin: &str) {
    if !require_tool(bin) {
        return;
    }
    let sim = SimThread::start(preload(10.0));
    let resp = http(
        &sim.url,
        "POST",
        "/_sim/incident",
        r#"{"name":"oom","on":true}"#,
    );
    assert!(!resp.contains("Failure"), "{resp}");
    let pod = wait_for(25, "an agent pod OOM-killed", || {
        agent_pods(&sim, bin)
            .into_iter()
            .find(|p| p.1 >= 1 && p.2 == "OOMKilled")
            .map(|p| p.0)
    });
    let prev = k_ok(&sim, bin, &["logs", &pod, "--previous"]);
    assert!(prev.starts_with("INFO ai-agent starting"), "{prev}");
    assert!(prev.contains("WARN memory working set"), "{prev}");
    let last = prev.lines().last().unwrap();
    assert!(
        last.contains("exceeds the container's limit"),
        "last line before the kill: {prev}"
    );
    let tail = k_ok(&sim, bin, &["logs", &pod, "--previous", "--tail", "1"]);
    assert_eq!(tail.trim_end(), last, "{tail}");
}

#[test]
fn kubectl_logs_and_options() {
    logs_and_options("kubectl");
}

#[test]
fn kubectl_1_27_logs_and_options() {
    logs_and_options("kubectl.1.27");
}

#[test]
fn kubectl_logs_follow() {
    follow("kubectl");
}

#[test]
fn kubectl_1_27_logs_follow() {
    follow("kubectl.1.27");
}

#[test]
fn kubectl_logs_previous_after_oom() {
    previous_after_oom("kubectl");
}

#[test]
fn kubectl_1_27_logs_previous_after_oom() {
    previous_after_oom("kubectl.1.27");
}

/// Several containers: the container must be named, with the real message.
#[test]
fn multi_container_pod_needs_a_container_name() {
    let sim = SimThread::start(preload(1.0));
    let pod = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"two","namespace":"ai-agents"},"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]}}"#;
    http(&sim.url, "POST", "/api/v1/namespaces/ai-agents/pods", pod);
    let out = http(
        &sim.url,
        "GET",
        "/api/v1/namespaces/ai-agents/pods/two/log",
        "",
    );
    assert!(
        out.contains("a container name must be specified for pod two, choose one of: [a b]"),
        "{out}"
    );
    assert!(out.contains("\"code\":400"), "{out}");
}
