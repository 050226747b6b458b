//! The printers that need more than a field or two: pods, jobs, services, nodes and
//! events (and the HPA printer's TARGETS cell).

use jiff::Timestamp;
use serde_json::{Value, json};

use super::*;

/// kubectl's pod printer (`printPod`): READY, STATUS, RESTARTS, AGE, IP, NODE,
/// NOMINATED NODE and READINESS GATES.
pub(super) fn pod_cells(p: &Value, now: Timestamp) -> Vec<Value> {
    let conds = arr(p, "status.conditions");
    let mut reason = scheduling_reason(p, conds);
    let init = init_containers(p);
    let mut ready = init.ready;
    let mut restarts = init.all;
    let initializing = init.reason.is_some();
    if let Some(init_reason) = init.reason {
        reason = init_reason;
    }
    if !initializing || cond_true(conds, "Initialized") {
        restarts = init.sidecars;
        ready += regular_containers(p, conds, &mut reason, &mut restarts);
    }
    if let Some(deleting) = deletion_reason(p) {
        reason = deleting.into();
    }
    let ip = arr(p, "status.podIPs")
        .first()
        .map_or(s(p, "status.podIP"), |x| s(x, "ip"));
    let (node, nominated) = (s(p, "spec.nodeName"), s(p, "status.nominatedNodeName"));
    vec![
        s(p, "metadata.name").into(),
        format!("{ready}/{}", container_total(p)).into(),
        reason.into(),
        restarts.cell(now).into(),
        age(p, now),
        or_none(ip),
        or_none(node),
        or_none(nominated),
        readiness_gates(p, conds).into(),
    ]
}

/// The pod's starting STATUS: its reason or phase, or `SchedulingGated` while a
/// scheduling gate holds it back.
fn scheduling_reason(p: &Value, conds: &[Value]) -> String {
    let gated = |c: &Value| s(c, "type") == "PodScheduled" && s(c, "reason") == "SchedulingGated";
    if conds.iter().any(gated) {
        return "SchedulingGated".into();
    }
    first(p, &["status.reason", "status.phase"]).to_string()
}

/// Init containers with restartPolicy Always are sidecars: they run alongside the
/// regular containers.
fn is_sidecar(c: &&Value) -> bool {
    s(c, "restartPolicy") == "Always"
}

/// The READY column's denominator: regular containers plus sidecars.
fn container_total(p: &Value) -> usize {
    let sidecars = arr(p, "spec.initContainers")
        .iter()
        .filter(is_sidecar)
        .count();
    arr(p, "spec.containers").len() + sidecars
}

/// Restarts summed over some of a pod's containers, with the latest termination.
#[derive(Clone, Copy, Default)]
struct Restarts {
    count: i64,
    last: Option<Timestamp>,
}

impl Restarts {
    /// Counts one container status's restarts and its last termination time.
    fn add(&mut self, c: &Value) {
        self.count += n(c, "restartCount");
        let t = ts(g(c, "lastState.terminated.finishedAt"));
        if t > self.last {
            self.last = t;
        }
    }

    /// The RESTARTS cell: the count, and how long ago the last one was.
    fn cell(self, now: Timestamp) -> String {
        match self.last {
            Some(t) if self.count != 0 => format!("{} ({} ago)", self.count, since(Some(t), now)),
            _ => self.count.to_string(),
        }
    }
}

/// What kubectl's pass over the init container statuses found.
struct InitStatus {
    /// Started sidecars that are ready.
    ready: usize,
    /// Restarts of every init container seen.
    all: Restarts,
    /// Restarts of the sidecars seen.
    sidecars: Restarts,
    /// `Init:…` when an init container has not finished yet.
    reason: Option<String>,
}

