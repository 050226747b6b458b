//! core/v1 Events, aggregated like the client-go event recorder: a repeat of the same
//! reason and message for the same object bumps `count` and `lastTimestamp`; and, as its
//! EventAggregator does, from the tenth distinct message of the same reason about the same
//! object within ten minutes on, they are combined into one event ("(combined from
//! similar events): …") whose count goes up (a ReplicaSet creating 10,000 pods records
//! ten SuccessfulCreate events, not 10,000).

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};

use serde_json::{Value, json};

use crate::resources::keys;
use crate::{Sim, admission, meta};

/// Distinct messages of one reason about one object before they are combined.
const MAX_SIMILAR: usize = 10;
/// How long the aggregator remembers the messages (simulated seconds).
const SIMILAR_WINDOW_SECS: f64 = 600.0;
/// The prefix of a combined event's message.
const COMBINED: &str = "(combined from similar events): ";

/// The distinct messages of one reason about one object, since `start`.
struct Similar {
    start: f64,
    first: u64,
    more: Vec<u64>,
}

impl Similar {
    fn distinct(&self) -> usize {
        1 + self.more.len()
    }

    fn insert(&mut self, msg: u64) {
        if msg != self.first && !self.more.contains(&msg) {
            self.more.push(msg);
        }
    }
}

#[derive(Default)]
pub struct Recorder {
    /// Hash of (object uid, reason, message) → (namespace, event name).
    seen: HashMap<u64, (String, String)>,
    /// Hash of (object uid, reason, type, component) → the messages seen in the window
    /// (plain data in the table: no allocation per object until a second message).
    similar: HashMap<u64, Similar>,
    /// The table's size after its last pruning.
    similar_pruned: usize,
    hasher: std::hash::RandomState,
    /// managedFields entry of a created event, by shape (see [`Recorder::create`]).
    managed: HashMap<u64, Value>,
}

impl Recorder {
    /// Record an event about `obj` from `component` ("kubelet", "deployment-controller", …).
    pub fn record(
        &mut self,
        sim: &Sim,
        obj: &Value,
        warning: bool,
        reason: &str,
        message: &str,
        component: &str,
    ) {
        let uid = meta::uid(obj).to_string();
        let ns = match meta::namespace(obj) {
            "" => "default".to_string(),
            n => n.to_string(),
        };
        let now = sim.clock.now_str();
        let combined;
        let (k, message) = if self.similar_enough(sim, &uid, reason, warning, component, message) {
            combined = format!("{COMBINED}{message}");
            (self.hash(&(&uid, reason, COMBINED)), combined.as_str())
        } else {
            (self.hash(&(&uid, reason, message)), message)
        };
        if let Some((ens, ename)) = self.seen.get(&k) {
            let bumped = sim.store.update_with(keys::EVENTS, ens, ename, |e| {
                let c = e.get("count").and_then(Value::as_i64).unwrap_or(1);
                e["count"] = json!(c + 1);
                e["lastTimestamp"] = json!(now);
                e["message"] = json!(message);
                true
            });
            if bumped.is_some() {
                return;
            }
        }
        let name = format!("{}.{:016x}", meta::name(obj), sim.rng.next_u64());
        let ev = event_object(obj, &name, warning, reason, message, component, &now);
        if self.create(sim, ev, component) {
            self.seen.insert(k, (ns, name));
        }
    }

    /// Record `messages` (in order) of one reason about `obj`, as many calls of
    /// [`Recorder::record`] would, in at most MAX_SIMILAR writes: the ones past the tenth
    /// go into the combined event's count at once.
    pub fn record_all(
        &mut self,
        sim: &Sim,
        obj: &Value,
        reason: &str,
        messages: &[String],
        component: &str,
    ) {
        let Some((last, rest)) = messages.split_last() else {
            return;
        };
        let head = rest.len().min(MAX_SIMILAR - 1);
        for m in &rest[..head] {
            self.record(sim, obj, false, reason, m, component);
        }
        self.record(sim, obj, false, reason, last, component);
        let more = (rest.len() - head) as i64;
        let k = self.hash(&(meta::uid(obj), reason, COMBINED));
        if let (true, Some((ns, name))) = (more > 0, self.seen.get(&k)) {
            sim.store.update_with(keys::EVENTS, ns, name, |e| {
                let c = e.get("count").and_then(Value::as_i64).unwrap_or(1);
                e["count"] = json!(c + more);
                true
            });
        }
    }

    /// Create an event as `component` would (a POST). The first event of each shape goes
    /// the whole way through admission (server-side apply's managedFields, validation);
    /// the next ones of that shape reuse its managedFields entry with their own time,
    /// as they set the very same fields.
    fn create(&mut self, sim: &Sim, mut ev: Value, component: &str) -> bool {
        let shape = self.hash(&(
            component,
            ev.pointer("/involvedObject/namespace").is_some(),
            ev.pointer("/source/host").is_some(),
        ));
        let Some(entry) = self.managed.get(&shape) else {
            let Ok(created) = admission::create_internal(sim, ev, component) else {
                return false;
            };
            if let Some(m) = created.pointer("/metadata/managedFields/0") {
                self.managed.insert(shape, m.clone());
            }
            return true;
        };
        if let Some(m) = ev.as_object_mut() {
            // Apply drops null fields (eventTime).
            m.retain(|_, v| !v.is_null());
        }
        let mut entry = entry.clone();
        entry["time"] = json!(sim.clock.now_str());
        let def = crate::kinds::by_key(keys::EVENTS).expect("events served");
        admission::init_new(sim, def, &mut ev);
        meta::metadata_mut(&mut ev).insert("managedFields".into(), json!([entry]));
        sim.store.create(keys::EVENTS, ev).is_ok()
    }

