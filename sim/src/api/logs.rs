//! `GET /api/v1/namespaces/NS/pods/NAME/log` (`kubectl logs`): a few plausible lines per
//! container instance, written from what the sim knows — an agent's start, its provider
//! URL, the provider's answers while the key is rejected or egress is blocked, and why a
//! container with a bad HOLYSHEEP_BASE_URL exits. `previous=true` shows the last
//! terminated instance; a container waiting in CrashLoopBackOff shows its last run, as the
//! kubelet does. Parameters honoured: container, previous, tailLines, timestamps.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::{Req, Target};
use crate::controllers::kubelet;
use crate::errors::{ApiError, ApiResult};
use crate::resources::keys;
use crate::{Sim, agents, meta};

fn bad_request(msg: String) -> ApiError {
    ApiError::bad_request(msg)
}

/// The container's status and which instance to show: (started, finished, exit reason).
fn instance(status: &Value, previous: bool) -> Option<(String, Option<String>, Option<String>)> {
    let term = &status["lastState"]["terminated"];
    let running = &status["state"]["running"];
    let use_last = previous || !running.is_object();
    if use_last {
        let started = term["startedAt"].as_str()?.to_string();
        return Some((
            started,
            term["finishedAt"].as_str().map(str::to_string),
            term["reason"].as_str().map(str::to_string),
        ));
    }
    Some((running["startedAt"].as_str()?.to_string(), None, None))
}

/// The lines of one agent container instance (without timestamps: (time, line)).
fn agent_lines(
    sim: &Sim,
    pod: &Value,
    (started, finished, reason): &(String, Option<String>, Option<String>),
) -> Vec<(String, String)> {
    let url = meta::ptr(pod, "/spec/containers/0/env")
        .and_then(Value::as_array)
        .and_then(|e| e.iter().find(|v| v["name"] == "HOLYSHEEP_BASE_URL"))
        .and_then(|v| v["value"].as_str())
        .unwrap_or("https://api.holysheep.ai/v1")
        .to_string();
    let image = meta::ptr(pod, "/spec/containers/0/image")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut out = vec![(
        started.clone(),
        format!("INFO ai-agent starting ({image}; agents: coder, writer, analyst)"),
    )];
    if let Some(why) = kubelet::bad_config(pod) {
        let end = finished.clone().unwrap_or_else(|| started.clone());
        out.push((end.clone(), format!("ERROR {why}")));
        out.push((
            end,
            "ERROR configuration invalid, exiting with status 1".into(),
        ));
        return out;
    }
    out.push((started.clone(), format!("INFO provider {url}")));
    out.push((started.clone(), "INFO listening on :8000".into()));
    let at = finished.clone().unwrap_or_else(|| sim.clock.now_str());
    if reason.is_none() {
        let p = agents::provider(sim);
        if !p.egress_ok {
            out.push((at.clone(), "WARN provider call failed: connect to api.holysheep.ai:443 timed out after 30s; answering 504".into()));
        } else if !p.key_ok {
            out.push((at.clone(), "WARN provider answered 401 Unauthorized (invalid or revoked API key); answering 401".into()));
        }
    }
    out
}

/// `pods/NAME/log`.
pub fn get(sim: &Sim, t: &Target, r: &Req) -> ApiResult<Response> {
    let name = t.name.as_deref().unwrap_or("");
    let pod = sim.store.get(keys::PODS, t.ns(), name).ok_or_else(|| {
        ApiError::new(404, "NotFound", format!("pods \"{name}\" not found"))
            .details_for("pods", "", name)
    })?;
    let statuses = meta::ptr(&pod, "/status/containerStatuses").and_then(Value::as_array);
    let first = meta::ptr(&pod, "/spec/containers/0/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    let container = r.q("container").unwrap_or(first);
    let status = statuses
        .and_then(|s| s.iter().find(|c| c["name"] == container))
        .cloned();
    let Some(status) = status else {
        return Err(bad_request(format!(
            "container \"{container}\" in pod \"{name}\" is waiting to start: ContainerCreating"
        )));
    };
    let previous = r.flag("previous");
    let Some(inst) = instance(&status, previous) else {
        let msg = if previous {
            format!("previous terminated container \"{container}\" in pod \"{name}\" not found")
        } else {
            format!(
                "container \"{container}\" in pod \"{name}\" is waiting to start: ContainerCreating"
            )
        };
        return Err(bad_request(msg));
    };
    let lines = if agents::is_agent_pod(t.ns(), crate::usage::deployment_of(&pod)) {
        agent_lines(sim, &pod, &inst)
    } else {
        vec![(inst.0.clone(), format!("{container} started"))]
    };
    let timestamps = r.flag("timestamps");
    let mut text: Vec<String> = lines
        .into_iter()
        .map(|(at, l)| if timestamps { format!("{at} {l}") } else { l })
        .collect();
    if let Some(n) = r.q("tailLines").and_then(|n| n.parse::<usize>().ok()) {
        let skip = text.len().saturating_sub(n);
        text.drain(..skip);
    }
    let mut body = text.join("\n");
    if !body.is_empty() {
        body.push('\n');
    }
    Ok((StatusCode::OK, [(header::CONTENT_TYPE, "text/plain")], body).into_response())
}
