//! Simulated nodes: capacity, allocatable, a pod CIDR each, Ready.

use serde_json::json;

use crate::{Sim, admission, resources};

pub const PODS_PER_NODE: usize = 110;

/// Enough nodes for `pods` pods (at most ~100 each), at least three.
pub fn node_count(pods: usize) -> usize {
    pods.div_ceil(100).max(3)
}

pub fn node_name(i: usize) -> String {
    format!("sim-node-{}", i + 1)
}

pub fn create_nodes(sim: &Sim, n: usize) -> Result<(), String> {
    let now = sim.clock.now_str();
    for i in 0..n {
        let name = node_name(i);
        let ip = format!("192.168.{}.{}", 10 + i / 250, i % 250 + 10);
        let node = json!({
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {
                "name": name,
                "labels": {
                    "kubernetes.io/hostname": name,
                    "kubernetes.io/os": "linux",
                    "kubernetes.io/arch": "amd64",
                    "node.kubernetes.io/instance-type": "sim.large",
                    "topology.kubernetes.io/zone": format!("sim-zone-{}", (i % 3) + 1),
                },
            },
            "spec": {"podCIDR": format!("10.244.{i}.0/24"), "podCIDRs": [format!("10.244.{i}.0/24")]},
            "status": {
                "capacity": {"cpu": "8", "memory": "32Gi", "pods": PODS_PER_NODE.to_string(), "ephemeral-storage": "100Gi"},
                "allocatable": {"cpu": "7800m", "memory": "31Gi", "pods": PODS_PER_NODE.to_string(), "ephemeral-storage": "95Gi"},
                "conditions": [
                    {"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory", "message": "kubelet has sufficient memory available", "lastHeartbeatTime": now, "lastTransitionTime": now},
                    {"type": "DiskPressure", "status": "False", "reason": "KubeletHasNoDiskPressure", "message": "kubelet has no disk pressure", "lastHeartbeatTime": now, "lastTransitionTime": now},
                    {"type": "PIDPressure", "status": "False", "reason": "KubeletHasSufficientPID", "message": "kubelet has sufficient PID available", "lastHeartbeatTime": now, "lastTransitionTime": now},
                    {"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status", "lastHeartbeatTime": now, "lastTransitionTime": now},
                ],
                "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
                "nodeInfo": {
                    "kubeletVersion": resources::GIT_VERSION,
                    "kubeProxyVersion": resources::GIT_VERSION,
                    "containerRuntimeVersion": "containerd://1.7.24",
                    "osImage": "agentdeck simulated node",
                    "kernelVersion": "6.1.0-sim",
                    "operatingSystem": "linux",
                    "architecture": "amd64",
                    "machineID": format!("{:032x}", i),
                    "systemUUID": format!("{:032x}", i + 1000),
                    "bootID": format!("{:032x}", i + 2000),
                },
            },
        });
        admission::create_internal(sim, node, "kubelet")?;
    }
    Ok(())
}
