//! The operations' own arguments, written once: the CLI takes them as its flags (clap
//! flattens them into the subcommand) and passes them on as the request; the dashboard
//! builds the same structs.

use std::path::PathBuf;

/// What to deploy, and how.
#[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args)]
pub struct DeployArgs {
    /// A directory of *.yaml manifests instead of the bundled stack.
    #[arg(long)]
    pub manifests: Option<PathBuf>,
    /// Show the plan only; with -o, the objects that would be applied (YAML: a `---`
    /// stream; JSON: a v1 List).
    #[arg(long)]
    pub dry_run: bool,
    /// Take over fields another field manager owns.
    #[arg(long)]
    pub force_conflicts: bool,
    /// Restore only this object of the stack, e.g. networkpolicy/allow-holysheep-api
    /// (repeatable; kinds as kubectl spells them: netpol, deploy, svc, hpa, cm…). Shows
    /// the live object's differences first, then applies it forcing conflicts.
    #[arg(long, value_name = "KIND/NAME")]
    pub only: Vec<String>,
}

/// The resources to set on a workload's container, as typed (the plan checks them).
#[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args)]
pub struct ResourcesArgs {
    /// The container (default: the only one).
    #[arg(long)]
    pub container: Option<String>,
    /// e.g. 3Gi, 2048Mi.
    #[arg(long, value_name = "QUANTITY")]
    pub memory_limit: Option<String>,
    /// e.g. 1Gi.
    #[arg(long, value_name = "QUANTITY")]
    pub memory_request: Option<String>,
    /// e.g. 2, 1500m.
    #[arg(long, value_name = "QUANTITY")]
    pub cpu_limit: Option<String>,
    /// e.g. 500m.
    #[arg(long, value_name = "QUANTITY")]
    pub cpu_request: Option<String>,
    /// Do not follow the rollout.
    #[arg(long)]
    pub no_wait: bool,
}

impl ResourcesArgs {
    /// The quantities given: memory limit, memory request, CPU limit, CPU request.
    pub fn given(&self) -> [Option<&str>; 4] {
        [
            self.memory_limit.as_deref(),
            self.memory_request.as_deref(),
            self.cpu_limit.as_deref(),
            self.cpu_request.as_deref(),
        ]
    }
}
