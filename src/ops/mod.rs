//! Operations: every write goes through one path used by the TUI and the CLI alike —
//! `plan` (read-only check → validation → reads → RBAC check) → confirmation (by the face)
//! → `execute` (the API call → typed progress events → one audit line). Nothing here draws
//! or prompts; the faces only render progress and ask.

pub mod args;
pub mod audit;
pub mod delete_pod;
pub mod deploy;
mod deploy_hpa;
pub mod deploy_only;
pub mod extract;
mod operation;
pub mod permissions;
mod progress;
mod request;
pub mod restart;
pub mod rotate;
pub mod scale;
pub mod set_resources;
pub mod silence;
pub mod target;
pub mod value_diff;

use std::time::Duration;

use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use kube::api::{Api, PostParams};

pub use crate::quantity::{format_bytes_quantity, parse_quantity, propose_memory_limit};
pub use args::{DeployArgs, ResourcesArgs};
pub use audit::Audit;
pub use operation::{Outcome, Plan, PlanKind, execute, plan};
pub use permissions::Permissions;
pub use progress::{ObjectResult, Progress};
pub use request::{Operation, Request};
pub use target::{WorkloadKind, WorkloadRef};

use crate::cluster::Connection;
use crate::config::StackConfig;
use crate::endpoint::SetupError;

/// The field manager of every agentdeck write (server-side apply, patches, updates).
pub const FIELD_MANAGER: &str = "agentdeck";

/// What went wrong, in words that say what to do next.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OpError {
    #[error(
        "refused: agentdeck is read-only (--read-only or read_only = true in the config); nothing was sent"
    )]
    ReadOnly,
    #[error(
        "not allowed: {0}. Ask your cluster admin for that permission, or use a context that has it"
    )]
    Forbidden(String),
    #[error("invalid: {0}")]
    Invalid(String),
    #[error("conflict: {0}. Someone else changed it meanwhile; look again and retry")]
    Conflict(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("the API server answered: {0}")]
    Api(String),
    #[error("{0}")]
    Unreachable(String),
    #[error("timed out: {0}")]
    Timeout(String),
    #[error("failed: {0}")]
    Failed(String),
}

impl OpError {
    /// A kube error explained (403, 404, 409, 422 in words).
    pub fn from_kube(what: &str, e: kube::Error) -> OpError {
        // The words go to the user; the whole chain to the log file.
        tracing::warn!(what, error = %e, chain = ?crate::logging::chain(&e), "API call failed");
        match e {
            kube::Error::Api(s) => match s.code {
                403 => OpError::Forbidden(format!("{what}: {}", s.message)),
                404 => OpError::NotFound(format!("{what}: {}", s.message)),
                409 => OpError::Conflict(format!("{what}: {}", s.message)),
                422 => OpError::Invalid(format!(
                    "{what}: the API server rejected the change: {}",
                    s.message
                )),
                _ => OpError::Api(format!("{what}: {} ({})", s.message, s.code)),
            },
            other if crate::cluster::explain::unreachable(&other) => OpError::Unreachable(format!(
                "{what}: {}",
                crate::cluster::explain::explain(&other)
            )),
            other => OpError::Api(format!(
                "{what}: {}",
                crate::cluster::explain::explain(&other)
            )),
        }
    }

    /// Short result word for the audit log.
    pub fn kind(&self) -> &'static str {
        match self {
            OpError::ReadOnly => "refused-read-only",
            OpError::Forbidden(_) => "forbidden",
            OpError::Invalid(_) => "invalid",
            OpError::Conflict(_) => "conflict",
            OpError::NotFound(_) => "not-found",
            OpError::Api(_) => "api-error",
            OpError::Unreachable(_) => "unreachable",
            OpError::Timeout(_) => "timeout",
            OpError::Failed(_) => "failed",
        }
    }
}

/// One verb on one resource, as RBAC sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub verb: &'static str,
    pub group: &'static str,
    pub resource: &'static str,
    pub subresource: &'static str,
    pub name: String,
}

impl Access {
    pub fn describe(&self, ns: &str) -> String {
        let res = if self.subresource.is_empty() {
            self.resource.to_string()
        } else {
            format!("{}/{}", self.resource, self.subresource)
        };
        let group = if self.group.is_empty() {
            "core"
        } else {
            self.group
        };
        format!("{} {res} ({group}) in namespace {ns}", self.verb)
    }
}

