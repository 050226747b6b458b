//! A deploy does not fight the HPA: a Deployment or StatefulSet that an HPA scales gets no
//! `spec.replicas` from the manifest once it exists (the HPA decides it), as the Kubernetes
//! docs advise for server-side apply with an HPA.

use std::collections::{BTreeSet, HashMap};

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use kube::api::{Api, ListParams};
use serde_json::Value;

use super::{FIELD_MANAGER, Ops, extract};
use crate::manifests::Document;

/// (namespace, kind, name) of a scaled workload → the HPA that scales it.
pub(super) type HpaTargets = HashMap<(String, String, String), String>;

/// The workloads HPAs scale: live HPAs in the namespaces the documents land in (when they
/// can be listed), and the HPAs among the documents themselves.
pub(super) async fn targets(ops: &Ops, docs: &[Document]) -> HpaTargets {
    let ns_of = |d: &Document| {
        d.object["metadata"]["namespace"]
            .as_str()
            .unwrap_or(&ops.conn.namespace)
            .to_string()
    };
    let mut out = HpaTargets::new();
    let namespaces: BTreeSet<String> = docs
        .iter()
        .filter(|d| {
            matches!(
                d.object["kind"].as_str(),
                Some("Deployment" | "StatefulSet")
            )
        })
        .map(ns_of)
        .collect();
    for ns in namespaces {
        let api: Api<HorizontalPodAutoscaler> = Api::namespaced(ops.conn.client.clone(), &ns);
        match api.list(&ListParams::default()).await {
            Ok(list) => {
                for h in list.items {
                    if let Some(spec) = h.spec {
                        let r = spec.scale_target_ref;
                        let name = h.metadata.name.unwrap_or_default();
                        out.insert((ns.clone(), r.kind, r.name), name);
                    }
                }
            }
            Err(e) => tracing::info!(namespace = %ns, error = %e, "deploy: cannot list HPAs"),
        }
    }
    for d in docs
        .iter()
        .filter(|d| d.object["kind"] == "HorizontalPodAutoscaler")
    {
        let r = &d.object["spec"]["scaleTargetRef"];
        if let (Some(kind), Some(name)) = (r["kind"].as_str(), r["name"].as_str()) {
            let hpa = d.object["metadata"]["name"]
                .as_str()
                .unwrap_or("")
                .to_string();
            out.entry((ns_of(d), kind.to_string(), name.to_string()))
                .or_insert(hpa);
        }
    }
    out
}

/// The HPA that scales the workload `obj` declares, if any.
pub(super) fn scaled_by<'t>(
    targets: &'t HpaTargets,
    obj: &Value,
    ns: Option<&str>,
) -> Option<&'t str> {
    let kind = obj["kind"].as_str()?;
    let name = obj["metadata"]["name"].as_str()?;
    targets
        .get(&(ns?.to_string(), kind.to_string(), name.to_string()))
        .map(String::as_str)
}

/// Leave `spec.replicas` of `obj` to HPA `hpa` when the workload exists: not sent — or,
/// when agentdeck's earlier apply owns it (leaving it out would reset it to 1), sent as it
/// is live. A new workload keeps the manifest's count to start with. The plan's note.
pub(super) fn leave_replicas(obj: &mut Value, live: Option<&Value>, hpa: &str) -> Option<String> {
    let live = live?;
    obj.get("spec")?.get("replicas")?;
    if extract::owns(live, FIELD_MANAGER, &["spec", "replicas"])
        && let Some(n) = live.pointer("/spec/replicas")
    {
        obj["spec"]["replicas"] = n.clone();
    } else if let Some(spec) = obj["spec"].as_object_mut() {
        spec.remove("replicas");
    }
    Some(format!(
        "spec.replicas left to HPA {hpa} (now {})",
        live.pointer("/spec/replicas")
            .map_or("unset".to_string(), Value::to_string)
    ))
}

/// The counts `agentdeck scale` sets: a workload's replicas, an HPA's bounds.
fn scaled_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "Deployment" | "StatefulSet" => &["replicas"],
        "HorizontalPodAutoscaler" => &["minReplicas", "maxReplicas"],
        _ => &[],
    }
}

/// Keep what `agentdeck scale` set (an on-call's scale is not undone by a redeploy, and
/// agentdeck's apply does not conflict with its own scale): each such count the manifest
/// declares otherwise is sent as it is live. The plan's notes, one per count kept.
pub(super) fn keep_scaled(obj: &mut Value, live: Option<&Value>) -> Vec<String> {
    let Some(live) = live else {
        return Vec::new();
    };
    let kind = obj["kind"].as_str().unwrap_or_default().to_string();
    let name = obj["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut notes = Vec::new();
    for field in scaled_fields(&kind) {
        let (Some(want), Some(now)) = (obj["spec"].get(*field), live["spec"].get(*field)) else {
            continue;
        };
        if want == now || !extract::updated_by(live, FIELD_MANAGER, &["spec", field]) {
            continue;
        }
        notes.push(format!(
            "spec.{field} kept at {now}, as agentdeck scale set it (the manifest says {want}; agentdeck scale {} {want} goes back)",
            if kind == "HorizontalPodAutoscaler" {
                obj["spec"]["scaleTargetRef"]["name"].as_str().unwrap_or(&name).to_string()
            } else {
                name.clone()
            }
        ));
        obj["spec"][*field] = now.clone();
    }
    notes
}

#[cfg(test)]
#[path = "deploy_hpa_tests.rs"]
mod tests;
