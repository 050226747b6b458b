//! The product's door into the simulator: config in ([`crate::SimConfig`]), a handle out
//! ([`crate::start`] → [`SimHandle`]: its URL and kubeconfig, staging an incident,
//! creating an object, stopping), and a read-only view of the simulated agents
//! ([`SimAgents`]) for the demo's metrics. The product names nothing of the crate beyond
//! what its root re-exports.

use std::sync::Arc;

use serde_json::Value;

use crate::agents::history::HistoryPoint;
use crate::agents::{MetricsProfile, Truth};
use crate::api::server::SimHandle;
use crate::cluster::Sim;
use crate::config::SimConfig;
use crate::incident::Incident;

impl SimHandle {
    /// Switch `incident` on or off, as `POST /_sim/incident` does; whether that changed
    /// anything.
    pub fn stage(&self, incident: Incident, on: bool) -> anyhow::Result<bool> {
        crate::incidents::stage(&self.sim, incident, on)
            .map_err(|e| anyhow::anyhow!("cannot stage {incident}: {e}"))
    }

    /// Create `obj` as field manager `manager` (admission and defaults as for a client's
    /// create, without a request).
    pub fn create(&self, obj: Value, manager: &str) -> anyhow::Result<()> {
        crate::admission::create_internal(&self.sim, obj, manager)
            .map(|_| ())
            .map_err(anyhow::Error::msg)
    }

    /// A number from the run's seeded generator (reproducible with `--seed`).
    pub fn random_u64(&self) -> u64 {
        self.sim.rng.next_u64()
    }

    /// The simulated agents, for reading their metrics.
    pub fn agents(&self) -> SimAgents {
        SimAgents(self.sim.clone())
    }
}

/// The simulated agents of a sim, read-only: their ground truth now and the history the
/// model fast-forwards before the start.
#[derive(Clone)]
pub struct SimAgents(Arc<Sim>);

impl SimAgents {
    /// A sim that is bootstrapped (preloaded, controllers' first pass) but not serving:
    /// the agents' model without a server, for tests.
    pub fn offline(cfg: &SimConfig) -> anyhow::Result<Self> {
        let sim = Sim::new(cfg);
        crate::bootstrap::bootstrap(&sim, cfg)?;
        Ok(Self(sim))
    }

    /// The agents' ground truth now (what a perfect Prometheus would read).
    pub fn truth(&self) -> Truth {
        self.0.agents.live(&*self.0)
    }

    /// Whose metric names the agents expose.
    pub fn profile(&self) -> MetricsProfile {
        self.0.agents.profile()
    }

    /// Simulated seconds per real second.
    pub fn time_scale(&self) -> f64 {
        self.0.clock.scale()
    }

    /// Simulated seconds since the sim started.
    pub fn elapsed_secs(&self) -> f64 {
        self.0.clock.secs()
    }

    /// The model's readings over `span` simulated seconds before the start, one per
    /// `step` simulated seconds.
    pub fn before_start(&self, span: f64, step: f64) -> Vec<HistoryPoint> {
        self.0.agents.before_start(&*self.0, span, step)
    }
}
