//! The object store: every object of every resource, one global resourceVersion, and a
//! bounded log of changes that watches replay from.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use tokio::sync::{Notify, broadcast};

use super::meta;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// One change, as watches see it.
#[derive(Debug)]
pub struct Event {
    pub rv: u64,
    pub key: String,
    pub namespace: String,
    pub kind: EventType,
    pub object: Arc<Value>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    NotFound,
    AlreadyExists,
    /// resourceVersion precondition failed.
    Conflict,
}

type ObjKey = (String, String);

struct Inner {
    rv: u64,
    objects: HashMap<String, BTreeMap<ObjKey, Arc<Value>>>,
    log: VecDeque<Arc<Event>>,
}

/// Thread-safe store. Critical sections are short and never await.
pub struct Store {
    inner: Mutex<Inner>,
    tx: broadcast::Sender<Arc<Event>>,
    log_cap: usize,
    /// Woken on every write, so controllers react at once.
    pub changed: Notify,
    /// Bumped on every deletion, so garbage collection runs only when needed.
    deletions: std::sync::atomic::AtomicU64,
}

/// What a watch starts with: the events to replay, then the live receiver.
pub struct WatchStart {
    pub replay: Vec<Arc<Event>>,
    pub rx: broadcast::Receiver<Arc<Event>>,
    pub current_rv: u64,
}

