//! `metrics.k8s.io/v1beta1` the way metrics-server serves it: PodMetrics (`pods`,
//! namespaced) and NodeMetrics (`nodes`), get and list only, computed from the usage model
//! ([`crate::usage`]) rather than stored. Quantities in metrics-server's canonical forms
//! (CPU in nanocores, "1760052n"; memory in bytes, BinarySI, "19532Ki"); the Table a
//! client asks for has metrics-server's columns (Name, cpu, memory, Window).

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::select::{FieldSelector, LabelSelector};
use super::{Req, json_response};
use crate::errors::{ApiError, ApiResult};
use crate::resources::{ResourceDef, keys};
use crate::{Sim, meta, usage};

pub const GROUP: &str = "metrics.k8s.io";
pub const VERSION: &str = "v1beta1";
pub const GROUP_VERSION: &str = crate::resources::METRICS_GROUP_VERSION;

/// The window metrics-server reports the usage over.
const WINDOW: &str = "30s";

/// What a container without requests is taken to request (the usage model speaks in
/// fractions of requests).
const DEFAULT_CPU_REQUEST: f64 = 0.1;
const DEFAULT_MEMORY_REQUEST: f64 = 128.0 * 1024.0 * 1024.0;

/// The node's own use (kubelet, runtime, system daemons) on top of its pods'.
const NODE_BASE_CPU: f64 = 0.15;
const NODE_BASE_MEMORY: f64 = 900.0 * 1024.0 * 1024.0;

const fn def(resource: &'static str, kind: &'static str, namespaced: bool) -> ResourceDef {
    ResourceDef {
        group: GROUP,
        version: VERSION,
        resource,
        kind,
        singular: "",
        namespaced,
        short_names: &[],
        subresources: &[],
        create_only: false,
        categories: &[],
    }
}

static PODS: ResourceDef = def("pods", "PodMetrics", true);
static NODES: ResourceDef = def("nodes", "NodeMetrics", false);

/// The APIResourceList of /apis/metrics.k8s.io/v1beta1 (resources sorted by name, as the
/// generic API server lists them; the singular name is the lowercased kind).
pub fn resource_list() -> Value {
    json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": GROUP_VERSION,
        "resources": [
            {"name": "nodes", "singularName": "nodemetrics", "namespaced": false, "kind": "NodeMetrics", "verbs": ["get", "list"]},
            {"name": "pods", "singularName": "podmetrics", "namespaced": true, "kind": "PodMetrics", "verbs": ["get", "list"]},
        ],
    })
}

/// A request under /apis/metrics.k8s.io/v1beta1/…; None when the path names no resource
/// (the discovery document).
pub fn handle(sim: &Sim, path: &str, r: &Req) -> Option<ApiResult<Response>> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let rest = match segs.as_slice() {
        ["apis", GROUP, VERSION, rest @ ..] if !rest.is_empty() => rest,
        _ => return None,
    };
    let (def, ns, name) = match rest {
        ["nodes"] => (&NODES, None, None),
        ["nodes", n] => (&NODES, None, Some(*n)),
        ["pods"] => (&PODS, None, None),
        ["namespaces", ns, "pods"] => (&PODS, Some(*ns), None),
        ["namespaces", ns, "pods", n] => (&PODS, Some(*ns), Some(*n)),
        _ => return Some(Err(ApiError::path_not_found())),
    };
    Some(serve(sim, r, def, ns, name))
}

