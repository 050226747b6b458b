//! The OpenAPI documents' content, generated from k8s-openapi's JsonSchema impls of the kinds
//! with a typed schema in the registry ([`crate::kinds::typed_kinds`]): the schemas (v2 form: `#/definitions/...`, v3 form:
//! `#/components/schemas/...` with `allOf` around a `$ref` that has siblings, as
//! kube-apiserver serves them) and the paths of every served resource.
//!
//! The documents carry no patch-strategy extensions (k8s-openapi's schemas do not have them),
//! so PATCH operations do not list strategic merge patch: kubectl then computes a strategic
//! merge patch from its own built-in types, as it does for kinds without OpenAPI data.

use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
use k8s_openapi::schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use crate::kinds;
use crate::resources::ResourceDef;

const REF_V2: &str = "#/definitions/";
const REF_V3: &str = "#/components/schemas/";
const PATCH: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
const DELETE_OPTIONS: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions";
const STATUS: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
const INT_OR_STRING: &str = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
const QUANTITY: &str = "io.k8s.apimachinery.pkg.api.resource.Quantity";
/// PATCH bodies the documents advertise (no strategic merge patch, see the module doc).
const PATCH_TYPES: [&str; 3] = [
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
];
const PRODUCES: [&str; 3] = [
    "application/json",
    "application/yaml",
    "application/vnd.kubernetes.protobuf",
];

/// A kind with a typed schema: its group-version-kind, its definition's name and the
/// resource k8s-openapi knows it by (None for a subresource's kind, like Scale).
#[derive(Debug, Clone)]
pub struct KindSchema {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub name: String,
    pub resource: Option<ResourceDef>,
}

/// All definitions (v2 form) and the kinds they describe.
pub struct Schemas {
    pub defs: Map<String, Value>,
    pub kinds: Vec<KindSchema>,
}

pub fn schemas() -> Schemas {
    let mut settings = SchemaSettings::draft07();
    settings.definitions_path = "/definitions".into();
    settings.meta_schema = None;
    settings.transforms.clear();
    let mut generator = settings.into_generator();
    generator.subschema_for::<meta::Patch>();
    generator.subschema_for::<meta::DeleteOptions>();
    generator.subschema_for::<meta::Status>();
    let mut kinds = Vec::new();
    for t in kinds::typed_kinds() {
        let name = (t.schema)(&mut generator);
        let (group, version) = t
            .api_version
            .rsplit_once('/')
            .unwrap_or(("", t.api_version));
        kinds.push(KindSchema {
            group: group.into(),
            version: version.into(),
            kind: t.kind.to_string(),
            name,
            resource: (t.resource)(),
        });
    }
    let mut defs = generator.take_definitions(false);
    for k in &kinds {
        if let Some(Value::Object(d)) = defs.get_mut(&k.name) {
            d.insert("x-kubernetes-group-version-kind".into(), json!([gvk(k)]));
            drop_required_metadata(d);
        }
    }
    // kube-apiserver's v2 types for these two (the v3 form is set by `to_v3`).
    if let Some(Value::Object(d)) = defs.get_mut(INT_OR_STRING) {
        d.insert("type".into(), "string".into());
        d.insert("format".into(), "int-or-string".into());
        d.remove("x-kubernetes-int-or-string");
    }
    if let Some(Value::Object(d)) = defs.get_mut(QUANTITY) {
        d.insert("type".into(), "string".into());
        d.remove("x-kubernetes-int-or-string");
    }
    Schemas { defs, kinds }
}

fn gvk(k: &KindSchema) -> Value {
    json!({"group": k.group, "kind": k.kind, "version": k.version})
}

/// k8s-openapi marks metadata required (its Rust field is not optional); the API does not.
fn drop_required_metadata(d: &mut Map<String, Value>) {
    if let Some(Value::Array(req)) = d.get_mut("required") {
        req.retain(|f| f != "metadata");
        if req.is_empty() {
            d.remove("required");
        }
    }
}

