//! What a running operation reports, typed; both faces show these lines as they are.

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

/// Rollout counts of a Deployment or StatefulSet (the same status fields), for
/// `Progress::Rollout`.
pub(super) fn rollout(message: &str, o: &kube::api::DynamicObject) -> Progress {
    use super::target::int;
    let updated = int(o, "/status/updatedReplicas").unwrap_or(0);
    Progress::Rollout {
        message: message.to_string(),
        want: int(o, "/spec/replicas").unwrap_or(0),
        updated,
        ready: int(o, "/status/readyReplicas").unwrap_or(0),
        available: int(o, "/status/availableReplicas").unwrap_or(0),
        old: (int(o, "/status/replicas").unwrap_or(0) - updated).max(0),
    }
}