/// RBAC (the sim's deny rules), then the verbs a metrics-server answers: get and list; a
/// watch or a write is 405, as the generic API server answers for a Getter/Lister storage.
fn allowed(
    sim: &Sim,
    r: &Req,
    def: &'static ResourceDef,
    ns: Option<&str>,
    name: Option<&str>,
) -> ApiResult<()> {
    let verb = match (&r.method, name) {
        (&Method::GET, _) if r.flag("watch") => "watch",
        (&Method::GET, Some(_)) => "get",
        (&Method::GET, None) => "list",
        (&Method::POST, _) => "create",
        (&Method::PUT, _) => "update",
        (&Method::PATCH, _) => "patch",
        (&Method::DELETE, Some(_)) => "delete",
        (&Method::DELETE, None) => "deletecollection",
        _ => "unknown",
    };
    if let Some(reason) = crate::authz::denied(&sim.deny, verb, GROUP, def.resource, None) {
        return Err(ApiError::forbidden(
            r.user(),
            verb,
            def,
            None,
            name.unwrap_or(""),
            ns.unwrap_or(""),
            &reason,
        ));
    }
    if !matches!(verb, "get" | "list") {
        // The storage is a Getter and a Lister only: the generic API server answers
        // anything else (a watch too) with 405.
        return Err(ApiError::new(
            405,
            "MethodNotAllowed",
            format!(
                "{verb} is not supported on resources of kind \"{}.{GROUP}\"",
                def.resource
            ),
        )
        .details_for(def.resource, GROUP, ""));
    }
    Ok(())
}

fn serve(
    sim: &Sim,
    r: &Req,
    def: &'static ResourceDef,
    ns: Option<&str>,
    name: Option<&str>,
) -> ApiResult<Response> {
    allowed(sim, r, def, ns, name)?;
    let now = sim.clock.now();
    let ts = meta::fmt_time(now);
    let pods_view = def.resource == "pods";
    let items: Vec<Value> = match name {
        Some(n) => {
            let item = if pods_view {
                pod_get(sim, ns.unwrap_or(""), n, &ts)?
            } else {
                node_get(sim, n, &ts)?
            };
            let mut item = item;
            item["kind"] = json!(def.kind);
            item["apiVersion"] = json!(GROUP_VERSION);
            if r.wants_table() {
                return Ok(ok(&table(&[item], pods_view, r.q("includeObject"))));
            }
            return Ok(ok(&item));
        }
        None => {
            let labels = LabelSelector::parse(r.q("labelSelector").unwrap_or(""))?;
            let fields = FieldSelector::parse(
                r.q("fieldSelector").unwrap_or(""),
                if pods_view { "pods" } else { "nodes" },
                def.kind,
            )?;
            if pods_view {
                let (pods, _) = sim.store.list(keys::PODS, ns);
                pods.iter()
                    .filter(|p| labels.matches(p) && fields.matches(p))
                    .filter_map(|p| pod_metrics(sim, p, &ts))
                    .collect()
            } else {
                let (nodes, _) = sim.store.list(keys::NODES, None);
                nodes
                    .iter()
                    .filter(|n| labels.matches(n) && fields.matches(n))
                    .map(|n| node_metrics(sim, n, &ts))
                    .collect()
            }
        }
    };
    if r.wants_table() {
        return Ok(ok(&table(&items, pods_view, r.q("includeObject"))));
    }
    Ok(ok(&json!({
        "kind": format!("{}List", def.kind),
        "apiVersion": GROUP_VERSION,
        "metadata": {},
        "items": items,
    })))
}

fn ok(v: &Value) -> Response {
    json_response(StatusCode::OK, v)
}

fn pod_get(sim: &Sim, ns: &str, name: &str, ts: &str) -> ApiResult<Value> {
    let pod = sim.store.get(keys::PODS, ns, name).ok_or_else(|| {
        ApiError::new(404, "NotFound", format!("pods \"{name}\" not found"))
            .details_for("pods", "", name)
    })?;
    pod_metrics(sim, &pod, ts).ok_or_else(|| {
        let id = format!("{ns}/{name}");
        ApiError::new(
            404,
            "NotFound",
            format!("podmetrics.{GROUP} \"{id}\" not found"),
        )
        .details_for("podmetrics", GROUP, &id)
    })
}

