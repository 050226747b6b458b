use super::*;
use crate::metrics::snapshot::{MetricsOrigin, ModelRate};

fn ts(secs: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + secs).unwrap()
}

fn snap(secs: i64, p95: Reading<f64>, tokens: Reading<Vec<ModelRate>>) -> MetricsSnapshot {
    MetricsSnapshot {
        origin: MetricsOrigin::Simulated,
        at: ts(secs),
        reachable: true,
        p50_ms: Reading::NoData,
        p95_ms: p95,
        tokens,
        request_rate: Reading::NoData,
        unauthorized_ratio: Reading::NoData,
        recent: Default::default(),
        backfill: None,
        ..Default::default()
    }
}

fn rates(a: f64, b: f64) -> Reading<Vec<ModelRate>> {
    Reading::Value(vec![
        ModelRate {
            model: "a".into(),
            tokens_per_sec: a,
        },
        ModelRate {
            model: "b".into(),
            tokens_per_sec: b,
        },
    ])
}

#[test]
fn push_maps_readings_and_gaps() {
    let mut h = History::new(30);
    let cost = Cost {
        usd_per_hour: 2.5,
        ..Cost::default()
    };
    h.push(&snap(0, Reading::Value(120.0), rates(10.0, 5.0)), &cost);
    h.push(&snap(5, Reading::NoData, Reading::NoData), &cost);
    h.push(
        &snap(10, Reading::Error("x".into()), rates(1.0, 1.0)),
        &cost,
    );
    let first = h.points().next().unwrap();
    assert_eq!(first.p95_ms, Some(120.0));
    assert_eq!(first.tokens_per_sec, Some(15.0));
    assert_eq!(first.usd_per_hour, Some(2.5));
    let second = h.points().nth(1).unwrap();
    assert_eq!(
        (second.p95_ms, second.tokens_per_sec, second.usd_per_hour),
        (None, None, None)
    );
    assert_eq!(h.latest().unwrap().p95_ms, None);
    assert_eq!(h.series(|p| p.p95_ms), vec![(-10.0, 120.0)]);
    assert_eq!(
        h.series(|p| p.tokens_per_sec),
        vec![(-10.0, 15.0), (0.0, 2.0)]
    );
    assert_eq!(
        h.values(|p| p.tokens_per_sec),
        vec![Some(15.0), None, Some(2.0)]
    );
    assert_eq!(h.max(|p| p.tokens_per_sec), Some(15.0));
    assert_eq!(h.series_at(ts(20), |p| p.p95_ms), vec![(-20.0, 120.0)]);
}

#[test]
fn trims_by_time_and_count() {
    let mut h = History::new(1);
    for s in (0..=120).step_by(10) {
        h.push(
            &snap(s, Reading::Value(s as f64), Reading::NoData),
            &Cost::default(),
        );
    }
    // Window 60 s ending at 120: points at 60..=120.
    assert_eq!(h.len(), 7);
    assert_eq!(h.points().next().unwrap().at, ts(60));
    let xs: Vec<f64> = h.series(|p| p.p95_ms).iter().map(|(x, _)| *x).collect();
    assert_eq!(xs.first(), Some(&-60.0));
    assert_eq!(xs.last(), Some(&0.0));

    let mut h = History::with_max_points(60, 3);
    for s in 0..10 {
        h.push(
            &snap(s, Reading::Value(1.0), Reading::NoData),
            &Cost::default(),
        );
    }
    assert_eq!(h.len(), 3);
    assert_eq!(h.points().next().unwrap().at, ts(7));
}

#[test]
fn out_of_order_points_stay_sorted() {
    let mut h = History::new(30);
    for s in [0, 20, 10] {
        h.push(
            &snap(s, Reading::Value(s as f64), Reading::NoData),
            &Cost::default(),
        );
    }
    let at: Vec<Timestamp> = h.points().map(|p| p.at).collect();
    assert_eq!(at, vec![ts(0), ts(10), ts(20)]);
    assert_eq!(h.latest().unwrap().at, ts(20));
}

#[test]
fn last_good_tokens_and_cost_survive_errors() {
    let mut h = History::new(30);
    assert!(h.last_tokens().is_none() && h.last_cost().is_none());
    let cost = Cost {
        usd_per_hour: 2.5,
        ..Cost::default()
    };
    h.push(&snap(0, Reading::NoData, rates(1.0, 2.0)), &cost);
    h.push(
        &snap(30, Reading::NoData, Reading::Error("down".into())),
        &Cost::default(),
    );
    h.push(
        &snap(60, Reading::NoData, Reading::NoData),
        &Cost::default(),
    );
    let last = h.last_tokens().unwrap();
    assert_eq!((last.at, last.value.len()), (ts(0), 2));
    assert_eq!(h.last_cost().unwrap().value.usd_per_hour, 2.5);
    // A late, older snapshot does not replace a newer good one.
    h.push(&snap(90, Reading::NoData, rates(3.0, 3.0)), &cost);
    h.push(&snap(10, Reading::NoData, rates(9.0, 9.0)), &cost);
    assert_eq!(h.last_tokens().unwrap().at, ts(90));
}

fn past(secs: i64, p95: Option<f64>, tokens: Option<(f64, f64)>) -> PastReading {
    PastReading {
        at: ts(secs),
        p50_ms: None,
        p95_ms: p95,
        tokens: tokens.map(|(a, b)| match rates(a, b) {
            Reading::Value(v) => v,
            _ => unreachable!(),
        }),
    }
}

#[test]
fn merge_backfills_priced_and_deduped_by_time() {
    let mut h = History::new(30);
    // A live point at 100 s.
    h.push(
        &snap(100, Reading::Value(7.0), rates(1.0, 1.0)),
        &Cost::default(),
    );
    let readings: Vec<PastReading> = [0, 15, 30, 45, 60, 75, 90, 105]
        .into_iter()
        .map(|s| past(s, Some(s as f64), Some((1.0, 2.0))))
        .chain([past(200, None, None)])
        .collect();
    let price = |r: &[ModelRate]| r.iter().map(|m| m.tokens_per_sec).sum::<f64>() * 10.0;
    h.merge(&readings, SignedDuration::from_secs(7), price);
    let at: Vec<i64> = h
        .points()
        .map(|p| p.at.as_second() - 1_800_000_000)
        .collect();
    // 105 is within 7 s of the live point at 100: the live one is kept.
    assert_eq!(at, vec![0, 15, 30, 45, 60, 75, 90, 100, 200]);
    let first = h.oldest().unwrap();
    assert_eq!(first.usd_per_hour, Some(30.0));
    assert_eq!(first.tokens_per_sec, Some(3.0));
    assert_eq!(first.model_rate("b"), Some(2.0));
    assert_eq!(h.latest().unwrap().usd_per_hour, None, "no data is not $0");
    assert_eq!(h.models(), vec!["a", "b"]);
    // The same readings again change nothing.
    h.merge(&readings, SignedDuration::from_secs(7), price);
    assert_eq!(h.len(), 9);
    // Bounded as before: a window of 1 minute keeps the last 60 s.
    let mut h = History::new(1);
    h.merge(&readings, SignedDuration::ZERO, price);
    assert_eq!(h.len(), 1);
    assert_eq!(h.oldest().unwrap().at, ts(200));
}
