use super::*;
use crate::metrics::RangeSeries;

fn at(s: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + s).unwrap()
}

fn series(name: &str, secs: &[i64]) -> RangeSeries {
    RangeSeries {
        labels: [
            ("alertname".to_string(), name.to_string()),
            ("severity".to_string(), "critical".to_string()),
        ]
        .into(),
        points: secs.iter().map(|&s| (at(s), 1.0)).collect(),
    }
}

#[test]
fn a_run_fires_and_resolves_and_a_gap_starts_another() {
    let s = series("AgentProviderUnauthorized", &[10, 15, 20, 25, 60, 65]);
    let e = runs(&[s], Duration::from_secs(5), at(100));
    let got: Vec<(i64, String)> = e
        .iter()
        .map(|e| (e.at.as_second() - 1_800_000_000, e.text.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                5,
                "alert AgentProviderUnauthorized fired (critical)".to_string()
            ),
            (30, "alert AgentProviderUnauthorized resolved".to_string()),
            (
                55,
                "alert AgentProviderUnauthorized fired (critical)".to_string()
            ),
            (70, "alert AgentProviderUnauthorized resolved".to_string()),
        ]
    );
    assert!(e[0].warning && !e[1].warning);
}

#[test]
fn still_firing_at_the_end_has_no_resolved() {
    let e = runs(
        &[series("X", &[90, 95, 100])],
        Duration::from_secs(5),
        at(100),
    );
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].kind, Kind::Alert);
    assert!(runs(&[series("X", &[])], Duration::from_secs(5), at(100)).is_empty());
}