fn node_get(sim: &Sim, name: &str, ts: &str) -> ApiResult<Value> {
    let node = sim.store.get(keys::NODES, "", name).ok_or_else(|| {
        ApiError::new(404, "NotFound", format!("nodes \"{name}\" not found"))
            .details_for("nodes", "", name)
    })?;
    Ok(node_metrics(sim, &node, ts))
}

/// The metadata metrics-server gives a metrics object: the name (and namespace) and labels
/// of the pod or node, created now.
fn metrics_meta(obj: &Value, ts: &str, namespaced: bool) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), json!(meta::name(obj)));
    if namespaced {
        m.insert("namespace".into(), json!(meta::namespace(obj)));
    }
    m.insert("creationTimestamp".into(), json!(ts));
    if let Some(l) = meta::labels(obj).filter(|l| !l.is_empty()) {
        m.insert("labels".into(), Value::Object(l.clone()));
    }
    Value::Object(m)
}

/// Per-container (cores, bytes) of a running pod; None for a pod without metrics (not
/// running, or not on a node yet).
fn container_usage(sim: &Sim, pod: &Value) -> Option<Vec<(String, f64, f64)>> {
    if meta::ptr(pod, "/status/phase").and_then(Value::as_str) != Some("Running") {
        return None;
    }
    let containers = meta::ptr(pod, "/spec/containers").and_then(Value::as_array)?;
    let (cpu_frac, mem_frac) = usage::usage_fraction(
        sim,
        meta::namespace(pod),
        usage::deployment_of(pod),
        meta::name(pod),
    );
    let request = |c: &Value, res: &str, default: f64| {
        meta::ptr(c, &format!("/resources/requests/{res}"))
            .and_then(meta::parse_quantity)
            .filter(|q| *q > 0.0)
            .unwrap_or(default)
    };
    let out: Vec<(String, f64, f64)> = containers
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or("").to_string(),
                cpu_frac * request(c, "cpu", DEFAULT_CPU_REQUEST),
                mem_frac * request(c, "memory", DEFAULT_MEMORY_REQUEST),
            )
        })
        .collect();
    (!out.is_empty()).then_some(out)
}

fn pod_metrics(sim: &Sim, pod: &Value, ts: &str) -> Option<Value> {
    let containers: Vec<Value> = container_usage(sim, pod)?
        .into_iter()
        .map(|(name, cpu, mem)| {
            json!({"name": name, "usage": {"cpu": cpu_quantity(cpu), "memory": memory_quantity(mem)}})
        })
        .collect();
    Some(json!({
        "metadata": metrics_meta(pod, ts, true),
        "timestamp": ts,
        "window": WINDOW,
        "containers": containers,
    }))
}

fn node_metrics(sim: &Sim, node: &Value, ts: &str) -> Value {
    let name = meta::name(node);
    let phase = (meta::fnv32a(name.as_bytes()) % 628) as f64 / 100.0;
    let wave = (sim.clock.secs() / 120.0 + phase).sin();
    let (mut cpu, mut mem) = (
        NODE_BASE_CPU * (1.0 + 0.2 * wave),
        NODE_BASE_MEMORY * (1.0 + 0.02 * wave),
    );
    let (pods, _) = sim.store.list(keys::PODS, None);
    for p in pods
        .iter()
        .filter(|p| meta::ptr(p, "/spec/nodeName").and_then(Value::as_str) == Some(name))
    {
        for (_, c, m) in container_usage(sim, p).unwrap_or_default() {
            cpu += c;
            mem += m;
        }
    }
    json!({
        "metadata": metrics_meta(node, ts, false),
        "timestamp": ts,
        "window": WINDOW,
        "usage": {"cpu": cpu_quantity(cpu), "memory": memory_quantity(mem)},
    })
}

/// Cores as metrics-server writes them: a nanocore count in canonical decimal form
/// ("1760052n"; "5m" when it divides evenly).
pub fn cpu_quantity(cores: f64) -> String {
    let mut n = (cores.max(0.0) * 1e9).round() as u64;
    if n == 0 {
        return "0".into();
    }
    let suffixes = ["n", "u", "m", "", "k", "M", "G", "T"];
    let mut i = 0;
    while n.is_multiple_of(1000) && i + 1 < suffixes.len() {
        n /= 1000;
        i += 1;
    }
    format!("{n}{}", suffixes[i])
}

