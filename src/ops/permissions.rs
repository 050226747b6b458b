//! What the dashboard may offer here, before any plan: each operation's declared accesses
//! (per kind of workload: a StatefulSet's `r` is asked about StatefulSets) put to RBAC
//! once per connection, and the write policy. The table greys keys and words refusals;
//! the plan stays the authority (it asks again, for the very object).

use std::collections::BTreeMap;

use super::target::{WorkloadKind, WorkloadRef};
use super::{Access, OpError, Operation, delete_pod, restart, rotate, scale, set_resources};

/// What one operation needs on any object (the name left empty) of `kind` (None: it acts
/// on no workload). Deploy declares nothing: its dry run answers per object.
pub fn declared(op: Operation, kind: Option<WorkloadKind>, secret: &str) -> Vec<Access> {
    let any = kind.map(|kind| WorkloadRef {
        kind,
        name: String::new(),
    });
    match (op, any) {
        (Operation::Scale, Some(w)) => scale::accesses(&w, None),
        (Operation::Restart, Some(w)) => restart::accesses(&w),
        (Operation::SetResources, Some(w)) => set_resources::accesses(&w),
        (Operation::RotateKey, _) => rotate::accesses(secret, true, &[]),
        (Operation::DeletePod, _) => delete_pod::accesses(""),
        _ => Vec::new(),
    }
}

/// Every question the dashboard's keys raise: the workload operations once per kind, the
/// others once.
pub fn questions() -> Vec<(Operation, Option<WorkloadKind>)> {
    let mut out = Vec::new();
    for op in [
        Operation::Scale,
        Operation::Restart,
        Operation::SetResources,
    ] {
        out.extend(WorkloadKind::ALL.map(|k| (op, Some(k))));
    }
    out.push((Operation::RotateKey, None));
    out.push((Operation::DeletePod, None));
    out
}

/// RBAC's answer to one question: None when allowed, else the reason.
pub type Answer = (Operation, Option<WorkloadKind>, Option<String>);

/// The write policy and RBAC's answers for one connection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Permissions {
    read_only: bool,
    denied: BTreeMap<(Operation, Option<WorkloadKind>), String>,
}

impl Permissions {
    /// Nothing known from RBAC yet (every key offered unless read-only).
    pub fn new(read_only: bool) -> Permissions {
        Permissions {
            read_only,
            denied: BTreeMap::new(),
        }
    }

    /// RBAC's answers for a connection (replacing the last one's).
    pub fn answered(&mut self, answers: Vec<Answer>) {
        self.denied = answers
            .into_iter()
            .filter_map(|(op, kind, why)| Some(((op, kind), why?)))
            .collect();
    }

    /// Are writes off (`--read-only`, `read_only = true`)?
    pub fn read_only(&self) -> bool {
        self.read_only
    }

    /// A new connection: RBAC's answers are not known yet.
    pub fn forget(&mut self) {
        self.denied.clear();
    }

    /// Why `op` on a workload of `kind` (None: no workload) is refused here, if it is.
    pub fn refusal(&self, op: Operation, kind: Option<WorkloadKind>) -> Option<OpError> {
        if self.read_only {
            return Some(OpError::ReadOnly);
        }
        let key = if op.on_workloads() { kind } else { None };
        self.denied
            .get(&(op, key))
            .map(|why| OpError::Forbidden(why.clone()))
    }
}
