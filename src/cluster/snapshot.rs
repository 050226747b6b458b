//! Building the cluster's plain model (`model`) from the watched or listed objects.

use super::workload::WorkloadKind;
use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{Event, Pod};
use k8s_openapi::api::events::v1::Event as EventV1;

use super::diagnose;
use super::model::{
    ClusterSnapshot, EventView, HpaView, PodView, Readable, ResourceMetrics, Shared, Workload,
};
use super::netpol::Policy;
use super::workload_view;
use crate::config::StackConfig;
use crate::text::printable;
use pod_index::{Owner, PodIndex};

/// A core/v1 Event as the events panel shows it.
pub fn event_view(e: &Event, stack: &StackConfig) -> EventView {
    let kind = e
        .involved_object
        .kind
        .clone()
        .unwrap_or_default()
        .to_lowercase();
    let name = e.involved_object.name.clone().unwrap_or_default();
    let last = e
        .last_timestamp
        .as_ref()
        .map(|t| t.0)
        .or_else(|| e.event_time.as_ref().map(|t| t.0))
        .or_else(|| e.metadata.creation_timestamp.as_ref().map(|t| t.0));
    // Free text from whoever wrote the event: never let it drive the terminal.
    let reason = printable(e.reason.as_deref().unwrap_or_default());
    let message = printable(e.message.as_deref().unwrap_or_default());
    EventView {
        warning: e.type_.as_deref() == Some("Warning"),
        hint: diagnose::event_hint(&reason, &message, stack),
        resolved: false,
        reason,
        message,
        object: printable(&format!("{kind}/{name}")),
        count: e.count.unwrap_or(1),
        last_seen: last,
    }
}

/// An events.k8s.io/v1 Event (series count, last observed time) as the events panel shows it.
pub fn event_view_v1(e: &EventV1, stack: &StackConfig) -> EventView {
    let r = e.regarding.as_ref();
    let kind = r
        .and_then(|r| r.kind.clone())
        .unwrap_or_default()
        .to_lowercase();
    let name = r.and_then(|r| r.name.clone()).unwrap_or_default();
    let last = e
        .series
        .as_ref()
        .map(|s| s.last_observed_time.0)
        .or_else(|| e.deprecated_last_timestamp.as_ref().map(|t| t.0))
        .or_else(|| e.event_time.as_ref().map(|t| t.0))
        .or_else(|| e.metadata.creation_timestamp.as_ref().map(|t| t.0));
    let count = e
        .series
        .as_ref()
        .map(|s| s.count)
        .or(e.deprecated_count)
        .unwrap_or(1);
    let reason = printable(e.reason.as_deref().unwrap_or_default());
    let message = printable(e.note.as_deref().unwrap_or_default());
    EventView {
        warning: e.type_.as_deref() == Some("Warning"),
        hint: diagnose::event_hint(&reason, &message, stack),
        resolved: false,
        reason,
        message,
        object: printable(&format!("{kind}/{name}")),
        count,
        last_seen: last,
    }
}

/// How many events the snapshot keeps.
pub const MAX_EVENTS: usize = 200;

/// The objects of one namespace a snapshot is built from (events already as views: they
/// are kept bounded as they arrive), and what could be read of each kind.
#[derive(Default)]
pub struct Objects<'a> {
    pub deployments: Vec<&'a Deployment>,
    pub statefulsets: Vec<&'a StatefulSet>,
    pub replicasets: Vec<&'a ReplicaSet>,
    pub pods: Vec<&'a Pod>,
    pub hpas: Vec<&'a HorizontalPodAutoscaler>,
    pub events: Vec<EventView>,
    pub kinds: BTreeMap<&'static str, Readable>,
    pub network_policies: Vec<Policy>,
    pub resource_metrics: std::sync::Arc<ResourceMetrics>,
}

