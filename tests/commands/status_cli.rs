//! `agentdeck status` (the real binary) against the sim: whatever the cluster says is
//! printed without escape sequences or control characters, so an event message cannot clear
//! the operator's screen, retitle the terminal or fake agentdeck's own "healthy" line; and
//! 10,000 pods of a 50,000-pod cluster counted while peers poll it.

use crate::common;

use crate::common::SimProcess;

#[test]
fn hostile_event_text_never_reaches_the_terminal() {
    let sim = SimProcess::start(&["--preload", "--time-scale", "10"]);
    let message = "boom\u{1b}[2J\u{1b}[H\u{1b}]0;owned\u{7}\u{1b}]8;;http://evil\u{1b}\\click\u{1b}]8;;\u{1b}\\\nstatus: healthy";
    let event = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": "hostile.1", "namespace": "ai-agents"},
        "involvedObject": {"kind": "Pod", "name": "ai-agent-service-x\u{1b}[31m", "namespace": "ai-agents"},
        "reason": "Evil\u{9b}2J",
        "message": message,
        "type": "Warning",
        "count": 1,
    });
    let created = common::http(
        &sim.url,
        "POST",
        "/api/v1/namespaces/ai-agents/events",
        &event.to_string(),
    );
    assert!(created.contains("hostile.1"), "{created}");

    let (_, text, err) = sim.agentdeck(&["status"], "");
    assert!(text.contains("boomclick"), "the words stay: {text}\n{err}");
    let (_, json, _) = sim.agentdeck(&["status", "--json"], "");
    for (what, out) in [("text", &text), ("json", &json)] {
        assert!(
            !out.contains('\u{1b}'),
            "{what} output holds an ESC byte: {out:?}"
        );
        assert!(
            !out.chars().any(|c| c.is_control() && c != '\n'),
            "{what} output holds a control character: {out:?}"
        );
        assert!(!out.contains("\\u001b"), "{what}: an escaped ESC: {out}");
    }
    // The message's own "status: healthy" stays inside its warning line: the only line
    // that starts with "status:" is agentdeck's verdict.
    let verdicts = text.lines().filter(|l| l.starts_with("status:")).count();
    assert_eq!(verdicts, 1, "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("warning Evil") && l.ends_with("status: healthy")),
        "{text}"
    );
}

/// What the dashboard refuses, `status` refuses too, naming the config file; a config line
/// with escape bytes is quoted without them; a config that is no file is refused at once.
#[test]
fn config_errors_name_the_file_and_print_no_control_bytes() {
    let sim = SimProcess::start(&["--preload"]);
    let dir = tempfile::tempdir().unwrap();
    let run = |text: &str| {
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        sim.agentdeck(&["--config", path.to_str().unwrap(), "status"], "")
    };
    let path = dir.path().join("config.toml").display().to_string();
    let (code, _, err) = run("[keys]\nscale = \"r\"\n");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&path) && err.contains("both bound"), "{err}");
    let (code, _, err) = run("[ui]\ntheme = \"nope\"\n");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&path) && err.contains("no such theme"),
        "{err}"
    );
    let (code, _, err) = run("[ui]\ntheme = \"x\u{1b}[2J\u{1b}]0;owned\u{7}\"\n");
    assert_ne!(code, 0, "{err}");
    assert!(err.contains(&path), "{err}");
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    let (code, _, err) = sim.agentdeck(&["--config", "/dev/zero", "status"], "");
    assert_ne!(code, 0);
    assert!(
        err.contains("/dev/zero") && err.contains("not a regular file"),
        "{err}"
    );
}

