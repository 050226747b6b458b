//! The pods as the controllers see them: a small summary of each (what decides whether a
//! controller has anything to do with it), kept between passes and read again only for
//! the pods whose stored JSON changed; the whole object is decoded on first use only. A
//! pass over a cluster at rest reads summaries, so it costs next to nothing.
//!
//! What is kept between passes holds no allocation of its own per pod (a summary is plain
//! data with interned owner and node names, found by the address of the stored JSON it
//! was read from): small allocations kept per pod would pin the heap pages that the
//! busy phase's garbage is freed from, and a cluster at rest would keep its peak size.

use std::collections::HashMap;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;

use crate::Sim;
use crate::meta;
use crate::resources::keys;

/// What the controllers read of every pod on every pass.
#[derive(Debug, Default)]
pub struct PodSum {
    pub namespace: String,
    pub name: String,
    pub deleting: bool,
    /// The controller owner's uid.
    pub owner: Option<Arc<str>>,
    pub node: Option<Arc<str>>,
    pub phase: &'static str,
    /// Condition Ready is True.
    pub ready: bool,
    /// The first container waits (CrashLoopBackOff, CreateContainerConfigError, …).
    pub waiting: bool,
    /// Summed CPU (cores) and memory (bytes) requests of the containers.
    pub cpu: f64,
    pub memory: f64,
    /// When PodScheduled last changed, and when the first container started running.
    pub scheduled_at: Option<jiff::Timestamp>,
    pub started_at: Option<jiff::Timestamp>,
    /// Seconds from start to the first readiness (the first container's initial delay
    /// added to the kubelet's own).
    pub ready_delay: f64,
    /// A container's configuration the agent refuses at start ([`super::kubelet::bad_config`]).
    pub bad_config: bool,
}

/// One pod: its summary, and the whole object decoded on demand (`Deref` to it).
pub struct Pod {
    raw: Bytes,
    pub sum: PodSum,
    full: OnceLock<Arc<Value>>,
}

impl Pod {
    fn new(raw: Bytes, sum: PodSum) -> Self {
        Pod {
            raw,
            sum,
            full: OnceLock::new(),
        }
    }

    /// The whole pod (without managedFields), decoded on first use.
    pub fn value(&self) -> &Arc<Value> {
        self.full
            .get_or_init(|| Arc::new(super::decoded::slim(&self.raw)))
    }

    /// Running, ready, no container waiting, not deleting: nothing for the kubelet to do
    /// (unless memory use is pinned).
    pub fn steady(&self) -> bool {
        let s = &self.sum;
        !s.deleting && s.node.is_some() && s.phase == "Running" && s.ready && !s.waiting
    }
}

