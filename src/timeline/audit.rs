//! agentdeck's own writes, from its audit log (one JSON line each: time, context, server,
//! cluster uid, user, namespace, operation, target, result, detail — never a secret
//! value): those of this cluster and namespace within the window. A cluster is its server
//! URL and, where both lines know it, its `kube-system` uid — not its context name, which
//! every `agentdeck sim` and many kind clusters share.

use std::path::PathBuf;

use jiff::Timestamp;
use serde::Deserialize;

use super::{Entry, Kind, Part};
use crate::cluster::Connection;
use crate::ops::audit::Audit;
use crate::text::printable;

#[derive(Debug, Deserialize)]
struct Line {
    time: String,
    #[serde(default)]
    context: String,
    /// Absent from lines written before agentdeck recorded the cluster.
    #[serde(default)]
    server: Option<String>,
    #[serde(default)]
    cluster: Option<String>,
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
        Ok(text) => {
            let here = Here {
                context: &conn.context,
                server: &conn.server,
                uid: conn.uid.known(),
                namespace: &conn.namespace,
            };
            Part {
                entries: entries(&text, &here, since),
                notes: Vec::new(),
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Part::default(),
        Err(e) => Part::note(format!("audit: cannot read {}: {e}", path.display())),
    }
}

/// The cluster and namespace whose lines are wanted.
pub struct Here<'a> {
    pub context: &'a str,
    pub server: &'a str,
    pub uid: Option<String>,
    pub namespace: &'a str,
}

impl Here<'_> {
    /// Was the line written on this cluster and namespace? Its server must be ours, and
    /// its uid too where both are known (a cluster recreated at the same address is
    /// another one); a line from before the cluster was recorded has only its context.
    fn wrote(&self, l: &Line) -> bool {
        let cluster = match &l.server {
            Some(server) => {
                server == self.server
                    && match (&l.cluster, &self.uid) {
                        (Some(a), Some(b)) => a == b,
                        _ => true,
                    }
            }
            None => l.context == self.context,
        };
        cluster && l.namespace == self.namespace
    }
}

/// The lines of this cluster and namespace at or after `since`, as entries (lines that are
/// not audit lines are skipped).
pub fn entries(text: &str, here: &Here, since: Timestamp) -> Vec<Entry> {
    text.lines()
        .filter_map(|l| serde_json::from_str::<Line>(l).ok())
        .filter(|l| here.wrote(l))
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
    let ok = l.result == "ok";
    let text = if ok {
        let what = match op.as_str() {
            "rotate-key" => format!("key rotated ({target})"),
            "restart" => format!("rollout restart {target}"),
            _ => format!("{op} {target}"),
        };
        format!("{what} {by}")
    } else {
        // Not done: said as an attempt, refused or failed, never as what it would have done.
        let detail = printable(&l.detail);
        match l.result.as_str() {
            "refused-read-only" => format!("{op} {target} {by} refused: read-only mode"),
            "forbidden" => format!("{op} {target} {by} refused by RBAC: {detail}"),
            "invalid" => format!("{op} {target} {by} refused as invalid: {detail}"),
            other => format!("{op} {target} {by} failed ({}): {detail}", printable(other)),
        }
    };
    let mut e = Entry::new(at, Kind::Audit, "audit", &target, text);
    e.warning = !ok;
    e
}

#[cfg(test)]
#[path = "audit_tests.rs"]
mod tests;
