//! Each kind's own defaulting, as kube-apiserver's `SetDefaults_<Kind>` functions do it:
//! the functions the registry of kinds ([`crate::kinds`]) names for its entries. Pure
//! functions of the object; [`crate::defaults::apply`] runs the common ObjectMeta defaults
//! first, then the one of the object's kind.

use base64::Engine;
use serde_json::{Map, Value, json};

use crate::meta;

fn set_default(m: &mut Map<String, Value>, k: &str, v: Value) {
    if !m.contains_key(k) || m[k].is_null() {
        m.insert(k.to_string(), v);
    }
}

fn probe(p: &mut Value) {
    if let Some(m) = p.as_object_mut() {
        set_default(m, "timeoutSeconds", json!(1));
        set_default(m, "periodSeconds", json!(10));
        set_default(m, "successThreshold", json!(1));
        set_default(m, "failureThreshold", json!(3));
        if let Some(h) = m.get_mut("httpGet").and_then(Value::as_object_mut) {
            set_default(h, "scheme", json!("HTTP"));
        }
    }
}

fn container(c: &mut Value) {
    let Some(m) = c.as_object_mut() else { return };
    let image = m.get("image").and_then(Value::as_str).unwrap_or("");
    let last = image.rsplit('/').next().unwrap_or(image);
    let pull = if !last.contains(':') || last.ends_with(":latest") {
        "Always"
    } else {
        "IfNotPresent"
    };
    set_default(m, "imagePullPolicy", json!(pull));
    set_default(m, "terminationMessagePath", json!("/dev/termination-log"));
    set_default(m, "terminationMessagePolicy", json!("File"));
    set_default(m, "resources", json!({}));
    if let Some(ports) = m.get_mut("ports").and_then(Value::as_array_mut) {
        for p in ports.iter_mut().filter_map(Value::as_object_mut) {
            set_default(p, "protocol", json!("TCP"));
        }
    }
    for k in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = m.get_mut(k) {
            probe(p);
        }
    }
}

pub fn pod_spec(spec: &mut Value) {
    let Some(m) = spec.as_object_mut() else {
        return;
    };
    set_default(m, "restartPolicy", json!("Always"));
    set_default(m, "terminationGracePeriodSeconds", json!(30));
    set_default(m, "dnsPolicy", json!("ClusterFirst"));
    set_default(m, "securityContext", json!({}));
    set_default(m, "schedulerName", json!("default-scheduler"));
    for k in ["containers", "initContainers"] {
        if let Some(cs) = m.get_mut(k).and_then(Value::as_array_mut) {
            cs.iter_mut().for_each(container);
        }
    }
}

/// SetDefaults_ReplicaSet: one replica, and the pod template's defaults.
pub fn replicaset(obj: &mut Value) {
    set_default(meta::obj_at(obj, &["spec"]), "replicas", json!(1));
    template_pod_spec(obj);
}

/// SetDefaults_HorizontalPodAutoscaler: minReplicas 1.
pub fn hpa(obj: &mut Value) {
    set_default(meta::obj_at(obj, &["spec"]), "minReplicas", json!(1));
}

/// SetDefaults_Job.
pub fn job(obj: &mut Value) {
    job_spec(obj, "/spec");
}

/// SetDefaults_PersistentVolume: Retain, Filesystem.
pub fn persistent_volume(obj: &mut Value) {
    let spec = meta::obj_at(obj, &["spec"]);
    set_default(spec, "persistentVolumeReclaimPolicy", json!("Retain"));
    set_default(spec, "volumeMode", json!("Filesystem"));
}

/// SetDefaults_PersistentVolumeClaim: Filesystem.
pub fn persistent_volume_claim(obj: &mut Value) {
    set_default(
        meta::obj_at(obj, &["spec"]),
        "volumeMode",
        json!("Filesystem"),
    );
}

/// SetDefaults_DaemonSet: history, a RollingUpdate strategy, the pod template's defaults.
pub fn daemonset(obj: &mut Value) {
    let spec = meta::obj_at(obj, &["spec"]);
    set_default(spec, "revisionHistoryLimit", json!(10));
    set_default(
        spec,
        "updateStrategy",
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}),
    );
    template_pod_spec(obj);
}

/// SetDefaults_CronJob: Allow, not suspended, history limits, and the job template's
/// defaults.
pub fn cronjob(obj: &mut Value) {
    let spec = meta::obj_at(obj, &["spec"]);
    set_default(spec, "concurrencyPolicy", json!("Allow"));
    set_default(spec, "suspend", json!(false));
    set_default(spec, "successfulJobsHistoryLimit", json!(3));
    set_default(spec, "failedJobsHistoryLimit", json!(1));
    job_spec(obj, "/spec/jobTemplate/spec");
}

/// The defaults of a workload's pod template (`spec.template.spec`).
fn template_pod_spec(obj: &mut Value) {
    if let Some(t) = obj.pointer_mut("/spec/template/spec") {
        pod_spec(t);
    }
}

/// SetDefaults_Job (for a Job's spec, or a CronJob's job template spec at `at`).
fn job_spec(obj: &mut Value, at: &str) {
    let Some(spec) = obj.pointer_mut(at).and_then(Value::as_object_mut) else {
        return;
    };
    if !spec.contains_key("completions") && !spec.contains_key("parallelism") {
        spec.insert("completions".into(), json!(1));
    }
    set_default(spec, "parallelism", json!(1));
    set_default(spec, "backoffLimit", json!(6));
    set_default(spec, "completionMode", json!("NonIndexed"));
    set_default(spec, "suspend", json!(false));
    set_default(spec, "podReplacementPolicy", json!("TerminatingOrFailed"));
    if let Some(t) = spec.get_mut("template").and_then(|t| t.get_mut("spec")) {
        pod_spec(t);
    }
}

