//! The objects a controller pass reads, decoded (without managedFields), kept between
//! passes while the controllers are busy: a pass decodes only what changed since the last
//! one (the store hands out the same bytes for an unchanged object). Dropped once the
//! controllers rest, so a quiet cluster holds its objects as JSON only.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::Value;

use crate::Sim;
use crate::store::ObjKey;

/// How long the controllers rest before the decoded objects are dropped.
const KEEP_IDLE: Duration = Duration::from_secs(2);

#[derive(Default)]
pub struct Decoded {
    by_key: HashMap<String, HashMap<ObjKey, (Bytes, Arc<Value>)>>,
    last_used: Option<Instant>,
}

impl Decoded {
    /// Every object of a resource for reading: the stored ones decoded, except those
    /// unchanged since the last pass, which are reused.
    pub fn list(&mut self, sim: &Sim, key: &str) -> Vec<Arc<Value>> {
        self.last_used = Some(Instant::now());
        let (raw, _) = sim.store.list_raw(key, None);
        let old = self.by_key.remove(key).unwrap_or_default();
        let mut out = Vec::with_capacity(raw.len());
        let mut kept = HashMap::with_capacity(raw.len());
        for (k, b) in raw {
            let obj = match old.get(&k) {
                Some((ob, o)) if same_bytes(ob, &b) => o.clone(),
                _ => Arc::new(slim(&b)),
            };
            out.push(obj.clone());
            kept.insert(k, (b, obj));
        }
        self.by_key.insert(key.to_string(), kept);
        out
    }

    /// Drop everything once the controllers have rested long enough; true when it did.
    pub fn drop_if_idle(&mut self) -> bool {
        if self.last_used.is_some_and(|t| t.elapsed() >= KEEP_IDLE) {
            *self = Decoded::default();
            return true;
        }
        false
    }
}

/// The same stored version: a write always stores new bytes.
pub(super) fn same_bytes(a: &Bytes, b: &Bytes) -> bool {
    a.as_ptr() == b.as_ptr() && a.len() == b.len()
}

/// An object decoded for reading, without `metadata.managedFields` (no controller reads
/// them; their nested maps are most of a decoded pod's memory). Writes go through the
/// store, which keeps them.
pub(super) fn slim(raw: &[u8]) -> Value {
    let mut o = crate::store::decode(raw);
    if let Some(md) = o.get_mut("metadata").and_then(Value::as_object_mut) {
        md.remove("managedFields");
    }
    o
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::SimConfig;

    #[test]
    fn unchanged_objects_are_reused_changed_ones_decoded_again_without_managed_fields() {
        let sim = Sim::new(&SimConfig::default());
        for n in ["a", "b"] {
            let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": n, "namespace": "ns", "managedFields": [{"manager": "m"}]},
                "data": {"k": "1"}});
            sim.store.create("configmaps", cm).unwrap();
        }
        let mut d = Decoded::default();
        let first = d.list(&sim, "configmaps");
        assert!(first[0].pointer("/metadata/managedFields").is_none());
        sim.store.update_with("configmaps", "ns", "b", |o| {
            o["data"]["k"] = json!("2");
            true
        });
        let second = d.list(&sim, "configmaps");
        assert!(Arc::ptr_eq(&first[0], &second[0]), "a is unchanged");
        assert_eq!(second[1]["data"]["k"], "2");
        sim.store.delete("configmaps", "ns", "a");
        assert_eq!(d.list(&sim, "configmaps").len(), 1);
        assert!(!d.drop_if_idle(), "just used");
    }
}
