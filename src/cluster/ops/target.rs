//! The workload a scale or a restart acts on: a Deployment or a StatefulSet (both have
//! replicas, a scale subresource and a pod template kubectl restarts the same way).

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use kube::api::{Api, DynamicObject};
use kube::discovery::ApiResource;

use super::{OpError, Ops};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WorkloadKind {
    Deployment,
    StatefulSet,
}

impl WorkloadKind {
    pub const ALL: [WorkloadKind; 2] = [WorkloadKind::Deployment, WorkloadKind::StatefulSet];

    /// "Deployment", as `kind:` and HPA targets write it.
    pub fn name(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
        }
    }

    /// "deployments", as RBAC names the resource.
    pub fn plural(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "deployments",
            WorkloadKind::StatefulSet => "statefulsets",
        }
    }

    pub fn from_kind(kind: &str) -> Option<WorkloadKind> {
        match kind {
            "Deployment" => Some(WorkloadKind::Deployment),
            "StatefulSet" => Some(WorkloadKind::StatefulSet),
            _ => None,
        }
    }

    fn resource(self) -> ApiResource {
        match self {
            WorkloadKind::Deployment => ApiResource::erase::<Deployment>(&()),
            WorkloadKind::StatefulSet => ApiResource::erase::<StatefulSet>(&()),
        }
    }
}

/// A workload by kind and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadRef {
    pub kind: WorkloadKind,
    pub name: String,
}

impl WorkloadRef {
    pub fn deployment(name: &str) -> WorkloadRef {
        WorkloadRef {
            kind: WorkloadKind::Deployment,
            name: name.into(),
        }
    }

    /// As kubectl takes it: `NAME` (a Deployment), `deployment/NAME`, `deploy/NAME`,
    /// `statefulset/NAME`, `sts/NAME` (plurals too).
    pub fn parse(arg: &str) -> Result<WorkloadRef, OpError> {
        let (kind, name) = match arg.split_once('/') {
            None => (WorkloadKind::Deployment, arg),
            Some(("deployment" | "deployments" | "deploy" | "deployment.apps", n)) => {
                (WorkloadKind::Deployment, n)
            }
            Some(("statefulset" | "statefulsets" | "sts" | "statefulset.apps", n)) => {
                (WorkloadKind::StatefulSet, n)
            }
            Some((other, _)) => {
                return Err(OpError::Invalid(format!(
                    "{other:?} is not a workload agentdeck scales or restarts: use NAME, deployment/NAME or statefulset/NAME"
                )));
            }
        };
        if name.is_empty() {
            return Err(OpError::Invalid(format!("{arg:?} names no workload")));
        }
        Ok(WorkloadRef {
            kind,
            name: name.into(),
        })
    }

    /// "deployment/web": the audit log's target.
    pub fn slash(&self) -> String {
        format!("{}/{}", self.kind.name().to_lowercase(), self.name)
    }

    /// "deployment.apps/web", as kubectl prints it.
    pub fn dotted(&self) -> String {
        format!("{}.apps/{}", self.kind.name().to_lowercase(), self.name)
    }

    /// "deployment web", for messages.
    pub fn words(&self) -> String {
        format!("{} {}", self.kind.name().to_lowercase(), self.name)
    }

    pub fn api(&self, ops: &Ops) -> Api<DynamicObject> {
        Api::namespaced_with(
            ops.conn.client.clone(),
            &ops.conn.namespace,
            &self.kind.resource(),
        )
    }

    /// The workload as it is now.
    pub async fn get(&self, ops: &Ops) -> Result<DynamicObject, OpError> {
        self.api(ops)
            .get(&self.name)
            .await
            .map_err(|e| OpError::from_kube(&self.words(), e))
    }
}

/// An integer field of a workload object (`/spec/replicas`, `/status/readyReplicas`).
pub fn int(o: &DynamicObject, pointer: &str) -> Option<i32> {
    o.data.pointer(pointer)?.as_i64().map(|v| v as i32)
}
