//! Server-side `meta.k8s.io/v1` Table rendering, mirroring kube-apiserver.
//!
//! Columns and cells follow k8s.io/kubernetes/pkg/printers/internalversion/printers.go. The
//! apiserver always generates the *wide* variant; kubectl hides priority-1 columns unless
//! `-o wide`. Resources without a printer get the generic default table convertor
//! (k8s.io/apiserver/pkg/registry/rest/table.go): `Name` + `Created At` (type `date`).
use jiff::Timestamp;
use serde_json::{Map, Value, json};

const NAME_DESC: &str = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
const AGE_DESC: &str = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const CONTAINERS_DESC: &str = "Names of each container in the template.";
const IMAGES_DESC: &str = "Images referenced by each container in the template.";
const SELECTOR_DESC: &str = "Label query over pods that should match the replica count. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors";

/// (name, type, priority, description). An empty description means the standard one for
/// Name / Age / Containers / Images / Selector. The Name column has format "name".
type Col = (&'static str, &'static str, u8, &'static str);

const S: &str = "string";
const I: &str = "integer";
const NAME: Col = ("Name", S, 0, "");
const AGE: Col = ("Age", S, 0, "");
const CONTAINERS: Col = ("Containers", S, 1, "");
const IMAGES: Col = ("Images", S, 1, "");
const SELECTOR: Col = ("Selector", S, 1, "");

/// Accepts "deployments" as well as "deployments.apps".
fn canonical(resource: &str) -> &str {
    resource.split('.').next().unwrap_or(resource)
}

#[rustfmt::skip]
fn col_defs(resource: &str) -> Option<&'static [Col]> {
    Some(match canonical(resource) {
        "pods" => &[NAME, ("Ready", S, 0, "The aggregate readiness state of this pod for accepting traffic."),
            ("Status", S, 0, "The aggregate status of the containers in this pod."), ("Restarts", S, 0, "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
            AGE,
            ("IP", S, 1, "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."),
            ("Node", S, 1, "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName."),
            ("Nominated Node", S, 1, "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods."),
            ("Readiness Gates", S, 1, "If specified, all readiness gates will be evaluated for pod readiness. More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates")],
        "deployments" => &[NAME, ("Ready", S, 0, "Number of the pod with ready state"), ("Up-to-date", S, 0, "Total number of non-terminating pods targeted by this deployment that have the desired template spec."),
            ("Available", S, 0, "Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment."),
            AGE, CONTAINERS, IMAGES, SELECTOR],
        "replicasets" => &[NAME, ("Desired", I, 0, "Replicas is the number of desired pods."), ("Current", I, 0, "Replicas is the most recently observed number of non-terminating pods."),
            ("Ready", I, 0, "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition."),
            AGE, CONTAINERS, IMAGES, SELECTOR],
        "statefulsets" => &[NAME, ("Ready", S, 0, "Number of the pod with ready state"), AGE, CONTAINERS, IMAGES],
        "jobs" => &[NAME, ("Status", S, 0, "Status of the job."), ("Completions", S, 0, "The number of pods which reached phase Succeeded."), ("Duration", S, 0, "Time required to complete the job."),
            AGE, CONTAINERS, IMAGES, SELECTOR],
        "horizontalpodautoscalers" => &[NAME, ("Reference", S, 0, "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count."),
            ("Targets", S, 0, "metrics contains the specifications for which to use to calculate the desired replica count."),
            ("MinPods", S, 0, "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down."),
            ("MaxPods", S, 0, "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up."),
            ("Replicas", S, 0, "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler."),
            AGE],
        "services" => &[NAME, ("Type", S, 0, "type determines how the Service is exposed."), ("Cluster-IP", S, 0, "clusterIP is the IP address of the service and is usually assigned randomly."),
            ("External-IP", S, 0, "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
            ("Port(s)", S, 0, "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"),
            AGE,
            ("Selector", S, 1, "Route service traffic to pods with label keys and values matching this selector.")],
        "secrets" => &[NAME, ("Type", S, 0, "Used to facilitate programmatic handling of secret data."), ("Data", S, 0, "Data contains the secret data."),
            AGE],
        "configmaps" => &[NAME, ("Data", S, 0, "Data contains the configuration data."), AGE],
        "networkpolicies" => &[NAME, ("Pod-Selector", S, 0, "podSelector selects the pods to which this NetworkPolicy object applies."), AGE],
        "nodes" => &[NAME, ("Status", S, 0, "The status of the node"), ("Roles", S, 0, "The roles of the node"),
            AGE,
            ("Version", S, 0, "Kubelet Version reported by the node."), ("Internal-IP", S, 1, "List of addresses reachable to the node."), ("External-IP", S, 1, "List of addresses reachable to the node."), ("OS-Image", S, 1, "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
            ("Kernel-Version", S, 1, "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
            ("Container-Runtime", S, 1, "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).")],
        "namespaces" => &[NAME, ("Status", S, 0, "The status of the namespace"), AGE],
        "events" => &[
            ("Last Seen", S, 0, "The time at which the most recent occurrence of this event was recorded."),
            ("Type", S, 0, "Type of this event (Normal, Warning), new types could be added in the future"),
            ("Reason", S, 0, "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
            ("Object", S, 0, "The object that this event is about."), ("Subobject", S, 1, "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]."),
            ("Source", S, 1, "The component reporting this event. Should be a short machine understandable string."),
            ("Message", S, 0, "A human-readable description of the status of this operation."),
            ("First Seen", S, 1, "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
            ("Count", S, 1, "The number of times this event has occurred."), ("Name", S, 1, "")],
        "serviceaccounts" => &[NAME, ("Secrets", S, 0, "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."), AGE],
        _ => return None,
    })
}

fn def(name: &str, ty: &str, format: &str, priority: u8, desc: &str) -> Value {
    json!({"name": name, "type": ty, "format": format, "description": desc, "priority": priority})
}

/// Column definitions (metav1.TableColumnDefinition) for a resource plural.
pub fn columns(resource: &str) -> Vec<Value> {
    let Some(cols) = col_defs(resource) else {
        // Default table convertor: Name + Created At.
        return vec![
            def("Name", S, "name", 0, NAME_DESC),
            def("Created At", "date", "", 0, AGE_DESC),
        ];
    };
    let std_desc = |name| match name {
        "Name" => NAME_DESC,
        "Age" => AGE_DESC,
        "Containers" => CONTAINERS_DESC,
        "Images" => IMAGES_DESC,
        _ => SELECTOR_DESC,
    };
    let cols = cols.iter().map(|&(name, ty, prio, desc)| {
        let desc = if desc.is_empty() {
            std_desc(name)
        } else {
            desc
        };
        def(
            name,
            ty,
            if name == "Name" { "name" } else { "" },
            prio,
            desc,
        )
    });
    cols.collect()
}

// ---------------------------------------------------------------------------- JSON helpers

static NULL: Value = Value::Null;

/// Dotted-path lookup; missing segments yield null.
fn g<'a>(v: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(v, |v, k| v.get(k).unwrap_or(&NULL))
}
fn s<'a>(v: &'a Value, path: &str) -> &'a str {
    g(v, path).as_str().unwrap_or("")
}
fn n(v: &Value, path: &str) -> i64 {
    g(v, path).as_i64().unwrap_or(0)
}
fn yes(v: &Value, path: &str) -> bool {
    g(v, path).as_bool() == Some(true)
}
fn arr<'a>(v: &'a Value, path: &str) -> &'a [Value] {
    g(v, path).as_array().map_or(&[], Vec::as_slice)
}
fn len(v: &Value, path: &str) -> usize {
    g(v, path).as_object().map_or(arr(v, path).len(), Map::len)
}
/// First non-empty string among several paths.
fn first<'a>(v: &'a Value, paths: &[&str]) -> &'a str {
    let mut it = paths.iter().map(|p| s(v, p));
    it.find(|x| !x.is_empty()).unwrap_or("")
}
/// Status of the first condition of the given type is "True".
fn cond_true(conds: &[Value], ty: &str) -> bool {
    conds
        .iter()
        .find(|c| s(c, "type") == ty)
        .is_some_and(|c| s(c, "status") == "True")
}
fn ts(v: &Value) -> Option<Timestamp> {
    v.as_str()?.parse().ok()
}
fn secs(later: Timestamp, earlier: Timestamp) -> i64 {
    later.duration_since(earlier).as_secs()
}
/// translateTimestampSince: "<unknown>" for a zero/missing time.
fn since(t: Option<Timestamp>, now: Timestamp) -> String {
    t.map_or_else(|| "<unknown>".into(), |t| human_age(secs(now, t)))
}
fn age(obj: &Value, now: Timestamp) -> Value {
    since(ts(g(obj, "metadata.creationTimestamp")), now).into()
}
/// resource.Quantity.String() of a serialized quantity ("<nil>" for a nil pointer).
fn qty(v: &Value) -> String {
    match v {
        Value::String(x) => x.clone(),
        Value::Number(x) => x.to_string(),
        _ => "<nil>".into(),
    }
}
fn or_none(x: &str) -> Value {
    if x.is_empty() { "<none>" } else { x }.into()
}

