//! A pod's logs, read like `kubectl logs`: a pod by name, or a workload
//! (`deploy/NAME`, `sts/NAME`, a bare Deployment name) whose best pod is picked — ready
//! before running before the rest, newest first — and its lines, once or followed.

use futures::{AsyncBufReadExt, Stream, StreamExt};
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::{ListParams, LogParams};

use super::connect::Connection;
use super::explain::explain;
use super::workload::{WorkloadKind, WorkloadRef};
use crate::text::printable;

/// Whose logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogTarget {
    /// A pod, by name.
    Pod(String),
    /// A workload's best pod.
    Workload(WorkloadRef),
    /// A bare name typed on the command line: a pod first, then a Deployment (as kubectl
    /// takes it).
    Name(String),
}

impl Default for LogTarget {
    fn default() -> Self {
        LogTarget::Name(String::new())
    }
}

impl LogTarget {
    /// As typed: `POD`, `pod/POD`, `deploy/NAME`, `deployment/NAME`, `sts/NAME`,
    /// `statefulset/NAME` (plurals and `.apps` too).
    pub fn parse(typed: &str) -> Result<LogTarget, LogError> {
        let Some((kind, name)) = typed.split_once('/') else {
            return Ok(LogTarget::Name(typed.to_string()));
        };
        if matches!(kind.to_ascii_lowercase().as_str(), "pod" | "pods" | "po") {
            return Ok(LogTarget::Pod(name.to_string()));
        }
        match WorkloadKind::from_typed(kind) {
            Some(kind) => Ok(LogTarget::Workload(WorkloadRef {
                kind,
                name: name.to_string(),
            })),
            None => Err(LogError(format!(
                "{:?} is not a kind logs are read from: give POD, pod/POD, deploy/NAME or sts/NAME",
                printable(kind)
            ))),
        }
    }

    /// Does it name one pod (which cannot come back once gone)?
    pub fn names_a_pod(&self) -> bool {
        !matches!(self, LogTarget::Workload(_))
    }
}

impl std::fmt::Display for LogTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LogTarget::Pod(p) | LogTarget::Name(p) => f.write_str(p),
            LogTarget::Workload(w) => f.write_str(&w.short()),
        }
    }
}

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct LogRequest {
    pub target: LogTarget,
    pub container: Option<String>,
    pub follow: bool,
    pub previous: bool,
    pub tail: Option<i64>,
    pub since_seconds: Option<i64>,
    pub timestamps: bool,
}

/// Why the logs could not be read, in words.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct LogError(pub String);

fn selector_of(labels: Option<&std::collections::BTreeMap<String, String>>) -> String {
    labels
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Ready first, then running, then the rest; newest first within each.
fn rank(p: &Pod) -> (u8, std::cmp::Reverse<Option<jiff::Timestamp>>) {
    let st = p.status.as_ref();
    let ready = st
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
    let running = st.and_then(|s| s.phase.as_deref()) == Some("Running");
    let class = match (ready, running) {
        (true, _) => 0,
        (false, true) => 1,
        _ => 2,
    };
    let created = p.metadata.creation_timestamp.as_ref().map(|t| t.0);
    (class, std::cmp::Reverse(created))
}

/// The pod a target names, and how many the workload had (0 for a pod named directly).
pub async fn pick_pod(conn: &Connection, target: &LogTarget) -> Result<(String, usize), LogError> {
    let ns = &conn.namespace;
    let pods: Api<Pod> = Api::namespaced(conn.client.clone(), ns);
    let selector = match target {
        LogTarget::Pod(name) => return Ok((name.clone(), 0)),
        LogTarget::Name(name) => match pods.get_opt(name).await {
            Ok(Some(_)) => return Ok((name.clone(), 0)),
            Ok(None) => deployment_selector(conn, name).await?,
            Err(e) => return Err(LogError(explain(&e))),
        },
        LogTarget::Workload(w) => match w.kind {
            WorkloadKind::Deployment => deployment_selector(conn, &w.name).await?,
            WorkloadKind::StatefulSet => {
                let api: Api<StatefulSet> = Api::namespaced(conn.client.clone(), ns);
                let s = get(&api, &w.name, "statefulset", ns).await?;
                selector_of(
                    s.spec
                        .as_ref()
                        .and_then(|s| s.selector.match_labels.as_ref()),
                )
            }
        },
    };
    let mut list = pods
        .list(&ListParams::default().labels(&selector))
        .await
        .map_err(|e| LogError(explain(&e)))?
        .items;
    list.retain(|p| p.metadata.deletion_timestamp.is_none());
    list.sort_by_key(rank);
    let n = list.len();
    match list.first().and_then(|p| p.metadata.name.clone()) {
        Some(pod) => Ok((pod, n)),
        None => Err(LogError(format!("{target} has no pods in {ns}"))),
    }
}

async fn get<K>(api: &Api<K>, name: &str, kind: &str, ns: &str) -> Result<K, LogError>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    match api.get_opt(name).await {
        Ok(Some(o)) => Ok(o),
        Ok(None) => Err(LogError(format!("{kind} {name} not found in {ns}"))),
        Err(e) => Err(LogError(explain(&e))),
    }
}

