//! The cluster's part of the timeline, each kind listed on its own (one that cannot be read
//! becomes a note): warning events and HPA rescales, restarts and OOM kills from the pods'
//! last terminations, rollouts from ReplicaSets and the Deployments' Progressing condition.

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{Event, Pod};
use k8s_openapi::api::events::v1::Event as EventV1;

use super::revisions::{self, Revision};
use super::{Entry, Kind, Part};
use crate::cluster::Connection;
use crate::cluster::list::list;
use crate::text::printable;

/// "events: forbidden (…)": why `kind` could not be read, in one line.
fn note(kind: &str, ns: &str, e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) if s.code == 403 => {
            format!("{kind}: forbidden (your role cannot list {kind} in {ns})")
        }
        kube::Error::Api(s) if s.code == 404 => format!("{kind}: not served by this cluster"),
        other => format!("{kind}: {}", crate::cluster::explain::explain(other)),
    }
}

/// Every cluster source since `since`.
pub async fn gather(conn: &Connection, since: Timestamp) -> Part {
    let (ev, pods, rs, deps) = tokio::join!(
        events(conn),
        list::<Pod>(conn),
        list::<ReplicaSet>(conn),
        list::<Deployment>(conn),
    );
    let ns = &conn.namespace;
    let mut part = Part::default();
    let mut scaled_down = Vec::new();
    match ev {
        Ok(items) => {
            scaled_down = items.iter().filter_map(EventItem::scaled_to_zero).collect();
            part.entries
                .extend(items.into_iter().filter_map(|e| e.entry(since)));
        }
        Err(e) => part.notes.push(note("events", ns, &e)),
    }
    match pods {
        Ok(p) => {
            let said = |e: &Entry| told_by_events(e, &part.entries);
            let t: Vec<Entry> = p.iter().flat_map(terminations).collect();
            let t: Vec<Entry> = t.into_iter().filter(|e| !said(e)).collect();
            part.entries.extend(t);
        }
        Err(e) => part.notes.push(note("pods", ns, &e)),
    }
    let revs = match rs {
        Ok(rs) => revisions::revisions(&rs),
        Err(e) => {
            part.notes.push(note("replicasets", ns, &e));
            Default::default()
        }
    };
    part.entries.extend(revs.values().flat_map(|v| rollouts(v)));
    let done: Vec<Entry> = revs
        .values()
        .flat_map(|v| completions(v, &scaled_down))
        .collect();
    match deps {
        Ok(d) => part.entries.extend(
            d.iter()
                .filter_map(|d| completion(d, &revs))
                .filter(|c| !done.iter().any(|e| e.text == c.text)),
        ),
        Err(e) => part.notes.push(note("deployments", ns, &e)),
    }
    part.entries.extend(done);
    part
}

/// An event, whichever API it came from.
#[derive(Debug, Clone, Default)]
pub struct EventItem {
    pub warning: bool,
    pub reason: String,
    pub message: String,
    pub object: String,
    pub count: i32,
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
}

impl EventItem {
    /// A warning (grouped by reason) or an HPA rescale, when seen since `since`; other
    /// normal events are left out.
    pub fn entry(self, since: Timestamp) -> Option<Entry> {
        let last = self.last.or(self.first)?;
        if last < since {
            return None;
        }
        let at = self.first.filter(|f| *f >= since).unwrap_or(last);
        if self.reason == "SuccessfulRescale" {
            let text = rescale_text(&self.object, &self.message);
            return Some(Entry::new(at, Kind::Rescale, "events", &self.object, text));
        }
        if !self.warning {
            return None;
        }
        let repeat = if self.count > 1 {
            format!(" ×{}", self.count)
        } else {
            String::new()
        };
        let text = format!("{} {}{repeat}: {}", self.reason, self.object, self.message);
        let mut e = Entry::new(at, Kind::Event, "events", &self.object, text);
        e.warning = true;
        e.group = Some(self.reason);
        e.count = self.count.max(1) as u32;
        Some(e)
    }
}

