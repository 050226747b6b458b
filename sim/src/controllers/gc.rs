//! Garbage collection: dependents whose owners are gone, foreground deletion, namespace
//! termination, and expiry of old events.

use std::collections::HashSet;

use serde_json::Value;

use super::State;
use crate::resources::{RESOURCES, keys};
use crate::{Sim, meta};

/// Events older than this (simulated seconds) are removed, as kube-apiserver's event TTL.
const EVENT_TTL_SECS: f64 = 3600.0;

/// One pass; returns whether deletions are still in progress (run again soon).
pub fn reconcile(sim: &Sim, st: &mut State) -> bool {
    let mut all: Vec<(
        &'static crate::resources::ResourceDef,
        std::sync::Arc<Value>,
    )> = Vec::new();
    let mut seen_keys = HashSet::new();
    for def in RESOURCES.iter().filter(|r| !r.create_only) {
        if !seen_keys.insert(def.key()) {
            continue;
        }
        let (items, _) = sim.store.list(&def.key(), None);
        all.extend(items.into_iter().map(|o| (def, o)));
    }
    let uids: HashSet<&str> = all.iter().map(|(_, o)| meta::uid(o)).collect();
    let foreground: HashSet<&str> = all
        .iter()
        .filter(|(_, o)| meta::is_deleting(o) && has_finalizer(o, "foregroundDeletion"))
        .map(|(_, o)| meta::uid(o))
        .collect();
    let terminating_ns: HashSet<&str> = all
        .iter()
        .filter(|(d, o)| d.kind == "Namespace" && meta::is_deleting(o))
        .map(|(_, o)| meta::name(o))
        .collect();

    for (def, o) in &all {
        let owners = meta::owner_uids(o);
        let orphaned = !owners.is_empty() && owners.iter().all(|u| !uids.contains(u));
        let owner_foreground = owners.iter().any(|u| foreground.contains(u));
        let in_dying_ns = def.namespaced && terminating_ns.contains(meta::namespace(o));
        if (orphaned || owner_foreground || in_dying_ns) && !meta::is_deleting(o) {
            sim.delete_object(def, meta::namespace(o), meta::name(o), "Background", None);
        }
    }
    // Foreground owners go once no dependents remain.
    for (def, o) in all
        .iter()
        .filter(|(_, o)| foreground.contains(meta::uid(o)))
    {
        let uid = meta::uid(o);
        let has_dependents = all.iter().any(|(_, d)| meta::owner_uids(d).contains(&uid));
        if !has_dependents {
            sim.store
                .delete(&def.key(), meta::namespace(o), meta::name(o));
        }
    }
    // Terminating namespaces go once empty.
    for ns in &terminating_ns {
        let empty = !all
            .iter()
            .any(|(d, o)| d.namespaced && meta::namespace(o) == *ns);
        if empty {
            sim.store.delete(keys::NAMESPACES, "", ns);
        }
    }
    // Event TTL.
    let mut expired = false;
    for (def, o) in all.iter().filter(|(d, _)| d.key() == keys::EVENTS) {
        let last = o.get("lastTimestamp").and_then(Value::as_str);
        if meta::age_secs(&sim.clock, last).unwrap_or(0.0) > EVENT_TTL_SECS {
            sim.store
                .delete(&def.key(), meta::namespace(o), meta::name(o));
            expired = true;
        }
    }
    if expired {
        st.events.forget_missing(sim);
    }
    all.iter().any(|(_, o)| meta::is_deleting(o))
}

fn has_finalizer(o: &Value, f: &str) -> bool {
    meta::ptr(o, "/metadata/finalizers")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|x| x == f))
}
