//! Run every panel query against Prometheus and turn the answers into a [`MetricsSnapshot`].

use std::collections::BTreeMap;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::config::Queries;

use super::prom::{PromClient, QueryError, Sample};
use super::snapshot::{MetricsOrigin, MetricsSnapshot, ModelRate, Reading};

/// The label that names the model in the token-rate query.
pub const MODEL_LABEL: &str = "model";
/// Name used for a token series without a `model` label.
pub const UNLABELLED_MODEL: &str = "(no model label)";

/// One refresh: all panel queries run concurrently. Empty results and NaN are
/// [`Reading::NoData`]; PromQL and HTTP errors are [`Reading::Error`] on their panel; when no
/// query reached the server the snapshot is [`MetricsSnapshot::unreachable`].
pub async fn refresh(client: &PromClient, queries: &Queries) -> MetricsSnapshot {
    let (p50, p95, tokens, requests, unauthorized) = tokio::join!(
        client.query(&queries.p50_seconds),
        client.query(&queries.p95_seconds),
        client.query(&queries.tokens_per_second),
        client.query(&queries.request_rate),
        client.query(&queries.unauthorized_ratio),
    );
    let at = jiff::Timestamp::now();
    let origin = MetricsOrigin::Prometheus(client.url().to_string());
    from_results(origin, at, [p50, p95, tokens, requests, unauthorized])
}

/// Assemble a snapshot from the results of the five panel queries, in the order p50, p95,
/// tokens, request rate, unauthorized ratio.
pub fn from_results(
    origin: MetricsOrigin,
    at: jiff::Timestamp,
    results: [Result<Vec<Sample>, QueryError>; 5],
) -> MetricsSnapshot {
    let unreachable: Vec<&String> = results
        .iter()
        .filter_map(|r| match r {
            Err(QueryError::Unreachable(e)) => Some(e),
            _ => None,
        })
        .collect();
    if unreachable.len() == results.len() {
        let error = QueryError::Unreachable(unreachable[0].clone()).to_string();
        return MetricsSnapshot::unreachable(origin, at, &error);
    }
    let [p50, p95, tokens, requests, unauthorized] = results;
    let ms = |r: Reading<f64>| match r {
        Reading::Value(s) => Reading::Value(s * 1000.0),
        other => other,
    };
    MetricsSnapshot {
        origin,
        at,
        reachable: true,
        p50_ms: ms(single(p50)),
        p95_ms: ms(single(p95)),
        tokens: model_rates(tokens),
        request_rate: single(requests),
        unauthorized_ratio: single(unauthorized),
    }
}

/// A panel that shows one number: no series (or only NaN) is no data; several series is an
/// error, since picking one would hide the others (aggregate them in the query).
pub fn single(result: Result<Vec<Sample>, QueryError>) -> Reading<f64> {
    let samples = match result {
        Ok(s) => s,
        Err(e) => return Reading::Error(e.to_string()),
    };
    let values: Vec<f64> = samples
        .iter()
        .map(|s| s.value)
        .filter(|v| !v.is_nan())
        .collect();
    match values.as_slice() {
        [] => Reading::NoData,
        [v] => Reading::Value(*v),
        many => Reading::Error(format!(
            "query returned {} series; one was expected (aggregate with sum/max)",
            many.len()
        )),
    }
}

/// Token rates by `model` label, sorted by model; NaN samples dropped; nothing left is no
/// data. Two series with the same model (the query did not aggregate) are added up.
pub fn model_rates(result: Result<Vec<Sample>, QueryError>) -> Reading<Vec<ModelRate>> {
    let samples = match result {
        Ok(s) => s,
        Err(e) => return Reading::Error(e.to_string()),
    };
    let mut by_model: BTreeMap<String, f64> = BTreeMap::new();
    for s in samples.into_iter().filter(|s| !s.value.is_nan()) {
        let model = s
            .labels
            .get(MODEL_LABEL)
            .cloned()
            .unwrap_or_else(|| UNLABELLED_MODEL.to_string());
        *by_model.entry(model).or_insert(0.0) += s.value;
    }
    by_model.retain(|_, v| !v.is_nan()); // +Inf + -Inf
    if by_model.is_empty() {
        return Reading::NoData;
    }
    Reading::Value(
        by_model
            .into_iter()
            .map(|(model, tokens_per_sec)| ModelRate {
                model,
                tokens_per_sec,
            })
            .collect(),
    )
}

/// Refresh every `refresh_every` (the first refresh at once) and send each snapshot to
/// `tx`; returns when the receiver is dropped. A slow refresh delays the next tick rather
/// than causing a burst.
pub async fn run(
    client: PromClient,
    queries: Queries,
    refresh_every: Duration,
    tx: mpsc::Sender<MetricsSnapshot>,
) {
    let mut tick = tokio::time::interval(refresh_every.max(Duration::from_millis(10)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tx.closed() => return,
            _ = tick.tick() => {}
        }
        let snap = tokio::select! {
            _ = tx.closed() => return,
            s = refresh(&client, &queries) => s,
        };
        if tx.send(snap).await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
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
            ],
        );
        assert!(s.reachable);
        assert_eq!(s.p50_ms, Reading::Value(120.0));
        assert_eq!(s.p95_ms, Reading::Value(900.0));
        assert_eq!(s.tokens, Reading::NoData);
        assert_eq!(s.request_rate, Reading::Value(3.0));
        assert!(matches!(s.unauthorized_ratio, Reading::Error(ref e) if e.contains("500")));

        let down = || {
            Err(QueryError::Unreachable(
                "127.0.0.1:1: connection refused".into(),
            ))
        };
        let s = from_results(
            MetricsOrigin::None,
            at(),
            [down(), down(), down(), down(), down()],
        );
        assert!(!s.reachable);
        assert!(matches!(s.p95_ms, Reading::Error(ref e) if e.contains("connection refused")));
    }
}
