//! Metrics from real parts: a real Prometheus scraping the simulated agents and the real
//! instrumentation libraries (OpenTelemetry, the FastAPI instrumentator), read by agentdeck.
//!
//! One test binary of a few (each links the whole product): the modules below are the
//! suites, `common` their shared harness.

// Tests state what they expect with unwrap (a failure is the test's message). A test
// over 80 lines says why with its own allow (a scenario read as one session).
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;

mod llm_exporters;
mod prometheus_e2e;
mod prometheus_history;
