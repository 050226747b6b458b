//! Watchers (reflectors) for the namespace's Deployments, ReplicaSets, Pods, HPAs and Events;
//! every change (coalesced) becomes a fresh ClusterSnapshot on the channel. No polling of
//! objects. Dead networks are noticed: the server ends every watch after
//! `WATCH_TIMEOUT_SECS` (a watch silent for longer is dead and is restarted), and a probe of
//! `/version` every `PROBE_EVERY` reports a server that stopped answering at once (the
//! header says stale) and, when it answers again, restarts the watchers on fresh lists.
//! Dropping the Watch stops everything (context or namespace switch).

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{Event, Pod};
use kube::Api;
use kube::runtime::reflector::{self, Store};
use kube::runtime::{WatchStreamExt, watcher};
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;

use super::connect::Connection;
use super::model::ClusterSnapshot;
use super::snapshot::{self, Objects};
use crate::config::StackConfig;

/// What the watchers report.
#[derive(Debug, Clone, PartialEq)]
pub enum ClusterEvent {
    Snapshot(Box<ClusterSnapshot>),
    /// A watch failed; it is retried with backoff. The last snapshot is now stale.
    Error(String),
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

fn drive<K>(
    api: Api<K>,
    kind: &'static str,
    notify: Arc<Notify>,
    tx: mpsc::Sender<ClusterEvent>,
) -> (Store<K>, JoinHandle<()>)
where
    K: kube::Resource<DynamicType = ()>
        + Clone
        + std::fmt::Debug
        + serde::de::DeserializeOwned
        + Send
        + Sync
        + 'static,
{
    let (reader, writer) = reflector::store::<K>();
    let stream = watcher(api, watcher::Config::default().timeout(WATCH_TIMEOUT_SECS))
        .default_backoff()
        .reflect(writer);
    let task = tokio::spawn(async move {
        let mut stream = std::pin::pin!(stream);
        while let Some(item) = stream.next().await {
            match item {
                Ok(_) => notify.notify_one(),
                Err(e) => {
                    tracing::warn!(kind, error = %e, "watch failed; retrying with backoff");
                    if tx
                        .send(ClusterEvent::Error(format!(
                            "watching {kind}: {}",
                            super::explain::explain_watch(&e)
                        )))
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
            }
        }
    });
    (reader, task)
}

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

/// The five watchers and the snapshot builder.
fn start(conn: &Connection, stack: &StackConfig, tx: mpsc::Sender<ClusterEvent>) -> Watch {
    let stack = stack.clone();
    let ns = conn.namespace.clone();
    let c = conn.client.clone();
    let notify = Arc::new(Notify::new());
    let (deploys, t1) = drive(
        Api::<Deployment>::namespaced(c.clone(), &ns),
        "deployments",
        notify.clone(),
        tx.clone(),
    );
    let (rss, t2) = drive(
        Api::<ReplicaSet>::namespaced(c.clone(), &ns),
        "replicasets",
        notify.clone(),
        tx.clone(),
    );
    let (pods, t3) = drive(
        Api::<Pod>::namespaced(c.clone(), &ns),
        "pods",
        notify.clone(),
        tx.clone(),
    );
    let (hpas, t4) = drive(
        Api::<HorizontalPodAutoscaler>::namespaced(c.clone(), &ns),
        "horizontalpodautoscalers",
        notify.clone(),
        tx.clone(),
    );
    let (events, t5) = drive(
        Api::<Event>::namespaced(c, &ns),
        "events",
        notify.clone(),
        tx.clone(),
    );
    let context = conn.context.clone();
    let builder = tokio::spawn(async move {
        let _ = deploys.wait_until_ready().await;
        let _ = rss.wait_until_ready().await;
        let _ = pods.wait_until_ready().await;
        let _ = hpas.wait_until_ready().await;
        let _ = events.wait_until_ready().await;
        loop {
            let d = deploys.state();
            let r = rss.state();
            let p = pods.state();
            let h = hpas.state();
            let e = events.state();
            let objects = Objects {
                deployments: d.iter().map(|x| x.as_ref()).collect(),
                replicasets: r.iter().map(|x| x.as_ref()).collect(),
                pods: p.iter().map(|x| x.as_ref()).collect(),
                hpas: h.iter().map(|x| x.as_ref()).collect(),
                events: e.iter().map(|x| x.as_ref()).collect(),
            };
            let snap = snapshot::build(&context, &ns, &objects, &stack);
            if tx
                .send(ClusterEvent::Snapshot(Box::new(snap)))
                .await
                .is_err()
            {
                return;
            }
            notify.notified().await;
            tokio::time::sleep(COALESCE).await;
        }
    });
    Watch {
        tasks: vec![t1, t2, t3, t4, t5, builder],
    }
}
