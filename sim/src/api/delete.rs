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
        return Ok(respond(sim, t, r, StatusCode::OK, &obj));
    }
    let out = sim
        .delete_object(t.def, t.ns(), &name, &opts.propagation, opts.grace)
        .ok_or_else(|| ApiError::not_found(t.def, &name))?;
    Ok(respond(sim, t, r, StatusCode::OK, &out))
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
