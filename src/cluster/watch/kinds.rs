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
#[derive(Clone)]
pub(super) struct Health {
    map: Arc<Mutex<BTreeMap<&'static str, Readable>>>,
    pub changed: Arc<Notify>,
    /// Bumped when the server's history is found not to be ours: every kind lists anew.
    epoch: Arc<tokio::sync::watch::Sender<u64>>,
    /// The last such reload: when, and why.
    reloaded: Arc<Mutex<Option<(jiff::Timestamp, String)>>>,
    /// Pods received so far of a first list still coming in.
    pods_listing: Arc<Mutex<Option<usize>>>,
}

impl Default for Health {
    fn default() -> Self {
        Health {
            map: Arc::default(),
            changed: Arc::default(),
            epoch: Arc::new(tokio::sync::watch::channel(0).0),
            reloaded: Arc::default(),
            pods_listing: Arc::default(),
        }
    }
}

impl Health {
    pub(super) fn get(&self, kind: &str) -> Readable {
        self.lock().get(kind).cloned().unwrap_or_default()
    }

    pub(super) fn all(&self) -> BTreeMap<&'static str, Readable> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<&'static str, Readable>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The kind was read (a list finished, or an event arrived).
    pub(super) fn ok(&self, kind: &'static str) {
        let changed = self.lock().insert(kind, Readable::Yes) != Some(Readable::Yes);
        if changed {
            tracing::info!(kind, "watch healthy");
        }
        self.changed.notify_one();
    }

    /// The server's history is not ours (`why`): every kind drops its cache and lists
    /// from scratch — like client-go's reflector — replacing what was shown.
    pub(super) fn history_lost(&self, kind: &'static str, why: String) {
        tracing::warn!(kind, "{why}: listing every kind anew");
        *self.reloaded.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((jiff::Timestamp::now(), why));
        self.epoch.send_modify(|e| *e += 1);
        self.changed.notify_one();
    }

