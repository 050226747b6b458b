//! The simulated feed's memory (`agentdeck demo` without a Prometheus): the agent model's
//! readings before the sim started (fast-forwarded by the sim), then every reading the
//! feed made. It gives the dashboard the back-fill a Prometheus would (charts full from the
//! first frame, again after `:ns` comes back) and the timeline its metric transitions.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::{mpsc, watch};

/// Reads one snapshot without I/O of its own (e.g. the simulated agents' ground truth).
pub type ReadNow = std::sync::Arc<dyn Fn() -> MetricsSnapshot + Send + Sync>;

use super::history::DEFAULT_MAX_POINTS;
use super::prom::RangeSeries;
use super::snapshot::{Backfill, MODEL_LABEL, MetricsSnapshot, ModelRate, PastReading};

/// How long readings are kept for the timeline (at most [`DEFAULT_MAX_POINTS`] of them).
pub const KEEP: SignedDuration = SignedDuration::from_hours(24);

/// One reading of the simulated agents.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub at: Timestamp,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    /// Per model, sorted by model name.
    pub tokens: Option<Vec<ModelRate>>,
    /// The 401 share (the problems' short window for live readings).
    pub unauthorized_ratio: Option<f64>,
}

impl Sample {
    /// The headline numbers of a live snapshot.
    pub fn from_snapshot(s: &MetricsSnapshot) -> Sample {
        Sample {
            at: s.at,
            p50_ms: s.p50_ms.value().copied(),
            p95_ms: s.p95_ms.value().copied(),
            tokens: s.tokens.value().cloned(),
            unauthorized_ratio: s.recent.unauthorized_ratio.value().copied(),
        }
    }
}

/// The series the timeline reads, shaped like the range queries it asks a Prometheus.
#[derive(Debug, Default)]
pub struct Series {
    /// The 401 share (0–1).
    pub unauthorized: Vec<RangeSeries>,
    /// p95 latency in seconds.
    pub p95_seconds: Vec<RangeSeries>,
    /// Tokens per second, one series per model (label [`MODEL_LABEL`]).
    pub tokens: Vec<RangeSeries>,
}

/// The readings of the simulated agents of one namespace, oldest first.
#[derive(Debug)]
pub struct SimHistory {
    namespace: String,
    step: Duration,
    samples: Mutex<VecDeque<Sample>>,
}

impl SimHistory {
    /// `past` (oldest first, `step` apart) is what the model read before the start.
    pub fn new(namespace: &str, step: Duration, past: Vec<Sample>) -> SimHistory {
        SimHistory {
            namespace: namespace.to_string(),
            step,
            samples: Mutex::new(past.into()),
        }
    }

    /// The namespace of the simulated agents.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Sample>> {
        self.samples.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keep a live reading (in time order), forgetting what is older than [`KEEP`].
    pub fn record(&self, snap: &MetricsSnapshot) {
        let mut s = self.lock();
        let sample = Sample::from_snapshot(snap);
        let i = s.partition_point(|x| x.at <= sample.at);
        s.insert(i, sample);
        let newest = s.back().map(|x| x.at);
        while s
            .front()
            .zip(newest)
            .is_some_and(|(f, n)| n.duration_since(f.at) > KEEP)
            || s.len() > DEFAULT_MAX_POINTS
        {
            s.pop_front();
        }
    }

    /// The readings in `[from, to]`, oldest first.
    pub fn samples(&self, from: Timestamp, to: Timestamp) -> Vec<Sample> {
        let s = self.lock();
        s.iter()
            .filter(|x| x.at >= from && x.at <= to)
            .cloned()
            .collect()
    }

    /// `[from, to]` as a back-fill, as a Prometheus would answer it.
    pub fn backfill(&self, from: Timestamp, to: Timestamp) -> Backfill {
        let points = self
            .samples(from, to)
            .into_iter()
            .map(|s| PastReading {
                at: s.at,
                p50_ms: s.p50_ms,
                p95_ms: s.p95_ms,
                tokens: s.tokens,
            })
            .collect();
        Backfill {
            namespace: self.namespace.clone(),
            from,
            to,
            step: self.step,
            points,
            errors: Vec::new(),
        }
    }

    /// `[from, to]` as the timeline's range series.
    pub fn series(&self, from: Timestamp, to: Timestamp) -> Series {
        let samples = self.samples(from, to);
        let one = |f: &dyn Fn(&Sample) -> Option<f64>| {
            vec![RangeSeries {
                labels: Default::default(),
                points: samples.iter().filter_map(|s| Some((s.at, f(s)?))).collect(),
            }]
        };
        let mut tokens: Vec<RangeSeries> = Vec::new();
        for s in &samples {
            for r in s.tokens.iter().flatten() {
                let i = match tokens.iter().position(|t| t.labels[MODEL_LABEL] == r.model) {
                    Some(i) => i,
                    None => {
                        let labels = [(MODEL_LABEL.to_string(), r.model.clone())].into();
                        tokens.push(RangeSeries {
                            labels,
                            points: Vec::new(),
                        });
                        tokens.len() - 1
                    }
                };
                tokens[i].points.push((s.at, r.tokens_per_sec));
            }
        }
        Series {
            unauthorized: one(&|s| s.unauthorized_ratio),
            p95_seconds: one(&|s| s.p95_ms.map(|ms| ms / 1000.0)),
            tokens,
        }
    }
}

/// Read `read` every `every` and send it on `tx`; each reading is recorded in `past`, and
/// the first one (and the first after each change of the namespace shown) carries the
/// back-fill of the last `window`. Returns when the receiver is dropped.
pub async fn run(
    read: ReadNow,
    past: Option<Arc<SimHistory>>,
    every: Duration,
    window: SignedDuration,
    mut namespace: watch::Receiver<String>,
    tx: mpsc::Sender<MetricsSnapshot>,
) {
    let mut tick = tokio::time::interval(every.max(Duration::from_millis(10)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let (mut watching, mut backfill_due) = (true, true);
    loop {
        tokio::select! {
            _ = tx.closed() => return,
            _ = tick.tick() => {}
            r = namespace.changed(), if watching => {
                watching = r.is_ok();
                backfill_due |= watching;
                tick.reset();
                if !watching {
                    continue;
                }
            }
        }
        // The simulated agents run in one namespace: another one has none of their
        // metrics, as a Prometheus asked with its namespace would answer.
        let elsewhere = past
            .as_ref()
            .is_some_and(|p| p.namespace() != namespace.borrow().as_str());
        if elsewhere {
            let none = MetricsSnapshot {
                origin: super::MetricsOrigin::Simulated,
                at: jiff::Timestamp::now(),
                ..MetricsSnapshot::default()
            };
            if tx.send(none).await.is_err() {
                return;
            }
            continue;
        }
        let mut snap = read();
        if let Some(p) = &past {
            p.record(&snap);
            if std::mem::take(&mut backfill_due) {
                snap.backfill = Some(Box::new(p.backfill(snap.at - window, snap.at)));
            }
        }
        if tx.send(snap).await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
#[path = "simulated_tests.rs"]
mod tests;
