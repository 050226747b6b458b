//! The timeline view (`T`), snapshotted with insta on a TestBackend at 80×24 and 200×50:
//! a 401 incident and its fix on one axis, a source that failed in the header; loading
//! and error states; its keys (scroll, Esc back, the rest falls through). Times are UTC
//! and the clock is fixed, so nothing needs filtering.

use crate::common::screen;

use agentdeck::app::views::View;
use agentdeck::app::{App, Effect, Mode, Msg, update};
use agentdeck::timeline::{Entry, Kind, Timeline, Zone};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

fn app() -> App {
    screen::prometheus_app(ts("2026-11-30T14:15:00Z"))
}

fn entry(at: &str, kind: Kind, source: &'static str, text: &str, warning: bool) -> Entry {
    let mut e = Entry::new(ts(at), kind, source, "", text.into());
    e.warning = warning;
    e
}

#[allow(clippy::too_many_lines)] // a scenario: one session, read top to bottom
fn incident() -> Timeline {
    use Kind::*;
    let entries = vec![
        entry(
            "2026-11-30T14:00:40Z",
            Rescale,
            "events",
            "horizontalpodautoscaler/ai-agent-hpa rescaled to 4: cpu resource utilization (percentage of request) above target",
            false,
        ),
        entry(
            "2026-11-30T14:01:10Z",
            Oom,
            "pods",
            "OOMKilled × 6 pods: ai-agent-service-7d9f-a, ai-agent-service-7d9f-b, ai-agent-service-7d9f-c +3 more",
            true,
        ),
        entry(
            "2026-11-30T14:01:30Z",
            Event,
            "events",
            "BackOff pod/ai-agent-service-7d9f-a ×4: Back-off restarting failed container agent",
            true,
        ),
        entry(
            "2026-11-30T14:02:03Z",
            Metric,
            "prometheus",
            "401 share 0 % → 100 % (over 5 %)",
            true,
        ),
        entry(
            "2026-11-30T14:03:00Z",
            Metric,
            "prometheus",
            "p95 latency 850 ms → 2.40 s (over 2.00 s)",
            true,
        ),
        entry(
            "2026-11-30T14:05:10Z",
            Audit,
            "audit",
            "key rotated (secret/ai-api-keys) via agentdeck by alice@prod-eu",
            false,
        ),
        entry(
            "2026-11-30T14:05:10Z",
            Audit,
            "audit",
            "rollout restart deployment/ai-agent-service via agentdeck by alice@prod-eu",
            false,
        ),
        entry(
            "2026-11-30T14:05:11Z",
            Rollout,
            "replicasets",
            "rollout ai-agent-service rev 7 started: restart",
            false,
        ),
        entry(
            "2026-11-30T14:06:02Z",
            Rollout,
            "deployments",
            "rollout ai-agent-service rev 7 complete",
            false,
        ),
        entry(
            "2026-11-30T14:06:30Z",
            Metric,
            "prometheus",
            "401 share 100 % → 0 % (back under 5 %)",
            false,
        ),
        entry(
            "2026-11-30T14:08:00Z",
            Metric,
            "prometheus",
            "p95 latency 2.40 s → 900 ms (back under 2.00 s)",
            false,
        ),
        entry(
            "2026-11-30T14:12:00Z",
            Metric,
            "prometheus",
            "cost/hour $4.10 → $7.52",
            false,
        ),
    ];
    Timeline {
        namespace: "ai-agents".into(),
        context: "prod-eu".into(),
        since: ts("2026-11-30T13:15:00Z"),
        until: ts("2026-11-30T14:15:00Z"),
        zone: Zone::Utc,
        entries,
        notes: vec!["events.k8s.io: forbidden (your role cannot list events in ai-agents)".into()],
    }
}

fn key(a: &mut App, code: KeyCode) -> Vec<Effect> {
    update(a, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))).1
}

/// The dashboard with `T` pressed, and the answer when given.
fn opened(answer: Option<Timeline>) -> App {
    let mut a = app();
    let fx = key(&mut a, KeyCode::Char('T'));
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Timeline(_))),
        "T asks for the timeline"
    );
    if let Some(t) = answer {
        let _ = update(&mut a, Msg::Timeline(0, Box::new(t)));
    }
    a
}

#[test]
fn incident_80x24() {
    insta::assert_snapshot!(screen::render(&opened(Some(incident())), 80, 24));
}

#[test]
fn incident_200x50() {
    insta::assert_snapshot!(screen::render(&opened(Some(incident())), 200, 50));
}

#[test]
fn loading_and_a_failed_source_80x24() {
    let loading = screen::render(&opened(None), 80, 24);
    assert!(
        loading.contains("gathering events, pods, rollouts"),
        "{loading}"
    );
    // A source that failed is one line; what the others gave is shown.
    let mut t = incident();
    t.notes
        .push("events: cannot reach the API server: refused".into());
    let failed = screen::render(&opened(Some(t)), 80, 24);
    assert!(
        failed.contains("unavailable: events: cannot reach the API server"),
        "{failed}"
    );
    assert!(failed.contains("OOMKilled"), "{failed}");
}

fn scroll(a: &App) -> usize {
    match a.view() {
        Some(View::Timeline(v)) => v.scroll,
        _ => panic!("not on the timeline"),
    }
}

#[test]
fn keys_scroll_go_back_and_fall_through() {
    let mut a = opened(Some(incident()));
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Down);
    assert_eq!(scroll(&a), 2);
    key(&mut a, KeyCode::PageDown);
    assert_eq!(scroll(&a), 11, "no further than the last entry");
    key(&mut a, KeyCode::Char('g'));
    assert_eq!(scroll(&a), 0);
    key(&mut a, KeyCode::Char('?'));
    assert!(
        matches!(a.mode, Mode::Help),
        "? falls through to the dashboard"
    );
    key(&mut a, KeyCode::Esc);
    assert!(matches!(a.mode, Mode::Normal));
    key(&mut a, KeyCode::Esc);
    assert!(a.view().is_none(), "Esc pops the timeline");
}

#[test]
fn refreshes_on_the_tick_while_shown() {
    let mut a = opened(Some(incident()));
    let (_, fx) = update(&mut a, Msg::Tick(ts("2026-11-30T14:15:05Z")));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Timeline(_))));
    let (_, fx) = update(&mut a, Msg::Tick(ts("2026-11-30T14:15:16Z")));
    assert!(fx.iter().any(|e| matches!(e, Effect::Timeline(_))));
}
