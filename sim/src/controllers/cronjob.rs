//! CronJob controller: a Job from the job template at each scheduled minute (UTC), the
//! concurrency policy, the history limits, and the status `kubectl get cronjob` shows.

use std::sync::Arc;

use jiff::Timestamp;
use serde_json::{Value, json};

use super::State;
use super::cron::Schedule;
use crate::resources::{self, keys};
use crate::{Sim, admission, meta};

/// How far back a missed schedule is still started (minutes), and ahead the next is sought.
const LOOK_MINUTES: i64 = 24 * 60;

fn job_finished(job: &Value) -> Option<&'static str> {
    let conds = meta::ptr(job, "/status/conditions").and_then(Value::as_array)?;
    conds
        .iter()
        .find_map(|c| match (c["type"].as_str(), c["status"].as_str()) {
            (Some("Complete"), Some("True")) => Some("Complete"),
            (Some("Failed"), Some("True")) => Some("Failed"),
            _ => None,
        })
}

pub fn reconcile(sim: &Sim, st: &mut State) {
    let (cronjobs, _) = sim.store.list(keys::CRONJOBS, None);
    if cronjobs.is_empty() {
        return;
    }
    let (jobs, _) = sim.store.list(keys::JOBS, None);
    for cj in cronjobs.iter().filter(|c| !meta::is_deleting(c)) {
        let owned: Vec<&Arc<Value>> = jobs
            .iter()
            .filter(|j| meta::controller_uid(j) == Some(meta::uid(cj)) && !meta::is_deleting(j))
            .collect();
        reconcile_one(sim, st, cj, &owned);
    }
}

fn reconcile_one(sim: &Sim, st: &mut State, cj: &Value, jobs: &[&Arc<Value>]) {
    let Ok(schedule) = Schedule::parse(
        meta::ptr(cj, "/spec/schedule")
            .and_then(Value::as_str)
            .unwrap_or(""),
    ) else {
        return;
    };
    let now = sim.clock.now();
    let (active, finished): (Vec<&Arc<Value>>, Vec<&Arc<Value>>) =
        jobs.iter().partition(|j| job_finished(j).is_none());
    cleanup(sim, st, cj, &finished);
    let since = meta::ptr(cj, "/status/lastScheduleTime")
        .or_else(|| meta::ptr(cj, "/metadata/creationTimestamp"))
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<Timestamp>().ok())
        .unwrap_or(now);
    let suspended = meta::ptr(cj, "/spec/suspend").and_then(Value::as_bool) == Some(true);
    let mut last = None;
    let mut active_refs: Vec<Value> = active.iter().map(|j| object_ref(j)).collect();
    if !suspended
        && let Some(due) = schedule
            .next_after(since, LOOK_MINUTES)
            .filter(|t| *t <= now)
    {
        let policy = meta::ptr(cj, "/spec/concurrencyPolicy")
            .and_then(Value::as_str)
            .unwrap_or("Allow");
        if policy == "Forbid" && !active.is_empty() {
            // Skipped: the last run is still going.
        } else {
            if policy == "Replace" {
                for j in &active {
                    delete_job(sim, st, cj, j);
                }
                active_refs.clear();
            }
            if let Some(job) = create_job(sim, st, cj, due) {
                active_refs.push(object_ref(&job));
            }
        }
        last = Some(due);
    }
    if let Some(next) = schedule.next_after(now, LOOK_MINUTES) {
        let secs = next.duration_since(now).as_secs_f64();
        st.due_in(sim.clock.secs(), secs);
    }
    write_status(sim, cj, last, active_refs, &finished);
}

fn object_ref(job: &Value) -> Value {
    json!({
        "apiVersion": "batch/v1", "kind": "Job",
        "name": meta::name(job), "namespace": meta::namespace(job),
        "uid": meta::uid(job), "resourceVersion": meta::resource_version(job),
    })
}

