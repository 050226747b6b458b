//! agentdeck: a terminal dashboard and operations console for a multi-agent LLM service on
//! Kubernetes, with an embedded simulated cluster for the demo and the tests.

// pub(crate) by default: an item is `pub` only when the binary, the tests or another crate
// can reach it (rustc checks it; clippy -D warnings makes it fail).
#![warn(unreachable_pub)]

pub mod alerts;
pub mod app;
pub mod cli;
pub(crate) mod cli_flags;
pub mod cluster;
pub mod cmd;
pub mod config;
pub(crate) mod config_alerting;
pub(crate) mod config_fleet;
pub(crate) mod config_prometheus;
pub(crate) mod config_queries;
pub(crate) mod dashboard;
pub(crate) mod endpoint;
pub(crate) mod error;
pub(crate) mod exec_shim;
pub(crate) mod files;
pub mod fleet;
pub(crate) mod format;
pub mod heap;
pub mod logging;
pub(crate) mod manifests;
pub mod metrics;
pub mod ops;
pub mod output;
pub mod palette;
pub mod problems;
pub(crate) mod prompt;
pub(crate) mod quantity;
pub mod secret;
pub(crate) mod status;
pub(crate) mod status_alerts;
pub(crate) mod text;
pub mod theme;
pub mod timeline;
pub mod tls;
pub(crate) mod tui;
pub mod ui;
