//! A fleet row in words — the one wording of the fleet view's table and of
//! `status --all-contexts`.

use jiff::Timestamp;

use super::row::{Reach, Row, Totals};
use crate::format;

/// The columns of the fleet's table.
pub const HEADERS: [&str; 9] = [
    "CONTEXT",
    "STATE",
    "AGE",
    "READY",
    "HPA",
    "P95",
    "TOKENS/MIN",
    "$/HOUR",
    "PROBLEM",
];

/// "up", "unreachable", "connecting".
pub fn state(r: &Row) -> &'static str {
    match r.reach {
        Reach::Up => "up",
        Reach::Down { .. } => "unreachable",
        Reach::Connecting => "connecting",
    }
}

fn opt(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.map(f).unwrap_or_else(|| "–".into())
}

/// "1.2k", "340".
pub fn tokens(per_min: f64) -> String {
    if per_min >= 1e6 {
        format!("{:.2}M", per_min / 1e6)
    } else if per_min >= 1e3 {
        format!("{:.1}k", per_min / 1e3)
    } else {
        format!("{per_min:.0}")
    }
}

/// The worst problem and how many more: "Provider rejects the API key (+1)", or why the
/// cluster cannot be read, or "healthy".
pub fn problem(r: &Row) -> String {
    if let Reach::Down { why, .. } = &r.reach {
        return why.clone();
    }
    match (r.problems.first(), r.problems.len()) {
        (Some(p), 1) => p.title.clone(),
        (Some(p), n) => format!("{} (+{})", p.title, n - 1),
        (None, _) if r.reach == Reach::Connecting => "…".into(),
        (None, _) => match r.alerts {
            Some((1, _)) => "1 alert firing".into(),
            Some((n, _)) if n > 0 => format!("{n} alerts firing"),
            _ => "healthy".into(),
        },
    }
}

/// The row's cells, in [`HEADERS`]' order.
pub fn cells(r: &Row, now: Timestamp) -> [String; 9] {
    let up = r.at.is_some();
    [
        r.context.clone(),
        state(r).into(),
        r.age(now).map(format::age).unwrap_or_else(|| "–".into()),
        if up {
            format!("{}/{}", r.ready, r.desired)
        } else {
            "–".into()
        },
        r.hpa
            .map(|h| format!("{}/{}/{}", h.current, h.desired, h.max))
            .unwrap_or_else(|| "–".into()),
        opt(r.metrics.p95_ms, format::ms),
        opt(r.metrics.tokens_per_min, tokens),
        opt(r.metrics.usd_per_hour, format::usd),
        crate::text::printable(&problem(r)),
    ]
}

/// "fleet of 5: $12.40/h · 8.1k tokens/min (2 without numbers: a lower bound)".
pub fn total(t: &Totals, clusters: usize) -> String {
    let mut s = format!(
        "fleet of {clusters}: {}/h · {} tokens/min",
        format::usd(t.usd_per_hour),
        tokens(t.tokens_per_min)
    );
    if t.missing > 0 {
        s.push_str(&format!(" ({} without numbers: a lower bound)", t.missing));
    }
    s
}
