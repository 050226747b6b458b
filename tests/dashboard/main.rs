//! The dashboard: every screen on a TestBackend (insta), the real binary in a real terminal
//! (tmux), and the watchers and state behind them against the simulated cluster.
//!
//! One test binary of a few (each links the whole product): the modules below are the
//! suites, `common` their shared harness.

// Tests state what they expect with unwrap (a failure is the test's message). A test
// over 80 lines says why with its own allow (a scenario read as one session).
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;

mod alerts_tui;
mod cluster_watch;
mod degraded;
mod drilldown_tui;
mod fleet_tui;
mod hpa_dashboard;
mod logs_tui;
mod runbook_tui;
mod terminal_tui;
mod tui_network;
mod tui_tmux;
mod ui_alerts;
mod ui_charts;
mod ui_demo;
mod ui_fleet;
mod ui_logs;
mod ui_snapshots;
mod ui_terminal;
mod ui_timeline;
