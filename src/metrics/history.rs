//! The last N minutes of headline numbers, for sparklines and charts. Bounded by time and by
//! point count; a missing reading is a gap (`None`), never a zero. Also the last good token
//! rates and cost, which panels show greyed with their age while a query fails.

use std::collections::VecDeque;

use jiff::{SignedDuration, Timestamp};

use super::cost::Cost;
use super::snapshot::{MetricsSnapshot, ModelRate, PastReading, Reading};

/// Default cap on the number of points kept, whatever the window and refresh period.
pub const DEFAULT_MAX_POINTS: usize = 20_000;

/// One refresh's headline numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub at: Timestamp,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    /// Total over all models.
    pub tokens_per_sec: Option<f64>,
    /// Per model, sorted by model name (empty when the token rates were no data).
    pub models: Vec<ModelRate>,
    pub usd_per_hour: Option<f64>,
}

impl Point {
    /// The point for one snapshot and the cost computed from its token rates. Cost is only
    /// recorded when the snapshot has token rates (a cost of no data is not $0).
    pub fn from_snapshot(snap: &MetricsSnapshot, cost: &Cost) -> Point {
        let finite = |r: &Reading<f64>| r.value().copied().filter(|v| !v.is_nan());
        let tokens = snap.tokens.value().map(|rates| total(rates));
        Point {
            at: snap.at,
            p50_ms: finite(&snap.p50_ms),
            p95_ms: finite(&snap.p95_ms),
            tokens_per_sec: tokens,
            models: snap.tokens.value().cloned().unwrap_or_default(),
            usd_per_hour: tokens.map(|_| cost.usd_per_hour),
        }
    }

    /// The point for a reading read back from Prometheus; `usd_per_hour` prices its token
    /// rates (the same cost model as live points).
    pub fn from_past(r: &PastReading, usd_per_hour: impl Fn(&[ModelRate]) -> f64) -> Point {
        let finite = |v: Option<f64>| v.filter(|v| !v.is_nan());
        Point {
            at: r.at,
            p50_ms: finite(r.p50_ms),
            p95_ms: finite(r.p95_ms),
            tokens_per_sec: r.tokens.as_deref().map(total),
            models: r.tokens.clone().unwrap_or_default(),
            usd_per_hour: r.tokens.as_deref().map(usd_per_hour),
        }
    }

    /// This model's tokens per second at this point, if it had a rate.
    pub fn model_rate(&self, model: &str) -> Option<f64> {
        self.models
            .iter()
            .find(|m| m.model == model)
            .map(|m| m.tokens_per_sec)
    }
}

fn total(rates: &[ModelRate]) -> f64 {
    rates
        .iter()
        .map(|r| r.tokens_per_sec)
        .filter(|v| !v.is_nan())
        .sum()
}

/// A value a panel showed, and when it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct LastGood<T> {
    pub value: T,
    pub at: Timestamp,
}

/// A time-bounded, count-bounded series of [`Point`]s, oldest first.
#[derive(Debug, Clone)]
pub struct History {
    window: SignedDuration,
    max_points: usize,
    points: VecDeque<Point>,
    last_tokens: Option<LastGood<Vec<ModelRate>>>,
    last_cost: Option<LastGood<Cost>>,
}

impl History {
    /// Keep the last `minutes` minutes (at most [`DEFAULT_MAX_POINTS`] points).
    pub fn new(minutes: u32) -> History {
        History::with_max_points(minutes, DEFAULT_MAX_POINTS)
    }

    /// Keep the last `minutes` minutes and at most `max_points` points (at least 1).
    pub fn with_max_points(minutes: u32, max_points: usize) -> History {
        History {
            window: SignedDuration::from_mins(i64::from(minutes)),
            max_points: max_points.max(1),
            points: VecDeque::new(),
            last_tokens: None,
            last_cost: None,
        }
    }

    /// Forget everything (another namespace's numbers are not this one's).
    pub fn clear(&mut self) {
        self.points.clear();
        self.last_tokens = None;
        self.last_cost = None;
    }

    /// The time window kept.
    pub fn window(&self) -> SignedDuration {
        self.window
    }

    /// Record one snapshot (and the cost of its token rates), then trim. Token rates that
    /// are a value (and their cost) become the last good ones.
    pub fn push(&mut self, snap: &MetricsSnapshot, cost: &Cost) {
        if let Reading::Value(rates) = &snap.tokens
            && self.last_tokens.as_ref().is_none_or(|l| l.at <= snap.at)
        {
            self.last_tokens = Some(LastGood {
                value: rates.clone(),
                at: snap.at,
            });
            self.last_cost = Some(LastGood {
                value: cost.clone(),
                at: snap.at,
            });
        }
        self.push_point(Point::from_snapshot(snap, cost));
    }

