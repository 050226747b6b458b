//! One pod's details, read for the details view like `kubectl describe pod`: phase, node,
//! IP, QoS; its conditions; each container's state now and its last termination; the pod's
//! own events (newest last); and its owner chain (ReplicaSet → Deployment). Each part that
//! cannot be read (RBAC forbids events, an owner is gone) is a note, not a failure.

use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::{ContainerState, ContainerStatus, Event, Pod};
use kube::Api;
use kube::api::ListParams;

use super::Connection;
use super::explain::explain;
use crate::text::printable;

/// What the details view shows of a pod.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PodDetails {
    pub name: String,
    pub namespace: String,
    pub phase: String,
    pub node: String,
    pub ip: String,
    pub qos: String,
    pub created: Option<jiff::Timestamp>,
    /// Set while the pod is being deleted.
    pub deleting: Option<jiff::Timestamp>,
    pub conditions: Vec<ConditionLine>,
    pub containers: Vec<ContainerDetails>,
    pub events: Vec<EventLine>,
    /// "ReplicaSet ai-agent-service-7d9f8", then "Deployment ai-agent-service".
    pub owners: Vec<String>,
    /// What could not be read, in words.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConditionLine {
    pub type_: String,
    pub ok: bool,
    pub status: String,
    /// "reason: message", when given.
    pub why: String,
    pub since: Option<jiff::Timestamp>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContainerDetails {
    pub name: String,
    pub image: String,
    pub ready: bool,
    pub restarts: i32,
    pub state: StateLine,
    /// The last termination (what a crash loop or an OOM kill left).
    pub last: Option<StateLine>,
    /// "cpu 250m, memory 1Gi".
    pub requests: String,
    pub limits: String,
    /// An init container.
    pub init: bool,
}

/// One container state in words: "Running", "Waiting: CrashLoopBackOff",
/// "Terminated: OOMKilled (exit 137)", and the time it began or ended.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StateLine {
    pub text: String,
    pub detail: String,
    pub at: Option<jiff::Timestamp>,
    /// Waiting or terminated with a failure.
    pub bad: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventLine {
    pub warning: bool,
    pub reason: String,
    pub message: String,
    pub count: i32,
    pub last_seen: Option<jiff::Timestamp>,
}

/// Why a pod's details could not be read.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchError {
    #[error("pod {pod} is gone from {namespace}")]
    Gone { pod: String, namespace: String },
    #[error("{}", explain(.0))]
    Read(std::sync::Arc<kube::Error>),
}

/// Read `pod` (in the connection's namespace), its events and its owners.
pub async fn fetch(conn: &Connection, pod: &str) -> Result<PodDetails, FetchError> {
    let pods: Api<Pod> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let p = match pods.get_opt(pod).await {
        Ok(Some(p)) => p,
        Ok(None) => {
            return Err(FetchError::Gone {
                pod: printable(pod),
                namespace: printable(&conn.namespace),
            });
        }
        Err(e) => return Err(FetchError::Read(std::sync::Arc::new(e))),
    };
    let mut d = from_pod(&p);
    match events(conn, pod).await {
        Ok(ev) => d.events = ev,
        Err(e) => d.notes.push(format!("events: {e}")),
    }
    owners(conn, &p, &mut d).await;
    Ok(d)
}

/// The plain details of a pod object (no reads).
pub fn from_pod(p: &Pod) -> PodDetails {
    let st = p.status.clone().unwrap_or_default();
    let spec = p.spec.clone().unwrap_or_default();
    let conditions = st
        .conditions
        .iter()
        .flatten()
        .map(|c| {
            let why = match (c.reason.as_deref(), c.message.as_deref()) {
                (Some(r), Some(m)) if !m.is_empty() => format!("{r}: {m}"),
                (Some(r), _) => r.to_string(),
                (None, Some(m)) => m.to_string(),
                (None, None) => String::new(),
            };
            ConditionLine {
                type_: printable(&c.type_),
                ok: c.status == "True",
                status: printable(&c.status),
                why: printable(&why),
                since: c.last_transition_time.as_ref().map(|t| t.0),
            }
        })
        .collect();
    let mut containers: Vec<ContainerDetails> = Vec::new();
    let init_statuses = st.init_container_statuses.clone().unwrap_or_default();
    for c in spec.init_containers.iter().flatten() {
        let s = init_statuses.iter().find(|s| s.name == c.name);
        containers.push(container(c, s, true));
    }
    let statuses = st.container_statuses.clone().unwrap_or_default();
    for c in &spec.containers {
        let s = statuses.iter().find(|s| s.name == c.name);
        containers.push(container(c, s, false));
    }
    PodDetails {
        name: p.metadata.name.clone().unwrap_or_default(),
        namespace: p.metadata.namespace.clone().unwrap_or_default(),
        phase: printable(&st.phase.clone().unwrap_or_else(|| "Unknown".into())),
        node: spec.node_name.clone().unwrap_or_default(),
        ip: st.pod_ip.clone().unwrap_or_default(),
        qos: st.qos_class.clone().unwrap_or_default(),
        created: p.metadata.creation_timestamp.as_ref().map(|t| t.0),
        deleting: p.metadata.deletion_timestamp.as_ref().map(|t| t.0),
        conditions,
        containers,
        ..PodDetails::default()
    }
}

