//! Back-fill the history window from Prometheus: range queries for p50, p95 and tokens by
//! model over the last `history_minutes`, so the charts show the window from the first
//! frame instead of only what this dashboard saw since it started.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use crate::text::printable;

use super::plan::{Plan, Quantity, Source};
use super::prom::{PromClient, QueryError, RangeSeries};
use super::scope::{Scope, render};
use super::snapshot::{Backfill, ModelRate, PastReading, UNLABELLED_MODEL};

/// About how many points a back-fill asks for: twice the widest chart's columns (braille
/// marks two dots a cell), so a step never hides detail the chart could draw.
pub const TARGET_POINTS: u32 = 240;

/// The step for `window`: `window / TARGET_POINTS`, whole seconds, at least `min`.
pub fn step_for(window: SignedDuration, min: Duration) -> Duration {
    let secs = (window.as_secs_f64() / f64::from(TARGET_POINTS))
        .ceil()
        .max(1.0);
    Duration::from_secs_f64(secs).max(min)
}

/// Read back `[now - window, now]` for `scope` with the panel queries: p50, p95, tokens by
/// model. A failed query leaves its numbers out of the points and says why in `errors`.
pub async fn backfill(
    client: &PromClient,
    plan: &Plan,
    scope: &Scope,
    window: SignedDuration,
    min_step: Duration,
) -> Result<Backfill, QueryError> {
    let to = Timestamp::now();
    let from = to - window;
    let step = step_for(window, min_step);
    let range = async |q: Quantity| match plan.source(q) {
        Source::Query { promql, .. } => {
            let promql = render(promql, scope);
            client.query_range(&promql, from, to, step).await
        }
        // Nothing to read back: the panels say why; it is no failure of the read.
        Source::Cannot { .. } => Ok(Vec::new()),
    };
    let (p50, p95, tokens) = futures::join!(
        range(Quantity::P50),
        range(Quantity::P95),
        range(Quantity::Tokens),
    );
    let model_labels = match plan.source(Quantity::Tokens) {
        Source::Query { model_labels, .. } => model_labels.clone(),
        Source::Cannot { .. } => Vec::new(),
    };
    if let (Err(e @ QueryError::Unreachable(_)), Err(QueryError::Unreachable(_)), Err(_)) =
        (&p50, &p95, &tokens)
    {
        return Err(e.clone());
    }
    let mut bf = assemble(p50, p95, tokens, &model_labels);
    bf.namespace = scope.namespace.clone();
    bf.from = from;
    bf.to = to;
    bf.step = step;
    Ok(bf)
}

/// Points from the three range results (seconds → ms), one per time any series has.
pub fn assemble(
    p50: Result<Vec<RangeSeries>, QueryError>,
    p95: Result<Vec<RangeSeries>, QueryError>,
    tokens: Result<Vec<RangeSeries>, QueryError>,
    model_labels: &[String],
) -> Backfill {
    let mut errors = Vec::new();
    let mut ok = |what: &str, r: Result<Vec<RangeSeries>, QueryError>| match r {
        Ok(s) => s,
        Err(e) => {
            errors.push(printable(&format!("{what}: {e}")));
            Vec::new()
        }
    };
    let (p50, p95, tokens) = (ok("p50", p50), ok("p95", p95), ok("tokens", tokens));
    let mut at: BTreeMap<Timestamp, PastReading> = BTreeMap::new();
    for (series, is_p95) in [(&p50, false), (&p95, true)] {
        // Several series would be a query that did not aggregate: like the live panel,
        // no number is better than picking one of them.
        if let [one] = series.as_slice() {
            for &(t, v) in one.points.iter().filter(|(_, v)| !v.is_nan()) {
                let r = slot(&mut at, t);
                *(if is_p95 { &mut r.p95_ms } else { &mut r.p50_ms }) = Some(v * 1000.0);
            }
        }
    }
    for s in &tokens {
        let model = model_labels
            .iter()
            .find_map(|l| s.labels.get(l).filter(|m| !m.is_empty()))
            .map(|m| printable(m))
            .unwrap_or_else(|| UNLABELLED_MODEL.to_string());
        for &(t, v) in s.points.iter().filter(|(_, v)| !v.is_nan()) {
            add_rate(
                slot(&mut at, t).tokens.get_or_insert_with(Vec::new),
                &model,
                v,
            );
        }
    }
    Backfill {
        namespace: String::new(),
        from: Timestamp::UNIX_EPOCH,
        to: Timestamp::UNIX_EPOCH,
        step: Duration::ZERO,
        points: at.into_values().collect(),
        errors,
    }
}

fn slot(at: &mut BTreeMap<Timestamp, PastReading>, t: Timestamp) -> &mut PastReading {
    at.entry(t).or_insert_with(|| PastReading {
        at: t,
        p50_ms: None,
        p95_ms: None,
        tokens: None,
    })
}

/// Add `v` to `model`'s rate, keeping the list sorted by model.
fn add_rate(rates: &mut Vec<ModelRate>, model: &str, v: f64) {
    match rates.binary_search_by(|r| r.model.as_str().cmp(model)) {
        Ok(i) => rates[i].tokens_per_sec += v,
        Err(i) => rates.insert(
            i,
            ModelRate {
                model: model.to_string(),
                tokens_per_sec: v,
            },
        ),
    }
}

#[cfg(test)]
#[path = "backfill_tests.rs"]
mod tests;
