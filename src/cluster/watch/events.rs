//! Events, kept bounded: only the newest `KEEP` of a namespace are held, as the plain views
//! the panel shows — a namespace with 20,000 events does not grow the dashboard. Read from
//! events.k8s.io/v1 where the cluster serves it (series counts, last-observed times), else
//! core/v1.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use k8s_openapi::api::core::v1::Event as CoreEvent;
use k8s_openapi::api::events::v1::Event as EventV1;
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use tokio::task::JoinHandle;

use super::kinds::{Health, relisting};
use crate::cluster::connect::Connection;
use crate::cluster::model::EventView;
use crate::cluster::snapshot::{event_view, event_view_v1};
use crate::config::StackConfig;

/// How many events are kept (the snapshot shows fewer).
pub const KEEP: usize = 500;

/// The newest events by uid.
#[derive(Clone, Default)]
pub(super) struct Events {
    views: Arc<Mutex<HashMap<String, EventView>>>,
}

impl Events {
    pub(super) fn views(&self) -> Vec<EventView> {
        self.lock().values().cloned().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, EventView>> {
        self.views.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Keep `v` in `map`, dropping the oldest beyond `KEEP`.
fn keep(map: &mut HashMap<String, EventView>, uid: String, v: EventView) {
    map.insert(uid, v);
    if map.len() > KEEP + KEEP / 4 {
        let mut all: Vec<(String, Option<jiff::Timestamp>)> =
            map.iter().map(|(k, v)| (k.clone(), v.last_seen)).collect();
        all.sort_by_key(|e| std::cmp::Reverse(e.1));
        for (uid, _) in all.into_iter().skip(KEEP) {
            map.remove(&uid);
        }
    }
}

/// Start the events watcher: events.k8s.io/v1 if served, else core/v1. Finding out runs in
/// the task, so a slow answer never holds up the other panels.
pub(super) fn spawn(
    conn: &Connection,
    stack: &StackConfig,
    health: Health,
) -> (Events, JoinHandle<()>) {
    let events = Events::default();
    let (conn, stack, kept) = (conn.clone(), stack.clone(), events.clone());
    let task = tokio::spawn(async move {
        let ns = conn.namespace.clone();
        let v1: Api<EventV1> = Api::namespaced(conn.client.clone(), &ns);
        let served = !matches!(
            v1.list(&kube::api::ListParams::default().limit(1)).await,
            Err(kube::Error::Api(s)) if s.code == 404
        );
        if served {
            run(v1, ns, health, kept, move |e| event_view_v1(e, &stack)).await
        } else {
            let core: Api<CoreEvent> = Api::namespaced(conn.client.clone(), &ns);
            run(core, ns, health, kept, move |e| event_view(e, &stack)).await
        }
    });
    (events, task)
}

async fn run<K>(
    api: Api<K>,
    ns: String,
    health: Health,
    events: Events,
    view: impl Fn(&K) -> EventView + Send + 'static,
) where
    K: kube::Resource<DynamicType = ()>
        + Clone
        + std::fmt::Debug
        + serde::de::DeserializeOwned
        + Send
        + Sync
        + 'static,
{
    let mut relist: Option<HashMap<String, EventView>> = None;
    let h = health.clone();
    relisting(api, "events", &ns, &health, |ev| {
        apply(&events, &mut relist, ev, &view, &h);
        None
    })
    .await;
}

/// One watch event into the kept views; a relist is gathered apart and swapped in whole.
fn apply<K: kube::Resource>(
    events: &Events,
    relist: &mut Option<HashMap<String, EventView>>,
    ev: watcher::Event<K>,
    view: &impl Fn(&K) -> EventView,
    health: &Health,
) {
    match ev {
        watcher::Event::Init => *relist = Some(HashMap::new()),
        watcher::Event::InitApply(e) => {
            if let Some(map) = relist.as_mut() {
                keep(map, e.uid().unwrap_or_default(), view(&e));
            }
        }
        watcher::Event::InitDone => {
            if let Some(map) = relist.take() {
                *events.lock() = map;
            }
            health.ok("events");
        }
        watcher::Event::Apply(e) => {
            keep(&mut events.lock(), e.uid().unwrap_or_default(), view(&e));
            health.ok("events");
        }
        watcher::Event::Delete(e) => {
            events.lock().remove(&e.uid().unwrap_or_default());
            health.ok("events");
        }
    }
}
