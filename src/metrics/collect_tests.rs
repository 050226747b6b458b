use super::*;

fn sample(labels: &[(&str, &str)], value: f64) -> Sample {
    Sample {
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        value,
    }
}

fn at() -> jiff::Timestamp {
    jiff::Timestamp::from_second(1_800_000_000).unwrap()
}

#[test]
fn single_readings() {
    assert_eq!(single(Ok(vec![])), Reading::NoData);
    assert_eq!(single(Ok(vec![sample(&[], f64::NAN)])), Reading::NoData);
    assert_eq!(single(Ok(vec![sample(&[], 0.25)])), Reading::Value(0.25));
    assert!(matches!(
        single(Ok(vec![sample(&[("a", "1")], 1.0), sample(&[("a", "2")], 2.0)])),
        Reading::Error(e) if e.contains("2 series")
    ));
    let e = QueryError::Prometheus {
        error_type: "bad_data".into(),
        error: "parse error".into(),
    };
    assert!(matches!(single(Err(e)), Reading::Error(t) if t.contains("parse error")));
}

#[test]
fn model_rates_sorted_nan_dropped() {
    let r = model_rates(Ok(vec![
        sample(&[("model", "zeta")], 2.0),
        sample(&[("model", "alpha")], 1.0),
        sample(&[("model", "nan")], f64::NAN),
    ]));
    let Reading::Value(v) = r else {
        panic!("{r:?}")
    };
    let names: Vec<&str> = v.iter().map(|m| m.model.as_str()).collect();
    assert_eq!(names, vec!["alpha", "zeta"]);
    assert_eq!(
        model_rates(Ok(vec![sample(&[("model", "x")], f64::NAN)])),
        Reading::NoData
    );
    assert_eq!(model_rates(Ok(vec![])), Reading::NoData);
}

#[test]
fn snapshot_units_and_unreachable() {
    let ok = |v: f64| Ok(vec![sample(&[], v)]);
    let s = from_results(
        MetricsOrigin::None,
        at(),
        [
            ok(0.12),
            ok(0.9),
            Ok(vec![]),
            ok(3.0),
            Err(QueryError::Http(500, "x".into())),
            ok(2.5),
            Ok(vec![]),
            ok(0.25),
            ok(4.5),
        ],
    );
    assert!(s.reachable);
    assert_eq!(s.p50_ms, Reading::Value(120.0));
    assert_eq!(s.p95_ms, Reading::Value(900.0));
    assert_eq!(s.tokens, Reading::NoData);
    assert_eq!(s.request_rate, Reading::Value(3.0));
    assert!(matches!(s.unauthorized_ratio, Reading::Error(ref e) if e.contains("500")));
    assert_eq!(s.recent.request_rate, Reading::Value(2.5));
    assert_eq!(s.recent.unauthorized_ratio, Reading::NoData);
    assert_eq!(s.recent.timeout_ratio, Reading::Value(0.25));
    assert_eq!(s.recent.p95_ms, Reading::Value(4500.0));

    let down = || {
        Err(QueryError::Unreachable(
            "127.0.0.1:1: connection refused".into(),
        ))
    };
    let s = from_results(
        MetricsOrigin::None,
        at(),
        [
            down(),
            down(),
            down(),
            down(),
            down(),
            down(),
            down(),
            down(),
            down(),
        ],
    );
    assert!(!s.reachable);
    assert!(matches!(s.p95_ms, Reading::Error(ref e) if e.contains("connection refused")));
}
