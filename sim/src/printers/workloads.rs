//! The printers of the workload kinds beyond pods, deployments, replica sets, stateful sets
//! and jobs: daemon sets, replication controllers, cron jobs, controller revisions and pod
//! disruption budgets (printDaemonSet, printReplicationController, printCronJob,
//! printControllerRevision, printPodDisruptionBudget).

use jiff::Timestamp;
use serde_json::Value;

use super::*;

// Column descriptions: the swagger docs the real column definitions point at (k8s.io/api
// v0.33, the API versions printers.go names).
const DS_DESIRED_DESC: &str = "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/";
const DS_CURRENT_DESC: &str = "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/";
const DS_READY_DESC: &str = "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.";
const DS_UPDATED_DESC: &str = "The total number of nodes that are running updated daemon pod";
const DS_AVAILABLE_DESC: &str = "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)";
const NODE_SELECTOR_DESC: &str = "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/";
const DS_SELECTOR_DESC: &str = "A label query over pods that are managed by the daemon set. Must match in order to be controlled. If empty, defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors";
const RC_DESIRED_DESC: &str = "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller";
const RC_CURRENT_DESC: &str = "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller";
const RC_READY_DESC: &str = "The number of ready replicas for this replication controller.";
const RC_SELECTOR_DESC: &str = "Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template. Label keys and values that must match in order to be controlled by this replication controller, if empty defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors";
const CJ_SCHEDULE_DESC: &str =
    "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.";
const CJ_TIMEZONE_DESC: &str = "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones";
const CJ_SUSPEND_DESC: &str = "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.";
const CJ_ACTIVE_DESC: &str = "A list of pointers to currently running jobs.";
const CJ_LAST_DESC: &str = "Information when was the last time the job was successfully scheduled.";
const JOB_SELECTOR_DESC: &str = "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors";
const CR_REVISION_DESC: &str = "revision indicates the revision of the state represented by Data.";

/// The CONTAINERS, IMAGES and SELECTOR cells of a workload whose pod template is
/// `pod_spec_parent.template` and whose selector is `selector`.
fn wide_cells(pod_spec_parent: &Value, selector: Value) -> [Value; 3] {
    let [c, i] = containers(pod_spec_parent);
    [c, i, selector]
}

/// printDaemonSet: DESIRED, CURRENT, READY, UP-TO-DATE, AVAILABLE, NODE SELECTOR, AGE,
/// CONTAINERS, IMAGES, SELECTOR.
pub(super) fn daemonset_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
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
pub(super) fn rc_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
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
pub(super) fn cronjob_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let name = Value::from(s(obj, "metadata.name"));
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
pub(super) fn controller_revision_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
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
pub(super) fn pdb_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
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

// ------------------------------------------------------------------------------ printers

/// printDaemonSet.
#[rustfmt::skip]
pub const DAEMON_SET: Printer = Printer::new(&[NAME, ("Desired", I, 0, DS_DESIRED_DESC), ("Current", I, 0, DS_CURRENT_DESC), ("Ready", I, 0, DS_READY_DESC),
    ("Up-to-date", I, 0, DS_UPDATED_DESC), ("Available", I, 0, DS_AVAILABLE_DESC), ("Node Selector", S, 0, NODE_SELECTOR_DESC),
    AGE, CONTAINERS, IMAGES, ("Selector", S, 1, DS_SELECTOR_DESC)],
    daemonset_cells);

/// printReplicationController.
#[rustfmt::skip]
pub const REPLICATION_CONTROLLER: Printer = Printer::new(&[NAME, ("Desired", I, 0, RC_DESIRED_DESC), ("Current", I, 0, RC_CURRENT_DESC), ("Ready", I, 0, RC_READY_DESC),
    AGE, CONTAINERS, IMAGES, ("Selector", S, 1, RC_SELECTOR_DESC)],
    rc_cells);

/// printCronJob.
#[rustfmt::skip]
pub const CRON_JOB: Printer = Printer::new(&[NAME, ("Schedule", S, 0, CJ_SCHEDULE_DESC), ("Timezone", S, 0, CJ_TIMEZONE_DESC), ("Suspend", "boolean", 0, CJ_SUSPEND_DESC),
    ("Active", I, 0, CJ_ACTIVE_DESC), ("Last Schedule", S, 0, CJ_LAST_DESC), AGE, CONTAINERS, IMAGES, ("Selector", S, 1, JOB_SELECTOR_DESC)],
    cronjob_cells);

/// printControllerRevision.
#[rustfmt::skip]
pub const CONTROLLER_REVISION: Printer = Printer::new(&[NAME, ("Controller", S, 0, "Controller of the object"), ("Revision", S, 0, CR_REVISION_DESC), AGE],
    controller_revision_cells);

/// printPodDisruptionBudget.
#[rustfmt::skip]
pub const POD_DISRUPTION_BUDGET: Printer = Printer::new(&[NAME, ("Min Available", S, 0, "The minimum number of pods that must be available."),
    ("Max Unavailable", S, 0, "The maximum number of pods that may be unavailable."),
    ("Allowed Disruptions", I, 0, "Calculated number of pods that may be disrupted at this time."), AGE],
    pdb_cells);