/// Everything an operation needs: the connection it runs on (context + namespace), the
/// write policy, the audit log, how long to wait for rollouts, and the stack's names.
#[derive(Clone, Debug)]
pub struct Ops {
    pub conn: Connection,
    pub read_only: bool,
    pub audit: Audit,
    /// How long an operation waits for its rollouts (one policy: config or `--timeout`).
    pub timeout: Duration,
    pub stack: StackConfig,
    /// Where silences are written (None: no `[alertmanager] url`; Err: it is set but
    /// unusable, and why).
    pub alertmanager: Result<Option<crate::alerts::AlertsClient>, std::sync::Arc<SetupError>>,
    /// The PrometheusRule deployed with the bundled stack (the runbook as alert rules).
    pub rule_object: serde_json::Value,
}

impl Ops {
    /// Operations on `conn` with the config's write policy, audit log and stack names.
    pub fn new(conn: Connection, cfg: &crate::config::Config, timeout: Duration) -> Ops {
        Ops {
            conn,
            read_only: cfg.read_only,
            audit: Audit::new(cfg.audit_log.clone()),
            timeout,
            stack: cfg.stack.clone(),
            alertmanager: crate::alerts::AlertsClient::alertmanager(cfg)
                .map_err(std::sync::Arc::new),
            rule_object: crate::alerts::bundled_rule_object(cfg),
        }
    }

    /// "namespace NS (context CTX)": where a write lands, for questions and messages.
    pub fn place(&self) -> String {
        format!(
            "namespace {} (context {})",
            crate::text::printable(&self.conn.namespace),
            crate::text::printable(&self.conn.context)
        )
    }

    pub fn refuse_if_read_only(&self) -> Result<(), OpError> {
        if self.read_only {
            Err(OpError::ReadOnly)
        } else {
            Ok(())
        }
    }

    /// Ask the API server (SelfSubjectAccessReview) whether each access is allowed; the
    /// first denied one is the error, with the server's reason.
    pub async fn check_access(&self, accesses: &[Access]) -> Result<(), OpError> {
        let api: Api<SelfSubjectAccessReview> = Api::all(self.conn.client.clone());
        for a in accesses {
            let review = SelfSubjectAccessReview {
                spec: SelfSubjectAccessReviewSpec {
                    resource_attributes: Some(ResourceAttributes {
                        namespace: Some(self.conn.namespace.clone()),
                        verb: Some(a.verb.into()),
                        group: Some(a.group.into()),
                        resource: Some(a.resource.into()),
                        subresource: (!a.subresource.is_empty()).then(|| a.subresource.into()),
                        name: Some(a.name.clone()),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                ..Default::default()
            };
            let r = api
                .create(&PostParams::default(), &review)
                .await
                .map_err(|e| OpError::from_kube("access review", e))?;
            let st = r.status.unwrap_or_default();
            if !st.allowed {
                let reason = st
                    .reason
                    .filter(|r| !r.is_empty())
                    .unwrap_or_else(|| "denied".into());
                return Err(OpError::Forbidden(format!(
                    "{} is denied for {} ({reason})",
                    a.describe(&self.conn.namespace),
                    if self.conn.user.is_empty() {
                        "you"
                    } else {
                        &self.conn.user
                    }
                )));
            }
        }
        Ok(())
    }

    /// What RBAC says here about each operation with a key in the dashboard, from the
    /// accesses each declares, per kind of workload ([`permissions::questions`]).
    pub async fn permissions(&self) -> Vec<permissions::Answer> {
        let mut out = Vec::new();
        for (op, kind) in permissions::questions() {
            let access = permissions::declared(op, kind, &self.stack.secret);
            let denied = self
                .check_access(&access)
                .await
                .err()
                .map(|e| e.to_string());
            out.push((op, kind, denied));
        }
        out
    }

    /// Record the outcome of a write in the audit log (never a secret value).
    pub fn record(&self, operation: &str, target: &str, result: &Result<String, OpError>) {
        self.audit.record(&self.conn, operation, target, result);
    }
}
