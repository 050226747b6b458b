//! From page to silence on the command line, against real parts: the simulated agents
//! scraped by a real Prometheus that evaluates the rules `agentdeck rules` printed and sends
//! to a real Alertmanager. The staged bad key fires; `agentdeck alerts` shows it (exit 1: a
//! critical alert fires); `agentdeck silence` makes the silence Alertmanager then lists, with
//! agentdeck's comment, audited; read-only refuses it; `--expire` ends it, and refuses a
//! silence someone made by hand; Prometheus' own alerts stand in without Alertmanager; an
//! unreachable Alertmanager is one line.

use std::time::Instant;

use serde_json::Value;

use crate::common::alerting::Loop;
use crate::common::{eventually, free_port, http, require_tool};

fn json(out: &str, err: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("not JSON ({e}):\n{out}\n{err}"))
}

fn firing<'a>(alerts: &'a Value, name: &str) -> Option<&'a Value> {
    alerts["alerts"]
        .as_array()?
        .iter()
        .find(|a| a["name"] == name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::too_many_lines)]
async fn a_bad_key_pages_and_is_silenced_from_the_command_line() {
    if !require_tool("prometheus") || !require_tool("prometheus-alertmanager") {
        return;
    }
    let l = Loop::start("").await;
    let quiet = l.run(&["alerts", "-o", "json"], true);
    assert_eq!(quiet.0, 0, "{}", quiet.2);
    assert!(firing(&json(&quiet.1, &quiet.2), "AgentProviderUnauthorized").is_none());

    let staged = Instant::now();
    http(
        &l.sim.url,
        "POST",
        "/_sim/incident",
        r#"{"name":"bad-key","on":true}"#,
    );
    let at_am = eventually(120, "the alert at Alertmanager", || async {
        let alerts = l.am.alerts().await;
        alerts
            .iter()
            .any(|a| a["labels"]["alertname"] == "AgentProviderUnauthorized")
            .then_some(staged.elapsed())
    })
    .await;
    let (code, out, err) = l.run(&["alerts", "-o", "json"], true);
    let shown = staged.elapsed();
    eprintln!(
        "bad key staged → firing at Alertmanager {at_am:?}, shown by `agentdeck alerts` {shown:?}"
    );
    assert_eq!(code, 1, "a critical alert fires: exit 1\n{out}\n{err}");
    let v = json(&out, &err);
    let a = firing(&v, "AgentProviderUnauthorized").expect("listed");
    assert_eq!(a["state"], "firing");
    assert_eq!(a["labels"]["severity"], "critical");
    assert_eq!(a["labels"]["agentdeck_problem"], "provider-unauthorized");
    assert!(
        a["annotations"]["description"]
            .as_str()
            .unwrap()
            .starts_with("401 on ")
    );
    assert_eq!(v["firingCritical"], 1);
    assert!(
        v["source"]
            .as_str()
            .unwrap()
            .starts_with("alertmanager http://127.0.0.1:")
    );

    // `status` lists it beside its own problem, and is unhealthy for it.
    let (code, out, err) = l.run(&["status", "-o", "json"], true);
    assert_eq!(code, 1, "{err}");
    let st = json(&out, &err);
    assert_eq!(st["healthy"], false);
    assert_eq!(st["alerts"]["firingCritical"], 1, "{st}");
    assert!(
        firing(&st["alerts"], "AgentProviderUnauthorized").is_some(),
        "{st}"
    );
    let (_, text, _) = l.run(&["status"], true);
    assert!(
        text.contains("AgentProviderUnauthorized (critical) firing since "),
        "{text}"
    );

    // Read-only: refused, nothing sent.
    let (code, _, err) = l.run(
        &[
            "--read-only",
            "silence",
            "AgentProviderUnauthorized",
            "--yes",
        ],
        true,
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("read-only") && err.contains("nothing was sent"),
        "{err}"
    );
    assert!(l.am.silences().await.is_empty());

    let (code, out, err) = l.run(
        &[
            "silence",
            "AgentProviderUnauthorized",
            "--for",
            "2h",
            "--comment",
            "rotating the key",
            "--yes",
        ],
        true,
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("silenced AgentProviderUnauthorized until "),
        "{out}"
    );
    let silences = l.am.silences().await;
    let [s] = silences.as_slice() else {
        panic!("one silence: {silences:?}")
    };
    let id = s["id"].as_str().unwrap();
    assert!(out.contains(id), "{out}");
    assert_eq!(s["status"]["state"], "active");
    let comment = s["comment"].as_str().unwrap();
    assert!(
        comment.starts_with("via agentdeck by ") && comment.ends_with(": rotating the key"),
        "{comment}"
    );
    let matchers: Vec<String> = s["matchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            format!(
                "{}={}",
                m["name"].as_str().unwrap(),
                m["value"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        matchers.contains(&"alertname=AgentProviderUnauthorized".to_string()),
        "{matchers:?}"
    );
    assert!(
        matchers.contains(&"namespace=ai-agents".to_string()),
        "{matchers:?}"
    );
    let ends: jiff::Timestamp = s["endsAt"].as_str().unwrap().parse().unwrap();
    let left = ends.as_second() - jiff::Timestamp::now().as_second();
    assert!((7100..=7200).contains(&left), "2h from now: {left}s");
    let audit = l.sim.audit();
    let line = audit
        .lines()
        .find(|l| l.contains("\"operation\":\"silence-alert\"") && l.contains("\"result\":\"ok\""))
        .unwrap_or_else(|| panic!("audited: {audit}"));
    assert!(
        line.contains(id) && line.contains("alert/AgentProviderUnauthorized"),
        "{line}"
    );

    // Muted now: listed as silenced, by whom until when; no critical alert fires unheard.
    let v = eventually(30, "the alert silenced", || async {
        let (code, out, err) = l.run(&["alerts", "-o", "json"], true);
        let v = json(&out, &err);
        let silenced = firing(&v, "AgentProviderUnauthorized")?["state"] == "silenced";
        (silenced && code == 0).then_some(v)
    })
    .await;
    assert_eq!(v["silences"][0]["id"], id);
    let (_, text, _) = l.run(&["alerts"], true);
    assert!(
        text.contains("silenced by ") && text.contains(" until "),
        "{text}"
    );

    // Someone else's silence is theirs to end; agentdeck's own is ended.
    let by_hand = l.am.silence_by_hand("SomethingElse").await;
    let (code, _, err) = l.run(&["silence", "--expire", &by_hand, "--yes"], true);
    assert_eq!(code, 2);
    assert!(err.contains("outside agentdeck"), "{err}");
    let (code, out, err) = l.run(&["silence", "--expire", id, "--yes"], true);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("expired"), "{out}");
    let state = |ss: &[Value], id: &str| {
        ss.iter()
            .find(|s| s["id"] == id)
            .map(|s| s["status"]["state"].clone())
    };
    assert_eq!(state(&l.am.silences().await, id), Some("expired".into()));
    assert_eq!(
        state(&l.am.silences().await, &by_hand),
        Some("active".into())
    );
    assert!(l.sim.audit().contains("\"operation\":\"expire-silence\""));

    // Without Alertmanager, Prometheus' own alerts stand in; silences need Alertmanager.
    let (code, out, err) = l.run(
        &["alerts", "-o", "json", "--prometheus-url", &l.prom.url],
        false,
    );
    assert_eq!(code, 1, "{err}");
    let v = json(&out, &err);
    assert!(v["source"].as_str().unwrap().starts_with("prometheus "));
    assert_eq!(
        firing(&v, "AgentProviderUnauthorized").unwrap()["state"],
        "firing"
    );
    let (code, _, err) = l.run(&["silence", "AgentProviderUnauthorized", "--yes"], false);
    assert_eq!(code, 2);
    assert!(err.contains("silences need Alertmanager"), "{err}");

    // Unreachable: one line, the reason in words.
    let gone = format!("http://127.0.0.1:{}", free_port());
    let (code, out, err) = l.run(&["alerts", "--alertmanager-url", &gone], false);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("alertmanager unreachable: http://127.0.0.1:"),
        "{err}"
    );
    assert!(l.am.log().len() < 1_000_000);
}
