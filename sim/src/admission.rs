//! What the API server does to an object on its way into the store, without HTTP:
//! server-set fields of new objects, the server-owned parts carried over on update, and
//! creation from inside the sim (bootstrap, preload, controllers).

use std::sync::Arc;

use serde_json::{Value, json};

use crate::apply::{self, Writer};
use crate::resources::ResourceDef;
use crate::{Sim, defaults, kinds, meta, validate};

pub mod per_kind;
use per_kind::NewObject;

/// Server-set fields of a new object: uid, creation time and generation, no status a
/// client sent for a resource with a status subresource, then what its kind's initializer
/// sets (`init` of its [`crate::kinds::KindSpec`]: initial status, a Service's cluster
/// IP, a Job's selector).
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
    if let Some(init) = kinds::spec(def).and_then(|k| k.init) {
        let cluster_ip = || sim.next_cluster_ip();
        let new = NewObject {
            uid: &uid,
            cluster_ip: &cluster_ip,
        };
        init(obj, &new);
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
    let def = kinds::by_kind(av, kind)
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
    let def = kinds::by_kind(&av, &kind)
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