/// A hostile Prometheus on loopback: what every query gets, by mode.
fn hostile_prometheus(mode: &'static str) -> String {
    use axum::response::IntoResponse;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let handler = move |req: axum::extract::Request| async move {
                let json = |s: String| ([("content-type", "application/json")], s).into_response();
                let query = req.uri().query().unwrap_or("").to_string();
                let body = axum::body::to_bytes(req.into_body(), 1 << 20).await.unwrap_or_default();
                let asked = format!("{query} {}", String::from_utf8_lossy(&body));
                // Detection finds the example stack, so its queries are asked.
                if asked.contains("group") {
                    return json(
                        r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"http_requests_total","code":"200"},"value":[1,"1"]},{"metric":{"__name__":"ai_tokens_used_total"},"value":[1,"1"]},{"metric":{"__name__":"http_request_duration_seconds_count"},"value":[1,"1"]}]}}"#
                            .into(),
                    );
                }
                match mode {
                    // A cardinality explosion: 50 MB of series.
                    "huge" => json(format!(
                        r#"{{"status":"success","data":{{"resultType":"vector","result":[{}]}}}}"#,
                        vec![r#"{"metric":{"model":"m"},"value":[1,"1"]}"#; 1_250_000].join(",")
                    )),
                    // A proxy's error page.
                    "html" => (
                        axum::http::StatusCode::BAD_GATEWAY,
                        [("content-type", "text/html")],
                        "<html><body><h1>502 Bad Gateway</h1></body></html>",
                    )
                        .into_response(),
                    "not-json" => json("{\"status\":\"success\",\"data\":".into()),
                    // A proxy that trickles: a byte every 200 ms, for a minute.
                    "trickle" => {
                        let bytes = futures::stream::unfold(0u32, |i| async move {
                            if i >= 300 {
                                return None;
                            }
                            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                            Some((Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b" ")), i + 1))
                        });
                        axum::body::Body::from_stream(bytes).into_response()
                    }
                    // Values no quantity can take.
                    _ => json(
                        r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"+Inf"]}]}}"#
                            .into(),
                    ),
                }
            };
            let app = axum::Router::new().fallback(axum::routing::any(handler));
            let l = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(l, app).await.unwrap();
        });
    });
    url
}