/// labels.FormatLabels: sorted "k=v" pairs, "<none>" when empty.
fn format_labels(m: &Value) -> Value {
    let m = m.as_object().into_iter().flatten();
    let mut kv: Vec<String> = m
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
        .collect();
    kv.sort();
    or_none(&kv.join(","))
}

/// metav1.LabelSelectorAsSelector(sel).String(); None when the selector is invalid.
fn selector_string(sel: &Value) -> Option<String> {
    let labels = sel
        .get("matchLabels")
        .and_then(Value::as_object)
        .into_iter()
        .flatten();
    let mut reqs: Vec<(&str, String)> = labels
        .map(|(k, v)| (k.as_str(), format!("{k}={}", v.as_str().unwrap_or(""))))
        .collect();
    for e in arr(sel, "matchExpressions") {
        let k = s(e, "key");
        let mut vals: Vec<&str> = arr(e, "values").iter().filter_map(Value::as_str).collect();
        vals.sort_unstable();
        vals.dedup();
        let text = match s(e, "operator") {
            "In" => format!("{k} in ({})", vals.join(",")),
            "NotIn" => format!("{k} notin ({})", vals.join(",")),
            "Exists" => k.to_string(),
            "DoesNotExist" => format!("!{k}"),
            _ => return None,
        };
        reqs.push((k, text));
    }
    reqs.sort_by_key(|r| r.0);
    Some(reqs.into_iter().map(|r| r.1).collect::<Vec<_>>().join(","))
}

