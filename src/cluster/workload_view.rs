//! What a workload's pod template and pods say, beyond counts: its containers (image,
//! plain env, resources), the labels NetworkPolicies select, and the evidence of the
//! runbook's incidents in its pods (OOM kills, crash loops, pods nobody can schedule).

use k8s_openapi::api::core::v1::{ContainerStatus, Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::model::{ContainerView, PodView, Workload};
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
    crate::quantity::value(&q.0)
}

/// An OOM kill of one container: when it ended, the limit it ran with, when it started.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Oom {
    pub restarts: i32,
    pub at: Option<jiff::Timestamp>,
    pub limit: Option<u64>,
    pub started: Option<jiff::Timestamp>,
}

/// What one container of a pod says about its workload's incidents.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContainerFacts {
    pub restarts: i32,
    pub oom: Option<Oom>,
    pub crash_looping: bool,
    /// A failed exit (not an OOM kill) the kubelet restarted, in words, and when.
    pub crash: Option<(String, Option<jiff::Timestamp>)>,
}

/// A pod's phase, as the workload's counts group it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Phase {
    Pending,
    Running,
    Succeeded,
    Failed,
    #[default]
    Unknown,
}

/// What one pod contributes to its workload's summary: the compact projection kept per pod
/// instead of the whole object.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodFacts {
    pub terminating: bool,
    pub phase: Phase,
    /// Waiting for a node: the scheduler's reason, and when the pod was created.
    pub unschedulable: Option<(String, Option<jiff::Timestamp>)>,
    /// Not ready (starting, or its readiness probe failing), and since when.
    pub not_ready: Option<Option<jiff::Timestamp>>,
    pub containers: Vec<ContainerFacts>,
}

/// One container's OOM kills and crash loop.
fn container_facts(p: &Pod, cs: &ContainerStatus) -> ContainerFacts {
    let last = cs.last_state.as_ref().and_then(|s| s.terminated.as_ref());
    let now_term = cs.state.as_ref().and_then(|s| s.terminated.as_ref());
    let oom = |t: Option<&k8s_openapi::api::core::v1::ContainerStateTerminated>| {
        t.and_then(|t| t.reason.as_deref()) == Some("OOMKilled")
    };
    let oom_facts = (oom(last) || oom(now_term)).then(|| Oom {
        restarts: cs.restart_count.max(1),
        at: last
            .or(now_term)
            .and_then(|t| t.finished_at.as_ref())
            .map(|t| t.0),
        limit: memory_limit(p, &cs.name).map(|b| b as u64),
        started: last.and_then(|t| t.started_at.as_ref()).map(|t| t.0),
    });
    let waiting = cs.state.as_ref().and_then(|s| s.waiting.as_ref());
    let crash = last.filter(|t| !oom(Some(t)) && t.exit_code != 0).map(|t| {
        let text = format!(
            "{}, exit code {}",
            t.reason.as_deref().unwrap_or("terminated"),
            t.exit_code
        );
        (printable(&text), t.finished_at.as_ref().map(|t| t.0))
    });
    ContainerFacts {
        restarts: cs.restart_count,
        oom: oom_facts,
        crash_looping: waiting.and_then(|w| w.reason.as_deref()) == Some("CrashLoopBackOff"),
        crash,
    }
}

