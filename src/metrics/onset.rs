//! When a metric problem's signal started: `status` sees once, so the "since" of the 401
//! share over its threshold (and the other metric problems) comes from Prometheus' own
//! history of the same quantity — the start of the run of points over the threshold that
//! lasts until now — as the dashboard's strip shows it.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use super::plan::{Quantity, Source};
use super::{Feed, RangeSeries, Scope, scope};
use crate::config::Config;

/// How far back an onset is looked for, and how finely.
const LOOK_BACK: SignedDuration = SignedDuration::from_mins(60);
const STEP: Duration = Duration::from_secs(5);

/// The quantity a metric problem rests on and the threshold it is over (p95 in ms).
fn signal(id: &str, cfg: &Config) -> Option<(Quantity, f64, f64)> {
    let p = &cfg.problems;
    Some(match id {
        "provider-unauthorized" => (Quantity::RecentUnauthorized, p.unauthorized_ratio, 1.0),
        "agents-4xx" => (Quantity::RecentClientErrors, p.unauthorized_ratio, 1.0),
        "provider-timeouts" => (Quantity::RecentTimeout, p.timeout_ratio, 1.0),
        "agents-5xx" => (Quantity::RecentServerErrors, p.timeout_ratio, 1.0),
        "provider-rate-limited" => (Quantity::RecentRateLimited, p.rate_limited_ratio, 1.0),
        "provider-slow" => (Quantity::RecentP95, cfg.status.p95_threshold_ms, 1000.0),
        _ => return None,
    })
}

/// The first point of the run over `threshold` that reaches the last point (None: the
/// last point is not over it).
pub fn run_start(series: &[RangeSeries], threshold: f64, scale: f64) -> Option<Timestamp> {
    let points = &series.first()?.points;
    let over = |v: f64| v.is_finite() && v * scale > threshold;
    let mut start = None;
    for &(at, v) in points.iter().rev() {
        if !over(v) {
            break;
        }
        start = Some(at);
    }
    start
}

/// When the signal of problem `id` started, from Prometheus' history (None: not a metric
/// problem, no Prometheus, or no answer).
pub async fn of(feed: &Feed, cfg: &Config, namespace: &str, id: &str) -> Option<Timestamp> {
    let (q, threshold, scale) = signal(id, cfg)?;
    let Feed::Prometheus(client, _) = feed else {
        return None;
    };
    let sc = Scope::of(cfg, namespace);
    let mut planner = super::planner::Planner::new(cfg.prometheus.clone());
    let plan = planner.plan(client, &sc).await.clone();
    let Source::Query { promql, .. } = plan.source(q) else {
        return None;
    };
    let until = Timestamp::now();
    let promql = scope::render(promql, &sc);
    let series = match client
        .query_range(&promql, until - LOOK_BACK, until, STEP)
        .await
    {
        Ok(s) => s,
        Err(e) => {
            tracing::info!(id, error = %e, "onset: the history cannot be read");
            return None;
        }
    };
    let start = run_start(&series, threshold, scale);
    tracing::debug!(
        id,
        ?start,
        points = series.first().map_or(0, |s| s.points.len()),
        "onset"
    );
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(values: &[f64]) -> Vec<RangeSeries> {
        let t0: Timestamp = "2026-12-07T12:00:00Z".parse().unwrap();
        vec![RangeSeries {
            labels: Default::default(),
            points: values
                .iter()
                .enumerate()
                .map(|(i, v)| (t0 + SignedDuration::from_secs(15 * i as i64), *v))
                .collect(),
        }]
    }

    #[test]
    fn the_run_that_lasts_until_now_is_the_onset() {
        let s = series(&[0.0, 0.9, 0.0, 0.8, 1.0, 1.0]);
        assert_eq!(
            run_start(&s, 0.05, 1.0),
            Some("2026-12-07T12:00:45Z".parse().unwrap())
        );
        assert_eq!(run_start(&series(&[1.0, 0.0]), 0.05, 1.0), None);
        assert_eq!(run_start(&series(&[1.0, f64::NAN]), 0.05, 1.0), None);
        // p95 in seconds against a threshold in ms.
        assert_eq!(
            run_start(&series(&[1.0, 3.0]), 2000.0, 1000.0),
            Some("2026-12-07T12:00:15Z".parse().unwrap())
        );
    }
}
