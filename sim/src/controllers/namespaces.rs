//! The service-account controller's part real clusters show in every namespace: a
//! `default` ServiceAccount, made when the namespace appears.

use std::collections::HashSet;

use serde_json::json;

use crate::resources::keys;
use crate::{Sim, admission, meta};

/// Namespaces (by uid) already given their `default` ServiceAccount.
#[derive(Default)]
pub struct Seeded(HashSet<String>);

pub fn reconcile(sim: &Sim, seeded: &mut Seeded) {
    let (namespaces, _) = sim.store.list(keys::NAMESPACES, None);
    for ns in namespaces.iter().filter(|n| !meta::is_deleting(n)) {
        if seeded.0.contains(meta::uid(ns)) {
            continue;
        }
        seeded.0.insert(meta::uid(ns).to_string());
        let name = meta::name(ns);
        if sim
            .store
            .get(keys::SERVICEACCOUNTS, name, "default")
            .is_some()
        {
            continue;
        }
        let sa = json!({
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": "default", "namespace": name},
        });
        if let Err(e) = admission::create_internal(sim, sa, "kube-controller-manager") {
            tracing::debug!("default service account in {name}: {e}");
        }
    }
}
