//! The object store: every object of every resource, one global resourceVersion, and a
//! bounded log of changes that watches replay from.
//!
//! Objects are kept as their JSON bytes, serialized once per write (a JSON tree costs
//! about ten times as much memory). LIST, GET and watch answer with those bytes as they
//! are; readers that need the tree (controllers, selectors, tables) decode on demand.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
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
    /// The object's JSON as stored by the change.
    pub raw: Bytes,
}

impl Event {
    /// The object, decoded.
    pub fn object(&self) -> Value {
        decode(&self.raw)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    NotFound,
    AlreadyExists,
    /// resourceVersion precondition failed.
    Conflict,
}

/// (namespace, name); the namespace is empty for cluster-scoped objects.
pub type ObjKey = (String, String);

/// An object's JSON, exactly as stored.
pub fn encode(obj: &Value) -> Bytes {
    let v = serde_json::to_vec(obj).unwrap_or_default();
    // Shrink to fit: a serializer's buffer is up to twice the size of what it holds.
    Bytes::from(v.into_boxed_slice())
}

/// A stored object's JSON decoded (stored bytes are always valid JSON).
pub fn decode(raw: &[u8]) -> Value {
    serde_json::from_slice(raw).unwrap_or(Value::Null)
}

struct Inner {
    rv: u64,
    objects: HashMap<String, BTreeMap<ObjKey, Bytes>>,
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

    /// An object's stored JSON.
    pub fn get_raw(&self, key: &str, ns: &str, name: &str) -> Option<Bytes> {
        let g = self.lock();
        g.objects
            .get(key)?
            .get(&(ns.to_string(), name.to_string()))
            .cloned()
    }

    pub fn get(&self, key: &str, ns: &str, name: &str) -> Option<Arc<Value>> {
        self.get_raw(key, ns, name).map(|b| Arc::new(decode(&b)))
    }

    /// The stored JSON of all objects of a resource (in one namespace, or all when `ns` is
    /// None) with their keys, ordered by namespace then name, and the resourceVersion the
    /// list is consistent at.
    pub fn list_raw(&self, key: &str, ns: Option<&str>) -> (Vec<(ObjKey, Bytes)>, u64) {
        let g = self.lock();
        let items = match g.objects.get(key) {
            None => Vec::new(),
            Some(m) => match ns {
                None => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                Some(ns) => m
                    .range((ns.to_string(), String::new())..)
                    .take_while(|((n, _), _)| n == ns)
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            },
        };
        (items, g.rv)
    }

    /// All objects of a resource, decoded (see [`Store::list_raw`]).
    pub fn list(&self, key: &str, ns: Option<&str>) -> (Vec<Arc<Value>>, u64) {
        let (raw, rv) = self.list_raw(key, ns);
        let items = raw.iter().map(|(_, b)| Arc::new(decode(b))).collect();
        (items, rv)
    }

    pub fn count(&self, key: &str) -> usize {
        self.lock().objects.get(key).map(|m| m.len()).unwrap_or(0)
    }

    fn record(&self, g: &mut Inner, key: &str, ns: &str, kind: EventType, raw: Bytes) {
        let ev = Arc::new(Event {
            rv: g.rv,
            key: key.to_string(),
            namespace: ns.to_string(),
            kind,
            raw,
        });
        g.log.push_back(ev.clone());
        while g.log.len() > self.log_cap {
            g.log.pop_front();
        }
        let _ = self.tx.send(ev);
        self.changed.notify_waiters();
    }

    /// Store `obj` under `k` at the next resourceVersion and log the change.
    fn write(
        &self,
        g: &mut Inner,
        key: &str,
        k: ObjKey,
        mut obj: Value,
        kind: EventType,
    ) -> Arc<Value> {
        g.rv += 1;
        meta::set_resource_version(&mut obj, g.rv);
        let raw = encode(&obj);
        let ns = k.0.clone();
        g.objects
            .entry(key.to_string())
            .or_default()
            .insert(k, raw.clone());
        self.record(g, key, &ns, kind, raw);
        Arc::new(obj)
    }

