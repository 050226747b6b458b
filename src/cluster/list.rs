//! The cluster model listed once (no watch), for `agentdeck status`.

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{Event, Pod};
use kube::api::{Api, ListParams};

use super::connect::Connection;
use super::model::ClusterSnapshot;
use super::snapshot::{self, Objects};
use crate::config::StackConfig;

/// A list that failed: which kind, where, and the client's error (kept as the source).
#[derive(Debug, thiserror::Error)]
#[error(
    "listing {kind} in {namespace} at {}: {}",
    crate::text::redact_urls(server),
    super::explain::explain(source)
)]
pub struct ListError {
    pub kind: String,
    pub namespace: String,
    pub server: String,
    #[source]
    pub source: kube::Error,
}

async fn list<K>(conn: &Connection) -> Result<Vec<K>, ListError>
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
{
    let api: Api<K> = Api::namespaced(conn.client.clone(), &conn.namespace);
    api.list(&ListParams::default())
        .await
        .map(|l| l.items)
        .map_err(|source| ListError {
            kind: K::plural(&()).to_string(),
            namespace: conn.namespace.clone(),
            server: conn.server.clone(),
            source,
        })
}

/// The namespace's model, listed once; `stack` names the runbook's objects in hints.
pub async fn once(conn: &Connection, stack: &StackConfig) -> Result<ClusterSnapshot, ListError> {
    let (d, r, p, h, e) = tokio::try_join!(
        list::<Deployment>(conn),
        list::<ReplicaSet>(conn),
        list::<Pod>(conn),
        list::<HorizontalPodAutoscaler>(conn),
        list::<Event>(conn),
    )?;
    let objects = Objects {
        deployments: d.iter().collect(),
        replicasets: r.iter().collect(),
        pods: p.iter().collect(),
        hpas: h.iter().collect(),
        events: e.iter().collect(),
    };
    Ok(snapshot::build(
        &conn.context,
        &conn.namespace,
        &objects,
        stack,
    ))
}
