//! The OpenAPI v2 document in protobuf: gnostic's `openapi.v2.Document` message
//! (github.com/google/gnostic-models, openapiv2/OpenAPIv2.proto), encoded from the JSON
//! document. Vendor extensions and defaults are `Any` messages holding YAML (JSON is YAML).

use serde_json::{Map, Value};

use crate::api::pb_wire::{delimited as bytes, key, varint};

/// A string field; proto3 leaves empty ones out.
fn string(buf: &mut Vec<u8>, tag: u32, s: &str) {
    if !s.is_empty() {
        bytes(buf, tag, s.as_bytes());
    }
}

fn boolean(buf: &mut Vec<u8>, tag: u32, b: bool) {
    if b {
        key(buf, tag, 0);
        buf.push(1);
    }
}

fn int64(buf: &mut Vec<u8>, tag: u32, v: i64) {
    if v != 0 {
        key(buf, tag, 0);
        varint(buf, v as u64);
    }
}

fn double(buf: &mut Vec<u8>, tag: u32, v: f64) {
    key(buf, tag, 1);
    buf.extend_from_slice(&v.to_le_bytes());
}

fn message(buf: &mut Vec<u8>, tag: u32, f: impl FnOnce(&mut Vec<u8>)) {
    let mut sub = Vec::new();
    f(&mut sub);
    bytes(buf, tag, &sub);
}

fn str_of<'a>(m: &'a Map<String, Value>, k: &str) -> &'a str {
    m.get(k).and_then(Value::as_str).unwrap_or("")
}

/// The items of an array field (none when it is missing or not an array).
fn array<'a>(m: &'a Map<String, Value>, k: &str) -> impl Iterator<Item = &'a Value> {
    m.get(k).and_then(Value::as_array).into_iter().flatten()
}

fn strings(buf: &mut Vec<u8>, tag: u32, v: Option<&Value>) {
    for s in v.and_then(Value::as_array).into_iter().flatten() {
        if let Some(s) = s.as_str() {
            bytes(buf, tag, s.as_bytes());
        }
    }
}

/// `Any { yaml = 2 }`.
fn any(buf: &mut Vec<u8>, tag: u32, v: &Value) {
    message(buf, tag, |b| string(b, 2, &v.to_string()));
}

/// `NamedAny { name = 1; value = 2 }` for every `x-` key.
fn extensions(buf: &mut Vec<u8>, tag: u32, m: &Map<String, Value>) {
    for (k, v) in m.iter().filter(|(k, _)| k.starts_with("x-")) {
        message(buf, tag, |b| {
            string(b, 1, k);
            any(b, 2, v);
        });
    }
}

/// The whole document.
pub fn document(doc: &Value) -> Vec<u8> {
    let empty = Map::new();
    let m = doc.as_object().unwrap_or(&empty);
    let mut buf = Vec::new();
    string(&mut buf, 1, str_of(m, "swagger"));
    if let Some(info) = m.get("info").and_then(Value::as_object) {
        message(&mut buf, 2, |b| {
            string(b, 1, str_of(info, "title"));
            string(b, 2, str_of(info, "version"));
        });
    }
    if let Some(paths) = m.get("paths").and_then(Value::as_object) {
        message(&mut buf, 8, |b| {
            for (name, item) in paths {
                message(b, 2, |b| {
                    string(b, 1, name);
                    message(b, 2, |b| path_item(b, item));
                });
            }
        });
    }
    if let Some(defs) = m.get("definitions").and_then(Value::as_object) {
        message(&mut buf, 9, |b| named_schemas(b, 1, defs));
    }
    buf
}

/// `repeated NamedSchema` (Definitions, Properties).
fn named_schemas(buf: &mut Vec<u8>, tag: u32, m: &Map<String, Value>) {
    for (name, s) in m {
        message(buf, tag, |b| {
            string(b, 1, name);
            message(b, 2, |b| schema(b, s));
        });
    }
}

fn path_item(buf: &mut Vec<u8>, item: &Value) {
    let empty = Map::new();
    let m = item.as_object().unwrap_or(&empty);
    for (tag, method) in [
        (2, "get"),
        (3, "put"),
        (4, "post"),
        (5, "delete"),
        (8, "patch"),
    ] {
        if let Some(op) = m.get(method).and_then(Value::as_object) {
            message(buf, tag, |b| operation(b, op));
        }
    }
    for p in array(m, "parameters") {
        message(buf, 9, |b| parameter(b, p));
    }
}

