//! Defaulting as kube-apiserver does it for the kinds the sim runs, and the autoscaling/v1
//! ↔ v2 conversion of HorizontalPodAutoscalers.

use base64::Engine;
use serde_json::{Map, Value, json};

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

/// Apply the defaults for this kind (idempotent; run on every write).
pub fn apply(obj: &mut Value) {
    let kind = obj
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    object_meta(obj, false);
    for t in [
        "/spec/template",
        "/spec/jobTemplate",
        "/spec/jobTemplate/spec/template",
    ] {
        if let Some(t) = obj.pointer_mut(t).filter(|t| t.is_object()) {
            object_meta(t, true);
        }
    }
    match kind.as_str() {
        "Deployment" => deployment(obj),
        "ReplicaSet" => {
            set_default(crate::meta::obj_at(obj, &["spec"]), "replicas", json!(1));
            if let Some(t) = obj.pointer_mut("/spec/template/spec") {
                pod_spec(t);
            }
        }
        "StatefulSet" => statefulset(obj),
        "Pod" => pod(obj),
        "Service" => service(obj),
        "Secret" => secret(obj),
        "Namespace" => namespace(obj),
        "HorizontalPodAutoscaler" => {
            set_default(crate::meta::obj_at(obj, &["spec"]), "minReplicas", json!(1));
        }
        "NetworkPolicy" => network_policy(obj),
        "Job" => job(obj, "/spec"),
        "PersistentVolume" => {
            let spec = crate::meta::obj_at(obj, &["spec"]);
            set_default(spec, "persistentVolumeReclaimPolicy", json!("Retain"));
            set_default(spec, "volumeMode", json!("Filesystem"));
        }
        "PersistentVolumeClaim" => {
            set_default(
                crate::meta::obj_at(obj, &["spec"]),
                "volumeMode",
                json!("Filesystem"),
            );
        }
        "DaemonSet" => {
            let spec = crate::meta::obj_at(obj, &["spec"]);
            set_default(spec, "revisionHistoryLimit", json!(10));
            set_default(
                spec,
                "updateStrategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}),
            );
            if let Some(t) = obj.pointer_mut("/spec/template/spec") {
                pod_spec(t);
            }
        }
        "CronJob" => {
            let spec = crate::meta::obj_at(obj, &["spec"]);
            set_default(spec, "concurrencyPolicy", json!("Allow"));
            set_default(spec, "suspend", json!(false));
            set_default(spec, "successfulJobsHistoryLimit", json!(3));
            set_default(spec, "failedJobsHistoryLimit", json!(1));
            job(obj, "/spec/jobTemplate/spec");
        }
        _ => {}
    }
}

/// An ObjectMeta as kube-apiserver encodes it: empty label and annotation maps omitted
/// (`omitempty`), and an embedded template's zero `creationTimestamp` written as `null`.
fn object_meta(obj: &mut Value, embedded: bool) {
    let Some(m) = obj.as_object_mut() else { return };
    if embedded {
        let md = m.entry("metadata").or_insert_with(|| json!({}));
        if let Some(md) = md.as_object_mut() {
            md.entry("creationTimestamp").or_insert(Value::Null);
        }
    }
    if let Some(md) = m.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in ["labels", "annotations"] {
            if md
                .get(k)
                .is_some_and(|v| v.is_null() || v.as_object().is_some_and(Map::is_empty))
            {
                md.remove(k);
            }
        }
    }
}

/// SetDefaults_Job (for a Job's spec, or a CronJob's job template spec at `at`).
fn job(obj: &mut Value, at: &str) {
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
fn deployment(obj: &mut Value) {
    let spec = crate::meta::obj_at(obj, &["spec"]);
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
    if let Some(t) = obj.pointer_mut("/spec/template/spec") {
        pod_spec(t);
    }
}

/// SetDefaults_StatefulSet: one replica, OrderedReady, a RollingUpdate strategy with
/// partition 0, history, PVC retention, and the pod template's defaults.
fn statefulset(obj: &mut Value) {
    let spec = crate::meta::obj_at(obj, &["spec"]);
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
    if let Some(t) = obj.pointer_mut("/spec/template/spec") {
        pod_spec(t);
    }
}

/// SetDefaults_Pod: the default service account, service links, priority, and the
/// pod spec's defaults.
fn pod(obj: &mut Value) {
    let spec = crate::meta::obj_at(obj, &["spec"]);
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
fn service(obj: &mut Value) {
    let spec = crate::meta::obj_at(obj, &["spec"]);
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
fn secret(obj: &mut Value) {
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
fn namespace(obj: &mut Value) {
    let name = crate::meta::name(obj).to_string();
    crate::meta::obj_at(obj, &["metadata", "labels"])
        .insert("kubernetes.io/metadata.name".into(), json!(name));
    set_default(
        crate::meta::obj_at(obj, &["spec"]),
        "finalizers",
        json!(["kubernetes"]),
    );
}

/// NetworkPolicies: policyTypes inferred — Ingress always, Egress when egress rules exist.
fn network_policy(obj: &mut Value) {
    let spec = crate::meta::obj_at(obj, &["spec"]);
    if !spec.contains_key("policyTypes") {
        let mut t = vec![json!("Ingress")];
        if spec.contains_key("egress") {
            t.push(json!("Egress"));
        }
        spec.insert("policyTypes".into(), Value::Array(t));
    }
}

/// autoscaling/v1 HPA (as a client sent it) → the stored autoscaling/v2 form.
pub fn hpa_v1_to_v2(v1: &Value) -> Value {
    let mut v2 = v1.clone();
    v2["apiVersion"] = json!("autoscaling/v2");
    if let Some(spec) = v2.get_mut("spec").and_then(Value::as_object_mut)
        && let Some(t) = spec.remove("targetCPUUtilizationPercentage")
    {
        spec.insert(
                "metrics".into(),
                json!([{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": t}}}]),
            );
    }
    if let Some(st) = v2.get_mut("status").and_then(Value::as_object_mut)
        && let Some(c) = st.remove("currentCPUUtilizationPercentage")
    {
        st.insert(
                "currentMetrics".into(),
                json!([{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": c}}}]),
            );
    }
    v2
}

/// Stored autoscaling/v2 HPA → autoscaling/v1 (only the CPU target survives, as in Kubernetes).
pub fn hpa_v2_to_v1(v2: &Value) -> Value {
    let mut v1 = v2.clone();
    v1["apiVersion"] = json!("autoscaling/v1");
    let cpu = |list: Option<&Value>, field: &str| {
        list.and_then(Value::as_array)?
            .iter()
            .find(|m| m.pointer("/resource/name").and_then(Value::as_str) == Some("cpu"))?
            .pointer(&format!("/resource/{field}/averageUtilization"))
            .cloned()
    };
    let target = cpu(v2.pointer("/spec/metrics"), "target");
    let current = cpu(v2.pointer("/status/currentMetrics"), "current");
    if let Some(spec) = v1.get_mut("spec").and_then(Value::as_object_mut) {
        spec.remove("metrics");
        spec.remove("behavior");
        if let Some(t) = target {
            spec.insert("targetCPUUtilizationPercentage".into(), t);
        }
    }
    if let Some(st) = v1.get_mut("status").and_then(Value::as_object_mut) {
        st.remove("currentMetrics");
        st.remove("conditions");
        if let Some(c) = current {
            st.insert("currentCPUUtilizationPercentage".into(), c);
        }
    }
    v1
}

#[cfg(test)]
#[path = "defaults_tests.rs"]
mod tests;
