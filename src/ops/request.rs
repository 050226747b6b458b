//! What a face asks for: the kinds of write ([`Operation`]) and a write with its
//! arguments, before any check ([`Request`]).

use super::Ops;
use super::args::{DeployArgs, ResourcesArgs};
use super::target::WorkloadRef;
use crate::secret::Secret;

/// The kinds of write, without their arguments (for RBAC answers and messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Operation {
    Scale,
    Restart,
    RotateKey,
    Deploy,
    SetResources,
    DeletePod,
    /// A silence at Alertmanager.
    SilenceAlert,
    /// The expiry of a silence agentdeck made.
    ExpireSilence,
}

impl Operation {
    /// The name in the audit log and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Operation::Scale => "scale",
            Operation::Restart => "restart",
            Operation::RotateKey => "rotate-key",
            Operation::Deploy => "deploy",
            Operation::SetResources => "set-resources",
            Operation::DeletePod => "delete-pod",
            Operation::SilenceAlert => "silence-alert",
            Operation::ExpireSilence => "expire-silence",
        }
    }

    /// Does it act on a workload (a Deployment or a StatefulSet, whose rights differ)?
    pub fn on_workloads(self) -> bool {
        matches!(
            self,
            Operation::Scale | Operation::Restart | Operation::SetResources
        )
    }
}

/// A write a face asks for, before any check.
#[derive(Debug, Clone)]
pub enum Request {
    Scale {
        workload: WorkloadRef,
        /// As typed: checked by the plan.
        replicas: String,
    },
    Restart {
        workload: WorkloadRef,
        /// Follow the rollout until it completes.
        wait: bool,
    },
    RotateKey {
        key: Secret,
        /// Ask the provider whether it accepts the key before anything is written.
        verify: bool,
    },
    /// The bundled stack (or `manifests`), whole or `only` some objects; `dry_run`: only
    /// the plan is wanted (allowed in read-only mode).
    Deploy(DeployArgs),
    SetResources {
        workload: WorkloadRef,
        resources: ResourcesArgs,
    },
    DeletePod {
        pod: String,
    },
    /// Silence the alert named `alertname` firing in the namespace, for `length` ("2h").
    SilenceAlert {
        alertname: String,
        length: String,
        comment: String,
    },
    ExpireSilence {
        id: String,
    },
}

impl Request {
    pub fn operation(&self) -> Operation {
        match self {
            Request::Scale { .. } => Operation::Scale,
            Request::Restart { .. } => Operation::Restart,
            Request::RotateKey { .. } => Operation::RotateKey,
            Request::Deploy(_) => Operation::Deploy,
            Request::SetResources { .. } => Operation::SetResources,
            Request::DeletePod { .. } => Operation::DeletePod,
            Request::SilenceAlert { .. } => Operation::SilenceAlert,
            Request::ExpireSilence { .. } => Operation::ExpireSilence,
        }
    }

    /// The object it writes, as `kind/name` (the audit log's target).
    pub fn target(&self, ops: &Ops) -> String {
        match self {
            Request::Scale { workload, .. }
            | Request::Restart { workload, .. }
            | Request::SetResources { workload, .. } => workload.slash(),
            Request::RotateKey { .. } => format!("secret/{}", ops.stack.secret),
            Request::Deploy(a) if !a.only.is_empty() => a.only.join(","),
            Request::Deploy(_) => "stack".into(),
            Request::DeletePod { pod } => format!("pod/{pod}"),
            Request::SilenceAlert { alertname, .. } => format!("alert/{alertname}"),
            Request::ExpireSilence { id } => format!("silence/{id}"),
        }
    }
}
