//! The kubelet's container lifecycle on a running pod: readiness, OOM kills, containers
//! that exit on a bad configuration, and CrashLoopBackOff restarts.

use serde_json::{Value, json};

use super::State;
use super::pod_status::{containers, request, running_status, set_condition};
use crate::resources::keys;
use crate::{Sim, agents, meta, usage};

/// Simulated seconds from start to the first passing readiness probe.
pub(super) const READY_SECS: f64 = 2.0;
/// Simulated seconds a running container lives before an over-limit OOM kill.
const OOM_AFTER_SECS: f64 = 3.0;
/// A leaking agent container is killed this long after its working set passed the limit
/// (the kernel reclaims what it can first; metrics-server sees the peak meanwhile).
const LEAK_OOM_SECS: f64 = 8.0;
/// Simulated seconds a container with a bad configuration runs before it exits.
pub(super) const CRASH_AFTER_SECS: f64 = 1.0;
/// The provider URL variable the agents validate at start.
pub(super) const BASE_URL_ENV: &str = "HOLYSHEEP_BASE_URL";

/// How a container ended.
struct Exit<'a> {
    reason: &'a str,
    code: i64,
    /// The Warning event besides BackOff (None: only BackOff).
    event: Option<(&'a str, String)>,
}

/// A container's configuration that the agent refuses at start: a HOLYSHEEP_BASE_URL
/// that is not an http(s) URL (plain http is accepted for a provider on loopback, as the
/// demo's simulated one). The message the agent would log.
pub fn bad_config(pod: &Value) -> Option<String> {
    let cs = meta::ptr(pod, "/spec/containers")?.as_array()?;
    cs.iter()
        .flat_map(|c| c["env"].as_array().into_iter().flatten())
        .filter(|e| e["name"] == BASE_URL_ENV)
        .filter_map(|e| e.get("value").and_then(Value::as_str))
        .find(|v| !valid_base_url(v))
        .map(|v| format!("invalid {BASE_URL_ENV} {v:?}: must be an https:// URL"))
}

pub(super) fn valid_base_url(v: &str) -> bool {
    let loopback = [
        "http://127.0.0.1:",
        "http://127.0.0.1/",
        "http://localhost:",
    ];
    loopback.iter().any(|p| v.starts_with(p))
        || v.strip_prefix("https://")
            .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
}

fn started_at(pod: &Value) -> Option<&str> {
    meta::ptr(pod, "/status/containerStatuses/0/state/running/startedAt").and_then(Value::as_str)
}

pub(super) fn run_containers(sim: &Sim, st: &mut State, pod: &Value, now: &str, pinned: bool) {
    let restarts = pod
        .pointer("/status/containerStatuses/0/restartCount")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    if let Some(w) = meta::ptr(pod, "/status/containerStatuses/0/state/waiting") {
        if w["reason"] == "CrashLoopBackOff" {
            crash_loop_back_off(sim, st, pod, now, restarts);
        }
        return;
    }
    // Steady state: ready, and no pinned memory use that could OOM it.
    if meta::pod_ready(pod) && !pinned {
        return;
    }
    let Some(started) = started_at(pod) else {
        return;
    };
    let up = meta::age_secs(&sim.clock, Some(started)).unwrap_or(0.0);
    if pinned && over_memory_limit(sim, pod, up) {
        let limit = pod
            .pointer("/spec/containers/0/resources/limits/memory")
            .and_then(Value::as_str)
            .unwrap_or("?");
        let cname = containers(pod)
            .first()
            .map(|c| c.0.clone())
            .unwrap_or_default();
        let exit = Exit {
            reason: "OOMKilled",
            code: 137,
            event: Some((
                "OOMKilled",
                format!(
                    "Container {cname} was OOMKilled: memory use exceeded its limit of {limit}"
                ),
            )),
        };
        kill(sim, st, pod, now, restarts, &exit);
        return;
    }
    if let Some(why) = bad_config(pod) {
        if up < CRASH_AFTER_SECS {
            st.due_in(sim.clock.secs(), CRASH_AFTER_SECS - up);
            return;
        }
        tracing::debug!(pod = meta::name(pod), %why, "container exits");
        let exit = Exit {
            reason: "Error",
            code: 1,
            event: None,
        };
        kill(sim, st, pod, now, restarts, &exit);
        return;
    }
    if !meta::pod_ready(pod) {
        readiness_probe(sim, st, pod, now, up);
    }
}

/// The back-off before restart number `restarts`: 10 s, doubling, at most 5 min.
fn backoff_secs(restarts: i64) -> f64 {
    (10.0 * 2f64.powi((restarts - 1).clamp(0, 5) as i32)).min(300.0)
}

/// The kubelet's CrashLoopBackOff: the container restarts once its back-off (10 s,
/// doubling per restart, at most 5 min) has passed since it last finished.
fn crash_loop_back_off(sim: &Sim, st: &mut State, pod: &Value, now: &str, restarts: i64) {
    let finished = pod
        .pointer("/status/containerStatuses/0/lastState/terminated/finishedAt")
        .and_then(Value::as_str);
    let backoff = backoff_secs(restarts);
    let waited = meta::age_secs(&sim.clock, finished).unwrap_or(0.0);
    if waited < backoff {
        st.due_in(sim.clock.secs(), backoff - waited);
        return;
    }
    let cs = containers(pod);
    sim.store
        .update_with(keys::PODS, meta::namespace(pod), meta::name(pod), |p| {
            let last = meta::ptr(p, "/status/containerStatuses/0/lastState").cloned();
            p["status"]["containerStatuses"] = Value::Array(
                cs.iter()
                    .map(|(c, i)| running_status(c, i, now, restarts, last.as_ref()))
                    .collect(),
            );
            true
        });
    st.events.record(
        sim,
        pod,
        false,
        "Started",
        &format!("Started container {}", cs[0].0),
        "kubelet",
    );
}

