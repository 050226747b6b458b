//! Schema checks: unknown fields (fieldValidation), type errors and the field validations
//! kube-apiserver answers 422 Invalid for. The schema comes from k8s-openapi's types (the
//! registry's [`crate::kinds::Typed`]): an object is decoded into its typed form and
//! encoded again; whatever did not survive the round trip is a field the schema does not
//! declare.

use serde_json::Value;

use super::meta;
use crate::errors::ApiError;
use crate::kinds;

/// Decode and encode through the typed form. None for kinds without a typed schema here.
fn typed_roundtrip(api_version: &str, kind: &str, v: &Value) -> Option<Result<Value, String>> {
    kinds::typed_of(api_version, kind).map(|t| (t.roundtrip)(v))
}

/// Paths (".spec.foo") present in `orig` but not in `rt`. Nulls are ignored.
fn unknown_fields(orig: &Value, rt: &Value, path: &str, out: &mut Vec<String>) {
    match (orig, rt) {
        (Value::Object(o), Value::Object(r)) => {
            for (k, v) in o {
                if v.is_null() {
                    continue;
                }
                let p = format!("{path}.{k}");
                match r.get(k) {
                    None => out.push(p),
                    Some(rv) => unknown_fields(v, rv, &p, out),
                }
            }
        }
        (Value::Array(o), Value::Array(r)) => {
            for (i, (a, b)) in o.iter().zip(r.iter()).enumerate() {
                unknown_fields(a, b, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Drop from `obj` the fields its kind does not declare, as kube-apiserver's decoding into
/// the typed object does (with fieldValidation Warn or Ignore the write goes on without
/// them). Fields `current` (the stored object, as clients see it) already has are kept:
/// only what the request brought is dropped. Kinds without a typed schema here, and
/// bodies that do not decode (check_schema has refused those), are left as they are.
pub fn drop_unknown_fields(obj: &mut Value, current: Option<&Value>) {
    let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    if kind == "Scale" {
        return;
    }
    if let Some(Ok(rt)) = typed_roundtrip(api_version, kind, obj) {
        prune(obj, &rt, current);
    }
}

fn prune(orig: &mut Value, rt: &Value, current: Option<&Value>) {
    match (orig, rt) {
        (Value::Object(o), Value::Object(r)) => {
            let cur = current.and_then(Value::as_object);
            o.retain(|k, v| {
                v.is_null() || r.contains_key(k) || cur.is_some_and(|c| c.contains_key(k))
            });
            for (k, v) in o.iter_mut() {
                if let Some(rv) = r.get(k) {
                    prune(v, rv, cur.and_then(|c| c.get(k)));
                }
            }
        }
        (Value::Array(o), Value::Array(r)) => {
            let cur = current.and_then(Value::as_array);
            for (i, (a, b)) in o.iter_mut().zip(r).enumerate() {
                prune(a, b, cur.and_then(|c| c.get(i)));
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValidation {
    Ignore,
    Warn,
    Strict,
}

impl FieldValidation {
    pub fn parse(s: Option<&str>) -> Result<Self, ApiError> {
        match s {
            None | Some("") | Some("Warn") => Ok(FieldValidation::Warn),
            Some("Ignore") => Ok(FieldValidation::Ignore),
            Some("Strict") => Ok(FieldValidation::Strict),
            Some(o) => Err(ApiError::bad_request(format!(
                "fieldValidation parameter unsupported: {o}"
            ))),
        }
    }
}

/// Check the body against the schema. Returns warnings (Warn mode) or the error kube-apiserver
/// gives: 400 BadRequest for a type error or, in Strict mode, unknown fields.
pub fn check_schema(obj: &Value, mode: FieldValidation) -> Result<Vec<String>, ApiError> {
    let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let Some(rt) = typed_roundtrip(api_version, kind, obj) else {
        return Ok(Vec::new());
    };
    let rt = rt.map_err(|e| {
        ApiError::bad_request(format!(
            "{kind} in version \"{}\" cannot be handled as a {kind}: {e}",
            api_version.rsplit('/').next().unwrap_or(api_version)
        ))
    })?;
    let mut unknown = Vec::new();
    unknown_fields(obj, &rt, "", &mut unknown);
    unknown.retain(|p| p != ".status" || kind != "Scale");
    if unknown.is_empty() || mode == FieldValidation::Ignore {
        return Ok(Vec::new());
    }
    let msgs: Vec<String> = unknown
        .iter()
        .map(|p| format!("unknown field \"{}\"", p.trim_start_matches('.')))
        .collect();
    if mode == FieldValidation::Strict {
        return Err(ApiError::bad_request(format!(
            "{kind} in version \"{}\" cannot be handled as a {kind}: strict decoding error: {}",
            api_version.rsplit('/').next().unwrap_or(api_version),
            msgs.join(", ")
        )));
    }
    Ok(msgs)
}

fn is_dns1123_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn is_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_dns1123_label)
}

/// Field causes of a 422: (field path, message).
type Causes = Vec<(String, String)>;

/// The 422 validations: names, replicas, selectors, containers.
pub fn check_invalid(obj: &Value, group: &str) -> Result<(), ApiError> {
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let name = meta::name(obj);
    let mut causes = Causes::new();
    check_name(kind, name, &mut causes);
    check_containers(obj, kind, &mut causes);
    if matches!(kind, "Deployment" | "ReplicaSet") {
        check_replicas(obj, &mut causes);
        check_selector(obj, &mut causes);
    }
    if kind == "HorizontalPodAutoscaler" {
        check_hpa_range(obj, &mut causes);
    }
    if kind == "Scale" {
        check_replicas(obj, &mut causes);
    }
    if causes.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(kind, group, name, &causes))
    }
}

/// metadata.name: required; a DNS-1123 label for namespaces and services, else a subdomain.
fn check_name(kind: &str, name: &str, causes: &mut Causes) {
    if name.is_empty() {
        causes.push((
            "metadata.name".into(),
            "Required value: name or generateName is required".into(),
        ));
        return;
    }
    let ok = match kind {
        "Namespace" | "Service" => is_dns1123_label(name),
        _ => is_dns1123_subdomain(name),
    };
    if !ok {
        causes.push(("metadata.name".into(), format!(
            "Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
        )));
    }
}

/// A pod spec (of a Pod, or a Deployment's/ReplicaSet's template) needs containers, each
/// with a name and an image.
fn check_containers(obj: &Value, kind: &str, causes: &mut Causes) {
    let ptr = match kind {
        "Pod" => "/spec",
        "Deployment" | "ReplicaSet" => "/spec/template/spec",
        _ => return,
    };
    let prefix = ptr.trim_start_matches('/').replace('/', ".");
    let containers = obj
        .pointer(&format!("{ptr}/containers"))
        .and_then(Value::as_array);
    let Some(cs) = containers.filter(|cs| !cs.is_empty()) else {
        causes.push((format!("{prefix}.containers"), "Required value".into()));
        return;
    };
    for (i, c) in cs.iter().enumerate() {
        for field in ["name", "image"] {
            if c.get(field)
                .and_then(Value::as_str)
                .unwrap_or("")
                .is_empty()
            {
                causes.push((
                    format!("{prefix}.containers[{i}].{field}"),
                    "Required value".into(),
                ));
            }
        }
    }
}

/// spec.replicas, when set, is not negative.
fn check_replicas(obj: &Value, causes: &mut Causes) {
    if let Some(r) = obj.pointer("/spec/replicas").and_then(Value::as_i64)
        && r < 0
    {
        causes.push((
            "spec.replicas".into(),
            format!("Invalid value: {r}: must be greater than or equal to 0"),
        ));
    }
}

/// A workload's selector is required and must match its template's labels.
fn check_selector(obj: &Value, causes: &mut Causes) {
    match obj.pointer("/spec/selector") {
        None => causes.push(("spec.selector".into(), "Required value".into())),
        Some(sel) => {
            let labels = meta::labels_at(obj, "/spec/template/metadata/labels");
            if !meta::selector_matches(sel, labels) {
                causes.push((
                    "spec.template.metadata.labels".into(),
                    "Invalid value: `selector` does not match template `labels`".into(),
                ));
            }
        }
    }
}

/// An HPA's range: 1 <= minReplicas <= maxReplicas.
fn check_hpa_range(obj: &Value, causes: &mut Causes) {
    let min = obj
        .pointer("/spec/minReplicas")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let max = obj
        .pointer("/spec/maxReplicas")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    if min < 1 {
        causes.push((
            "spec.minReplicas".into(),
            format!("Invalid value: {min}: must be greater than or equal to 1"),
        ));
    }
    if max < min {
        causes.push((
            "spec.maxReplicas".into(),
            format!("Invalid value: {max}: must be greater than or equal to `minReplicas`"),
        ));
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
