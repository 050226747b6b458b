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

/// Every object of kind `K` in the connection's namespace (read page by page).
pub async fn list<K>(conn: &Connection) -> Result<Vec<K>, kube::Error>
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
{
    let mut all = Vec::new();
    each_paged(conn, |k| all.push(k)).await?;
    Ok(all)
}

/// Objects per page of a paged list: a namespace of 10,000 pods is read page by page,
/// each object projected and dropped as its page arrives, never held all at once.
pub const PAGE: u32 = 500;

/// Every object of kind `K` in the connection's namespace, page by page, each handed to
/// `each` and dropped.
pub async fn each_paged<K>(conn: &Connection, mut each: impl FnMut(K)) -> Result<(), kube::Error>
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
{
    let api: Api<K> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let mut lp = ListParams::default().limit(PAGE);
    loop {
        let page = api.list(&lp).await?;
        let next = page.metadata.continue_.clone().filter(|c| !c.is_empty());
        page.items.into_iter().for_each(&mut each);
        match next {
            Some(c) => lp = lp.continue_token(&c),
            None => return Ok(()),
        }
    }
}

/// The namespace's pods, projected page by page.
async fn pods(conn: &Connection) -> Result<super::snapshot::pod_index::PodIndex, kube::Error> {
    let mut index = super::snapshot::pod_index::PodIndex::default();
    each_paged::<Pod>(conn, |p| {
        index.apply(super::snapshot::pod_index::PodEntry::from_pod(&p))
    })
    .await?;
    index.refresh();
    Ok(index)
}

/// The newest of `views` (the events panel shows fewer; the dashboard keeps as many).
fn newest(mut views: Vec<EventView>) -> Vec<EventView> {
    views.sort_by_key(|e| std::cmp::Reverse(e.last_seen));
    views.truncate(super::watch::EVENTS_KEPT);
    views
}

/// Events from events.k8s.io/v1 where served, else core/v1; page by page, the newest kept.
async fn events(conn: &Connection, stack: &StackConfig) -> Result<Vec<EventView>, kube::Error> {
    let mut views = Vec::new();
    let keep = |views: &mut Vec<EventView>| {
        if views.len() > 4 * super::watch::EVENTS_KEPT {
            *views = newest(std::mem::take(views));
        }
    };
    match each_paged::<EventV1>(conn, |e| {
        views.push(snapshot::event_view_v1(&e, stack));
        keep(&mut views);
    })
    .await
    {
        Ok(()) => Ok(newest(views)),
        Err(kube::Error::Api(s)) if s.code == 404 => {
            let mut views = Vec::new();
            each_paged::<Event>(conn, |e| {
                views.push(snapshot::event_view(&e, stack));
                keep(&mut views);
            })
            .await?;
            Ok(newest(views))
        }
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
        pods(conn),
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
    let (d, r, mut p, h) = (
        d.unwrap_or_default(),
        r.unwrap_or_default(),
        p.unwrap_or_default(),
        h.unwrap_or_default(),
    );
    let objects = Objects {
        deployments: d.iter().collect(),
        statefulsets: ss.iter().collect(),
        replicasets: r.iter().collect(),
        pods: Vec::new(),
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
    Ok(snapshot::build_with(
        &conn.context,
        &conn.namespace,
        &objects,
        &mut p,
    ))
}