    /// Insert a new object; sets metadata.resourceVersion.
    pub fn create(&self, key: &str, obj: Value) -> Result<Arc<Value>, StoreError> {
        let k = (
            meta::namespace(&obj).to_string(),
            meta::name(&obj).to_string(),
        );
        let mut g = self.lock();
        if g.objects.get(key).is_some_and(|m| m.contains_key(&k)) {
            return Err(StoreError::AlreadyExists);
        }
        Ok(self.write(&mut g, key, k, obj, EventType::Added))
    }

    /// Insert new objects of one resource at consecutive resourceVersions, each logged as
    /// an ADDED event: `make(i, rv)` is the JSON of the `i`-th (named `names[i]`) at `rv`,
    /// already encoded with that resourceVersion (bulk creation with no decode or encode
    /// here). Nothing is inserted if one of them exists. Returns the first resourceVersion
    /// (the `i`-th has that plus `i`).
    pub fn create_batch(
        &self,
        key: &str,
        names: &[ObjKey],
        mut make: impl FnMut(usize, u64) -> Bytes,
    ) -> Result<u64, StoreError> {
        let mut g = self.lock();
        if let Some(m) = g.objects.get(key)
            && names.iter().any(|k| m.contains_key(k))
        {
            return Err(StoreError::AlreadyExists);
        }
        let first = g.rv + 1;
        for (i, k) in names.iter().enumerate() {
            g.rv += 1;
            let raw = make(i, g.rv);
            g.objects
                .entry(key.to_string())
                .or_default()
                .insert(k.clone(), raw.clone());
            self.record(&mut g, key, &k.0, EventType::Added, raw);
        }
        Ok(first)
    }

    /// Replace an existing object. With `expected_rv`, fails with Conflict unless the
    /// stored object still has that resourceVersion.
    pub fn replace(
        &self,
        key: &str,
        obj: Value,
        expected_rv: Option<&str>,
    ) -> Result<Arc<Value>, StoreError> {
        let k = (
            meta::namespace(&obj).to_string(),
            meta::name(&obj).to_string(),
        );
        let mut g = self.lock();
        let current = g
            .objects
            .get(key)
            .and_then(|m| m.get(&k))
            .ok_or(StoreError::NotFound)?;
        if let Some(rv) = expected_rv
            && meta::resource_version(&decode(current)) != rv
        {
            return Err(StoreError::Conflict);
        }
        Ok(self.write(&mut g, key, k, obj, EventType::Modified))
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
        let mut obj = decode(&current);
        if !f(&mut obj) {
            return Some(Arc::new(decode(&current)));
        }
        Some(self.write(&mut g, key, k, obj, EventType::Modified))
    }

    /// Remove an object; the DELETED event carries it with a new resourceVersion.
    pub fn delete(&self, key: &str, ns: &str, name: &str) -> Option<Arc<Value>> {
        let mut g = self.lock();
        let k = (ns.to_string(), name.to_string());
        let old = g.objects.get_mut(key)?.remove(&k)?;
        self.note_deletion();
        g.rv += 1;
        let mut obj = decode(&old);
        meta::set_resource_version(&mut obj, g.rv);
        let raw = encode(&obj);
        self.record(&mut g, key, ns, EventType::Deleted, raw);
        Some(Arc::new(obj))
    }

    /// Every object (by resource key) and the current resourceVersion, at one instant.
    pub fn snapshot(&self) -> (u64, Vec<(String, Arc<Value>)>) {
        let (rv, raw) = {
            let g = self.lock();
            let raw: Vec<(String, Bytes)> = g
                .objects
                .iter()
                .flat_map(|(k, m)| m.values().map(move |o| (k.clone(), o.clone())))
                .collect();
            (g.rv, raw)
        };
        let objects = raw
            .into_iter()
            .map(|(k, b)| (k, Arc::new(decode(&b))))
            .collect();
        (rv, objects)
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
            g.objects.entry(key).or_default().insert(k, encode(&obj));
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

    /// Start a watch "from now" with the current objects (their stored JSON) as the
    /// initial state: returns them with a receiver subscribed at the same instant, so
    /// nothing is missed.
    pub fn watch_now(
        &self,
        key: &str,
        ns: Option<&str>,
    ) -> (Vec<Bytes>, broadcast::Receiver<Arc<Event>>, u64) {
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

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
