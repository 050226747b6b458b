//! The simulator's own tests, linking this crate alone: a sim started in this process
//! through its public API, preloaded with the bundled stack's manifests (fixtures), and
//! real clients against it — kube-rs over HTTP (its controllers, the API semantics kube-rs
//! relies on, the HPA's metrics, faults, incidents, TLS and authentication), real kubectl
//! 1.33 and 1.27 (a day of commands, tables, explain, logs, top, workloads), and the
//! Python and JavaScript client libraries (scripts/test.sh installs them). What the
//! `agentdeck sim` front end adds (its flags, banner, signals, the exec credential plugin)
//! is tested with the product (`tests/commands/sim_cli.rs`).

// Tests state what they expect with unwrap (a failure is the test's message). A test
// over 80 lines says why with its own allow (a scenario read as one session).
#![allow(clippy::unwrap_used)]

mod common;
mod harness;
mod sim_thread;

mod client_libs;
mod kubectl;
mod kubectl_day;
mod kubectl_explain;
mod kubectl_tables;
mod sim_agents;
mod sim_controllers;
mod sim_faults;
mod sim_hpa_metrics;
mod sim_incidents;
mod sim_kube_client;
mod sim_logs;
mod sim_metrics_api;
mod sim_scale;
mod sim_tls_auth;
mod sim_workloads;
