//! The namespace's pods, watched into a [`PodIndex`] of compact projections: each pod is
//! projected as it is decoded and the object dropped, so memory grows with the pods watched
//! (a few hundred bytes each), not with their specs. A relist is gathered apart and swapped
//! in when complete, like a reflector's.

use std::sync::{Arc, Mutex, MutexGuard};

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, ResourceExt};
use tokio::task::JoinHandle;

use super::WATCH_TIMEOUT_SECS;
use super::kinds::{Health, reason};
use crate::cluster::snapshot::pod_index::{PodEntry, PodIndex, owner};

/// The pods, shared by their watcher and the snapshot builder.
#[derive(Clone, Default)]
pub struct Pods(Arc<Mutex<PodIndex>>);

impl Pods {
    pub fn lock(&self) -> MutexGuard<'_, PodIndex> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub fn spawn(api: Api<Pod>, ns: String, health: Health) -> (Pods, JoinHandle<()>) {
    let pods = Pods::default();
    let kept = pods.clone();
    let task = tokio::spawn(async move {
        let stream =
            watcher(api, watcher::Config::default().timeout(WATCH_TIMEOUT_SECS)).default_backoff();
        let mut stream = std::pin::pin!(stream);
        let mut relist: Option<PodIndex> = None;
        while let Some(item) = stream.next().await {
            match item {
                Ok(watcher::Event::Init) => relist = Some(PodIndex::default()),
                Ok(watcher::Event::InitApply(p)) => {
                    if let Some(index) = relist.as_mut() {
                        index.apply(PodEntry::from_pod(&p));
                    }
                }
                Ok(watcher::Event::InitDone) => {
                    if let Some(index) = relist.take() {
                        *kept.lock() = index;
                    }
                    health.ok("pods");
                }
                Ok(watcher::Event::Apply(p)) => {
                    let entry = PodEntry::from_pod(&p);
                    drop(p);
                    kept.lock().apply(entry);
                    health.ok("pods");
                }
                Ok(watcher::Event::Delete(p)) => {
                    kept.lock().delete(&owner(&p), &p.name_any());
                    health.ok("pods");
                }
                Err(e) => {
                    tracing::warn!(kind = "pods", error = %e, "watch failed; retrying with backoff");
                    health.failed("pods", reason("pods", &ns, &e));
                }
            }
        }
    });
    (pods, task)
}
