//! Metric transitions read from a range query's points (pure): a threshold crossed and
//! crossed back, and steps of a level (cost per hour) bigger than a relative change.
//! Points that are not finite (no traffic: 0/0) are gaps, not changes.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::config::ModelPrice;
use crate::metrics::RangeSeries;
use crate::metrics::cost::usd_per_hour;

/// A threshold crossed upwards (`up`) or back.
#[derive(Debug, Clone, PartialEq)]
pub struct Crossing {
    pub at: Timestamp,
    pub up: bool,
    /// Up: the last value under the threshold (None: already over at the first sample).
    /// Down: the episode's peak.
    pub from: Option<f64>,
    /// Up: the episode's peak. Down: the lowest value until the next crossing.
    pub to: f64,
}

fn finite(points: &[(Timestamp, f64)]) -> Vec<(Timestamp, f64)> {
    points.iter().copied().filter(|p| p.1.is_finite()).collect()
}

/// Where the value goes over `over` and back to `back_at` or under (`back_at <= over`: a
/// little hysteresis keeps a wobble on the threshold from being a list of crossings); a
/// change counts when it holds for `hold` points (1: at once).
pub fn crossings(
    points: &[(Timestamp, f64)],
    over: f64,
    back_at: f64,
    hold: usize,
) -> Vec<Crossing> {
    let pts = finite(points);
    let Some(&(_, v0)) = pts.first() else {
        return Vec::new();
    };
    // (index of the crossing point, up)
    let mut marks: Vec<(usize, bool)> = Vec::new();
    let mut above = v0 > over;
    if above {
        marks.push((0, true));
    }
    let holds = |i: usize, up: bool| {
        pts[i..(i + hold.max(1)).min(pts.len())]
            .iter()
            .all(|p| if up { p.1 > over } else { p.1 <= back_at })
    };
    for i in 1..pts.len() {
        if !above && holds(i, true) {
            above = true;
            marks.push((i, true));
        } else if above && holds(i, false) {
            above = false;
            marks.push((i, false));
        }
    }
    let mut out: Vec<Crossing> = Vec::new();
    for (n, &(i, up)) in marks.iter().enumerate() {
        let end = marks.get(n + 1).map(|m| m.0).unwrap_or(pts.len());
        let span = pts[i..end].iter().map(|p| p.1);
        let to = if up {
            span.fold(f64::MIN, f64::max)
        } else {
            span.fold(f64::MAX, f64::min)
        };
        let from = if up {
            (i > 0).then(|| pts[i - 1].1)
        } else {
            out.last().map(|c| c.to)
        };
        out.push(Crossing {
            at: pts[i].0,
            up,
            from,
            to,
        });
    }
    out
}

/// Steps the same way within this of the one before are one step (a ramp).
pub const STEP_MERGE: jiff::SignedDuration = jiff::SignedDuration::from_mins(2);

/// A level that moved by more than the relative change asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub at: Timestamp,
    pub from: f64,
    pub to: f64,
}

/// Steps of more than `rel` (0.25: 25 %) of the level before, and more than `min_abs`;
/// a change must hold for the next point too (one odd sample is not a step), and steps
/// the same way within [`STEP_MERGE`] of each other are one.
pub fn steps(points: &[(Timestamp, f64)], rel: f64, min_abs: f64) -> Vec<Step> {
    let pts = finite(points);
    let Some(&(_, mut level)) = pts.first() else {
        return Vec::new();
    };
    let moved = |level: f64, v: f64| (v - level).abs() > (rel * level.abs()).max(min_abs);
    let mut out: Vec<Step> = Vec::new();
    for i in 1..pts.len() {
        let (t, v) = pts[i];
        if !moved(level, v) {
            continue;
        }
        let next = pts.get(i + 1).map(|p| p.1).unwrap_or(v);
        let same_way = (next - level).signum() == (v - level).signum();
        if moved(level, next) && same_way {
            match out.last_mut() {
                // A ramp is one step: the same way again soon after.
                Some(last)
                    if t.duration_since(last.at) <= STEP_MERGE
                        && (next - last.to).signum() == (last.to - last.from).signum() =>
                {
                    last.to = next;
                }
                _ => out.push(Step {
                    at: t,
                    from: level,
                    to: next,
                }),
            }
            level = next;
        }
    }
    out
}

/// The cost per hour over time: each model's token rate × its price, summed per point
/// (a model without a price counts 0, as on the dashboard).
pub fn cost_series(series: &[RangeSeries], prices: &[ModelPrice]) -> Vec<(Timestamp, f64)> {
    let mut sum: BTreeMap<Timestamp, f64> = BTreeMap::new();
    for s in series {
        // The model label of whichever stack the series come from.
        let model = [
            "model",
            "gen_ai_request_model",
            "gen_ai_response_model",
            "model_name",
        ]
        .iter()
        .find_map(|l| s.labels.get(*l))
        .map(String::as_str)
        .unwrap_or("");
        let price = crate::metrics::cost::price_of(prices, model).map(|p| p.price);
        for &(t, v) in &s.points {
            let usd = match price {
                Some(p) if v.is_finite() => usd_per_hour(v, p),
                _ => 0.0,
            };
            *sum.entry(t).or_default() += usd;
        }
    }
    sum.into_iter().collect()
}

#[cfg(test)]
#[path = "transitions_tests.rs"]
mod tests;
