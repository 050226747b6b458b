//! A simulated Kubernetes cluster: an API server on loopback that real kubectl and kube-rs
//! talk to, an object store, and controllers running in simulated time, with a load model
//! of the agents it runs.
//!
//! Layers (imports only point down): [`api`] is the HTTP layer (axum); everything else is
//! the core it drives — [`cluster::Sim`] and its [`store`], object semantics ([`meta`],
//! the registry of [`kinds`] with the discovery rows of [`resources`], [`admission`],
//! [`apply`], [`patch`], [`validate`], [`defaults`], the table [`printers`]),
//! the [`controllers`], the [`agents`] model with its NetworkPolicy evaluation
//! ([`netpol`]), and the [`incidents`] it can stage.
//!
//! The product's door is the root of the crate: the items re-exported below (config in,
//! [`start`] → a [`SimHandle`] out, [`SimAgents`] for the demo's metrics; see [`door`]).
//! The product names no module of the crate beyond them (`tests/commands/layers.rs` checks it).

pub mod admission;
pub mod agents;
pub mod api;
pub mod apply;
pub mod authn;
pub mod authz;
pub mod bootstrap;
pub mod churn;
pub mod cluster;
pub mod config;
pub mod controllers;
pub mod defaults;
pub mod door;
pub mod errors;
pub mod extra_events;
pub mod faults;
pub mod hpa_feed;
pub mod incident;
pub mod incidents;
pub mod kinds;
pub mod kubeconfig;
pub mod meta;
pub mod netpol;
pub mod patch;
pub mod pki;
pub mod printers;
pub mod resources;
pub mod state;
pub mod store;
pub mod usage;
pub mod validate;
pub mod views;

pub use self::agents::history::HistoryPoint;
pub use self::agents::{MetricsProfile, Truth};
pub use self::api::server::{SimHandle, start};
pub use self::authn::{AuthMode, credential};
pub use self::authz::DenyRule;
pub use self::bootstrap::bootstrap;
pub use self::cluster::{Sim, Usage};
pub use self::config::{PreloadDoc, SimConfig};
pub use self::door::SimAgents;
pub use self::incident::Incident;
pub use self::kubeconfig::{kubeconfig_yaml, write_kubeconfig};
