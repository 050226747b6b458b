//! The printers of the workload kinds beyond pods, deployments, replica sets, stateful sets
//! and jobs: daemon sets, replication controllers, cron jobs, controller revisions and pod
//! disruption budgets (printDaemonSet, printReplicationController, printCronJob,
//! printControllerRevision, printPodDisruptionBudget).

use jiff::Timestamp;
use serde_json::Value;

use super::*;

// Column descriptions: the swagger docs the real column definitions point at (k8s.io/api
// v0.33, the API versions printers.go names).
pub(super) const DS_DESIRED_DESC: &str = "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/";
pub(super) const DS_CURRENT_DESC: &str = "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/";
pub(super) const DS_READY_DESC: &str = "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.";
pub(super) const DS_UPDATED_DESC: &str =
    "The total number of nodes that are running updated daemon pod";
pub(super) const DS_AVAILABLE_DESC: &str = "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)";
pub(super) const NODE_SELECTOR_DESC: &str = "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/";
pub(super) const DS_SELECTOR_DESC: &str = "A label query over pods that are managed by the daemon set. Must match in order to be controlled. If empty, defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors";
pub(super) const RC_DESIRED_DESC: &str = "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller";
pub(super) const RC_CURRENT_DESC: &str = "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller";
pub(super) const RC_READY_DESC: &str =
    "The number of ready replicas for this replication controller.";
pub(super) const RC_SELECTOR_DESC: &str = "Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template. Label keys and values that must match in order to be controlled by this replication controller, if empty defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors";
pub(super) const CJ_SCHEDULE_DESC: &str =
    "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.";
pub(super) const CJ_TIMEZONE_DESC: &str = "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones";
pub(super) const CJ_SUSPEND_DESC: &str = "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.";
pub(super) const CJ_ACTIVE_DESC: &str = "A list of pointers to currently running jobs.";
pub(super) const CJ_LAST_DESC: &str =
    "Information when was the last time the job was successfully scheduled.";
pub(super) const JOB_SELECTOR_DESC: &str = "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors";
pub(super) const CR_REVISION_DESC: &str =
    "revision indicates the revision of the state represented by Data.";

/// The CONTAINERS, IMAGES and SELECTOR cells of a workload whose pod template is
/// `pod_spec_parent.template` and whose selector is `selector`.
fn wide_cells(pod_spec_parent: &Value, selector: Value) -> [Value; 3] {
    let [c, i] = containers(pod_spec_parent);
    [c, i, selector]
}

/// printDaemonSet: DESIRED, CURRENT, READY, UP-TO-DATE, AVAILABLE, NODE SELECTOR, AGE,
/// CONTAINERS, IMAGES, SELECTOR.
pub(super) fn daemonset_cells(obj: &Value, name: Value, age: Value) -> Vec<Value> {
    let (status, spec) = (g(obj, "status"), g(obj, "spec"));
    let counts = [
        "desiredNumberScheduled",
        "currentNumberScheduled",
        "numberReady",
        "updatedNumberScheduled",
        "numberAvailable",
    ]
    .map(|f| int(status, f));
    let node_selector = format_labels(g(spec, "template.spec.nodeSelector"));
    let wide = wide_cells(spec, format_selector(g(spec, "selector")));
    let mut row = vec![name];
    row.extend(counts);
    row.extend([node_selector, age]);
    row.extend(wide);
    row
}

/// printReplicationController: DESIRED, CURRENT, READY, AGE, CONTAINERS, IMAGES, SELECTOR
/// (the selector is a plain label map).
pub(super) fn rc_cells(obj: &Value, name: Value, age: Value) -> Vec<Value> {
    let (status, spec) = (g(obj, "status"), g(obj, "spec"));
    let counts = [
        int(spec, "replicas"),
        int(status, "replicas"),
        int(status, "readyReplicas"),
    ];
    let wide = wide_cells(spec, format_labels(g(spec, "selector")));
    let mut row = vec![name];
    row.extend(counts);
    row.push(age);
    row.extend(wide);
    row
}

/// printBoolPtr: "True", "False", or "<unset>" for a missing value.
pub(super) fn bool_ptr(v: &Value) -> Value {
    match v.as_bool() {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    }
    .into()
}

/// printCronJob: SCHEDULE, TIMEZONE, SUSPEND, ACTIVE, LAST SCHEDULE, AGE, CONTAINERS,
/// IMAGES, SELECTOR (of the job template).
pub(super) fn cronjob_cells(obj: &Value, name: Value, now: Timestamp) -> Vec<Value> {
    let (status, spec) = (g(obj, "status"), g(obj, "spec"));
    let last = match ts(g(status, "lastScheduleTime")) {
        None if g(status, "lastScheduleTime").is_null() => "<none>".to_string(),
        t => since(t, now),
    };
    let job = g(spec, "jobTemplate.spec");
    let wide = wide_cells(job, format_selector(g(job, "selector")));
    let mut row = vec![
        name,
        s(spec, "schedule").into(),
        g(spec, "timeZone").as_str().unwrap_or("<none>").into(),
        bool_ptr(g(spec, "suspend")),
        arr(status, "active").len().into(),
        last.into(),
        age(obj, now),
    ];
    row.extend(wide);
    row
}

/// printControllerRevision: CONTROLLER ("kind.group/name" of the controlling owner, or
/// `<none>`), REVISION, AGE.
pub(super) fn controller_revision_cells(obj: &Value, name: Value, age: Value) -> Vec<Value> {
    let owners = arr(obj, "metadata.ownerReferences");
    let controller = owners.iter().find(|o| yes(o, "controller"));
    let controller = controller.map_or_else(
        || "<none>".to_string(),
        |o| {
            // schema.ParseGroupVersion: "v1" is the core group, "apps/v1" is group "apps".
            let group = s(o, "apiVersion").rsplit_once('/').map_or("", |(g, _)| g);
            let kind = match (s(o, "kind"), group) {
                ("", "") => return s(o, "name").to_string(),
                (k, "") => k.to_string(),
                (k, grp) => format!("{k}.{grp}"),
            };
            format!("{}/{}", kind.to_lowercase(), s(o, "name"))
        },
    );
    vec![name, controller.into(), int(obj, "revision"), age]
}

/// IntOrString.String(): the number or the string; None for a missing value.
fn int_or_string(v: &Value) -> Option<String> {
    match v {
        Value::Number(x) => Some(x.to_string()),
        Value::String(x) => Some(x.clone()),
        _ => None,
    }
}

/// printPodDisruptionBudget: MIN AVAILABLE, MAX UNAVAILABLE ("N/A" when unset), ALLOWED
/// DISRUPTIONS, AGE.
pub(super) fn pdb_cells(obj: &Value, name: Value, age: Value) -> Vec<Value> {
    let spec = g(obj, "spec");
    let bound = |f: &str| int_or_string(g(spec, f)).unwrap_or_else(|| "N/A".into());
    vec![
        name,
        bound("minAvailable").into(),
        bound("maxUnavailable").into(),
        int(obj, "status.disruptionsAllowed"),
        age,
    ]
}
