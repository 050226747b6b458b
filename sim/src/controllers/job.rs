//! Job controller: runs `parallelism` pods at a time until `completions` of them
//! succeeded, then marks the Job Complete. The containers of a Job's pod exit 0 a few
//! simulated seconds after they start (the sim's kubelet part for Jobs).

use std::sync::Arc;

use serde_json::{Value, json};

use super::pod_cache::Pod;
use super::{Snapshot, State};
use crate::resources::keys;
use crate::{Sim, admission, meta};

/// Simulated seconds a Job's container runs before it exits 0.
const RUN_SECS: f64 = 2.0;

fn spec_i(job: &Value, field: &str, default: i64) -> i64 {
    meta::ptr(job, &format!("/spec/{field}"))
        .and_then(Value::as_i64)
        .unwrap_or(default)
}

fn finished(job: &Value) -> bool {
    meta::ptr(job, "/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|cs| {
            cs.iter().any(|c| {
                (c["type"] == "Complete" || c["type"] == "Failed") && c["status"] == "True"
            })
        })
}

pub fn reconcile(sim: &Sim, st: &mut State, snap: &Snapshot) {
    let (jobs, _) = sim.store.list(keys::JOBS, None);
    for job in jobs
        .iter()
        .filter(|j| !meta::is_deleting(j) && !finished(j))
    {
        let pods: Vec<Arc<Pod>> = snap
            .pods_by_owner
            .get(meta::uid(job))
            .cloned()
            .unwrap_or_default();
        reconcile_one(sim, st, job, &pods);
    }
}

fn reconcile_one(sim: &Sim, st: &mut State, job: &Value, pods: &[Arc<Pod>]) {
    let now = sim.clock.secs();
    let mut succeeded = 0;
    let mut active = 0;
    let mut ready = 0;
    for p in pods {
        match p.sum.phase {
            "Succeeded" => succeeded += 1,
            "Failed" => {}
            _ => {
                let up = p
                    .sum
                    .started_at
                    .map(|t| sim.clock.now().duration_since(t).as_secs_f64());
                match up {
                    Some(up) if up >= RUN_SECS => {
                        complete_pod(sim, p);
                        succeeded += 1;
                    }
                    Some(up) => {
                        st.due_in(now, RUN_SECS - up);
                        active += 1;
                        ready += usize::from(p.sum.ready);
                    }
                    None => active += 1,
                }
            }
        }
    }
    let completions = spec_i(job, "completions", 1);
    let parallelism = spec_i(job, "parallelism", 1);
    let suspended = meta::ptr(job, "/spec/suspend").and_then(Value::as_bool) == Some(true);
    let want = if suspended {
        0
    } else {
        parallelism.min(completions - succeeded).max(0) as usize
    };
    let missing = want.saturating_sub(active);
    for _ in 0..missing {
        create_pod(sim, st, job);
    }
    active += missing;
    write_status(
        sim,
        st,
        job,
        active,
        ready,
        succeeded >= completions,
        succeeded,
    );
}

fn create_pod(sim: &Sim, st: &mut State, job: &Value) {
    let name = format!("{}-{}", meta::name(job), sim.rng.suffix(5));
    let pod = super::replicaset::pod_from_template(job, &name);
    match admission::create_internal(sim, pod, "kube-controller-manager") {
        Ok(_) => st.events.record(
            sim,
            job,
            false,
            "SuccessfulCreate",
            &format!("Created pod: {name}"),
            "job-controller",
        ),
        Err(e) => st.events.record(
            sim,
            job,
            true,
            "FailedCreate",
            &format!("Error creating: {e}"),
            "job-controller",
        ),
    }
}

/// The pod's containers exited 0: phase Succeeded, containers terminated Completed.
fn complete_pod(sim: &Sim, pod: &Pod) {
    let now = sim.clock.now_str();
    sim.store
        .update_with(keys::PODS, &pod.sum.namespace, &pod.sum.name, |p| {
            p["status"]["phase"] = json!("Succeeded");
            if let Some(cs) = p
                .pointer_mut("/status/containerStatuses")
                .and_then(Value::as_array_mut)
            {
                for c in cs {
                    let started = c.pointer("/state/running/startedAt").cloned();
                    c["state"] = json!({"terminated": {
                        "exitCode": 0, "reason": "Completed",
                        "startedAt": started, "finishedAt": now,
                    }});
                    c["ready"] = json!(false);
                    c["started"] = json!(false);
                }
            }
            if let Some(conds) = p
                .pointer_mut("/status/conditions")
                .and_then(Value::as_array_mut)
            {
                for c in conds
                    .iter_mut()
                    .filter(|c| c["type"] == "Ready" || c["type"] == "ContainersReady")
                {
                    c["status"] = json!("False");
                    c["reason"] = json!("PodCompleted");
                    c["lastTransitionTime"] = json!(now);
                }
            }
            true
        });
}

fn write_status(
    sim: &Sim,
    st: &mut State,
    job: &Value,
    active: usize,
    ready: usize,
    complete: bool,
    succeeded: i64,
) {
    let now = sim.clock.now_str();
    let mut status = json!({
        "startTime": meta::ptr(job, "/status/startTime").cloned().unwrap_or(json!(now)),
        "active": active,
        "ready": ready,
        "succeeded": succeeded,
        "terminating": 0,
        "uncountedTerminatedPods": {},
    });
    if complete {
        let cond = |t: &str, reason: &str, msg: &str| {
            json!({"type": t, "status": "True", "reason": reason, "message": msg,
                   "lastProbeTime": now, "lastTransitionTime": now})
        };
        status["completionTime"] = json!(now);
        status["active"] = json!(0);
        status["conditions"] = json!([
            cond(
                "SuccessCriteriaMet",
                "CompletionsReached",
                "Reached expected number of succeeded pods"
            ),
            cond(
                "Complete",
                "CompletionsReached",
                "Reached expected number of succeeded pods"
            ),
        ]);
        st.events.record(
            sim,
            job,
            false,
            "Completed",
            "Job completed",
            "job-controller",
        );
    }
    let mut unchanged = job.get("status").cloned().unwrap_or(json!({}));
    if let Some(m) = unchanged.as_object_mut() {
        m.remove("conditions");
        m.remove("completionTime");
    }
    if !complete && unchanged == status {
        return;
    }
    sim.store
        .update_with(keys::JOBS, meta::namespace(job), meta::name(job), |o| {
            o["status"] = status.clone();
            true
        });
}