fn operation(buf: &mut Vec<u8>, op: &Map<String, Value>) {
    strings(buf, 1, op.get("tags"));
    string(buf, 3, str_of(op, "description"));
    string(buf, 5, str_of(op, "operationId"));
    strings(buf, 6, op.get("produces"));
    strings(buf, 7, op.get("consumes"));
    for p in array(op, "parameters") {
        message(buf, 8, |b| parameter(b, p));
    }
    if let Some(rs) = op.get("responses").and_then(Value::as_object) {
        message(buf, 9, |b| {
            for (code, r) in rs {
                message(b, 1, |b| {
                    string(b, 1, code);
                    message(b, 2, |b| message(b, 1, |b| response(b, r)));
                });
            }
        });
    }
    extensions(buf, 13, op);
}

fn response(buf: &mut Vec<u8>, r: &Value) {
    let empty = Map::new();
    let m = r.as_object().unwrap_or(&empty);
    string(buf, 1, str_of(m, "description"));
    if let Some(s) = m.get("schema") {
        message(buf, 2, |b| message(b, 1, |b| schema(b, s)));
    }
}

/// `ParametersItem { Parameter parameter = 1 }`: a body parameter or a query/path one.
fn parameter(buf: &mut Vec<u8>, p: &Value) {
    let empty = Map::new();
    let m = p.as_object().unwrap_or(&empty);
    let kind = str_of(m, "in");
    let required = m.get("required").and_then(Value::as_bool).unwrap_or(false);
    let unique = m
        .get("uniqueItems")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    message(buf, 1, |b| {
        if kind == "body" {
            message(b, 1, |b| {
                string(b, 1, str_of(m, "description"));
                string(b, 2, str_of(m, "name"));
                string(b, 3, kind);
                boolean(b, 4, required);
                if let Some(s) = m.get("schema") {
                    message(b, 5, |b| schema(b, s));
                }
            });
            return;
        }
        // NonBodyParameter: query = 3, path = 4. Their fields agree up to `type`, which is
        // 6 for a query parameter (after allow_empty_value) and 5 for a path parameter.
        let (tag, type_tag, unique_tag) = if kind == "path" {
            (4, 5, 19)
        } else {
            (3, 6, 20)
        };
        message(b, 2, |b| {
            message(b, tag, |b| {
                boolean(b, 1, required);
                string(b, 2, kind);
                string(b, 3, str_of(m, "description"));
                string(b, 4, str_of(m, "name"));
                string(b, type_tag, str_of(m, "type"));
                boolean(b, unique_tag, unique);
            })
        });
    });
}

/// A Schema message. Numeric bounds are encoded when present; other keywords k8s-openapi
/// does not produce are left out.
fn schema(buf: &mut Vec<u8>, s: &Value) {
    let Some(m) = s.as_object() else {
        return;
    };
    string(buf, 1, str_of(m, "$ref"));
    string(buf, 2, str_of(m, "format"));
    string(buf, 3, str_of(m, "title"));
    string(buf, 4, str_of(m, "description"));
    if let Some(d) = m.get("default") {
        any(buf, 5, d);
    }
    for (tag, k) in [(7, "maximum"), (9, "minimum")] {
        if let Some(v) = m.get(k).and_then(Value::as_f64) {
            double(buf, tag, v);
        }
    }
    for (tag, k) in [(11, "maxLength"), (12, "minLength"), (14, "maxItems")] {
        int64(buf, tag, m.get(k).and_then(Value::as_i64).unwrap_or(0));
    }
    string(buf, 13, str_of(m, "pattern"));
    boolean(
        buf,
        16,
        m.get("uniqueItems").and_then(Value::as_bool) == Some(true),
    );
    strings(buf, 19, m.get("required"));
    for e in array(m, "enum") {
        any(buf, 20, e);
    }
    match m.get("additionalProperties") {
        Some(Value::Bool(b)) => message(buf, 21, |x| boolean(x, 2, *b)),
        Some(ap @ Value::Object(_)) => message(buf, 21, |x| message(x, 1, |x| schema(x, ap))),
        _ => {}
    }
    match m.get("type") {
        Some(Value::String(t)) => message(buf, 22, |b| string(b, 1, t)),
        Some(ts @ Value::Array(_)) => message(buf, 22, |b| strings(b, 1, Some(ts))),
        _ => {}
    }
    if let Some(items) = m.get("items") {
        message(buf, 23, |b| message(b, 1, |b| schema(b, items)));
    }
    for a in array(m, "allOf") {
        message(buf, 24, |b| schema(b, a));
    }
    if let Some(props) = m.get("properties").and_then(Value::as_object) {
        message(buf, 25, |b| named_schemas(b, 1, props));
    }
    boolean(
        buf,
        27,
        m.get("readOnly").and_then(Value::as_bool) == Some(true),
    );
    extensions(buf, 31, m);
}
