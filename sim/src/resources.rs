//! What a served resource is: its discovery row ([`ResourceDef`], one per entry of the
//! registry of kinds, [`crate::kinds`], which also has the lookups), the version the sim
//! reports, and the store keys the controllers use.

/// The Kubernetes version the sim reports (kubectl's dispatcher picks kubectl.1.33 from it).
pub const MINOR: &str = "33";
pub const GIT_VERSION: &str = "v1.33.1-agentdeck-sim";
/// The aggregated metrics API metrics-server serves ([`crate::api::metrics_server`]).
pub const METRICS_GROUP_VERSION: &str = "metrics.k8s.io/v1beta1";

/// One served resource (a row of an APIResourceList).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceDef {
    pub group: &'static str,
    pub version: &'static str,
    pub resource: &'static str,
    pub kind: &'static str,
    pub singular: &'static str,
    pub namespaced: bool,
    pub short_names: &'static [&'static str],
    /// Subresources served, e.g. "status", "scale".
    pub subresources: &'static [&'static str],
    /// Only create (SelfSubjectAccessReview).
    pub create_only: bool,
    pub categories: &'static [&'static str],
}

impl ResourceDef {
    /// The store key: "deployments.apps" or "pods" for the core group. Versions of one
    /// group share objects (autoscaling v1 and v2 HPAs are one set of objects).
    pub fn key(&self) -> String {
        // events.k8s.io Events are a view of the core Events (one store).
        if self.group.is_empty() || self.group == "events.k8s.io" {
            self.resource.to_string()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }

    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The path prefix of this group/version: "/api/v1" or "/apis/apps/v1".
    pub fn gv_path(&self) -> String {
        gv_path(self.group, self.version)
    }

    pub fn verbs(&self) -> Vec<&'static str> {
        if self.create_only {
            vec!["create"]
        } else {
            vec![
                "create",
                "delete",
                "deletecollection",
                "get",
                "list",
                "patch",
                "update",
                "watch",
            ]
        }
    }

    pub fn has_subresource(&self, sub: &str) -> bool {
        self.subresources.contains(&sub)
    }
}

pub fn gv_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("/api/{version}")
    } else {
        format!("/apis/{group}/{version}")
    }
}

/// Well-known store keys used by the controllers.
pub mod keys {
    pub const NAMESPACES: &str = "namespaces";
    pub const NODES: &str = "nodes";
    pub const PODS: &str = "pods";
    pub const SERVICES: &str = "services";
    pub const SECRETS: &str = "secrets";
    pub const EVENTS: &str = "events";
    pub const DEPLOYMENTS: &str = "deployments.apps";
    pub const REPLICASETS: &str = "replicasets.apps";
    pub const HPAS: &str = "horizontalpodautoscalers.autoscaling";
    pub const SERVICEACCOUNTS: &str = "serviceaccounts";
    pub const CONFIGMAPS: &str = "configmaps";
    pub const NETWORKPOLICIES: &str = "networkpolicies.networking.k8s.io";
    pub const JOBS: &str = "jobs.batch";
    pub const CRONJOBS: &str = "cronjobs.batch";
    pub const DAEMONSETS: &str = "daemonsets.apps";
}
