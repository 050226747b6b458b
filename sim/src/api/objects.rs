//! get and list on any served resource, and the helpers every write shares (see `writes`
//! and `delete`).

use std::sync::Arc;

use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use base64::Engine;
use bytes::Bytes;
use serde_json::{Value, json};

use super::select::{FieldSelector, LabelSelector};
use super::table;
use super::{Req, Target, json_bytes_response, json_response};
use crate::apply::{self, Writer};
use crate::errors::{ApiError, ApiResult};
use crate::kinds;
use crate::resources::keys;
use crate::store::{ObjKey, StoreError};
use crate::validate;
use crate::{Sim, defaults, meta};

pub(super) use crate::views::from_client;
pub use crate::views::{converts, to_client};

/// The autoscaling/v1 Scale view of a Deployment or ReplicaSet.
pub(super) fn scale_of(obj: &Value) -> Value {
    let sel = obj
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": meta::name(obj),
            "namespace": meta::namespace(obj),
            "uid": meta::uid(obj),
            "resourceVersion": meta::resource_version(obj),
            "creationTimestamp": obj.pointer("/metadata/creationTimestamp").cloned().unwrap_or(Value::Null),
        },
        "spec": {"replicas": obj.pointer("/spec/replicas").and_then(Value::as_i64).unwrap_or(0)},
        "status": {
            "replicas": obj.pointer("/status/replicas").and_then(Value::as_i64).unwrap_or(0),
            "selector": sel,
        },
    })
}

pub(super) fn respond(sim: &Sim, t: &Target, r: &Req, code: StatusCode, obj: &Value) -> Response {
    if t.sub.as_deref() == Some("scale") {
        return json_response(code, &scale_of(obj));
    }
    if r.wants_table() && t.sub.is_none() {
        let tbl = table::table(
            kinds::printer(t.def),
            &[obj],
            meta::resource_version(obj),
            None,
            sim.clock.now(),
            r.q("includeObject").unwrap_or("Metadata"),
        );
        return json_response(code, &tbl);
    }
    json_response(code, &to_client(t.def, obj))
}

pub(super) fn with_warnings(mut resp: Response, warnings: &[String]) -> Response {
    for w in warnings {
        let text = format!("299 - \"{}\"", w.replace('"', "\\\""));
        if let Ok(v) = HeaderValue::from_str(&text) {
            resp.headers_mut().append("Warning", v);
        }
    }
    resp
}

pub(super) fn name_of(t: &Target) -> &str {
    t.name.as_deref().unwrap_or("")
}

pub(super) fn current(sim: &Sim, t: &Target) -> ApiResult<Arc<Value>> {
    sim.store
        .get(&t.def.key(), t.ns(), name_of(t))
        .ok_or_else(|| ApiError::not_found(t.def, name_of(t)))
}

pub fn get(sim: &Arc<Sim>, t: &Target, r: &Req) -> ApiResult<Response> {
    let raw = sim
        .store
        .get_raw(&t.def.key(), t.ns(), name_of(t))
        .ok_or_else(|| ApiError::not_found(t.def, name_of(t)))?;
    if t.sub.is_none() && !r.wants_table() && !converts(t.def) {
        // The stored JSON as it is.
        return Ok(json_bytes_response(StatusCode::OK, raw.to_vec()));
    }
    let obj = crate::store::decode(&raw);
    Ok(respond(sim, t, r, StatusCode::OK, &obj))
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Continue {
    rv: u64,
    start: String,
    /// Unix seconds when the page was served: tokens expire like after an etcd compaction.
    #[serde(default)]
    at: i64,
}

/// How long a continue token stays valid (kube-apiserver compacts etcd every 5 minutes).
const CONTINUE_TTL_SECS: i64 = 300;

pub fn list(sim: &Arc<Sim>, t: &Target, r: &Req) -> ApiResult<Response> {
    let labels = LabelSelector::parse(r.q("labelSelector").unwrap_or(""))?;
    let fields = FieldSelector::parse(
        r.q("fieldSelector").unwrap_or(""),
        t.def.resource,
        t.def.kind,
    )?;
    let limit = list_limit(r)?;
    let start = continue_start(r)?;
    let (all, rv) = sim.store.list_raw(&t.def.key(), t.namespace.as_deref());
    let after = all
        .into_iter()
        .filter(|((ns, name), _)| start.as_ref().is_none_or(|s| format!("{ns}/{name}") > *s));
    if labels.is_empty() && fields.is_empty() {
        // No selector: the page is cut from the stored JSON, decoded only when a Table or
        // another version is asked for.
        let page = paginate(after, limit, rv);
        if !r.wants_table() && !converts(t.def) {
            return Ok(raw_list_page(t, r, page, rv));
        }
        let page = Page {
            items: page.items.iter().map(|b| crate::store::decode(b)).collect(),
            cont: page.cont,
            remaining: page.remaining,
        };
        return Ok(decoded_page(sim, t, r, page, rv));
    }
    let matched = after.filter_map(|(k, raw)| {
        let o = crate::store::decode(&raw);
        (labels.matches(&o) && fields.matches(&o)).then_some((k, o))
    });
    Ok(decoded_page(sim, t, r, paginate(matched, limit, rv), rv))
}

/// A page of decoded objects, as a Table or a `<Kind>List`.
fn decoded_page(sim: &Sim, t: &Target, r: &Req, page: Page<Value>, rv: u64) -> Response {
    if r.wants_table() {
        return table_page(sim, t, r, &page, rv);
    }
    list_page(t, r, page, rv)
}

/// The list's `limit` parameter: 0 (or none) means everything.
fn list_limit(r: &Req) -> ApiResult<usize> {
    match r.q("limit") {
        None | Some("") => Ok(0),
        Some(l) => l
            .parse()
            .map_err(|_| ApiError::bad_request(format!("invalid limit {l:?}"))),
    }
}

/// The key a `continue` token resumes after; `410 Gone` once the token has outlived
/// the compaction window.
fn continue_start(r: &Req) -> ApiResult<Option<String>> {
    let Some(c) = r.q("continue").filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c)
        .ok()
        .and_then(|b| serde_json::from_slice::<Continue>(&b).ok())
        .ok_or_else(|| ApiError::bad_request("continue key is not valid: invalid token"))?;
    if jiff::Timestamp::now().as_second() - raw.at > CONTINUE_TTL_SECS {
        return Err(ApiError::gone(
            "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
        ));
    }
    Ok(Some(raw.start))
}

