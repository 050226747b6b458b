//! The log view, snapshotted on a TestBackend: following a workload's picked pod with a
//! search (80×24, 200×50), paused with wrap and timestamps over a full buffer while the
//! stream reconnects, the previous container refused in the server's words, and the
//! container picker. Fixed times and names: nothing needs filtering.

use crate::common::screen;

use agentdeck::app::logs_view::{self, Anchor};
use agentdeck::app::views::View;
use agentdeck::app::{App, Msg, update};
use agentdeck::cluster::logs::{LogEvent, LogLine};
use agentdeck::metrics::MetricsOrigin;
use crossterm::event::{KeyCode, KeyEvent};
use jiff::{SignedDuration, Timestamp};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const NOW: &str = "2026-11-26T12:00:00Z";
const POD: &str = "ai-agent-service-7d9f8c6b5-x2k4p";

fn app() -> App {
    screen::app(MetricsOrigin::None, NOW.parse().unwrap())
}

/// Agent-like lines, one every 250 ms before NOW; every 7th a 401 (long).
fn lines(from: u64, n: u64) -> Vec<LogLine> {
    let end: Timestamp = NOW.parse().unwrap();
    (from..from + n)
        .map(|i| LogLine {
            ts: Some(end - SignedDuration::from_millis(((from + n - i) * 250) as i64)),
            text: if i % 7 == 3 {
                format!(
                    "WARN POST https://api.holysheep.ai/v1/chat/completions: 401 Unauthorized {{\"error\":{{\"message\":\"Invalid API key provided\"}}}}; answered 401 to {i} requests"
                )
            } else {
                format!(
                    "INFO request {i:05} agent=coder model=gpt-4.1 tokens={} latency={}ms status=200",
                    200 + i * 13 % 900,
                    300 + i * 37 % 2000
                )
            },
        })
        .collect()
}

fn key(a: &mut App, code: KeyCode) {
    let _ = update(a, Msg::Key(KeyEvent::from(code)));
}

fn typed(a: &mut App, s: &str) {
    for c in s.chars() {
        key(a, KeyCode::Char(c));
    }
}

/// A log view of deploy/ai-agent-service reading `POD` (1 of 3), `containers`, a
/// buffer of `buffer` lines, with `n` lines read.
fn opened(containers: &[&str], buffer: usize, n: u64) -> App {
    let mut a = app();
    let mut fx = Vec::new();
    let target = agentdeck::cluster::logs::LogTarget::Workload(
        agentdeck::cluster::workload::WorkloadRef::deployment("ai-agent-service"),
    );
    logs_view::open(&mut a, target, &mut fx);
    let started = LogEvent::Started {
        pod: POD.into(),
        of: 3,
        containers: containers.iter().map(|c| c.to_string()).collect(),
        container: containers[0].into(),
        buffer,
    };
    let _ = update(&mut a, Msg::Logs(1, started));
    let _ = update(&mut a, Msg::Logs(1, LogEvent::Lines(lines(0, n))));
    a
}

/// Following, with `/401` searched: the matches counted in the title.
fn searching() -> App {
    let mut a = opened(&["ai-agent"], 5000, 120);
    key(&mut a, KeyCode::Char('/'));
    typed(&mut a, "401");
    key(&mut a, KeyCode::Enter);
    a
}

#[test]
fn following_with_a_search_80x24() {
    let a = searching();
    let screen = screen::render(&a, 80, 24);
    assert!(
        screen.contains("┌ following · 120 lines · /401 17/17 matches · ai-agent-service-"),
        "the state first when the title is cut: {screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn following_with_a_search_200x50() {
    let a = searching();
    let screen = screen::render(&a, 200, 50);
    assert!(
        screen.contains(
            "(1 of 3 pods of deploy/ai-agent-service) · following · 120 lines · /401 17/17 matches"
        ),
        "{screen}"
    );
    assert!(
        screen.contains("INFO request 00119"),
        "the newest line at the bottom"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn the_matches_are_highlighted() {
    let a = searching();
    let mut t = Terminal::new(TestBackend::new(200, 50)).unwrap();
    t.draw(|f| agentdeck::ui::draw(f, &a)).unwrap();
    let buf = t.backend().buffer().clone();
    let theme = a.theme();
    let highlighted = (0..50u16).any(|y| {
        (0..198u16).any(|x| {
            let cells = [&buf[(x, y)], &buf[(x + 1, y)], &buf[(x + 2, y)]];
            cells.iter().map(|c| c.symbol()).collect::<String>() == "401"
                && cells
                    .iter()
                    .all(|c| c.bg == theme.warn || c.bg == theme.accent)
        })
    });
    assert!(highlighted, "a 401 drawn on the match colour");
}

#[test]
fn paused_wrapped_with_timestamps_while_reconnecting_200x50() {
    let mut a = opened(&["ai-agent"], 100, 150);
    for _ in 0..30 {
        key(&mut a, KeyCode::Up);
    }
    key(&mut a, KeyCode::Char('w'));
    key(&mut a, KeyCode::Char('t'));
    let more = LogEvent::Lines(lines(150, 5));
    let _ = update(&mut a, Msg::Logs(1, more));
    let ended = LogEvent::Ended {
        why: Some("the log stream ended".into()),
        retry: Some(2),
    };
    let _ = update(&mut a, Msg::Logs(1, ended));
    let Some(View::Logs(v)) = a.view() else {
        panic!("no log view")
    };
    assert_eq!(v.anchor, Anchor::Bottom(119));
    let screen = screen::render(&a, 200, 50);
    assert!(
        screen.contains(
            "paused (5 new) · reconnecting… · 100 lines (55 dropped) · wrap · timestamps"
        ),
        "{screen}"
    );
    assert!(screen.contains("reconnecting in 2s"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn previous_refused_in_words_80x24() {
    let mut a = opened(&["ai-agent"], 5000, 10);
    key(&mut a, KeyCode::Char('p'));
    let refused = LogEvent::Ended {
        why: Some(format!(
            "previous terminated container \"ai-agent\" in pod \"{POD}\" not found"
        )),
        retry: None,
    };
    let _ = update(&mut a, Msg::Logs(2, refused));
    let screen = screen::render(&a, 80, 24);
    assert!(
        screen.contains("previous container · stopped · 0 lines"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn container_picker_80x24() {
    let mut a = opened(&["ai-agent", "istio-proxy", "log-shipper"], 5000, 40);
    key(&mut a, KeyCode::Char('c'));
    key(&mut a, KeyCode::Down);
    insta::assert_snapshot!(screen::render(&a, 80, 24));
}

#[test]
fn every_size_draws_without_a_panic() {
    let mut a = opened(&["ai-agent", "sidecar"], 5000, 60);
    key(&mut a, KeyCode::Char('w'));
    key(&mut a, KeyCode::Char('c'));
    for w in [1u16, 2, 5, 10, 20, 40, 80] {
        for h in [1u16, 2, 3, 5, 10, 24] {
            screen::render(&a, w, h);
        }
    }
}
