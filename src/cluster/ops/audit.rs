//! The audit log: one JSON line per write, successful or not — time, kube context and
//! user, operation, target, result. Never a secret value.

use std::io::Write;
use std::path::PathBuf;

use serde_json::json;

use super::OpError;
use crate::cluster::Connection;

#[derive(Debug, Clone)]
pub struct Audit {
    pub path: PathBuf,
}

/// ~/.local/state/agentdeck/audit.log ($XDG_STATE_HOME honoured).
pub fn default_path() -> PathBuf {
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("agentdeck").join("audit.log")
}

impl Audit {
    pub fn new(path: Option<PathBuf>) -> Audit {
        Audit {
            path: path.unwrap_or_else(default_path),
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
            "user": conn.user,
            "namespace": conn.namespace,
            "operation": operation,
            "target": target,
            "result": ok,
            "detail": detail,
        });
        let write = || -> std::io::Result<()> {
            if let Some(dir) = self.path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)?;
            writeln!(f, "{line}")
        };
        if let Err(e) = write() {
            tracing::error!(path = %self.path.display(), "cannot write the audit log: {e}");
        }
    }
}
