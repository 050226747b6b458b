//! Which workload: a Deployment or a StatefulSet (both have replicas, a scale subresource
//! and a pod template restarted the same way), by kind and name — the read model's, the
//! operations' and the log reader's one way to name it. Words typed by a user become one
//! here, once, at the edge (`parse`).

use std::fmt;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WorkloadKind {
    #[default]
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

    /// "deploy", kubectl's short name.
    pub fn short(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "deploy",
            WorkloadKind::StatefulSet => "sts",
        }
    }

    pub fn from_kind(kind: &str) -> Option<WorkloadKind> {
        match kind {
            "Deployment" => Some(WorkloadKind::Deployment),
            "StatefulSet" => Some(WorkloadKind::StatefulSet),
            _ => None,
        }
    }

    /// The kind a user typed before a slash, as kubectl takes it (plurals, short names
    /// and `.apps` too).
    pub fn from_typed(kind: &str) -> Option<WorkloadKind> {
        match kind.to_ascii_lowercase().as_str() {
            "deployment" | "deployments" | "deploy" | "deployment.apps" => {
                Some(WorkloadKind::Deployment)
            }
            "statefulset" | "statefulsets" | "sts" | "statefulset.apps" => {
                Some(WorkloadKind::StatefulSet)
            }
            _ => None,
        }
    }
}

impl fmt::Display for WorkloadKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A workload by kind and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

    /// "deploy/web", as kubectl takes it back.
    pub fn short(&self) -> String {
        format!("{}/{}", self.kind.short(), self.name)
    }
}