/// metav1.FormatLabelSelector: "<none>" for empty/nil, "<error>" when invalid.
fn format_selector(sel: &Value) -> Value {
    selector_string(sel).map_or_else(|| "<error>".into(), |x| or_none(&x))
}

/// layoutContainerCells: comma-joined names and images of spec.template.spec.containers.
fn containers(spec: &Value) -> [Value; 2] {
    let cs = arr(spec, "template.spec.containers");
    let join = |f: &str| cs.iter().map(|c| s(c, f)).collect::<Vec<_>>().join(",");
    [join("name").into(), join("image").into()]
}

// ----------------------------------------------------------------------------------- cells

/// Cells of one row for `obj`, in the order of `columns(resource)`.
pub fn cells(resource: &str, obj: &Value, now: Timestamp) -> Vec<Value> {
    let name = Value::from(s(obj, "metadata.name"));
    let (status, spec, age) = (g(obj, "status"), g(obj, "spec"), age(obj, now));
    let int = |v: &Value, path: &str| Value::from(n(v, path));
    let ready = format!("{}/{}", n(status, "readyReplicas"), n(spec, "replicas")).into();
    match canonical(resource) {
        "pods" => pod_cells(obj, now),
        "deployments" => {
            let [c, i] = containers(spec);
            let sel = selector_string(g(spec, "selector")).unwrap_or_else(|| "<invalid>".into());
            let (up, avail) = (
                int(status, "updatedReplicas"),
                int(status, "availableReplicas"),
            );
            vec![name, ready, up, avail, age, c, i, sel.into()]
        }
        "replicasets" => {
            let [c, i] = containers(spec);
            let (want, cur) = (int(spec, "replicas"), int(status, "replicas"));
            let sel = format_selector(g(spec, "selector"));
            vec![
                name,
                want,
                cur,
                int(status, "readyReplicas"),
                age,
                c,
                i,
                sel,
            ]
        }
        "statefulsets" => {
            let [c, i] = containers(spec);
            vec![name, ready, age, c, i]
        }
        "jobs" => job_cells(obj, now),
        "horizontalpodautoscalers" => {
            let target = format!(
                "{}/{}",
                s(spec, "scaleTargetRef.kind"),
                s(spec, "scaleTargetRef.name")
            );
            let min = g(spec, "minReplicas")
                .as_i64()
                .map_or("<unset>".into(), |m| m.to_string());
            let (max, cur) = (int(spec, "maxReplicas"), int(status, "currentReplicas"));
            vec![
                name,
                target.into(),
                hpa_targets(obj).into(),
                min.into(),
                max,
                cur,
                age,
            ]
        }
        "services" => service_cells(obj, name, age),
        "secrets" => {
            // The real apiserver merges stringData into data on write; count the union.
            let maps = ["data", "stringData"].map(|f| obj.get(f).and_then(Value::as_object));
            let mut keys: Vec<&String> = maps.into_iter().flatten().flat_map(Map::keys).collect();
            keys.sort();
            keys.dedup();
            vec![name, s(obj, "type").into(), keys.len().into(), age]
        }
        "configmaps" => vec![
            name,
            (len(obj, "data") + len(obj, "binaryData")).into(),
            age,
        ],
        "networkpolicies" => vec![name, format_selector(g(spec, "podSelector")), age],
        "nodes" => node_cells(obj, name, age),
        "namespaces" => vec![name, s(status, "phase").into(), age],
        "events" => event_cells(obj, now),
        "serviceaccounts" => vec![name, len(obj, "secrets").into(), age],
        _ => {
            // Default convertor: creationTimestamp.UTC().Format(time.RFC3339).
            let created = ts(g(obj, "metadata.creationTimestamp"))
                .map_or("0001-01-01T00:00:00Z".into(), |t| {
                    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
                });
            vec![name, created.into()]
        }
    }
}

