//! OpenAPI documents: kubectl needs them before `apply` (v3 for kubectl 1.33, the protobuf
//! v2 document for 1.27) to learn that the server validates fields itself.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::{Req, ok};
use crate::errors::{ApiError, ApiResult};
use crate::resources::{self, ResourceDef};

const HASH: &str = "A6C5E3D1B2F40718";

fn gv_key(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

fn all_gvs() -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for r in resources::RESOURCES {
        if !out.contains(&(r.group, r.version)) {
            out.push((r.group, r.version));
        }
    }
    out
}

fn v3_root() -> Value {
    let mut paths = Map::new();
    for (g, v) in all_gvs() {
        let k = gv_key(g, v);
        paths.insert(
            k.clone(),
            json!({"serverRelativeURL": format!("/openapi/v3/{k}?hash={HASH}")}),
        );
    }
    json!({"paths": paths})
}

fn params() -> Value {
    json!([
        {"name": "dryRun", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
        {"name": "fieldManager", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
        {"name": "fieldValidation", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
        {"name": "force", "in": "query", "schema": {"type": "boolean", "uniqueItems": true}},
    ])
}

fn item_path(r: &ResourceDef) -> String {
    let base = r.gv_path();
    if r.namespaced {
        format!("{base}/namespaces/{{namespace}}/{}/{{name}}", r.resource)
    } else {
        format!("{base}/{}/{{name}}", r.resource)
    }
}

fn v3_gv(group: &str, version: &str) -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for r in resources::in_gv(group, version).filter(|r| !r.create_only) {
        let gvk = json!({"group": r.group, "version": r.version, "kind": r.kind});
        let op = |action: &str| {
            json!({
                "operationId": format!("{action}{}", r.kind),
                "parameters": params(),
                "responses": {"200": {"description": "OK"}},
                "x-kubernetes-action": action,
                "x-kubernetes-group-version-kind": gvk,
            })
        };
        paths.insert(
            item_path(r),
            json!({"get": op("get"), "put": op("put"), "patch": op("patch"), "delete": op("delete")}),
        );
        let name = if r.group.is_empty() {
            format!("io.k8s.api.core.{}.{}", r.version, r.kind)
        } else {
            format!(
                "io.k8s.api.{}.{}.{}",
                r.group.split('.').next().unwrap_or(r.group),
                r.version,
                r.kind
            )
        };
        schemas.insert(
            name,
            json!({
                "type": "object",
                "x-kubernetes-group-version-kind": [gvk],
            }),
        );
    }
    json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": resources::GIT_VERSION},
        "paths": paths,
        "components": {"schemas": schemas},
    })
}

/// A minimal protobuf OpenAPI v2 Document: swagger "2.0" and info {title, version}.
fn v2_protobuf() -> Vec<u8> {
    fn field(out: &mut Vec<u8>, tag: u8, bytes: &[u8]) {
        out.push((tag << 3) | 2);
        out.push(bytes.len() as u8);
        out.extend_from_slice(bytes);
    }
    let mut info = Vec::new();
    field(&mut info, 1, b"Kubernetes");
    field(&mut info, 2, b"v1.33.1");
    let mut doc = Vec::new();
    field(&mut doc, 1, b"2.0");
    field(&mut doc, 2, &info);
    doc
}

pub fn handle(path: &str, r: &Req) -> ApiResult<Response> {
    let path = path.trim_end_matches('/');
    if path == "/openapi/v2" || path.starts_with("/swagger") {
        if r.accept().contains("protobuf") {
            return Ok((
                [(
                    header::CONTENT_TYPE,
                    "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
                )],
                v2_protobuf(),
            )
                .into_response());
        }
        return Ok(ok(&json!({
            "swagger": "2.0",
            "info": {"title": "Kubernetes", "version": resources::GIT_VERSION},
            "paths": {},
            "definitions": {},
        })));
    }
    if path == "/openapi/v3" {
        return Ok(ok(&v3_root()));
    }
    if let Some(rest) = path.strip_prefix("/openapi/v3/") {
        for (g, v) in all_gvs() {
            if gv_key(g, v) == rest {
                return Ok(ok(&v3_gv(g, v)));
            }
        }
    }
    Err(ApiError::path_not_found())
}
