//! Server-side `meta.k8s.io/v1` Table rendering, mirroring kube-apiserver: the printers'
//! columns and cells (pure functions of an object and the time; the HTTP layer only serves
//! what they make).
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

/// The printers' columns by resource plural (kube-apiserver pkg/printers/internalversion).
#[rustfmt::skip]
const COLUMNS: &[(&str, &[Col])] = &[
    ("pods", &[NAME, ("Ready", S, 0, "The aggregate readiness state of this pod for accepting traffic."),
        ("Status", S, 0, "The aggregate status of the containers in this pod."), ("Restarts", S, 0, "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
        AGE,
        ("IP", S, 1, "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."),
        ("Node", S, 1, "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName."),
        ("Nominated Node", S, 1, "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods."),
        ("Readiness Gates", S, 1, "If specified, all readiness gates will be evaluated for pod readiness. More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates")]),
    ("deployments", &[NAME, ("Ready", S, 0, "Number of the pod with ready state"), ("Up-to-date", S, 0, "Total number of non-terminating pods targeted by this deployment that have the desired template spec."),
        ("Available", S, 0, "Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment."),
        AGE, CONTAINERS, IMAGES, SELECTOR]),
    ("replicasets", &[NAME, ("Desired", I, 0, "Replicas is the number of desired pods."), ("Current", I, 0, "Replicas is the most recently observed number of non-terminating pods."),
        ("Ready", I, 0, "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition."),
        AGE, CONTAINERS, IMAGES, SELECTOR]),
    ("statefulsets", &[NAME, ("Ready", S, 0, "Number of the pod with ready state"), AGE, CONTAINERS, IMAGES]),
    ("jobs", &[NAME, ("Status", S, 0, "Status of the job."), ("Completions", S, 0, "The number of pods which reached phase Succeeded."), ("Duration", S, 0, "Time required to complete the job."),
        AGE, CONTAINERS, IMAGES, SELECTOR]),
    ("horizontalpodautoscalers", &[NAME, ("Reference", S, 0, "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count."),
        ("Targets", S, 0, "metrics contains the specifications for which to use to calculate the desired replica count."),
        ("MinPods", S, 0, "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down."),
        ("MaxPods", S, 0, "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up."),
        ("Replicas", S, 0, "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler."),
        AGE]),
    ("services", &[NAME, ("Type", S, 0, "type determines how the Service is exposed."), ("Cluster-IP", S, 0, "clusterIP is the IP address of the service and is usually assigned randomly."),
        ("External-IP", S, 0, "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
        ("Port(s)", S, 0, "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"),
        AGE,
        ("Selector", S, 1, "Route service traffic to pods with label keys and values matching this selector.")]),
    ("secrets", &[NAME, ("Type", S, 0, "Used to facilitate programmatic handling of secret data."), ("Data", S, 0, "Data contains the secret data."),
        AGE]),
    ("configmaps", &[NAME, ("Data", S, 0, "Data contains the configuration data."), AGE]),
    ("networkpolicies", &[NAME, ("Pod-Selector", S, 0, "podSelector selects the pods to which this NetworkPolicy object applies."), AGE]),
    ("nodes", &[NAME, ("Status", S, 0, "The status of the node"), ("Roles", S, 0, "The roles of the node"),
        AGE,
        ("Version", S, 0, "Kubelet Version reported by the node."), ("Internal-IP", S, 1, "List of addresses reachable to the node."), ("External-IP", S, 1, "List of addresses reachable to the node."), ("OS-Image", S, 1, "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
        ("Kernel-Version", S, 1, "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
        ("Container-Runtime", S, 1, "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).")]),
    ("namespaces", &[NAME, ("Status", S, 0, "The status of the namespace"), AGE]),
    ("events", &[
        ("Last Seen", S, 0, "The time at which the most recent occurrence of this event was recorded."),
        ("Type", S, 0, "Type of this event (Normal, Warning), new types could be added in the future"),
        ("Reason", S, 0, "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
        ("Object", S, 0, "The object that this event is about."), ("Subobject", S, 1, "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]."),
        ("Source", S, 1, "The component reporting this event. Should be a short machine understandable string."),
        ("Message", S, 0, "A human-readable description of the status of this operation."),
        ("First Seen", S, 1, "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
        ("Count", S, 1, "The number of times this event has occurred."), ("Name", S, 1, "")]),
    ("serviceaccounts", &[NAME, ("Secrets", S, 0, "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."), AGE]),
    ("daemonsets", &[NAME, ("Desired", I, 0, DS_DESIRED_DESC), ("Current", I, 0, DS_CURRENT_DESC), ("Ready", I, 0, DS_READY_DESC),
        ("Up-to-date", I, 0, DS_UPDATED_DESC), ("Available", I, 0, DS_AVAILABLE_DESC), ("Node Selector", S, 0, NODE_SELECTOR_DESC),
        AGE, CONTAINERS, IMAGES, ("Selector", S, 1, DS_SELECTOR_DESC)]),
    ("replicationcontrollers", &[NAME, ("Desired", I, 0, RC_DESIRED_DESC), ("Current", I, 0, RC_CURRENT_DESC), ("Ready", I, 0, RC_READY_DESC),
        AGE, CONTAINERS, IMAGES, ("Selector", S, 1, RC_SELECTOR_DESC)]),
    ("cronjobs", &[NAME, ("Schedule", S, 0, CJ_SCHEDULE_DESC), ("Timezone", S, 0, CJ_TIMEZONE_DESC), ("Suspend", "boolean", 0, CJ_SUSPEND_DESC),
        ("Active", I, 0, CJ_ACTIVE_DESC), ("Last Schedule", S, 0, CJ_LAST_DESC), AGE, CONTAINERS, IMAGES, ("Selector", S, 1, JOB_SELECTOR_DESC)]),
    ("controllerrevisions", &[NAME, ("Controller", S, 0, "Controller of the object"), ("Revision", S, 0, CR_REVISION_DESC), AGE]),
    ("poddisruptionbudgets", &[NAME, ("Min Available", S, 0, "The minimum number of pods that must be available."),
        ("Max Unavailable", S, 0, "The maximum number of pods that may be unavailable."),
        ("Allowed Disruptions", I, 0, "Calculated number of pods that may be disrupted at this time."), AGE]),
    ("persistentvolumes", &[NAME, ("Capacity", S, 0, PV_CAPACITY_DESC), ("Access Modes", S, 0, PV_MODES_DESC), ("Reclaim Policy", S, 0, PV_RECLAIM_DESC),
        ("Status", S, 0, PV_STATUS_DESC), ("Claim", S, 0, PV_CLAIM_DESC), ("StorageClass", S, 0, "StorageClass of the pv"),
        ("VolumeAttributesClass", S, 0, "VolumeAttributesClass of the pv"), ("Reason", S, 0, PV_REASON_DESC), AGE, ("VolumeMode", S, 1, PV_MODE_DESC)]),
    ("persistentvolumeclaims", &[NAME, ("Status", S, 0, PVC_STATUS_DESC), ("Volume", S, 0, PVC_VOLUME_DESC), ("Capacity", S, 0, PVC_CAPACITY_DESC),
        ("Access Modes", S, 0, PVC_MODES_DESC), ("StorageClass", S, 0, "StorageClass of the pvc"),
        ("VolumeAttributesClass", S, 0, "VolumeAttributesClass of the pvc"), AGE, ("VolumeMode", S, 1, PVC_MODE_DESC)]),
    ("storageclasses", &[NAME, ("Provisioner", S, 0, SC_PROVISIONER_DESC), ("ReclaimPolicy", S, 0, SC_RECLAIM_DESC),
        ("VolumeBindingMode", S, 0, SC_BINDING_DESC), ("AllowVolumeExpansion", S, 0, SC_EXPANSION_DESC), AGE]),
    ("resourcequotas", &[NAME, ("Request", S, 0, RQ_REQUEST_DESC), ("Limit", S, 0, RQ_LIMIT_DESC), AGE]),
    ("ingresses", &[NAME, ("Class", S, 0, ING_CLASS_DESC), ("Hosts", S, 0, ING_HOSTS_DESC), ("Address", S, 0, ING_ADDRESS_DESC),
        ("Ports", S, 0, ING_PORTS_DESC), AGE]),
    ("ingressclasses", &[NAME, ("Controller", S, 0, IC_CONTROLLER_DESC), ("Parameters", S, 0, IC_PARAMETERS_DESC), AGE]),
    ("endpoints", &[NAME, ("Endpoints", S, 0, EP_DESC), AGE]),
    ("rolebindings", &[NAME, ("Role", S, 0, RB_ROLE_DESC), AGE, ("Users", S, 1, "Users in the roleBinding"),
        ("Groups", S, 1, "Groups in the roleBinding"), ("ServiceAccounts", S, 1, "ServiceAccounts in the roleBinding")]),
    ("clusterrolebindings", &[NAME, ("Role", S, 0, CRB_ROLE_DESC), AGE, ("Users", S, 1, "Users in the clusterRoleBinding"),
        ("Groups", S, 1, "Groups in the clusterRoleBinding"), ("ServiceAccounts", S, 1, "ServiceAccounts in the clusterRoleBinding")]),
    // kube-aggregator's APIService table (served by apiservices.rs).
    ("apiservices", &[NAME, ("Service", S, 0, "The reference to the service that hosts this API endpoint."),
        ("Available", S, 0, "Whether this service is available."), AGE]),
];

fn col_defs(resource: &str) -> Option<&'static [Col]> {
    let r = canonical(resource);
    COLUMNS.iter().find(|e| e.0 == r).map(|e| e.1)
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

/// The sorted, de-duplicated IP (else hostname) of each load-balancer ingress point, as
/// loadBalancerStatusStringer lists them (wide: never clipped).
fn lb_ingress(ingress: &Value) -> Vec<&str> {
    let points = ingress.as_array().map_or(&[][..], Vec::as_slice);
    let mut all: Vec<&str> = points
        .iter()
        .map(|x| first(x, &["ip", "hostname"]))
        .collect();
    all.retain(|x| !x.is_empty());
    all.sort_unstable();
    all.dedup();
    all
}

// ----------------------------------------------------------------------------------- cells

/// Cells of one row for `obj`, in the order of `columns(resource)`.
pub fn cells(resource: &str, obj: &Value, now: Timestamp) -> Vec<Value> {
    let name = Value::from(s(obj, "metadata.name"));
    let (status, spec, age) = (g(obj, "status"), g(obj, "spec"), age(obj, now));
    match canonical(resource) {
        "pods" => pod_cells(obj, now),
        "deployments" => deployment_cells(obj, name, age),
        "replicasets" => replicaset_cells(obj, name, age),
        "statefulsets" => {
            let [c, i] = containers(spec);
            vec![name, ready_of_want(obj), age, c, i]
        }
        "jobs" => job_cells(obj, now),
        "horizontalpodautoscalers" => hpa_cells(obj, name, age),
        "services" => service_cells(obj, name, age),
        "secrets" => secret_cells(obj, name, age),
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
        "daemonsets" => daemonset_cells(obj, name, age),
        "replicationcontrollers" => rc_cells(obj, name, age),
        "cronjobs" => cronjob_cells(obj, name, now),
        "controllerrevisions" => controller_revision_cells(obj, name, age),
        "poddisruptionbudgets" => pdb_cells(obj, name, age),
        "persistentvolumes" => pv_cells(obj, name, age),
        "persistentvolumeclaims" => pvc_cells(obj, name, age),
        "storageclasses" => storageclass_cells(obj, age),
        "resourcequotas" => resourcequota_cells(obj, name, age),
        "ingresses" => ingress_cells(obj, name, age),
        "ingressclasses" => ingressclass_cells(obj, name, age),
        "endpoints" => endpoints_cells(obj, name, age),
        "rolebindings" | "clusterrolebindings" => binding_cells(obj, name, age),
        "apiservices" => apiservice_cells(obj, name, age),
        _ => default_cells(obj, name),
    }
}

/// An integer cell from `path` under `v`.
fn int(v: &Value, path: &str) -> Value {
    Value::from(n(v, path))
}

/// The READY cell of workloads: ready replicas of the wanted ones.
fn ready_of_want(obj: &Value) -> Value {
    format!(
        "{}/{}",
        n(g(obj, "status"), "readyReplicas"),
        n(g(obj, "spec"), "replicas")
    )
    .into()
}

/// printDeployment: READY, UP-TO-DATE, AVAILABLE, AGE, CONTAINERS, IMAGES, SELECTOR.
fn deployment_cells(obj: &Value, name: Value, age: Value) -> Vec<Value> {
    let (status, spec) = (g(obj, "status"), g(obj, "spec"));
    let [c, i] = containers(spec);
    let sel = selector_string(g(spec, "selector")).unwrap_or_else(|| "<invalid>".into());
    let (up, avail) = (
        int(status, "updatedReplicas"),
        int(status, "availableReplicas"),
    );
    vec![name, ready_of_want(obj), up, avail, age, c, i, sel.into()]
}

/// printReplicaSet: DESIRED, CURRENT, READY, AGE, CONTAINERS, IMAGES, SELECTOR.
fn replicaset_cells(obj: &Value, name: Value, age: Value) -> Vec<Value> {
    let (status, spec) = (g(obj, "status"), g(obj, "spec"));
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

/// printHorizontalPodAutoscaler: REFERENCE, TARGETS, MINPODS, MAXPODS, REPLICAS, AGE.
fn hpa_cells(obj: &Value, name: Value, age: Value) -> Vec<Value> {
    let (status, spec) = (g(obj, "status"), g(obj, "spec"));
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

/// printSecret: TYPE, DATA (the number of keys), AGE.
fn secret_cells(obj: &Value, name: Value, age: Value) -> Vec<Value> {
    // The real apiserver merges stringData into data on write; count the union.
    let maps = ["data", "stringData"].map(|f| obj.get(f).and_then(Value::as_object));
    let mut keys: Vec<&String> = maps.into_iter().flatten().flat_map(Map::keys).collect();
    keys.sort();
    keys.dedup();
    vec![name, s(obj, "type").into(), keys.len().into(), age]
}

/// The default table convertor: NAME and CREATED AT (creationTimestamp in RFC 3339, UTC).
fn default_cells(obj: &Value, name: Value) -> Vec<Value> {
    let created = ts(g(obj, "metadata.creationTimestamp"))
        .map_or("0001-01-01T00:00:00Z".into(), |t| {
            t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
        });
    vec![name, created.into()]
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

mod network;
use network::*;
mod rich;
pub use rich::row_conditions;
use rich::*;
mod storage;
use storage::*;
mod workloads;
use workloads::*;

#[cfg(test)]
mod groups_tests;
#[cfg(test)]
mod tests;