    fn hash(&self, v: &impl Hash) -> u64 {
        self.hasher.hash_one(v)
    }

    /// The aggregator: has this reason about this object had MAX_SIMILAR distinct
    /// messages within the window (this one included)?
    fn similar_enough(
        &mut self,
        sim: &Sim,
        uid: &str,
        reason: &str,
        warning: bool,
        component: &str,
        message: &str,
    ) -> bool {
        let now = sim.clock.secs();
        let key = self.hash(&(uid, reason, warning, component));
        let msg = self.hash(&message);
        if self.similar.len() > 2 * self.similar_pruned.max(1024) {
            self.similar
                .retain(|_, s| now - s.start <= SIMILAR_WINDOW_SECS);
            self.similar_pruned = self.similar.len();
        }
        let s = self.similar.entry(key).or_insert(Similar {
            start: now,
            first: msg,
            more: Vec::new(),
        });
        if now - s.start > SIMILAR_WINDOW_SECS {
            *s = Similar {
                start: now,
                first: msg,
                more: Vec::new(),
            };
        }
        if s.distinct() < MAX_SIMILAR {
            s.insert(msg);
        }
        // The tenth distinct message is the first one combined.
        s.distinct() >= MAX_SIMILAR
    }

    /// Forget events that no longer exist (expired by the GC).
    pub fn forget_missing(&mut self, sim: &Sim) {
        self.seen
            .retain(|_, (ns, name)| sim.store.get_raw(keys::EVENTS, ns, name).is_some());
        let now = sim.clock.secs();
        self.similar
            .retain(|_, s| now - s.start <= SIMILAR_WINDOW_SECS);
    }
}

/// The event `name` about `obj` (not yet created) as `component` reports it.
pub(super) fn event_object(
    obj: &Value,
    name: &str,
    warning: bool,
    reason: &str,
    message: &str,
    component: &str,
    now: &str,
) -> Value {
    let ns = match meta::namespace(obj) {
        "" => "default",
        n => n,
    };
    let mut involved = json!({
        "kind": obj.get("kind").cloned().unwrap_or(Value::Null),
        "name": meta::name(obj),
        "uid": meta::uid(obj),
        "apiVersion": obj.get("apiVersion").cloned().unwrap_or(Value::Null),
        "resourceVersion": meta::resource_version(obj),
    });
    if !meta::namespace(obj).is_empty() {
        involved["namespace"] = json!(meta::namespace(obj));
    }
    let host = obj.pointer("/spec/nodeName").and_then(Value::as_str);
    let mut source = json!({"component": component});
    if let (Some(h), "kubelet") = (host, component) {
        source["host"] = json!(h);
    }
    json!({
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name, "namespace": ns},
        "involvedObject": involved,
        "reason": reason,
        "message": message,
        "source": source,
        "firstTimestamp": now,
        "lastTimestamp": now,
        "count": 1,
        "type": if warning { "Warning" } else { "Normal" },
        "eventTime": null,
        "reportingComponent": component,
        "reportingInstance": host.unwrap_or(""),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::SimConfig;

    fn paths(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => m
                .iter()
                .for_each(|(k, x)| paths(x, format!("{at}/{k}"), out)),
            Value::Array(a) => a.iter().for_each(|x| paths(x, format!("{at}/[]"), out)),
            _ => out.push(format!("{at}={}", if v.is_null() { "null" } else { "" })),
        }
    }

    #[test]
    fn events_of_one_shape_are_alike_and_similar_ones_are_combined() {
        let sim = Sim::new(&SimConfig::default());
        let mut r = Recorder::default();
        let pod = |n: &str| {
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": n,
                "namespace": "ns", "uid": format!("uid-{n}")}, "spec": {"nodeName": "node-1"}})
        };
        r.record(
            &sim,
            &pod("a"),
            false,
            "Started",
            "Started container a",
            "kubelet",
        );
        r.record(
            &sim,
            &pod("b"),
            false,
            "Started",
            "Started container b",
            "kubelet",
        );
        let (evs, _) = sim.store.list(keys::EVENTS, None);
        assert_eq!(evs.len(), 2);
        let shape = |e: &Value| {
            let mut out = Vec::new();
            paths(e, String::new(), &mut out);
            out
        };
        assert_eq!(
            shape(&evs[0]),
            shape(&evs[1]),
            "the fast path makes the same object"
        );
        let rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": "rs", "namespace": "ns", "uid": "rs-uid"}});
        for i in 0..25 {
            let msg = format!("Created pod: rs-{i}");
            r.record(
                &sim,
                &rs,
                false,
                "SuccessfulCreate",
                &msg,
                "replicaset-controller",
            );
        }
        let (evs, _) = sim.store.list(keys::EVENTS, None);
        let created: Vec<_> = evs
            .iter()
            .filter(|e| e["reason"] == "SuccessfulCreate")
            .collect();
        assert_eq!(created.len(), 10, "nine alone, then one combined");
        let combined = created.iter().find(|e| e["count"] == 16).expect("combined");
        assert_eq!(
            combined["message"],
            "(combined from similar events): Created pod: rs-24"
        );
    }
}
