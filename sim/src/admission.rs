//! What the API server does to an object on its way into the store, without HTTP:
//! server-set fields of new objects, the server-owned parts carried over on update, and
//! creation from inside the sim (bootstrap, preload, controllers).

use std::sync::Arc;

use serde_json::{Value, json};

use crate::apply::{self, Writer};
use crate::resources::{self, ResourceDef};
use crate::{Sim, defaults, meta, validate};

/// Server-set fields of a new object.
pub fn init_new(sim: &Sim, def: &ResourceDef, obj: &mut Value) {
    let now = sim.clock.now_str();
    let uid = sim.rng.uuid();
    let md = meta::metadata_mut(obj);
    md.insert("uid".into(), json!(uid));
    md.insert("creationTimestamp".into(), json!(now));
    md.remove("resourceVersion");
    md.remove("deletionTimestamp");
    if obj.get("spec").is_some() {
        meta::metadata_mut(obj).insert("generation".into(), json!(1));
    }
    if def.has_subresource("status")
        && let Some(m) = obj.as_object_mut()
    {
        m.remove("status");
    }
    match def.kind {
        "Pod" => obj["status"] = json!({"phase": "Pending", "qosClass": qos_class(obj)}),
        "Namespace" => obj["status"] = json!({"phase": "Active"}),
        "Service" => {
            let want = obj
                .pointer("/spec/clusterIP")
                .and_then(Value::as_str)
                .unwrap_or("");
            if want.is_empty()
                && obj.pointer("/spec/type").and_then(Value::as_str) != Some("ExternalName")
            {
                let ip = sim.next_cluster_ip();
                obj["spec"]["clusterIP"] = json!(ip);
                obj["spec"]["clusterIPs"] = json!([ip]);
            }
            obj["status"] = json!({"loadBalancer": {}});
        }
        "Job" => job_selector(obj, &uid),
        // No volume binder runs: a volume waits to be claimed, a claim for its volume.
        "PersistentVolume" => obj["status"] = json!({"phase": "Available"}),
        "PersistentVolumeClaim" => obj["status"] = json!({"phase": "Pending"}),
        _ => {}
    }
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

/// Carry the server-owned parts of `old` into `new` for an update of subresource `sub`.
pub fn merge_update(def: &ResourceDef, old: &Value, mut new: Value, sub: Option<&str>) -> Value {
    if sub == Some("status") {
        let mut out = old.clone();
        out["status"] = new.get("status").cloned().unwrap_or(json!({}));
        return out;
    }
    for k in [
        "uid",
        "creationTimestamp",
        "generation",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
    ] {
        match old.pointer(&format!("/metadata/{k}")) {
            Some(v) => {
                meta::metadata_mut(&mut new).insert(k.into(), v.clone());
            }
            None => {
                meta::metadata_mut(&mut new).remove(k);
            }
        }
    }
    if def.has_subresource("status") {
        match old.get("status") {
            Some(s) => new["status"] = s.clone(),
            None => {
                new.as_object_mut().map(|m| m.remove("status"));
            }
        }
    }
    new
}

/// A spec change bumps the generation; compared once the defaults are in, so a write that
/// only spells out defaults (or drops them) is no change, as on kube-apiserver.
pub fn bump_generation(old: &Value, new: &mut Value) {
    if old.get("spec") != new.get("spec") && old.get("spec").is_some() {
        let g = meta::generation(old) + 1;
        meta::metadata_mut(new).insert("generation".into(), json!(g));
    }
}

/// Create an object from inside the sim (bootstrap, preload, controllers): the same
/// defaults, validation and metadata as an API create, recorded as an apply by `manager`.
/// Create `obj` like an earlier object that `manager` created with the same fields set:
/// with that object's managedFields entry (`entry`) at this time, and without server-side
/// apply or validation (the earlier one went through them).
pub fn create_like(sim: &Sim, mut obj: Value, entry: &Value) -> Result<Arc<Value>, String> {
    let av = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let def = resources::by_kind(av, kind)
        .ok_or_else(|| format!("no matches for kind \"{kind}\" in version \"{av}\""))?;
    if let Some(m) = obj.as_object_mut() {
        // Apply drops null fields.
        m.retain(|_, v| !v.is_null());
    }
    init_new(sim, def, &mut obj);
    let mut entry = entry.clone();
    entry["time"] = json!(sim.clock.now_str());
    meta::metadata_mut(&mut obj).insert("managedFields".into(), json!([entry]));
    defaults::apply(&mut obj);
    let name = meta::name(&obj).to_string();
    sim.store
        .create(&def.key(), obj)
        .map_err(|e| format!("{} {name}: {e:?}", def.resource))
}

pub fn create_internal(sim: &Sim, obj: Value, manager: &str) -> Result<Arc<Value>, String> {
    let (def, o) = prepare_internal(sim, obj, manager)?;
    let name = meta::name(&o).to_string();
    sim.store
        .create(&def.key(), o)
        .map_err(|e| format!("{} {name}: {e:?}", def.resource))
}

/// What [`create_internal`] stores (the object and its resource), without storing it.
pub fn prepare_internal(
    sim: &Sim,
    obj: Value,
    manager: &str,
) -> Result<(&'static ResourceDef, Value), String> {
    let av = obj
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let kind = obj
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let def = resources::by_kind(&av, &kind)
        .ok_or_else(|| format!("no matches for kind \"{kind}\" in version \"{av}\""))?;
    let now = sim.clock.now_str();
    let w = Writer {
        manager,
        subresource: "",
        api_version: &av,
        time: &now,
    };
    let status = obj.get("status").cloned();
    let mut o = apply::apply(None, &obj, &w, true).map_err(|_| "conflict".to_string())?;
    o["apiVersion"] = json!(av);
    o["kind"] = json!(kind);
    let managed = o.pointer("/metadata/managedFields").cloned();
    init_new(sim, def, &mut o);
    if let Some(s) = status.filter(|_| def.kind != "Pod") {
        o["status"] = s;
    }
    if let Some(m) = managed {
        meta::metadata_mut(&mut o).insert("managedFields".into(), m);
    }
    defaults::apply(&mut o);
    validate::check_invalid(&o, def.group).map_err(|e| e.message)?;
    Ok((def, o))
}
