//! The audit log: one JSON line per write, successful or not — time, kube context and
//! user, the cluster (server URL and, where readable, its `kube-system` namespace uid: a
//! context name says nothing of which cluster it was), operation, target, result. Never a
//! secret value.

use std::io::Write;
use std::path::PathBuf;

use serde_json::json;

use super::OpError;
use crate::cluster::Connection;

#[derive(Debug, Clone)]
pub struct Audit {
    /// None: nowhere to write it (no `audit_log`, HOME and XDG_STATE_HOME unset); writes are
    /// then refused.
    pub path: Option<PathBuf>,
}

impl Audit {
    /// `path`, else ~/.local/state/agentdeck/audit.log ($XDG_STATE_HOME honoured).
    pub fn new(path: Option<PathBuf>) -> Audit {
        Audit {
            path: path.or_else(|| Some(crate::files::state_dir()?.join("audit.log"))),
        }
    }

    /// Writes need a place for their audit line.
    pub fn require(&self) -> Result<(), OpError> {
        match self.path {
            Some(_) => Ok(()),
            None => Err(OpError::Invalid(
                "no place for the audit log (HOME and XDG_STATE_HOME are unset): set audit_log in the config; nothing was sent".into(),
            )),
        }
    }

    /// Append one line; a failure to write is logged, never fatal to the operation.
    pub fn record(
        &self,
        conn: &Connection,
        operation: &str,
        target: &str,
        result: &Result<String, OpError>,
    ) {
        let (ok, detail) = match result {
            Ok(d) => ("ok".to_string(), d.clone()),
            Err(e) => (e.kind().to_string(), e.to_string()),
        };
        let line = json!({
            "time": jiff::Timestamp::now().to_string(),
            "context": conn.context,
            "server": conn.server,
            "cluster": conn.uid.known(),
            "user": conn.user,
            "namespace": conn.namespace,
            "operation": operation,
            "target": target,
            "result": ok,
            "detail": detail,
        });
        let Some(path) = &self.path else {
            tracing::error!(operation, target, "no audit log to write to");
            return;
        };
        let write = || -> std::io::Result<()> {
            let mut f = crate::files::append_private(path)?;
            writeln!(f, "{line}")
        };
        if let Err(e) = write() {
            tracing::error!(path = %path.display(), "cannot write the audit log: {e}");
        }
    }
}
