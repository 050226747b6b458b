//! Run every panel query against Prometheus and turn the answers into a [`MetricsSnapshot`].

use std::collections::BTreeMap;
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use crate::config::PrometheusConfig;
use crate::text::printable;

use super::plan::{Plan, Quantity, Source};
use super::prom::{PromClient, QueryError, Sample};
use super::scope::{Scope, render};
use super::snapshot::{MetricsOrigin, MetricsSnapshot, ModelRate, ModelSpend, Reading, Recent};

pub use super::snapshot::{MODEL_LABEL, UNLABELLED_MODEL};

pub use super::answer::Answer;

/// One refresh: every quantity of `plan` that has a query, with `scope`'s values for
/// their variables, run concurrently. Empty results and NaN are [`Reading::NoData`];
/// PromQL and HTTP errors are [`Reading::Error`] on their panel; a quantity the stack
/// cannot give is [`Reading::Cannot`]; when no query reached the server the snapshot is
/// [`MetricsSnapshot::unreachable`].
pub async fn refresh(client: &PromClient, plan: &Plan, scope: &Scope) -> MetricsSnapshot {
    let answers = futures::future::join_all(plan.sources.iter().map(|(_, src)| async move {
        match src {
            Source::Query { promql, .. } => {
                Answer::Samples(client.query(&render(promql, scope)).await)
            }
            Source::Cannot { why, .. } => Answer::Cannot(why.clone()),
        }
    }))
    .await;
    let origin = MetricsOrigin::Prometheus(client.url().to_string());
    from_answers(origin, jiff::Timestamp::now(), plan, answers)
}

/// Assemble a snapshot from the answers, in the order of `plan.sources`.
pub fn from_answers(
    origin: MetricsOrigin,
    at: jiff::Timestamp,
    plan: &Plan,
    answers: Vec<Answer>,
) -> MetricsSnapshot {
    let unreachable: Vec<&String> = answers
        .iter()
        .filter_map(|r| match r {
            Answer::Samples(Err(QueryError::Unreachable(e))) => Some(e),
            _ => None,
        })
        .collect();
    let asked = answers
        .iter()
        .filter(|a| matches!(a, Answer::Samples(_)))
        .count();
    if !unreachable.is_empty() && unreachable.len() == asked {
        let error = QueryError::Unreachable(unreachable[0].clone()).to_string();
        let mut snap = MetricsSnapshot::unreachable(origin, at, &error);
        snap.stack = plan.label();
        return snap;
    }
    let mut by: std::collections::HashMap<Quantity, (Answer, Vec<String>)> = plan
        .sources
        .iter()
        .zip(answers)
        .map(|((q, src), a)| {
            let labels = match src {
                Source::Query { model_labels, .. } => model_labels.clone(),
                Source::Cannot { .. } => Vec::new(),
            };
            (*q, (a, labels))
        })
        .collect();
    let mut take = |q: Quantity| {
        let a = by
            .remove(&q)
            .unwrap_or((Answer::Cannot("not planned".into()), Vec::new()));
        (q, a)
    };
    let ms = |r: Reading<f64>| match r {
        Reading::Value(s) => Reading::Value(s * 1000.0),
        other => other,
    };
    let one = |(q, (a, _)): (Quantity, (Answer, Vec<String>))| valid(q, with(a, single));
    let rates = |(q, (a, l)): (Quantity, (Answer, Vec<String>))| {
        valid_rates(q, with(a, |r| model_rates(r, &l)))
    };
    MetricsSnapshot {
        origin,
        at,
        reachable: true,
        stack: plan.label(),
        sources: plan
            .sources
            .iter()
            .map(|(q, s)| (*q, s.from().to_string()))
            .collect(),
        latency_layer: plan.layer(Quantity::P95),
        latency_cap_ms: plan.latency_cap_ms(),
        p50_ms: ms(one(take(Quantity::P50))),
        p95_ms: ms(one(take(Quantity::P95))),
        tokens: rates(take(Quantity::Tokens)),
        request_rate: one(take(Quantity::RequestRate)),
        unauthorized_ratio: one(take(Quantity::Unauthorized)),
        spend: spend(rates(take(Quantity::Spend))),
        servers: one(take(Quantity::Servers)),
        recent: Recent {
            request_rate: one(take(Quantity::RecentRequestRate)),
            unauthorized_ratio: one(take(Quantity::RecentUnauthorized)),
            timeout_ratio: one(take(Quantity::RecentTimeout)),
            p95_ms: ms(one(take(Quantity::RecentP95))),
            rate_limited_ratio: one(take(Quantity::RecentRateLimited)),
            client_error_ratio: one(take(Quantity::RecentClientErrors)),
            server_error_ratio: one(take(Quantity::RecentServerErrors)),
            provider_up_ratio: one(take(Quantity::ProviderUp)),
            provider_probe_ms: ms(one(take(Quantity::ProviderProbe))),
        },
        agents: super::agents::assemble(
            take(Quantity::AgentP95).1,
            take(Quantity::AgentRequestRate).1,
            take(Quantity::AgentErrors).1,
        ),
        backfill: None,
    }
}

/// A value the quantity cannot take — infinite, negative, a share over 1 — is an invalid
/// answer, said as such, never drawn as a number (`-inf/min`, `401 on inf %`).
fn valid(q: Quantity, r: Reading<f64>) -> Reading<f64> {
    let Reading::Value(v) = r else {
        return r;
    };
    match q.valid_range() {
        (lo, hi) if v.is_finite() && v >= lo && v <= hi * (1.0 + 1e-6) => Reading::Value(v.min(hi)),
        (lo, hi) => Reading::Error(invalid(q, v, lo, hi)),
    }
}

