//! The metrics charts with a full history (30 minutes back-filled from Prometheus, then a
//! live refresh), snapshotted at 80×24 (numbers kept, charts dropped) and 200×50 (latency
//! with the p95 limit, tokens/min by model, $/hour). Axis clock labels are local time:
//! they are replaced by "HH:MM" before comparing.

use crate::common::screen;

use agentdeck::app::{App, Msg, update};
use agentdeck::metrics::{
    Backfill, MetricsOrigin, MetricsSnapshot, ModelRate, PastReading, Reading,
};
use jiff::{SignedDuration, Timestamp};

const NOW: &str = "2026-11-26T12:00:00Z";
const MODELS: [(&str, f64); 4] = [
    ("claude-sonnet-4.5", 20.0),
    ("deepseek-v3.2", 35.0),
    ("gemini-2.5-flash", 30.0),
    ("gpt-4.1", 12.0),
];

fn now() -> Timestamp {
    NOW.parse().unwrap()
}

/// A smooth, deterministic load: a slow wave and a bump 10 minutes ago.
fn load(secs_ago: i64) -> f64 {
    let x = secs_ago as f64;
    let bump = if (500..700).contains(&secs_ago) {
        0.8
    } else {
        0.0
    };
    1.0 + 0.3 * (x / 300.0).sin() + bump
}

fn rates(secs_ago: i64) -> Vec<ModelRate> {
    MODELS
        .iter()
        .enumerate()
        .map(|(i, (m, r))| ModelRate {
            model: m.to_string(),
            tokens_per_sec: r * (load(secs_ago + 90 * i as i64)),
        })
        .collect()
}

fn reading(secs_ago: i64) -> PastReading {
    PastReading {
        at: now() - SignedDuration::from_secs(secs_ago),
        p50_ms: Some(300.0 * load(secs_ago)),
        p95_ms: Some(1100.0 * load(secs_ago)),
        tokens: Some(rates(secs_ago)),
    }
}

fn snapshot(backfill: Option<Backfill>) -> MetricsSnapshot {
    MetricsSnapshot {
        origin: MetricsOrigin::Prometheus("http://prometheus.monitoring:9090".into()),
        at: now(),
        reachable: true,
        p50_ms: Reading::Value(300.0 * load(0)),
        p95_ms: Reading::Value(1100.0 * load(0)),
        tokens: Reading::Value(rates(0)),
        request_rate: Reading::Value(2.4),
        unauthorized_ratio: Reading::Value(0.0),
        recent: Default::default(),
        backfill: backfill.map(Box::new),
        ..Default::default()
    }
}

/// The app after its first refresh: 30 minutes read back at an 8 s step, and now.
fn app() -> App {
    let mut a = screen::prometheus_app(now());
    let backfill = Backfill {
        namespace: "ai-agents".into(),
        from: now() - SignedDuration::from_mins(30),
        to: now(),
        step: std::time::Duration::from_secs(8),
        points: (0..=225).rev().map(|i| reading(i * 8)).collect(),
        errors: vec![],
    };
    let _ = update(&mut a, Msg::Metrics(Box::new(snapshot(Some(backfill)))));
    let _ = update(&mut a, Msg::Tick(now()));
    a
}

fn render(a: &App, w: u16, h: u16) -> String {
    screen::filter_clocks(&screen::render(a, w, h))
}

#[test]
fn the_backfill_fills_the_window() {
    let a = app();
    assert_eq!(
        a.history.len(),
        226,
        "225 read back + the live point, deduped"
    );
    let span = a
        .history
        .latest()
        .unwrap()
        .at
        .duration_since(a.history.oldest().unwrap().at);
    assert_eq!(span, SignedDuration::from_mins(30));
    // Each past point is priced: $/hour is there from the first point on.
    assert!(
        a.history
            .points()
            .all(|p| p.usd_per_hour.is_some_and(|c| c > 0.0))
    );
}

#[test]
fn small_screens_keep_the_numbers_and_drop_the_charts() {
    let text = render(&app(), 80, 24);
    assert!(!text.contains("limit") && !text.contains("HH:MM"), "{text}");
    assert!(text.contains("p50") && text.contains("/min") && text.contains("/h"));
    insta::assert_snapshot!("charts_80x24", text);
}

#[test]
fn wide_screens_chart_the_window() {
    let text = render(&app(), 200, 50);
    for want in ["limit 2.00 s", "HH:MM", "gpt-4.1", "tokens/min", "$/h"] {
        assert!(text.contains(want), "{want}: {text}");
    }
    insta::assert_snapshot!("charts_200x50", text);
}

#[test]
fn clock_filter() {
    assert_eq!(
        screen::filter_clocks("a 12:34 b 1:23 123:45 12:345"),
        "a HH:MM b 1:23 123:45 12:345"
    );
}
