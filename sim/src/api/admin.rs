//! `/_sim/...`: fault injection and load control for tests.
//!
//! - `POST /_sim/faults` `{"unavailable": bool, "latency_ms": N, "blackhole": bool,
//!   "reset": true}`: answer 503 / answer slowly / read requests but never answer and let
//!   open watches go silent without closing (a dead VPN or NAT; `/_sim` keeps answering;
//!   what it stalled is dropped with a reset when it ends) / drop every open connection
//!   with a TCP reset, once.
//! - `POST /_sim/cut-watches`: close every open watch (clients re-watch).
//! - `POST /_sim/usage` `{"namespace", "deployment", "cpu", "memory"}`: pin the pods' CPU and
//!   memory use, as fractions of their requests (drives the HPA and OOM kills).
//! - `POST /_sim/hpa-metrics` `{"namespace", "kind": "External"|"Pods"|"Object", "name",
//!   "selector"?, "object"?: {"kind", "name"}, "value": N|"QUANTITY"|null}`: the value the
//!   HPA controller reads for a Pods (per pod), Object or External metric (null removes
//!   it); `GET /_sim/hpa-metrics` lists them.
//! - `POST /_sim/incident` `{"name": "bad-key", "on": true|false}`: stage an incident or
//!   undo it (see `crate::incidents`; 400 naming the valid names for an unknown one);
//!   `GET /_sim/incident` lists the active ones: `{"active": [{"name", "since"}],
//!   "available": [names]}`.
//! - `GET /_sim/state`: resourceVersion and object counts.
//! - `GET /_sim/provider/v1/models`: a simulated LLM provider — 200 with a model list for a
//!   key the agents would accept (`Authorization: Bearer KEY`), else 401.
//! - `GET /_sim/metrics`, `GET /_sim/truth`: the agent model's Prometheus metrics and ground
//!   truth (as on `--metrics-listen`; see `crate::agents`).

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{json_response, ok};
use crate::errors::ApiError;
use crate::kinds;
use crate::{Sim, Usage};

/// The simulated provider's `GET {base_url}/models` (what `rotate-key --verify` calls).
pub fn provider(method: &Method, path: &str, headers: &axum::http::HeaderMap) -> Response {
    if method != Method::GET || path.trim_end_matches('/') != "v1/models" {
        return json_response(
            StatusCode::NOT_FOUND,
            &json!({"error": {"message": "not found"}}),
        );
    }
    let key = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if crate::agents::key_is_valid(key) {
        let data: Vec<Value> = crate::agents::model::MODELS
            .iter()
            .map(|(m, _, _)| json!({"id": m, "object": "model", "owned_by": "holysheep-sim"}))
            .collect();
        ok(&json!({"object": "list", "data": data}))
    } else {
        json_response(
            StatusCode::UNAUTHORIZED,
            &json!({"error": {"message": "Incorrect API key provided", "type": "invalid_request_error", "code": "invalid_api_key"}}),
        )
    }
}

fn bad(msg: impl Into<String>) -> Response {
    ApiError::bad_request(msg).into_response()
}

/// `GET /_sim/incident`: the active incidents and since when (simulated time).
fn incidents(sim: &Sim) -> Response {
    let active: Vec<Value> = sim
        .incidents
        .list()
        .into_iter()
        .map(|(i, since)| json!({"name": i.name(), "since": since}))
        .collect();
    let available: Vec<&str> = crate::Incident::ALL.iter().map(|i| i.name()).collect();
    ok(&json!({"active": active, "available": available}))
}

/// `POST /_sim/incident`: stage one on or off.
fn stage_incident(sim: &Sim, body: &Value) -> Response {
    let Some(name) = body.get("name").and_then(Value::as_str) else {
        return bad(format!(
            "incident needs \"name\" (one of: {}) and \"on\": true|false",
            crate::Incident::names()
        ));
    };
    let incident: crate::Incident = match name.parse() {
        Ok(i) => i,
        Err(e) => return bad(e),
    };
    let Some(on) = body.get("on").and_then(Value::as_bool) else {
        return bad("incident needs \"on\": true|false");
    };
    match crate::incidents::stage(sim, incident, on) {
        Ok(changed) => {
            let active: Vec<&str> = sim.incidents.list().iter().map(|(i, _)| i.name()).collect();
            ok(&json!({"name": incident.name(), "on": on, "changed": changed, "active": active}))
        }
        Err(e) => json_response(
            StatusCode::CONFLICT,
            &ApiError::new(409, "Conflict", e).to_status(),
        ),
    }
}

