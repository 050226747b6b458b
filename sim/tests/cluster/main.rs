//! The simulator's own tests, against its public API only: a sim started in this process,
//! preloaded with the bundled stack's manifests (fixtures), and real kube-rs over HTTP —
//! its controllers, the API semantics kube-rs relies on, the HPA's metrics. The suites
//! that drive the `agentdeck` binary (`agentdeck sim`, kubectl and the client libraries
//! against it) stay with the product's tests (`tests/sim/`).

// Tests state what they expect with unwrap (a failure is the test's message). A test
// over 80 lines says why with its own allow (a scenario read as one session).
#![allow(clippy::unwrap_used)]

mod common;
mod harness;

mod sim_controllers;
mod sim_hpa_metrics;
mod sim_kube_client;