/// kubectl's init-container pass: finished and started sidecar containers are passed
/// over; the first one still running, waiting or failed gives the `Init:…` status.
fn init_containers(p: &Value) -> InitStatus {
    let init_specs = arr(p, "spec.initContainers");
    let sidecar = |name: &str| {
        init_specs
            .iter()
            .filter(is_sidecar)
            .any(|c| s(c, "name") == name)
    };
    let mut out = InitStatus {
        ready: 0,
        all: Restarts::default(),
        sidecars: Restarts::default(),
        reason: None,
    };
    for (i, c) in arr(p, "status.initContainerStatuses").iter().enumerate() {
        out.all.add(c);
        let is_sidecar = sidecar(s(c, "name"));
        if is_sidecar {
            out.sidecars.add(c);
        }
        let (term, waiting) = (g(c, "state.terminated"), s(c, "state.waiting.reason"));
        if term.is_object() && n(term, "exitCode") == 0 {
            continue;
        }
        if is_sidecar && yes(c, "started") {
            out.ready += usize::from(yes(c, "ready"));
            continue;
        }
        out.reason = Some(if term.is_object() {
            exit_reason(term, "Init:")
        } else if !waiting.is_empty() && waiting != "PodInitializing" {
            format!("Init:{waiting}")
        } else {
            format!("Init:{i}/{}", init_specs.len())
        });
        break;
    }
    out
}

/// kubectl's regular-container pass, last container first: a waiting or terminated
/// container sets the status; returns how many are running and ready.
fn regular_containers(
    p: &Value,
    conds: &[Value],
    reason: &mut String,
    restarts: &mut Restarts,
) -> usize {
    let (mut ready, mut has_running) = (0, false);
    for c in arr(p, "status.containerStatuses").iter().rev() {
        restarts.add(c);
        let (term, waiting) = (g(c, "state.terminated"), s(c, "state.waiting.reason"));
        if !waiting.is_empty() {
            *reason = waiting.to_string();
        } else if term.is_object() {
            *reason = exit_reason(term, "");
        } else if yes(c, "ready") && g(c, "state.running").is_object() {
            has_running = true;
            ready += 1;
        }
    }
    if *reason == "Completed" && has_running {
        let ready_cond = conds
            .iter()
            .any(|c| s(c, "type") == "Ready" && s(c, "status") == "True");
        *reason = if ready_cond { "Running" } else { "NotReady" }.into();
    }
    ready
}

/// A terminated container's status: its reason, else its signal or exit code.
fn exit_reason(term: &Value, prefix: &str) -> String {
    match (s(term, "reason"), n(term, "signal")) {
        ("", 0) => format!("{prefix}ExitCode:{}", n(term, "exitCode")),
        ("", sig) => format!("{prefix}Signal:{sig}"),
        (r, _) => format!("{prefix}{r}"),
    }
}

/// The status of a pod being deleted: `Unknown` when its node was lost,
/// `Terminating` unless it already finished.
fn deletion_reason(p: &Value) -> Option<&'static str> {
    if g(p, "metadata.deletionTimestamp").is_null() {
        return None;
    }
    let phase = s(p, "status.phase");
    if s(p, "status.reason") == "NodeLost" {
        Some("Unknown")
    } else if phase != "Failed" && phase != "Succeeded" {
        Some("Terminating")
    } else {
        None
    }
}

/// The READINESS GATES cell: how many of the pod's gates have a true condition.
fn readiness_gates(p: &Value, conds: &[Value]) -> String {
    let gates = arr(p, "spec.readinessGates");
    if gates.is_empty() {
        return "<none>".into();
    }
    let ok = gates
        .iter()
        .filter(|gt| cond_true(conds, s(gt, "conditionType")))
        .count();
    format!("{ok}/{}", gates.len())
}

/// Row conditions the pod printer attaches to finished pods.
pub(super) fn pod_conditions(obj: &Value) -> Option<Value> {
    let (reason, message) = match s(obj, "status.phase") {
        "Succeeded" => ("Succeeded", "The pod has completed successfully."),
        "Failed" => ("Failed", "The pod failed."),
        _ => return None,
    };
    Some(json!([{"type": "Completed", "status": "True", "reason": reason, "message": message}]))
}

