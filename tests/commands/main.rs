//! Every subcommand as a user runs it: the real `agentdeck` binary against the simulated
//! cluster (over HTTP), kubectl beside it, the audit log after; and the checks of the
//! project itself (layers, packaging, the command line).
//!
//! One test binary of a few (each links the whole product): the modules below are the
//! suites, `common` their shared harness.

// Tests state what they expect with unwrap (a failure is the test's message). A test
// over 80 lines says why with its own allow (a scenario read as one session).
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;

mod alerts_cli;
mod auth_cli;
mod cli;
mod connect_cli;
mod delete_pod_cli;
mod deploy_cli;
mod deploy_only_cli;
mod fleet_cli;
mod kubectl_plugin;
mod layers;
mod logs_cli;
mod ops_cli;
mod output_cli;
mod packaging;
mod proxy_cli;
mod rotate_cli;
mod rules_cli;
mod runbook_cli;
mod set_resources_cli;
mod sim_cli;
mod status_cli;
mod timeline_cli;
mod toolbox_cli;
