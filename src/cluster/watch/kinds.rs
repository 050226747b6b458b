//! One watcher per kind, each on its own: a kind that is forbidden, not served or failing
//! records why in the shared health map (its panel says so) while the others go on.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use kube::Api;
use kube::ResourceExt;
use kube::runtime::reflector::{self, Store};
use kube::runtime::{WatchStreamExt, watcher};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use super::WATCH_TIMEOUT_SECS;
use crate::cluster::explain;
use crate::cluster::model::Readable;

/// What could be read of each kind, shared by the watchers and the snapshot builder.
#[derive(Clone, Default)]
pub struct Health {
    map: Arc<Mutex<BTreeMap<&'static str, Readable>>>,
    pub changed: Arc<Notify>,
}

impl Health {
    pub fn get(&self, kind: &str) -> Readable {
        self.lock().get(kind).cloned().unwrap_or_default()
    }

    pub fn all(&self) -> BTreeMap<&'static str, Readable> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<&'static str, Readable>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The kind was read (a list finished, or an event arrived).
    pub fn ok(&self, kind: &'static str) {
        let changed = self.lock().insert(kind, Readable::Yes) != Some(Readable::Yes);
        if changed {
            tracing::info!(kind, "watch healthy");
        }
        self.changed.notify_one();
    }

    /// The kind failed: never read yet → No, read before → Stale (its data is kept).
    pub fn failed(&self, kind: &'static str, reason: String) {
        let mut map = self.lock();
        let next = match map.get(kind) {
            Some(Readable::Yes | Readable::Stale(_)) => Readable::Stale(reason),
            _ => Readable::No(reason),
        };
        map.insert(kind, next);
        drop(map);
        self.changed.notify_one();
    }
}

/// Why a kind cannot be read, in the words its panel shows.
pub fn reason(kind: &str, namespace: &str, e: &watcher::Error) -> String {
    let status = match e {
        watcher::Error::InitialListFailed(kube::Error::Api(s))
        | watcher::Error::WatchStartFailed(kube::Error::Api(s))
        | watcher::Error::WatchFailed(kube::Error::Api(s)) => Some(s.code),
        watcher::Error::WatchError(s) => Some(s.code),
        _ => None,
    };
    match status {
        Some(403) => format!("your role cannot list {kind} in {namespace} (RBAC)"),
        Some(404) => format!("this cluster does not serve {kind}"),
        _ => explain::explain_watch(e),
    }
}

/// Watch one kind into a reflector store (managedFields and annotations dropped: they are
/// most of an object's size — last-applied-configuration repeats the whole spec — and
/// nothing here reads them), reporting its health.
pub fn drive<K>(
    api: Api<K>,
    kind: &'static str,
    namespace: String,
    health: Health,
) -> (Store<K>, JoinHandle<()>)
where
    K: kube::Resource<DynamicType = ()>
        + Clone
        + std::fmt::Debug
        + serde::de::DeserializeOwned
        + Send
        + Sync
        + 'static,
{
    let (reader, writer) = reflector::store::<K>();
    let stream = watcher(api, watcher::Config::default().timeout(WATCH_TIMEOUT_SECS))
        .default_backoff()
        .modify(|o: &mut K| {
            o.managed_fields_mut().clear();
            o.annotations_mut().clear();
        })
        .reflect(writer);
    let task = tokio::spawn(async move {
        let mut stream = std::pin::pin!(stream);
        while let Some(item) = stream.next().await {
            match item {
                Ok(watcher::Event::Init | watcher::Event::InitApply(_)) => {}
                Ok(_) => health.ok(kind),
                Err(e) => {
                    tracing::warn!(kind, error = %e, "watch failed; retrying with backoff");
                    health.failed(kind, reason(kind, &namespace, &e));
                }
            }
        }
    });
    (reader, task)
}