fn resources(
    m: Option<
        &std::collections::BTreeMap<
            String,
            k8s_openapi::apimachinery::pkg::api::resource::Quantity,
        >,
    >,
) -> String {
    m.map(|m| {
        m.iter()
            .map(|(k, v)| format!("{k} {}", v.0))
            .collect::<Vec<_>>()
            .join(", ")
    })
    .filter(|s| !s.is_empty())
    .unwrap_or_else(|| "none".into())
}

fn container(
    c: &k8s_openapi::api::core::v1::Container,
    s: Option<&ContainerStatus>,
    init: bool,
) -> ContainerDetails {
    let r = c.resources.as_ref();
    ContainerDetails {
        name: c.name.clone(),
        image: printable(c.image.as_deref().unwrap_or_default()),
        ready: s.is_some_and(|s| s.ready),
        restarts: s.map(|s| s.restart_count).unwrap_or(0),
        state: s
            .and_then(|s| s.state.as_ref())
            .map(state_line)
            .unwrap_or_else(|| StateLine {
                text: "Waiting: not started".into(),
                ..StateLine::default()
            }),
        last: s
            .and_then(|s| s.last_state.as_ref())
            .map(state_line)
            .filter(|l| !l.text.is_empty()),
        requests: resources(r.and_then(|r| r.requests.as_ref())),
        limits: resources(r.and_then(|r| r.limits.as_ref())),
        init,
    }
}

/// A container state in words.
pub fn state_line(s: &ContainerState) -> StateLine {
    if let Some(r) = &s.running {
        return StateLine {
            text: "Running".into(),
            detail: String::new(),
            at: r.started_at.as_ref().map(|t| t.0),
            bad: false,
        };
    }
    if let Some(t) = &s.terminated {
        let reason = t.reason.clone().unwrap_or_else(|| "Terminated".into());
        let signal = t
            .signal
            .map(|s| format!(", signal {s}"))
            .unwrap_or_default();
        return StateLine {
            text: printable(&format!(
                "Terminated: {reason} (exit {}{signal})",
                t.exit_code
            )),
            detail: printable(t.message.as_deref().unwrap_or_default()),
            at: t.finished_at.as_ref().map(|t| t.0),
            bad: t.exit_code != 0,
        };
    }
    if let Some(w) = &s.waiting {
        let reason = w.reason.clone().unwrap_or_else(|| "Waiting".into());
        return StateLine {
            text: printable(&format!("Waiting: {reason}")),
            detail: printable(w.message.as_deref().unwrap_or_default()),
            at: None,
            bad: reason != "ContainerCreating" && reason != "PodInitializing",
        };
    }
    StateLine::default()
}

/// The pod's own events, oldest first.
async fn events(conn: &Connection, pod: &str) -> Result<Vec<EventLine>, String> {
    let api: Api<Event> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let lp = ListParams::default().fields(&format!(
        "involvedObject.kind=Pod,involvedObject.name={pod}"
    ));
    let list = api.list(&lp).await.map_err(|e| explain(&e))?;
    let mut out: Vec<EventLine> = list
        .items
        .iter()
        .map(|e| EventLine {
            warning: e.type_.as_deref() == Some("Warning"),
            reason: printable(e.reason.as_deref().unwrap_or_default()),
            message: printable(e.message.as_deref().unwrap_or_default()),
            count: e.count.unwrap_or(1),
            last_seen: e
                .last_timestamp
                .as_ref()
                .map(|t| t.0)
                .or_else(|| e.event_time.as_ref().map(|t| t.0))
                .or_else(|| e.metadata.creation_timestamp.as_ref().map(|t| t.0)),
        })
        .collect();
    out.sort_by_key(|e| e.last_seen);
    Ok(out)
}

/// The controller chain: the pod's controller, and a ReplicaSet's own controller.
async fn owners(conn: &Connection, p: &Pod, d: &mut PodDetails) {
    let controller =
        |refs: Option<&Vec<k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference>>| {
            refs.and_then(|o| o.iter().find(|o| o.controller == Some(true)).or(o.first()))
                .map(|o| (o.kind.clone(), o.name.clone()))
        };
    let Some((kind, name)) = controller(p.metadata.owner_references.as_ref()) else {
        d.owners
            .push("none: a bare pod, nothing makes a new one if it is deleted".into());
        return;
    };
    d.owners.push(format!("{kind} {name}"));
    if kind != "ReplicaSet" {
        return;
    }
    let api: Api<ReplicaSet> = Api::namespaced(conn.client.clone(), &conn.namespace);
    match api.get_opt(&name).await {
        Ok(Some(rs)) => {
            if let Some((k, n)) = controller(rs.metadata.owner_references.as_ref()) {
                let rev = rs
                    .metadata
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get("deployment.kubernetes.io/revision"))
                    .map(|r| format!(" (revision {r})"))
                    .unwrap_or_default();
                d.owners[0] = format!("{kind} {name}{rev}");
                d.owners.push(format!("{k} {n}"));
            }
        }
        Ok(None) => d.notes.push(format!("owner ReplicaSet {name} is gone")),
        Err(e) => d
            .notes
            .push(format!("owner ReplicaSet {name}: {}", explain(&e))),
    }
}
