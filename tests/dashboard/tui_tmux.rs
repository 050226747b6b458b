//! The real binary in a real terminal: `agentdeck demo` under tmux shows pod counts, the
//! HPA, p50/p95, tokens and $/hour within seconds; `q` exits and the terminal is restored.

use crate::common;

use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::require_tool;
use crate::common::tmux::Tmux;

/// A screen's words, borders removed: a dialog wraps its text over several lines.
fn joined_words(screen: &str) -> String {
    screen
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The demo's API server, from the kubeconfig it wrote under `tmp`.
fn demo_server(tmp: &std::path::Path) -> String {
    let kc = std::fs::read_dir(tmp)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("kubeconfig"))
        .find(|p| p.exists())
        .expect("demo kubeconfig");
    let text = std::fs::read_to_string(kc).unwrap();
    text.lines()
        .find_map(|l| l.trim().strip_prefix("server: "))
        .expect("server line")
        .to_string()
}

#[test]
#[allow(clippy::too_many_lines)] // a scenario: one session, read top to bottom
fn demo_in_a_real_terminal() {
    if !require_tool("tmux") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let t = Tmux::start("demo", 140, 42, &[("HOME", home.to_str().unwrap())]);
    let bin = env!("CARGO_BIN_EXE_agentdeck");
    let log = dir.path().join("agentdeck.log");
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let line = format!(
        "TMPDIR={} AGENTDECK_LOG_FILE={} {bin} demo --time-scale 5",
        tmp.display(),
        log.display()
    );
    t.send(&[&line, "Enter"]);

    let screen = t.wait_for(
        40,
        "the dashboard with pods, HPA, latency, tokens and cost",
        |s| {
            s.contains("ai-agent-service")
                && s.contains("3/3")
                && s.contains("hpa ai-agent-hpa")
                && s.contains("p95")
                && s.contains("/min")
                && s.contains("/h")
                && s.contains("metrics ● simulated")
        },
    );
    assert_eq!(
        t.display("#{alternate_on}"),
        "1",
        "the TUI uses the alternate screen"
    );
    assert!(screen.contains("ctx agentdeck-sim"), "{screen}");

    // Help, then back.
    t.send(&["?"]);
    t.wait_for(5, "help overlay", |s| {
        s.contains("keys — ? or Esc to close")
    });
    t.send(&["Escape"]);
    t.wait_for(5, "help closed", |s| {
        !s.contains("keys — ? or Esc to close")
    });

    // r on the selected workload (ai-agent-service), confirm, watch the rollout finish.
    t.send(&["r"]);
    let confirm = t.wait_for(10, "the confirmation dialog", |s| {
        s.contains("rollout restart deployment ai-agent-service") && s.contains("[y]")
    });
    let words = joined_words(&confirm);
    assert!(
        words.contains("in namespace ai-agents") && words.contains("(context agentdeck-sim)?"),
        "the question names where the write lands: {confirm}"
    );
    t.send(&["y"]);
    t.wait_for(90, "the rollout to finish", |s| {
        s.contains("successfully rolled out")
    });
    // Cross-check with kubectl against the demo's cluster, and the audit line.
    if common::find_tool("kubectl").is_some() {
        let kc = std::fs::read_dir(&tmp)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path().join("kubeconfig"))
            .find(|p| p.exists())
            .expect("demo kubeconfig");
        let mut c = Command::new(common::find_tool("kubectl").unwrap());
        c.env("HOME", &home).env("KUBECONFIG", &kc).args([
            "get",
            "deploy",
            "ai-agent-service",
            "-n",
            "ai-agents",
            "-o",
            r#"jsonpath={.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}"#,
        ]);
        let at = common::ok(c);
        assert!(at.ends_with('Z'), "restartedAt = {at:?}");
    }
    let audit = std::fs::read_to_string(home.join(".local/state/agentdeck/audit.log")).unwrap();
    assert!(
        audit.contains(r#""operation":"restart""#) && audit.contains(r#""result":"ok""#),
        "{audit}"
    );

    // A plan that arrives while the user types in the filter waits: a slow API server
    // (1.5 s a request) makes sure the plan is still out when `/` opens the filter.
    let server = demo_server(&tmp);
    common::http(&server, "POST", "/_sim/faults", r#"{"latency_ms": 1500}"#);
    t.send(&["r", "/", "zy"]);
    let waiting = t.wait_for(30, "the plan waiting behind the filter", |s| {
        s.contains("a confirmation is waiting")
    });
    assert!(
        waiting.contains("/zy") && !waiting.contains("[y]"),
        "the typed y stays text, no dialog took the focus:\n{waiting}"
    );
    common::http(&server, "POST", "/_sim/faults", r#"{"latency_ms": 0}"#);
    t.send(&["Escape"]);
    t.wait_for(
        10,
        "the waiting confirmation, once the filter closed",
        |s| s.contains("rollout restart deployment ai-agent-service") && s.contains("[y]"),
    );
    t.send(&["n"]);
    t.wait_for(10, "the cancellation", |s| {
        s.contains("cancelled; nothing was changed")
    });

    // :deploy — a plan from the server-side dry run, then apply.
    t.send(&[":deploy", "Enter"]);
    let plan = t.wait_for(30, "the deploy plan", |s| {
        s.contains("deploy the stack to context agentdeck-sim") && s.contains("[y]")
    });
    let words = joined_words(&plan);
    assert!(
        words.contains("skipped") && words.contains("virtualservice/agent-routing"),
        "{plan}"
    );
    // The demo's Deployment already points at the simulated provider the config names: a
    // fresh demo's deploy changes nothing.
    assert!(
        words.contains("0 to create, 0 to update"),
        "a fresh demo is as the stack declares it:\n{plan}"
    );
    t.send(&["y"]);
    t.wait_for(60, "the deploy result", |s| s.contains("deployed:"));

    // s — type the replica count; the HPA note is in the confirmation.
    t.send(&["s"]);
    t.wait_for(10, "the scale dialog", |s| {
        s.contains("scale ai-agent-service") && s.contains("replicas: 3")
    });
    t.send(&["BSpace", "4", "Enter"]);
    let confirm = t.wait_for(20, "the scale confirmation", |s| s.contains("[y]"));
    let words = joined_words(&confirm);
    assert!(
        words.contains("replicas 3 → 4 now") && words.contains("minReplicas goes 3 → 4"),
        "{confirm}"
    );
    t.send(&["y"]);
    t.wait_for(60, "the scale to finish", |s| {
        s.contains("ai-agent-service has 4 replicas ready")
    });

    // :rotate-key — masked input, provider check, confirm, restart of the readers.
    let key = format!("sk-tui-{:024x}", std::process::id() as u128 * 104_729);
    t.send(&[":rotate-key", "Enter"]);
    t.wait_for(10, "the key dialog", |s| {
        s.contains("rotate the provider API key")
    });
    t.send(&["-l", &key]);
    let typed = t.wait_for(10, "the masked key", |s| s.contains("••••••••••"));
    assert!(!typed.contains(&key), "the key is on screen");
    t.send(&["Enter"]);
    let confirm = t.wait_for(20, "the rotation confirmation", |s| {
        s.contains("the provider accepts the key") && s.contains("[y]")
    });
    // The dialog wraps its text: look at the words.
    let words = joined_words(&confirm);
    assert!(
        words.contains("HOLYSHEEP_API_KEY")
            && words.contains("ai-api-keys")
            && words.contains("restart"),
        "{confirm}"
    );
    t.send(&["y"]);
    let done = t.wait_for(120, "the rotation and restart", |s| {
        s.contains("restarted ai-agent-service")
    });
    assert!(!done.contains(&key));

    // :ns monitoring — the agents' metrics do not follow into a namespace without agents:
    // no numbers, and the strip cannot tell (it does not say "no problems" on them).
    t.send(&[":ns monitoring", "Enter"]);
    let other = t.wait_for(30, "the monitoring namespace", |s| {
        s.contains("ns monitoring") && s.contains("cannot tell: provider key")
    });
    eprintln!("{other}");
    assert!(!other.contains("/min") && !other.contains("$"), "{other}");
    t.send(&[":ns ai-agents", "Enter"]);
    t.wait_for(30, "the agents' metrics back", |s| {
        s.contains("ns ai-agents") && s.contains("/min")
    });

    // q quits and restores the terminal: primary screen, the shell prompt back.
    t.send(&["q"]);
    let deadline = Instant::now() + Duration::from_secs(15);
    while t.display("#{alternate_on}") != "0" {
        assert!(
            Instant::now() < deadline,
            "still on the alternate screen after q:\n{}",
            t.capture()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    t.wait_for(15, "the shell prompt after exit", |s| {
        s.lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.starts_with("ready$"))
    });
    t.send(&["echo exit=$?", "Enter"]);
    t.wait_for(5, "exit status 0", |s| s.contains("exit=0"));
    let audit = std::fs::read_to_string(home.join(".local/state/agentdeck/audit.log")).unwrap();
    for op in ["restart", "rotate-key", "deploy"] {
        assert!(
            audit.contains(&format!(r#""operation":"{op}""#)),
            "no {op} in {audit}"
        );
    }
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        !audit.contains(&key) && !log.contains(&key),
        "the key leaked into the audit log or the log"
    );
    assert_eq!(t.display("#{cursor_flag}"), "1", "cursor visible again");
}

/// The columns of `screen` holding chart dots (braille, blank excluded), over all lines.
fn chart_columns(screen: &str) -> std::collections::BTreeSet<usize> {
    screen
        .lines()
        .flat_map(|l| {
            l.chars()
                .enumerate()
                .filter(|(_, c)| ('\u{2801}'..='\u{28ff}').contains(c))
                .map(|(i, _)| i)
        })
        .collect()
}

/// The charts are full on the first screen that has any: the simulated agents' history
/// before the start back-fills them (without it they would be a few dots at the right).
#[test]
fn the_demo_opens_with_its_charts_full() {
    if !require_tool("tmux") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&tmp).unwrap();
    let t = Tmux::start("demo-charts", 140, 42, &[("HOME", home.to_str().unwrap())]);
    let bin = env!("CARGO_BIN_EXE_agentdeck");
    t.send(&[&format!("TMPDIR={} {bin} demo", tmp.display()), "Enter"]);
    let screen = t.wait_for(40, "the first screen with charts", |s| {
        s.contains("metrics ● simulated") && !chart_columns(s).is_empty()
    });
    let cols = chart_columns(&screen);
    let (lo, hi) = (cols.first().copied(), cols.last().copied());
    let (lo, hi) = (lo.unwrap_or(0), hi.unwrap_or(0));
    // At 140 columns a chart's plot is about 55 columns wide: nearly all of it is drawn
    // (a chart of the start-up alone would be a few columns at its right end).
    assert!(hi - lo >= 45, "the charts span {lo}..{hi}:\n{screen}");
    assert!(
        cols.len() * 10 >= (hi - lo + 1) * 8,
        "gaps across the window ({} of {} columns):\n{screen}",
        cols.len(),
        hi - lo + 1
    );
    t.send(&["q"]);
    t.wait_for(15, "the shell prompt after exit", |s| {
        s.lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.starts_with("ready$"))
    });
}

/// `agentdeck demo --metrics-profile P`: the header names the stack, the panels show the
/// numbers it has, and what it cannot give is a sentence (FastAPI: no tokens; vLLM: no
/// spend, so the cost is unknown until a GPU price is set).
#[test]
fn the_demo_speaks_every_stack() {
    if !require_tool("tmux") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&tmp).unwrap();
    let bin = env!("CARGO_BIN_EXE_agentdeck");
    // Each stack, and what its per-agent view (`A`) says.
    for (profile, stack, says, per_agent) in [
        (
            "otel-genai",
            "OTel GenAI",
            "tokens",
            "no series carries gen_ai_agent_name",
        ),
        (
            "litellm",
            "LiteLLM",
            "cannot tell: provider key",
            "LiteLLM sees models and API keys",
        ),
        (
            "vllm",
            "vLLM",
            "set [cost] gpu_hour_price",
            "does not know which agent called it",
        ),
        (
            "fastapi",
            "FastAPI instrumentator",
            "cannot tell: the FastAPI",
            "/agent/{agent_type} is a route template",
        ),
        (
            "tgi",
            "TGI",
            "set [cost] gpu_hour_price",
            "does not know which agent called it",
        ),
        // The example stack is the simulated feed's own: the header names no other.
        ("example", "", "tokens", "analyst"),
    ] {
        let t = Tmux::start(
            &format!("demo-{profile}"),
            200,
            50,
            &[("HOME", home.to_str().unwrap())],
        );
        t.send(&[
            &format!(
                "TMPDIR={} {bin} demo --metrics-profile {profile}",
                tmp.display()
            ),
            "Enter",
        ]);
        t.wait_for(
            40,
            &format!("{profile}: the stack named and its words"),
            |s| {
                let named = match stack {
                    "" => s.contains("metrics ● simulated"),
                    _ => s.contains(&format!("metrics ● simulated · {stack}")),
                };
                named && s.contains(says)
            },
        );
        t.send(&["A"]);
        t.wait_for(10, &format!("{profile}: the per-agent view"), |s| {
            s.contains("agents · ai-agents") && s.contains(per_agent)
        });
        t.send(&["Escape"]);
        t.wait_for(10, &format!("{profile}: back"), |s| {
            s.contains("latency · A per agent")
        });
        t.send(&["q"]);
    }
}
