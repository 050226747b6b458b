//! create, update, patch (merge, strategic, JSON) and server-side apply on any served
//! resource.

use std::sync::Arc;

use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::objects::{
    check_kind, check_namespace, current, finish, from_client, name_of, parse_body, respond,
    scale_of, store_err, to_client, with_warnings,
};
use super::{Req, Target};
use crate::admission::{init_new, merge_update};
use crate::apply::{self, Writer};
use crate::errors::{ApiError, ApiResult};
use crate::store::StoreError;
use crate::validate::{self, FieldValidation};
use crate::{Sim, meta, patch};

pub fn create(sim: &Arc<Sim>, t: &Target, r: &Req) -> ApiResult<Response> {
    let mode = FieldValidation::parse(r.q("fieldValidation"))?;
    let mut obj = parse_body(r)?;
    check_kind(t, &mut obj, t.def.kind, &t.def.api_version())?;
    let warnings = validate::check_schema(&obj, mode)?;
    validate::drop_unknown_fields(&mut obj, None);
    let mut obj = from_client(t.def, obj);
    if meta::name(&obj).is_empty()
        && let Some(g) = obj
            .pointer("/metadata/generateName")
            .and_then(Value::as_str)
    {
        let n = format!("{g}{}", sim.rng.suffix(5));
        meta::metadata_mut(&mut obj).insert("name".into(), json!(n));
    }
    check_namespace(sim, t, &mut obj)?;
    init_new(sim, t.def, &mut obj);
    let obj = finish(sim, t, r, None, obj, true)?;
    let name = meta::name(&obj).to_string();
    if r.dry_run() {
        if sim.store.get(&t.def.key(), t.ns(), &name).is_some() {
            return Err(ApiError::already_exists(t.def, &name));
        }
        return Ok(with_warnings(
            respond(sim, t, r, StatusCode::CREATED, &obj),
            &warnings,
        ));
    }
    let stored = sim
        .store
        .create(&t.def.key(), obj)
        .map_err(|e| store_err(t, &name, e))?;
    Ok(with_warnings(
        respond(sim, t, r, StatusCode::CREATED, &stored),
        &warnings,
    ))
}

/// Store `obj` as the new version of `old` (or only pretend, with dryRun).
fn commit(
    sim: &Sim,
    t: &Target,
    r: &Req,
    old: &Value,
    obj: Value,
) -> Result<Arc<Value>, StoreError> {
    if r.dry_run() {
        let mut o = obj;
        meta::metadata_mut(&mut o)
            .insert("resourceVersion".into(), json!(meta::resource_version(old)));
        return Ok(Arc::new(o));
    }
    if unchanged(old, &obj) {
        // kube-apiserver skips a write that changes nothing (managedFields' timestamps
        // aside): same resourceVersion, no watch event; kubectl says "(no change)".
        return Ok(Arc::new(old.clone()));
    }
    sim.store
        .replace(&t.def.key(), obj, Some(meta::resource_version(old)))
}

fn unchanged(old: &Value, new: &Value) -> bool {
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(md) = v.get_mut("metadata").and_then(Value::as_object_mut) {
            md.remove("managedFields");
            md.remove("resourceVersion");
        }
        v
    };
    strip(old) == strip(new)
}

/// The answer to a commit of a read-modify-write: the response, or None to read again and
/// retry (someone else wrote in between, as kube-apiserver retries patches).
fn committed(
    sim: &Sim,
    t: &Target,
    r: &Req,
    name: &str,
    warnings: &[String],
    result: Result<Arc<Value>, StoreError>,
) -> Option<ApiResult<Response>> {
    match result {
        Ok(stored) => Some(Ok(with_warnings(
            respond(sim, t, r, StatusCode::OK, &stored),
            warnings,
        ))),
        Err(StoreError::Conflict) => None,
        Err(e) => Some(Err(store_err(t, name, e))),
    }
}

/// A Scale body/patch result written back onto the Deployment/ReplicaSet.
fn apply_scale(old: &Value, scale: &Value) -> ApiResult<Value> {
    let replicas = scale
        .pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    if replicas < 0 {
        return Err(ApiError::invalid(
            "Scale",
            "autoscaling",
            meta::name(old),
            &[(
                "spec.replicas".into(),
                format!("Invalid value: {replicas}: must be greater than or equal to 0"),
            )],
        ));
    }
    let mut new = old.clone();
    new["spec"]["replicas"] = json!(replicas);
    Ok(new)
}