fn create_job(sim: &Sim, st: &mut State, cj: &Value, at: Timestamp) -> Option<Arc<Value>> {
    let name = format!("{}-{}", meta::name(cj), at.as_second() / 60);
    let template = meta::ptr(cj, "/spec/jobTemplate")
        .cloned()
        .unwrap_or(json!({}));
    let mut job = json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": name,
            "namespace": meta::namespace(cj),
            "labels": template.pointer("/metadata/labels").cloned().unwrap_or(json!({})),
            "annotations": template.pointer("/metadata/annotations").cloned().unwrap_or(json!({})),
            "ownerReferences": [meta::owner_ref(cj, true)],
        },
        "spec": template.get("spec").cloned().unwrap_or(json!({})),
    });
    meta::obj_at(&mut job, &["metadata", "annotations"]).insert(
        "batch.kubernetes.io/cronjob-scheduled-timestamp".into(),
        json!(meta::fmt_time(at)),
    );
    match admission::create_internal(sim, job, "kube-controller-manager") {
        Ok(j) => {
            st.events.record(
                sim,
                cj,
                false,
                "SuccessfulCreate",
                &format!("Created job {name}"),
                "cronjob-controller",
            );
            Some(j)
        }
        Err(e) => {
            st.events.record(
                sim,
                cj,
                true,
                "FailedCreate",
                &format!("Error creating job: {e}"),
                "cronjob-controller",
            );
            None
        }
    }
}

fn delete_job(sim: &Sim, st: &mut State, cj: &Value, job: &Value) {
    if let Some(def) = resources::find("batch", "v1", "jobs") {
        sim.delete_object(
            def,
            meta::namespace(job),
            meta::name(job),
            "Background",
            None,
        );
        let msg = format!("Deleted job {}", meta::name(job));
        st.events.record(
            sim,
            cj,
            false,
            "SuccessfulDelete",
            &msg,
            "cronjob-controller",
        );
    }
}

/// Keep the newest `successfulJobsHistoryLimit` complete and `failedJobsHistoryLimit`
/// failed Jobs.
fn cleanup(sim: &Sim, st: &mut State, cj: &Value, finished: &[&Arc<Value>]) {
    for (kind, field, default) in [
        ("Complete", "successfulJobsHistoryLimit", 3),
        ("Failed", "failedJobsHistoryLimit", 1),
    ] {
        let limit = meta::ptr(cj, &format!("/spec/{field}"))
            .and_then(Value::as_u64)
            .unwrap_or(default) as usize;
        let mut of_kind: Vec<&&Arc<Value>> = finished
            .iter()
            .filter(|j| job_finished(j) == Some(kind))
            .collect();
        of_kind.sort_by_key(|j| {
            meta::ptr(j, "/metadata/creationTimestamp")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        });
        let excess = of_kind.len().saturating_sub(limit);
        for j in &of_kind[..excess] {
            delete_job(sim, st, cj, j);
        }
    }
}

fn write_status(
    sim: &Sim,
    cj: &Value,
    last: Option<Timestamp>,
    active: Vec<Value>,
    finished: &[&Arc<Value>],
) {
    let mut status = cj.get("status").cloned().unwrap_or(json!({}));
    if let Some(t) = last {
        status["lastScheduleTime"] = json!(meta::fmt_time(t));
    }
    let successful = finished
        .iter()
        .filter(|j| job_finished(j) == Some("Complete"))
        .filter_map(|j| meta::ptr(j, "/status/completionTime").and_then(Value::as_str))
        .max();
    if let Some(t) = successful {
        status["lastSuccessfulTime"] = json!(t);
    }
    match status.as_object_mut() {
        Some(m) if active.is_empty() => {
            m.remove("active");
        }
        _ => status["active"] = json!(active),
    }
    if cj.get("status") != Some(&status) {
        sim.store
            .update_with(keys::CRONJOBS, meta::namespace(cj), meta::name(cj), |o| {
                o["status"] = status.clone();
                true
            });
    }
}
