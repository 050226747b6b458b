use super::*;

fn flowing() -> MetricsSnapshot {
    let mut m = MetricsSnapshot::default();
    m.recent.request_rate = Reading::Value(3.0);
    m.recent.unauthorized_ratio = Reading::Value(0.0);
    m.recent.timeout_ratio = Reading::Value(0.0);
    m.recent.rate_limited_ratio = Reading::Value(0.0);
    m.recent.p95_ms = Reading::Value(800.0);
    m
}

#[test]
fn no_metrics_source_blinds_every_check() {
    let spots = blind_spots(None, "1m", 2000.0);
    assert_eq!(spots.len(), 4);
    assert!(spots.iter().all(|s| s.why.contains("no metrics source")));
}

#[test]
fn every_signal_present_sees_everything() {
    assert_eq!(blind_spots(Some(&flowing()), "1m", 2000.0), vec![]);
}

/// The FastAPI instrumentator's buckets stop at 1 s: a 2 s threshold can never be crossed.
#[test]
fn a_histogram_capped_under_the_threshold_cannot_tell_slow() {
    let mut m = flowing();
    m.latency_cap_ms = Some(1000.0);
    let spots = blind_spots(Some(&m), "1m", 2000.0);
    assert_eq!(spots.len(), 1, "{spots:?}");
    assert_eq!(spots[0].check, "latency");
    assert!(spots[0].why.contains("stop at 1.00 s"), "{}", spots[0].why);
    // A threshold under the cap can be crossed: nothing blind.
    assert_eq!(blind_spots(Some(&m), "1m", 500.0), vec![]);
}

#[test]
fn grouped_codes_name_the_share_watched_instead() {
    let mut m = flowing();
    m.recent.unauthorized_ratio = Reading::Cannot("codes are grouped".into());
    m.recent.client_error_ratio = Reading::Value(0.1);
    let spots = blind_spots(Some(&m), "1m", 2000.0);
    assert_eq!(spots[0].check, "provider key");
    assert!(
        spots[0].why.ends_with("the 4xx share is watched instead"),
        "{spots:?}"
    );
}

#[test]
fn shares_without_requests_tell_nothing() {
    let mut m = flowing();
    m.recent.request_rate = Reading::Value(0.0);
    let spots = blind_spots(Some(&m), "1m", 2000.0);
    assert!(
        spots.iter().any(|s| s.why == "no requests in the last 1m"),
        "{spots:?}"
    );
}