pub fn update(sim: &Arc<Sim>, t: &Target, r: &Req) -> ApiResult<Response> {
    let mode = FieldValidation::parse(r.q("fieldValidation"))?;
    let mut body = parse_body(r)?;
    let name = name_of(t).to_string();
    let old = current(sim, t)?;
    let (expect_kind, expect_av) = if t.sub.as_deref() == Some("scale") {
        ("Scale", "autoscaling/v1".to_string())
    } else {
        (t.def.kind, t.def.api_version())
    };
    check_kind(t, &mut body, expect_kind, &expect_av)?;
    let warnings = validate::check_schema(&body, mode)?;
    validate::drop_unknown_fields(&mut body, Some(&to_client(t.def, &old)));
    let body_name = meta::name(&body);
    if !body_name.is_empty() && body_name != name {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({body_name}) does not match the name on the URL ({name})"
        )));
    }
    let precondition = meta::resource_version(&body).to_string();
    if !precondition.is_empty() && precondition != meta::resource_version(&old) {
        return Err(ApiError::conflict(t.def, &name));
    }
    let new = if t.sub.as_deref() == Some("scale") {
        apply_scale(&old, &body)?
    } else {
        let mut b = from_client(t.def, body);
        check_namespace(sim, t, &mut b)?;
        merge_update(t.def, &old, b, t.sub.as_deref())
    };
    let new = finish(sim, t, r, Some(&old), new, true)?;
    let stored = commit(sim, t, r, &old, new).map_err(|e| store_err(t, &name, e))?;
    Ok(with_warnings(
        respond(sim, t, r, StatusCode::OK, &stored),
        &warnings,
    ))
}

pub fn patch(sim: &Arc<Sim>, t: &Target, r: &Req) -> ApiResult<Response> {
    let ct = r
        .content_type()
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    let mode = FieldValidation::parse(r.q("fieldValidation"))?;
    if ct == "application/apply-patch+yaml" {
        return server_side_apply(sim, t, r, mode);
    }
    let p: Value = serde_json::from_slice(&r.body)
        .map_err(|e| ApiError::bad_request(crate::errors::go_json_error(&e, &r.body)))?;
    let name = name_of(t).to_string();
    for _ in 0..8 {
        let old = current(sim, t)?;
        let is_scale = t.sub.as_deref() == Some("scale");
        let mut view = if is_scale {
            scale_of(&old)
        } else {
            to_client(t.def, &old)
        };
        match ct.as_str() {
            "application/merge-patch+json" => patch::merge_patch(&mut view, &p),
            "application/strategic-merge-patch+json" => {
                patch::strategic_merge_patch(&mut view, &p).map_err(ApiError::bad_request)?
            }
            "application/json-patch+json" => {
                // A body that is no list of operations does not decode: 400. A list that
                // does not apply (a failed test, a missing path, an unknown op): 422.
                let decodes = p
                    .as_array()
                    .is_some_and(|ops| ops.iter().all(Value::is_object));
                patch::json_patch(&mut view, &p).map_err(|e| {
                    if decodes {
                        ApiError::json_patch_not_applied()
                    } else {
                        ApiError::bad_request(e)
                    }
                })?
            }
            other => return Err(ApiError::unsupported_media(other)),
        }
        // A resourceVersion the patch sets is a precondition, as for an update: the patched
        // object's must be the current one (kube-apiserver's store compares them: 409).
        let precondition = meta::resource_version(&view);
        if !precondition.is_empty() && precondition != meta::resource_version(&old) {
            return Err(ApiError::conflict(t.def, &name));
        }
        let warnings = validate::check_schema(&view, mode)?;
        validate::drop_unknown_fields(&mut view, Some(&to_client(t.def, &old)));
        let new = if is_scale {
            apply_scale(&old, &view)?
        } else {
            merge_update(t.def, &old, from_client(t.def, view), t.sub.as_deref())
        };
        let new = finish(sim, t, r, Some(&old), new, true)?;
        if let Some(out) = committed(sim, t, r, &name, &warnings, commit(sim, t, r, &old, new)) {
            return out;
        }
    }
    Err(ApiError::conflict(t.def, &name))
}

