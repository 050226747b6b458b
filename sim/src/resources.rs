//! The resources the simulated API server serves: discovery data for every group/version.

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

macro_rules! res {
    ($g:expr, $v:expr, $r:expr, $k:expr, $s:expr, $ns:expr, [$($sn:expr),*], [$($sub:expr),*]) => {
        ResourceDef {
            group: $g,
            version: $v,
            resource: $r,
            kind: $k,
            singular: $s,
            namespaced: $ns,
            short_names: &[$($sn),*],
            subresources: &[$($sub),*],
            create_only: false,
            categories: &[],
        }
    };
}

/// Every resource the sim serves, in discovery order. The preferred version of a group
/// comes first among that group's entries.
pub static RESOURCES: &[ResourceDef] = &[
    res!(
        "",
        "v1",
        "namespaces",
        "Namespace",
        "namespace",
        false,
        ["ns"],
        ["status"]
    ),
    res!("", "v1", "nodes", "Node", "node", false, ["no"], ["status"]),
    ResourceDef {
        categories: &["all"],
        ..res!(
            "",
            "v1",
            "pods",
            "Pod",
            "pod",
            true,
            ["po"],
            ["status", "log"]
        )
    },
    ResourceDef {
        categories: &["all"],
        ..res!(
            "",
            "v1",
            "services",
            "Service",
            "service",
            true,
            ["svc"],
            ["status"]
        )
    },
    res!("", "v1", "secrets", "Secret", "secret", true, [], []),
    res!(
        "",
        "v1",
        "configmaps",
        "ConfigMap",
        "configmap",
        true,
        ["cm"],
        []
    ),
    res!("", "v1", "events", "Event", "event", true, ["ev"], []),
    res!(
        "",
        "v1",
        "serviceaccounts",
        "ServiceAccount",
        "serviceaccount",
        true,
        ["sa"],
        ["token"]
    ),
    res!(
        "",
        "v1",
        "persistentvolumeclaims",
        "PersistentVolumeClaim",
        "persistentvolumeclaim",
        true,
        ["pvc"],
        ["status"]
    ),
    res!(
        "",
        "v1",
        "persistentvolumes",
        "PersistentVolume",
        "persistentvolume",
        false,
        ["pv"],
        ["status"]
    ),
    res!(
        "",
        "v1",
        "endpoints",
        "Endpoints",
        "endpoints",
        true,
        ["ep"],
        []
    ),
    res!(
        "",
        "v1",
        "limitranges",
        "LimitRange",
        "limitrange",
        true,
        ["limits"],
        []
    ),
    res!(
        "",
        "v1",
        "resourcequotas",
        "ResourceQuota",
        "resourcequota",
        true,
        ["quota"],
        ["status"]
    ),
    res!(
        "",
        "v1",
        "replicationcontrollers",
        "ReplicationController",
        "replicationcontroller",
        true,
        ["rc"],
        ["status", "scale"]
    ),
    ResourceDef {
        categories: &["all"],
        ..res!(
            "apps",
            "v1",
            "deployments",
            "Deployment",
            "deployment",
            true,
            ["deploy"],
            ["status", "scale"]
        )
    },
    ResourceDef {
        categories: &["all"],
        ..res!(
            "apps",
            "v1",
            "replicasets",
            "ReplicaSet",
            "replicaset",
            true,
            ["rs"],
            ["status", "scale"]
        )
    },
    ResourceDef {
        categories: &["all"],
        ..res!(
            "apps",
            "v1",
            "statefulsets",
            "StatefulSet",
            "statefulset",
            true,
            ["sts"],
            ["status", "scale"]
        )
    },
    ResourceDef {
        categories: &["all"],
        ..res!(
            "apps",
            "v1",
            "daemonsets",
            "DaemonSet",
            "daemonset",
            true,
            ["ds"],
            ["status"]
        )
    },
    res!(
        "apps",
        "v1",
        "controllerrevisions",
        "ControllerRevision",
        "controllerrevision",
        true,
        [],
        []
    ),
    res!(
        "events.k8s.io",
        "v1",
        "events",
        "Event",
        "event",
        true,
        ["ev"],
        []
    ),
    ResourceDef {
        categories: &["all"],
        ..res!(
            "autoscaling",
            "v2",
            "horizontalpodautoscalers",
            "HorizontalPodAutoscaler",
            "horizontalpodautoscaler",
            true,
            ["hpa"],
            ["status"]
        )
    },
    ResourceDef {
        categories: &["all"],
        ..res!(
            "autoscaling",
            "v1",
            "horizontalpodautoscalers",
            "HorizontalPodAutoscaler",
            "horizontalpodautoscaler",
            true,
            ["hpa"],
            ["status"]
        )
    },
    ResourceDef {
        categories: &["all"],
        ..res!("batch", "v1", "jobs", "Job", "job", true, [], ["status"])
    },
    ResourceDef {
        categories: &["all"],
        ..res!(
            "batch",
            "v1",
            "cronjobs",
            "CronJob",
            "cronjob",
            true,
            ["cj"],
            ["status"]
        )
    },
    res!(
        "networking.k8s.io",
        "v1",
        "networkpolicies",
        "NetworkPolicy",
        "networkpolicy",
        true,
        ["netpol"],
        []
    ),
    res!(
        "networking.k8s.io",
        "v1",
        "ingresses",
        "Ingress",
        "ingress",
        true,
        ["ing"],
        ["status"]
    ),
    res!(
        "networking.k8s.io",
        "v1",
        "ingressclasses",
        "IngressClass",
        "ingressclass",
        false,
        [],
        []
    ),
    res!(
        "storage.k8s.io",
        "v1",
        "storageclasses",
        "StorageClass",
        "storageclass",
        false,
        ["sc"],
        []
    ),
    res!(
        "rbac.authorization.k8s.io",
        "v1",
        "roles",
        "Role",
        "role",
        true,
        [],
        []
    ),
    res!(
        "rbac.authorization.k8s.io",
        "v1",
        "rolebindings",
        "RoleBinding",
        "rolebinding",
        true,
        [],
        []
    ),
    res!(
        "rbac.authorization.k8s.io",
        "v1",
        "clusterroles",
        "ClusterRole",
        "clusterrole",
        false,
        [],
        []
    ),
    res!(
        "rbac.authorization.k8s.io",
        "v1",
        "clusterrolebindings",
        "ClusterRoleBinding",
        "clusterrolebinding",
        false,
        [],
        []
    ),
    res!(
        "policy",
        "v1",
        "poddisruptionbudgets",
        "PodDisruptionBudget",
        "poddisruptionbudget",
        true,
        ["pdb"],
        ["status"]
    ),
    res!(
        "apiextensions.k8s.io",
        "v1",
        "customresourcedefinitions",
        "CustomResourceDefinition",
        "customresourcedefinition",
        false,
        ["crd", "crds"],
        ["status"]
    ),
    ResourceDef {
        create_only: true,
        ..res!(
            "authorization.k8s.io",
            "v1",
            "selfsubjectaccessreviews",
            "SelfSubjectAccessReview",
            "selfsubjectaccessreview",
            false,
            [],
            []
        )
    },
    ResourceDef {
        create_only: true,
        ..res!(
            "authorization.k8s.io",
            "v1",
            "selfsubjectrulesreviews",
            "SelfSubjectRulesReview",
            "selfsubjectrulesreview",
            false,
            [],
            []
        )
    },
    ResourceDef {
        create_only: true,
        ..res!(
            "authentication.k8s.io",
            "v1",
            "selfsubjectreviews",
            "SelfSubjectReview",
            "selfsubjectreview",
            false,
            [],
            []
        )
    },
];

