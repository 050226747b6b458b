//! `GET /api/v1/namespaces/NS/pods/NAME/log` (`kubectl logs`), as kube-apiserver and the
//! kubelet answer it: `text/plain`, the lines of one container instance. An agent
//! container's lines are generated from simulated time by [`lines`] (start-up, requests
//! served per model, the provider's 401s or connect timeouts, the memory leak up to an OOM
//! kill); other containers say they started.
//!
//! Parameters: `container` (required when the pod has several: 400 like the real
//! server), `previous` (the last terminated instance; 400 when the container never
//! restarted; a container waiting in CrashLoopBackOff shows its last run, as the kubelet
//! does), `tailLines`, `sinceSeconds`, `sinceTime`, `timestamps` (RFC3339Nano prefix),
//! `limitBytes` (the body is cut there) and `follow` (a chunked stream: the lines so far,
//! then new ones as simulated time passes, until the client goes away or the container
//! ends). An unknown pod is a 404 Status.
//!
//! Staging only: an agent pod annotated `agentdeck.sim/log-rate: N` also writes N request
//! lines per simulated second (`kubectl annotate pod P agentdeck.sim/log-rate=1000`), a
//! chatty pod for memory and load tests of log readers.

#[path = "log_lines.rs"]
pub mod lines;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use self::lines::{AgentCtx, Instance, rfc3339_nano};
use super::{Req, Target};
use crate::agents::{self, World};
use crate::controllers::kubelet;
use crate::errors::{ApiError, ApiResult};
use crate::resources::keys;
use crate::{Sim, meta};

/// How often a follower looks for new lines and for the end of the container (real time).
const FOLLOW_POLL: Duration = Duration::from_millis(200);

/// The staging annotation for a chatty agent pod: request lines per simulated second.
pub const LOG_RATE: &str = "agentdeck.sim/log-rate";
/// The most lines per second it may ask for.
const MAX_LOG_RATE: u32 = 100_000;

fn ts(v: &Value) -> Option<Timestamp> {
    v.as_str().and_then(meta::parse_time)
}

/// The container status's instance to show.
fn instance(status: &Value, previous: bool) -> Option<Instance> {
    // A container that exited (a Job's) logs its finished run; `previous` the one before.
    let term = match &status["state"]["terminated"] {
        t if t.is_object() && !previous => t,
        _ => &status["lastState"]["terminated"],
    };
    let running = &status["state"]["running"];
    if previous || !running.is_object() {
        return Some(Instance {
            started: ts(&term["startedAt"])?,
            finished: Some(ts(&term["finishedAt"])?),
            reason: term["reason"].as_str().map(str::to_string),
        });
    }
    Some(Instance {
        started: ts(&running["startedAt"])?,
        finished: None,
        reason: None,
    })
}

/// What the lines of container `container` of `pod` are written from; None for a
/// container that is not an agent.
fn agent_ctx(sim: &Sim, pod: &Value, container: &str, inst: &Instance) -> Option<AgentCtx> {
    if !agents::is_agent_pod(meta::namespace(pod), crate::usage::deployment_of(pod)) {
        return None;
    }
    let spec = meta::ptr(pod, "/spec/containers")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|c| c["name"] == container))?;
    let url = spec["env"]
        .as_array()
        .and_then(|e| e.iter().find(|v| v["name"] == "HOLYSHEEP_BASE_URL"))
        .and_then(|v| v["value"].as_str())
        .unwrap_or("https://api.holysheep.ai/v1")
        .trim_end_matches('/')
        .to_string();
    let (pods, _) = sim.store.list(keys::PODS, Some(agents::NAMESPACE));
    let ready: Vec<&Arc<Value>> = pods
        .iter()
        .filter(|p| {
            meta::label(p, "app") == Some(agents::DEPLOYMENT)
                && meta::pod_ready(p)
                && !meta::is_deleting(p)
        })
        .collect();
    let name = meta::name(pod);
    let mem = |kind: &str| {
        spec["resources"][kind]
            .get("memory")
            .and_then(meta::parse_quantity)
            .unwrap_or(0.0)
    };
    let oom = inst.reason.as_deref() == Some("OOMKilled");
    let chatty = meta::ptr(pod, "/metadata/annotations")
        .and_then(|a| a.get(LOG_RATE))
        .and_then(Value::as_str)
        .and_then(|r| r.trim().parse::<u32>().ok())
        .unwrap_or(0)
        .min(MAX_LOG_RATE);
    Some(AgentCtx {
        seed: sim.agents.model().seed,
        pod: name.to_string(),
        image: spec["image"].as_str().unwrap_or("").to_string(),
        url,
        bad_config: kubelet::bad_config(pod),
        provider: agents::provider(sim),
        ready: ready.len(),
        is_ready: inst.finished.is_some() || ready.iter().any(|p| meta::name(p) == name),
        model: sim.agents.model(),
        leak: oom || (inst.finished.is_none() && sim.flags().memory_leak),
        mem_request: mem("requests"),
        mem_limit: mem("limits"),
        sim_now: sim.clock.secs(),
        now: sim.clock.now(),
        chatty,
    })
}

