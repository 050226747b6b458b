//! Run every panel query against Prometheus and turn the answers into a [`MetricsSnapshot`].

use std::collections::BTreeMap;
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use crate::config::Queries;
use crate::text::printable;

use super::prom::{PromClient, QueryError, Sample};
use super::scope::{Scope, render};
use super::snapshot::{MetricsOrigin, MetricsSnapshot, ModelRate, Reading, Recent};

pub use super::snapshot::{MODEL_LABEL, UNLABELLED_MODEL};

/// One refresh: all panel queries, with `scope`'s values for their variables, run
/// concurrently. Empty results and NaN are [`Reading::NoData`]; PromQL and HTTP errors are
/// [`Reading::Error`] on their panel; when no query reached the server the snapshot is
/// [`MetricsSnapshot::unreachable`].
pub async fn refresh(client: &PromClient, queries: &Queries, scope: &Scope) -> MetricsSnapshot {
    let q = queries.all().map(|(_, promql)| render(promql, scope));
    let answers = futures::future::join_all(q.iter().map(|promql| client.query(promql))).await;
    let at = jiff::Timestamp::now();
    let origin = MetricsOrigin::Prometheus(client.url().to_string());
    match answers.try_into() {
        Ok(results) => from_results(origin, at, results),
        // One answer per query, always; the type just cannot say so.
        Err(_) => MetricsSnapshot::unreachable(origin, at, "internal: a query went missing"),
    }
}

/// Assemble a snapshot from the results of the queries, in the order of
/// [`Queries::all`]: p50, p95, tokens, request rate, unauthorized ratio, and the short
/// window's request rate, 401 share, 504 share and p95.
pub fn from_results(
    origin: MetricsOrigin,
    at: jiff::Timestamp,
    results: [Result<Vec<Sample>, QueryError>; 9],
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
    let [
        p50,
        p95,
        tokens,
        requests,
        unauthorized,
        recent,
        recent_401,
        recent_504,
        recent_p95,
    ] = results;
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
        recent: Recent {
            request_rate: single(recent),
            unauthorized_ratio: single(recent_401),
            timeout_ratio: single(recent_504),
            p95_ms: ms(single(recent_p95)),
        },
        backfill: None,
    }
}

/// A panel that shows one number: no series (or only NaN) is no data; several series is an
/// error, since picking one would hide the others (aggregate them in the query).
pub fn single(result: Result<Vec<Sample>, QueryError>) -> Reading<f64> {
    let samples = match result {
        Ok(s) => s,
        Err(e) => return Reading::Error(printable(&e.to_string())),
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
        Err(e) => return Reading::Error(printable(&e.to_string())),
    };
    let mut by_model: BTreeMap<String, f64> = BTreeMap::new();
    for s in samples.into_iter().filter(|s| !s.value.is_nan()) {
        let model = s
            .labels
            .get(MODEL_LABEL)
            .map(|m| printable(m))
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
/// than causing a burst. `base` gives the variables but `$namespace`, which is the
/// namespace shown: when it changes (`:ns`), a refresh for the new one starts at once.
/// With `history`, the first refresh for each namespace also reads that window back
/// ([`backfill`](super::backfill::backfill)) and carries it; until Prometheus answers it,
/// every refresh tries again.
pub async fn run(
    client: PromClient,
    queries: Queries,
    base: Scope,
    refresh_every: Duration,
    history: Option<jiff::SignedDuration>,
    mut namespace: watch::Receiver<String>,
    tx: mpsc::Sender<MetricsSnapshot>,
) {
    let refresh_every = refresh_every.max(Duration::from_millis(10));
    let mut tick = tokio::time::interval(refresh_every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Once the sender is gone the namespace is final: stop watching it.
    let mut watching = true;
    let mut backfill_due = history.is_some();
    loop {
        tokio::select! {
            _ = tx.closed() => return,
            _ = tick.tick() => {}
            r = namespace.changed(), if watching => {
                if r.is_err() {
                    watching = false;
                    continue;
                }
                backfill_due = history.is_some();
                tick.reset();
            }
        }
        let scope = Scope {
            namespace: namespace.borrow_and_update().clone(),
            ..base.clone()
        };
        let with_history = async {
            let window = history.filter(|_| backfill_due)?;
            let r =
                super::backfill::backfill(&client, &queries, &scope, window, refresh_every).await;
            if let Err(e) = &r {
                tracing::warn!("history backfill for {}: {e}", scope.namespace);
            }
            r.ok()
        };
        let (mut snap, backfill) = tokio::select! {
            _ = tx.closed() => return,
            s = futures::future::join(refresh(&client, &queries, &scope), with_history) => s,
        };
        if let Some(b) = backfill {
            for e in &b.errors {
                tracing::warn!("history backfill for {}: {e}", scope.namespace);
            }
            backfill_due = false;
            snap.backfill = Some(Box::new(b));
        }
        if tx.send(snap).await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
#[path = "collect_tests.rs"]
mod tests;
