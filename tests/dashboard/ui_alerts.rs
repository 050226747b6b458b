//! The alerts on screen, snapshotted: an alert that is one of agentdeck's problems rides
//! on its line, a team's alert gets a line of its own with its runbook URL, an unreadable
//! Alertmanager is one line; the alerts view with a silenced alert greyed and the selected
//! one's labels and annotations; the silence dialog. Fixed times, no random names.

use std::collections::BTreeMap;

use crate::common::fixtures::*;
use crate::common::screen;
use agentdeck::alerts::{Alert, AlertState, Fetched, Matcher, Silence};
use agentdeck::app::alerts::AlertsState;
use agentdeck::app::{App, Mode, Msg, update};

fn key(c: char) -> crossterm::event::KeyEvent {
    crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char(c))
}

fn enter() -> crossterm::event::KeyEvent {
    crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Enter)
}

fn map(kv: &[(&str, &str)]) -> BTreeMap<String, String> {
    kv.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn crashloop_alert(state: AlertState) -> Alert {
    Alert {
        name: "AgentContainerCrashLooping".into(),
        state,
        labels: map(&[
            ("alertname", "AgentContainerCrashLooping"),
            ("namespace", "ai-agents"),
            ("severity", "critical"),
            ("agentdeck_problem", "crashloop"),
            ("pod", "ai-agent-service-7d9f-abcde"),
        ]),
        annotations: map(&[
            ("summary", "Container crash-looping"),
            (
                "description",
                "ai-agents/ai-agent-service-7d9f-abcde container agent is waiting in CrashLoopBackOff (kube-state-metrics)",
            ),
        ]),
        since: Some(ts("2026-11-26T11:52:00Z")),
        silenced_by: if state == AlertState::Silenced {
            vec!["5f0c".into()]
        } else {
            Vec::new()
        },
        fingerprint: Some("a1".into()),
    }
}

fn team_alert() -> Alert {
    Alert {
        name: "QueueBacklogHigh".into(),
        state: AlertState::Firing,
        labels: map(&[
            ("alertname", "QueueBacklogHigh"),
            ("namespace", "ai-agents"),
            ("severity", "warning"),
        ]),
        annotations: map(&[
            ("summary", "Work queue backlog over 1000"),
            ("runbook_url", "https://runbooks.example.com/queue-backlog"),
        ]),
        since: Some(ts("2026-11-26T11:40:00Z")),
        silenced_by: Vec::new(),
        fingerprint: Some("b2".into()),
    }
}

fn with_alerts(mut a: App, alerts: Vec<Alert>, silences: Vec<Silence>) -> App {
    a.alerts = AlertsState {
        source: Some("alertmanager http://alertmanager.monitoring:9093".into()),
        can_silence: true,
        error: None,
        fetched: Some(Fetched { alerts, silences }),
        at: Some(ts(NOW)),
        silence_for: "2h".into(),
    };
    a
}

fn silence_by_alice() -> Silence {
    Silence {
        id: "5f0c".into(),
        state: "active".into(),
        matchers: vec![Matcher::equal("alertname", "AgentContainerCrashLooping")],
        starts_at: Some(ts("2026-11-26T11:55:00Z")),
        ends_at: Some(ts("2026-11-26T13:55:00Z")),
        created_by: "alice".into(),
        comment: "via agentdeck by alice: rolling back".into(),
    }
}

#[test]
fn an_alert_rides_on_its_problem_and_a_teams_alert_has_its_own_line_140x30() {
    let a = with_alerts(
        incident(),
        vec![crashloop_alert(AlertState::Firing), team_alert()],
        Vec::new(),
    );
    let text = screen::render(&a, 140, 30);
    assert!(
        text.contains("alert AgentContainerCrashLooping firing since 11:52 UTC"),
        "{text}"
    );
    assert_eq!(
        text.matches("AgentContainerCrashLooping").count(),
        1,
        "{text}"
    );
    assert!(
        text.contains("alert QueueBacklogHigh (warning) — Work queue backlog over 1000 · runbook https://runbooks.example.com/queue-backlog"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn an_unreadable_alertmanager_is_one_line_80x24() {
    let mut a = healthy();
    a.alerts = AlertsState {
        source: Some("alertmanager http://alertmanager.monitoring:9093".into()),
        error: Some(
            "alertmanager unreachable: http://alertmanager.monitoring:9093: timed out after 5s"
                .into(),
        ),
        ..Default::default()
    };
    let text = screen::render(&a, 80, 24);
    assert_eq!(text.matches("alerts unreadable").count(), 1, "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn the_alerts_view_greys_a_silenced_alert_and_opens_one_120x30() {
    let mut a = with_alerts(
        incident(),
        vec![crashloop_alert(AlertState::Silenced), team_alert()],
        vec![silence_by_alice()],
    );
    let _ = update(&mut a, Msg::Key(key('a')));
    let list = screen::render(&a, 120, 30);
    assert!(list.contains("silenced by alice until 13:55 UTC"), "{list}");
    let _ = update(&mut a, Msg::Key(key('j')));
    let _ = update(&mut a, Msg::Key(enter()));
    let text = screen::render(&a, 120, 30);
    assert!(
        text.contains("runbook_url: https://runbooks.example.com/queue-backlog"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn s_asks_how_long_and_why_with_2h_offered_100x30() {
    let mut a = with_alerts(
        incident(),
        vec![crashloop_alert(AlertState::Firing)],
        Vec::new(),
    );
    // The incident fixture is read-only; writes allowed here.
    a.permissions = agentdeck::ops::Permissions::new(false);
    let _ = update(&mut a, Msg::Key(key('S')));
    assert!(
        matches!(&a.mode, Mode::SilenceInput { alertname, input } if alertname == "AgentContainerCrashLooping" && input == "2h "),
        "{:?} {:?}",
        a.mode,
        a.toast
    );
    insta::assert_snapshot!(screen::render(&a, 100, 30));
}
