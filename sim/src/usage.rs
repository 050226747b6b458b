//! Resource use of the simulated pods (what the HPA and OOM kills see): admin pins, the
//! agent model's share of the load for the agent pods, a gentle wave for every other pod.

use serde_json::Value;

use crate::cluster::Usage;
use crate::{Sim, agents, meta};

/// CPU and memory use of a pod as fractions of its requests: pinned through the admin
/// endpoint; for the agent pods of the bundled stack, the agent load model's share of the
/// load ([`crate::agents`]); for every other pod a gentle wave around 30 % CPU and
/// 45 % memory.
pub fn usage_fraction(sim: &Sim, ns: &str, deploy: &str, pod: &str) -> (f64, f64) {
    let pinned = sim.usage_for(ns, deploy);
    let (cpu, mem) = if agents::is_agent_pod(ns, deploy) {
        match pinned {
            Usage {
                cpu: Some(c),
                memory: Some(m),
            } => (c, m),
            _ => {
                let (c, m) = sim.agents.usage(sim, pod);
                (pinned.cpu.unwrap_or(c), pinned.memory.unwrap_or(m))
            }
        }
    } else {
        let phase = (meta::fnv32a(pod.as_bytes()) % 628) as f64 / 100.0;
        let t = sim.clock.secs();
        let cpu = pinned
            .cpu
            .unwrap_or_else(|| 0.30 + 0.05 * (t / 90.0 + phase).sin());
        let mem = pinned
            .memory
            .unwrap_or_else(|| 0.45 + 0.03 * (t / 300.0 + phase).sin());
        (cpu, mem)
    };
    (cpu.max(0.0), mem.max(0.0))
}

/// The Deployment a pod belongs to, from its ReplicaSet's name (DEPLOY-HASH-SUFFIX).
pub fn deployment_of(pod: &Value) -> &str {
    let rs = pod
        .pointer("/metadata/ownerReferences/0/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    rs.rsplit_once('-').map(|(d, _)| d).unwrap_or(rs)
}