async fn deployment_selector(conn: &Connection, name: &str) -> Result<String, LogError> {
    let api: Api<Deployment> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let d = match api.get_opt(name).await {
        Ok(Some(d)) => d,
        Ok(None) => {
            return Err(LogError(format!(
                "no pod or deployment named {name} in {}",
                conn.namespace
            )));
        }
        Err(e) => return Err(LogError(explain(&e))),
    };
    Ok(selector_of(
        d.spec
            .as_ref()
            .and_then(|s| s.selector.match_labels.as_ref()),
    ))
}

fn params(r: &LogRequest) -> LogParams {
    LogParams {
        container: r.container.clone(),
        follow: r.follow,
        previous: r.previous,
        tail_lines: r.tail,
        since_seconds: r.since_seconds,
        timestamps: r.timestamps,
        ..LogParams::default()
    }
}

/// Why a log read was refused: the server's words and its HTTP code (None: no answer).
#[derive(Debug, Clone)]
pub struct Refusal {
    pub why: String,
    pub code: Option<u16>,
}

/// The server's refusal in its own words ("previous terminated container … not found").
fn refusal(e: kube::Error) -> Refusal {
    match e {
        kube::Error::Api(s) => Refusal {
            why: printable(&s.message),
            code: Some(s.code),
        },
        other => Refusal {
            why: explain(&other),
            code: None,
        },
    }
}

/// The pod's log lines (printable: a log cannot drive the terminal), once or as they
/// come while following.
pub async fn lines(
    conn: &Connection,
    pod: &str,
    r: &LogRequest,
) -> Result<impl Stream<Item = Result<String, LogError>> + use<>, LogError> {
    stream(conn, pod, r, None)
        .await
        .map_err(|r| LogError(r.why))
}

/// Like [`lines`], from `since` (the server's `sinceTime`, whole seconds, instead of the
/// request's tail and sinceSeconds), and refusals with their HTTP code.
pub async fn stream(
    conn: &Connection,
    pod: &str,
    r: &LogRequest,
    since: Option<jiff::Timestamp>,
) -> Result<impl Stream<Item = Result<String, LogError>> + use<>, Refusal> {
    let api: Api<Pod> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let mut p = params(r);
    if since.is_some() {
        (p.since_time, p.since_seconds, p.tail_lines) = (since, None, None);
    }
    let reader = api.log_stream(pod, &p).await.map_err(refusal)?;
    Ok(reader.lines().map(|l| {
        l.map(|l| printable(&l))
            .map_err(|e| LogError(format!("the log stream broke: {e}")))
    }))
}

/// A pod's container names and the one `kubectl logs` reads by default (the
/// `kubectl.kubernetes.io/default-container` annotation, else the first); None when
/// the pod is gone.
pub async fn containers(
    conn: &Connection,
    pod: &str,
) -> Result<Option<(Vec<String>, String)>, LogError> {
    let api: Api<Pod> = Api::namespaced(conn.client.clone(), &conn.namespace);
    let Some(p) = api.get_opt(pod).await.map_err(|e| LogError(explain(&e)))? else {
        return Ok(None);
    };
    let names: Vec<String> = p
        .spec
        .map(|s| s.containers.into_iter().map(|c| c.name).collect())
        .unwrap_or_default();
    let wanted = p
        .metadata
        .annotations
        .and_then(|a| a.get("kubectl.kubernetes.io/default-container").cloned())
        .filter(|d| names.contains(d));
    let default = wanted
        .or_else(|| names.first().cloned())
        .unwrap_or_default();
    Ok(Some((names, default)))
}

/// A line read with `timestamps=true`: the kubelet's RFC 3339 prefix parsed off (None
/// when the line has none).
pub fn split_timestamp(line: &str) -> (Option<jiff::Timestamp>, &str) {
    match line.split_once(' ') {
        Some((t, rest)) => match t.parse::<jiff::Timestamp>() {
            Ok(ts) => (Some(ts), rest),
            Err(_) => (None, line),
        },
        None => match line.parse::<jiff::Timestamp>() {
            Ok(ts) => (Some(ts), ""),
            Err(_) => (None, line),
        },
    }
}

/// One line of a pod's log, with the time the kubelet wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub ts: Option<jiff::Timestamp>,
    pub text: String,
}

impl LogLine {
    pub fn parse(line: &str) -> LogLine {
        let (ts, text) = split_timestamp(line);
        LogLine {
            ts,
            text: text.to_string(),
        }
    }
}

/// What a log stream of the dashboard reports.
#[derive(Debug, Clone)]
pub enum LogEvent {
    /// Reading (again): the pod picked (for `deploy/NAME`, out of `of` pods; 0 for a pod
    /// named), its containers, the one read, and the buffer's bound in lines.
    Started {
        pod: String,
        of: usize,
        containers: Vec<String>,
        container: String,
        buffer: usize,
    },
    /// New lines, oldest first.
    Lines(Vec<LogLine>),
    /// The stream ended (`why`: None when it simply ended); `retry`: reconnecting in that
    /// many seconds (None: for good).
    Ended {
        why: Option<String>,
        retry: Option<u64>,
    },
}