/// The summaries of the pods of each workload ("Deployment", name) through its
/// ReplicaSets, or ("StatefulSet", name) directly.
fn pods_by_workload<'a>(
    replicasets: &'a [&ReplicaSet],
    statefulsets: &'a [&StatefulSet],
    pods: &'a PodIndex,
) -> HashMap<(&'static str, &'a str), Vec<&'a Workload>> {
    let mut out: HashMap<(&'static str, &str), Vec<&Workload>> = HashMap::new();
    for rs in replicasets {
        let owner = rs.metadata.owner_references.iter().flatten();
        let Some(d) = owner.into_iter().find(|o| o.kind == "Deployment") else {
            continue;
        };
        let rs_name = rs.metadata.name.clone().unwrap_or_default();
        if let Some(s) = pods.summary(&Owner::ReplicaSet(rs_name)) {
            out.entry(("Deployment", d.name.as_str()))
                .or_default()
                .push(s);
        }
    }
    for s in statefulsets {
        let name = s.metadata.name.as_deref().unwrap_or_default();
        if let Some(sum) = pods.summary(&Owner::StatefulSet(name.to_string())) {
            out.entry(("StatefulSet", name)).or_default().push(sum);
        }
    }
    out
}

/// Add the summaries of the workload's pods (one per ReplicaSet) to it: one shares its pod
/// list, several (a rollout) are merged.
fn add_pods(parts: &[&Workload], w: &mut Workload) {
    for p in parts {
        workload_view::merge_pods(p, w);
    }
    match parts {
        [] => {}
        [one] => {
            w.pod_views = one.pod_views.clone();
            w.pod_names = one.pod_names.clone();
        }
        many => {
            // A ReplicaSet's pods share its name as their prefix: their lists, in the order
            // of their first names, are one sorted list (else, sorted again).
            let first = |p: &&Workload| p.pod_views.first().map(|v| v.name.clone());
            let mut parts = many.to_vec();
            parts.sort_by_key(first);
            w.pod_views = Shared::concat(parts.iter().map(|p| &p.pod_views));
            let last = |p: &&Workload| p.pod_views.last().map(|v| v.name.clone());
            if parts.windows(2).any(|ab| last(&ab[0]) > first(&ab[1])) {
                let mut all: Vec<PodView> = w.pod_views.iter().cloned().collect();
                all.sort_by(|a, b| a.name.cmp(&b.name));
                w.pod_views = all.into();
            }
            w.pod_names = Shared::concat(parts.iter().map(|p| &p.pod_names));
        }
    }
}

fn deployment_view(d: &Deployment) -> Workload {
    let st = d.status.as_ref();
    let desired = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let mut w = Workload {
        kind: WorkloadKind::Deployment,
        name: d.metadata.name.clone().unwrap_or_default(),
        desired,
        ready: st.and_then(|s| s.ready_replicas).unwrap_or(0),
        updated: st.and_then(|s| s.updated_replicas).unwrap_or(0),
        available: st.and_then(|s| s.available_replicas).unwrap_or(0),
        ..Workload::default()
    };
    let total = st.and_then(|s| s.replicas).unwrap_or(0);
    w.rolling = w.updated < desired || w.available < desired || total > desired;
    let progressing = st
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Progressing"));
    let reason = progressing.and_then(|c| c.reason.as_deref());
    w.stalled = reason == Some("ProgressDeadlineExceeded");
    w.rolling_out = matches!(reason, Some("ReplicaSetUpdated" | "NewReplicaSetCreated"));
    workload_view::template(d.spec.as_ref().map(|s| &s.template), &mut w);
    w
}

fn statefulset_view(s: &StatefulSet) -> Workload {
    let st = s.status.as_ref();
    let desired = s.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let mut w = Workload {
        kind: WorkloadKind::StatefulSet,
        name: s.metadata.name.clone().unwrap_or_default(),
        desired,
        ready: st.and_then(|s| s.ready_replicas).unwrap_or(0),
        updated: st.and_then(|s| s.updated_replicas).unwrap_or(0),
        available: st.and_then(|s| s.available_replicas).unwrap_or(0),
        ..Workload::default()
    };
    let revisions_differ =
        st.is_some_and(|s| s.update_revision.is_some() && s.current_revision != s.update_revision);
    w.rolling = w.ready < desired || revisions_differ;
    workload_view::template(s.spec.as_ref().map(|s| &s.template), &mut w);
    w
}

