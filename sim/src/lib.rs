//! A simulated Kubernetes cluster: an API server on loopback that real kubectl and kube-rs
//! talk to, an object store, and controllers running in simulated time, with a load model
//! of the agents it runs.
//!
//! Layers (imports only point down): [`api`] is the HTTP layer (axum); everything else is
//! the core it drives — [`cluster::Sim`] and its [`store`], object semantics ([`meta`],
//! [`resources`], [`admission`], [`apply`], [`patch`], [`validate`], [`defaults`]),
//! the [`controllers`], the [`agents`] model with its NetworkPolicy evaluation
//! ([`netpol`]), and the [`incidents`] it can stage.

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
pub mod errors;
pub mod extra_events;
pub mod faults;
pub mod hpa_feed;
pub mod incidents;
pub mod kubeconfig;
pub mod meta;
pub mod netpol;
pub mod patch;
pub mod pki;
pub mod resources;
pub mod state;
pub mod store;
pub mod usage;
pub mod validate;
pub mod views;

pub use self::agents::MetricsProfile;
pub use self::api::server::{SimHandle, start};
pub use self::authn::AuthMode;
pub use self::authz::DenyRule;
pub use self::bootstrap::bootstrap;
pub use self::cluster::{Sim, Usage};
pub use self::config::{PreloadDoc, SimConfig};
pub use self::incidents::Incident;
pub use self::kubeconfig::{kubeconfig_yaml, write_kubeconfig};
