//! Resource use of the simulated pods, and the extra load workloads of `--extra-pods`.

use serde_json::{Value, json};

use crate::sim::{Sim, Usage, agents, meta};

/// Namespaces the extra workloads are spread over.
pub const LOAD_NAMESPACES: usize = 5;
/// Deployments per load namespace.
pub const LOAD_DEPLOYMENTS: usize = 4;

/// CPU and memory use of a pod as fractions of its requests: pinned through the admin
/// endpoint; for the agent pods of the bundled stack, the agent load model's share of the
/// load ([`crate::sim::agents`]); for every other pod a gentle wave around 30 % CPU and
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

/// Create `n` pods' worth of Deployments over several namespaces.
pub fn create_extra(sim: &Sim, n: usize) -> Result<(), String> {
    let total = LOAD_NAMESPACES * LOAD_DEPLOYMENTS;
    for i in 0..LOAD_NAMESPACES {
        let ns = format!("load-{}", i + 1);
        sim.create_internal(
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
            "agentdeck-sim",
        )?;
        for j in 0..LOAD_DEPLOYMENTS {
            let idx = i * LOAD_DEPLOYMENTS + j;
            let replicas = n / total + usize::from(idx < n % total);
            let name = format!("worker-{}", j + 1);
            sim.create_internal(
                json!({
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
                    "spec": {
                        "replicas": replicas,
                        "selector": {"matchLabels": {"app": name}},
                        "template": {
                            "metadata": {"labels": {"app": name}},
                            "spec": {"containers": [{
                                "name": "worker",
                                "image": "busybox:1.36",
                                "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"cpu": "100m", "memory": "64Mi"}},
                            }]},
                        },
                    },
                }),
                "agentdeck-sim",
            )?;
        }
    }
    Ok(())
}
