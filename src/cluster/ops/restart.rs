//! Rollout restart, exactly as kubectl does it (the `kubectl.kubernetes.io/restartedAt`
//! template annotation, a strategic merge patch), and rollout status read the way
//! `kubectl rollout status` reads it.

use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use kube::api::{Api, Patch, PatchParams};
use serde_json::json;
use tokio::time::Instant;

use super::progress::{self, Progress};
use super::{Access, FIELD_MANAGER, OpError, Ops};

pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

pub fn accesses(deployment: &str) -> Vec<Access> {
    vec![Access {
        verb: "patch",
        group: "apps",
        resource: "deployments",
        subresource: "",
        name: deployment.to_string(),
    }]
}

/// The Deployment must exist before anyone is asked to restart it.
pub async fn check_exists(ops: &Ops, deployment: &str) -> Result<(), OpError> {
    let deploys: Api<Deployment> = Api::namespaced(ops.conn.client.clone(), &ops.conn.namespace);
    deploys
        .get(deployment)
        .await
        .map(|_| ())
        .map_err(|e| OpError::from_kube(&format!("deployment {deployment}"), e))
}

/// Patch the restart annotation (RFC 3339, UTC, seconds). Returns the time written.
pub async fn restart(ops: &Ops, deployment: &str) -> Result<String, OpError> {
    let result = restart_inner(ops, deployment).await;
    ops.record("restart", &format!("deployment/{deployment}"), &result);
    result
}

async fn restart_inner(ops: &Ops, deployment: &str) -> Result<String, OpError> {
    ops.refuse_if_read_only()?;
    ops.check_access(&accesses(deployment)).await?;
    let at = jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let body = json!({"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: at}}}}});
    let deploys: Api<Deployment> = Api::namespaced(ops.conn.client.clone(), &ops.conn.namespace);
    let pp = PatchParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    };
    deploys
        .patch(deployment, &pp, &Patch::Strategic(&body))
        .await
        .map_err(|e| OpError::from_kube(&format!("deployment {deployment}"), e))?;
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
    deployment: &str,
    deadline: Instant,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Rollout, OpError> {
    let deploys: Api<Deployment> = Api::namespaced(ops.conn.client.clone(), &ops.conn.namespace);
    let started = Instant::now();
    let mut last: Option<Progress> = None;
    loop {
        let d = deploys
            .get(deployment)
            .await
            .map_err(|e| OpError::from_kube(&format!("deployment {deployment}"), e))?;
        let s = status(&d);
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