impl EventItem {
    /// The deployment controller's "Scaled down replica set X from N to 0": (X, when).
    pub fn scaled_to_zero(&self) -> Option<(String, Timestamp)> {
        if self.reason != "ScalingReplicaSet" {
            return None;
        }
        let rest = self.message.strip_prefix("Scaled down replica set ")?;
        let (rs, counts) = rest.split_once(' ')?;
        counts
            .ends_with(" to 0")
            .then(|| (rs.to_string(), self.last.or(self.first)))
            .and_then(|(rs, at)| Some((rs, at?)))
    }
}

/// When each revision's rollout was complete: its rolling update scaled the last older
/// ReplicaSet to 0 (before the next revision started). The Deployment's condition is only
/// the fallback: it turns complete again after every scale, an HPA's too.
pub fn completions(revs: &[Revision], scaled_down: &[(String, Timestamp)]) -> Vec<Entry> {
    let mut out = Vec::new();
    for (i, r) in revs.iter().enumerate() {
        let Some(from) = r.created else { continue };
        let to = revs.get(i + 1).and_then(|n| n.created);
        let older = &revs[..i];
        let end = scaled_down
            .iter()
            .filter(|(rs, at)| {
                *at >= from
                    && to.is_none_or(|to| *at < to)
                    && older.iter().any(|o| &o.replicaset == rs)
            })
            .map(|(_, at)| *at)
            .max();
        if let Some(at) = end {
            let dep = printable(&r.deployment);
            let text = format!("rollout {dep} rev {} complete", r.number);
            let object = format!("deployment/{dep}");
            out.push(Entry::new(at, Kind::Rollout, "events", &object, text));
        }
    }
    out
}

/// "hpa/x rescaled to 4: cpu resource utilization above target" from the HPA controller's
/// "New size: 4; reason: cpu resource utilization above target".
pub fn rescale_text(object: &str, message: &str) -> String {
    let size = message
        .strip_prefix("New size: ")
        .and_then(|r| r.split(';').next());
    let reason = message.split_once("reason: ").map(|(_, r)| r);
    match (size, reason) {
        (Some(n), Some(r)) => format!("{object} rescaled to {n}: {r}"),
        _ => format!("{object} rescaled: {message}"),
    }
}

fn object(kind: Option<&String>, name: Option<&String>) -> String {
    let kind = kind.map(|k| k.to_lowercase()).unwrap_or_default();
    printable(&format!(
        "{kind}/{}",
        name.map(String::as_str).unwrap_or("")
    ))
}

fn from_core(e: &Event) -> EventItem {
    let o = &e.involved_object;
    EventItem {
        warning: e.type_.as_deref() == Some("Warning"),
        reason: printable(e.reason.as_deref().unwrap_or_default()),
        message: printable(e.message.as_deref().unwrap_or_default()),
        object: object(o.kind.as_ref(), o.name.as_ref()),
        count: e.count.unwrap_or(1),
        first: e
            .first_timestamp
            .as_ref()
            .map(|t| t.0)
            .or_else(|| e.event_time.as_ref().map(|t| t.0))
            .or_else(|| e.metadata.creation_timestamp.as_ref().map(|t| t.0)),
        last: e.last_timestamp.as_ref().map(|t| t.0),
    }
}

fn from_v1(e: &EventV1) -> EventItem {
    let r = e.regarding.as_ref();
    EventItem {
        warning: e.type_.as_deref() == Some("Warning"),
        reason: printable(e.reason.as_deref().unwrap_or_default()),
        message: printable(e.note.as_deref().unwrap_or_default()),
        object: object(
            r.and_then(|r| r.kind.as_ref()),
            r.and_then(|r| r.name.as_ref()),
        ),
        count: e
            .series
            .as_ref()
            .map(|s| s.count)
            .or(e.deprecated_count)
            .unwrap_or(1),
        first: e
            .deprecated_first_timestamp
            .as_ref()
            .map(|t| t.0)
            .or_else(|| e.event_time.as_ref().map(|t| t.0))
            .or_else(|| e.metadata.creation_timestamp.as_ref().map(|t| t.0)),
        last: e
            .series
            .as_ref()
            .map(|s| s.last_observed_time.0)
            .or_else(|| e.deprecated_last_timestamp.as_ref().map(|t| t.0)),
    }
}

