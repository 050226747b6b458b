//! Watchers (reflectors) for the namespace's Deployments, ReplicaSets, Pods and HPAs, and a
//! bounded Events watcher; every change (coalesced) becomes a fresh ClusterSnapshot on the
//! channel. No polling of objects. Each kind is on its own: the first snapshot comes as soon
//! as the Deployments are listed (or known unreadable), and a kind that is forbidden, not
//! served or failing is marked in the snapshot (`kinds`) while the rest keeps updating.
//! Dead networks are noticed: the server ends every watch after `WATCH_TIMEOUT_SECS` (a
//! watch silent for longer is dead and is restarted), and a probe of `/version` every
//! `PROBE_EVERY` reports a server that stopped answering (the header says stale) and, when
//! it answers again, restarts the watchers on fresh lists. Dropping the Watch stops
//! everything (context or namespace switch).

mod events;
mod kinds;
mod pods;
mod resource_metrics;

use std::time::Duration;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::networking::v1::NetworkPolicy;
use kube::Api;
use kube::runtime::reflector::Store;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use self::kinds::{Health, drive};
use super::connect::Connection;
use super::model::{ClusterSnapshot, Readable};
use super::snapshot::{self, Objects};
use crate::config::StackConfig;

pub use events::KEEP as EVENTS_KEPT;

/// What the watchers report.
#[derive(Debug, Clone, PartialEq)]
pub enum ClusterEvent {
    Snapshot(Box<ClusterSnapshot>),
    /// The API server does not answer (or refuses us): everything shown is stale.
    Error(String),
    /// It answers again; the watchers start anew.
    Recovered,
}

/// Running watchers; dropping this aborts them.
pub struct Watch {
    tasks: Vec<JoinHandle<()>>,
}

/// How long the server may keep one watch open; the client gives up on a watch that said
/// nothing for this plus a few seconds (kube-runtime's idle timeout).
pub const WATCH_TIMEOUT_SECS: u32 = 20;
/// How often the API server's liveness is probed, and how long a probe may take.
pub const PROBE_EVERY: Duration = Duration::from_secs(10);

