//! Garbage collection: dependents whose owners are gone, foreground deletion, namespace
//! termination, and expiry of old events.
//!
//! A pass reads only the metadata it needs from each stored object (decoding the rest of
//! hundreds of thousands of objects would cost a core at 50,000 pods).

use std::collections::HashSet;

use serde::Deserialize;

use super::State;
use crate::kinds;
use crate::resources::{ResourceDef, keys};
use crate::{Sim, meta};

/// Events older than this (simulated seconds) are removed, as kube-apiserver's event TTL.
const EVENT_TTL_SECS: f64 = 3600.0;

/// What garbage collection reads of an object.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Obj {
    metadata: Meta,
    /// Events only.
    last_timestamp: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    #[serde(default)]
    name: String,
    #[serde(default)]
    namespace: String,
    #[serde(default)]
    uid: String,
    deletion_timestamp: Option<String>,
    #[serde(default)]
    finalizers: Vec<String>,
    #[serde(default)]
    owner_references: Vec<OwnerRef>,
}

#[derive(Deserialize)]
struct OwnerRef {
    #[serde(default)]
    uid: String,
}

impl Obj {
    fn deleting(&self) -> bool {
        self.metadata.deletion_timestamp.is_some()
    }

    fn owners(&self) -> impl Iterator<Item = &str> {
        self.metadata
            .owner_references
            .iter()
            .map(|r| r.uid.as_str())
    }

    fn has_finalizer(&self, f: &str) -> bool {
        self.metadata.finalizers.iter().any(|x| x == f)
    }
}

/// Every object of every resource GC looks after, by its definition.
fn read_all(sim: &Sim) -> Vec<(&'static ResourceDef, Obj)> {
    let mut all = Vec::new();
    let mut seen_keys = HashSet::new();
    for def in kinds::resources().filter(|r| !r.create_only) {
        if !seen_keys.insert(def.key()) {
            continue;
        }
        let (items, _) = sim.store.list_raw(&def.key(), None);
        all.extend(
            items
                .iter()
                .filter_map(|(_, raw)| serde_json::from_slice::<Obj>(raw).ok())
                .map(|o| (def, o)),
        );
    }
    all
}

/// One pass; returns whether deletions are still in progress (run again soon).
pub fn reconcile(sim: &Sim, st: &mut State) -> bool {
    let all = read_all(sim);
    let uids: HashSet<&str> = all.iter().map(|(_, o)| o.metadata.uid.as_str()).collect();
    let foreground: HashSet<&str> = all
        .iter()
        .filter(|(_, o)| o.deleting() && o.has_finalizer("foregroundDeletion"))
        .map(|(_, o)| o.metadata.uid.as_str())
        .collect();
    let terminating_ns: HashSet<&str> = all
        .iter()
        .filter(|(d, o)| d.kind == "Namespace" && o.deleting())
        .map(|(_, o)| o.metadata.name.as_str())
        .collect();

    for (def, o) in &all {
        let owners: Vec<&str> = o.owners().collect();
        let orphaned = !owners.is_empty() && owners.iter().all(|u| !uids.contains(u));
        let owner_foreground = owners.iter().any(|u| foreground.contains(u));
        let in_dying_ns = def.namespaced && terminating_ns.contains(o.metadata.namespace.as_str());
        if (orphaned || owner_foreground || in_dying_ns) && !o.deleting() {
            let md = &o.metadata;
            sim.delete_object(def, &md.namespace, &md.name, "Background", None);
        }
    }
    // Foreground owners go once no dependents remain.
    for (def, o) in all
        .iter()
        .filter(|(_, o)| foreground.contains(o.metadata.uid.as_str()))
    {
        let uid = o.metadata.uid.as_str();
        let has_dependents = all.iter().any(|(_, d)| d.owners().any(|u| u == uid));
        if !has_dependents {
            sim.store
                .delete(&def.key(), &o.metadata.namespace, &o.metadata.name);
        }
    }
    // Terminating namespaces go once empty.
    for ns in &terminating_ns {
        let empty = !all
            .iter()
            .any(|(d, o)| d.namespaced && o.metadata.namespace == *ns);
        if empty {
            sim.store.delete(keys::NAMESPACES, "", ns);
        }
    }
    // Event TTL.
    let mut expired = false;
    let mut next_expiry = f64::INFINITY;
    for (def, o) in all.iter().filter(|(d, _)| d.key() == keys::EVENTS) {
        let last = o.last_timestamp.as_deref();
        let age = meta::age_secs(&sim.clock, last).unwrap_or(0.0);
        if age > EVENT_TTL_SECS {
            sim.store
                .delete(&def.key(), &o.metadata.namespace, &o.metadata.name);
            expired = true;
        } else {
            next_expiry = next_expiry.min(EVENT_TTL_SECS - age);
        }
    }
    if expired {
        st.events.forget_missing(sim);
    }
    // An event only gets younger (a repeat bumps lastTimestamp) or newer ones come: none
    // expires before the oldest one seen now.
    st.gc_next_expiry = sim.clock.secs() + next_expiry.max(1.0);
    all.iter().any(|(_, o)| o.deleting())
}
