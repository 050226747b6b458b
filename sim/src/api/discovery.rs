//! Discovery documents: /version, /api, /apis, /api/v1, /apis/G and /apis/G/V.

use axum::response::Response;
use serde_json::{Value, json};

use super::{Req, ok};
use crate::resources::{self, ResourceDef};

pub fn version() -> Value {
    json!({
        "major": "1",
        "minor": resources::MINOR,
        "gitVersion": resources::GIT_VERSION,
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2026-11-26T00:00:00Z",
        "goVersion": "go1.24.0",
        "compiler": "gc",
        "platform": "linux/amd64",
    })
}

pub fn api_versions(_r: &Req) -> Response {
    ok(&json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}],
    }))
}

fn group_doc(name: &str, versions: &[&str]) -> Value {
    let vs: Vec<Value> = versions
        .iter()
        .map(|v| json!({"groupVersion": format!("{name}/{v}"), "version": v}))
        .collect();
    json!({
        "name": name,
        "versions": vs,
        "preferredVersion": vs[0],
    })
}

pub fn api_groups(_r: &Req) -> Response {
    let groups: Vec<Value> = resources::groups()
        .iter()
        .map(|(g, vs)| group_doc(g, vs))
        .collect();
    ok(&json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}))
}

fn resource_entries(r: &ResourceDef) -> Vec<Value> {
    let mut e = json!({
        "name": r.resource,
        "singularName": r.singular,
        "namespaced": r.namespaced,
        "kind": r.kind,
        "verbs": r.verbs(),
    });
    if !r.short_names.is_empty() {
        e["shortNames"] = json!(r.short_names);
    }
    if !r.categories.is_empty() {
        e["categories"] = json!(r.categories);
    }
    let mut out = vec![e];
    for sub in r.subresources {
        let mut s = json!({
            "name": format!("{}/{}", r.resource, sub),
            "singularName": "",
            "namespaced": r.namespaced,
            "kind": r.kind,
            "verbs": ["get", "patch", "update"],
        });
        match *sub {
            "scale" => {
                s["group"] = json!("autoscaling");
                s["version"] = json!("v1");
                s["kind"] = json!("Scale");
            }
            "log" => s["verbs"] = json!(["get"]),
            _ => {}
        }
        out.push(s);
    }
    out
}

/// /apis/G (APIGroup) or /api/v1, /apis/G/V (APIResourceList); None when not served.
pub fn group_or_resources(path: &str) -> Option<Response> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version) = match segs.as_slice() {
        ["api", v] => ("", *v),
        ["apis", g, v] => (*g, *v),
        ["apis", g] => {
            let groups = resources::groups();
            let (name, vs) = groups.iter().find(|(n, _)| n == g)?;
            let mut doc = group_doc(name, vs);
            doc["kind"] = json!("APIGroup");
            doc["apiVersion"] = json!("v1");
            return Some(ok(&doc));
        }
        _ => return None,
    };
    let defs: Vec<&ResourceDef> = resources::in_gv(group, version).collect();
    if defs.is_empty() {
        return None;
    }
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    let list: Vec<Value> = defs.iter().flat_map(|r| resource_entries(r)).collect();
    Some(ok(&json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": gv,
        "resources": list,
    })))
}
