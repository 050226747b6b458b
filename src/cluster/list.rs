//! The cluster model listed once (no watch), for `agentdeck status`. Each kind is listed on
//! its own: what could not be read is named in the snapshot (`kinds`), and only when nothing
//! at all could be read is it an error.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{Event, Pod};
use k8s_openapi::api::events::v1::Event as EventV1;
use k8s_openapi::api::networking::v1::NetworkPolicy;
use kube::api::{Api, ListParams};

use super::connect::Connection;
use super::model::{ClusterSnapshot, EventView, KINDS, Readable};
use super::snapshot::{self, Objects};
use crate::config::StackConfig;

/// Nothing could be read: which kind failed first, where, and the client's error.
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

/// Every object of kind `K` in the connection's namespace.
pub async fn list<K>(conn: &Connection) -> Result<Vec<K>, kube::Error>
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
{
    let api: Api<K> = Api::namespaced(conn.client.clone(), &conn.namespace);
    api.list(&ListParams::default()).await.map(|l| l.items)
}

/// Events from events.k8s.io/v1 where served, else core/v1.
async fn events(conn: &Connection, stack: &StackConfig) -> Result<Vec<EventView>, kube::Error> {
    match list::<EventV1>(conn).await {
        Ok(v) => Ok(v
            .iter()
            .map(|e| snapshot::event_view_v1(e, stack))
            .collect()),
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(list::<Event>(conn)
            .await?
            .iter()
            .map(|e| snapshot::event_view(e, stack))
            .collect()),
        Err(e) => Err(e),
    }
}

/// Why `kind` could not be listed, in the words status prints.
fn reason(kind: &str, ns: &str, e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) if s.code == 403 => {
            format!("your role cannot list {kind} in {ns} (RBAC)")
        }
        kube::Error::Api(s) if s.code == 404 => format!("this cluster does not serve {kind}"),
        other => super::explain::explain(other),
    }
}

/// The namespace's model, listed once; `stack` names the runbook's objects in hints.
pub async fn once(conn: &Connection, stack: &StackConfig) -> Result<ClusterSnapshot, ListError> {
    let (d, ss, r, p, h, e, np, rm) = tokio::join!(
        list::<Deployment>(conn),
        list::<StatefulSet>(conn),
        list::<ReplicaSet>(conn),
        list::<Pod>(conn),
        list::<HorizontalPodAutoscaler>(conn),
        events(conn, stack),
        list::<NetworkPolicy>(conn),
        super::resource_metrics::probe(conn),
    );
    let mut kinds = BTreeMap::new();
    let mut errors = Vec::new();
    let mut note = |kind: &'static str, err: Option<&kube::Error>| {
        if let Some(e) = err {
            kinds.insert(kind, Readable::No(reason(kind, &conn.namespace, e)));
            errors.push(kind);
        }
    };
    note(KINDS[0], d.as_ref().err());
    note(KINDS[1], ss.as_ref().err());
    note(KINDS[2], r.as_ref().err());
    note(KINDS[3], p.as_ref().err());
    note(KINDS[4], h.as_ref().err());
    note(KINDS[5], e.as_ref().err());
    note(KINDS[6], np.as_ref().err());
    let nothing = errors.len() == KINDS.len();
    let d = match d {
        Err(source) if nothing => {
            return Err(ListError {
                kind: KINDS[0].into(),
                namespace: conn.namespace.clone(),
                server: conn.server.clone(),
                source,
            });
        }
        other => other,
    };
    let ss = ss.unwrap_or_default();
    let (d, r, p, h) = (
        d.unwrap_or_default(),
        r.unwrap_or_default(),
        p.unwrap_or_default(),
        h.unwrap_or_default(),
    );
    let objects = Objects {
        deployments: d.iter().collect(),
        statefulsets: ss.iter().collect(),
        replicasets: r.iter().collect(),
        pods: p.iter().collect(),
        hpas: h.iter().collect(),
        events: e.unwrap_or_default(),
        kinds,
        network_policies: np
            .unwrap_or_default()
            .iter()
            .map(super::netpol::Policy::from_k8s)
            .collect(),
        resource_metrics: rm.into(),
    };
    Ok(snapshot::build(&conn.context, &conn.namespace, &objects))
}