/// The lines of `inst` in `[from, to]` (the last `tail` when given).
fn lines_of(
    sim: &Sim,
    pod: &Value,
    container: &str,
    inst: &Instance,
    from: Timestamp,
    to: Timestamp,
    tail: Option<usize>,
) -> Vec<(Timestamp, String)> {
    let mut out = match agent_ctx(sim, pod, container, inst) {
        Some(ctx) => ctx.lines(inst, from, to, tail),
        None => [(inst.started, format!("{container} started"))]
            .into_iter()
            .filter(|(t, _)| *t >= from && *t <= to)
            .collect(),
    };
    if let Some(n) = tail {
        let skip = out.len().saturating_sub(n);
        out.drain(..skip);
    }
    out
}

fn render(lines: &[(Timestamp, String)], timestamps: bool) -> String {
    let mut s = String::new();
    for (t, l) in lines {
        if timestamps {
            s.push_str(&rfc3339_nano(*t));
            s.push(' ');
        }
        s.push_str(l);
        s.push('\n');
    }
    s
}

fn positive(r: &Req, k: &str) -> ApiResult<Option<i64>> {
    match r.q(k) {
        None | Some("") => Ok(None),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n >= 0 && (n > 0 || k == "tailLines") => Ok(Some(n)),
            _ => Err(ApiError::bad_request(format!(
                "{k}: Invalid value: \"{v}\": must be greater than {}",
                if k == "tailLines" {
                    "or equal to 0"
                } else {
                    "0"
                }
            ))),
        },
    }
}

/// Cut `s` to at most `limit` bytes (at a char boundary).
fn cut(s: &mut String, limit: usize) {
    if s.len() > limit {
        let mut i = limit;
        while !s.is_char_boundary(i) {
            i -= 1;
        }
        s.truncate(i);
    }
}