/// One page of a list.
struct Page<T> {
    items: Vec<T>,
    /// The token to the next page, when there is one.
    cont: Option<String>,
    /// How many matching objects follow this page.
    remaining: usize,
}

/// Cuts the matching objects (with their keys) at `limit`, with a continue token after
/// the page's last key.
fn paginate<T>(mut matched: impl Iterator<Item = (ObjKey, T)>, limit: usize, rv: u64) -> Page<T> {
    let mut items = Vec::new();
    let mut last = None;
    let mut cont = None;
    let mut remaining = 0usize;
    for (k, o) in matched.by_ref() {
        if limit > 0 && items.len() == limit {
            remaining = 1;
            break;
        }
        items.push(o);
        last = Some(k);
    }
    if remaining > 0 {
        let (ns, name) = last.expect("limit > 0");
        remaining += matched.count();
        let token = Continue {
            rv,
            start: format!("{ns}/{name}"),
            at: jiff::Timestamp::now().as_second(),
        };
        cont = Some(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(serde_json::to_vec(&token).unwrap_or_default()),
        );
    }
    Page {
        items,
        cont,
        remaining,
    }
}

/// The page as a meta.k8s.io Table (`kubectl get`'s server-side printing).
fn table_page(sim: &Sim, t: &Target, r: &Req, page: &Page<Value>, rv: u64) -> Response {
    let objs: Vec<&Value> = page.items.iter().collect();
    let mut tbl = table::table(
        kinds::printer(t.def),
        &objs,
        &rv.to_string(),
        page.cont.as_deref(),
        sim.clock.now(),
        r.q("includeObject").unwrap_or("Metadata"),
    );
    if page.remaining > 0 {
        tbl["metadata"]["remainingItemCount"] = json!(page.remaining);
    }
    json_response(StatusCode::OK, &tbl)
}

/// The page as a `<Kind>List`; remainingItemCount only for unfiltered lists, as the
/// apiserver can count those.
fn list_page(t: &Target, r: &Req, page: Page<Value>, rv: u64) -> Response {
    let md = list_meta(r, page.cont.as_deref(), page.remaining, rv);
    let items: Vec<Value> = page.items.iter().map(|o| to_client(t.def, o)).collect();
    json_response(
        StatusCode::OK,
        &json!({
            "kind": format!("{}List", t.def.kind),
            "apiVersion": t.def.api_version(),
            "metadata": md,
            "items": items,
        }),
    )
}

/// A list's metadata: remainingItemCount only for unfiltered lists.
fn list_meta(r: &Req, cont: Option<&str>, remaining: usize, rv: u64) -> Value {
    let mut md = json!({"resourceVersion": rv.to_string()});
    if let Some(c) = cont {
        md["continue"] = json!(c);
        if r.q("labelSelector").unwrap_or("").is_empty()
            && r.q("fieldSelector").unwrap_or("").is_empty()
        {
            md["remainingItemCount"] = json!(remaining);
        }
    }
    md
}

