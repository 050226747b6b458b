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
    let model = ["model".to_string()];
    let r = model_rates(
        Ok(vec![
            sample(&[("model", "zeta")], 2.0),
            sample(&[("model", "alpha")], 1.0),
            sample(&[("model", "nan")], f64::NAN),
        ]),
        &model,
    );
    let Reading::Value(v) = r else {
        panic!("{r:?}")
    };
    let names: Vec<&str> = v.iter().map(|m| m.model.as_str()).collect();
    assert_eq!(names, vec!["alpha", "zeta"]);
    assert_eq!(
        model_rates(Ok(vec![sample(&[("model", "x")], f64::NAN)]), &model),
        Reading::NoData
    );
    assert_eq!(model_rates(Ok(vec![]), &model), Reading::NoData);
}

/// OTel names the model twice: the requested one wins, the dated response one is the
/// fallback, and a series without either is the unlabelled row.
#[test]
fn model_rates_take_the_first_model_label_present() {
    let labels = [
        "gen_ai_request_model".to_string(),
        "gen_ai_response_model".to_string(),
    ];
    let r = model_rates(
        Ok(vec![
            sample(
                &[
                    ("gen_ai_request_model", "gpt-4.1"),
                    ("gen_ai_response_model", "gpt-4.1-2025-04-14"),
                ],
                2.0,
            ),
            sample(
                &[
                    ("gen_ai_request_model", "gpt-4.1"),
                    ("gen_ai_response_model", "gpt-4.1-2025-05-01"),
                ],
                1.0,
            ),
            sample(&[("gen_ai_response_model", "deepseek-chat")], 4.0),
            sample(&[], 8.0),
        ]),
        &labels,
    );
    let Reading::Value(v) = r else {
        panic!("{r:?}")
    };
    let got: Vec<(&str, f64)> = v
        .iter()
        .map(|m| (m.model.as_str(), m.tokens_per_sec))
        .collect();
    assert_eq!(
        got,
        vec![
            (UNLABELLED_MODEL, 8.0),
            ("deepseek-chat", 4.0),
            ("gpt-4.1", 3.0)
        ]
    );
}

#[test]
fn snapshot_units_cannot_and_unreachable() {
    let ok = |v: f64| Answer::Samples(Ok(vec![sample(&[], v)]));
    let (_, plan) = crate::metrics::plan::example_with(crate::config::Queries::default());
    let answers: Vec<Answer> = plan
        .sources
        .iter()
        .map(|(q, _)| match q {
            Quantity::P50 => ok(0.12),
            Quantity::P95 => ok(0.9),
            Quantity::Tokens => Answer::Samples(Ok(vec![])),
            Quantity::RequestRate => ok(3.0),
            Quantity::Unauthorized => Answer::Samples(Err(QueryError::Http(500, "x".into()))),
            Quantity::RecentRequestRate => ok(2.5),
            Quantity::RecentTimeout => ok(0.25),
            Quantity::RecentP95 => ok(4.5),
            Quantity::RecentClientErrors => Answer::Cannot("grouped".into()),
            _ => Answer::Samples(Ok(vec![])),
        })
        .collect();
    let s = from_answers(MetricsOrigin::None, at(), &plan, answers);
    assert!(s.reachable);
    assert_eq!(s.stack, "example stack");
    assert_eq!(s.p50_ms, Reading::Value(120.0));
    assert_eq!(s.p95_ms, Reading::Value(900.0));
    assert_eq!(s.tokens, Reading::NoData);
    assert_eq!(s.request_rate, Reading::Value(3.0));
    assert!(matches!(s.unauthorized_ratio, Reading::Error(ref e) if e.contains("500")));
    assert_eq!(s.recent.request_rate, Reading::Value(2.5));
    assert_eq!(s.recent.unauthorized_ratio, Reading::NoData);
    assert_eq!(s.recent.timeout_ratio, Reading::Value(0.25));
    assert_eq!(s.recent.p95_ms, Reading::Value(4500.0));
    assert_eq!(
        s.recent.client_error_ratio,
        Reading::Cannot("grouped".into())
    );

    let answers: Vec<Answer> = plan
        .sources
        .iter()
        .map(|(_, src)| match src {
            Source::Query { .. } => Answer::Samples(Err(QueryError::Unreachable(
                "127.0.0.1:1: connection refused".into(),
            ))),
            Source::Cannot { why, .. } => Answer::Cannot(why.clone()),
        })
        .collect();
    let s = from_answers(MetricsOrigin::None, at(), &plan, answers);
    assert!(!s.reachable);
    assert!(matches!(s.p95_ms, Reading::Error(ref e) if e.contains("connection refused")));
}

/// A Prometheus (or a proxy) answering values a quantity cannot take: invalid answers,
/// said as such, never drawn (`p50 -5000 ms`, `-inf/min`, `401 on inf %`).
#[test]
fn impossible_values_are_invalid_answers() {
    let ok = |v: f64| Answer::Samples(Ok(vec![sample(&[], v)]));
    let (_, plan) = crate::metrics::plan::example_with(crate::config::Queries::default());
    let answers: Vec<Answer> = plan
        .sources
        .iter()
        .map(|(q, _)| match q {
            Quantity::P50 => ok(-5.0),
            Quantity::P95 => ok(f64::INFINITY),
            Quantity::Tokens => Answer::Samples(Ok(vec![
                sample(&[("model", "gpt-4.1")], 10.0),
                sample(&[("model", "x")], f64::NEG_INFINITY),
            ])),
            Quantity::RequestRate => ok(1e308),
            Quantity::RecentUnauthorized => ok(f64::INFINITY),
            Quantity::RecentTimeout => ok(1.5),
            // A share a hair over 1 from rate() arithmetic is 1.
            Quantity::RecentRateLimited => ok(1.0 + 1e-9),
            _ => Answer::Samples(Ok(vec![])),
        })
        .collect();
    let s = from_answers(MetricsOrigin::None, at(), &plan, answers);
    let invalid =
        |r: &Reading<f64>| matches!(r, Reading::Error(e) if e.starts_with("invalid answer"));
    assert!(invalid(&s.p50_ms), "{:?}", s.p50_ms);
    assert!(invalid(&s.p95_ms), "{:?}", s.p95_ms);
    assert!(invalid(&s.recent.unauthorized_ratio));
    assert!(invalid(&s.recent.timeout_ratio));
    assert_eq!(s.request_rate, Reading::Value(1e308), "big but possible");
    assert_eq!(s.recent.rate_limited_ratio, Reading::Value(1.0));
    assert!(
        matches!(&s.tokens, Reading::Error(e) if e.contains("invalid answer") && e.contains("model x")),
        "{:?}",
        s.tokens
    );
}

/// 20,000 model label values: the busiest 19 and one row for the rest.
#[test]
fn thousands_of_models_are_the_busiest_and_one_row_of_others() {
    let model = ["model".to_string()];
    let samples: Vec<Sample> = (0..20_000)
        .map(|i| sample(&[("model", &format!("m{i:05}"))], i as f64))
        .collect();
    let Reading::Value(v) = model_rates(Ok(samples), &model) else {
        panic!()
    };
    assert_eq!(v.len(), MAX_MODELS);
    assert!(v.iter().any(|m| m.model == "(19981 others)"), "{v:?}");
    let total: f64 = (0..20_000).map(f64::from).sum();
    let kept: f64 = v.iter().map(|m| m.tokens_per_sec).sum();
    assert_eq!(kept, total, "nothing lost");
    assert!(v.iter().any(|m| m.model == "m19999"));
}
