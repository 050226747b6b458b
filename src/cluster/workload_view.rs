//! What a workload's pod template and pods say, beyond counts: its containers (image,
//! plain env, resources), the labels NetworkPolicies select, and the evidence of the
//! runbook's incidents in its pods (OOM kills, crash loops, pods nobody can schedule).

use k8s_openapi::api::core::v1::{ContainerStatus, Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::model::{ContainerView, Workload};
use crate::text::printable;

fn quantities(
    m: Option<&std::collections::BTreeMap<String, Quantity>>,
) -> std::collections::BTreeMap<String, String> {
    m.into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.0.clone()))
        .collect()
}

/// The template's labels and containers.
pub fn template(t: Option<&PodTemplateSpec>, w: &mut Workload) {
    let Some(t) = t else { return };
    w.pod_labels = t
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    w.containers = t
        .spec
        .iter()
        .flat_map(|s| s.containers.iter())
        .map(|c| ContainerView {
            name: c.name.clone(),
            image: printable(c.image.as_deref().unwrap_or_default()),
            env: c
                .env
                .iter()
                .flatten()
                .filter_map(|e| Some((e.name.clone(), printable(e.value.as_deref()?))))
                .collect(),
            requests: quantities(c.resources.as_ref().and_then(|r| r.requests.as_ref())),
            limits: quantities(c.resources.as_ref().and_then(|r| r.limits.as_ref())),
        })
        .collect();
}

fn earliest(a: Option<jiff::Timestamp>, b: Option<jiff::Timestamp>) -> Option<jiff::Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A container's memory limit in its pod's spec, in bytes.
fn memory_limit(p: &Pod, container: &str) -> Option<f64> {
    let c = p
        .spec
        .as_ref()?
        .containers
        .iter()
        .find(|c| c.name == container)?;
    let q = c.resources.as_ref()?.limits.as_ref()?.get("memory")?;
    super::hpa_view::quantity(&q.0)
}

/// One container's OOM kills and crash loop.
fn container(p: &Pod, cs: &ContainerStatus, w: &mut Workload) {
    let last = cs.last_state.as_ref().and_then(|s| s.terminated.as_ref());
    let now_term = cs.state.as_ref().and_then(|s| s.terminated.as_ref());
    let oom = |t: Option<&k8s_openapi::api::core::v1::ContainerStateTerminated>| {
        t.and_then(|t| t.reason.as_deref()) == Some("OOMKilled")
    };
    if oom(last) || oom(now_term) {
        w.oom_killed += 1;
        w.oom_restarts += cs.restart_count.max(1);
        let at = last
            .or(now_term)
            .and_then(|t| t.finished_at.as_ref())
            .map(|t| t.0);
        w.last_oom = w.last_oom.max(at);
        if let Some(l) = memory_limit(p, &cs.name).map(|b| b as u64) {
            w.oom_limit = Some(w.oom_limit.map_or(l, |m| m.max(l)));
        }
        w.failing_since = earliest(
            w.failing_since,
            last.and_then(|t| t.started_at.as_ref()).map(|t| t.0),
        );
    }
    let waiting = cs.state.as_ref().and_then(|s| s.waiting.as_ref());
    if waiting.and_then(|w| w.reason.as_deref()) == Some("CrashLoopBackOff") {
        w.crash_looping += 1;
    }
    // A failed exit (not an OOM kill) that the kubelet restarted.
    if let Some(t) = last.filter(|t| !oom(Some(t)) && t.exit_code != 0) {
        let at = t.finished_at.as_ref().map(|t| t.0);
        if at >= w.last_crash {
            w.crash = Some(printable(&format!(
                "{}, exit code {}",
                t.reason.as_deref().unwrap_or("terminated"),
                t.exit_code
            )));
            w.last_crash = at;
        }
        w.failing_since = earliest(w.failing_since, at);
    }
}

