//! A fleet row's look at one cluster, light by design: the namespace's Deployments,
//! StatefulSets and HPAs, and one bounded page of its Warning events — not every pod. Only
//! a workload short of ready pods has its own pods (and ReplicaSets) listed, by its
//! selector, so its row can say why (OOMKilled, crash-looping, unschedulable) as the
//! dashboard would; a healthy cluster costs four small lists.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{Event, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use kube::api::{Api, ListParams};

use crate::cluster::list::{ListError, list};
use crate::cluster::model::{ClusterSnapshot, EventView, KINDS, Readable};
use crate::cluster::snapshot::pod_index::{PodEntry, PodIndex};
use crate::cluster::snapshot::{self, Objects};
use crate::cluster::{Connection, explain};
use crate::config::StackConfig;

/// Warning events read per look (one page, the server's order).
pub const EVENTS_PAGE: u32 = 100;
/// Pods read per troubled workload.
const PODS_PAGE: u32 = 200;

/// Why `kind` could not be listed.
fn reason(kind: &str, ns: &str, e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) if s.code == 403 => {
            format!("your role cannot list {kind} in {ns} (RBAC)")
        }
        kube::Error::Api(s) if s.code == 404 => format!("this cluster does not serve {kind}"),
        other => explain::explain(other),
    }
}

/// `matchLabels` as a label selector ("app=a,tier=b"); None when it has none (a
/// workload selecting by expressions only is not drilled into from the fleet).
fn selector(s: Option<&LabelSelector>) -> Option<String> {
    let labels = s?.match_labels.as_ref()?;
    (!labels.is_empty()).then(|| {
        labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    })
}

/// Did a Warning event in the page read concern a pod of workload `name` (pods are
/// named after their workload: `NAME-…`)? An OOM-killed pod may be ready again between
/// two kills; its BackOff and kill events say so.
fn warned(name: &str, events: &[EventView]) -> bool {
    let prefix = format!("pod/{name}-");
    let recent = jiff::Timestamp::now() - jiff::SignedDuration::from_mins(15);
    events.iter().any(|e| {
        e.warning
            && !e.resolved
            && e.object.starts_with(&prefix)
            && e.last_seen.is_none_or(|t| t > recent)
    })
}

/// The selectors of the workloads short of ready pods, or whose pods have warnings.
fn troubled(d: &[Deployment], ss: &[StatefulSet], events: &[EventView]) -> Vec<String> {
    let short = |desired: Option<i32>, ready: Option<i32>, updated: Option<i32>| {
        let want = desired.unwrap_or(1);
        ready.unwrap_or(0) < want || updated.unwrap_or(0) < want
    };
    let deployments = d.iter().filter_map(|d| {
        let (spec, st) = (d.spec.as_ref()?, d.status.clone().unwrap_or_default());
        let name = d.metadata.name.as_deref().unwrap_or_default();
        (short(spec.replicas, st.ready_replicas, st.updated_replicas) || warned(name, events))
            .then(|| selector(Some(&spec.selector)))
            .flatten()
    });
    let sets = ss.iter().filter_map(|s| {
        let (spec, st) = (s.spec.as_ref()?, s.status.clone().unwrap_or_default());
        let name = s.metadata.name.as_deref().unwrap_or_default();
        (short(spec.replicas, st.ready_replicas, st.updated_replicas) || warned(name, events))
            .then(|| selector(Some(&spec.selector)))
            .flatten()
    });
    deployments.chain(sets).collect()
}

/// One page of `K` matching `labels`.
async fn page<K>(conn: &Connection, labels: &str, limit: u32) -> Result<Vec<K>, kube::Error>
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
{
    let api: Api<K> = Api::namespaced(conn.client.clone(), &conn.namespace);
    Ok(api
        .list(&ListParams::default().labels(labels).limit(limit))
        .await?
        .items)
}

