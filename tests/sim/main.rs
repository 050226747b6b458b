//! The simulated cluster as real clients see it: kubectl (a day of an engineer's commands,
//! tables, explain), kube-rs, the Python and JavaScript client libraries, its controllers,
//! faults, incidents and scale.
//!
//! One test binary of a few (each links the whole product): the modules below are the
//! suites, `common` their shared harness.

// Tests state what they expect with unwrap (a failure is the test's message). A test
// over 80 lines says why with its own allow (a scenario read as one session).
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;

mod client_libs;
mod kubectl;
mod kubectl_day;
mod kubectl_explain;
mod kubectl_tables;
mod sim_agents;
mod sim_faults;
mod sim_incidents;
mod sim_logs;
mod sim_metrics_api;
mod sim_scale;
mod sim_tls_auth;
mod sim_workloads;
