use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};

use super::*;

fn t0() -> Timestamp {
    "2026-11-30T14:00:00Z".parse().unwrap()
}

/// One point a minute from 14:00.
fn pts(values: &[f64]) -> Vec<(Timestamp, f64)> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| (t0() + SignedDuration::from_mins(i as i64), *v))
        .collect()
}

fn at(min: i64) -> Timestamp {
    t0() + SignedDuration::from_mins(min)
}

#[test]
fn a_share_crosses_up_and_back_with_its_peak_and_floor() {
    let p = pts(&[0.0, 0.0, 0.4, 1.0, 1.0, 0.3, 0.04, 0.0, 0.0]);
    let c = crossings(&p, 0.05, 0.05, 1);
    assert_eq!(
        c,
        [
            Crossing {
                at: at(2),
                up: true,
                from: Some(0.0),
                to: 1.0
            },
            Crossing {
                at: at(6),
                up: false,
                from: Some(1.0),
                to: 0.0
            },
        ]
    );
}

#[test]
fn no_traffic_is_a_gap_and_over_at_the_start_has_no_before() {
    let p = pts(&[0.9, f64::NAN, 1.0, 0.0]);
    let c = crossings(&p, 0.05, 0.05, 1);
    assert_eq!(c.len(), 2);
    assert_eq!(c[0].from, None);
    assert_eq!(c[0].at, at(0));
    assert!(!c[1].up);
    assert!(crossings(&pts(&[f64::NAN, f64::NAN]), 0.05, 0.05, 1).is_empty());
    assert!(crossings(&pts(&[0.0, 0.01, 0.0]), 0.05, 0.05, 1).is_empty());
}

#[test]
fn hysteresis_keeps_a_wobble_on_the_threshold_one_episode() {
    // p95 in ms, threshold 2000, back under 1800.
    let p = pts(&[900.0, 2500.0, 1950.0, 2100.0, 1700.0]);
    let c = crossings(&p, 2000.0, 1800.0, 1);
    assert_eq!(c.len(), 2, "{c:?}");
    assert_eq!(c[0].to, 2500.0);
    assert_eq!(c[1].at, at(4));
}

#[test]
fn a_change_must_hold_for_the_points_asked() {
    let p = pts(&[900.0, 2500.0, 900.0, 2500.0, 2600.0, 2700.0, 900.0]);
    let c = crossings(&p, 2000.0, 1800.0, 3);
    assert_eq!(c.len(), 2, "{c:?}");
    assert_eq!((c[0].at, c[0].to), (at(3), 2700.0));
    // The last points hold as far as they go.
    assert_eq!(c[1].at, at(6));
}

#[test]
fn a_ramp_is_one_step() {
    let p = pts(&[1.0, 1.0, 2.0, 2.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 1.0, 1.0]);
    let s = steps(&p, 0.25, 0.01);
    assert_eq!(s.len(), 2, "{s:?}");
    assert_eq!((s[0].at, s[0].from, s[0].to), (at(2), 1.0, 4.0));
    assert_eq!((s[1].at, s[1].from, s[1].to), (at(10), 4.0, 1.0));
}

#[test]
fn steps_need_a_relative_change_that_holds() {
    let p = pts(&[1.0, 1.05, 3.0, 1.0, 1.02, 2.0, 2.0, 2.01]);
    let s = steps(&p, 0.25, 0.01);
    assert_eq!(
        s,
        [Step {
            at: at(5),
            from: 1.0,
            to: 2.0
        }]
    );
    assert!(steps(&pts(&[0.0, 0.001, 0.002]), 0.25, 0.01).is_empty());
}

#[test]
fn cost_is_tokens_per_second_times_price_per_hour_summed_over_models() {
    let series = |model: &str, v: f64| crate::metrics::RangeSeries {
        labels: BTreeMap::from([("model".to_string(), model.to_string())]),
        points: pts(&[v, v]),
    };
    let prices = crate::config::default_models();
    // 100 tokens/s of gpt-4.1 at $8/M: 100 × 3600 × 8 / 1e6 = $2.88/h; unpriced: 0.
    let c = cost_series(
        &[series("gpt-4.1", 100.0), series("mystery", 50.0)],
        &prices,
    );
    assert_eq!(c.len(), 2);
    assert!((c[0].1 - 2.88).abs() < 1e-9, "{c:?}");
}