/// SetDefaults_Deployment: one replica, history and progress deadline, a 25%/25%
/// RollingUpdate strategy, and the pod template's defaults.
pub fn deployment(obj: &mut Value) {
    let spec = meta::obj_at(obj, &["spec"]);
    set_default(spec, "replicas", json!(1));
    set_default(spec, "revisionHistoryLimit", json!(10));
    set_default(spec, "progressDeadlineSeconds", json!(600));
    set_default(
        spec,
        "strategy",
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}),
    );
    if let Some(s) = spec.get_mut("strategy").and_then(Value::as_object_mut) {
        set_default(s, "type", json!("RollingUpdate"));
        if s.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
            set_default(s, "rollingUpdate", json!({}));
            if let Some(ru) = s.get_mut("rollingUpdate").and_then(Value::as_object_mut) {
                set_default(ru, "maxSurge", json!("25%"));
                set_default(ru, "maxUnavailable", json!("25%"));
            }
        }
    }
    template_pod_spec(obj);
}

/// SetDefaults_StatefulSet: one replica, OrderedReady, a RollingUpdate strategy with
/// partition 0, history, PVC retention, and the pod template's defaults.
pub fn statefulset(obj: &mut Value) {
    let spec = meta::obj_at(obj, &["spec"]);
    set_default(spec, "replicas", json!(1));
    set_default(spec, "podManagementPolicy", json!("OrderedReady"));
    set_default(spec, "revisionHistoryLimit", json!(10));
    set_default(
        spec,
        "persistentVolumeClaimRetentionPolicy",
        json!({"whenDeleted": "Retain", "whenScaled": "Retain"}),
    );
    set_default(spec, "updateStrategy", json!({"type": "RollingUpdate"}));
    if let Some(s) = spec
        .get_mut("updateStrategy")
        .and_then(Value::as_object_mut)
    {
        set_default(s, "type", json!("RollingUpdate"));
        if s.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
            set_default(s, "rollingUpdate", json!({}));
            if let Some(ru) = s.get_mut("rollingUpdate").and_then(Value::as_object_mut) {
                set_default(ru, "partition", json!(0));
            }
        }
    }
    template_pod_spec(obj);
}

/// SetDefaults_Pod: the default service account, service links, priority, and the
/// pod spec's defaults.
pub fn pod(obj: &mut Value) {
    let spec = meta::obj_at(obj, &["spec"]);
    set_default(spec, "serviceAccountName", json!("default"));
    set_default(spec, "serviceAccount", json!("default"));
    set_default(spec, "enableServiceLinks", json!(true));
    set_default(spec, "preemptionPolicy", json!("PreemptLowerPriority"));
    set_default(spec, "priority", json!(0));
    if let Some(s) = obj.get_mut("spec") {
        pod_spec(s);
    }
}

/// SetDefaults_Service: a single-stack IPv4 ClusterIP; each port TCP, targeting
/// its own port number.
pub fn service(obj: &mut Value) {
    let spec = meta::obj_at(obj, &["spec"]);
    set_default(spec, "type", json!("ClusterIP"));
    set_default(spec, "sessionAffinity", json!("None"));
    set_default(spec, "ipFamilies", json!(["IPv4"]));
    set_default(spec, "ipFamilyPolicy", json!("SingleStack"));
    set_default(spec, "internalTrafficPolicy", json!("Cluster"));
    if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
        for p in ports.iter_mut().filter_map(Value::as_object_mut) {
            set_default(p, "protocol", json!("TCP"));
            if let Some(port) = p.get("port").cloned() {
                set_default(p, "targetPort", port);
            }
        }
    }
}

/// Secrets: type Opaque, and stringData folded into base64 data.
pub fn secret(obj: &mut Value) {
    let m = obj.as_object_mut().expect("object");
    set_default(m, "type", json!("Opaque"));
    if let Some(Value::Object(sd)) = m.remove("stringData") {
        let data = m.entry("data").or_insert_with(|| json!({}));
        if let Some(d) = data.as_object_mut() {
            for (k, v) in sd {
                let s = v.as_str().unwrap_or("");
                d.insert(
                    k,
                    json!(base64::engine::general_purpose::STANDARD.encode(s)),
                );
            }
        }
    }
}

/// Namespaces: the `kubernetes.io/metadata.name` label and the `kubernetes` finalizer.
pub fn namespace(obj: &mut Value) {
    let name = meta::name(obj).to_string();
    meta::obj_at(obj, &["metadata", "labels"])
        .insert("kubernetes.io/metadata.name".into(), json!(name));
    set_default(
        meta::obj_at(obj, &["spec"]),
        "finalizers",
        json!(["kubernetes"]),
    );
}

/// NetworkPolicies: policyTypes inferred — Ingress always, Egress when egress rules exist.
pub fn network_policy(obj: &mut Value) {
    let spec = meta::obj_at(obj, &["spec"]);
    if !spec.contains_key("policyTypes") {
        let mut t = vec![json!("Ingress")];
        if spec.contains_key("egress") {
            t.push(json!("Egress"));
        }
        spec.insert("policyTypes".into(), Value::Array(t));
    }
}