fn pod_cells(p: &Value, now: Timestamp) -> Vec<Value> {
    let conds = arr(p, "status.conditions");
    let phase = s(p, "status.phase");
    let mut reason = first(p, &["status.reason", "status.phase"]).to_string();
    let gated = |c: &Value| s(c, "type") == "PodScheduled" && s(c, "reason") == "SchedulingGated";
    if conds.iter().any(gated) {
        reason = "SchedulingGated".into();
    }
    // Init containers with restartPolicy Always are sidecars: they count as regular containers.
    let init_specs = arr(p, "spec.initContainers");
    let is_sidecar = |c: &&Value| s(c, "restartPolicy") == "Always";
    let sidecar = |name: &str| {
        init_specs
            .iter()
            .filter(is_sidecar)
            .any(|c| s(c, "name") == name)
    };
    let total = arr(p, "spec.containers").len() + init_specs.iter().filter(is_sidecar).count();
    let (mut ready, mut restarts, mut sidecar_restarts) = (0usize, 0i64, 0i64);
    let (mut last, mut sidecar_last) = (None::<Timestamp>, None::<Timestamp>);
    let later = |cur: Option<Timestamp>, c: &Value| {
        let t = ts(g(c, "lastState.terminated.finishedAt"));
        if t > cur { t } else { cur }
    };
    let exit_reason = |term: &Value, prefix: &str| match (s(term, "reason"), n(term, "signal")) {
        ("", 0) => format!("{prefix}ExitCode:{}", n(term, "exitCode")),
        ("", sig) => format!("{prefix}Signal:{sig}"),
        (r, _) => format!("{prefix}{r}"),
    };

    let mut initializing = false;
    for (i, c) in arr(p, "status.initContainerStatuses").iter().enumerate() {
        restarts += n(c, "restartCount");
        last = later(last, c);
        let is_sidecar = sidecar(s(c, "name"));
        if is_sidecar {
            sidecar_restarts += n(c, "restartCount");
            sidecar_last = later(sidecar_last, c);
        }
        let (term, waiting) = (g(c, "state.terminated"), s(c, "state.waiting.reason"));
        if term.is_object() && n(term, "exitCode") == 0 {
            continue;
        }
        if is_sidecar && yes(c, "started") {
            ready += usize::from(yes(c, "ready"));
            continue;
        }
        reason = if term.is_object() {
            exit_reason(term, "Init:")
        } else if !waiting.is_empty() && waiting != "PodInitializing" {
            format!("Init:{waiting}")
        } else {
            format!("Init:{i}/{}", init_specs.len())
        };
        initializing = true;
        break;
    }

    if !initializing || cond_true(conds, "Initialized") {
        (restarts, last) = (sidecar_restarts, sidecar_last);
        let mut has_running = false;
        for c in arr(p, "status.containerStatuses").iter().rev() {
            restarts += n(c, "restartCount");
            last = later(last, c);
            let (term, waiting) = (g(c, "state.terminated"), s(c, "state.waiting.reason"));
            if !waiting.is_empty() {
                reason = waiting.to_string();
            } else if term.is_object() {
                reason = exit_reason(term, "");
            } else if yes(c, "ready") && g(c, "state.running").is_object() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            let ready_cond = conds
                .iter()
                .any(|c| s(c, "type") == "Ready" && s(c, "status") == "True");
            reason = if ready_cond { "Running" } else { "NotReady" }.into();
        }
    }

    let deleting = !g(p, "metadata.deletionTimestamp").is_null();
    if deleting && s(p, "status.reason") == "NodeLost" {
        reason = "Unknown".into();
    } else if deleting && phase != "Failed" && phase != "Succeeded" {
        reason = "Terminating".into();
    }
    let restarts = match last {
        Some(t) if restarts != 0 => format!("{restarts} ({} ago)", since(Some(t), now)),
        _ => restarts.to_string(),
    };
    let ip = arr(p, "status.podIPs")
        .first()
        .map_or(s(p, "status.podIP"), |x| s(x, "ip"));
    let gates = arr(p, "spec.readinessGates");
    let gates = match gates
        .iter()
        .filter(|gt| cond_true(conds, s(gt, "conditionType")))
        .count()
    {
        _ if gates.is_empty() => "<none>".to_string(),
        ok => format!("{ok}/{}", gates.len()),
    };
    let (node, nominated) = (s(p, "spec.nodeName"), s(p, "status.nominatedNodeName"));
    vec![
        s(p, "metadata.name").into(),
        format!("{ready}/{total}").into(),
        reason.into(),
        restarts.into(),
        age(p, now),
        or_none(ip),
        or_none(node),
        or_none(nominated),
        gates.into(),
    ]
}