/// The container asked for, or the only one; the real server's 400s otherwise.
fn container(pod: &Value, name: &str, r: &Req) -> ApiResult<String> {
    let names: Vec<String> = meta::ptr(pod, "/spec/containers")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .filter_map(|c| c["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    match r.q("container").filter(|c| !c.is_empty()) {
        Some(c) if names.iter().any(|n| n == c) => Ok(c.to_string()),
        Some(c) => Err(ApiError::bad_request(format!(
            "container {c} is not valid for pod {name}"
        ))),
        None if names.len() == 1 => Ok(names[0].clone()),
        None => Err(ApiError::bad_request(format!(
            "a container name must be specified for pod {name}, choose one of: [{}]",
            names.join(" ")
        ))),
    }
}

/// `sinceSeconds` or `sinceTime` (not both, as the real server says).
fn since(r: &Req) -> ApiResult<(Option<i64>, Option<jiff::Timestamp>)> {
    let since_secs = positive(r, "sinceSeconds")?;
    let since_time = match r.q("sinceTime").filter(|s| !s.is_empty()) {
        Some(s) => Some(meta::parse_time(s).ok_or_else(|| {
            ApiError::bad_request(format!("sinceTime: Invalid value: \"{s}\": not RFC3339"))
        })?),
        None => None,
    };
    if since_secs.is_some() && since_time.is_some() {
        return Err(ApiError::bad_request(
            "at most one of `sinceTime` or `sinceSeconds` may be specified",
        ));
    }
    Ok((since_secs, since_time))
}

/// `pods/NAME/log`.
pub fn get(sim: &Arc<Sim>, t: &Target, r: &Req) -> ApiResult<Response> {
    let name = t.name.as_deref().unwrap_or("");
    let pod = sim.store.get(keys::PODS, t.ns(), name).ok_or_else(|| {
        ApiError::new(404, "NotFound", format!("pods \"{name}\" not found"))
            .details_for("pods", "", name)
    })?;
    let container = container(&pod, name, r)?;
    let tail = positive(r, "tailLines")?.map(|n| n as usize);
    let limit = positive(r, "limitBytes")?.map(|n| n as usize);
    let (since_secs, since_time) = since(r)?;
    let status = meta::ptr(&pod, "/status/containerStatuses")
        .and_then(Value::as_array)
        .and_then(|s| s.iter().find(|c| c["name"] == container.as_str()))
        .cloned();
    let waiting = || {
        ApiError::bad_request(format!(
            "container \"{container}\" in pod \"{name}\" is waiting to start: ContainerCreating"
        ))
    };
    let status = status.ok_or_else(waiting)?;
    let previous = r.flag("previous");
    let Some(inst) = instance(&status, previous) else {
        if previous {
            return Err(ApiError::bad_request(format!(
                "previous terminated container \"{container}\" in pod \"{name}\" not found"
            )));
        }
        return Err(waiting());
    };
    let now = sim.clock.now();
    let from = match (since_secs, since_time) {
        (Some(s), _) => now - SignedDuration::from_secs(s),
        (_, Some(t)) => t,
        _ => inst.started,
    };
    let timestamps = r.flag("timestamps");
    let first = lines_of(sim, &pod, &container, &inst, from, now, tail);
    let mut body = render(&first, timestamps);
    if let Some(l) = limit {
        cut(&mut body, l);
    }
    let follow = r.flag("follow") && inst.finished.is_none() && !previous;
    if !follow || limit.is_some_and(|l| body.len() >= l) {
        return Ok((StatusCode::OK, [(header::CONTENT_TYPE, "text/plain")], body).into_response());
    }
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(16);
    let sent = body.len();
    let follower = Follower {
        sim: sim.clone(),
        ns: t.ns().to_string(),
        pod: name.to_string(),
        container,
        inst,
        upto: now,
        timestamps,
        left: limit.map(|l| l - sent),
    };
    tokio::spawn(async move {
        if !body.is_empty() && tx.send(Ok(Bytes::from(body))).await.is_err() {
            return;
        }
        follower.run(tx).await;
    });
    Ok(Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "text/plain")
        .header(header::CACHE_CONTROL, "no-cache, private")
        .body(Body::from_stream(ReceiverStream::new(rx)))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response()))
}

/// A `follow=true` stream after its first lines.
struct Follower {
    sim: Arc<Sim>,
    ns: String,
    pod: String,
    container: String,
    inst: Instance,
    /// Lines up to this time have been sent.
    upto: Timestamp,
    timestamps: bool,
    /// Bytes still allowed by `limitBytes`.
    left: Option<usize>,
}

impl Follower {
    async fn run(mut self, tx: mpsc::Sender<Result<Bytes, std::io::Error>>) {
        loop {
            tokio::select! {
                _ = tx.closed() => return,
                _ = tokio::time::sleep(FOLLOW_POLL) => {}
            }
            // No lock is held across the wait: each round reads the pod afresh.
            let Some(pod) = self.sim.store.get(keys::PODS, &self.ns, &self.pod) else {
                return;
            };
            let status = meta::ptr(&pod, "/status/containerStatuses")
                .and_then(Value::as_array)
                .and_then(|s| s.iter().find(|c| c["name"] == self.container.as_str()))
                .cloned()
                .unwrap_or(Value::Null);
            let still = instance(&status, false)
                .is_some_and(|i| i.finished.is_none() && i.started == self.inst.started);
            let now = self.sim.clock.now();
            let mut ended = false;
            if !still {
                // The instance ended: its last lines up to its finish, then the end.
                let term = &status["lastState"]["terminated"];
                let finished = if ts(&term["startedAt"]) == Some(self.inst.started) {
                    ts(&term["finishedAt"]).unwrap_or(now)
                } else {
                    now
                };
                self.inst.finished = Some(finished);
                self.inst.reason = term["reason"].as_str().map(str::to_string);
                ended = true;
            }
            let from = self.upto + SignedDuration::from_nanos(1);
            let to = self.inst.finished.unwrap_or(now);
            let new = lines_of(&self.sim, &pod, &self.container, &self.inst, from, to, None);
            self.upto = self.upto.max(to);
            let mut chunk = render(&new, self.timestamps);
            let mut full = false;
            if let Some(left) = self.left.as_mut() {
                cut(&mut chunk, *left);
                *left -= chunk.len();
                full = *left == 0;
            }
            if !chunk.is_empty() && tx.send(Ok(Bytes::from(chunk))).await.is_err() {
                return;
            }
            if ended || full {
                return;
            }
        }
    }
}
