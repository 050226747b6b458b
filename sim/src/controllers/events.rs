//! core/v1 Events, aggregated like the client-go event recorder: a repeat of the same
//! reason and message for the same object bumps `count` and `lastTimestamp`.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::resources::keys;
use crate::{Sim, admission, meta};

#[derive(Default)]
pub struct Recorder {
    /// (object uid, reason, message) → (namespace, event name)
    seen: HashMap<(String, String, String), (String, String)>,
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
        let k = (uid.clone(), reason.to_string(), message.to_string());
        if let Some((ens, ename)) = self.seen.get(&k) {
            let bumped = sim.store.update_with(keys::EVENTS, ens, ename, |e| {
                let c = e.get("count").and_then(Value::as_i64).unwrap_or(1);
                e["count"] = json!(c + 1);
                e["lastTimestamp"] = json!(now);
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

    /// Forget events that no longer exist (expired by the GC).
    pub fn forget_missing(&mut self, sim: &Sim) {
        self.seen
            .retain(|_, (ns, name)| sim.store.get(keys::EVENTS, ns, name).is_some());
    }
}
