//! delete and deletecollection, with DeleteOptions from the body or the query.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::objects::{current, name_of, respond, to_client};
use super::select::{FieldSelector, LabelSelector};
use super::{Req, Target, json_response};
use crate::errors::{ApiError, ApiResult};
use crate::{Sim, meta};

/// DeleteOptions from the body or the query.
struct DeleteOpts {
    propagation: String,
    grace: Option<i64>,
    dry_run: bool,
    precondition_rv: Option<String>,
    precondition_uid: Option<String>,
}

fn delete_opts(r: &Req) -> ApiResult<DeleteOpts> {
    let body: Value = if r.body.is_empty() {
        json!({})
    } else if r.content_type().contains("protobuf") {
        // kubectl's typed clients (drain) send DeleteOptions as protobuf.
        super::proto::decode_object(&r.body).map_err(ApiError::bad_request)?
    } else {
        serde_json::from_slice(&r.body)
            .map_err(|e| ApiError::bad_request(format!("invalid DeleteOptions: {e}")))?
    };
    let s = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| r.q(k).map(str::to_string))
    };
    let orphan = body.get("orphanDependents").and_then(Value::as_bool) == Some(true);
    Ok(DeleteOpts {
        propagation: s("propagationPolicy").unwrap_or_else(|| {
            if orphan {
                "Orphan".into()
            } else {
                "Background".into()
            }
        }),
        grace: body
            .get("gracePeriodSeconds")
            .and_then(Value::as_i64)
            .or_else(|| r.q("gracePeriodSeconds").and_then(|g| g.parse().ok())),
        dry_run: r.dry_run()
            || body
                .get("dryRun")
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().any(|v| v == "All")),
        precondition_rv: body
            .pointer("/preconditions/resourceVersion")
            .and_then(Value::as_str)
            .map(str::to_string),
        precondition_uid: body
            .pointer("/preconditions/uid")
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

pub fn delete(sim: &Arc<Sim>, t: &Target, r: &Req) -> ApiResult<Response> {
    let opts = delete_opts(r)?;
    let obj = current(sim, t)?;
    let name = name_of(t).to_string();
    if opts
        .precondition_rv
        .as_deref()
        .is_some_and(|rv| rv != meta::resource_version(&obj))
        || opts
            .precondition_uid
            .as_deref()
            .is_some_and(|u| u != meta::uid(&obj))
    {
        return Err(ApiError::conflict(t.def, &name));
    }
    if opts.dry_run {
        return Ok(answer(sim, t, r, &obj, returns_object(t, &obj)));
    }
    let out = sim
        .delete_object(t.def, t.ns(), &name, &opts.propagation, opts.grace)
        .ok_or_else(|| ApiError::not_found(t.def, &name))?;
    // Still there (graceful, finalizers, foreground): the object, as kube-apiserver answers.
    let pending = sim.store.get(&t.def.key(), t.ns(), &name).is_some();
    Ok(answer(sim, t, r, &out, pending || returns_object(t, &out)))
}

/// Whether kube-apiserver answers a finished DELETE of this kind with the object (its
/// registries with `ReturnDeletedObject`) rather than a `Status`; an object with
/// finalizers is answered with the object while it waits for them.
fn returns_object(t: &Target, obj: &Value) -> bool {
    const KINDS: [&str; 6] = [
        "pods",
        "services",
        "namespaces",
        "serviceaccounts",
        "persistentvolumes",
        "persistentvolumeclaims",
    ];
    (t.def.group.is_empty() && KINDS.contains(&t.def.resource))
        || meta::ptr(obj, "/metadata/finalizers")
            .and_then(Value::as_array)
            .is_some_and(|f| !f.is_empty())
}

fn answer(sim: &Sim, t: &Target, r: &Req, obj: &Value, object: bool) -> Response {
    if object {
        return respond(sim, t, r, StatusCode::OK, obj);
    }
    json_response(
        StatusCode::OK,
        &json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Success",
            "details": {
                "name": meta::name(obj),
                "group": t.def.group,
                "kind": t.def.resource,
                "uid": meta::uid(obj),
            },
        }),
    )
}

pub fn delete_collection(sim: &Arc<Sim>, t: &Target, r: &Req) -> ApiResult<Response> {
    let opts = delete_opts(r)?;
    let labels = LabelSelector::parse(r.q("labelSelector").unwrap_or(""))?;
    let fields = FieldSelector::parse(
        r.q("fieldSelector").unwrap_or(""),
        t.def.resource,
        t.def.kind,
    )?;
    let (all, rv) = sim.store.list(&t.def.key(), t.namespace.as_deref());
    let mut items = Vec::new();
    for o in all
        .iter()
        .filter(|o| labels.matches(o) && fields.matches(o))
    {
        if opts.dry_run {
            items.push(to_client(t.def, o));
        } else if let Some(d) = sim.delete_object(
            t.def,
            meta::namespace(o),
            meta::name(o),
            &opts.propagation,
            opts.grace,
        ) {
            items.push(to_client(t.def, &d));
        }
    }
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "kind": format!("{}List", t.def.kind),
            "apiVersion": t.def.api_version(),
            "metadata": {"resourceVersion": rv.to_string()},
            "items": items,
        }),
    ))
}
