//! How to run the sim: the `agentdeck sim` flags, and the documents to preload.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use crate::authn::AuthMode;
use crate::authz::DenyRule;

/// How to run the sim (the `agentdeck sim` flags).
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub listen: SocketAddr,
    pub kubeconfig_out: Option<PathBuf>,
    /// Objects to create at start, in order (empty: none). Kinds the sim does not serve
    /// are skipped.
    pub preload: Vec<PreloadDoc>,
    pub extra_pods: usize,
    /// `--churn RATE`: load pods deleted (and replaced) per second, and as many readiness
    /// flips ([`crate::churn`]); 0 is off.
    pub churn: f64,
    /// `--churn-namespace NS`: the namespaces whose load workloads the churn acts on
    /// (empty: every load namespace).
    pub churn_namespaces: Vec<String>,
    pub deny: Vec<DenyRule>,
    pub time_scale: f64,
    pub seed: u64,
    /// How many changes watches can resume from (older resourceVersions get 410).
    pub event_log: usize,
    /// Serve the agent model's `/metrics` and `/truth` here too (loopback).
    pub metrics_listen: Option<SocketAddr>,
    /// Constant agent load: no daily curve, bursts or jitter (see [`agents`]).
    pub steady_load: bool,
    /// Load the store from this file at start (when it exists) and save it there on stop.
    pub state_file: Option<PathBuf>,
    /// Serve HTTPS with a CA generated for the run (in the kubeconfig).
    pub tls: bool,
    /// How clients must authenticate (client-cert needs `tls`; exec needs
    /// `kubeconfig_out`, beside which the plugin's secret is written).
    pub auth: AuthMode,
    /// How long exec plugin tokens are valid.
    pub token_ttl: Duration,
    /// The exec credential plugin: this binary's `sim credential` (default: the current
    /// executable).
    pub exec_command: Option<PathBuf>,
    /// Group versions ("metrics.k8s.io/v1beta1") listed in discovery whose every request
    /// answers 503, like an aggregated APIService whose backend is down.
    pub broken_groups: Vec<String>,
    /// Events to create in ai-agents at start (memory tests of clients).
    pub extra_events: usize,
    /// Incidents to stage at start, after the preload ([`crate::incidents`]).
    pub incidents: Vec<crate::incidents::Incident>,
    /// `--metrics-profile P`: whose metric names the agents' `/metrics` uses
    /// ([`crate::agents::profile`]).
    pub metrics_profile: crate::agents::MetricsProfile,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: "127.0.0.1:0".parse().expect("addr"),
            kubeconfig_out: None,
            preload: Vec::new(),
            extra_pods: 0,
            churn: 0.0,
            churn_namespaces: Vec::new(),
            deny: Vec::new(),
            time_scale: 1.0,
            seed: 42,
            event_log: 10_000,
            metrics_listen: None,
            steady_load: false,
            state_file: None,
            tls: false,
            auth: AuthMode::None,
            token_ttl: Duration::from_secs(3600),
            exec_command: None,
            broken_groups: Vec::new(),
            extra_events: 0,
            incidents: Vec::new(),
            metrics_profile: crate::agents::MetricsProfile::Example,
        }
    }
}

/// One object to preload, with where it came from (for error messages).
#[derive(Debug, Clone)]
pub struct PreloadDoc {
    /// Where the document comes from, e.g. `10-agent-deployment.yaml:1`.
    pub origin: String,
    pub object: Value,
}