/// Is the pod waiting for a node, and why (the scheduler's message)?
fn unschedulable(p: &Pod) -> Option<(String, Option<jiff::Timestamp>)> {
    let c = p
        .status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "PodScheduled" && c.status == "False")?;
    let why = c
        .message
        .clone()
        .or_else(|| c.reason.clone())
        .unwrap_or_else(|| "Unschedulable".into());
    Some((
        printable(&why),
        p.metadata.creation_timestamp.as_ref().map(|t| t.0),
    ))
}

/// kubectl's STATUS column: a waiting or terminated reason wins over the phase.
fn status(p: &Pod) -> String {
    if p.metadata.deletion_timestamp.is_some() {
        return "Terminating".into();
    }
    let st = p.status.as_ref();
    let reason = st
        .and_then(|s| s.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .find_map(|c| {
            let s = c.state.as_ref()?;
            s.waiting
                .as_ref()
                .and_then(|w| w.reason.clone())
                .or_else(|| s.terminated.as_ref().and_then(|t| t.reason.clone()))
        });
    let phase = st
        .and_then(|s| s.phase.clone())
        .unwrap_or_else(|| "Unknown".into());
    printable(&reason.unwrap_or(phase))
}

/// One pod for the drill-down.
pub fn pod_view(p: &Pod) -> crate::cluster::model::PodView {
    let cs: Vec<&ContainerStatus> = p
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .collect();
    let total = p.spec.as_ref().map_or(cs.len(), |s| s.containers.len());
    let last_exit = cs
        .iter()
        .filter_map(|c| c.last_state.as_ref()?.terminated.as_ref())
        .max_by_key(|t| t.finished_at.as_ref().map(|f| f.0))
        .map(|t| {
            let reason = t.reason.as_deref().unwrap_or("terminated");
            let what = if t.exit_code != 0 && reason != "OOMKilled" {
                format!("{reason} (exit {})", t.exit_code)
            } else {
                reason.to_string()
            };
            (printable(&what), t.finished_at.as_ref().map(|f| f.0))
        });
    crate::cluster::model::PodView {
        name: p.metadata.name.clone().unwrap_or_default(),
        ready: format!("{}/{total}", cs.iter().filter(|c| c.ready).count()),
        status: status(p),
        restarts: cs.iter().map(|c| c.restart_count).sum(),
        last_exit,
        node: p
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_else(|| "<none>".into()),
        created: p.metadata.creation_timestamp.as_ref().map(|t| t.0),
        container: p
            .spec
            .as_ref()
            .and_then(|s| s.containers.first())
            .map(|c| c.name.clone())
            .unwrap_or_default(),
    }
}

/// Counts by phase and the incidents' evidence of the workload's pods.
pub fn pods(pods: &[&Pod], w: &mut Workload) {
    w.pod_views = pods.iter().map(|p| pod_view(p)).collect();
    w.pod_views.sort_by(|a, b| a.name.cmp(&b.name));
    for p in pods {
        if p.metadata.deletion_timestamp.is_some() {
            w.pods.terminating += 1;
            continue;
        }
        w.pod_names
            .push(p.metadata.name.clone().unwrap_or_default());
        let st = p.status.as_ref();
        match st.and_then(|s| s.phase.as_deref()).unwrap_or("Unknown") {
            "Pending" => w.pods.pending += 1,
            "Running" => w.pods.running += 1,
            "Succeeded" => w.pods.succeeded += 1,
            "Failed" => w.pods.failed += 1,
            _ => w.pods.unknown += 1,
        }
        if let Some((why, created)) = unschedulable(p) {
            w.unschedulable += 1;
            w.unschedulable_why = Some(why);
            w.failing_since = earliest(w.failing_since, created);
        }
        for cs in st
            .and_then(|s| s.container_statuses.as_ref())
            .into_iter()
            .flatten()
        {
            w.restarts += cs.restart_count;
            container(p, cs, w);
        }
    }
}