/// The groups in discovery order, each with its versions (preferred first).
pub fn groups() -> Vec<(&'static str, Vec<&'static str>)> {
    let mut out: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
    for r in RESOURCES.iter().filter(|r| !r.group.is_empty()) {
        match out.iter_mut().find(|(g, _)| *g == r.group) {
            Some((_, vs)) => {
                if !vs.contains(&r.version) {
                    vs.push(r.version)
                }
            }
            None => out.push((r.group, vec![r.version])),
        }
    }
    out
}

pub fn in_gv<'a>(
    group: &'a str,
    version: &'a str,
) -> impl Iterator<Item = &'static ResourceDef> + 'a {
    RESOURCES
        .iter()
        .filter(move |r| r.group == group && r.version == version)
}

pub fn find(group: &str, version: &str, resource: &str) -> Option<&'static ResourceDef> {
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.version == version && r.resource == resource)
}

/// The preferred definition for a store key (for the kind/apiVersion stored on objects).
pub fn by_key(key: &str) -> Option<&'static ResourceDef> {
    RESOURCES.iter().find(|r| r.key() == key)
}

/// Find by apiVersion + kind (for create/apply bodies and owner references).
pub fn by_kind(api_version: &str, kind: &str) -> Option<&'static ResourceDef> {
    RESOURCES
        .iter()
        .find(|r| r.api_version() == api_version && r.kind == kind)
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
