//! The initial cluster contents: system namespaces, nodes, the preload documents and the
//! extra load workloads of `--extra-pods`.

use serde_json::json;

use crate::config::SimConfig;
use crate::kinds;
use crate::{Sim, admission, controllers};

/// The served namespaces every cluster starts with.
const SYSTEM_NAMESPACES: &[&str] = &["default", "kube-system", "kube-public", "kube-node-lease"];

/// Create the initial cluster contents: namespaces, nodes, the `preload` documents and
/// extra load workloads.
pub fn bootstrap(sim: &Sim, cfg: &SimConfig) -> anyhow::Result<()> {
    for ns in SYSTEM_NAMESPACES {
        admission::create_internal(
            sim,
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
            "kube-apiserver",
        )
        .map_err(anyhow::Error::msg)?;
    }
    // The API server's own Service, as every cluster has it.
    admission::create_internal(
        sim,
        json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {
                "name": "kubernetes",
                "namespace": "default",
                "labels": {"component": "apiserver", "provider": "kubernetes"},
            },
            "spec": {
                "clusterIP": "10.96.0.1",
                "clusterIPs": ["10.96.0.1"],
                "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}],
                "type": "ClusterIP",
            },
        }),
        "kube-apiserver",
    )
    .map_err(anyhow::Error::msg)?;
    let nodes = controllers::nodes::node_count(cfg.extra_pods + 40);
    controllers::nodes::create_nodes(sim, nodes).map_err(anyhow::Error::msg)?;
    for doc in &cfg.preload {
        let av = doc.object["apiVersion"].as_str().unwrap_or("");
        let kind = doc.object["kind"].as_str().unwrap_or("");
        if kinds::by_kind(av, kind).is_none() {
            tracing::info!(kind, "preload: kind not served by the sim, skipped");
            continue;
        }
        admission::create_internal(sim, doc.object.clone(), "agentdeck")
            .map_err(|e| anyhow::anyhow!("{}: {e}", doc.origin))?;
    }
    if cfg.extra_pods > 0 {
        create_extra(sim, cfg.extra_pods).map_err(anyhow::Error::msg)?;
    }
    crate::extra_events::create(sim, cfg.extra_events).map_err(anyhow::Error::msg)?;
    // Every namespace has its default ServiceAccount from the start.
    controllers::namespaces::reconcile(sim, &mut Default::default());
    Ok(())
}

/// After a restore: create the preload documents that do not exist (nothing else: the
/// namespaces, nodes and extra workloads came back with the state).
pub fn preload_missing(sim: &Sim, cfg: &SimConfig) -> anyhow::Result<()> {
    for doc in &cfg.preload {
        let av = doc.object["apiVersion"].as_str().unwrap_or("");
        let kind = doc.object["kind"].as_str().unwrap_or("");
        let Some(def) = kinds::by_kind(av, kind) else {
            continue;
        };
        let ns = if def.namespaced {
            doc.object["metadata"]["namespace"]
                .as_str()
                .unwrap_or("default")
        } else {
            ""
        };
        let name = doc.object["metadata"]["name"].as_str().unwrap_or("");
        if sim.store.get(&def.key(), ns, name).is_some() {
            continue;
        }
        admission::create_internal(sim, doc.object.clone(), "agentdeck")
            .map_err(|e| anyhow::anyhow!("{}: {e}", doc.origin))?;
    }
    Ok(())
}

/// Namespaces the extra workloads are spread over.
pub const LOAD_NAMESPACES: usize = 5;
/// Deployments per load namespace.
pub const LOAD_DEPLOYMENTS: usize = 4;

/// Create `n` pods' worth of Deployments over several namespaces, brought up at once
/// with their ReplicaSets and pods running and ready ([`controllers::bulk`]).
pub fn create_extra(sim: &Sim, n: usize) -> Result<(), String> {
    let total = LOAD_NAMESPACES * LOAD_DEPLOYMENTS;
    let mut deployments = Vec::with_capacity(total);
    for i in 0..LOAD_NAMESPACES {
        let ns = format!("load-{}", i + 1);
        admission::create_internal(
            sim,
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
            "agentdeck-sim",
        )?;
        for j in 0..LOAD_DEPLOYMENTS {
            let idx = i * LOAD_DEPLOYMENTS + j;
            let replicas = n / total + usize::from(idx < n % total);
            let name = format!("worker-{}", j + 1);
            let d = admission::create_internal(
                sim,
                json!({
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
                    "spec": {
                        "replicas": replicas,
                        "selector": {"matchLabels": {"app": name}},
                        "template": {
                            "metadata": {"labels": {"app": name}},
                            "spec": {"containers": [{
                                "name": "worker",
                                "image": "busybox:1.36",
                                "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"cpu": "100m", "memory": "64Mi"}},
                            }]},
                        },
                    },
                }),
                "agentdeck-sim",
            )?;
            deployments.push(d);
        }
    }
    controllers::bulk::start_deployments(sim, &deployments)
}
