//! One cluster of the fleet as a row: reachable or why not, how old its data is, the
//! stack's workloads and HPA, p95, tokens/min, $/hour, the worst problem and how many there
//! are, firing alerts where known. The order of the rows (most severe, then costliest) and
//! the fleet's total.

use jiff::Timestamp;

use crate::cluster::ClusterSnapshot;
use crate::metrics::{Cost, MetricsSnapshot, Reading};
use crate::problems::{Problem, Severity};

/// Whether the cluster answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Reach {
    /// Not read yet (connecting, or its credential plugin running).
    Connecting,
    /// Its last look succeeded.
    Up,
    /// Its last look failed: why, in words, and when it is tried again.
    Down { why: String, retry_at: Timestamp },
}

/// The HPA of the stack (current, desired, max replicas).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HpaCount {
    pub current: i32,
    pub desired: i32,
    pub max: i32,
}

/// A problem as the row carries it.
#[derive(Debug, Clone, PartialEq)]
pub struct RowProblem {
    pub id: String,
    pub severity: Severity,
    pub title: String,
    pub evidence: String,
}

/// The metrics of a row: the numbers, or why there are none.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RowMetrics {
    pub p95_ms: Option<f64>,
    pub tokens_per_min: Option<f64>,
    pub usd_per_hour: Option<f64>,
    /// Why some number is missing ("no metrics source", "Prometheus unreachable: …").
    pub note: Option<String>,
}

/// One cluster of the fleet.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub context: String,
    pub namespace: String,
    pub reach: Reach,
    /// When the last good look was taken (the data's age).
    pub at: Option<Timestamp>,
    /// Ready and desired pods over the namespace's workloads, and how many workloads.
    pub ready: i32,
    pub desired: i32,
    pub workloads: usize,
    pub hpa: Option<HpaCount>,
    pub metrics: RowMetrics,
    /// Most severe first.
    pub problems: Vec<RowProblem>,
    /// What cannot be checked here, in words.
    pub cannot_tell: Vec<String>,
    /// Warning events in the page read.
    pub warnings: usize,
    /// Alerts firing unheard (not silenced), and how many are critical (None: no alert
    /// source for this cluster, or it could not be read).
    pub alerts: Option<(usize, usize)>,
}

impl Row {
    /// A row not read yet.
    pub fn connecting(context: &str, namespace: &str) -> Row {
        Row {
            context: context.to_string(),
            namespace: namespace.to_string(),
            reach: Reach::Connecting,
            at: None,
            ready: 0,
            desired: 0,
            workloads: 0,
            hpa: None,
            metrics: RowMetrics::default(),
            problems: Vec::new(),
            cannot_tell: Vec::new(),
            warnings: 0,
            alerts: None,
        }
    }

    /// The row after a good look: the cluster, its metrics (with `note` when there are
    /// none), the dashboard's verdict on them. `hpa` names the stack's HPA.
    pub fn read(
        &mut self,
        at: Timestamp,
        c: &ClusterSnapshot,
        m: Option<&MetricsSnapshot>,
        cost: Option<&Cost>,
        verdict: &crate::status::Verdict,
        hpa: &str,
    ) {
        self.reach = Reach::Up;
        self.at = Some(at);
        self.namespace = c.namespace.clone();
        self.ready = c.workloads.iter().map(|w| w.ready).sum();
        self.desired = c.workloads.iter().map(|w| w.desired).sum();
        self.workloads = c.workloads.len();
        self.hpa = c
            .hpas
            .iter()
            .find(|h| h.name == hpa)
            .or(c.hpas.first())
            .map(|h| HpaCount {
                current: h.current,
                desired: h.desired,
                max: h.max,
            });
        self.warnings = c.events.iter().filter(|e| e.warning && !e.resolved).count();
        let mut problems: Vec<RowProblem> = verdict
            .problems
            .iter()
            .map(|p: &Problem| RowProblem {
                id: p.id.clone(),
                severity: p.severity,
                title: p.title.clone(),
                evidence: p.evidence.clone(),
            })
            .collect();
        problems.sort_by_key(|p| p.severity != Severity::Critical);
        self.problems = problems;
        self.cannot_tell = verdict
            .blind
            .iter()
            .map(|b| format!("{}: {}", b.check, b.why))
            .collect();
        if let Some(m) = m {
            self.metrics = metrics_of(m, cost);
        }
    }

    /// The look failed: the row keeps its last numbers (their age says how old).
    pub fn failed(&mut self, why: String, retry_at: Timestamp) {
        self.reach = Reach::Down { why, retry_at };
    }

