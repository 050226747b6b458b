//! The per-agent table: the three per-agent answers (p95, request rate, error share), each
//! grouped by the profile's agent label, joined into rows. Pure: no I/O.

use std::collections::BTreeMap;

use crate::text::printable;

use super::answer::Answer;
use super::prom::{QueryError, Sample};
use super::snapshot::{AgentRow, Agents, Reading};

/// Rows shown at most; the rest are counted as "N others" (a route label gone wild).
pub const MAX_ROWS: usize = 25;

/// The row name of a series without any of the agent labels.
pub const UNLABELLED_AGENT: &str = "(no agent label)";

/// One answer with the labels its rows are told apart by.
pub type Labelled = (Answer, Vec<String>);

/// Values by agent; NaN and infinities (a division by zero traffic) are left out.
fn by_agent(samples: &[Sample], labels: &[String]) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for s in samples.iter().filter(|s| s.value.is_finite()) {
        let agent = labels
            .iter()
            .find_map(|l| s.labels.get(l).filter(|v| !v.is_empty()))
            .map(|v| printable(v))
            .unwrap_or_else(|| UNLABELLED_AGENT.to_string());
        *out.entry(agent).or_insert(0.0) += s.value;
    }
    out
}

/// A column's values, or the note that says why it has none.
fn column(
    what: &str,
    a: Answer,
    labels: &[String],
    notes: &mut Vec<String>,
) -> BTreeMap<String, f64> {
    match a {
        Answer::Samples(Ok(s)) => by_agent(&s, labels),
        Answer::Samples(Err(e)) => {
            notes.push(format!("{what}: {}", printable(&e.to_string())));
            BTreeMap::new()
        }
        Answer::Cannot(why) => {
            notes.push(format!("{what}: cannot tell: {why}"));
            BTreeMap::new()
        }
    }
}

fn error_of(e: QueryError) -> Reading<Agents> {
    Reading::Error(printable(&e.to_string()))
}

/// The table from the p95 (seconds), request-rate and error-share answers. The request
/// rate decides which agents there are: when it cannot be told, nothing per agent can.
pub fn assemble(p95: Labelled, rate: Labelled, errors: Labelled) -> Reading<Agents> {
    let (rate, labels) = rate;
    let rates = match rate {
        Answer::Cannot(why) => return Reading::Cannot(why),
        Answer::Samples(Err(e)) => return error_of(e),
        Answer::Samples(Ok(s)) => by_agent(&s, &labels),
    };
    if rates.is_empty() {
        return Reading::NoData;
    }
    if rates.keys().all(|k| k == UNLABELLED_AGENT) {
        return Reading::Cannot(if labels.is_empty() {
            "no label tells the agents apart".into()
        } else {
            format!(
                "no series carries {}: the instrumentation does not tell agents apart",
                labels.join(" or ")
            )
        });
    }
    let mut notes = Vec::new();
    let p95 = column("p95", p95.0, &p95.1, &mut notes);
    let errors = column("errors", errors.0, &errors.1, &mut notes);
    let mut rows: Vec<AgentRow> = rates
        .into_iter()
        .map(|(agent, rps)| AgentRow {
            p95_ms: p95.get(&agent).map(|s| s * 1000.0),
            error_ratio: errors.get(&agent).copied(),
            requests_per_sec: rps,
            agent,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.requests_per_sec
            .total_cmp(&a.requests_per_sec)
            .then_with(|| a.agent.cmp(&b.agent))
    });
    if let Some(route) = rows.iter().find(|r| r.agent.contains('{')) {
        notes.push(format!(
            "{} is a route template: the agents behind it are counted as one",
            route.agent
        ));
    }
    let others = rows.len().saturating_sub(MAX_ROWS);
    rows.truncate(MAX_ROWS);
    Reading::Value(Agents {
        label: labels.first().cloned().unwrap_or_default(),
        rows,
        others,
        notes,
    })
}

#[cfg(test)]
#[path = "agents_tests.rs"]
mod tests;
