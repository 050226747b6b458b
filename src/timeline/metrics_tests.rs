use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};

use super::*;

fn series(values: &[f64]) -> Vec<RangeSeries> {
    let t0: Timestamp = "2026-11-30T14:00:00Z".parse().unwrap();
    vec![RangeSeries {
        labels: BTreeMap::new(),
        points: values
            .iter()
            .enumerate()
            .map(|(i, v)| (t0 + SignedDuration::from_secs(i as i64 * 15), *v))
            .collect(),
    }]
}

fn texts(es: &[Entry]) -> Vec<&str> {
    es.iter().map(|e| e.text.as_str()).collect()
}

#[test]
fn the_401_share_crossing_and_back_in_the_issues_words() {
    let es = unauthorized(&series(&[0.0, 0.0, 0.6, 1.0, 1.0, 0.02, 0.0]), 0.05);
    assert_eq!(
        texts(&es),
        [
            "401 share 0 % → 100 % (over 5 %)",
            "401 share 100 % → 0 % (back under 5 %)"
        ]
    );
    assert!(es[0].warning && !es[1].warning);
    assert_eq!(es[0].kind, Kind::Metric);
    assert_eq!(es[0].source, "prometheus");
    assert!(unauthorized(&[], 0.05).is_empty());
}

#[test]
fn p95_needs_to_hold_and_comes_back_under_90_percent() {
    let s = series(&[0.8, 2.5, 2.6, 2.4, 1.9, 1.7, 1.6, 1.5]);
    assert_eq!(
        texts(&latency(&s, 2000.0)),
        [
            "p95 latency 800 ms → 2.60 s (over 2.00 s)",
            "p95 latency 2.60 s → 1.50 s (back under 2.00 s)"
        ]
    );
    let already = series(&[3.0, 3.0, 3.0]);
    assert_eq!(
        texts(&latency(&already, 2000.0)),
        ["p95 latency over 2.00 s from its first sample (peak 3.00 s)"]
    );
}

#[test]
fn cost_steps_in_dollars_per_hour() {
    let mut s = series(&[100.0, 100.0, 200.0, 200.0, 200.0]);
    s[0].labels.insert("model".into(), "gpt-4.1".into());
    let es = cost(&s, &crate::config::default_models());
    assert_eq!(texts(&es), ["cost/hour $2.88 → $5.76"]);
}

#[test]
fn shares_and_steps() {
    assert_eq!(pct(0.004), "0.4 %");
    assert_eq!(pct(0.05), "5 %");
    assert_eq!(pct(0.0), "0 %");
    assert_eq!(
        step_for(SignedDuration::from_mins(15)),
        Duration::from_secs(1)
    );
    assert_eq!(
        step_for(SignedDuration::from_hours(1)),
        Duration::from_secs(5)
    );
}

/// A simulated feed whose history has a bad-key episode after a healthy half hour.
fn simulated_feed(t0: Timestamp) -> Feed {
    use crate::metrics::simulated::{Sample, SimHistory};
    let past = (0..12)
        .map(|i| Sample {
            at: t0 + SignedDuration::from_secs(i * 60),
            p50_ms: Some(500.0),
            p95_ms: Some(1700.0),
            tokens: Some(vec![crate::metrics::ModelRate {
                model: "gpt-4.1".into(),
                tokens_per_sec: if i < 8 { 1000.0 } else { 0.0 },
            }]),
            unauthorized_ratio: Some(if i < 8 { 0.0 } else { 1.0 }),
        })
        .collect();
    let h = SimHistory::new("ai-agents", std::time::Duration::from_secs(60), past);
    let read = std::sync::Arc::new(|| {
        crate::metrics::MetricsSnapshot::unreachable(
            crate::metrics::MetricsOrigin::Simulated,
            Timestamp::UNIX_EPOCH,
            "unused",
        )
    });
    Feed::Simulated(read, Some(std::sync::Arc::new(h)))
}

#[tokio::test]
async fn the_simulated_history_has_metric_transitions() {
    let t0: Timestamp = "2026-11-30T14:00:00Z".parse().unwrap();
    let feed = simulated_feed(t0);
    let cfg = Config::default();
    let until = t0 + SignedDuration::from_mins(15);
    let part = gather(&feed, &cfg, "ai-agents", t0, until).await;
    assert!(part.notes.is_empty(), "{:?}", part.notes);
    let t = texts(&part.entries);
    assert!(t.contains(&"401 share 0 % → 100 % (over 5 %)"), "{t:?}");
    assert!(t.iter().any(|x| x.starts_with("cost/hour")), "{t:?}");
    assert!(part.entries.iter().all(|e| e.source == "simulated"));

    let elsewhere = gather(&feed, &cfg, "kube-system", t0, until).await;
    assert_eq!(
        elsewhere.notes,
        ["metric transitions: the simulated agents run in ai-agents, not here"]
    );
    let Feed::Simulated(read, _) = feed else {
        unreachable!()
    };
    let none = gather(&Feed::Simulated(read, None), &cfg, "ai-agents", t0, until).await;
    assert!(
        none.notes[0].contains("keep no history"),
        "{:?}",
        none.notes
    );
}
