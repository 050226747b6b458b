//! The problems strip's fix keys: `m` raises a memory limit (the OOM problem's proposal,
//! else the selected workload's, from its limit and working set), `N` re-applies the
//! bundled object a problem names (else the stack's NetworkPolicy). Each becomes one
//! `Request`, planned and confirmed like every other write.

use super::dialogs::{allowed, request, selected};
use super::{App, Effect};
use crate::ops::{DeployArgs, Operation, Request, ResourcesArgs, WorkloadKind, WorkloadRef};
use crate::problems::Fix;

/// `m`: plan raising a container's memory limit.
pub fn start_memory(app: &mut App, fx: &mut Vec<Effect>) {
    let proposal = match app.fix_for('m') {
        Some(Fix::MemoryLimit {
            workload,
            container,
            limit,
        }) => Some((
            WorkloadRef {
                kind: WorkloadKind::Deployment,
                name: workload.clone(),
            },
            container.clone(),
            limit.clone(),
        )),
        _ => from_selected(app),
    };
    let Some((workload, container, limit)) = proposal else {
        app.toast(
            "memory: select a workload with a container first (or use agentdeck set-resources)",
            true,
        );
        return;
    };
    if allowed(app, Operation::SetResources, Some(workload.kind)) {
        let status = format!("set-resources {}: checking…", workload.name);
        let req = Request::SetResources {
            workload,
            resources: ResourcesArgs {
                container: Some(container),
                memory_limit: Some(limit),
                ..ResourcesArgs::default()
            },
        };
        request(app, req, status, fx);
    }
}

/// The selected workload's first container, with a limit proposed from what it uses.
fn from_selected(app: &App) -> Option<(WorkloadRef, String, String)> {
    let (workload, _) = selected(app)?;
    let w = app.selected_workload()?;
    let c = w.containers.first()?;
    let limit = c
        .limits
        .get("memory")
        .and_then(|q| crate::quantity::value(q));
    let used = app.cluster.as_ref().and_then(|snap| {
        w.pod_names
            .iter()
            .filter_map(|p| snap.resource_metrics.peak.get(&(p.clone(), c.name.clone())))
            .copied()
            .reduce(f64::max)
    });
    let proposal = crate::ops::propose_memory_limit(limit, used)?;
    Some((workload, c.name.clone(), proposal))
}

/// `N`: plan re-applying the bundled object a problem names (its diff is shown first).
pub fn start_restore(app: &mut App, fx: &mut Vec<Effect>) {
    let (kind, name) = match app.fix_for('N') {
        Some(Fix::Restore { kind, name }) => (kind.clone(), name.clone()),
        _ => (
            "networkpolicy".to_string(),
            app.runbook.stack.network_policy.clone(),
        ),
    };
    if allowed(app, Operation::Deploy, None) {
        let status = format!("restore {kind}/{name}: comparing with the bundled one…");
        let req = Request::Deploy(DeployArgs {
            force_conflicts: true,
            only: vec![format!("{kind}/{name}")],
            ..DeployArgs::default()
        });
        request(app, req, status, fx);
    }
}