/// `POST /_sim/hpa-metrics`: set or (with `"value": null`) remove a metric value.
fn feed_metric(sim: &Sim, body: &Value) -> Response {
    match crate::hpa_feed::FedMetric::parse(body) {
        Ok((m, true)) => {
            let removed = sim.hpa_feed.remove(&m);
            sim.store.changed.notify_waiters();
            let mut v = m.to_json();
            v["value"] = Value::Null;
            v["removed"] = json!(removed);
            ok(&v)
        }
        Ok((m, false)) => {
            let v = m.to_json();
            sim.hpa_feed.set(m);
            sim.store.changed.notify_waiters();
            ok(&v)
        }
        Err(e) => bad(e),
    }
}

/// `POST /_sim/faults`: switch the API server's faults.
fn faults(sim: &Sim, conn: &super::conn::ConnInfo, parsed: &Value) -> Response {
    if let Some(u) = parsed.get("unavailable").and_then(Value::as_bool) {
        sim.faults.set_unavailable(u);
    }
    if let Some(ms) = parsed.get("latency_ms").and_then(Value::as_u64) {
        sim.faults.set_latency_ms(ms);
    }
    if let Some(b) = parsed.get("blackhole").and_then(Value::as_bool) {
        sim.faults.set_blackhole(b);
    }
    if parsed.get("reset").and_then(Value::as_bool) == Some(true) {
        conn.spare_reset
            .store(true, std::sync::atomic::Ordering::Relaxed);
        sim.faults.reset_connections();
    }
    tracing::info!(?parsed, "faults changed");
    ok(&json!({
        "unavailable": sim.faults.unavailable(),
        "latency_ms": sim.faults.latency_ms(),
        "blackhole": sim.faults.blackhole(),
    }))
}

pub fn handle(
    sim: &Sim,
    conn: &super::conn::ConnInfo,
    method: &Method,
    path: &str,
    body: &[u8],
) -> Response {
    let parsed: Value = if body.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => return bad(format!("invalid JSON body: {e}")),
        }
    };
    match (method.as_str(), path.trim_end_matches('/')) {
        ("POST", "faults") => faults(sim, conn, &parsed),
        ("POST", "cut-watches") => {
            sim.faults.cut_watches();
            ok(&json!({"cut": true}))
        }
        ("POST", "usage") => {
            let s = |k: &str| parsed.get(k).and_then(Value::as_str).map(str::to_string);
            let (Some(ns), Some(deploy)) = (s("namespace"), s("deployment")) else {
                return bad("usage needs \"namespace\" and \"deployment\"");
            };
            let f = |k: &str| parsed.get(k).and_then(Value::as_f64);
            let usage = Usage {
                cpu: f("cpu"),
                memory: f("memory"),
            };
            sim.set_usage(&ns, &deploy, usage);
            ok(
                &json!({"namespace": ns, "deployment": deploy, "cpu": usage.cpu, "memory": usage.memory}),
            )
        }
        ("POST", "hpa-metrics") => feed_metric(sim, &parsed),
        ("POST", "incident") => stage_incident(sim, &parsed),
        ("GET", "incident") => incidents(sim),
        ("GET", "hpa-metrics") => {
            let items: Vec<Value> = sim.hpa_feed.list().iter().map(|m| m.to_json()).collect();
            ok(&json!({"metrics": items}))
        }
        ("GET", "metrics") => super::metrics::metrics_response(sim),
        ("GET", "truth") => super::metrics::truth_response(sim),
        ("GET", "state") => {
            let counts: serde_json::Map<String, Value> = kinds::resources()
                .map(|r| (r.key(), json!(sim.store.count(&r.key()))))
                .collect();
            ok(&json!({
                "resourceVersion": sim.store.current_rv().to_string(),
                "counts": counts,
                "timeScale": sim.clock.scale(),
            }))
        }
        _ => json_response(
            StatusCode::NOT_FOUND,
            &ApiError::path_not_found().to_status(),
        ),
    }
}
