//! core/v1 Events, aggregated like the client-go event recorder: a repeat of the same
//! reason and message for the same object bumps `count` and `lastTimestamp`; and, as its
//! EventAggregator does, from the tenth distinct message of the same reason about the same
//! object within ten minutes on, they are combined into one event ("(combined from
//! similar events): …") whose count goes up (a ReplicaSet creating 10,000 pods records
//! ten SuccessfulCreate events, not 10,000).

use std::collections::{HashMap, HashSet};
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

#[derive(Default)]
pub struct Recorder {
    /// Hash of (object uid, reason, message) → (namespace, event name).
    seen: HashMap<u64, (String, String)>,
    /// Hash of (object uid, reason, type, component) → (window start, message hashes).
    similar: HashMap<u64, (f64, HashSet<u64>)>,
    hasher: std::hash::RandomState,
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
        let mut involved = json!({
            "kind": obj.get("kind").cloned().unwrap_or(Value::Null),
            "name": meta::name(obj),
            "uid": uid,
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
        let ev = json!({
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
        });
        if admission::create_internal(sim, ev, component).is_ok() {
            self.seen.insert(k, (ns, name));
        }
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
        let (start, msgs) = self.similar.entry(key).or_insert((now, HashSet::new()));
        if now - *start > SIMILAR_WINDOW_SECS {
            *start = now;
            msgs.clear();
        }
        if msgs.len() < MAX_SIMILAR {
            msgs.insert(msg);
        }
        // The tenth distinct message is the first one combined.
        msgs.len() >= MAX_SIMILAR
    }

    /// Forget events that no longer exist (expired by the GC).
    pub fn forget_missing(&mut self, sim: &Sim) {
        self.seen
            .retain(|_, (ns, name)| sim.store.get_raw(keys::EVENTS, ns, name).is_some());
        let now = sim.clock.secs();
        self.similar
            .retain(|_, (start, _)| now - *start <= SIMILAR_WINDOW_SECS);
    }
}