/// Build the snapshot from the listed objects (`objects.pods` projected here).
pub fn build(context: &str, namespace: &str, objects: &Objects<'_>) -> ClusterSnapshot {
    let mut pods: PodIndex = objects.pods.iter().copied().collect();
    pods.refresh();
    build_with(context, namespace, objects, &mut pods)
}

/// Build the snapshot from the watched objects and the pods already projected (in `pods`;
/// `objects.pods` is not read): only the pod groups that changed since the last build are
/// summarised again.
pub fn build_with(
    context: &str,
    namespace: &str,
    objects: &Objects<'_>,
    pods: &mut PodIndex,
) -> ClusterSnapshot {
    pods.refresh();
    let owned = pods_by_workload(&objects.replicasets, &objects.statefulsets, pods);
    let hpa_views: Vec<HpaView> = objects
        .hpas
        .iter()
        .map(|h| super::hpa_view::hpa_view(h))
        .collect();
    let mut workloads: Vec<Workload> = objects
        .deployments
        .iter()
        .map(|d| deployment_view(d))
        .chain(objects.statefulsets.iter().map(|s| statefulset_view(s)))
        .map(|mut w| {
            w.hpa = hpa_views
                .iter()
                .find(|h| h.target_kind == w.kind.name() && h.target_name == w.name)
                .map(|h| h.name.clone());
            let kind = if w.kind == WorkloadKind::Deployment {
                "Deployment"
            } else {
                "StatefulSet"
            };
            if let Some(parts) = owned.get(&(kind, w.name.as_str())).cloned() {
                add_pods(&parts, &mut w);
            }
            w
        })
        .collect();
    workloads.sort_by(|a, b| a.name.cmp(&b.name));
    let mut evs: Vec<EventView> = objects.events.clone();
    mark_resolved(&mut evs, &hpa_views);
    // Live warnings first (resolved ones go with the rest), then newest first.
    evs.sort_by(|a, b| {
        (b.warning && !b.resolved)
            .cmp(&(a.warning && !a.resolved))
            .then(b.last_seen.cmp(&a.last_seen))
    });
    evs.truncate(MAX_EVENTS);
    ClusterSnapshot {
        context: context.to_string(),
        namespace: namespace.to_string(),
        workloads,
        hpas: hpa_views,
        events: evs,
        pods_total: pods.len(),
        kinds: objects.kinds.clone(),
        network_policies: objects.network_policies.clone(),
        resource_metrics: objects.resource_metrics.clone(),
        reloaded: None,
        pods_listing: None,
    }
}

/// The HPA's failures to read its metrics are over once it reads them again
/// (ScalingActive=True since after the event was last seen): shown dimmed as resolved.
fn mark_resolved(events: &mut [EventView], hpas: &[HpaView]) {
    const METRIC_FAILURES: [&str; 4] = [
        "FailedGetResourceMetric",
        "FailedGetContainerResourceMetric",
        "FailedComputeMetricsReplicas",
        "FailedGetExternalMetric",
    ];
    for e in events
        .iter_mut()
        .filter(|e| METRIC_FAILURES.contains(&e.reason.as_str()))
    {
        let active_since = hpas
            .iter()
            .filter(|h| e.object == format!("horizontalpodautoscaler/{}", h.name))
            .filter_map(|h| h.conditions.iter().find(|c| c.type_ == "ScalingActive"))
            .find(|c| c.status == "True")
            .map(|c| c.since);
        if let Some(since) = active_since {
            e.resolved = match (since, e.last_seen) {
                (Some(since), Some(seen)) => since >= seen,
                _ => true,
            };
        }
    }
}

#[path = "pod_index.rs"]
pub mod pod_index;

#[cfg(test)]
#[path = "snapshot_tests.rs"]
mod tests;
