//! Deployments brought up at once, as a restored running cluster has them: each with its
//! ReplicaSet and its pods already scheduled, Running and Ready, the statuses filled and
//! the events the controllers would have recorded. The objects are the ones the
//! controllers make (built by the same functions), but each kind of object is built and
//! encoded once per ReplicaSet: the pods and their events are that JSON with the names,
//! uids, nodes, IPs and resourceVersions filled in, inserted in one store batch.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

use bytes::Bytes;
use serde_json::{Value, json};

use super::pod_status::{containers, request};
use super::scheduler::{self, Node, NodeUse};
use super::{State, deployment, events, kubelet, pods, replicaset};
use crate::resources::keys;
use crate::store::ObjKey;
use crate::{Sim, admission, meta};

/// The parts of a template filled in per object (their index in [`Template::fill`]).
const NAME: usize = 0;
const UID: usize = 1;
const RV: usize = 2;
const NODE: usize = 3;
const HOST_IP: usize = 4;
const POD_IP: usize = 5;
const EV_NAME: usize = 6;
const EV_UID: usize = 7;
const EV_RV: usize = 8;

/// The placeholder of part `i` in a template object (no object has U+0001 in a string).
fn tok(i: usize) -> String {
    format!("\u{1}{i}\u{1}")
}

/// An object's JSON with placeholders, split at them.
struct Template {
    parts: Vec<Part>,
}

enum Part {
    Lit(Vec<u8>),
    Var(usize),
}

impl Template {
    fn new(obj: &Value) -> Self {
        let s = serde_json::to_string(obj).unwrap_or_default();
        // serde_json writes U+0001 as this escape.
        const MARK: &str = "\\u0001";
        let mut parts = Vec::new();
        let mut rest = s.as_str();
        while let Some(at) = rest.find(MARK) {
            let after = &rest[at + MARK.len()..];
            let Some(end) = after.find(MARK) else { break };
            let Ok(i) = after[..end].parse() else { break };
            parts.push(Part::Lit(rest.as_bytes()[..at].to_vec()));
            parts.push(Part::Var(i));
            rest = &after[end + MARK.len()..];
        }
        parts.push(Part::Lit(rest.as_bytes().to_vec()));
        Template { parts }
    }

    /// The JSON with part `i` replaced by `vars[i]` (plain text that JSON strings hold
    /// as is: names, uids, IPs, numbers).
    fn fill(&self, vars: &[&str]) -> Bytes {
        fn part<'a>(p: &'a Part, vars: &[&'a str]) -> &'a [u8] {
            match p {
                Part::Lit(b) => b.as_slice(),
                Part::Var(i) => vars[*i].as_bytes(),
            }
        }
        let len = self.parts.iter().map(|p| part(p, vars).len()).sum();
        let mut out = Vec::with_capacity(len);
        for p in &self.parts {
            out.extend_from_slice(part(p, vars));
        }
        Bytes::from(out)
    }
}

/// The scheduler's choice for a run of pods of one size: the least loaded node they fit
/// on, ties by name (the nodes are in name order).
struct Placer {
    nodes: Vec<Node>,
    used: Vec<NodeUse>,
    heap: BinaryHeap<Reverse<(usize, usize)>>,
}

impl Placer {
    fn new(sim: &Sim, st: &mut State) -> Self {
        let nodes = scheduler::nodes_of(&sim.store.list(keys::NODES, None).0);
        let used = scheduler::node_use(&st.pod_cache.list(sim), &nodes);
        Placer {
            nodes,
            used,
            heap: BinaryHeap::new(),
        }
    }

    /// Start placing pods of another size.
    fn reset(&mut self) {
        self.heap = (0..self.nodes.len())
            .map(|i| Reverse((self.used[i].pods, i)))
            .collect();
    }

