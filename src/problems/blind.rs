//! What the problems cannot see: a check whose signal is missing says that it cannot
//! tell, and why — no metrics source, a stack that groups status codes, no requests in
//! the window — so "no problems" is never claimed without evidence.

use crate::metrics::{MetricsSnapshot, Reading};

/// One check that cannot be made now.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BlindSpot {
    /// What cannot be checked ("provider key").
    pub check: &'static str,
    /// Why, in words.
    pub why: String,
}

/// The metric check a problem rests on (None: it rests on the cluster): while that check
/// is blind, the problem is not "cleared" but "cannot tell".
pub fn check_of(problem_id: &str) -> Option<&'static str> {
    match problem_id {
        "provider-unauthorized" | "agents-4xx" => Some("provider key"),
        "provider-timeouts" | "agents-5xx" => Some("provider timeouts"),
        "provider-rate-limited" => Some("rate limits"),
        "provider-slow" => Some("latency"),
        _ => None,
    }
}

/// The metric-based checks, with the reading each decides on.
fn checks(m: &MetricsSnapshot) -> [(&'static str, &Reading<f64>, bool); 4] {
    [
        ("provider key", &m.recent.unauthorized_ratio, true),
        ("provider timeouts", &m.recent.timeout_ratio, true),
        ("rate limits", &m.recent.rate_limited_ratio, true),
        ("latency", &m.recent.p95_ms, false),
    ]
}

/// The grouped share a stack gives instead of an exact one, if it does.
fn instead<'a>(m: &'a MetricsSnapshot, check: &str) -> Option<(&'static str, &'a Reading<f64>)> {
    match check {
        "provider key" | "rate limits" => Some(("4xx", &m.recent.client_error_ratio)),
        "provider timeouts" => Some(("5xx", &m.recent.server_error_ratio)),
        _ => None,
    }
}

/// Every check the metrics cannot make now (`window`: the problems' short window;
/// `p95_threshold_ms`: the slow check's limit, which a histogram capped below it can never
/// reach).
pub fn blind_spots(
    metrics: Option<&MetricsSnapshot>,
    window: &str,
    p95_threshold_ms: f64,
) -> Vec<BlindSpot> {
    let mut out = spots(metrics, window);
    if let Some(m) = metrics
        && let Some(cap) = m.latency_cap_ms
        && cap < p95_threshold_ms
        && !out.iter().any(|s| s.check == "latency")
    {
        out.push(BlindSpot {
            check: "latency",
            why: format!(
                "the latency histogram's buckets stop at {}, under the {} threshold: a slower p95 still reads {}",
                crate::format::ms(cap),
                crate::format::ms(p95_threshold_ms),
                crate::format::ms(cap)
            ),
        });
    }
    out
}

fn spots(metrics: Option<&MetricsSnapshot>, window: &str) -> Vec<BlindSpot> {
    let Some(m) = metrics else {
        return [
            "provider key",
            "provider timeouts",
            "rate limits",
            "latency",
        ]
        .into_iter()
        .map(|check| BlindSpot {
            check,
            why: "no metrics source (set --prometheus-url or prometheus.url)".into(),
        })
        .collect();
    };
    if !m.reachable {
        // Said by the metrics-unreachable problem; every check is blind with it.
        return checks(m)
            .iter()
            .map(|(check, _, _)| BlindSpot {
                check,
                why: "metrics source unreachable".into(),
            })
            .collect();
    }
    let flowing = matches!(m.recent.request_rate, Reading::Value(r) if r > 0.0);
    let mut out = Vec::new();
    for (check, reading, is_share) in checks(m) {
        let why = match reading {
            Reading::Cannot(why) => {
                let mut why = why.clone();
                if let Some((class, Reading::Value(_))) = instead(m, check) {
                    why.push_str(&format!("; the {class} share is watched instead"));
                }
                Some(why)
            }
            Reading::Error(e) => Some(format!("its query failed: {e}")),
            Reading::NoData if !flowing => Some(format!("no requests in the last {window}")),
            Reading::NoData => Some("no data".into()),
            Reading::Value(_) if is_share && !flowing => {
                Some(format!("no requests in the last {window}"))
            }
            Reading::Value(_) => None,
        };
        if let Some(why) = why {
            out.push(BlindSpot { check, why });
        }
    }
    out
}

/// What a healthy verdict rests on: "pods, HPA, provider key and egress" (the provider
/// key only when it could be checked).
pub fn looks_right(spots: &[BlindSpot]) -> String {
    let mut right = vec!["pods", "HPA"];
    if !spots.iter().any(|b| b.check == "provider key") {
        right.push("provider key");
    }
    right.push("egress");
    match right.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => right.join(""),
    }
}

/// "provider key, latency: no metrics source" — spots with one reason share a line;
/// several reasons are listed one after the other.
pub fn summary(spots: &[BlindSpot]) -> String {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for s in spots {
        match groups.iter_mut().find(|(why, _)| *why == s.why) {
            Some((_, checks)) => checks.push(s.check),
            None => groups.push((&s.why, vec![s.check])),
        }
    }
    groups
        .iter()
        .map(|(why, checks)| format!("{} ({why})", checks.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
#[path = "blind_tests.rs"]
mod tests;