    /// How bad the row is, for sorting: 0 a critical problem, 1 unreachable, 2 a warning,
    /// 3 not read yet, 4 healthy.
    pub fn rank(&self) -> u8 {
        let critical = self
            .problems
            .iter()
            .any(|p| p.severity == Severity::Critical);
        match (&self.reach, self.problems.first()) {
            _ if critical && self.reach == Reach::Up => 0,
            (Reach::Down { .. }, _) => 1,
            (Reach::Up, Some(_)) => 2,
            (Reach::Connecting, _) => 3,
            (Reach::Up, None) => 4,
        }
    }

    /// Healthy: read, no problem, no critical alert firing unheard (what cannot be told
    /// is said, not counted).
    pub fn healthy(&self) -> bool {
        self.reach == Reach::Up
            && self.problems.is_empty()
            && self.alerts.is_none_or(|(_, critical)| critical == 0)
    }

    /// Seconds since the last good look.
    pub fn age(&self, now: Timestamp) -> Option<i64> {
        self.at.map(|t| now.as_second() - t.as_second())
    }
}

/// p95, tokens/min, $/hour from a snapshot; a missing one is said in the note.
fn metrics_of(m: &MetricsSnapshot, cost: Option<&Cost>) -> RowMetrics {
    if !m.reachable {
        let why = match &m.p95_ms {
            Reading::Error(e) => e.clone(),
            _ => "unreachable".into(),
        };
        return RowMetrics {
            note: Some(format!("metrics: {}", crate::text::printable(&why))),
            ..Default::default()
        };
    }
    let tokens = match &m.tokens {
        Reading::Value(v) => Some(v.iter().map(|r| r.tokens_per_sec).sum::<f64>() * 60.0),
        _ => None,
    };
    let note = match (&m.p95_ms, &m.tokens) {
        (Reading::Value(_), Reading::Value(_)) => None,
        (Reading::Value(_), other) => Some(format!("tokens: {}", other.text(|_| String::new()))),
        (other, _) => Some(format!("p95: {}", other.text(|_| String::new()))),
    };
    RowMetrics {
        p95_ms: m.p95_ms.value().copied(),
        tokens_per_min: tokens,
        usd_per_hour: cost.filter(|_| tokens.is_some()).map(|c| c.usd_per_hour),
        note,
    }
}

/// The rows most severe first, then costliest, then by name.
pub fn sort(rows: &mut [Row]) {
    rows.sort_by(|a, b| {
        let cost = |r: &Row| r.metrics.usd_per_hour.unwrap_or(-1.0);
        a.rank()
            .cmp(&b.rank())
            .then(cost(b).total_cmp(&cost(a)))
            .then(a.context.cmp(&b.context))
    });
}

/// The fleet's $/hour and tokens/min, and how many rows they leave out (no number).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Totals {
    pub usd_per_hour: f64,
    pub tokens_per_min: f64,
    /// Rows without a cost (unreachable, no metrics): the totals are lower bounds then.
    pub missing: usize,
}

pub fn totals(rows: &[Row]) -> Totals {
    let mut t = Totals::default();
    for r in rows {
        match (r.metrics.usd_per_hour, r.metrics.tokens_per_min) {
            (Some(u), Some(k)) if r.reach == Reach::Up => {
                t.usd_per_hour += u;
                t.tokens_per_min += k;
            }
            _ => t.missing += 1,
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, reach: Reach, severity: Option<Severity>, usd: Option<f64>) -> Row {
        let mut r = Row::connecting(name, "ns");
        r.reach = reach;
        r.problems = severity
            .map(|s| RowProblem {
                id: "x".into(),
                severity: s,
                title: "t".into(),
                evidence: "e".into(),
            })
            .into_iter()
            .collect();
        r.metrics.usd_per_hour = usd;
        r.metrics.tokens_per_min = usd.map(|u| u * 100.0);
        r
    }

    #[test]
    fn rows_sort_by_severity_then_cost_and_totals_count_what_is_missing() {
        let down = Reach::Down {
            why: "no answer".into(),
            retry_at: Timestamp::UNIX_EPOCH,
        };
        let mut rows = vec![
            row("healthy-cheap", Reach::Up, None, Some(1.0)),
            row("healthy-dear", Reach::Up, None, Some(9.0)),
            row("warn", Reach::Up, Some(Severity::Warning), Some(2.0)),
            row("down", down, None, None),
            row("crit", Reach::Up, Some(Severity::Critical), Some(3.0)),
            row("new", Reach::Connecting, None, None),
        ];
        sort(&mut rows);
        let names: Vec<&str> = rows.iter().map(|r| r.context.as_str()).collect();
        assert_eq!(
            names,
            [
                "crit",
                "down",
                "warn",
                "new",
                "healthy-dear",
                "healthy-cheap"
            ]
        );
        let t = totals(&rows);
        assert_eq!((t.usd_per_hour, t.missing), (15.0, 2));
        assert_eq!(t.tokens_per_min, 1500.0);
    }
}
