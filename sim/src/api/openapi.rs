//! OpenAPI documents as kube-apiserver serves them: `/openapi/v3` (the root, listing each
//! group-version's document with its hash), `/openapi/v3/api/v1` and
//! `/openapi/v3/apis/{group}/{version}`, and `/openapi/v2` in JSON and in protobuf. kubectl
//! reads them for `explain`, to learn that the server validates fields, and (1.27's `apply`)
//! for patches. They are generated once, on first use, from k8s-openapi's schemas of the kinds
//! in [`crate::validate`]'s kind table, and served as bytes with their ETag.

use std::sync::OnceLock;
use std::time::Instant;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::Req;
use crate::errors::{ApiError, ApiResult};
use crate::resources;

#[path = "openapi_gen.rs"]
mod generate;
#[path = "openapi_pb.rs"]
mod pb;

const MIME_PB: &str = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
const MIME_PB_DEPRECATED: &str = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

/// One served document: its bytes and the ETag (uppercase hex SHA-512 of the JSON, as
/// kube-openapi computes it).
struct Doc {
    bytes: Bytes,
    etag: String,
}

impl Doc {
    fn new(bytes: Vec<u8>, etag: String) -> Self {
        Doc {
            bytes: Bytes::from(bytes),
            etag,
        }
    }

    fn json(v: &Value) -> Self {
        let bytes = serde_json::to_vec(v).unwrap_or_default();
        let etag = hash(&bytes);
        Doc::new(bytes, etag)
    }
}

pub struct Docs {
    /// "api/v1", "apis/apps/v1", ... with the v3 document.
    v3: Vec<(String, Doc)>,
    v3_root: Bytes,
    v2_json: Doc,
    v2_pb: Doc,
    last_modified: String,
}

fn hash(bytes: &[u8]) -> String {
    let d = ring::digest::digest(&ring::digest::SHA512, bytes);
    d.as_ref().iter().map(|b| format!("{b:02X}")).collect()
}

fn gv_key(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

/// Every document, built on first use.
pub fn docs() -> &'static Docs {
    static DOCS: OnceLock<Docs> = OnceLock::new();
    DOCS.get_or_init(build)
}

fn build() -> Docs {
    let start = Instant::now();
    let s = generate::schemas();
    let mut v3 = Vec::new();
    let mut root = Map::new();
    for (g, v) in generate::group_versions(&s) {
        let schemas: Map<String, Value> = generate::gv_definitions(&s, g, v)
            .into_iter()
            .filter_map(|n| {
                let d = s.defs.get(&n)?;
                Some((n.clone(), generate::to_v3(&n, d)))
            })
            .collect();
        let doc = Doc::json(&json!({
            "openapi": "3.0.0",
            "info": {"title": "Kubernetes", "version": "unversioned"},
            "paths": generate::v3_paths(&s, g, v),
            "components": {"schemas": schemas},
        }));
        let key = gv_key(g, v);
        root.insert(
            key.clone(),
            json!({"serverRelativeURL": format!("/openapi/v3/{key}?hash={}", doc.etag)}),
        );
        v3.push((key, doc));
    }
    let v2 = json!({
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": resources::GIT_VERSION},
        "paths": generate::v2_paths(&s),
        "definitions": s.defs,
    });
    let v2_json = Doc::json(&v2);
    let v2_pb = Doc::new(pb::document(&v2), v2_json.etag.clone());
    let v3_root = Bytes::from(serde_json::to_vec(&json!({ "paths": root })).unwrap_or_default());
    let v3_bytes: usize = v3.iter().map(|(_, d)| d.bytes.len()).sum();
    tracing::info!(
        ms = start.elapsed().as_millis() as u64,
        definitions = s.defs.len(),
        v3_documents = v3.len(),
        v3_bytes,
        v2_json_bytes = v2_json.bytes.len(),
        v2_protobuf_bytes = v2_pb.bytes.len(),
        "OpenAPI documents built"
    );
    let last_modified = jiff::Timestamp::now()
        .strftime("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    Docs {
        v3,
        v3_root,
        v2_json,
        v2_pb,
        last_modified,
    }
}

/// 304 when the client has this version (If-None-Match), else the bytes.
fn serve(
    r: &Req,
    doc: &Doc,
    content_type: &str,
    extra: &[(header::HeaderName, String)],
) -> Response {
    let etag = format!("\"{}\"", doc.etag);
    let fresh = r
        .headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut resp = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        doc.bytes.clone().into_response()
    };
    let h = resp.headers_mut();
    let mut set = |name: header::HeaderName, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    };
    if !fresh {
        set(header::CONTENT_TYPE, content_type);
    }
    set(header::ETAG, &etag);
    set(header::VARY, "Accept");
    set(header::LAST_MODIFIED, &docs().last_modified);
    for (name, value) in extra {
        set(name.clone(), value);
    }
    resp
}

fn v2(r: &Req) -> Response {
    let d = docs();
    let accept = r.accept();
    // Either protobuf type gets the one without '@', which Go's mime parser accepts.
    if accept.contains(MIME_PB) || accept.contains(MIME_PB_DEPRECATED) {
        serve(r, &d.v2_pb, MIME_PB, &[])
    } else {
        serve(r, &d.v2_json, "application/json", &[])
    }
}

/// A group-version's v3 document. With `?hash=` of the current version it may be cached for
/// good; an old hash is redirected to the current one (kube-openapi's handler3).
fn v3_gv(r: &Req, key: &str, doc: &Doc) -> Response {
    let Some(h) = r.q("hash") else {
        return serve(r, doc, "application/json", &[]);
    };
    if h != doc.etag {
        let to = format!("/openapi/v3/{key}?hash={}", doc.etag);
        let mut resp = StatusCode::MOVED_PERMANENTLY.into_response();
        if let Ok(v) = HeaderValue::from_str(&to) {
            resp.headers_mut().insert(header::LOCATION, v);
        }
        return resp;
    }
    let expires = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(24 * 365))
        .unwrap_or_else(|_| jiff::Timestamp::now())
        .strftime("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    serve(
        r,
        doc,
        "application/json",
        &[
            (header::CACHE_CONTROL, "public, immutable".into()),
            (header::EXPIRES, expires),
        ],
    )
}

pub fn handle(path: &str, r: &Req) -> ApiResult<Response> {
    let path = path.trim_end_matches('/');
    if path == "/openapi/v2" {
        return Ok(v2(r));
    }
    if path == "/openapi/v3" {
        return Ok((
            [(header::CONTENT_TYPE, "application/json")],
            docs().v3_root.clone(),
        )
            .into_response());
    }
    if let Some(rest) = path.strip_prefix("/openapi/v3/")
        && let Some((key, doc)) = docs().v3.iter().find(|(k, _)| k == rest)
    {
        return Ok(v3_gv(r, key, doc));
    }
    Err(ApiError::path_not_found())
}

#[cfg(test)]
#[path = "openapi_tests.rs"]
mod tests;
