//! The namespace's pods, watched into a [`PodIndex`] of compact projections: each pod is
//! projected as it is decoded and the object dropped, so memory grows with the pods watched
//! (a few hundred bytes each), not with their specs. A relist is gathered apart and swapped
//! in when complete, like a reflector's.

use std::sync::{Arc, Mutex, MutexGuard};

use k8s_openapi::api::core::v1::Pod;
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use tokio::task::JoinHandle;

use super::kinds::{Health, relisting};
use crate::cluster::model::Readable;
use crate::cluster::snapshot::pod_index::{PodEntry, PodIndex, owner};

/// The pods, shared by their watcher and the snapshot builder.
#[derive(Clone, Default)]
pub(super) struct Pods(Arc<Mutex<PodIndex>>);

impl Pods {
    pub(super) fn lock(&self) -> MutexGuard<'_, PodIndex> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub(super) fn spawn(api: Api<Pod>, ns: String, health: Health) -> (Pods, JoinHandle<()>) {
    let pods = Pods::default();
    let kept = pods.clone();
    let task = tokio::spawn(async move {
        let mut relist: Option<PodIndex> = None;
        let h = health.clone();
        relisting(api, "pods", &ns, &health, |ev| {
            apply(&kept, &mut relist, ev, &h);
            None
        })
        .await;
    });
    (pods, task)
}

/// One watch event into the index; a relist is gathered apart and swapped in whole.
fn apply(kept: &Pods, relist: &mut Option<PodIndex>, ev: watcher::Event<Pod>, health: &Health) {
    match ev {
        watcher::Event::Init => {
            *relist = Some(PodIndex::default());
            if health.get("pods") == Readable::Loading {
                health.pods_listing(Some(0));
            }
        }
        watcher::Event::InitApply(p) => {
            if let Some(index) = relist.as_mut() {
                index.apply(PodEntry::from_pod(&p));
                // The first list's progress, a page at a time.
                let n = index.len();
                if n % crate::cluster::list::PAGE as usize == 0
                    && health.get("pods") == Readable::Loading
                {
                    health.pods_listing(Some(n));
                }
            }
        }
        watcher::Event::InitDone => {
            if let Some(index) = relist.take() {
                *kept.lock() = index;
            }
            health.pods_listing(None);
            health.ok("pods");
        }
        watcher::Event::Apply(p) => {
            let entry = PodEntry::from_pod(&p);
            drop(p);
            kept.lock().apply(entry);
            health.ok("pods");
        }
        watcher::Event::Delete(p) => {
            kept.lock().delete(&owner(&p), &p.name_any());
            health.ok("pods");
        }
    }
}