/// Events from events.k8s.io/v1 where served, else core/v1.
async fn events(conn: &Connection) -> Result<Vec<EventItem>, kube::Error> {
    match list::<EventV1>(conn).await {
        Ok(v) => Ok(v.iter().map(from_v1).collect()),
        Err(kube::Error::Api(s)) if s.code == 404 => {
            Ok(list::<Event>(conn).await?.iter().map(from_core).collect())
        }
        Err(e) => Err(e),
    }
}

/// A termination a warning event of its pod already tells (a cluster whose kubelet
/// reports OOMKilled as an event): the event's first sighting is the start of it.
pub fn told_by_events(t: &Entry, events: &[Entry]) -> bool {
    let reason = t.group.as_deref().unwrap_or_default();
    events.iter().any(|e| {
        e.kind == Kind::Event && e.object == t.object && e.group.as_deref() == Some(reason)
    })
}

/// Each container's last termination (and a current OOM kill) as a restart or OOM entry.
pub fn terminations(pod: &Pod) -> Vec<Entry> {
    let name = printable(pod.metadata.name.as_deref().unwrap_or_default());
    let object = format!("pod/{name}");
    let statuses = pod
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref());
    let mut out = Vec::new();
    for cs in statuses.into_iter().flatten() {
        let last = cs.last_state.as_ref().and_then(|s| s.terminated.as_ref());
        let now = cs
            .state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .filter(|t| t.reason.as_deref() == Some("OOMKilled"));
        for t in [last, now].into_iter().flatten() {
            let Some(at) = t.finished_at.as_ref().map(|f| f.0) else {
                continue;
            };
            let reason = printable(t.reason.as_deref().unwrap_or("Terminated"));
            let oom = reason == "OOMKilled";
            let what = if oom { "OOMKilled" } else { "restarted" };
            let text = format!(
                "{what} {object} (container {}, {reason}, exit {}, restarts {})",
                printable(&cs.name),
                t.exit_code,
                cs.restart_count
            );
            let kind = if oom { Kind::Oom } else { Kind::Restart };
            let mut e = Entry::new(at, kind, "pods", &object, text);
            e.warning = true;
            e.group = Some(if oom {
                "OOMKilled".into()
            } else {
                format!("Restarted ({reason})")
            });
            out.push(e);
        }
    }
    out
}

/// One entry per revision created: its number and what changed from the one before.
pub fn rollouts(revs: &[Revision]) -> Vec<Entry> {
    let mut out = Vec::new();
    for (i, r) in revs.iter().enumerate() {
        let Some(at) = r.created else { continue };
        let dep = printable(&r.deployment);
        let change = match i.checked_sub(1).map(|p| &revs[p]) {
            Some(prev) => revisions::change(&prev.template, &r.template).join("; "),
            None => "first revision".to_string(),
        };
        let text = format!("rollout {dep} rev {} started: {change}", r.number);
        let object = format!("deployment/{dep}");
        out.push(Entry::new(at, Kind::Rollout, "replicasets", &object, text));
    }
    out
}

/// The rollout's end as the Deployment's Progressing condition says: complete
/// (NewReplicaSetAvailable) or stuck (ProgressDeadlineExceeded).
pub fn completion(
    d: &Deployment,
    revs: &std::collections::BTreeMap<String, Vec<Revision>>,
) -> Option<Entry> {
    let name = d.metadata.name.as_deref()?;
    let c = d
        .status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Progressing")?;
    let at = c.last_update_time.as_ref().map(|t| t.0)?;
    let message = c.message.as_deref().unwrap_or_default();
    let rev = revs.get(name).and_then(|v| {
        v.iter()
            .rev()
            .find(|r| message.contains(&format!("\"{}\"", r.replicaset)))
    });
    let rev = rev
        .map(|r| format!(" rev {}", r.number))
        .unwrap_or_default();
    let dep = printable(name);
    let object = format!("deployment/{dep}");
    let (text, warning) = match c.reason.as_deref() {
        Some("NewReplicaSetAvailable") => (format!("rollout {dep}{rev} complete"), false),
        Some("ProgressDeadlineExceeded") => (
            format!("rollout {dep}{rev} stuck: progress deadline exceeded"),
            true,
        ),
        _ => return None,
    };
    let mut e = Entry::new(at, Kind::Rollout, "deployments", &object, text);
    e.warning = warning;
    Some(e)
}

#[cfg(test)]
#[path = "cluster_tests.rs"]
mod tests;