/// The names of `roots` and of every definition they refer to, transitively.
pub fn closure(defs: &Map<String, Value>, roots: &[&str]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut todo: Vec<String> = roots.iter().map(|s| s.to_string()).collect();
    while let Some(name) = todo.pop() {
        if seen.contains(&name) {
            continue;
        }
        if let Some(d) = defs.get(&name) {
            refs_in(d, &mut todo);
        }
        seen.push(name);
    }
    seen.sort();
    seen
}

fn refs_in(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                out.push(r.trim_start_matches(REF_V2).to_string());
            }
            m.values().for_each(|c| refs_in(c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| refs_in(c, out)),
        _ => {}
    }
}

/// A v2 schema in v3 form: refs under components/schemas, a `$ref` with siblings wrapped in
/// `allOf`, IntOrString and Quantity as `oneOf` types.
pub fn to_v3(name: &str, v: &Value) -> Value {
    let mut v = v3_refs(v);
    if let Value::Object(d) = &mut v {
        if name == INT_OR_STRING {
            d.remove("type");
            d.insert(
                "oneOf".into(),
                json!([{"type": "integer"}, {"type": "string"}]),
            );
        } else if name == QUANTITY {
            d.remove("type");
            d.insert(
                "oneOf".into(),
                json!([{"type": "string"}, {"type": "number"}]),
            );
        }
    }
    v
}

fn v3_refs(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out: Map<String, Value> =
                m.iter().map(|(k, c)| (k.clone(), v3_refs(c))).collect();
            if let Some(Value::String(r)) = out.remove("$ref") {
                let r = json!({"$ref": r.replace(REF_V2, REF_V3)});
                if out.is_empty() {
                    return r;
                }
                out.insert("allOf".into(), json!([r]));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(v3_refs).collect()),
        other => other.clone(),
    }
}

/// One operation of a path.
struct Op {
    method: &'static str,
    action: &'static str,
    verb: &'static str,
    /// The request body's schema: a kind, Patch or DeleteOptions.
    body: Option<String>,
    /// The 200 response's schema.
    resp: Option<String>,
    query: &'static [&'static str],
}

/// The operations of a resource: (path, operations, path parameters).
fn resource_ops(r: &ResourceDef, schema: &str) -> Vec<(String, Vec<Op>, Vec<&'static str>)> {
    let base = r.gv_path();
    let kind = Some(schema.to_string());
    let create = Op {
        method: "post",
        action: "post",
        verb: "create",
        body: kind.clone(),
        resp: kind.clone(),
        query: &["dryRun", "fieldManager", "fieldValidation", "pretty"],
    };
    if r.create_only {
        return vec![(format!("{base}/{}", r.resource), vec![create], vec![])];
    }
    let (coll, ns): (String, Vec<&str>) = if r.namespaced {
        let p = format!("{base}/namespaces/{{namespace}}/{}", r.resource);
        (p, vec!["namespace"])
    } else {
        (format!("{base}/{}", r.resource), vec![])
    };
    let list = Op {
        method: "get",
        action: "list",
        verb: "list",
        body: None,
        resp: None,
        query: &["labelSelector", "fieldSelector", "limit", "watch", "pretty"],
    };
    let item = vec![
        Op {
            method: "get",
            action: "get",
            verb: "read",
            body: None,
            resp: kind.clone(),
            query: &["pretty"],
        },
        Op {
            method: "put",
            action: "put",
            verb: "replace",
            body: kind.clone(),
            resp: kind.clone(),
            query: &["dryRun", "fieldManager", "fieldValidation", "pretty"],
        },
        Op {
            method: "patch",
            action: "patch",
            verb: "patch",
            body: Some(PATCH.into()),
            resp: kind.clone(),
            query: &[
                "dryRun",
                "fieldManager",
                "fieldValidation",
                "force",
                "pretty",
            ],
        },
        Op {
            method: "delete",
            action: "delete",
            verb: "delete",
            body: Some(DELETE_OPTIONS.into()),
            resp: Some(STATUS.into()),
            query: &[
                "dryRun",
                "gracePeriodSeconds",
                "propagationPolicy",
                "pretty",
            ],
        },
    ];
    let mut item_params = vec!["name"];
    item_params.extend(ns.iter().copied());
    vec![
        (coll.clone(), vec![list, create], ns),
        (format!("{coll}/{{name}}"), item, item_params),
    ]
}

