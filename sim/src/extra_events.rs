//! `--extra-events N`: N core/v1 Events in ai-agents at start, for memory tests of clients —
//! a realistic mix of the pod lifecycle (Normal Scheduled from the scheduler in the
//! events.k8s.io style with eventTime, Pulled, Created, Started from the kubelet) and
//! Warnings (BackOff with a count and a series, Unhealthy with a count), over the last
//! 50 minutes (inside the one-hour event TTL). Written straight into the store, so
//! 20,000 take well under a second.

use serde_json::{Value, json};

use crate::resources::keys;
use crate::{Sim, admission, meta};

const NS: &str = "ai-agents";

/// A MicroTime (eventTime) `secs` before now.
fn micro_time(sim: &Sim, secs: f64) -> String {
    let t = sim.clock.now() - jiff::SignedDuration::from_secs_f64(secs);
    t.strftime("%Y-%m-%dT%H:%M:%S.%6fZ").to_string()
}

fn time(sim: &Sim, secs: f64) -> String {
    meta::fmt_time(sim.clock.now() - jiff::SignedDuration::from_secs_f64(secs))
}

/// The `i`th kind of event in the mix: its type, reason, message and component.
fn mix(i: usize, pod: &str, node: &str) -> (&'static str, &'static str, String, &'static str) {
    match i % 8 {
        0 => (
            "Normal",
            "Scheduled",
            format!("Successfully assigned {NS}/{pod} to {node}"),
            "default-scheduler",
        ),
        1 => (
            "Normal",
            "Pulled",
            "Container image \"ghcr.io/holysheep/ai-agent:1.4.2\" already present on machine"
                .to_string(),
            "kubelet",
        ),
        2 => (
            "Normal",
            "Created",
            "Created container: agent".to_string(),
            "kubelet",
        ),
        3 => (
            "Normal",
            "Started",
            "Started container agent".to_string(),
            "kubelet",
        ),
        4 | 6 => (
            "Warning",
            "Unhealthy",
            "Readiness probe failed: HTTP probe failed with statuscode: 503".to_string(),
            "kubelet",
        ),
        _ => (
            "Warning",
            "BackOff",
            "Back-off restarting failed container agent in pod ".to_string() + pod + "_" + NS,
            "kubelet",
        ),
    }
}

/// One event of pod `pod` (the `i`th event overall) in the mix.
fn event(sim: &Sim, i: usize, pod: &str, node: &str) -> Value {
    let ago = 60.0 + (sim.rng.unit() * 2940.0);
    let (kind, reason, message, component) = mix(i, pod, node);
    let count = match reason {
        "BackOff" => 5 + (sim.rng.next_u64() % 60) as i64,
        "Unhealthy" => 1 + (sim.rng.next_u64() % 20) as i64,
        _ => 1,
    };
    let mut ev = json!({
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {
            "name": format!("{pod}.{:016x}", sim.rng.next_u64()),
            "namespace": NS,
            "uid": sim.rng.uuid(),
            "creationTimestamp": time(sim, ago + 30.0 * count as f64),
        },
        "involvedObject": {"kind": "Pod", "namespace": NS, "name": pod, "apiVersion": "v1",
            "fieldPath": "spec.containers{agent}"},
        "reason": reason,
        "message": message,
        "type": kind,
        "source": {"component": component, "host": node},
        "reportingComponent": component,
        "reportingInstance": node,
    });
    if reason == "Scheduled" {
        // The scheduler records through events.k8s.io: eventTime and action, no counts.
        ev["source"] = json!({});
        ev["reportingInstance"] = json!(format!("default-scheduler-{node}"));
        ev["eventTime"] = json!(micro_time(sim, ago));
        ev["action"] = json!("Binding");
        ev["firstTimestamp"] = Value::Null;
        ev["lastTimestamp"] = Value::Null;
        ev["involvedObject"]
            .as_object_mut()
            .map(|o| o.remove("fieldPath"));
        return ev;
    }
    ev["firstTimestamp"] = json!(time(sim, ago + 30.0 * count as f64));
    ev["lastTimestamp"] = json!(time(sim, ago));
    ev["count"] = json!(count);
    ev["eventTime"] = Value::Null;
    if reason == "BackOff" {
        ev["series"] = json!({"count": count, "lastObservedTime": micro_time(sim, ago)});
    }
    ev
}

/// Create `n` events in ai-agents (and the namespace, if it is missing).
pub fn create(sim: &Sim, n: usize) -> Result<(), String> {
    if n == 0 {
        return Ok(());
    }
    if sim.store.get(keys::NAMESPACES, "", NS).is_none() {
        admission::create_internal(
            sim,
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}}),
            "agentdeck-sim",
        )?;
    }
    let (nodes, _) = sim.store.list(keys::NODES, None);
    let node_names: Vec<String> = nodes.iter().map(|n| meta::name(n).to_string()).collect();
    let mut pod = String::new();
    for i in 0..n {
        if i % 8 == 0 {
            pod = format!(
                "ai-agent-service-{}-{}",
                sim.rng.suffix(10),
                sim.rng.suffix(5)
            );
        }
        let node = node_names
            .get((i / 8) % node_names.len().max(1))
            .map_or("sim-node-1", String::as_str);
        sim.store
            .create(keys::EVENTS, event(sim, i, &pod, node))
            .map_err(|e| format!("creating an extra event: {e:?}"))?;
    }
    Ok(())
}

#[cfg(test)]
#[path = "extra_events_tests.rs"]
mod tests;
