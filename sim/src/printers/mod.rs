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

/// A kind's server-side printer, as kube-apiserver has one per kind (printers.go): its
/// columns, the cells of one row in their order, and the conditions it puts on a row.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    pub columns: &'static [Col],
    pub cells: fn(&Value, Timestamp) -> Vec<Value>,
    /// Row conditions (the pod printer marks finished pods); None for most printers.
    pub conditions: Option<fn(&Value) -> Option<Value>>,
}

impl Printer {
    const fn new(columns: &'static [Col], cells: fn(&Value, Timestamp) -> Vec<Value>) -> Self {
        Printer {
            columns,
            cells,
            conditions: None,
        }
    }
}

// The printers (kube-apiserver pkg/printers/internalversion), named by kind; more in the
// files below, beside their cells. The registry of kinds (crate::kinds) says which kind
// uses which.

/// printDeployment.
#[rustfmt::skip]
pub const DEPLOYMENT: Printer = Printer::new(&[NAME, ("Ready", S, 0, "Number of the pod with ready state"), ("Up-to-date", S, 0, "Total number of non-terminating pods targeted by this deployment that have the desired template spec."),
    ("Available", S, 0, "Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment."),
    AGE, CONTAINERS, IMAGES, SELECTOR],
    deployment_cells);

/// printReplicaSet.
#[rustfmt::skip]
pub const REPLICA_SET: Printer = Printer::new(&[NAME, ("Desired", I, 0, "Replicas is the number of desired pods."), ("Current", I, 0, "Replicas is the most recently observed number of non-terminating pods."),
    ("Ready", I, 0, "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition."),
    AGE, CONTAINERS, IMAGES, SELECTOR],
    replicaset_cells);

/// printStatefulSet.
#[rustfmt::skip]
pub const STATEFUL_SET: Printer = Printer::new(&[NAME, ("Ready", S, 0, "Number of the pod with ready state"), AGE, CONTAINERS, IMAGES],
    statefulset_cells);

/// printHorizontalPodAutoscaler.
#[rustfmt::skip]
pub const HPA: Printer = Printer::new(&[NAME, ("Reference", S, 0, "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count."),
    ("Targets", S, 0, "metrics contains the specifications for which to use to calculate the desired replica count."),
    ("MinPods", S, 0, "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down."),
    ("MaxPods", S, 0, "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up."),
    ("Replicas", S, 0, "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler."),
    AGE],
    hpa_cells);

/// printSecret.
#[rustfmt::skip]
pub const SECRET: Printer = Printer::new(&[NAME, ("Type", S, 0, "Used to facilitate programmatic handling of secret data."), ("Data", S, 0, "Data contains the secret data."),
    AGE],
    secret_cells);

/// printConfigMap.
#[rustfmt::skip]
pub const CONFIG_MAP: Printer = Printer::new(&[NAME, ("Data", S, 0, "Data contains the configuration data."), AGE],
    configmap_cells);

/// printNetworkPolicy.
#[rustfmt::skip]
pub const NETWORK_POLICY: Printer = Printer::new(&[NAME, ("Pod-Selector", S, 0, "podSelector selects the pods to which this NetworkPolicy object applies."), AGE],
    networkpolicy_cells);

/// printNamespace.
#[rustfmt::skip]
pub const NAMESPACE: Printer = Printer::new(&[NAME, ("Status", S, 0, "The status of the namespace"), AGE],
    namespace_cells);

/// printServiceAccount.
#[rustfmt::skip]
pub const SERVICE_ACCOUNT: Printer = Printer::new(&[NAME, ("Secrets", S, 0, "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."), AGE],
    serviceaccount_cells);

fn def(name: &str, ty: &str, format: &str, priority: u8, desc: &str) -> Value {
    json!({"name": name, "type": ty, "format": format, "description": desc, "priority": priority})
}

/// Column definitions (metav1.TableColumnDefinition) of a printer; None: the default
/// table convertor's.
pub fn columns(printer: Option<&Printer>) -> Vec<Value> {
    let Some(cols) = printer.map(|p| p.columns) else {
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

/// Cells of one row for `obj`, in the order of [`columns`] of the same printer.
pub fn cells(printer: Option<&Printer>, obj: &Value, now: Timestamp) -> Vec<Value> {
    match printer {
        Some(p) => (p.cells)(obj, now),
        None => default_cells(obj, now),
    }
}

/// The conditions a printer puts on the row of `obj`.
pub fn row_conditions(printer: Option<&Printer>, obj: &Value) -> Option<Value> {
    (printer?.conditions?)(obj)
}

/// The NAME and AGE cells most rows start and end with.
fn name_age(obj: &Value, now: Timestamp) -> (Value, Value) {
    (s(obj, "metadata.name").into(), age(obj, now))
}

/// printStatefulSet: READY, AGE, CONTAINERS, IMAGES.
fn statefulset_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
    let [c, i] = containers(g(obj, "spec"));
    vec![name, ready_of_want(obj), age, c, i]
}

/// printConfigMap: DATA (keys of data and binaryData), AGE.
fn configmap_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
    let data = len(obj, "data") + len(obj, "binaryData");
    vec![name, data.into(), age]
}

/// printNetworkPolicy: POD-SELECTOR, AGE.
fn networkpolicy_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
    vec![name, format_selector(g(obj, "spec.podSelector")), age]
}

/// printNamespace: STATUS (the phase), AGE.
fn namespace_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
    vec![name, s(obj, "status.phase").into(), age]
}

/// printServiceAccount: SECRETS (how many), AGE.
fn serviceaccount_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
    vec![name, len(obj, "secrets").into(), age]
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
fn deployment_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
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
fn replicaset_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
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
fn hpa_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
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
fn secret_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
    // The real apiserver merges stringData into data on write; count the union.
    let maps = ["data", "stringData"].map(|f| obj.get(f).and_then(Value::as_object));
    let mut keys: Vec<&String> = maps.into_iter().flatten().flat_map(Map::keys).collect();
    keys.sort();
    keys.dedup();
    vec![name, s(obj, "type").into(), keys.len().into(), age]
}

/// The default table convertor: NAME and CREATED AT (creationTimestamp in RFC 3339, UTC).
fn default_cells(obj: &Value, _now: Timestamp) -> Vec<Value> {
    let name = Value::from(s(obj, "metadata.name"));
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
pub use network::*;
mod rich;
pub use rich::*;
mod storage;
pub use storage::*;
mod workloads;
pub use workloads::*;

#[cfg(test)]
mod groups_tests;
#[cfg(test)]
mod tests;
