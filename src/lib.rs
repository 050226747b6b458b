//! agentdeck: a terminal dashboard and operations console for a multi-agent LLM service on
//! Kubernetes, with an embedded simulated cluster for the demo and the tests.

pub mod alerts;
pub mod app;
pub mod cli;
pub mod cli_flags;
pub mod cluster;
pub mod cmd;
pub mod config;
pub mod config_alerting;
pub mod config_queries;
pub mod dashboard;
pub mod endpoint;
pub mod error;
pub mod exec_shim;
pub mod files;
pub mod format;
pub mod heap;
pub mod logging;
pub mod manifests;
pub mod metrics;
pub mod ops;
pub mod output;
pub mod palette;
pub mod problems;
pub mod prompt;
pub mod quantity;
pub mod secret;
pub mod status;
pub mod status_alerts;
pub mod text;
pub mod theme;
pub mod timeline;
pub mod tls;
pub mod tui;
pub mod ui;