impl Deref for Pod {
    type Target = Value;
    fn deref(&self) -> &Value {
        self.value()
    }
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawPod {
    metadata: RawMeta,
    spec: RawSpec,
    status: RawStatus,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawMeta {
    deletion_timestamp: Option<IgnoredAny>,
    owner_references: Vec<RawOwner>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawOwner {
    uid: String,
    controller: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawSpec {
    node_name: Option<String>,
    containers: Vec<RawContainer>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawContainer {
    resources: RawResources,
    #[serde(rename = "readinessProbe")]
    readiness_probe: Option<RawProbe>,
    env: Vec<RawEnv>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawProbe {
    initial_delay_seconds: Option<f64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawEnv {
    name: String,
    value: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawResources {
    requests: HashMap<String, Value>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawStatus {
    phase: String,
    conditions: Vec<RawCondition>,
    container_statuses: Vec<RawContainerStatus>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawCondition {
    #[serde(rename = "type")]
    kind: String,
    status: String,
    last_transition_time: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawContainerStatus {
    state: RawState,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawState {
    waiting: Option<IgnoredAny>,
    running: Option<RawRunning>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawRunning {
    started_at: Option<String>,
}

/// A summary as kept between passes: plain data.
#[derive(Clone, Copy)]
struct Kept {
    deleting: bool,
    owner: Option<u32>,
    node: Option<u32>,
    phase: &'static str,
    ready: bool,
    waiting: bool,
    cpu: f64,
    memory: f64,
    scheduled_at: Option<jiff::Timestamp>,
    started_at: Option<jiff::Timestamp>,
    ready_delay: f64,
    bad_config: bool,
}

const PHASES: [&str; 5] = ["Pending", "Running", "Succeeded", "Failed", "Unknown"];

/// Owner uids and node names, each stored once.
#[derive(Default)]
struct Interned {
    ids: HashMap<Arc<str>, u32>,
    names: Vec<Arc<str>>,
}

impl Interned {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let a: Arc<str> = Arc::from(s);
        let i = self.names.len() as u32;
        self.names.push(a.clone());
        self.ids.insert(a, i);
        i
    }

    fn get(&self, i: Option<u32>) -> Option<Arc<str>> {
        i.map(|i| self.names[i as usize].clone())
    }
}

/// A pod's summary from its stored JSON.
fn summarize(raw: &[u8], interned: &mut Interned) -> Kept {
    let p: RawPod = serde_json::from_slice(raw).unwrap_or_default();
    let req = |r: &str| -> f64 {
        p.spec
            .containers
            .iter()
            .filter_map(|c| c.resources.requests.get(r))
            .filter_map(meta::parse_quantity)
            .sum()
    };
    let owner = p
        .metadata
        .owner_references
        .iter()
        .find(|o| o.controller == Some(true));
    let first = p.status.container_statuses.first();
    let time = |t: Option<&String>| t.and_then(|t| meta::parse_time(t));
    Kept {
        scheduled_at: time(
            p.status
                .conditions
                .iter()
                .find(|c| c.kind == "PodScheduled")
                .and_then(|c| c.last_transition_time.as_ref()),
        ),
        started_at: time(
            first
                .and_then(|c| c.state.running.as_ref())
                .and_then(|r| r.started_at.as_ref()),
        ),
        ready_delay: super::kubelet::READY_SECS
            + p.spec
                .containers
                .first()
                .and_then(|c| c.readiness_probe.as_ref())
                .and_then(|r| r.initial_delay_seconds)
                .unwrap_or(0.0),
        bad_config: p
            .spec
            .containers
            .iter()
            .flat_map(|c| &c.env)
            .filter(|e| e.name == super::kubelet::BASE_URL_ENV)
            .filter_map(|e| e.value.as_deref())
            .any(|v| !super::kubelet::valid_base_url(v)),
        deleting: p.metadata.deletion_timestamp.is_some(),
        owner: owner.map(|o| interned.id(&o.uid)),
        node: p.spec.node_name.as_deref().map(|n| interned.id(n)),
        phase: PHASES
            .iter()
            .find(|ph| **ph == p.status.phase)
            .copied()
            .unwrap_or(""),
        ready: p
            .status
            .conditions
            .iter()
            .any(|c| c.kind == "Ready" && c.status == "True"),
        waiting: first.is_some_and(|c| c.state.waiting.is_some()),
        cpu: req("cpu"),
        memory: req("memory"),
    }
}

/// The summaries of the last pass, by the address of the stored JSON they were read
/// from (an unchanged pod is the same bytes; holding them keeps the address unique).
#[derive(Default)]
pub struct PodCache {
    kept: HashMap<usize, (Bytes, Kept)>,
    interned: Interned,
}

impl PodCache {
    /// Every pod: the unchanged ones' summaries as they were, the changed ones read again.
    pub fn list(&mut self, sim: &Sim) -> Vec<Arc<Pod>> {
        let (raw, _) = sim.store.list_raw(keys::PODS, None);
        let mut old = std::mem::take(&mut self.kept);
        self.kept.reserve(raw.len());
        let mut out = Vec::with_capacity(raw.len());
        for ((namespace, name), b) in raw {
            let addr = b.as_ptr() as usize;
            let k = match old.remove(&addr) {
                Some((ob, k)) if ob.len() == b.len() => k,
                _ => summarize(&b, &mut self.interned),
            };
            self.kept.insert(addr, (b.clone(), k));
            let sum = PodSum {
                namespace,
                name,
                deleting: k.deleting,
                owner: self.interned.get(k.owner),
                node: self.interned.get(k.node),
                phase: k.phase,
                ready: k.ready,
                waiting: k.waiting,
                cpu: k.cpu,
                memory: k.memory,
                scheduled_at: k.scheduled_at,
                started_at: k.started_at,
                ready_delay: k.ready_delay,
                bad_config: k.bad_config,
            };
            out.push(Arc::new(Pod::new(b, sum)));
        }
        if self.interned.names.len() > 4 * self.kept.len() + 1024 {
            // Owners and nodes come and go: start the table afresh now and then.
            self.interned = Interned::default();
            self.kept.clear();
        }
        out
    }
}
