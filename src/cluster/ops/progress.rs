//! What a running operation reports, typed; both faces show these lines as they are.

use k8s_openapi::api::apps::v1::Deployment;

/// What a running operation reports; both faces show these lines as they are.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// A write landed.
    Wrote(String),
    /// The pods of a scale.
    Pods {
        deployment: String,
        ready: i32,
        desired: i32,
    },
    /// A rollout, as `kubectl rollout status` reads it, with its counts.
    Rollout {
        message: String,
        want: i32,
        updated: i32,
        ready: i32,
        available: i32,
        old: i32,
    },
    /// One object of a deploy.
    Object {
        display: String,
        result: ObjectResult,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum ObjectResult {
    /// "created", "updated (spec.replicas)", "unchanged"
    Applied(String),
    Skipped(String),
    Failed(String),
}

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Progress::Wrote(s) => f.write_str(s),
            Progress::Pods {
                deployment,
                ready,
                desired,
            } => write!(f, "scale {deployment}: {ready}/{desired} ready"),
            Progress::Rollout {
                message,
                want,
                updated,
                ready,
                available,
                old,
            } => write!(
                f,
                "{message}  [updated {updated}/{want}, ready {ready}, available {available}, old {old}]"
            ),
            Progress::Object { display, result } => match result {
                ObjectResult::Applied(m) => {
                    write!(f, "{:<10} {display}", m.split(' ').next().unwrap_or(m))
                }
                ObjectResult::Skipped(why) => write!(f, "skipped    {display} — {why}"),
                ObjectResult::Failed(e) => write!(f, "FAILED     {display} — {e}"),
            },
        }
    }
}

/// Rollout counts of a Deployment, for `Progress::Rollout`.
pub(super) fn rollout(message: &str, d: &Deployment) -> Progress {
    let st = d.status.clone().unwrap_or_default();
    let updated = st.updated_replicas.unwrap_or(0);
    Progress::Rollout {
        message: message.to_string(),
        want: d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0),
        updated,
        ready: st.ready_replicas.unwrap_or(0),
        available: st.available_replicas.unwrap_or(0),
        old: (st.replicas.unwrap_or(0) - updated).max(0),
    }
}
