//! Resources served in more than one form over one stored set of objects: autoscaling/v1
//! HPAs over the stored autoscaling/v2 ones, and events.k8s.io/v1 Events over the core/v1
//! Events. One table names each view and its two conversions.

use serde_json::{Map, Value, json};

use crate::defaults;
use crate::resources::ResourceDef;

/// A client-facing form of a stored resource.
struct View {
    group: &'static str,
    version: &'static str,
    resource: &'static str,
    /// Stored form → the client's.
    to_client: fn(&Value) -> Value,
    /// The client's form → stored.
    from_client: fn(&Value) -> Value,
}

static VIEWS: &[View] = &[
    View {
        group: "autoscaling",
        version: "v1",
        resource: "horizontalpodautoscalers",
        to_client: defaults::hpa_v2_to_v1,
        from_client: defaults::hpa_v1_to_v2,
    },
    View {
        group: "events.k8s.io",
        version: "v1",
        resource: "events",
        to_client: core_to_events,
        from_client: events_to_core,
    },
];

fn view(def: &ResourceDef) -> Option<&'static View> {
    VIEWS
        .iter()
        .find(|v| v.group == def.group && v.version == def.version && v.resource == def.resource)
}

/// Whether a client of this group/version sees another form than the stored one.
pub fn converts(def: &ResourceDef) -> bool {
    view(def).is_some()
}

/// The form a client of this group/version sees.
pub fn to_client(def: &ResourceDef, obj: &Value) -> Value {
    match view(def) {
        Some(v) => (v.to_client)(obj),
        None => obj.clone(),
    }
}

/// The stored form of what a client of this group/version sent.
pub fn from_client(def: &ResourceDef, obj: Value) -> Value {
    match view(def) {
        Some(v) => (v.from_client)(&obj),
        None => obj,
    }
}

/// (core/v1 field, events.k8s.io/v1 field), as kube-apiserver converts them.
const EVENT_FIELDS: [(&str, &str); 14] = [
    ("metadata", "metadata"),
    ("eventTime", "eventTime"),
    ("series", "series"),
    ("reportingComponent", "reportingController"),
    ("reportingInstance", "reportingInstance"),
    ("action", "action"),
    ("reason", "reason"),
    ("involvedObject", "regarding"),
    ("related", "related"),
    ("message", "note"),
    ("type", "type"),
    ("source", "deprecatedSource"),
    ("firstTimestamp", "deprecatedFirstTimestamp"),
    ("lastTimestamp", "deprecatedLastTimestamp"),
];

fn rename(
    obj: &Value,
    api_version: &str,
    pairs: impl Iterator<Item = (&'static str, &'static str)>,
) -> Value {
    let mut out = Map::new();
    out.insert("kind".into(), json!("Event"));
    out.insert("apiVersion".into(), json!(api_version));
    for (from, to) in pairs {
        if let Some(v) = obj.get(from).filter(|v| !v.is_null()) {
            out.insert(to.into(), v.clone());
        }
    }
    Value::Object(out)
}

/// A stored core/v1 Event as events.k8s.io/v1 shows it.
pub fn core_to_events(core: &Value) -> Value {
    let mut out = rename(core, "events.k8s.io/v1", EVENT_FIELDS.into_iter());
    if let Some(c) = core
        .get("count")
        .filter(|c| c.as_i64().is_some_and(|n| n != 0))
    {
        out["deprecatedCount"] = c.clone();
    }
    if out.get("eventTime").is_none() {
        out["eventTime"] = Value::Null;
    }
    out
}

/// An events.k8s.io/v1 Event as the core/v1 Event stored.
pub fn events_to_core(ev: &Value) -> Value {
    let mut out = rename(ev, "v1", EVENT_FIELDS.into_iter().map(|(c, e)| (e, c)));
    if let Some(c) = ev.get("deprecatedCount") {
        out["count"] = c.clone();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_between_the_two_forms() {
        let core = json!({
            "kind": "Event", "apiVersion": "v1",
            "metadata": {"name": "web.1", "namespace": "ai-agents"},
            "involvedObject": {"kind": "Pod", "name": "web", "namespace": "ai-agents"},
            "reason": "Started", "message": "Started container web", "type": "Normal",
            "source": {"component": "kubelet", "host": "node-1"},
            "firstTimestamp": "2026-11-30T10:00:00Z", "lastTimestamp": "2026-11-30T10:05:00Z",
            "count": 3, "reportingComponent": "kubelet", "reportingInstance": "node-1",
            "eventTime": null,
        });
        let ev = core_to_events(&core);
        assert_eq!(ev["apiVersion"], "events.k8s.io/v1");
        assert_eq!(ev["note"], "Started container web");
        assert_eq!(ev["regarding"]["name"], "web");
        assert_eq!(ev["deprecatedCount"], 3);
        assert_eq!(ev["reportingController"], "kubelet");
        assert_eq!(ev["deprecatedSource"]["host"], "node-1");
        let mut back = events_to_core(&ev);
        back["eventTime"] = Value::Null;
        assert_eq!(back, core);
    }
}