impl Store {
    pub fn new(log_cap: usize) -> Self {
        let (tx, _) = broadcast::channel(16 * 1024);
        Store {
            inner: Mutex::new(Inner {
                rv: 1,
                objects: HashMap::new(),
                log: VecDeque::new(),
            }),
            tx,
            log_cap,
            changed: Notify::new(),
            deletions: std::sync::atomic::AtomicU64::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves consistent data (every write is a single
        // map operation), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn note_deletion(&self) {
        self.deletions
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn deletions(&self) -> u64 {
        self.deletions.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn current_rv(&self) -> u64 {
        self.lock().rv
    }

    /// The oldest resourceVersion a watch can resume from.
    pub fn oldest_rv(&self) -> u64 {
        let g = self.lock();
        g.log.front().map(|e| e.rv - 1).unwrap_or(g.rv)
    }

    pub fn get(&self, key: &str, ns: &str, name: &str) -> Option<Arc<Value>> {
        let g = self.lock();
        g.objects
            .get(key)?
            .get(&(ns.to_string(), name.to_string()))
            .cloned()
    }

    /// All objects of a resource (in one namespace, or all when `ns` is None), ordered by
    /// namespace then name, with the resourceVersion the list is consistent at.
    pub fn list(&self, key: &str, ns: Option<&str>) -> (Vec<Arc<Value>>, u64) {
        let g = self.lock();
        let items = match g.objects.get(key) {
            None => Vec::new(),
            Some(m) => match ns {
                None => m.values().cloned().collect(),
                Some(ns) => m
                    .range((ns.to_string(), String::new())..)
                    .take_while(|((n, _), _)| n == ns)
                    .map(|(_, v)| v.clone())
                    .collect(),
            },
        };
        (items, g.rv)
    }

    pub fn count(&self, key: &str) -> usize {
        self.lock().objects.get(key).map(|m| m.len()).unwrap_or(0)
    }

    fn record(&self, g: &mut Inner, key: &str, ns: &str, kind: EventType, object: Arc<Value>) {
        let ev = Arc::new(Event {
            rv: g.rv,
            key: key.to_string(),
            namespace: ns.to_string(),
            kind,
            object,
        });
        g.log.push_back(ev.clone());
        while g.log.len() > self.log_cap {
            g.log.pop_front();
        }
        let _ = self.tx.send(ev);
        self.changed.notify_waiters();
    }

    /// Insert a new object; sets metadata.resourceVersion.
    pub fn create(&self, key: &str, mut obj: Value) -> Result<Arc<Value>, StoreError> {
        let ns = meta::namespace(&obj).to_string();
        let name = meta::name(&obj).to_string();
        let mut g = self.lock();
        let exists = g
            .objects
            .get(key)
            .is_some_and(|m| m.contains_key(&(ns.clone(), name.clone())));
        if exists {
            return Err(StoreError::AlreadyExists);
        }
        g.rv += 1;
        meta::set_resource_version(&mut obj, g.rv);
        let obj = Arc::new(obj);
        g.objects
            .entry(key.to_string())
            .or_default()
            .insert((ns.clone(), name), obj.clone());
        self.record(&mut g, key, &ns, EventType::Added, obj.clone());
        Ok(obj)
    }

    /// Replace an existing object. With `expected_rv`, fails with Conflict unless the
    /// stored object still has that resourceVersion.
    pub fn replace(
        &self,
        key: &str,
        mut obj: Value,
        expected_rv: Option<&str>,
    ) -> Result<Arc<Value>, StoreError> {
        let ns = meta::namespace(&obj).to_string();
        let name = meta::name(&obj).to_string();
        let mut g = self.lock();
        let k = (ns.clone(), name);
        let current = g
            .objects
            .get(key)
            .and_then(|m| m.get(&k))
            .ok_or(StoreError::NotFound)?;
        if let Some(rv) = expected_rv
            && meta::resource_version(current) != rv
        {
            return Err(StoreError::Conflict);
        }
        g.rv += 1;
        meta::set_resource_version(&mut obj, g.rv);
        let obj = Arc::new(obj);
        g.objects
            .entry(key.to_string())
            .or_default()
            .insert(k, obj.clone());
        self.record(&mut g, key, &ns, EventType::Modified, obj.clone());
        Ok(obj)
    }

    /// Read-modify-write under the lock. `f` returns whether it changed anything; an
    /// unchanged object is not written (no new resourceVersion, no event).
    pub fn update_with(
        &self,
        key: &str,
        ns: &str,
        name: &str,
        f: impl FnOnce(&mut Value) -> bool,
    ) -> Option<Arc<Value>> {
        let mut g = self.lock();
        let k = (ns.to_string(), name.to_string());
        let current = g.objects.get(key)?.get(&k)?.clone();
        let mut obj = (*current).clone();
        if !f(&mut obj) {
            return Some(current);
        }
        g.rv += 1;
        meta::set_resource_version(&mut obj, g.rv);
        let obj = Arc::new(obj);
        g.objects
            .entry(key.to_string())
            .or_default()
            .insert(k, obj.clone());
        self.record(&mut g, key, ns, EventType::Modified, obj.clone());
        Some(obj)
    }

    /// Remove an object; the DELETED event carries it with a new resourceVersion.
    pub fn delete(&self, key: &str, ns: &str, name: &str) -> Option<Arc<Value>> {
        let mut g = self.lock();
        let k = (ns.to_string(), name.to_string());
        let old = g.objects.get_mut(key)?.remove(&k)?;
        self.note_deletion();
        g.rv += 1;
        let mut obj = (*old).clone();
        meta::set_resource_version(&mut obj, g.rv);
        let obj = Arc::new(obj);
        self.record(&mut g, key, ns, EventType::Deleted, obj.clone());
        Some(obj)
    }

    /// Every object (by resource key) and the current resourceVersion, at one instant.
    pub fn snapshot(&self) -> (u64, Vec<(String, Arc<Value>)>) {
        let g = self.lock();
        let objects = g
            .objects
            .iter()
            .flat_map(|(k, m)| m.values().map(move |o| (k.clone(), o.clone())))
            .collect();
        (g.rv, objects)
    }

    /// Replace the contents with saved objects at a saved resourceVersion (at start, before
    /// anyone watches: no events, an empty change log).
    pub fn restore(&self, rv: u64, objects: Vec<(String, Value)>) {
        let mut g = self.lock();
        g.objects.clear();
        g.log.clear();
        let mut max = rv;
        for (key, obj) in objects {
            if let Ok(orv) = meta::resource_version(&obj).parse::<u64>() {
                max = max.max(orv);
            }
            let k = (
                meta::namespace(&obj).to_string(),
                meta::name(&obj).to_string(),
            );
            g.objects.entry(key).or_default().insert(k, Arc::new(obj));
        }
        g.rv = max;
    }

    /// Start a watch after `from_rv`: the logged events newer than it, then live ones.
    /// None when `from_rv` is older than the log keeps (the client gets 410 Gone).
    pub fn watch_from(&self, key: &str, from_rv: u64) -> Option<WatchStart> {
        let g = self.lock();
        let oldest = g.log.front().map(|e| e.rv - 1).unwrap_or(g.rv);
        if from_rv < oldest {
            return None;
        }
        let replay = g
            .log
            .iter()
            .filter(|e| e.rv > from_rv && e.key == key)
            .cloned()
            .collect();
        Some(WatchStart {
            replay,
            rx: self.tx.subscribe(),
            current_rv: g.rv,
        })
    }

    /// Start a watch "from now" with the current objects as the initial state: returns
    /// them with a receiver subscribed at the same instant, so nothing is missed.
    pub fn watch_now(
        &self,
        key: &str,
        ns: Option<&str>,
    ) -> (Vec<Arc<Value>>, broadcast::Receiver<Arc<Event>>, u64) {
        let g = self.lock();
        let items = match g.objects.get(key) {
            None => Vec::new(),
            Some(m) => m
                .iter()
                .filter(|((n, _), _)| ns.is_none_or(|ns| ns == n))
                .map(|(_, v)| v.clone())
                .collect(),
        };
        (items, self.tx.subscribe(), g.rv)
    }
}
