//! Watches: newline-delimited JSON events (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR), resumed
//! from a resourceVersion, `410 Expired` when that is too old, ended by timeoutSeconds, by the
//! admin "cut" or when the client goes away.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;

use super::objects::to_client;
use super::select::{FieldSelector, LabelSelector};
use super::table;
use super::{Req, Target, stream_response};
use crate::errors::{ApiError, ApiResult};
use crate::store::{Event, EventType};
use crate::{Sim, meta};

const BOOKMARK_EVERY: Duration = Duration::from_secs(5);
/// kube-apiserver picks 30–60 min when the client sets no timeout.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1800);

struct Filter {
    key: String,
    ns: Option<String>,
    labels: LabelSelector,
    fields: FieldSelector,
}

impl Filter {
    fn matches(&self, ev: &Event) -> bool {
        ev.key == self.key
            && self.ns.as_ref().is_none_or(|n| *n == ev.namespace)
            && self.labels.matches(&ev.object)
            && self.fields.matches(&ev.object)
    }
}

/// Formats events for one client (JSON objects, or Table rows).
struct Encoder {
    sim: Arc<Sim>,
    target: Target,
    table: bool,
    include_object: String,
    sent_columns: bool,
}

impl Encoder {
    fn event(&mut self, kind: &str, obj: &Value) -> Bytes {
        let object = if self.table {
            let mut t = table::table(
                self.target.def.resource,
                &[obj],
                meta::resource_version(obj),
                None,
                self.sim.clock.now(),
                &self.include_object,
            );
            if self.sent_columns {
                t["columnDefinitions"] = json!([]);
            }
            self.sent_columns = true;
            t
        } else {
            to_client(self.target.def, obj)
        };
        line(&json!({"type": kind, "object": object}))
    }

    fn bookmark(&self, rv: u64) -> Bytes {
        let d = self.target.def;
        line(&json!({
            "type": "BOOKMARK",
            "object": {"kind": d.kind, "apiVersion": d.api_version(), "metadata": {"resourceVersion": rv.to_string()}},
        }))
    }
}

fn line(v: &Value) -> Bytes {
    let mut s = v.to_string();
    s.push('\n');
    Bytes::from(s)
}

pub fn handle(sim: &Arc<Sim>, t: &Target, r: &Req) -> ApiResult<Response> {
    let mut filter = Filter {
        key: t.def.key(),
        ns: t.namespace.clone(),
        labels: LabelSelector::parse(r.q("labelSelector").unwrap_or(""))?,
        fields: FieldSelector::parse(
            r.q("fieldSelector").unwrap_or(""),
            t.def.resource,
            t.def.kind,
        )?,
    };
    if let Some(n) = &t.name {
        filter.fields =
            FieldSelector::parse(&format!("metadata.name={n}"), t.def.resource, t.def.kind)?;
    }
    let timeout = r
        .q("timeoutSeconds")
        .and_then(|s| s.parse::<u64>().ok())
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_TIMEOUT);
    let bookmarks = r.flag("allowWatchBookmarks");
    let mut enc = Encoder {
        sim: sim.clone(),
        target: t.clone(),
        table: r.wants_table(),
        include_object: r.q("includeObject").unwrap_or("Metadata").to_string(),
        sent_columns: false,
    };

    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(256);
    let from: Option<u64> = match r.q("resourceVersion") {
        None | Some("") | Some("0") => None,
        Some(s) => Some(
            s.parse()
                .map_err(|_| ApiError::bad_request(format!("invalid resource version: {s}")))?,
        ),
    };

    let mut initial: Vec<Bytes> = Vec::new();
    let (rx_events, mut last_rv) = match from {
        None => {
            let (items, rx_ev, rv) = sim.store.watch_now(&filter.key, filter.ns.as_deref());
            for o in items
                .iter()
                .filter(|o| filter.labels.matches(o) && filter.fields.matches(o))
            {
                initial.push(enc.event("ADDED", o));
            }
            (Some(rx_ev), rv)
        }
        Some(rv) => match sim.store.watch_from(&filter.key, rv) {
            None => {
                let oldest = sim.store.oldest_rv();
                let status = ApiError::gone(format!("too old resource version: {rv} ({oldest})"))
                    .to_status();
                initial.push(line(&json!({"type": "ERROR", "object": status})));
                (None, rv)
            }
            Some(ws) => {
                for ev in ws.replay.iter().filter(|e| filter.matches(e)) {
                    initial.push(enc.event(ev.kind.as_str(), &ev.object));
                }
                (Some(ws.rx), ws.current_rv.max(rv))
            }
        },
    };

    let mut cut = sim.faults.cut.subscribe();
    tokio::spawn(async move {
        for b in initial {
            if tx.send(Ok(b)).await.is_err() {
                return;
            }
        }
        let Some(mut events) = rx_events else { return };
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        let mut tick = tokio::time::interval(BOOKMARK_EVERY);
        tick.tick().await;
        loop {
            tokio::select! {
                _ = &mut deadline => break,
                _ = cut.changed() => break,
                _ = tx.closed() => return,
                _ = tick.tick(), if bookmarks => {
                    if tx.send(Ok(enc.bookmark(last_rv))).await.is_err() { return; }
                }
                ev = events.recv() => match ev {
                    Ok(ev) => {
                        if ev.rv <= last_rv { continue; }
                        last_rv = ev.rv;
                        if filter.matches(&ev) {
                            let kind = match ev.kind { EventType::Added => "ADDED", EventType::Modified => "MODIFIED", EventType::Deleted => "DELETED" };
                            if tx.send(Ok(enc.event(kind, &ev.object))).await.is_err() { return; }
                        }
                    }
                    // Too slow a reader: end the watch; the client resumes from its last RV.
                    Err(broadcast::error::RecvError::Lagged(_)) => break,
                    Err(broadcast::error::RecvError::Closed) => break,
                }
            }
        }
        if bookmarks {
            let _ = tx.send(Ok(enc.bookmark(last_rv))).await;
        }
    });
    Ok(stream_response(Body::from_stream(ReceiverStream::new(rx))))
}