fn param_type(name: &str) -> &'static str {
    match name {
        "force" | "watch" => "boolean",
        "limit" | "gracePeriodSeconds" => "integer",
        _ => "string",
    }
}

/// "apps" -> "Apps", "rbac.authorization.k8s.io" -> "RbacAuthorization", "" -> "Core".
fn camel(group: &str, version: &str) -> String {
    let group = if group.is_empty() { "core" } else { group };
    let mut out = String::new();
    for part in group
        .trim_end_matches(".k8s.io")
        .split('.')
        .chain([version])
    {
        let mut cs = part.chars();
        if let Some(c) = cs.next() {
            out.extend(c.to_uppercase());
            out.push_str(cs.as_str());
        }
    }
    out
}

/// The common fields of an operation in either version.
fn op_common(r: &ResourceDef, op: &Op, k: &KindSchema) -> Map<String, Value> {
    let scope = if r.namespaced && !r.create_only {
        "Namespaced"
    } else {
        ""
    };
    let mut m = Map::new();
    m.insert(
        "operationId".into(),
        format!("{}{}{scope}{}", op.verb, camel(r.group, r.version), r.kind).into(),
    );
    m.insert("tags".into(), json!([tag(r.group, r.version)]));
    m.insert("x-kubernetes-action".into(), op.action.into());
    m.insert("x-kubernetes-group-version-kind".into(), gvk(k));
    m
}

fn tag(group: &str, version: &str) -> String {
    let g = if group.is_empty() { "core" } else { group };
    format!(
        "{}_{version}",
        g.trim_end_matches(".k8s.io").replace('.', "_")
    )
}

/// The two forms of the documents: OpenAPI v2 (swagger) and v3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    V2,
    V3,
}

/// A query or path parameter.
fn param(name: &str, place: &str, form: Form) -> Value {
    let ty = param_type(name);
    let mut p = match form {
        Form::V2 => json!({"name": name, "in": place, "type": ty, "uniqueItems": true}),
        Form::V3 => {
            json!({"name": name, "in": place, "schema": {"type": ty, "uniqueItems": true}})
        }
    };
    if place == "path" {
        p["required"] = true.into();
    }
    p
}

/// Adds the paths of a group-version's resources.
fn add_paths(s: &Schemas, group: &str, version: &str, form: Form, paths: &mut Map<String, Value>) {
    for (r, k) in served(s, group, version) {
        for (path, ops, params) in resource_ops(r, &k.name) {
            let mut item = Map::new();
            for op in &ops {
                let o = match form {
                    Form::V2 => v2_op(r, op, k),
                    Form::V3 => v3_op(r, op, k),
                };
                item.insert(op.method.into(), Value::Object(o));
            }
            let ps: Vec<Value> = params.iter().map(|p| param(p, "path", form)).collect();
            item.insert("parameters".into(), ps.into());
            paths.insert(path, Value::Object(item));
        }
    }
}

/// The paths of one group-version (v3 form).
pub fn v3_paths(s: &Schemas, group: &str, version: &str) -> Map<String, Value> {
    let mut paths = Map::new();
    add_paths(s, group, version, Form::V3, &mut paths);
    paths
}