/// Row conditions the pod printer attaches to finished pods.
fn row_conditions(resource: &str, obj: &Value) -> Option<Value> {
    let (reason, message) = match s(obj, "status.phase") {
        _ if canonical(resource) != "pods" => return None,
        "Succeeded" => ("Succeeded", "The pod has completed successfully."),
        "Failed" => ("Failed", "The pod failed."),
        _ => return None,
    };
    Some(json!([{"type": "Completed", "status": "True", "reason": reason, "message": message}]))
}

fn job_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
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
fn hpa_targets(obj: &Value) -> String {
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

fn service_cells(obj: &Value, name: Value, age: Value) -> Vec<Value> {
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
            let ingress = arr(obj, "status.loadBalancer.ingress").iter();
            let mut all: Vec<&str> = ingress.map(|x| first(x, &["ip", "hostname"])).collect();
            all.retain(|x| !x.is_empty());
            all.dedup();
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

fn node_cells(obj: &Value, name: Value, age: Value) -> Vec<Value> {
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
fn event_cells(e: &Value, now: Timestamp) -> Vec<Value> {
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

/// The whole `meta.k8s.io/v1` Table for a list (or single object) response.
pub fn table(
    resource: &str,
    objs: &[&Value],
    resource_version: &str,
    continue_token: Option<&str>,
    now: Timestamp,
    include_object: &str,
) -> Value {
    let mut meta = Map::new();
    if !resource_version.is_empty() {
        meta.insert("resourceVersion".into(), resource_version.into());
    }
    if let Some(c) = continue_token.filter(|c| !c.is_empty()) {
        meta.insert("continue".into(), c.into());
    }
    let row = |o: &&Value| {
        let mut row = Map::new();
        row.insert("cells".into(), cells(resource, o, now).into());
        if let Some(c) = row_conditions(resource, o) {
            row.insert("conditions".into(), c);
        }
        let object = match include_object {
            "None" => None,
            "Object" => Some((*o).clone()),
            _ => Some(json!({
                "kind": "PartialObjectMetadata",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": o.get("metadata").cloned().unwrap_or_else(|| json!({})),
            })),
        };
        if let Some(object) = object {
            row.insert("object".into(), object);
        }
        Value::Object(row)
    };
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": meta,
        "columnDefinitions": columns(resource),
        "rows": objs.iter().map(row).collect::<Vec<_>>(),
    })
}

/// k8s.io/apimachinery/pkg/util/duration.HumanDuration for whole seconds. Like the original,
/// -1s is tolerated as clock skew ("0s"); anything more negative is "<invalid>".
pub fn human_age(d_seconds: i64) -> String {
    let (secs, minutes, hours) = (d_seconds, d_seconds / 60, d_seconds / 3600);
    let (days, years) = (hours / 24, hours / 24 / 365);
    let pair = |a: i64, ua: &str, b: i64, ub: &str| match b {
        0 => format!("{a}{ua}"),
        b => format!("{a}{ua}{b}{ub}"),
    };
    match () {
        _ if secs < -1 => "<invalid>".into(),
        _ if secs < 0 => "0s".into(),
        _ if secs < 120 => format!("{secs}s"),
        _ if minutes < 10 => pair(minutes, "m", secs % 60, "s"),
        _ if minutes < 180 => format!("{minutes}m"),
        _ if hours < 8 => pair(hours, "h", minutes % 60, "m"),
        _ if hours < 48 => format!("{hours}h"),
        _ if hours < 24 * 8 => pair(days, "d", hours % 24, "h"),
        _ if hours < 24 * 365 * 2 => format!("{days}d"),
        _ if hours < 24 * 365 * 8 => pair(years, "y", days % 365, "d"),
        _ => format!("{years}y"),
    }
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;
