//! Each kind's server-set fields of a new object beyond the common metadata — initial
//! status, a Service's cluster IP, a Job's generated selector: the initializers the
//! registry of kinds ([`crate::kinds`]) names for its entries. They get what they need of
//! the server in a [`NewObject`], not the cluster.

use serde_json::{Value, json};

use crate::meta;

/// What an initializer may take from the server for a new object.
pub struct NewObject<'a> {
    /// The uid the object was just given.
    pub uid: &'a str,
    /// The next free cluster IP (allocated when called).
    pub cluster_ip: &'a dyn Fn() -> String,
}

/// Pods start Pending, with their QoS class.
pub fn pod(obj: &mut Value, _: &NewObject) {
    obj["status"] = json!({"phase": "Pending", "qosClass": qos_class(obj)});
}

pub fn namespace(obj: &mut Value, _: &NewObject) {
    obj["status"] = json!({"phase": "Active"});
}

/// A cluster IP unless the client chose one (or the Service is an ExternalName), and an
/// empty load-balancer status.
pub fn service(obj: &mut Value, new: &NewObject) {
    let want = obj
        .pointer("/spec/clusterIP")
        .and_then(Value::as_str)
        .unwrap_or("");
    if want.is_empty() && obj.pointer("/spec/type").and_then(Value::as_str) != Some("ExternalName")
    {
        let ip = (new.cluster_ip)();
        obj["spec"]["clusterIP"] = json!(ip);
        obj["spec"]["clusterIPs"] = json!([ip]);
    }
    obj["status"] = json!({"loadBalancer": {}});
}

pub fn job(obj: &mut Value, new: &NewObject) {
    job_selector(obj, new.uid);
}

// No volume binder runs: a volume waits to be claimed, a claim for its volume.

pub fn persistent_volume(obj: &mut Value, _: &NewObject) {
    obj["status"] = json!({"phase": "Available"});
}

pub fn persistent_volume_claim(obj: &mut Value, _: &NewObject) {
    obj["status"] = json!({"phase": "Pending"});
}

/// The Job strategy's generated selector: the Job's uid, with its labels on the template.
fn job_selector(job: &mut Value, uid: &str) {
    if job.pointer("/spec/manualSelector").and_then(Value::as_bool) == Some(true) {
        return;
    }
    let name = meta::name(job).to_string();
    let labels = meta::obj_at(job, &["spec", "template", "metadata", "labels"]);
    for (k, v) in [
        ("batch.kubernetes.io/controller-uid", uid),
        ("batch.kubernetes.io/job-name", &name),
        ("controller-uid", uid),
        ("job-name", &name),
    ] {
        labels.insert(k.into(), json!(v));
    }
    job["spec"]["selector"] = json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}});
    // SetDefaults_Job: a Job without labels takes its template's.
    let empty = job
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .is_none_or(|l| l.is_empty());
    if empty && let Some(l) = job.pointer("/spec/template/metadata/labels").cloned() {
        meta::metadata_mut(job).insert("labels".into(), l);
    }
}

fn qos_class(pod: &Value) -> &'static str {
    let cs = pod.pointer("/spec/containers").and_then(Value::as_array);
    let Some(cs) = cs else { return "BestEffort" };
    let has = |c: &Value, k: &str| {
        c.pointer(&format!("/resources/{k}"))
            .and_then(Value::as_object)
            .is_some_and(|m| !m.is_empty())
    };
    if cs.iter().all(|c| !has(c, "requests") && !has(c, "limits")) {
        "BestEffort"
    } else if cs.iter().all(|c| {
        has(c, "limits")
            && ["cpu", "memory"].iter().all(|r| {
                let l = c.pointer(&format!("/resources/limits/{r}"));
                let q = c.pointer(&format!("/resources/requests/{r}")).or(l);
                l.is_some() && l.and_then(meta::parse_quantity) == q.and_then(meta::parse_quantity)
            })
    }) {
        "Guaranteed"
    } else {
        "Burstable"
    }
}
