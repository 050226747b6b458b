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

use super::objects::{converts, to_client};
use super::select::{FieldSelector, LabelSelector};
use super::table;
use super::{Req, Target, stream_response};
use crate::errors::{ApiError, ApiResult};
use crate::kinds;
use crate::store::Event;
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
    /// Whether the selectors need the decoded object (resource and namespace do not).
    fn selects(&self) -> bool {
        !self.labels.is_empty() || !self.fields.is_empty()
    }

    fn matches_object(&self, obj: &Value) -> bool {
        self.labels.matches(obj) && self.fields.matches(obj)
    }

    /// Whether the event is selected, with its object decoded when the selectors or the
    /// encoder need it (`Some(None)`: selected, the stored bytes do).
    fn select(&self, ev: &Event, decode: bool) -> Option<Option<Value>> {
        if ev.key != self.key || self.ns.as_ref().is_some_and(|n| *n != ev.namespace) {
            return None;
        }
        if !decode && !self.selects() {
            return Some(None);
        }
        let obj = ev.object();
        self.matches_object(&obj).then_some(Some(obj))
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
    /// Whether events are encoded from the decoded object (Tables, converted versions)
    /// rather than from the stored JSON as it is.
    fn decodes(&self) -> bool {
        self.table || converts(self.target.def)
    }

    /// One event line from the stored JSON (`obj`: the same, decoded, when
    /// [`Encoder::decodes`] or the selectors needed it).
    fn event_raw(&mut self, kind: &str, raw: &[u8], obj: Option<&Value>) -> Bytes {
        match obj {
            Some(o) if self.decodes() => self.event(kind, o),
            _ if self.decodes() => self.event(kind, &crate::store::decode(raw)),
            _ => raw_line(kind, raw),
        }
    }

    fn event(&mut self, kind: &str, obj: &Value) -> Bytes {
        let object = if self.table {
            let mut t = table::table(
                kinds::printer(self.target.def),
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

/// `{"type":KIND,"object":RAW}` and a newline, around the stored JSON as it is.
fn raw_line(kind: &str, raw: &[u8]) -> Bytes {
    let mut b = Vec::with_capacity(raw.len() + 40);
    b.extend_from_slice(b"{\"type\":\"");
    b.extend_from_slice(kind.as_bytes());
    b.extend_from_slice(b"\",\"object\":");
    b.extend_from_slice(raw);
    b.extend_from_slice(b"}\n");
    Bytes::from(b)
}

fn line(v: &Value) -> Bytes {
    let mut s = v.to_string();
    s.push('\n');
    Bytes::from(s)
}

/// The response body's sending side.
type Tx = mpsc::Sender<Result<Bytes, std::io::Error>>;

/// One client's watch: what it selects, how events are encoded, when it ends.
struct Session {
    filter: Filter,
    enc: Encoder,
    timeout: Duration,
    bookmarks: bool,
}

/// Where a watch starts: the events sent first, the live feed (none after
/// `410 Expired`) and the resourceVersion reached so far.
struct Start {
    initial: Vec<Bytes>,
    events: Option<broadcast::Receiver<Arc<Event>>>,
    rv: u64,
}

pub fn handle(sim: &Arc<Sim>, t: &Target, r: &Req) -> ApiResult<Response> {
    let mut session = Session::new(sim, t, r)?;
    let start = match start_rv(r)? {
        None => session.start_now(sim),
        Some(rv) => session.start_from(sim, rv),
    };
    let (tx, rx) = mpsc::channel(256);
    let cut = sim.faults.cut.subscribe();
    let blackhole = sim.faults.blackhole_changes();
    let conn = r.conn.clone();
    tokio::spawn(session.serve(tx, start, cut, blackhole, conn));
    Ok(stream_response(Body::from_stream(ReceiverStream::new(rx))))
}

/// A watch that fails before it starts: HTTP 200, one ERROR event with the Status, then the
/// end of the stream (as kube-apiserver's cacher answers).
pub fn error_stream(e: &ApiError) -> Response {
    let ev = line(&json!({"type": "ERROR", "object": e.to_status()}));
    stream_response(Body::from(ev))
}

/// The watch's resourceVersion parameter: none (or "0") means "from now".
fn start_rv(r: &Req) -> ApiResult<Option<u64>> {
    match r.q("resourceVersion") {
        None | Some("") | Some("0") => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| ApiError::bad_request(format!("invalid resource version: {s}"))),
    }
}

impl Session {
    /// The watch's list options: selectors (a named watch selects `metadata.name`),
    /// timeoutSeconds, allowWatchBookmarks and the Table format.
    fn new(sim: &Arc<Sim>, t: &Target, r: &Req) -> ApiResult<Self> {
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
        let enc = Encoder {
            sim: sim.clone(),
            target: t.clone(),
            table: r.wants_table(),
            include_object: r.q("includeObject").unwrap_or("Metadata").to_string(),
            sent_columns: false,
        };
        Ok(Session {
            filter,
            enc,
            timeout,
            bookmarks: r.flag("allowWatchBookmarks"),
        })
    }

    /// A watch from now: a synthetic ADDED for every object that exists, then the live feed.
    fn start_now(&mut self, sim: &Sim) -> Start {
        let f = &self.filter;
        let (items, events, rv) = sim.store.watch_now(&f.key, f.ns.as_deref());
        let decode = f.selects() || self.enc.decodes();
        let initial = items
            .iter()
            .filter_map(|raw| {
                if !decode {
                    return Some(raw_line("ADDED", raw));
                }
                let o = crate::store::decode(raw);
                f.matches_object(&o)
                    .then(|| self.enc.event_raw("ADDED", raw, Some(&o)))
            })
            .collect();
        Start {
            initial,
            events: Some(events),
            rv,
        }
    }

    /// A resumed watch: the logged events after `rv` replayed, or `410 Expired` when
    /// the log no longer reaches back that far.
    fn start_from(&mut self, sim: &Sim, rv: u64) -> Start {
        let Some(ws) = sim.store.watch_from(&self.filter.key, rv) else {
            let oldest = sim.store.oldest_rv();
            let status =
                ApiError::gone(format!("too old resource version: {rv} ({oldest})")).to_status();
            return Start {
                initial: vec![line(&json!({"type": "ERROR", "object": status}))],
                events: None,
                rv,
            };
        };
        let decode = self.enc.decodes();
        let initial = ws
            .replay
            .iter()
            .filter_map(|ev| {
                let obj = self.filter.select(ev, decode)?;
                Some(self.enc.event_raw(ev.kind.as_str(), &ev.raw, obj.as_ref()))
            })
            .collect();
        Start {
            initial,
            events: Some(ws.rx),
            rv: ws.current_rv.max(rv),
        }
    }

    /// The watch stream: the initial events, then live ones and periodic bookmarks until
    /// the timeout, an admin cut, a lagging reader or the client leaving.
    async fn serve(
        mut self,
        tx: Tx,
        start: Start,
        mut cut: tokio::sync::watch::Receiver<u64>,
        mut blackhole: tokio::sync::watch::Receiver<bool>,
        conn: super::conn::ConnInfo,
    ) {
        for b in start.initial {
            if tx.send(Ok(b)).await.is_err() {
                return;
            }
        }
        let Some(mut events) = start.events else {
            return;
        };
        let mut last_rv = start.rv;
        let deadline = tokio::time::sleep(self.timeout);
        tokio::pin!(deadline);
        let mut tick = tokio::time::interval(BOOKMARK_EVERY);
        tick.tick().await;
        loop {
            let mut out = None;
            tokio::select! {
                _ = &mut deadline => break,
                _ = cut.changed() => break,
                _ = tx.closed() => return,
                Ok(()) = blackhole.changed() => {}
                _ = tick.tick(), if self.bookmarks => out = Some(self.enc.bookmark(last_rv)),
                ev = events.recv() => match ev {
                    Ok(ev) => out = self.live_event(&ev, &mut last_rv),
                    // Too slow a reader: end the watch; the client resumes from its last RV.
                    Err(broadcast::error::RecvError::Lagged(_)) => break,
                    Err(broadcast::error::RecvError::Closed) => break,
                }
            }
            if *blackhole.borrow_and_update() {
                // A dead VPN or NAT: nothing more arrives, nothing closes. It stays stalled
                // after the blackhole too (its connection is reset then), until the client
                // goes or the server stops.
                conn.mark_stalled();
                tokio::select! {
                    _ = cut.changed() => {}
                    _ = tx.closed() => {}
                }
                return;
            }
            if let Some(b) = out
                && tx.send(Ok(b)).await.is_err()
            {
                return;
            }
        }
        if self.bookmarks {
            let _ = tx.send(Ok(self.enc.bookmark(last_rv))).await;
        }
    }

    /// One event from the live feed: skipped when already sent (replay overlap),
    /// encoded when the filter selects it.
    fn live_event(&mut self, ev: &Event, last_rv: &mut u64) -> Option<Bytes> {
        if ev.rv <= *last_rv {
            return None;
        }
        *last_rv = ev.rv;
        let obj = self.filter.select(ev, self.enc.decodes())?;
        Some(self.enc.event_raw(ev.kind.as_str(), &ev.raw, obj.as_ref()))
    }
}