/// `agentdeck ARGS` against `sim`, with its peak resident set (KiB) read from
/// /proc/PID/status (VmHWM, a high-water mark) until it exits. (The children's rusage would
/// count this test process's own pages, copied at the fork before the exec.)
fn measured(sim: &SimProcess, args: &[&str]) -> (i32, String, i64) {
    use std::io::Read;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_agentdeck"))
        .arg("--kubeconfig")
        .arg(&sim.kubeconfig)
        .args(args)
        .env("HOME", sim.dir.path())
        .env("AGENTDECK_LOG_FILE", sim.dir.path().join("agentdeck.log"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let code = loop {
        if let Ok(text) = std::fs::read_to_string(&status)
            && let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<i64>().ok())
        {
            peak = peak.max(kib);
        }
        if let Some(st) = child.try_wait().unwrap() {
            break st.code().unwrap_or(-1);
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    (code, reader.join().unwrap(), peak)
}

/// Oversized, HTML, truncated JSON and infinite answers: `status` says so on the metrics,
/// is never "healthy" on them, and stays small.
#[test]
fn a_hostile_prometheus_is_never_healthy_and_stays_small() {
    let sim = SimProcess::start(&["--preload"]);
    let cfg = sim.dir.path().join("prom.toml");
    std::fs::write(&cfg, "[prometheus]\ntimeout_secs = 2\n").unwrap();
    let mut peak = 0;
    for (mode, says) in [
        ("huge", "over 2 MiB (prometheus.max_answer_mib)"),
        ("html", "HTTP 502"),
        ("not-json", "unexpected prometheus response"),
        ("inf", "invalid answer: inf"),
        ("trickle", "timed out after 2s"),
    ] {
        let url = hostile_prometheus(mode);
        let args = [
            "-n",
            "ai-agents",
            "--config",
            cfg.to_str().unwrap(),
            "status",
            "-o",
            "json",
            "--prometheus-url",
            &url,
        ];
        let started = std::time::Instant::now();
        let (code, out, kib) = measured(&sim, &args);
        peak = peak.max(kib);
        // The timeout covers the body: a trickle ends with it, not after a minute.
        let took = started.elapsed();
        assert!(
            took < std::time::Duration::from_secs(30),
            "{mode}: {took:?}"
        );
        let s: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{mode}: {e}\n{out}"));
        assert_eq!(
            code, 1,
            "{mode}: never healthy on answers nobody can read\n{s:#}"
        );
        assert_eq!(s["healthy"], false, "{mode}");
        // A trickle times every query out: the source is as good as unreachable.
        let want = match mode {
            "trickle" => "metrics-unreachable",
            _ => "metrics-unreadable",
        };
        assert!(
            common::problem_ids(&s).contains(&want.to_string()),
            "{mode}: {s:#}"
        );
        let p95 = s["metrics"]["p95Ms"].to_string();
        assert!(p95.contains(says), "{mode}: p95 {p95}");
        let (_, text, _) = sim.agentdeck(
            &[
                "-n",
                "ai-agents",
                "--config",
                cfg.to_str().unwrap(),
                "status",
                "--prometheus-url",
                &url,
            ],
            "",
        );
        assert!(
            !text.contains("inf %") && !text.contains("NaN"),
            "{mode}: {text}"
        );
        eprintln!("{mode}: status peaked at {} MiB", kib / 1024);
    }
    let rss_mib = peak / 1024;
    eprintln!("status against a hostile Prometheus: at most {rss_mib} MiB resident");
    assert!(rss_mib < 64, "{rss_mib} MiB");
}

/// A context named with a line break and escape bytes: one line, no escape reaches the
/// terminal, and a mistyped `--context` among many names a handful.
#[test]
fn hostile_context_names_stay_on_their_line() {
    let sim = SimProcess::start(&["--preload"]);
    let text = std::fs::read_to_string(&sim.kubeconfig).unwrap();
    let mut kc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
    let evil = "evil\nstatus: healthy\u{1b}[31m";
    kc["contexts"][0]["name"] = evil.into();
    kc["current-context"] = evil.into();
    let mut many = kc["contexts"][0].clone();
    for i in 0..500 {
        many["name"] = format!("team-{i:03}").into();
        kc["contexts"].as_sequence_mut().unwrap().push(many.clone());
    }
    let path = sim.dir.path().join("evil-kubeconfig");
    std::fs::write(&path, serde_yaml_ng::to_string(&kc).unwrap()).unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_agentdeck"))
            .arg("--kubeconfig")
            .arg(&path)
            .args(args)
            .env("HOME", sim.dir.path())
            .env("AGENTDECK_LOG_FILE", sim.dir.path().join("evil.log"))
            .output()
            .unwrap();
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (out, err) = run(&["status", "-o", "wide"]);
    let first = out.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("context evil status: healthy"),
        "{out}\n{err}"
    );
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(
        !out.lines().any(|l| l.starts_with("status: healthy")),
        "{out}"
    );
    let (_, err) = run(&["--context", "team-42", "status"]);
    assert!(err.contains("closest: \"team-420\""), "{err}");
    assert!(err.contains("more: kubectl config get-contexts"), "{err}");
    assert!(err.len() < 600, "{} bytes: {err}", err.len());
}

/// Normal work raises no alarm: right after `kubectl scale` and `kubectl delete pod`,
/// `status` sees fewer ready pods than desired — and says so as settling, not as a problem
/// (exit 0), as the dashboard's strip waits its grace (README: "for a minute").
#[test]
fn a_scale_and_a_deleted_pod_are_no_problem_within_the_grace() {
    if !common::require_tool("kubectl") {
        return;
    }
    let sim = SimProcess::start(&["--preload"]);
    let ready = |s: &serde_json::Value| {
        s["workloads"]
            .as_array()
            .is_some_and(|ws| ws.iter().all(|w| w["ready"] == w["desired"]))
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !ready(&sim.status_json(None, "ai-agents")) {
        assert!(
            std::time::Instant::now() < deadline,
            "the stack never got ready"
        );
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    let kubectl = |args: &[&str]| {
        let mut c = sim.kubectl("kubectl");
        c.args(args);
        common::ok(c)
    };
    let pods = kubectl(&[
        "-n",
        "ai-agents",
        "get",
        "pods",
        "-l",
        "app=ai-agent-service",
        "-o",
        "name",
    ]);
    let pod = pods.lines().next().expect("an agent pod").to_string();
    kubectl(&["-n", "ai-agents", "scale", "deploy/redis", "--replicas=3"]);
    kubectl(&["-n", "ai-agents", "delete", &pod, "--wait=false"]);
    let mut short = 0;
    for _ in 0..4 {
        let (code, out, err) = sim.agentdeck(&["-n", "ai-agents", "status", "-o", "json"], "");
        let s: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
        if !ready(&s) {
            short += 1;
        }
        assert_eq!(
            s["problems"],
            serde_json::json!([]),
            "a normal scale is no problem: {s:#}"
        );
        assert_eq!(code, 0, "{out}");
    }
    assert!(
        short > 0,
        "status never saw the pods starting: the check proved nothing"
    );
}

/// One rule decides the namespace for every command: a context set to `monitoring` makes
/// `status` and `metrics` both look at `monitoring` (its PromQL too), and `-n` wins over it.
#[test]
fn every_command_takes_the_namespace_by_one_rule() {
    if !common::require_tool("kubectl") {
        return;
    }
    let sim = SimProcess::start(&["--preload"]);
    let mut c = sim.kubectl("kubectl");
    c.args([
        "config",
        "set-context",
        "--current",
        "--namespace=monitoring",
    ]);
    common::ok(c);
    let prom = hostile_prometheus("inf");
    let ns_of = |args: &[&str]| -> String {
        let (code, out, err) = sim.agentdeck(args, "");
        assert!(code == 0 || code == 1, "{args:?}: {out}{err}");
        let v: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
        v["namespace"].as_str().unwrap_or_default().to_string()
    };
    for flags in [vec![], vec!["-n", "ai-agents"]] {
        let want = if flags.is_empty() {
            "monitoring"
        } else {
            "ai-agents"
        };
        let with = |rest: &[&'static str]| -> Vec<&str> {
            let mut a: Vec<&str> = flags.clone();
            a.extend(["--prometheus-url", &prom]);
            a.extend(rest);
            a
        };
        assert_eq!(ns_of(&with(&["status", "-o", "json"])), want);
        assert_eq!(ns_of(&with(&["metrics", "-o", "json"])), want);
    }
}

/// Two peers (a Table lister like k9s or kubetui, a JSON lister like kdash) polling all
/// 50,000 pods of the cluster while agentdeck lists the 10,000 of one namespace: the
/// sim keeps answering small requests (its lists run off the runtime's threads), and
/// `status` pages through all 10,000 pods to the end — none shown as 0, nothing assumed.
#[test]
fn ten_thousand_pods_are_listed_while_peers_poll() {
    use std::io::{Read, Write};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};
    let sim = SimProcess::start(&["--preload", "--extra-pods", "50000"]);
    let host = sim.url.trim_start_matches("http://").to_string();
    let get = |host: &str, path: &str, accept: &str| -> usize {
        let mut s = std::net::TcpStream::connect(host).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: {accept}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut body = Vec::new();
        let _ = s.read_to_end(&mut body);
        body.len()
    };
    let stop = Arc::new(AtomicBool::new(false));
    let peers: Vec<_> = [
        "application/json;as=Table;g=meta.k8s.io;v=v1",
        "application/json",
    ]
    .into_iter()
    .map(|accept| {
        let (stop, host) = (stop.clone(), host.clone());
        std::thread::spawn(move || {
            let mut lists = 0;
            while !stop.load(Ordering::Relaxed) {
                assert!(get(&host, "/api/v1/pods", accept) > 1_000_000);
                lists += 1;
            }
            lists
        })
    })
    .collect();
    std::thread::sleep(Duration::from_secs(2));
    let asked = Instant::now();
    assert!(get(&host, "/version", "application/json") > 0);
    let version = asked.elapsed();
    let started = Instant::now();
    let (code, out, err) = sim.agentdeck(&["-n", "load-1", "status", "-o", "json"], "");
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let lists: usize = peers.into_iter().map(|p| p.join().unwrap()).sum();
    eprintln!(
        "under {lists} peer lists of 50,000 pods: /version in {version:.2?}, status of 10,000 pods in {took:.1?}"
    );
    assert!(code == 0 || code == 1, "{err}");
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    // Every pod counted, in whatever phase the sim's controllers have it at the moment.
    let pods: u64 = s["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|w| {
            ["pending", "running", "terminating", "failed"]
                .map(|k| w["pods"][k].as_u64().unwrap_or(0))
        })
        .sum();
    assert!((9_990..=10_010).contains(&pods), "{pods} pods: {s:#}");
    assert_eq!(s["unreadable"], serde_json::json!({}), "{s:#}");
    assert!(
        version < Duration::from_secs(5),
        "/version took {version:?}"
    );
}