    fn place(&mut self, want: (f64, f64)) -> Option<usize> {
        while let Some(Reverse((_, i))) = self.heap.pop() {
            // A node too full for this pod stays so for the next ones of its size.
            if scheduler::misfit(want, &self.nodes[i], &self.used[i]).is_some() {
                continue;
            }
            let u = &mut self.used[i];
            u.pods += 1;
            u.cpu += want.0;
            u.memory += want.1;
            self.heap.push(Reverse((u.pods, i)));
            return Some(i);
        }
        None
    }
}

/// Bring up `deployments` (created, with no ReplicaSet yet) with all their pods running
/// and ready. Pods that no node has room for are left to the ReplicaSet controller.
pub fn start_deployments(sim: &Sim, deployments: &[Arc<Value>]) -> Result<(), String> {
    let mut st = State::default();
    let mut placer = Placer::new(sim, &mut st);
    for d in deployments {
        start_one(sim, &mut st, &mut placer, d)?;
    }
    Ok(())
}

fn start_one(sim: &Sim, st: &mut State, placer: &mut Placer, d: &Value) -> Result<(), String> {
    let (ns, name) = (meta::namespace(d), meta::name(d));
    let want = deployment::replicas(d).max(0);
    let hash = deployment::template_hash(meta::ptr(d, "/spec/template").unwrap_or(&Value::Null));
    let rs = deployment::create_rs(sim, st, d, &hash, 1, want)
        .ok_or_else(|| format!("deployment {ns}/{name}: its replica set was not created"))?;
    super::revisions::sync_revision(sim, d, 1);
    let n = create_pods(sim, st, placer, &rs, want as usize)?;
    let min_ready = meta::ptr(&rs, "/spec/minReadySeconds").and_then(Value::as_f64);
    let avail = if min_ready.unwrap_or(0.0) > 0.0 { 0 } else { n };
    let status = replicaset::status_of(&rs, n, n, avail);
    let rs = sim
        .store
        .update_with(keys::REPLICASETS, ns, meta::name(&rs), |o| {
            o["status"] = status.clone();
            true
        })
        .ok_or_else(|| format!("replica set of {ns}/{name} gone"))?;
    let d = sim
        .store
        .get(keys::DEPLOYMENTS, ns, name)
        .ok_or_else(|| format!("deployment {ns}/{name} gone"))?;
    deployment::write_status(
        sim,
        st,
        &d,
        Some(&rs),
        std::slice::from_ref(&rs),
        false,
        false,
    );
    Ok(())
}

/// A pod of the bulk.
struct BulkPod {
    name: String,
    uid: String,
    node: usize,
    ip: String,
}

/// `want` pods of ReplicaSet `rs` (as many as fit), running and ready, with their events
/// and the ReplicaSet's SuccessfulCreate events. Returns how many.
fn create_pods(
    sim: &Sim,
    st: &mut State,
    placer: &mut Placer,
    rs: &Value,
    want: usize,
) -> Result<usize, String> {
    if want == 0 {
        return Ok(0);
    }
    let (pod_tpl, pod) = pod_template(sim, rs)?;
    let size = (request(&pod, "cpu"), request(&pod, "memory"));
    placer.reset();
    let mut made = Vec::with_capacity(want);
    while made.len() < want {
        let Some(node) = placer.place(size) else {
            break;
        };
        made.push(BulkPod {
            name: format!("{}-{}", meta::name(rs), sim.rng.suffix(5)),
            uid: sim.rng.uuid(),
            ip: pods::pod_ip(st, &placer.nodes[node].name),
            node,
        });
    }
    let ns = meta::namespace(rs);
    let names: Vec<ObjKey> = made
        .iter()
        .map(|p| (ns.to_string(), p.name.clone()))
        .collect();
    let nodes = &placer.nodes;
    let fill = |tpl: &Template, p: &BulkPod, rv: u64, ev: [&str; 3]| {
        let n = &nodes[p.node];
        let rv = rv.to_string();
        tpl.fill(&[
            &p.name, &p.uid, &rv, &n.name, &n.host_ip, &p.ip, ev[0], ev[1], ev[2],
        ])
    };
    let first = sim
        .store
        .create_batch(keys::PODS, &names, |i, rv| {
            fill(&pod_tpl, &made[i], rv, ["", "", ""])
        })
        .map_err(|e| format!("pods of {ns}/{}: {e:?}", meta::name(rs)))?;
    let ev_tpls = event_templates(sim, &pod)?;
    let k = ev_tpls.len();
    let (mut ev_names, mut ev_uids) = (Vec::new(), Vec::new());
    for p in &made {
        for _ in 0..k {
            let name = format!("{}.{:016x}", p.name, sim.rng.next_u64());
            ev_names.push((ns.to_string(), name));
            ev_uids.push(sim.rng.uuid());
        }
    }
    sim.store
        .create_batch(keys::EVENTS, &ev_names, |j, rv| {
            let pod_rv = first + (j / k) as u64;
            let ev_rv = rv.to_string();
            let ev = [ev_names[j].1.as_str(), ev_uids[j].as_str(), ev_rv.as_str()];
            fill(&ev_tpls[j % k], &made[j / k], pod_rv, ev)
        })
        .map_err(|e| format!("events of {ns}/{}: {e:?}", meta::name(rs)))?;
    let msgs: Vec<String> = made
        .iter()
        .map(|p| format!("Created pod: {}", p.name))
        .collect();
    st.events
        .record_all(sim, rs, "SuccessfulCreate", &msgs, "replicaset-controller");
    Ok(made.len())
}

/// A pod of `rs` as the controllers leave it once it runs and is ready (created from the
/// template, bound, started, probed ready), with placeholders; and that object.
fn pod_template(sim: &Sim, rs: &Value) -> Result<(Template, Value), String> {
    let first = replicaset::pod_from_template(rs, &format!("{}-bulk", meta::name(rs)));
    let (_, mut pod) = admission::prepare_internal(sim, first, "kube-controller-manager")?;
    let md = meta::metadata_mut(&mut pod);
    md.insert("name".into(), json!(tok(NAME)));
    md.insert("uid".into(), json!(tok(UID)));
    md.insert("resourceVersion".into(), json!(tok(RV)));
    let now = sim.clock.now_str();
    scheduler::set_bound(&mut pod, &tok(NODE), &tok(HOST_IP), &now);
    let cs = containers(&pod);
    pods::set_running(&mut pod, &tok(POD_IP), &now, &cs);
    kubelet::set_ready(&mut pod, &now);
    Ok((Template::new(&pod), pod))
}

/// The events about a pod (the placeholders' `pod`) from its scheduling to its start:
/// Scheduled, then Pulled, Created and Started per container.
fn event_templates(sim: &Sim, pod: &Value) -> Result<Vec<Template>, String> {
    let ns = meta::namespace(pod);
    let mut evs = vec![(
        "Scheduled",
        format!("Successfully assigned {ns}/{} to {}", tok(NAME), tok(NODE)),
        "default-scheduler",
    )];
    for (c, image) in containers(pod) {
        evs.push((
            "Pulled",
            format!("Container image \"{image}\" already present on machine"),
            "kubelet",
        ));
        evs.push(("Created", format!("Created container {c}"), "kubelet"));
        evs.push(("Started", format!("Started container {c}"), "kubelet"));
    }
    let now = sim.clock.now_str();
    evs.into_iter()
        .map(|(reason, msg, component)| {
            let ev = events::event_object(pod, "bulk", false, reason, &msg, component, &now);
            let (_, mut ev) = admission::prepare_internal(sim, ev, component)?;
            let md = meta::metadata_mut(&mut ev);
            md.insert("name".into(), json!(tok(EV_NAME)));
            md.insert("uid".into(), json!(tok(EV_UID)));
            md.insert("resourceVersion".into(), json!(tok(EV_RV)));
            Ok(Template::new(&ev))
        })
        .collect()
}

#[cfg(test)]
#[path = "bulk_tests.rs"]
mod tests;
