//! Alerts on the timeline: when each alert of the namespace fired and resolved, from
//! Prometheus' own `ALERTS{alertstate="firing"}` series over the window (what Prometheus
//! sent to Alertmanager, silenced or not). Silences made with agentdeck are audit lines
//! already ([`super::audit`]). Runs are pure: a gap longer than two steps ends one.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use super::{Entry, Kind, Part};
use crate::metrics::{Feed, RangeSeries};

/// The alerts' firing runs over `[since, until]`, or a note why there are none.
pub async fn gather(feed: &Feed, namespace: &str, since: Timestamp, until: Timestamp) -> Part {
    let Feed::Prometheus(client, _) = feed else {
        // The metric transitions' note already says there is no Prometheus.
        return Part::default();
    };
    let step = step_for(until.duration_since(since));
    let q = format!(
        "ALERTS{{namespace=\"{}\",alertstate=\"firing\"}}",
        crate::metrics::scope::escape(namespace)
    );
    match client.query_range(&q, since, until, step).await {
        Ok(series) => Part {
            entries: runs(&series, step, until),
            notes: Vec::new(),
        },
        Err(e) => Part::note(format!("alerts: {e}")),
    }
}

/// A step fine enough that an alert's firing is placed within a second or so of when it
/// fired (before the silence a person made after seeing it), within Prometheus' 11,000
/// points per series.
pub fn step_for(window: SignedDuration) -> Duration {
    Duration::from_secs((window.as_secs() / 10_000).max(1) as u64)
}

/// "fired" at the start of each run of points (the step before its first sample: the
/// second it fired in, on a one-second grid), "resolved" after its last point when the run
/// ended before `until`.
pub fn runs(series: &[RangeSeries], step: Duration, until: Timestamp) -> Vec<Entry> {
    let step = SignedDuration::try_from(step).unwrap_or(SignedDuration::from_secs(1));
    let gap = step * 2;
    let mut out = Vec::new();
    for s in series {
        let name = s.labels.get("alertname").cloned().unwrap_or_default();
        let severity = s
            .labels
            .get("severity")
            .cloned()
            .unwrap_or_else(|| "none".into());
        let mut start: Option<Timestamp> = None;
        let mut last: Option<Timestamp> = None;
        let close = |from: Timestamp, to: Timestamp, out: &mut Vec<Entry>| {
            // It fired after the sample before `from` and by `from`: on a grid of whole
            // seconds, `from - step` is the second it fired in.
            let mut e = Entry::new(
                from - step,
                Kind::Alert,
                "prometheus",
                &name,
                format!("alert {name} fired ({severity})"),
            );
            e.warning = true;
            out.push(e);
            if until.duration_since(to) > gap {
                out.push(Entry::new(
                    to + step,
                    Kind::Alert,
                    "prometheus",
                    &name,
                    format!("alert {name} resolved"),
                ));
            }
        };
        for &(t, _) in &s.points {
            match last {
                Some(l) if t.duration_since(l) <= gap => {}
                Some(l) => {
                    close(start.unwrap_or(l), l, &mut out);
                    start = Some(t);
                }
                None => start = Some(t),
            }
            last = Some(t);
        }
        if let (Some(s0), Some(l)) = (start, last) {
            close(s0, l, &mut out);
        }
    }
    out
}

#[cfg(test)]
#[path = "alerts_tests.rs"]
mod tests;