/// The page as a `<Kind>List` of the stored JSON as it is (no decoding).
fn raw_list_page(t: &Target, r: &Req, page: Page<Bytes>, rv: u64) -> Response {
    let md = list_meta(r, page.cont.as_deref(), page.remaining, rv);
    let size: usize = page.items.iter().map(|b| b.len() + 1).sum();
    let mut out = Vec::with_capacity(size + 256);
    let head = format!(
        "{{\"kind\":{},\"apiVersion\":{},\"metadata\":{md},\"items\":[",
        json!(format!("{}List", t.def.kind)),
        json!(t.def.api_version()),
    );
    out.extend_from_slice(head.as_bytes());
    for (i, b) in page.items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b);
    }
    out.extend_from_slice(b"]}");
    json_bytes_response(StatusCode::OK, out)
}

pub(super) fn parse_body(r: &Req) -> ApiResult<Value> {
    let ct = r.content_type();
    if ct.contains("yaml") {
        return serde_yaml_ng::from_slice(&r.body)
            .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")));
    }
    if ct.contains("protobuf") {
        return super::proto::decode_object(&r.body).map_err(ApiError::bad_request);
    }
    serde_json::from_slice(&r.body).map_err(|e| {
        ApiError::bad_request(format!("couldn't get version/kind; json parse error: {e}"))
    })
}

/// The body must be this resource's kind (an empty kind/apiVersion is filled in).
pub(super) fn check_kind(
    t: &Target,
    obj: &mut Value,
    expect_kind: &str,
    expect_av: &str,
) -> ApiResult<()> {
    if !obj.is_object() {
        return Err(ApiError::bad_request("the body must be a JSON object"));
    }
    let kind = obj
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let av = obj
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if kind.is_empty() {
        obj["kind"] = json!(expect_kind);
    } else if kind != expect_kind {
        return Err(ApiError::bad_request(format!(
            "the kind in the data ({kind}) does not match the expected kind ({expect_kind}) of {}",
            t.def.resource
        )));
    }
    if av.is_empty() {
        obj["apiVersion"] = json!(expect_av);
    } else if av != expect_av {
        return Err(ApiError::bad_request(format!(
            "the API version in the data ({av}) does not match the expected API version ({expect_av})"
        )));
    }
    Ok(())
}

pub(super) fn check_namespace(sim: &Sim, t: &Target, obj: &mut Value) -> ApiResult<()> {
    if !t.def.namespaced {
        meta::metadata_mut(obj).remove("namespace");
        return Ok(());
    }
    let body_ns = meta::namespace(obj).to_string();
    if !body_ns.is_empty() && body_ns != t.ns() {
        return Err(ApiError::bad_request(
            "the namespace of the provided object does not match the namespace sent on the request",
        ));
    }
    meta::metadata_mut(obj).insert("namespace".into(), json!(t.ns()));
    match sim.store.get(keys::NAMESPACES, "", t.ns()) {
        None => Err(ApiError::namespace_not_found(t.ns())),
        Some(ns) if meta::is_deleting(&ns) => Err(ApiError::new(
            403,
            "Forbidden",
            format!(
                "{} \"{}\" is forbidden: unable to create new content in namespace {} because it is being terminated",
                t.def.resource,
                meta::name(obj),
                t.ns()
            ),
        )),
        Some(_) => Ok(()),
    }
}

/// Defaults, validation and managedFields for the object about to be stored.
pub(super) fn finish(
    sim: &Sim,
    t: &Target,
    r: &Req,
    old: Option<&Value>,
    mut obj: Value,
    track: bool,
) -> ApiResult<Value> {
    defaults::apply(&mut obj);
    if let Some(o) = old {
        crate::admission::bump_generation(o, &mut obj);
    }
    validate::check_invalid(&obj, t.def.group)?;
    if let Some(o) = old
        && meta::name(o) != meta::name(&obj)
    {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({}) does not match the name on the URL ({})",
            meta::name(&obj),
            meta::name(o)
        )));
    }
    if track {
        let now = sim.clock.now_str();
        let manager = r.manager();
        let av = obj
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let w = Writer {
            manager: &manager,
            subresource: t.sub.as_deref().unwrap_or(""),
            api_version: &av,
            time: &now,
        };
        apply::track_update(old, &mut obj, &w);
    }
    Ok(obj)
}

pub(super) fn store_err(t: &Target, name: &str, e: StoreError) -> ApiError {
    match e {
        StoreError::NotFound => ApiError::not_found(t.def, name),
        StoreError::AlreadyExists => ApiError::already_exists(t.def, name),
        StoreError::Conflict => ApiError::conflict(t.def, name),
    }
}