fn invalid(q: Quantity, v: f64, lo: f64, hi: f64) -> String {
    let range = if hi.is_finite() {
        format!("{lo} to {hi}")
    } else {
        format!("at least {lo}")
    };
    format!(
        "invalid answer: {v} for {} ({range} expected; check the query with `agentdeck metrics`)",
        q.what()
    )
}

/// Rates by model: every one finite and not negative, or the reading is an invalid answer.
fn valid_rates(q: Quantity, r: Reading<Vec<ModelRate>>) -> Reading<Vec<ModelRate>> {
    let Reading::Value(v) = r else {
        return r;
    };
    match v
        .iter()
        .find(|m| !(m.tokens_per_sec.is_finite() && m.tokens_per_sec >= 0.0))
    {
        Some(bad) => Reading::Error(format!(
            "{} (model {})",
            invalid(q, bad.tokens_per_sec, 0.0, f64::INFINITY),
            bad.model
        )),
        None => Reading::Value(v),
    }
}

fn with<T>(a: Answer, f: impl FnOnce(Result<Vec<Sample>, QueryError>) -> Reading<T>) -> Reading<T> {
    match a {
        Answer::Samples(r) => f(r),
        Answer::Cannot(why) => Reading::Cannot(why),
    }
}

/// USD per second by model (as queried) → USD per hour.
fn spend(r: Reading<Vec<ModelRate>>) -> Reading<Vec<ModelSpend>> {
    match r {
        Reading::Value(v) => Reading::Value(
            v.into_iter()
                .map(|m| ModelSpend {
                    model: m.model,
                    usd_per_hour: m.tokens_per_sec * super::cost::SECONDS_PER_HOUR,
                })
                .collect(),
        ),
        Reading::NoData => Reading::NoData,
        Reading::Error(e) => Reading::Error(e),
        Reading::Cannot(w) => Reading::Cannot(w),
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

/// Rates by model — the first of `model_labels` a series has (none: one unlabelled row) —
/// sorted by model; NaN samples dropped; nothing left is no data. Series with the same
/// model (the query did not aggregate, or grouped by several model labels) are added up.
pub fn model_rates(
    result: Result<Vec<Sample>, QueryError>,
    model_labels: &[String],
) -> Reading<Vec<ModelRate>> {
    let samples = match result {
        Ok(s) => s,
        Err(e) => return Reading::Error(printable(&e.to_string())),
    };
    let mut by_model: BTreeMap<String, f64> = BTreeMap::new();
    for s in samples.into_iter().filter(|s| !s.value.is_nan()) {
        let model = model_labels
            .iter()
            .find_map(|l| s.labels.get(l).filter(|m| !m.is_empty()))
            .map(|m| printable(m))
            .unwrap_or_else(|| UNLABELLED_MODEL.to_string());
        *by_model.entry(model).or_insert(0.0) += s.value;
    }
    by_model.retain(|_, v| !v.is_nan()); // +Inf + -Inf
    if by_model.is_empty() {
        return Reading::NoData;
    }
    let mut rows: Vec<ModelRate> = by_model
        .into_iter()
        .map(|(model, tokens_per_sec)| ModelRate {
            model,
            tokens_per_sec,
        })
        .collect();
    if rows.len() > MAX_MODELS {
        // A label gone wild (thousands of values): the busiest stay, the rest are one row.
        rows.sort_by(|a, b| b.tokens_per_sec.total_cmp(&a.tokens_per_sec));
        let rest = rows.split_off(MAX_MODELS - 1);
        rows.push(ModelRate {
            model: format!("({} others)", rest.len()),
            tokens_per_sec: rest.iter().map(|r| r.tokens_per_sec).sum(),
        });
        rows.sort_by(|a, b| a.model.cmp(&b.model));
    }
    Reading::Value(rows)
}

/// Models shown at most, the last row summing the rest.
pub const MAX_MODELS: usize = 20;

/// Refresh every `refresh_every` (the first refresh at once) and send each snapshot to
/// `tx`; returns when the receiver is dropped. A slow refresh delays the next tick rather
/// than causing a burst. `base` gives the variables but `$namespace`, which is the
/// namespace shown: when it changes (`:ns`), a refresh for the new one starts at once.
/// With `history`, the first refresh for each namespace also reads that window back
/// ([`backfill`](super::backfill::backfill)) and carries it; until Prometheus answers it,
/// every refresh tries again.
pub async fn run(
    client: PromClient,
    cfg: PrometheusConfig,
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
    let mut planner = super::planner::Planner::new(cfg);
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
        let plan = tokio::select! {
            _ = tx.closed() => return,
            p = planner.plan(&client, &scope) => p.clone(),
        };
        let with_history = async {
            let window = history.filter(|_| backfill_due)?;
            let r = super::backfill::backfill(&client, &plan, &scope, window, refresh_every).await;
            if let Err(e) = &r {
                tracing::warn!("history backfill for {}: {e}", scope.namespace);
            }
            r.ok()
        };
        let (mut snap, backfill) = tokio::select! {
            _ = tx.closed() => return,
            s = futures::future::join(refresh(&client, &plan, &scope), with_history) => s,
        };
        planner.after(&snap);
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