    /// The newest token rates that were a value (for a panel whose query now fails).
    pub fn last_tokens(&self) -> Option<&LastGood<Vec<ModelRate>>> {
        self.last_tokens.as_ref()
    }

    /// The cost of [`History::last_tokens`].
    pub fn last_cost(&self) -> Option<&LastGood<Cost>> {
        self.last_cost.as_ref()
    }

    /// Record a point, then trim. A point older than the newest one (clock went back) is
    /// inserted in time order.
    pub fn push_point(&mut self, p: Point) {
        match self.points.back() {
            Some(last) if p.at < last.at => {
                let i = self.points.partition_point(|q| q.at <= p.at);
                self.points.insert(i, p);
            }
            _ => self.points.push_back(p),
        }
        self.trim();
    }

    /// Merge points read back from Prometheus, then trim. A reading within `tolerance` of
    /// a point already kept (a live one, or the same reading again) is skipped: what the
    /// dashboard saw wins.
    pub fn merge(
        &mut self,
        readings: &[PastReading],
        tolerance: SignedDuration,
        usd_per_hour: impl Fn(&[ModelRate]) -> f64,
    ) {
        let mut incoming: Vec<Point> = readings
            .iter()
            .map(|r| Point::from_past(r, &usd_per_hour))
            .collect();
        incoming.sort_by_key(|p| p.at);
        let old = std::mem::take(&mut self.points);
        let near = |p: &Point| {
            let i = old.partition_point(|q| q.at < p.at);
            let close = |q: &Point| p.at.duration_since(q.at).abs() <= tolerance;
            old.get(i).is_some_and(close) || (i > 0 && close(&old[i - 1]))
        };
        incoming.retain(|p| !near(p));
        incoming.dedup_by(|a, b| a.at == b.at);
        let mut merged = VecDeque::with_capacity(old.len() + incoming.len());
        let (mut a, mut b) = (old.into_iter().peekable(), incoming.into_iter().peekable());
        loop {
            let take_old = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) => x.at <= y.at,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let next = if take_old { a.next() } else { b.next() };
            merged.extend(next);
        }
        self.points = merged;
        self.trim();
    }

    /// The models with a rate anywhere in the window, sorted by name.
    pub fn models(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .points
            .iter()
            .flat_map(|p| p.models.iter().map(|m| m.model.as_str()))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The oldest point.
    pub fn oldest(&self) -> Option<&Point> {
        self.points.front()
    }

    fn trim(&mut self) {
        if let Some(newest) = self.points.back().map(|p| p.at) {
            while let Some(front) = self.points.front() {
                if newest.duration_since(front.at) > self.window {
                    self.points.pop_front();
                } else {
                    break;
                }
            }
        }
        while self.points.len() > self.max_points {
            self.points.pop_front();
        }
    }

    /// The newest point.
    pub fn latest(&self) -> Option<&Point> {
        self.points.back()
    }

    /// Number of points kept.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// No points yet?
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// All points, oldest first.
    pub fn points(&self) -> impl Iterator<Item = &Point> {
        self.points.iter()
    }

    /// `(seconds before the newest point (≤ 0), value)` for every point where `f` has a
    /// value that is not NaN; oldest first. Feeds a chart whose x axis ends at "now".
    pub fn series(&self, f: impl Fn(&Point) -> Option<f64>) -> Vec<(f64, f64)> {
        match self.latest() {
            Some(newest) => self.series_at(newest.at, f),
            None => Vec::new(),
        }
    }

    /// Like [`History::series`], with x measured from `now` instead of the newest point.
    pub fn series_at(&self, now: Timestamp, f: impl Fn(&Point) -> Option<f64>) -> Vec<(f64, f64)> {
        self.points
            .iter()
            .filter_map(|p| {
                let v = f(p).filter(|v| !v.is_nan())?;
                Some((-now.duration_since(p.at).as_secs_f64(), v))
            })
            .collect()
    }

    /// One slot per point, oldest first, `None` where `f` has no value: for sparklines that
    /// show gaps.
    pub fn values(&self, f: impl Fn(&Point) -> Option<f64>) -> Vec<Option<f64>> {
        self.points
            .iter()
            .map(|p| f(p).filter(|v| !v.is_nan()))
            .collect()
    }

    /// The largest value of `f` in the window (for a chart's y bound).
    pub fn max(&self, f: impl Fn(&Point) -> Option<f64>) -> Option<f64> {
        self.points
            .iter()
            .filter_map(|p| f(p).filter(|v| !v.is_nan()))
            .reduce(f64::max)
    }
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