    /// The last reload, if any.
    pub(super) fn reloaded(&self) -> Option<(jiff::Timestamp, String)> {
        self.reloaded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// `n` pods of a first list in so far (None: it is complete, or none is under way);
    /// a snapshot shows the count.
    pub(super) fn pods_listing(&self, n: Option<usize>) {
        *self.pods_listing.lock().unwrap_or_else(|e| e.into_inner()) = n;
        self.changed.notify_one();
    }

    pub(super) fn pods_listed_so_far(&self) -> Option<usize> {
        *self.pods_listing.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A receiver of reloads (changes when every kind must list anew).
    pub(super) fn reloads(&self) -> tokio::sync::watch::Receiver<u64> {
        self.epoch.subscribe()
    }

    /// The kind failed: never read yet → No, read before → Stale (its data is kept).
    pub(super) fn failed(&self, kind: &'static str, reason: String) {
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
pub(super) fn reason(kind: &str, namespace: &str, e: &watcher::Error) -> String {
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

/// "Too large resource version": the server's history is behind ours (restored from a
/// backup, restarted without its state). Resuming would wait for it to catch up and then
/// show objects that no longer exist: client-go drops its cache and lists anew.
pub(super) fn history_lost(e: &watcher::Error) -> Option<String> {
    let s = match e {
        watcher::Error::InitialListFailed(kube::Error::Api(s))
        | watcher::Error::WatchStartFailed(kube::Error::Api(s))
        | watcher::Error::WatchFailed(kube::Error::Api(s)) => s,
        watcher::Error::WatchError(s) => s,
        _ => return None,
    };
    let too_large = s.message.contains("Too large resource version")
        || s.details.as_ref().is_some_and(|d| {
            d.causes
                .iter()
                .any(|c| c.reason == "ResourceVersionTooLarge")
        });
    too_large.then(|| {
        format!(
            "the API server's history restarted ({})",
            crate::text::printable(&s.message)
        )
    })
}

/// The pause before listing anew after a reload.
pub(super) const RELIST_PAUSE: std::time::Duration = std::time::Duration::from_millis(500);

/// The watcher's configuration; after a reload the list is a consistent read (no
/// resourceVersion), not whatever a cache holds.
pub(super) fn config(reloads: u64) -> watcher::Config {
    let c = watcher::Config::default().timeout(WATCH_TIMEOUT_SECS);
    if reloads > 0 {
        c.list_semantic(watcher::ListSemantic::MostRecent)
    } else {
        c
    }
}

/// Watch one kind into a reflector store (managedFields and annotations dropped: they are
/// most of an object's size — last-applied-configuration repeats the whole spec — and
/// nothing here reads them), reporting its health. When the server's history is not ours
/// (too large a resourceVersion, or an object that changed its UID under its name) every
/// kind lists anew and the store is replaced, not merged.
pub(super) fn drive<K>(
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
    let (reader, mut writer) = reflector::store::<K>();
    let store = reader.clone();
    let task = tokio::spawn(async move {
        let ok = health.clone();
        relisting(api, kind, &namespace, &health, move |mut ev| {
            // Most of an object's size, and nothing here reads them.
            let strip = |o: &mut K| {
                o.managed_fields_mut().clear();
                o.annotations_mut().clear();
            };
            match &mut ev {
                watcher::Event::Apply(o)
                | watcher::Event::InitApply(o)
                | watcher::Event::Delete(o) => strip(o),
                watcher::Event::Init | watcher::Event::InitDone => {}
            }
            if let Some(why) = uid_changed(&store, &ev) {
                return Some(why);
            }
            writer.apply_watcher_event(&ev);
            if !matches!(ev, watcher::Event::Init | watcher::Event::InitApply(_)) {
                ok.ok(kind);
            }
            None
        })
        .await;
    });
    (reader, task)
}

/// Watch `api` until the task is aborted, each event to `on_event`. When the server's
/// history is not ours — too large a resourceVersion, or `on_event` says so — every kind
/// lists anew (see [`Health::history_lost`]); other errors are the kind's health, retried
/// with backoff.
pub(super) async fn relisting<K>(
    api: Api<K>,
    kind: &'static str,
    namespace: &str,
    health: &Health,
    mut on_event: impl FnMut(watcher::Event<K>) -> Option<String>,
) where
    K: kube::Resource<DynamicType = ()>
        + Clone
        + std::fmt::Debug
        + serde::de::DeserializeOwned
        + Send
        + 'static,
{
    let mut reloads = health.reloads();
    loop {
        let epoch = *reloads.borrow_and_update();
        if epoch > 0 {
            // A server that keeps saying so is not listed in a tight loop.
            tokio::time::sleep(RELIST_PAUSE).await;
        }
        let stream = watcher(api.clone(), config(epoch)).default_backoff();
        let mut stream = std::pin::pin!(stream);
        loop {
            let item = tokio::select! {
                item = stream.next() => item,
                r = reloads.changed() => match r {
                    Ok(()) => break,
                    Err(_) => return,
                },
            };
            let lost = match item {
                None => return,
                Some(Ok(ev)) => on_event(ev),
                Some(Err(e)) => history_lost(&e).or_else(|| {
                    tracing::warn!(kind, error = %e, "watch failed; retrying with backoff");
                    health.failed(kind, reason(kind, namespace, &e));
                    None
                }),
            };
            if let Some(why) = lost {
                health.history_lost(kind, why);
                break;
            }
        }
    }
}

/// A watch event about an object the store holds under the same name with another UID:
/// the watch resumed into a history that is not ours.
fn uid_changed<K>(store: &Store<K>, ev: &watcher::Event<K>) -> Option<String>
where
    K: kube::Resource<DynamicType = ()> + Clone + 'static,
{
    let obj = match ev {
        watcher::Event::Apply(o) | watcher::Event::Delete(o) => o,
        _ => return None,
    };
    let old = store.get(&reflector::ObjectRef::from_obj(obj))?;
    let (was, now) = (old.meta().uid.as_deref(), obj.meta().uid.as_deref());
    (was.is_some() && now.is_some() && was != now).then(|| {
        format!(
            "{} changed its UID without being deleted: the API server's history is not ours",
            crate::text::printable(&obj.name_any())
        )
    })
}
