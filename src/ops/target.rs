//! The workload a scale or a restart acts on, as the operations read and write it (the
//! type itself is the read model's: [`crate::cluster::workload`]).

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use kube::api::{Api, DynamicObject};
use kube::discovery::ApiResource;

use super::{OpError, Ops};
pub use crate::cluster::workload::{WorkloadKind, WorkloadRef};

/// The API resource of a kind, for dynamic calls.
fn resource(kind: WorkloadKind) -> ApiResource {
    match kind {
        WorkloadKind::Deployment => ApiResource::erase::<Deployment>(&()),
        WorkloadKind::StatefulSet => ApiResource::erase::<StatefulSet>(&()),
    }
}

impl WorkloadRef {
    /// As kubectl takes it: `NAME` (a Deployment), `deployment/NAME`, `deploy/NAME`,
    /// `statefulset/NAME`, `sts/NAME` (plurals too).
    pub fn parse(arg: &str) -> Result<WorkloadRef, OpError> {
        let (kind, name) = match arg.split_once('/') {
            None => (WorkloadKind::Deployment, arg),
            Some((k, n)) => match WorkloadKind::from_typed(k) {
                Some(kind) => (kind, n),
                None => {
                    return Err(OpError::Invalid(format!(
                        "{k:?} is not a workload agentdeck scales or restarts: use NAME, deployment/NAME or statefulset/NAME"
                    )));
                }
            },
        };
        if name.is_empty() {
            return Err(OpError::Invalid(format!("{arg:?} names no workload")));
        }
        Ok(WorkloadRef {
            kind,
            name: name.into(),
        })
    }

    pub fn api(&self, ops: &Ops) -> Api<DynamicObject> {
        Api::namespaced_with(
            ops.conn.client.clone(),
            &ops.conn.namespace,
            &resource(self.kind),
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
