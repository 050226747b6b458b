//! agentdeck's own writes, from its audit log (one JSON line each: time, context, user,
//! namespace, operation, target, result, detail — never a secret value): those of this
//! context and namespace within the window.

use std::path::PathBuf;

use jiff::Timestamp;
use serde::Deserialize;

use super::{Entry, Kind, Part};
use crate::cluster::Connection;
use crate::cluster::ops::audit::Audit;
use crate::text::printable;

#[derive(Debug, Deserialize)]
struct Line {
    time: String,
    #[serde(default)]
    context: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    namespace: String,
    #[serde(default)]
    operation: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    result: String,
    #[serde(default)]
    detail: String,
}

/// The audit log's entries for `conn` since `since` (a log not written yet has none).
pub fn gather(path: Option<PathBuf>, conn: &Connection, since: Timestamp) -> Part {
    let Some(path) = Audit::new(path).path else {
        return Part::note("audit: no audit log (HOME and XDG_STATE_HOME are unset)".into());
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => Part {
            entries: entries(&text, &conn.context, &conn.namespace, since),
            notes: Vec::new(),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Part::default(),
        Err(e) => Part::note(format!("audit: cannot read {}: {e}", path.display())),
    }
}

/// The lines of `context`/`namespace` at or after `since`, as entries (lines that are not
/// audit lines are skipped).
pub fn entries(text: &str, context: &str, namespace: &str, since: Timestamp) -> Vec<Entry> {
    text.lines()
        .filter_map(|l| serde_json::from_str::<Line>(l).ok())
        .filter(|l| l.context == context && l.namespace == namespace)
        .filter_map(|l| Some((l.time.parse::<Timestamp>().ok()?, l)))
        .filter(|(t, _)| *t >= since)
        .map(|(t, l)| entry(t, &l))
        .collect()
}

fn entry(at: Timestamp, l: &Line) -> Entry {
    let (op, target, user) = (
        printable(&l.operation),
        printable(&l.target),
        printable(&l.user),
    );
    let by = if user.is_empty() {
        "via agentdeck".to_string()
    } else {
        format!("via agentdeck by {user}")
    };
    let what = match op.as_str() {
        "rotate-key" => format!("key rotated ({target})"),
        "restart" => format!("rollout restart {target}"),
        _ => format!("{op} {target}"),
    };
    let ok = l.result == "ok";
    let text = if ok {
        format!("{what} {by}")
    } else {
        format!(
            "{what} {by} failed ({}): {}",
            printable(&l.result),
            printable(&l.detail)
        )
    };
    let mut e = Entry::new(at, Kind::Audit, "audit", &target, text);
    e.warning = !ok;
    e
}

#[cfg(test)]
#[path = "audit_tests.rs"]
mod tests;