/// Bytes as metrics-server writes them: BinarySI in canonical form. Working-set bytes
/// come in whole pages, so they read "19532Ki".
pub fn memory_quantity(bytes: f64) -> String {
    let mut n = ((bytes.max(0.0) / 4096.0).round() as u64) * 4096;
    if n == 0 {
        return "0".into();
    }
    let suffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    let mut i = 0;
    while n.is_multiple_of(1024) && i + 1 < suffixes.len() {
        n /= 1024;
        i += 1;
    }
    format!("{n}{}", suffixes[i])
}

/// A quantity this module wrote, back in base units (nanocores and microcores too).
fn parse(q: &Value) -> Option<f64> {
    let s = q.as_str()?;
    if let Some(n) = s.strip_suffix('n') {
        return n.parse::<f64>().ok().map(|n| n / 1e9);
    }
    if let Some(u) = s.strip_suffix('u') {
        return u.parse::<f64>().ok().map(|u| u / 1e6);
    }
    meta::parse_quantity(q)
}

/// metrics-server's Table: Name, then one quantity column per resource (sorted: cpu,
/// memory; a pod's containers summed), then Window.
fn table(items: &[Value], pods_view: bool, include_object: Option<&str>) -> Value {
    let rows: Vec<Value> = items
        .iter()
        .map(|it| {
            let (cpu, mem) = if pods_view {
                it["containers"]
                    .as_array()
                    .map(|cs| {
                        cs.iter().fold((0.0, 0.0), |(c, m), x| {
                            (
                                c + parse(&x["usage"]["cpu"]).unwrap_or(0.0),
                                m + parse(&x["usage"]["memory"]).unwrap_or(0.0),
                            )
                        })
                    })
                    .unwrap_or((0.0, 0.0))
            } else {
                (
                    parse(&it["usage"]["cpu"]).unwrap_or(0.0),
                    parse(&it["usage"]["memory"]).unwrap_or(0.0),
                )
            };
            let mut row = json!({
                "cells": [meta::name(it), cpu_quantity(cpu), memory_quantity(mem), WINDOW],
            });
            match include_object {
                Some("None") => {}
                Some("Object") => row["object"] = it.clone(),
                _ => {
                    row["object"] = json!({
                        "kind": "PartialObjectMetadata",
                        "apiVersion": "meta.k8s.io/v1",
                        "metadata": it["metadata"].clone(),
                    })
                }
            }
            row
        })
        .collect();
    let columns = if items.is_empty() {
        json!([])
    } else {
        json!([
            {"name": "Name", "type": "string", "format": "name", "description": "Name of the resource", "priority": 0},
            {"name": "cpu", "type": "string", "format": "quantity", "description": "", "priority": 0},
            {"name": "memory", "type": "string", "format": "quantity", "description": "", "priority": 0},
            {"name": "Window", "type": "string", "format": "duration", "description": "", "priority": 0},
        ])
    };
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {},
        "columnDefinitions": columns,
        "rows": rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_are_canonical_like_metrics_server() {
        assert_eq!(cpu_quantity(0.001760052), "1760052n");
        assert_eq!(cpu_quantity(0.005), "5m");
        assert_eq!(cpu_quantity(2.0), "2");
        assert_eq!(cpu_quantity(0.0), "0");
        assert_eq!(memory_quantity(19532.0 * 1024.0), "19532Ki");
        assert_eq!(memory_quantity(256.0 * 1024.0 * 1024.0), "256Mi");
        assert_eq!(memory_quantity(0.0), "0");
        assert_eq!(parse(&json!("1760052n")), Some(0.001760052));
        assert!((parse(&json!("5m")).unwrap() - 0.005).abs() < 1e-12);
    }
}