pub(super) fn job_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (spec, status) = (g(obj, "spec"), g(obj, "status"));
    let ok = n(status, "succeeded");
    let completions = match (g(spec, "completions").as_i64(), n(spec, "parallelism")) {
        (Some(c), _) => format!("{ok}/{c}"),
        (None, p) if p > 1 => format!("{ok}/1 of {p}"),
        _ => format!("{ok}/1"),
    };
    let duration = match (ts(g(status, "startTime")), ts(g(status, "completionTime"))) {
        (None, _) => String::new(),
        (Some(start), end) => human_age(secs(end.unwrap_or(now), start)),
    };
    let conds = arr(status, "conditions");
    let deleting = !g(obj, "metadata.deletionTimestamp").is_null();
    let state = match () {
        _ if cond_true(conds, "Complete") => "Complete",
        _ if cond_true(conds, "Failed") => "Failed",
        _ if deleting => "Terminating",
        _ if cond_true(conds, "Suspended") => "Suspended",
        _ if cond_true(conds, "FailureTarget") => "FailureTarget",
        _ => "Running",
    };
    let [c, i] = containers(spec);
    let (name, sel) = (
        s(obj, "metadata.name"),
        format_selector(g(spec, "selector")),
    );
    let age = age(obj, now);
    vec![
        name.into(),
        state.into(),
        completions.into(),
        duration.into(),
        age,
        c,
        i,
        sel,
    ]
}

/// formatHPAMetrics for autoscaling/v2 (an autoscaling/v1 CPU target is mapped to v2).
pub(super) fn hpa_targets(obj: &Value) -> String {
    let (spec, status) = (g(obj, "spec"), g(obj, "status"));
    let (mut specs, mut statuses) = (
        arr(spec, "metrics").to_vec(),
        arr(status, "currentMetrics").to_vec(),
    );
    let v1_target = g(spec, "targetCPUUtilizationPercentage").as_i64();
    if let (true, Some(t)) = (specs.is_empty(), v1_target) {
        let cur = g(status, "currentCPUUtilizationPercentage");
        specs.push(json!({"type": "Resource", "resource": {"name": "cpu", "target": {"averageUtilization": t}}}));
        statuses.push(
            json!({"type": "Resource", "resource": {"current": {"averageUtilization": cur}}}),
        );
    }
    if specs.is_empty() {
        return "<none>".into();
    }
    let list: Vec<String> = specs
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let key = match s(m, "type") {
                "External" => "external",
                "Pods" => "pods",
                "Object" => "object",
                "Resource" => "resource",
                "ContainerResource" => "containerResource",
                _ => return "<unknown type>".to_string(),
            };
            let (src, st) = (g(m, key), statuses.get(i).map_or(&NULL, |x| g(x, key)));
            let (target, avg) = (g(src, "target"), g(src, "target.averageValue"));
            // Missing status => "<unknown>" (a present status with a nil quantity prints
            // "<nil>" in Go; that corner is folded into "<unknown>" here).
            let cur = |f: &str| match g(st, f) {
                Value::Null => "<unknown>".to_string(),
                v => qty(v),
            };
            let name = s(src, "name");
            match key {
                "pods" => format!("{}/{}", cur("current.averageValue"), qty(avg)),
                "external" | "object" if !avg.is_null() => {
                    format!("{}/{} (avg)", cur("current.averageValue"), qty(avg))
                }
                "external" | "object" => {
                    format!("{}/{}", cur("current.value"), qty(g(target, "value")))
                }
                _ if !avg.is_null() => {
                    format!("{name}: {}/{}", cur("current.averageValue"), qty(avg))
                }
                _ => {
                    let pct =
                        |v: &Value, none: &str| v.as_i64().map_or(none.into(), |x| format!("{x}%"));
                    let c = pct(g(st, "current.averageUtilization"), "<unknown>");
                    format!(
                        "{name}: {c}/{}",
                        pct(g(target, "averageUtilization"), "<auto>")
                    )
                }
            }
        })
        .collect();
    match list.len() {
        0..=2 => list.join(", "),
        k => format!("{} + {} more...", list[..2].join(", "), k - 2),
    }
}

