//! Discovery documents: /version, /api, /apis, /api/v1, /apis/G and /apis/G/V.

use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Req, apiservices, metrics_server, ok};
use crate::kinds;
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

/// The groups served, with the broken group versions (`--broken-group`) added: an
/// APIService that is registered lists its group even while its backend fails.
fn groups_with(broken: &[String]) -> Vec<(String, Vec<String>)> {
    // The aggregator's own group comes first, as kube-apiserver lists it.
    let mut out: Vec<(String, Vec<String>)> = vec![(
        apiservices::GROUP.to_string(),
        vec![apiservices::VERSION.to_string()],
    )];
    out.extend(
        kinds::groups()
            .iter()
            .map(|(g, vs)| (g.to_string(), vs.iter().map(|v| v.to_string()).collect())),
    );
    // The aggregated metrics API (metrics-server's APIService), listed after the built-in
    // groups like the aggregator does.
    out.push((
        metrics_server::GROUP.to_string(),
        vec![metrics_server::VERSION.to_string()],
    ));
    for gv in broken {
        let Some((g, v)) = gv.split_once('/') else {
            continue;
        };
        match out.iter_mut().find(|(n, _)| n == g) {
            Some((_, vs)) if !vs.iter().any(|x| x == v) => vs.push(v.to_string()),
            Some(_) => {}
            None => out.push((g.to_string(), vec![v.to_string()])),
        }
    }
    out
}

pub fn api_groups(_r: &Req, broken: &[String]) -> Response {
    let groups: Vec<Value> = groups_with(broken)
        .iter()
        .map(|(g, vs)| group_doc(g, &vs.iter().map(String::as_str).collect::<Vec<_>>()))
        .collect();
    ok(&json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}))
}

/// A request under a broken group version (`/apis/G/V...`): the aggregator's answer for an
/// unavailable APIService — 503 with a plain-text body (clients report "the server is
/// currently unable to handle the request").
pub fn broken(path: &str, broken: &[String]) -> Option<Response> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let ["apis", g, v, ..] = segs.as_slice() else {
        return None;
    };
    let gv = format!("{g}/{v}");
    if !broken.contains(&gv) {
        return None;
    }
    Some(
        (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            [
                (
                    axum::http::header::CONTENT_TYPE,
                    "text/plain; charset=utf-8",
                ),
                (axum::http::header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            "service unavailable\n",
        )
            .into_response(),
    )
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
            "token" => {
                s["group"] = json!("authentication.k8s.io");
                s["version"] = json!("v1");
                s["kind"] = json!("TokenRequest");
                s["verbs"] = json!(["create"]);
            }
            _ => {}
        }
        out.push(s);
    }
    out
}

/// /apis/G (APIGroup) or /api/v1, /apis/G/V (APIResourceList); None when not served.
pub fn group_or_resources(path: &str, broken: &[String]) -> Option<Response> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version) = match segs.as_slice() {
        ["api", v] => ("", *v),
        ["apis", g, v] => (*g, *v),
        ["apis", g] => {
            let groups = groups_with(broken);
            let (name, vs) = groups.iter().find(|(n, _)| n == g)?;
            let vs: Vec<&str> = vs.iter().map(String::as_str).collect();
            let mut doc = group_doc(name, &vs);
            doc["kind"] = json!("APIGroup");
            doc["apiVersion"] = json!("v1");
            return Some(ok(&doc));
        }
        _ => return None,
    };
    if group == metrics_server::GROUP && version == metrics_server::VERSION {
        return Some(ok(&metrics_server::resource_list()));
    }
    if group == apiservices::GROUP && version == apiservices::VERSION {
        return Some(ok(&apiservices::resource_list()));
    }
    let defs: Vec<&ResourceDef> = kinds::in_gv(group, version).collect();
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
