use super::*;

fn t(secs: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + secs).unwrap()
}

fn series(labels: &[(&str, &str)], points: &[(i64, f64)]) -> RangeSeries {
    RangeSeries {
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        points: points.iter().map(|&(s, v)| (t(s), v)).collect(),
    }
}

#[test]
fn step_fits_the_chart() {
    let m = |n| SignedDuration::from_mins(n);
    assert_eq!(
        step_for(m(30), Duration::from_secs(1)),
        Duration::from_secs(8)
    );
    assert_eq!(
        step_for(m(30), Duration::from_secs(15)),
        Duration::from_secs(15)
    );
    assert_eq!(step_for(m(1), Duration::ZERO), Duration::from_secs(1));
    assert_eq!(
        step_for(m(24 * 60), Duration::ZERO),
        Duration::from_secs(360)
    );
}

#[test]
fn assembles_points_by_time() {
    let bf = assemble(
        Ok(vec![series(&[], &[(0, 0.2), (15, f64::NAN), (30, 0.3)])]),
        Ok(vec![series(&[], &[(0, 1.5), (30, 2.0)])]),
        Ok(vec![
            series(&[("model", "b")], &[(0, 1.0), (15, 2.0)]),
            series(&[("model", "a")], &[(15, 3.0), (30, f64::NAN)]),
            series(&[("model", "a"), ("pod", "x")], &[(15, 1.0)]),
        ]),
        &["model".to_string()],
    );
    assert!(bf.errors.is_empty());
    assert_eq!(bf.points.len(), 3);
    let p = &bf.points;
    assert_eq!(
        (p[0].at, p[0].p50_ms, p[0].p95_ms),
        (t(0), Some(200.0), Some(1500.0))
    );
    assert_eq!(p[1].p50_ms, None, "NaN is no data");
    assert_eq!(p[1].p95_ms, None);
    let rates = p[1].tokens.as_ref().unwrap();
    assert_eq!(rates.len(), 2);
    assert_eq!(
        (rates[0].model.as_str(), rates[0].tokens_per_sec),
        ("a", 4.0)
    );
    assert_eq!(
        (rates[1].model.as_str(), rates[1].tokens_per_sec),
        ("b", 2.0)
    );
    assert_eq!(p[2].tokens, None, "only NaN: no data, not zero");
}

#[test]
fn a_failed_query_is_told_and_the_rest_kept() {
    let bf = assemble(
        Err(QueryError::Prometheus {
            error_type: "bad_data".into(),
            error: "parse error".into(),
        }),
        Ok(vec![series(&[], &[(0, 1.0)]), series(&[], &[(0, 2.0)])]),
        Ok(vec![series(&[], &[(0, 5.0)])]),
        &["model".to_string()],
    );
    assert_eq!(bf.errors.len(), 1);
    assert!(bf.errors[0].starts_with("p50: ") && bf.errors[0].contains("bad_data"));
    assert_eq!(bf.points.len(), 1);
    assert_eq!(bf.points[0].p95_ms, None, "two series: no number is picked");
    assert_eq!(
        bf.points[0].tokens.as_ref().unwrap()[0].model,
        UNLABELLED_MODEL
    );
}