pub(super) fn service_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
    let spec = g(obj, "spec");
    let ty = s(spec, "type");
    let ips = arr(spec, "clusterIPs").first().and_then(Value::as_str);
    let cluster_ip = ips.unwrap_or(s(spec, "clusterIP"));
    let ext: Vec<&str> = arr(spec, "externalIPs")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let external = match ty {
        "ClusterIP" | "NodePort" if ext.is_empty() => "<none>".into(),
        "ClusterIP" | "NodePort" => ext.join(","),
        "LoadBalancer" => {
            // loadBalancerStatusStringer (wide): ingress IP, else hostname; then externalIPs.
            let mut all = lb_ingress(g(obj, "status.loadBalancer.ingress"));
            all.extend(&ext);
            if all.is_empty() {
                "<pending>".into()
            } else {
                all.join(",")
            }
        }
        "ExternalName" => s(spec, "externalName").into(),
        _ => "<unknown>".into(),
    };
    let port = |p: &Value| match (n(p, "port"), n(p, "nodePort"), s(p, "protocol")) {
        (port, 0, proto) => format!("{port}/{proto}"),
        (port, node, proto) => format!("{port}:{node}/{proto}"),
    };
    let ports: Vec<String> = arr(spec, "ports").iter().map(port).collect();
    let sel = format_labels(g(spec, "selector"));
    vec![
        name,
        ty.into(),
        or_none(cluster_ip),
        external.into(),
        or_none(&ports.join(",")),
        age,
        sel,
    ]
}

pub(super) fn node_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
    let status = g(obj, "status");
    // The last Ready condition wins (the printer builds a map keyed by type).
    let ready = arr(status, "conditions")
        .iter()
        .rfind(|c| s(c, "type") == "Ready");
    let mut st = vec![ready.map_or("Unknown", |c| {
        if s(c, "status") == "True" {
            "Ready"
        } else {
            "NotReady"
        }
    })];
    if yes(obj, "spec.unschedulable") {
        st.push("SchedulingDisabled");
    }
    let labels = g(obj, "metadata.labels").as_object().into_iter().flatten();
    let mut roles: Vec<&str> = labels
        .filter_map(|(k, v)| match k.strip_prefix("node-role.kubernetes.io/") {
            Some(role) => Some(role),
            None if k == "kubernetes.io/role" => v.as_str(),
            None => None,
        })
        .filter(|r| !r.is_empty())
        .collect();
    roles.sort_unstable();
    roles.dedup();
    let addr = |ty: &str| {
        let a = arr(status, "addresses").iter().find(|a| s(a, "type") == ty);
        Value::from(a.map_or("<none>", |a| s(a, "address")))
    };
    let info = |f: &str| match s(status, &format!("nodeInfo.{f}")) {
        "" => Value::from("<unknown>"),
        x => x.into(),
    };
    let version = s(status, "nodeInfo.kubeletVersion").into();
    let (int_ip, ext_ip) = (addr("InternalIP"), addr("ExternalIP"));
    let (os, kernel, runtime) = (
        info("osImage"),
        info("kernelVersion"),
        info("containerRuntimeVersion"),
    );
    let roles = or_none(&roles.join(","));
    vec![
        name,
        st.join(",").into(),
        roles,
        age,
        version,
        int_ip,
        ext_ip,
        os,
        kernel,
        runtime,
    ]
}