impl Drop for Watch {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// How long to merge a burst of changes before building a snapshot.
const COALESCE: Duration = Duration::from_millis(150);

/// Start watching `conn`'s namespace; snapshots and errors go to `tx`. `stack` names the
/// runbook's objects in hints.
pub fn spawn(conn: &Connection, stack: &StackConfig, tx: mpsc::Sender<ClusterEvent>) -> Watch {
    let (conn, stack) = (conn.clone(), stack.clone());
    let supervisor = tokio::spawn(async move {
        loop {
            let watchers = start(&conn, &stack, tx.clone());
            if !until_recovered(&conn, &tx).await {
                return;
            }
            tracing::info!(server = %conn.server, "the API server answers again: watching anew");
            drop(watchers);
            if tx.send(ClusterEvent::Recovered).await.is_err() {
                return;
            }
        }
    });
    Watch {
        tasks: vec![supervisor],
    }
}

/// Probe the server until it failed and then answered again (true), or the receiver is
/// gone (false). Each failure is reported, so the header turns stale within a probe.
async fn until_recovered(conn: &Connection, tx: &mpsc::Sender<ClusterEvent>) -> bool {
    let mut failing = false;
    loop {
        tokio::time::sleep(PROBE_EVERY).await;
        match probe(&conn.client).await {
            Ok(()) if failing => return true,
            Ok(()) => {}
            Err(why) => {
                tracing::warn!(server = %conn.server, "{why}");
                failing = true;
                if tx.send(ClusterEvent::Error(why)).await.is_err() {
                    return false;
                }
            }
        }
    }
}

/// Does the API server answer `/version` in time? A 403 or 404 is an answer.
async fn probe(client: &kube::Client) -> Result<(), String> {
    match tokio::time::timeout(PROBE_EVERY, client.apiserver_version()).await {
        Err(_) => Err(format!(
            "the API server did not answer within {}s",
            PROBE_EVERY.as_secs()
        )),
        Ok(Err(kube::Error::Api(s))) if s.code == 403 || s.code == 404 => Ok(()),
        Ok(Err(e)) => Err(super::explain::explain(&e)),
        Ok(Ok(_)) => Ok(()),
    }
}

/// The watchers and the snapshot builder.
fn start(conn: &Connection, stack: &StackConfig, tx: mpsc::Sender<ClusterEvent>) -> Watch {
    let (ns, c) = (conn.namespace.clone(), conn.client.clone());
    let health = Health::default();
    let (deploys, t1) = drive(
        Api::<Deployment>::namespaced(c.clone(), &ns),
        "deployments",
        ns.clone(),
        health.clone(),
    );
    let (sts, t6) = drive(
        Api::<StatefulSet>::namespaced(c.clone(), &ns),
        "statefulsets",
        ns.clone(),
        health.clone(),
    );
    let (rss, t2) = drive(
        Api::<ReplicaSet>::namespaced(c.clone(), &ns),
        "replicasets",
        ns.clone(),
        health.clone(),
    );
    let (pods, t3) = pods::spawn(
        Api::<Pod>::namespaced(c.clone(), &ns),
        ns.clone(),
        health.clone(),
    );
    let (hpas, t4) = drive(
        Api::<HorizontalPodAutoscaler>::namespaced(c.clone(), &ns),
        "horizontalpodautoscalers",
        ns.clone(),
        health.clone(),
    );
    let (netpols, t7) = drive(
        Api::<NetworkPolicy>::namespaced(c, &ns),
        "networkpolicies",
        ns.clone(),
        health.clone(),
    );
    let (usage, t8) = resource_metrics::spawn(conn, health.clone());
    let stores = Stores {
        deploys,
        sts,
        rss,
        pods,
        hpas,
        netpols,
        usage,
    };
    let (events, t5) = events::spawn(conn, stack, health.clone());
    let conn = conn.clone();
    let builder = tokio::spawn(async move {
        // The first snapshot waits for the Deployments only (listed, or known unreadable).
        while health.get("deployments") == Readable::Loading {
            health.changed.notified().await;
        }
        loop {
            let snap = stores.snapshot(&conn, &health, &events);
            if tx
                .send(ClusterEvent::Snapshot(Box::new(snap)))
                .await
                .is_err()
            {
                return;
            }
            health.changed.notified().await;
            tokio::time::sleep(COALESCE).await;
        }
    });
    Watch {
        tasks: vec![t1, t2, t3, t4, t5, t6, t7, t8, builder],
    }
}

/// The reflector stores of one connection (the pods as compact projections).
struct Stores {
    deploys: Store<Deployment>,
    sts: Store<StatefulSet>,
    rss: Store<ReplicaSet>,
    pods: pods::Pods,
    hpas: Store<HorizontalPodAutoscaler>,
    netpols: Store<NetworkPolicy>,
    usage: resource_metrics::Latest,
}

impl Stores {
    fn snapshot(
        &self,
        conn: &Connection,
        health: &Health,
        events: &events::Events,
    ) -> ClusterSnapshot {
        let ss = self.sts.state();
        let (d, r, h) = (self.deploys.state(), self.rss.state(), self.hpas.state());
        let objects = Objects {
            deployments: d.iter().map(|x| x.as_ref()).collect(),
            statefulsets: ss.iter().map(|x| x.as_ref()).collect(),
            replicasets: r.iter().map(|x| x.as_ref()).collect(),
            pods: Vec::new(),
            hpas: h.iter().map(|x| x.as_ref()).collect(),
            events: events.views(),
            kinds: health.all(),
            network_policies: self
                .netpols
                .state()
                .iter()
                .map(|p| crate::cluster::netpol::Policy::from_k8s(p))
                .collect(),
            resource_metrics: self.usage.get(),
        };
        let mut pods = self.pods.lock();
        let mut snap = snapshot::build_with(&conn.context, &conn.namespace, &objects, &mut pods);
        snap.reloaded = health.reloaded();
        snap.pods_listing = health.pods_listed_so_far();
        snap
    }
}
