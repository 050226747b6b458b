//! Rollout restart, exactly as kubectl does it (the `kubectl.kubernetes.io/restartedAt`
//! template annotation, a strategic merge patch), and rollout status read the way
//! `kubectl rollout status` reads it.

use std::time::Duration;

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use kube::api::{DynamicObject, Patch, PatchParams};
use serde_json::json;
use tokio::time::Instant;

use super::progress::{self, Progress};
use super::target::{WorkloadKind, WorkloadRef};
use super::{Access, FIELD_MANAGER, OpError, Ops};

pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

pub fn accesses(w: &WorkloadRef) -> Vec<Access> {
    vec![Access {
        verb: "patch",
        group: "apps",
        resource: w.kind.plural(),
        subresource: "",
        name: w.name.clone(),
    }]
}

/// The workload must exist before anyone is asked to restart it.
pub async fn check_exists(ops: &Ops, w: &WorkloadRef) -> Result<(), OpError> {
    w.get(ops).await.map(|_| ())
}

/// Patch the restart annotation (RFC 3339, UTC, seconds). Returns the time written.
pub async fn restart(ops: &Ops, w: &WorkloadRef) -> Result<String, OpError> {
    let result = restart_inner(ops, w).await;
    ops.record("restart", &w.slash(), &result);
    result
}

async fn restart_inner(ops: &Ops, w: &WorkloadRef) -> Result<String, OpError> {
    let at = jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let body = json!({"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: at}}}}});
    let pp = PatchParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    };
    w.api(ops)
        .patch(&w.name, &pp, &Patch::Strategic(&body))
        .await
        .map_err(|e| OpError::from_kube(&w.words(), e))?;
    Ok(format!("restartedAt {at}"))
}

/// Where a rollout stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rollout {
    /// Still going; the message is kubectl's.
    Waiting(String),
    Done(String),
    /// The progress deadline passed.
    Failed(String),
}

/// Where the rollout of `o` stands, read as kubectl reads its kind.
pub fn status_of(kind: WorkloadKind, o: &DynamicObject) -> Rollout {
    let typed = serde_json::to_value(o).ok();
    match kind {
        WorkloadKind::Deployment => match typed.and_then(|v| serde_json::from_value(v).ok()) {
            Some(d) => status(&d),
            None => Rollout::Waiting("reading the deployment…".into()),
        },
        WorkloadKind::StatefulSet => match typed.and_then(|v| serde_json::from_value(v).ok()) {
            Some(s) => statefulset_status(&s),
            None => Rollout::Waiting("reading the statefulset…".into()),
        },
    }
}

/// kubectl's StatefulSetStatusViewer (RollingUpdate), on one observation.
pub fn statefulset_status(s: &StatefulSet) -> Rollout {
    let st = s.status.clone().unwrap_or_default();
    if s.metadata.generation.unwrap_or(0) > st.observed_generation.unwrap_or(0) {
        return Rollout::Waiting("Waiting for statefulset spec update to be observed...".into());
    }
    let want = s.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    if st.ready_replicas.unwrap_or(0) < want {
        return Rollout::Waiting(format!(
            "Waiting for {} pods to be ready...",
            want - st.ready_replicas.unwrap_or(0)
        ));
    }
    let partition = s
        .spec
        .as_ref()
        .and_then(|s| {
            s.update_strategy
                .as_ref()?
                .rolling_update
                .as_ref()?
                .partition
        })
        .unwrap_or(0);
    if partition > 0 {
        let updated = st.updated_replicas.unwrap_or(0);
        if updated < want - partition {
            return Rollout::Waiting(format!(
                "Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...",
                want - partition
            ));
        }
        return Rollout::Done(format!(
            "partitioned roll out complete: {updated} new pods have been updated..."
        ));
    }
    let update = st.update_revision.clone().unwrap_or_default();
    if st.current_revision.as_deref() != Some(update.as_str()) {
        return Rollout::Waiting(format!(
            "waiting for statefulset rolling update to complete {} pods at revision {update}...",
            st.updated_replicas.unwrap_or(0)
        ));
    }
    Rollout::Done(format!(
        "statefulset rolling update complete {} pods at revision {update}...",
        st.current_replicas.unwrap_or(0)
    ))
}

/// kubectl's DeploymentStatusViewer, on one observation.
pub fn status(d: &Deployment) -> Rollout {
    let name = d.metadata.name.clone().unwrap_or_default();
    let st = d.status.clone().unwrap_or_default();
    let generation = d.metadata.generation.unwrap_or(0);
    if generation > st.observed_generation.unwrap_or(0) {
        return Rollout::Waiting("Waiting for deployment spec update to be observed...".into());
    }
    if st.conditions.iter().flatten().any(|c| {
        c.type_ == "Progressing" && c.reason.as_deref() == Some("ProgressDeadlineExceeded")
    }) {
        return Rollout::Failed(format!(
            "deployment {name:?} exceeded its progress deadline"
        ));
    }
    let want = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let updated = st.updated_replicas.unwrap_or(0);
    let replicas = st.replicas.unwrap_or(0);
    let available = st.available_replicas.unwrap_or(0);
    if updated < want {
        return Rollout::Waiting(format!(
            "Waiting for deployment {name:?} rollout to finish: {updated} out of {want} new replicas have been updated..."
        ));
    }
    if replicas > updated {
        return Rollout::Waiting(format!(
            "Waiting for deployment {name:?} rollout to finish: {} old replicas are pending termination...",
            replicas - updated
        ));
    }
    if available < updated {
        return Rollout::Waiting(format!(
            "Waiting for deployment {name:?} rollout to finish: {available} of {updated} updated replicas are available..."
        ));
    }
    Rollout::Done(format!("deployment {name:?} successfully rolled out"))
}

/// Follow the rollout until done, failed or `deadline`; every change of its state or
/// counts while it is under way is a progress event.
pub async fn wait(
    ops: &Ops,
    w: &WorkloadRef,
    deadline: Instant,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Rollout, OpError> {
    let started = Instant::now();
    let mut last: Option<Progress> = None;
    loop {
        let d = w.get(ops).await?;
        let s = status_of(w.kind, &d);
        if let Rollout::Waiting(m) = &s {
            let p = progress::rollout(m, &d);
            if last.as_ref() != Some(&p) {
                progress(p.clone());
                last = Some(p);
            }
        }
        match s {
            Rollout::Waiting(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(500)).await
            }
            Rollout::Waiting(m) => {
                return Err(OpError::Timeout(format!(
                    "{m} (after {}s)",
                    started.elapsed().as_secs()
                )));
            }
            done => return Ok(done),
        }
    }
}

#[cfg(test)]
#[path = "restart_tests.rs"]
mod tests;