fn v3_op(r: &ResourceDef, op: &Op, k: &KindSchema) -> Map<String, Value> {
    let mut m = op_common(r, op, k);
    let params: Vec<Value> = op
        .query
        .iter()
        .map(|q| param(q, "query", Form::V3))
        .collect();
    m.insert("parameters".into(), params.into());
    let content = |types: &[&str], schema: &str| -> Value {
        let r = json!({"schema": {"$ref": format!("{REF_V3}{schema}")}});
        types.iter().map(|t| (t.to_string(), r.clone())).collect()
    };
    if let Some(b) = &op.body {
        let types: &[&str] = if op.method == "patch" {
            &PATCH_TYPES
        } else {
            &["*/*"]
        };
        m.insert(
            "requestBody".into(),
            json!({"content": content(types, b), "required": true}),
        );
    }
    let mut ok = json!({"description": "OK"});
    if let Some(resp) = &op.resp {
        ok["content"] = content(&PRODUCES, resp);
    }
    m.insert(
        "responses".into(),
        json!({"200": ok, "401": {"description": "Unauthorized"}}),
    );
    m
}

/// The paths of every served group-version (v2 form).
pub fn v2_paths(s: &Schemas) -> Map<String, Value> {
    let mut paths = Map::new();
    for (group, version) in group_versions(s) {
        add_paths(s, group, version, Form::V2, &mut paths);
    }
    paths
}

fn v2_op(r: &ResourceDef, op: &Op, k: &KindSchema) -> Map<String, Value> {
    let mut m = op_common(r, op, k);
    let mut params: Vec<Value> = op
        .query
        .iter()
        .map(|q| param(q, "query", Form::V2))
        .collect();
    if let Some(b) = &op.body {
        params.insert(
            0,
            json!({"name": "body", "in": "body", "required": true, "schema": {"$ref": format!("{REF_V2}{b}")}}),
        );
    }
    m.insert("parameters".into(), params.into());
    let consumes: &[&str] = if op.method == "patch" {
        &PATCH_TYPES
    } else {
        &["*/*"]
    };
    m.insert("consumes".into(), json!(consumes));
    m.insert("produces".into(), json!(PRODUCES));
    let mut ok = json!({"description": "OK"});
    if let Some(resp) = &op.resp {
        ok["schema"] = json!({"$ref": format!("{REF_V2}{resp}")});
    }
    m.insert(
        "responses".into(),
        json!({"200": ok, "401": {"description": "Unauthorized"}}),
    );
    m
}

/// The served resources of a group-version with their kinds' schemas: the sim's resource
/// table's rows, or k8s-openapi's resource for a kind served elsewhere (APIService).
fn served<'a>(
    s: &'a Schemas,
    group: &'a str,
    version: &'a str,
) -> impl Iterator<Item = (&'a ResourceDef, &'a KindSchema)> + 'a {
    s.kinds
        .iter()
        .filter(move |k| k.group == group && k.version == version)
        .filter_map(|k| {
            let r = kinds::resources()
                .find(|r| k.group == r.group && k.version == r.version && k.kind == r.kind);
            Some((r.or(k.resource.as_ref())?, k))
        })
}

/// Every served (group, version): the resource table's in discovery order, then those of
/// other kinds of the kind table (apiregistration.k8s.io/v1).
pub fn group_versions(s: &Schemas) -> Vec<(&str, &str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    let table = kinds::resources().map(|r| (r.group, r.version));
    let others = s
        .kinds
        .iter()
        .filter(|k| k.resource.is_some())
        .map(|k| (k.group.as_str(), k.version.as_str()));
    for gv in table.chain(others) {
        if !out.contains(&gv) {
            out.push(gv);
        }
    }
    out
}

/// The definitions a group-version's document holds: its kinds', the operations' bodies and
/// everything they refer to.
pub fn gv_definitions(s: &Schemas, group: &str, version: &str) -> Vec<String> {
    let mut roots: Vec<&str> = s
        .kinds
        .iter()
        .filter(|k| k.group == group && k.version == version)
        .map(|k| k.name.as_str())
        .collect();
    roots.extend([PATCH, DELETE_OPTIONS, STATUS]);
    closure(&s.defs, &roots)
}