/// The pods and ReplicaSets of the troubled workloads.
async fn troubled_pods(
    conn: &Connection,
    selectors: &[String],
) -> (Vec<ReplicaSet>, Vec<Pod>, Option<kube::Error>) {
    let (mut rs, mut pods, mut err) = (Vec::new(), Vec::new(), None);
    for s in selectors {
        let (r, p) = tokio::join!(
            page::<ReplicaSet>(conn, s, PODS_PAGE),
            page::<Pod>(conn, s, PODS_PAGE)
        );
        match (r, p) {
            (Ok(r), Ok(p)) => {
                rs.extend(r);
                pods.extend(p);
            }
            (Err(e), _) | (_, Err(e)) => err = Some(e),
        }
    }
    (rs, pods, err)
}

/// One page of the namespace's Warning events.
async fn warnings(conn: &Connection, stack: &StackConfig) -> Result<Vec<EventView>, kube::Error> {
    let api: Api<Event> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let lp = ListParams::default()
        .fields("type=Warning")
        .limit(EVENTS_PAGE);
    let mut views: Vec<_> = api
        .list(&lp)
        .await?
        .items
        .iter()
        .map(|e| snapshot::event_view(e, stack))
        .collect();
    views.sort_by_key(|e| std::cmp::Reverse(e.last_seen));
    Ok(views)
}

/// The fleet row's model of `conn`'s namespace; an error only when nothing could be read.
pub async fn look(conn: &Connection, stack: &StackConfig) -> Result<ClusterSnapshot, ListError> {
    let (d, ss, h, e) = tokio::join!(
        list::<Deployment>(conn),
        list::<StatefulSet>(conn),
        list::<HorizontalPodAutoscaler>(conn),
        warnings(conn, stack),
    );
    let ns = &conn.namespace;
    let d = match (d, &ss, &h) {
        (Err(source), Err(_), Err(_)) => {
            return Err(ListError {
                kind: KINDS[0].into(),
                namespace: ns.clone(),
                server: conn.server.clone(),
                source,
            });
        }
        (d, _, _) => d,
    };
    let mut kinds = BTreeMap::new();
    let mut note = |kind: &'static str, err: Option<&kube::Error>| {
        if let Some(e) = err {
            kinds.insert(kind, Readable::No(reason(kind, ns, e)));
        }
    };
    note(KINDS[0], d.as_ref().err());
    note(KINDS[1], ss.as_ref().err());
    note(KINDS[4], h.as_ref().err());
    note(KINDS[5], e.as_ref().err());
    let (d, ss, h, e) = (
        d.unwrap_or_default(),
        ss.unwrap_or_default(),
        h.unwrap_or_default(),
        e.unwrap_or_default(),
    );
    let (rs, pods, pod_err) = troubled_pods(conn, &troubled(&d, &ss, &e)).await;
    note(KINDS[3], pod_err.as_ref());
    let mut index = PodIndex::default();
    for p in &pods {
        index.apply(PodEntry::from_pod(p));
    }
    let objects = Objects {
        deployments: d.iter().collect(),
        statefulsets: ss.iter().collect(),
        replicasets: rs.iter().collect(),
        pods: Vec::new(),
        hpas: h.iter().collect(),
        events: e,
        kinds,
        network_policies: Vec::new(),
        resource_metrics: Default::default(),
    };
    Ok(snapshot::build_with(
        &conn.context,
        &conn.namespace,
        &objects,
        &mut index,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_workloads_short_of_ready_pods_are_drilled_into() {
        let d: Deployment = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "a"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "a", "tier": "x"}}, "template": {}},
            "status": {"readyReplicas": 1, "updatedReplicas": 2}
        }))
        .unwrap();
        let ok: Deployment = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "b"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "b"}}, "template": {}},
            "status": {"readyReplicas": 2, "updatedReplicas": 2}
        }))
        .unwrap();
        assert_eq!(troubled(&[d, ok.clone()], &[], &[]), ["app=a,tier=x"]);
        let backoff = EventView {
            warning: true,
            reason: "BackOff".into(),
            message: "Back-off restarting failed container".into(),
            object: "pod/b-5d8f-x1".into(),
            count: 3,
            last_seen: None,
            hint: None,
            resolved: false,
        };
        assert_eq!(troubled(&[ok], &[], &[backoff]), ["app=b"]);
    }
}
