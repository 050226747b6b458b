//! Delete one pod — "kill the stuck one" — as `kubectl delete pod` does: a DELETE with the
//! pod's uid as precondition (so a pod of the same name made since the plan read it is not
//! the one deleted), and the pod's owner named, so the question says whether a controller
//! will make a new one.

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, DeleteParams, Preconditions};

use super::{Access, OpError, Ops};

/// A checked pod deletion.
#[derive(Debug, Clone)]
pub struct DeletePlan {
    pub pod: String,
    pub uid: Option<String>,
    /// "ReplicaSet ai-agent-service-7c9f…": who makes a new one; None: nobody.
    pub owner: Option<String>,
    /// "Running", "CrashLoopBackOff", … as read by the plan.
    pub phase: String,
}

pub fn accesses(pod: &str) -> Vec<Access> {
    vec![Access {
        verb: "delete",
        group: "",
        resource: "pods",
        subresource: "",
        name: pod.to_string(),
    }]
}

/// Read the pod (it must exist) and check RBAC.
pub async fn plan(ops: &Ops, pod: &str) -> Result<DeletePlan, OpError> {
    if pod.is_empty() || pod.contains('/') {
        return Err(OpError::Invalid(format!(
            "{pod:?} is not a pod name: give the pod's name as `agentdeck get`/kubectl shows it"
        )));
    }
    let api: Api<Pod> = Api::namespaced(ops.conn.client.clone(), &ops.conn.namespace);
    let p = match api.get_opt(pod).await {
        Ok(Some(p)) => p,
        Ok(None) => {
            return Err(OpError::NotFound(format!(
                "pod {pod} not found in namespace {}",
                ops.conn.namespace
            )));
        }
        Err(e) => return Err(OpError::from_kube(&format!("pod {pod}"), e)),
    };
    ops.check_access(&accesses(pod)).await?;
    let owner = p
        .metadata
        .owner_references
        .as_ref()
        .and_then(|o| o.iter().find(|o| o.controller == Some(true)).or(o.first()))
        .map(|o| format!("{} {}", o.kind, o.name));
    let phase = p
        .status
        .as_ref()
        .and_then(|s| s.phase.clone())
        .unwrap_or_else(|| "Unknown".into());
    Ok(DeletePlan {
        pod: pod.to_string(),
        uid: p.metadata.uid.clone(),
        owner,
        phase,
    })
}

impl DeletePlan {
    pub fn describe(&self, place: &str) -> String {
        let after = match &self.owner {
            Some(o) => format!("{o} makes a new one"),
            None => "nothing owns it: it will not come back".into(),
        };
        format!(
            "delete pod {} ({}) in {place}; {after}",
            self.pod, self.phase
        )
    }
}

/// The DELETE (audited).
pub async fn apply(ops: &Ops, p: &DeletePlan) -> Result<String, OpError> {
    let result = apply_inner(ops, p).await;
    ops.record("delete-pod", &format!("pod/{}", p.pod), &result);
    result
}

async fn apply_inner(ops: &Ops, p: &DeletePlan) -> Result<String, OpError> {
    let api: Api<Pod> = Api::namespaced(ops.conn.client.clone(), &ops.conn.namespace);
    let dp = DeleteParams {
        preconditions: Some(Preconditions {
            uid: p.uid.clone(),
            resource_version: None,
        }),
        ..DeleteParams::default()
    };
    api.delete(&p.pod, &dp)
        .await
        .map_err(|e| OpError::from_kube(&format!("pod {}", p.pod), e))?;
    Ok(format!("pod {} deleted", p.pod))
}
