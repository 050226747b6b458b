//! Which LLM stacks' series exist in a namespace: one bounded instant query,
//! `group by (__name__, <labels>) ({__name__=~"<every probed name>", namespace="…"})`,
//! answered by Prometheus with one row per (metric, label values) — a few dozen rows
//! however many pods, handlers or models there are — and matched against the profiles'
//! needs ([`super::profiles`]).

use std::collections::{BTreeMap, BTreeSet};

use super::profiles::{self, Need, PROFILES, Profile};
use super::prom::{PromClient, QueryError, Sample};
use super::scope::{Scope, render};

/// What detection found: each probed metric present, with the values seen of the
/// probed labels.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Found {
    /// metric → label → values.
    pub metrics: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    /// The request as sent (PromQL), for `agentdeck metrics`.
    pub query: String,
    /// Rows in the answer.
    pub rows: usize,
}

/// Anchored regex match for the few patterns the profiles use (`[1-5]xx`,
/// `[1-5][0-9][0-9]`): character classes and literals only.
fn matches(pattern: &str, value: &str) -> bool {
    let mut p = pattern.chars().peekable();
    let mut v = value.chars();
    while let Some(c) = p.next() {
        let Some(x) = v.next() else { return false };
        if c == '[' {
            let mut class: Vec<char> = Vec::new();
            for d in p.by_ref() {
                if d == ']' {
                    break;
                }
                class.push(d);
            }
            let ok = class
                .windows(3)
                .any(|w| w[1] == '-' && w[0] <= x && x <= w[2])
                || class.contains(&x);
            if !ok {
                return false;
            }
        } else if c != x {
            return false;
        }
    }
    v.next().is_none()
}

impl Found {
    /// Is the series `n` needs present?
    pub fn has(&self, n: &Need) -> bool {
        let Some(labels) = self.metrics.get(n.metric) else {
            return false;
        };
        match (n.label, n.value) {
            (None, _) => true,
            (Some(l), None) => labels.get(l).is_some_and(|v| !v.is_empty()),
            (Some(l), Some(re)) => labels
                .get(l)
                .is_some_and(|vs| vs.iter().any(|v| matches(re, v))),
        }
    }

    /// The profiles whose identity is present, nearest the user first.
    pub fn profiles(&self) -> Vec<&'static Profile> {
        let mut ps: Vec<&'static Profile> = PROFILES
            .iter()
            .filter(|p| p.identity.iter().any(|n| self.has(n)))
            .collect();
        ps.sort_by_key(|p| p.layer);
        ps
    }

    /// From the instant query's samples.
    pub fn from_samples(query: String, samples: &[Sample]) -> Found {
        let mut f = Found {
            query,
            rows: samples.len(),
            ..Found::default()
        };
        for s in samples {
            let Some(name) = s.labels.get("__name__") else {
                continue;
            };
            let entry = f.metrics.entry(name.clone()).or_default();
            for (k, v) in &s.labels {
                if k != "__name__" && !v.is_empty() {
                    entry.entry(k.clone()).or_default().insert(v.clone());
                }
            }
        }
        f
    }
}

/// The detection query for `$namespace` (rendered with `scope`).
pub fn query(scope: &Scope) -> String {
    let names = profiles::probed_metrics().join("|");
    let mut by = vec!["__name__"];
    by.extend(profiles::probed_labels());
    render(
        &format!(
            "group by ({}) ({{__name__=~\"{names}\",namespace=\"$namespace\"}})",
            by.join(", ")
        ),
        scope,
    )
}

/// Ask Prometheus which profiles' series exist in `scope`'s namespace.
pub async fn detect(client: &PromClient, scope: &Scope) -> Result<Found, QueryError> {
    let q = query(scope);
    let samples = client.query(&q).await?;
    Ok(Found::from_samples(q, &samples))
}

#[cfg(test)]
#[path = "detect_tests.rs"]
mod tests;
