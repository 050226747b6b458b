use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use serde_json::Value;

use super::*;
use crate::api::Query;

fn req(query: &[(&str, &str)], headers: &[(header::HeaderName, &str)]) -> Req {
    let mut h = HeaderMap::new();
    for (k, v) in headers {
        h.insert(k.clone(), HeaderValue::from_str(v).unwrap());
    }
    Req {
        method: Method::GET,
        query: query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Query>(),
        headers: h,
        body: Bytes::new(),
        conn: Default::default(),
    }
}

fn v3(key: &str) -> Value {
    let (_, d) = docs().v3.iter().find(|(k, _)| k == key).unwrap();
    serde_json::from_slice(&d.bytes).unwrap()
}

fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                out.push(r.to_string());
            }
            m.values().for_each(|c| refs(c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| refs(c, out)),
        _ => {}
    }
}

fn has_kind(group: &str, version: &str, kind: &str) -> bool {
    let doc = v3(&gv_key(group, version));
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    schemas.values().any(|s| {
        s["x-kubernetes-group-version-kind"]
            .as_array()
            .is_some_and(|gvks| {
                gvks.iter()
                    .any(|g| g["group"] == group && g["version"] == version && g["kind"] == kind)
            })
    })
}

#[test]
fn every_served_kind_has_a_schema_in_its_group_version_document() {
    for r in crate::kinds::resources() {
        assert!(
            has_kind(r.group, r.version, r.kind),
            "{}/{} {}",
            r.group,
            r.version,
            r.kind
        );
    }
    for t in crate::kinds::typed_kinds() {
        let (g, v) = t
            .api_version
            .rsplit_once('/')
            .unwrap_or(("", t.api_version));
        assert!(has_kind(g, v, t.kind), "{} {}", t.api_version, t.kind);
    }
}

#[test]
fn deployment_schema_has_types_descriptions_and_refs_that_resolve() {
    let doc = v3("apis/apps/v1");
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let spec = &schemas["io.k8s.api.apps.v1.DeploymentSpec"];
    assert_eq!(spec["properties"]["replicas"]["type"], "integer");
    assert_eq!(spec["properties"]["replicas"]["format"], "int32");
    assert!(
        spec["required"]
            .as_array()
            .unwrap()
            .contains(&"selector".into())
    );
    let dep = &schemas["io.k8s.api.apps.v1.Deployment"];
    assert!(dep["description"].as_str().unwrap().contains("declarative"));
    assert_eq!(
        dep["properties"]["spec"]["allOf"][0]["$ref"],
        "#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec"
    );
    assert!(dep.get("required").is_none(), "metadata is not required");
    let mut all = Vec::new();
    refs(&doc, &mut all);
    for r in all {
        let name = r.strip_prefix("#/components/schemas/").unwrap();
        assert!(schemas.contains_key(name), "{r}");
    }
    let patch = &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
    assert_eq!(
        patch["x-kubernetes-group-version-kind"]["kind"],
        "Deployment"
    );
    let params = patch["parameters"].as_array().unwrap();
    assert!(params.iter().any(|p| p["name"] == "fieldValidation"));
}

#[test]
fn v2_refs_resolve_and_protobuf_starts_with_the_swagger_version() {
    let d = docs();
    let doc: Value = serde_json::from_slice(&d.v2_json.bytes).unwrap();
    let defs = doc["definitions"].as_object().unwrap();
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        assert!(
            defs.contains_key(r.strip_prefix("#/definitions/").unwrap()),
            "{r}"
        );
    }
    assert_eq!(&d.v2_pb.bytes[..5], b"\x0a\x032.0");
    assert_eq!(d.v2_pb.etag, d.v2_json.etag);
}

#[test]
fn root_lists_each_document_with_its_hash_and_unknown_ones_are_404() {
    let d = docs();
    let root: Value = serde_json::from_slice(&d.v3_root).unwrap();
    for (key, doc) in &d.v3 {
        assert_eq!(
            root["paths"][key]["serverRelativeURL"],
            format!("/openapi/v3/{key}?hash={}", doc.etag)
        );
    }
    let e = handle("/openapi/v3/apis/nope.example.com/v1", &req(&[], &[])).unwrap_err();
    assert_eq!(e.code, 404);
    assert!(handle("/openapi/v3/apis/apps/v9", &req(&[], &[])).is_err());
}

#[test]
fn etag_and_hash_caching() {
    let (_, doc) = docs().v3.iter().find(|(k, _)| k == "api/v1").unwrap();
    let etag = format!("\"{}\"", doc.etag);
    let r = handle(
        "/openapi/v3/api/v1",
        &req(&[], &[(header::IF_NONE_MATCH, &etag)]),
    )
    .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    let r = handle("/openapi/v3/api/v1", &req(&[("hash", "OLD")], &[])).unwrap();
    assert_eq!(r.status(), StatusCode::MOVED_PERMANENTLY);
    let r = handle("/openapi/v3/api/v1", &req(&[("hash", &doc.etag)], &[])).unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[header::CACHE_CONTROL], "public, immutable");
    let r = handle(
        "/openapi/v2",
        &req(&[], &[(header::ACCEPT, MIME_PB_DEPRECATED)]),
    )
    .unwrap();
    assert_eq!(r.headers()[header::CONTENT_TYPE], MIME_PB);
}
