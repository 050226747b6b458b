//! Page, fix, silence in the real dashboard under tmux, against a real Prometheus that
//! evaluates `agentdeck rules` and a real Alertmanager. The staged bad key fires; the strip
//! shows the alert on agentdeck's own problem; `S`, a duration and a reason, `y` silence it
//! (Alertmanager lists the silence with agentdeck's comment; the audit log has the line);
//! `K` rotates the key; the alert resolves; the timeline has fired → silenced → rotated →
//! resolved in order. An alert agentdeck has no rule for shows its summary and runbook
//! URL; an unreachable Alertmanager is one line; read-only refuses `S`.

use std::time::Instant;

use crate::common::alerting::Loop;
use crate::common::{SimProcess, eventually, free_port, require_tool};

/// A rule of some other team's: no detection of agentdeck's is it.
const TEAM_RULE: &str = "- name: team-rules
  rules:
  - alert: QueueBacklogHigh
    expr: vector(1)
    labels:
      severity: warning
      namespace: ai-agents
    annotations:
      summary: Work queue backlog over 1000
      runbook_url: https://runbooks.example.com/queue-backlog
";

fn line_of(screen: &str, needle: &str) -> usize {
    screen
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?}:\n{screen}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::too_many_lines)]
async fn page_silence_fix_resolve_in_the_dashboard() {
    if !require_tool("tmux")
        || !require_tool("prometheus")
        || !require_tool("prometheus-alertmanager")
    {
        return;
    }
    let l = Loop::start(TEAM_RULE).await;
    eventually(60, "the team's alert at Alertmanager", || async {
        let a = l.am.alerts().await;
        a.iter()
            .any(|a| a["labels"]["alertname"] == "QueueBacklogHigh")
            .then_some(())
    })
    .await;
    let args = [
        "--config",
        &l.cfg,
        "--alertmanager-url",
        &l.am.url,
        "--prometheus-url",
        &l.prom.url,
    ];
    let t = l.sim.dashboard_with("alerts", "", &args);
    t.wait_for(60, "the team's alert on the strip", |s| {
        s.contains("alert QueueBacklogHigh (warning)")
            && s.contains("Work queue backlog over 1000")
            && s.contains("runbook https://runbooks.example.com/queue-backlog")
    });

    let staged = Instant::now();
    l.stage("bad-key");
    t.wait_for(120, "the alert on agentdeck's own problem", |s| {
        s.contains("Provider rejects the API key")
            && s.contains("alert AgentProviderUnauthorized firing since")
    });
    eprintln!(
        "bad key staged → alert shown in the dashboard after {:?}",
        staged.elapsed()
    );
    let screen = t.capture();
    assert_eq!(
        screen.matches("AgentProviderUnauthorized").count(),
        1,
        "one line for the problem and its alert:\n{screen}"
    );

    t.send(&["S"]);
    t.wait_for(10, "the silence dialog", |s| {
        s.contains("silence AgentProviderUnauthorized") && s.contains("for, then why: 2h")
    });
    t.send(&["rotating the key", "Enter"]);
    t.wait_for(30, "the confirmation", |s| {
        s.contains("silence AgentProviderUnauthorized (1 firing in namespace ai-agents")
            && s.contains("[y] yes")
    });
    t.send(&["y"]);
    let silence = eventually(30, "the silence at Alertmanager", || async {
        l.am.silences().await.into_iter().next()
    })
    .await;
    let id = silence["id"].as_str().unwrap().to_string();
    let comment = silence["comment"].as_str().unwrap();
    assert!(
        comment.starts_with("via agentdeck by ") && comment.ends_with(": rotating the key"),
        "{comment}"
    );
    t.wait_for(30, "the alert silenced on the strip", |s| {
        s.contains("alert AgentProviderUnauthorized silenced until ")
    });
    let audit = l.sim.dashboard_audit("alerts");
    assert!(
        audit
            .lines()
            .any(|x| x.contains("\"operation\":\"silence-alert\"") && x.contains(&id)),
        "{audit}"
    );

    let fixed = Instant::now();
    t.send(&["K"]);
    t.wait_for(10, "the key input", |s| s.contains("new key:"));
    t.send(&["sk-live-0123456789abcdefXYZ", "Enter"]);
    t.wait_for(30, "the rotation's question", |s| s.contains("[y] yes"));
    t.send(&["y"]);
    eventually(180, "the alert resolved at Alertmanager", || async {
        let a = l.am.alerts().await;
        (!a.iter()
            .any(|a| a["labels"]["alertname"] == "AgentProviderUnauthorized"))
        .then_some(())
    })
    .await;
    eprintln!("key rotated → alert resolved after {:?}", fixed.elapsed());

    t.send(&["T"]);
    let screen = t.wait_for(60, "the alert resolved on the timeline", |s| {
        s.contains("alert AgentProviderUnauthorized resolved")
    });
    let fired = line_of(&screen, "alert AgentProviderUnauthorized fired (critical)");
    let silenced = line_of(&screen, "silence-alert");
    let rotated = line_of(&screen, "key rotated");
    let resolved = line_of(&screen, "alert AgentProviderUnauthorized resolved");
    assert!(
        fired < silenced && silenced < rotated && rotated < resolved,
        "fired → silenced → rotated → resolved:\n{screen}"
    );
    t.send(&["q"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_alertmanager_is_one_line_and_read_only_refuses_silences() {
    if !require_tool("tmux")
        || !require_tool("prometheus")
        || !require_tool("prometheus-alertmanager")
    {
        return;
    }
    let sim = SimProcess::start(&["--preload"]);
    let gone = format!("http://127.0.0.1:{}", free_port());
    let t = sim.dashboard_with("alerts-gone", "", &["--alertmanager-url", &gone]);
    let screen = t.wait_for(60, "the alerts line and the workloads", |s| {
        s.contains("alerts unreadable — alertmanager unreachable: http://127.0.0.1:")
            && s.contains("ai-agent-service")
    });
    assert_eq!(screen.matches("alerts unreadable").count(), 1, "{screen}");
    t.send(&["q"]);

    let l = Loop::start(TEAM_RULE).await;
    let args = [
        "--config",
        &l.cfg,
        "--alertmanager-url",
        &l.am.url,
        "--read-only",
    ];
    let t = l.sim.dashboard_with("alerts-ro", "", &args);
    t.wait_for(60, "the team's alert", |s| {
        s.contains("alert QueueBacklogHigh")
    });
    t.send(&["a"]);
    t.wait_for(10, "the alerts view", |s| s.contains("alerts · ai-agents"));
    t.send(&["Enter"]);
    t.wait_for(10, "its labels and annotations", |s| {
        s.contains("runbook_url: https://runbooks.example.com/queue-backlog")
            && s.contains("severity=warning")
    });
    t.send(&["S"]);
    t.wait_for(10, "the refusal", |s| s.contains("read-only"));
    assert!(l.am.silences().await.is_empty());
    t.send(&["q"]);
}