/// core/v1 Event printer; events.k8s.io/v1 field names are accepted as fallbacks.
pub(super) fn event_cells(e: &Value, now: Timestamp) -> Vec<Value> {
    let t = |paths: &[&str]| paths.iter().find_map(|p| ts(g(e, p)));
    let first_seen = since(
        t(&["firstTimestamp", "deprecatedFirstTimestamp", "eventTime"]),
        now,
    );
    let last = t(&["lastTimestamp", "deprecatedLastTimestamp"]);
    let mut last_seen = last.map_or(first_seen.clone(), |x| since(Some(x), now));
    let mut count = g(e, "count")
        .as_i64()
        .or(g(e, "deprecatedCount").as_i64())
        .unwrap_or(0);
    if g(e, "series").is_object() {
        last_seen = since(ts(g(e, "series.lastObservedTime")), now);
        count = n(e, "series.count");
    } else if count == 0 {
        count = 1; // singleton events don't set a count in the new API
    }
    let inv = if g(e, "involvedObject").is_object() {
        g(e, "involvedObject")
    } else {
        g(e, "regarding")
    };
    let kind = s(inv, "kind").to_lowercase();
    let target = match s(inv, "name") {
        "" => kind,
        name => format!("{kind}/{name}"),
    };
    let component = first(
        e,
        &[
            "source.component",
            "deprecatedSource.component",
            "reportingController",
        ],
    );
    let host = first(
        e,
        &["source.host", "deprecatedSource.host", "reportingInstance"],
    );
    let source = if host.is_empty() {
        component.to_string()
    } else {
        format!("{component}, {host}")
    };
    vec![
        last_seen.into(),
        s(e, "type").into(),
        s(e, "reason").into(),
        target.into(),
        s(inv, "fieldPath").into(),
        source.into(),
        first(e, &["message", "note"]).trim().into(),
        first_seen.into(),
        count.into(),
        s(e, "metadata.name").into(),
    ]
}

// ----------------------------------------------------------------------------------- table

// ------------------------------------------------------------------------------ printers

/// printPod.
#[rustfmt::skip]
pub const POD: Printer = Printer { conditions: Some(pod_conditions), ..Printer::new(&[NAME, ("Ready", S, 0, "The aggregate readiness state of this pod for accepting traffic."),
    ("Status", S, 0, "The aggregate status of the containers in this pod."), ("Restarts", S, 0, "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
    AGE,
    ("IP", S, 1, "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."),
    ("Node", S, 1, "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName."),
    ("Nominated Node", S, 1, "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods."),
    ("Readiness Gates", S, 1, "If specified, all readiness gates will be evaluated for pod readiness. More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates")],
    pod_cells) };

/// printJob.
#[rustfmt::skip]
pub const JOB: Printer = Printer::new(&[NAME, ("Status", S, 0, "Status of the job."), ("Completions", S, 0, "The number of pods which reached phase Succeeded."), ("Duration", S, 0, "Time required to complete the job."),
    AGE, CONTAINERS, IMAGES, SELECTOR],
    job_cells);

/// printService.
#[rustfmt::skip]
pub const SERVICE: Printer = Printer::new(&[NAME, ("Type", S, 0, "type determines how the Service is exposed."), ("Cluster-IP", S, 0, "clusterIP is the IP address of the service and is usually assigned randomly."),
    ("External-IP", S, 0, "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
    ("Port(s)", S, 0, "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"),
    AGE,
    ("Selector", S, 1, "Route service traffic to pods with label keys and values matching this selector.")],
    service_cells);

/// printNode.
#[rustfmt::skip]
pub const NODE: Printer = Printer::new(&[NAME, ("Status", S, 0, "The status of the node"), ("Roles", S, 0, "The roles of the node"),
    AGE,
    ("Version", S, 0, "Kubelet Version reported by the node."), ("Internal-IP", S, 1, "List of addresses reachable to the node."), ("External-IP", S, 1, "List of addresses reachable to the node."), ("OS-Image", S, 1, "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
    ("Kernel-Version", S, 1, "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
    ("Container-Runtime", S, 1, "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).")],
    node_cells);

/// printEvent.
#[rustfmt::skip]
pub const EVENT: Printer = Printer::new(&[
    ("Last Seen", S, 0, "The time at which the most recent occurrence of this event was recorded."),
    ("Type", S, 0, "Type of this event (Normal, Warning), new types could be added in the future"),
    ("Reason", S, 0, "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    ("Object", S, 0, "The object that this event is about."), ("Subobject", S, 1, "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]."),
    ("Source", S, 1, "The component reporting this event. Should be a short machine understandable string."),
    ("Message", S, 0, "A human-readable description of the status of this operation."),
    ("First Seen", S, 1, "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
    ("Count", S, 1, "The number of times this event has occurred."), ("Name", S, 1, "")],
    event_cells);
