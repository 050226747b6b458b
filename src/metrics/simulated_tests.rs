use jiff::{SignedDuration, Timestamp};

use super::*;
use crate::metrics::{MetricsOrigin, Reading, Recent};

fn t0() -> Timestamp {
    "2026-11-26T12:00:00Z".parse().unwrap()
}

fn rates(scale: f64) -> Vec<ModelRate> {
    [("claude-sonnet-4.5", 2.0), ("gpt-4.1", 3.0)]
        .iter()
        .map(|(m, r)| ModelRate {
            model: m.to_string(),
            tokens_per_sec: r * scale,
        })
        .collect()
}

fn sample(secs: i64, p95_ms: f64, unauthorized: f64) -> Sample {
    Sample {
        at: t0() + SignedDuration::from_secs(secs),
        p50_ms: Some(p95_ms / 3.0),
        p95_ms: Some(p95_ms),
        tokens: Some(rates(1.0)),
        unauthorized_ratio: Some(unauthorized),
    }
}

fn snapshot(secs: i64, unauthorized: f64) -> MetricsSnapshot {
    MetricsSnapshot {
        origin: MetricsOrigin::Simulated,
        at: t0() + SignedDuration::from_secs(secs),
        reachable: true,
        p50_ms: Reading::Value(400.0),
        p95_ms: Reading::Value(1500.0),
        tokens: Reading::Value(rates(2.0)),
        request_rate: Reading::Value(3.0),
        unauthorized_ratio: Reading::Value(unauthorized),
        recent: Recent {
            unauthorized_ratio: Reading::Value(unauthorized),
            ..Recent::default()
        },
        backfill: None,
        ..Default::default()
    }
}

fn history() -> SimHistory {
    let past = (-10..=0).map(|k| sample(k * 8, 1200.0, 0.0)).collect();
    SimHistory::new("ai-agents", Duration::from_secs(8), past)
}

#[test]
fn a_backfill_is_the_window_asked_with_the_live_readings() {
    let h = history();
    h.record(&snapshot(5, 1.0));
    let b = h.backfill(
        t0() - SignedDuration::from_secs(40),
        t0() + SignedDuration::from_secs(5),
    );
    assert_eq!(b.namespace, "ai-agents");
    assert_eq!(b.step, Duration::from_secs(8));
    assert_eq!(b.points.len(), 5 + 1 + 1);
    assert_eq!(b.points.last().map(|p| p.p95_ms), Some(Some(1500.0)));
}

#[test]
fn a_late_reading_is_kept_in_time_order_and_a_day_is_kept() {
    let h = history();
    h.record(&snapshot(-4, 0.0));
    let s = h.samples(t0() - SignedDuration::from_hours(1), t0());
    assert!(s.windows(2).all(|w| w[0].at <= w[1].at));
    h.record(&snapshot(25 * 3600, 0.0));
    let all = h.samples(Timestamp::UNIX_EPOCH, t0() + SignedDuration::from_hours(48));
    assert_eq!(all.len(), 1, "older than a day is forgotten");
}

#[test]
fn the_timeline_series_are_shaped_like_range_queries() {
    let h = history();
    h.record(&snapshot(5, 1.0));
    let s = h.series(
        t0() - SignedDuration::from_hours(1),
        t0() + SignedDuration::from_mins(1),
    );
    assert_eq!(s.unauthorized.len(), 1);
    assert_eq!(s.unauthorized[0].points.last().map(|p| p.1), Some(1.0));
    assert_eq!(s.p95_seconds[0].points[0].1, 1.2);
    let models: Vec<&str> = s
        .tokens
        .iter()
        .map(|t| t.labels[MODEL_LABEL].as_str())
        .collect();
    assert_eq!(models, ["claude-sonnet-4.5", "gpt-4.1"]);
    assert_eq!(s.tokens[1].points.len(), 12);
    assert_eq!(s.tokens[1].points.last().map(|p| p.1), Some(6.0));
}