/// Add one container's facts to its workload's summary.
fn add_container(c: &ContainerFacts, w: &mut Workload) {
    w.restarts += c.restarts;
    if let Some(o) = &c.oom {
        w.oom_killed += 1;
        w.oom_restarts += o.restarts;
        w.last_oom = w.last_oom.max(o.at);
        if let Some(l) = o.limit {
            w.oom_limit = Some(w.oom_limit.map_or(l, |m| m.max(l)));
        }
        w.failing_since = earliest(w.failing_since, o.started);
    }
    if c.crash_looping {
        w.crash_looping += 1;
    }
    if let Some((text, at)) = &c.crash {
        if *at >= w.last_crash {
            w.crash = Some(text.clone());
            w.last_crash = *at;
        }
        w.failing_since = earliest(w.failing_since, *at);
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

/// A running or starting pod whose Ready condition is not True: since the condition last
/// changed, else since the pod was created.
fn not_ready(p: &Pod, phase: Phase) -> Option<Option<jiff::Timestamp>> {
    if matches!(phase, Phase::Succeeded | Phase::Failed) || p.metadata.deletion_timestamp.is_some()
    {
        return None;
    }
    let ready = p
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"));
    let created = p.metadata.creation_timestamp.as_ref().map(|t| t.0);
    match ready {
        Some(c) if c.status == "True" => None,
        Some(c) => Some(c.last_transition_time.as_ref().map(|t| t.0).or(created)),
        None => Some(created),
    }
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

/// The pod's facts for its workload's summary.
pub fn pod_facts(p: &Pod) -> PodFacts {
    let st = p.status.as_ref();
    let phase = match st.and_then(|s| s.phase.as_deref()).unwrap_or("Unknown") {
        "Pending" => Phase::Pending,
        "Running" => Phase::Running,
        "Succeeded" => Phase::Succeeded,
        "Failed" => Phase::Failed,
        _ => Phase::Unknown,
    };
    PodFacts {
        terminating: p.metadata.deletion_timestamp.is_some(),
        phase,
        unschedulable: unschedulable(p),
        not_ready: not_ready(p, phase),
        containers: st
            .and_then(|s| s.container_statuses.as_ref())
            .into_iter()
            .flatten()
            .map(|cs| container_facts(p, cs))
            // A container that never restarted adds nothing: not kept (most of them).
            .filter(|f| *f != ContainerFacts::default())
            .collect(),
    }
}

/// Add one pod's facts to its workload's counts and incidents' evidence (its name goes to
/// `pod_names` apart, unless it is terminating).
pub fn add_pod(f: &PodFacts, w: &mut Workload) {
    if f.terminating {
        w.pods.terminating += 1;
        return;
    }
    match f.phase {
        Phase::Pending => w.pods.pending += 1,
        Phase::Running => w.pods.running += 1,
        Phase::Succeeded => w.pods.succeeded += 1,
        Phase::Failed => w.pods.failed += 1,
        Phase::Unknown => w.pods.unknown += 1,
    }
    if let Some((why, created)) = &f.unschedulable {
        w.unschedulable += 1;
        w.unschedulable_why = Some(why.clone());
        w.failing_since = earliest(w.failing_since, *created);
    }
    if let Some(since) = f.not_ready {
        w.not_ready_since = earliest(w.not_ready_since, since);
    }
    for c in &f.containers {
        add_container(c, w);
    }
}

/// Add the pod-derived part of `from` (a summary of some of a workload's pods) to `w`.
pub fn merge_pods(from: &Workload, w: &mut Workload) {
    let (a, b) = (&mut w.pods, &from.pods);
    a.pending += b.pending;
    a.running += b.running;
    a.succeeded += b.succeeded;
    a.failed += b.failed;
    a.unknown += b.unknown;
    a.terminating += b.terminating;
    w.restarts += from.restarts;
    w.oom_killed += from.oom_killed;
    w.oom_restarts += from.oom_restarts;
    w.crash_looping += from.crash_looping;
    w.unschedulable += from.unschedulable;
    w.last_oom = w.last_oom.max(from.last_oom);
    w.oom_limit = w.oom_limit.max(from.oom_limit);
    w.failing_since = earliest(w.failing_since, from.failing_since);
    w.not_ready_since = earliest(w.not_ready_since, from.not_ready_since);
    if from.crash.is_some() && from.last_crash >= w.last_crash {
        w.crash = from.crash.clone();
        w.last_crash = from.last_crash;
    }
    if from.unschedulable_why.is_some() {
        w.unschedulable_why = from.unschedulable_why.clone();
    }
}

/// Counts by phase and the incidents' evidence of the workload's pods.
pub fn pods(pods: &[&Pod], w: &mut Workload) {
    let mut views: Vec<PodView> = pods.iter().map(|p| pod_view(p)).collect();
    views.sort_by(|a, b| a.name.cmp(&b.name));
    w.pod_views = views.into();
    let mut names = Vec::new();
    for p in pods {
        let f = pod_facts(p);
        add_pod(&f, w);
        if !f.terminating {
            names.push(p.metadata.name.clone().unwrap_or_default());
        }
    }
    w.pod_names = names.into();
}