/// The kernel's OOM killer: the pod's simulated memory use is above its limit, and it
/// has run long enough to get there.
fn over_memory_limit(sim: &Sim, pod: &Value, up: f64) -> bool {
    let deploy = usage::deployment_of(pod);
    let ns = meta::namespace(pod);
    let leaking = agents::is_agent_pod(ns, deploy)
        && sim.usage_for(ns, deploy).memory.is_none()
        && agents::World::flags(sim).memory_leak;
    if leaking {
        let limit = meta::pod_resource_sum(pod, "limits", "memory");
        return agents::leak_over_limit_secs(sim, meta::name(pod), limit) >= LEAK_OOM_SECS;
    }
    let (_, mem_frac) = usage::usage_fraction(sim, meta::namespace(pod), deploy, meta::name(pod));
    let mem_limit = meta::pod_resource_sum(pod, "limits", "memory");
    let mem_used = mem_frac * request(pod, "memory");
    mem_limit > 0.0 && mem_used > mem_limit && up >= OOM_AFTER_SECS
}

/// The readiness probe: containers turn ready (ContainersReady, Ready) once its
/// initial delay has passed since they started.
fn readiness_probe(sim: &Sim, st: &mut State, pod: &Value, now: &str, up: f64) {
    let delay = READY_SECS
        + pod
            .pointer("/spec/containers/0/readinessProbe/initialDelaySeconds")
            .and_then(Value::as_f64)
            .unwrap_or(0.0);
    if up < delay {
        st.due_in(sim.clock.secs(), delay - up);
        return;
    }
    sim.store
        .update_with(keys::PODS, meta::namespace(pod), meta::name(pod), |p| {
            set_ready(p, now);
            true
        });
}

/// The readiness probes passed: the containers, ContainersReady and Ready turn ready.
pub(super) fn set_ready(p: &mut Value, now: &str) {
    if let Some(cs) = p
        .pointer_mut("/status/containerStatuses")
        .and_then(Value::as_array_mut)
    {
        for c in cs {
            c["ready"] = json!(true);
        }
    }
    set_condition(p, "ContainersReady", true, now);
    set_condition(p, "Ready", true, now);
}

/// The container ended (`exit`): lastState.terminated with its reason and exit code,
/// restartCount + 1, waiting in CrashLoopBackOff, not ready; a BackOff Warning.
fn kill(sim: &Sim, st: &mut State, pod: &Value, now: &str, restarts: i64, exit: &Exit) {
    let ns = meta::namespace(pod);
    let name = meta::name(pod);
    let cname = containers(pod)
        .first()
        .map(|c| c.0.clone())
        .unwrap_or_default();
    let started = started_at(pod).unwrap_or(now).to_string();
    let updated = sim.store.update_with(keys::PODS, ns, name, |p| {
        if let Some(cs) = p.pointer_mut("/status/containerStatuses").and_then(Value::as_array_mut) {
            for c in cs {
                c["lastState"] = json!({"terminated": {"exitCode": exit.code, "reason": exit.reason, "startedAt": started, "finishedAt": now, "containerID": c["containerID"].clone()}});
                c["restartCount"] = json!(restarts + 1);
                c["ready"] = json!(false);
                c["started"] = json!(false);
                c["state"] = json!({"waiting": {"reason": "CrashLoopBackOff", "message": format!("back-off {}s restarting failed container={} pod={name}_{ns}({})", backoff_secs(restarts + 1) as i64, c["name"].as_str().unwrap_or(""), meta::uid(pod))}});
            }
        }
        set_condition(p, "ContainersReady", false, now);
        set_condition(p, "Ready", false, now);
        true
    });
    if let Some(p) = updated {
        if let Some((reason, msg)) = &exit.event {
            st.events.record(sim, &p, true, reason, msg, "kubelet");
        }
        st.events.record(
            sim,
            &p,
            true,
            "BackOff",
            &format!(
                "Back-off restarting failed container {cname} in pod {name}_{ns}({})",
                meta::uid(pod)
            ),
            "kubelet",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_url_that_is_not_https_is_a_bad_config() {
        let pod = |url: &str| {
            json!({"spec": {"containers": [{"name": "ai-agent",
                "env": [{"name": "HOLYSHEEP_API_KEY", "value": "x"}, {"name": BASE_URL_ENV, "value": url}]}]}})
        };
        assert!(bad_config(&pod("https://api.holysheep.ai/v1")).is_none());
        let why = bad_config(&pod("htps://api.holysheep.ai/v1")).unwrap();
        assert!(
            why.contains("invalid HOLYSHEEP_BASE_URL \"htps://"),
            "{why}"
        );
        assert!(bad_config(&pod("http://api.holysheep.ai/v1")).is_some());
        assert!(bad_config(&pod("https://")).is_some());
        assert!(bad_config(&pod("http://127.0.0.1:4321/_sim/provider/v1")).is_none());
        assert!(bad_config(&pod("http://api.holysheep.ai/v1")).is_some());
        assert!(bad_config(&json!({"spec": {"containers": [{"name": "redis"}]}})).is_none());
    }
}