fn server_side_apply(
    sim: &Arc<Sim>,
    t: &Target,
    r: &Req,
    mode: FieldValidation,
) -> ApiResult<Response> {
    let manager = field_manager(r)?;
    let force = r.flag("force");
    let name = name_of(t).to_string();
    let applied = applied_config(t, r, &name)?;
    let warnings = validate::check_schema(&applied, mode)?;
    let applied = from_client(t.def, applied);
    let av = applied
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    for _ in 0..8 {
        let old = sim.store.get(&t.def.key(), t.ns(), &name);
        let now = sim.clock.now_str();
        let w = Writer {
            manager: &manager,
            subresource: t.sub.as_deref().unwrap_or(""),
            api_version: &av,
            time: &now,
        };
        let merged = apply::apply(old.as_deref(), &applied, &w, force)
            .map_err(|c| ApiError::apply_conflict(t.def, &name, &c))?;
        let Some(old) = old else {
            match apply_create(sim, t, r, &applied, merged, &warnings)? {
                Some(out) => return Ok(out),
                None => continue,
            }
        };
        let new = merge_update(t.def, &old, merged, t.sub.as_deref());
        let new = finish(sim, t, r, Some(&old), new, false)?;
        if let Some(out) = committed(sim, t, r, &name, &warnings, commit(sim, t, r, &old, new)) {
            return out;
        }
    }
    Err(ApiError::conflict(t.def, &name))
}

/// Server-side apply requires a fieldManager: it owns the fields the patch sets.
fn field_manager(r: &Req) -> ApiResult<String> {
    match r.q("fieldManager") {
        Some(m) if !m.is_empty() => Ok(m.to_string()),
        _ => Err(ApiError::invalid(
            "PatchOptions",
            "meta.k8s.io",
            "",
            &[(
                "fieldManager".into(),
                "Required value: is required for apply patch".into(),
            )],
        )),
    }
}

/// The applied configuration: the body read as YAML (a superset of JSON), of the
/// resource's kind, and named as on the URL.
fn applied_config(t: &Target, r: &Req, name: &str) -> ApiResult<Value> {
    let mut applied = parse_body(&Req {
        method: r.method.clone(),
        query: Default::default(),
        headers: {
            let mut h = r.headers.clone();
            h.insert(
                axum::http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/yaml"),
            );
            h
        },
        body: r.body.clone(),
        conn: r.conn.clone(),
    })?;
    check_kind(t, &mut applied, t.def.kind, &t.def.api_version())?;
    let body_name = meta::name(&applied);
    if body_name != name {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({body_name}) does not match the name on the URL ({name})"
        )));
    }
    Ok(applied)
}

/// Apply to an object that does not exist: it is created from the merged
/// configuration, keeping the managedFields the apply recorded. `None` when another
/// writer created it first (the caller retries as an update).
fn apply_create(
    sim: &Arc<Sim>,
    t: &Target,
    r: &Req,
    applied: &Value,
    mut obj: Value,
    warnings: &[String],
) -> ApiResult<Option<Response>> {
    let name = name_of(t);
    check_namespace(sim, t, &mut obj)?;
    obj["apiVersion"] = applied["apiVersion"].clone();
    obj["kind"] = applied["kind"].clone();
    meta::metadata_mut(&mut obj).insert("name".into(), json!(name));
    let managed = obj.pointer("/metadata/managedFields").cloned();
    init_new(sim, t.def, &mut obj);
    if let Some(m) = managed {
        meta::metadata_mut(&mut obj).insert("managedFields".into(), m);
    }
    let obj = finish(sim, t, r, None, obj, false)?;
    if r.dry_run() {
        return Ok(Some(with_warnings(
            respond(sim, t, r, StatusCode::CREATED, &obj),
            warnings,
        )));
    }
    match sim.store.create(&t.def.key(), obj) {
        Ok(s) => Ok(Some(with_warnings(
            respond(sim, t, r, StatusCode::CREATED, &s),
            warnings,
        ))),
        Err(StoreError::AlreadyExists) => Ok(None),
        Err(e) => Err(store_err(t, name, e)),
    }
}
