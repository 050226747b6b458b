//! Metric transitions from Prometheus history: the 401 share crossing its threshold and
//! back, p95 latency over its threshold and back, cost/hour steps. The queries are the
//! config's (`[prometheus.queries]`), over the timeline's window. The demo's simulated
//! feed keeps its own history (the model's before the start, then what it read), judged
//! the same way; without either there is no history, and one note says so.

use std::time::Duration;

use jiff::Timestamp;

use super::transitions::{self, Crossing, Step};
use super::{Entry, Kind, Part};
use crate::config::Config;
use crate::metrics::plan::{Quantity, Source};
use crate::metrics::simulated::SimHistory;
use crate::metrics::{Feed, QueryError, RangeSeries, Scope, scope};

/// Relative change of the cost per hour that is a step.
pub const COST_STEP: f64 = 0.25;
/// Smaller changes than this (USD/hour) are never steps.
pub const COST_MIN_USD: f64 = 0.01;
/// p95 (over 5 minutes) must stay over, or back, for this many points to count.
pub const P95_HOLD: usize = 3;
/// p95 is back once under this share of its threshold.
pub const P95_BACK: f64 = 0.9;

/// A step that gives about 720 points over the window, at least a second.
pub fn step_for(window: jiff::SignedDuration) -> Duration {
    Duration::from_secs((window.as_secs() / 720).max(1) as u64)
}

/// The metric transitions over `[since, until]`, or a note why there are none.
pub async fn gather(
    feed: &Feed,
    cfg: &Config,
    namespace: &str,
    since: Timestamp,
    until: Timestamp,
) -> Part {
    let client = match feed {
        Feed::Prometheus(c, _) => c,
        Feed::Simulated(_, Some(past)) if past.namespace() == namespace => {
            return simulated(past, cfg, since, until);
        }
        Feed::Simulated(_, Some(past)) => {
            return Part::note(format!(
                "metric transitions: the simulated agents run in {}, not here",
                crate::text::printable(past.namespace())
            ));
        }
        Feed::Simulated(_, None) => {
            return Part::note(
                "metric transitions: these simulated metrics keep no history (give --prometheus-url for them)".into(),
            );
        }
        Feed::None => {
            return Part::note(
                "metric transitions: no Prometheus (set --prometheus-url or prometheus.url)".into(),
            );
        }
    };
    let sc = Scope::of(cfg, namespace);
    // The same stacks, detected the same way, as the dashboard's panels.
    let mut planner = crate::metrics::planner::Planner::new(cfg.prometheus.clone());
    let plan = planner.plan(client, &sc).await.clone();
    let step = step_for(until.duration_since(since));
    let range = async |q: Quantity| match plan.source(q) {
        Source::Query { promql, .. } => {
            client
                .query_range(&scope::render(promql, &sc), since, until, step)
                .await
        }
        Source::Cannot { why, from } => {
            Err(QueryError::Decode(format!("cannot tell ({from}): {why}")))
        }
    };
    let (u, p, c) = tokio::join!(
        range(Quantity::RecentUnauthorized),
        range(Quantity::P95),
        range(Quantity::Tokens),
    );
    let mut part = Part::default();
    let mut take = |what: &str,
                    r: Result<Vec<RangeSeries>, QueryError>,
                    f: &dyn Fn(&[RangeSeries]) -> Vec<Entry>| match r {
        Ok(s) => part.entries.extend(f(&s)),
        Err(e) => part.notes.push(format!(
            "prometheus ({what}): {}",
            crate::text::printable(&e.to_string())
        )),
    };
    let ratio = cfg.problems.unauthorized_ratio;
    take("401 share", u, &|s| unauthorized(s, ratio));
    let p95 = cfg.status.p95_threshold_ms;
    take("p95", p, &|s| latency(s, p95));
    take("cost", c, &|s| cost(s, &cfg.models));
    part
}

/// The transitions in the simulated feed's history (the model's before the start, then
/// what the feed read), judged like a Prometheus's.
fn simulated(past: &SimHistory, cfg: &Config, since: Timestamp, until: Timestamp) -> Part {
    let s = past.series(since, until);
    let mut entries = unauthorized(&s.unauthorized, cfg.problems.unauthorized_ratio);
    entries.extend(latency(&s.p95_seconds, cfg.status.p95_threshold_ms));
    entries.extend(cost(&s.tokens, &cfg.models));
    for e in &mut entries {
        e.source = "simulated";
    }
    Part {
        entries,
        notes: Vec::new(),
    }
}

/// A share as the dashboard prints it: "100 %", "0.4 %".
pub fn pct(v: f64) -> String {
    let p = v * 100.0;
    if p > 0.0 && p < 1.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.0} %")
    }
}

fn first_points(series: &[RangeSeries]) -> &[(Timestamp, f64)] {
    series.first().map(|s| s.points.as_slice()).unwrap_or(&[])
}

/// One entry per crossing, worded by `name` and `fmt`.
fn crossing_entries(
    cs: Vec<Crossing>,
    name: &str,
    threshold: &str,
    fmt: impl Fn(f64) -> String,
) -> Vec<Entry> {
    cs.into_iter()
        .map(|c| {
            let text = match (c.up, c.from) {
                (true, Some(f)) => {
                    format!("{name} {} → {} (over {threshold})", fmt(f), fmt(c.to))
                }
                (true, None) => format!(
                    "{name} over {threshold} from its first sample (peak {})",
                    fmt(c.to)
                ),
                (false, f) => format!(
                    "{name} {}→ {} (back under {threshold})",
                    f.map(|f| format!("{} ", fmt(f))).unwrap_or_default(),
                    fmt(c.to)
                ),
            };
            let mut e = Entry::new(c.at, Kind::Metric, "prometheus", "", text);
            e.warning = c.up;
            e
        })
        .collect()
}

/// The 401 share (a ratio 0–1) against the problems' threshold.
pub fn unauthorized(series: &[RangeSeries], threshold: f64) -> Vec<Entry> {
    let cs = transitions::crossings(first_points(series), threshold, threshold, 1);
    crossing_entries(cs, "401 share", &pct(threshold), pct)
}

/// p95 latency (seconds) against the threshold in ms.
pub fn latency(series: &[RangeSeries], threshold_ms: f64) -> Vec<Entry> {
    let ms: Vec<(Timestamp, f64)> = first_points(series)
        .iter()
        .map(|&(t, v)| (t, v * 1000.0))
        .collect();
    let cs = transitions::crossings(&ms, threshold_ms, threshold_ms * P95_BACK, P95_HOLD);
    crossing_entries(cs, "p95 latency", &crate::format::ms(threshold_ms), |v| {
        crate::format::ms(v)
    })
}

/// Steps of the cost per hour.
pub fn cost(series: &[RangeSeries], prices: &[crate::config::ModelPrice]) -> Vec<Entry> {
    let pts = transitions::cost_series(series, prices);
    transitions::steps(&pts, COST_STEP, COST_MIN_USD)
        .into_iter()
        .map(|Step { at, from, to }| {
            let text = format!(
                "cost/hour {} → {}",
                crate::format::usd(from),
                crate::format::usd(to)
            );
            Entry::new(at, Kind::Metric, "prometheus", "", text)
        })
        .collect()
}

#[cfg(test)]
#[path = "metrics_tests.rs"]
mod tests;
