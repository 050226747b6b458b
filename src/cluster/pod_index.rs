//! The pods of a namespace as compact projections — their drill-down row and what they add
//! to their workload's summary, not the whole objects — grouped by the owner that made them,
//! each group in chunks of names whose summaries are kept until one of their pods changes: a
//! pod event costs the rebuild of its chunk (a few hundred pods) and a merge of its group's
//! chunk summaries, not a rebuild of its workload or of the namespace.

use std::collections::HashMap;
use std::sync::Arc;

use k8s_openapi::api::core::v1::Pod;

use crate::cluster::model::{PodView, Shared, Workload};
use crate::cluster::workload_view::{self, PodFacts};

/// Who made a pod (its controller owner).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Owner {
    ReplicaSet(String),
    StatefulSet(String),
    /// Neither (a bare pod, a Job's): counted in the namespace's total only.
    Other,
}

/// One pod, projected as it is decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodEntry {
    pub owner: Owner,
    pub view: PodView,
    pub facts: PodFacts,
}

/// The pod's controller owner.
pub fn owner(p: &Pod) -> Owner {
    p.metadata
        .owner_references
        .iter()
        .flatten()
        .find_map(|o| match o.kind.as_str() {
            "ReplicaSet" => Some(Owner::ReplicaSet(o.name.clone())),
            "StatefulSet" => Some(Owner::StatefulSet(o.name.clone())),
            _ => None,
        })
        .unwrap_or(Owner::Other)
}

impl PodEntry {
    pub fn from_pod(p: &Pod) -> PodEntry {
        PodEntry {
            owner: owner(p),
            view: workload_view::pod_view(p),
            facts: workload_view::pod_facts(p),
        }
    }
}

/// How many pods a chunk of a group holds before it is split in two: a pod event rebuilds
/// its chunk's summary and list, and merges the group's chunk summaries.
const CHUNK: usize = 256;

/// Some of a group's pods, a range of names: their rows (shared with the snapshots that
/// show them: a changed pod copies its chunk's rows once, not the workload's) and beside
/// each row what the pod adds to its workload's summary.
#[derive(Debug, Default)]
struct Chunk {
    /// By name.
    views: Arc<Vec<PodView>>,
    /// `facts[i]` is `views[i]`'s pod's.
    facts: Vec<PodFacts>,
    /// Their summary (counts, evidence, their views and names); None: to be built again.
    summary: Option<Workload>,
}

impl Chunk {
    /// Where `name` is, or would go.
    fn find(&self, name: &str) -> Result<usize, usize> {
        self.views.binary_search_by(|v| v.name.as_str().cmp(name))
    }

    /// Add or replace a pod; true: it is new.
    fn insert(&mut self, e: PodEntry) -> bool {
        self.summary = None;
        let at = self.find(&e.view.name);
        let views = Arc::make_mut(&mut self.views);
        match at {
            Ok(i) => {
                views[i] = e.view;
                self.facts[i] = e.facts;
                false
            }
            Err(i) => {
                views.insert(i, e.view);
                self.facts.insert(i, e.facts);
                true
            }
        }
    }

    /// Remove a pod; true: it was there.
    fn remove(&mut self, name: &str) -> bool {
        let Ok(i) = self.find(name) else {
            return false;
        };
        self.summary = None;
        Arc::make_mut(&mut self.views).remove(i);
        self.facts.remove(i);
        true
    }

    /// The upper half of its pods, moved out.
    fn split(&mut self) -> Chunk {
        let half = self.facts.len() / 2;
        self.summary = None;
        Chunk {
            views: Arc::new(Arc::make_mut(&mut self.views).split_off(half)),
            facts: self.facts.split_off(half),
            summary: None,
        }
    }

    /// The summary of these pods (their rows shared, not copied).
    fn summarise(&self) -> Workload {
        let mut w = Workload::default();
        let mut names = Vec::with_capacity(self.facts.len());
        for (v, f) in self.views.iter().zip(&self.facts) {
            workload_view::add_pod(f, &mut w);
            if !f.terminating {
                names.push(v.name.clone());
            }
        }
        w.pod_names = names.into();
        w.pod_views = Shared::from_chunks([self.views.clone()]);
        w
    }

    fn first(&self) -> Option<&str> {
        self.views.first().map(|v| v.name.as_str())
    }

    fn len(&self) -> usize {
        self.facts.len()
    }
}

/// The pods of one owner, in chunks by name.
#[derive(Debug, Default)]
struct Group {
    /// Ordered: every name of a chunk sorts before the next chunk's first.
    chunks: Vec<Chunk>,
    /// The pod-derived part of a workload (counts, evidence, pod_views) for these pods;
    /// None: to be built again.
    summary: Option<Workload>,
}

impl Group {
    /// The chunk that holds, or would hold, `name`.
    fn chunk_for(&self, name: &str) -> usize {
        let after = self
            .chunks
            .partition_point(|c| c.first().is_some_and(|f| f <= name));
        after.saturating_sub(1)
    }

    /// Add or replace a pod; true: it is new.
    fn insert(&mut self, e: PodEntry) -> bool {
        if self.chunks.is_empty() {
            self.chunks.push(Chunk::default());
        }
        let i = self.chunk_for(&e.view.name);
        self.summary = None;
        let new = self.chunks[i].insert(e);
        if self.chunks[i].len() > 2 * CHUNK {
            let upper = self.chunks[i].split();
            self.chunks.insert(i + 1, upper);
        }
        new
    }

    /// Remove a pod; true: it was there.
    fn remove(&mut self, name: &str) -> bool {
        if self.chunks.is_empty() {
            return false;
        }
        let i = self.chunk_for(name);
        if !self.chunks[i].remove(name) {
            return false;
        }
        self.summary = None;
        if self.chunks[i].len() == 0 {
            self.chunks.remove(i);
        }
        true
    }

    fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    /// The summary of these pods: the changed chunks' built again, merged with the others'.
    fn summarise(&mut self) -> Workload {
        let mut w = Workload::default();
        for c in &mut self.chunks {
            if c.summary.is_none() {
                c.summary = Some(c.summarise());
            }
        }
        let parts: Vec<&Workload> = self
            .chunks
            .iter()
            .filter_map(|c| c.summary.as_ref())
            .collect();
        for p in &parts {
            workload_view::merge_pods(p, &mut w);
        }
        w.pod_views = Shared::concat(parts.iter().map(|p| &p.pod_views));
        w.pod_names = Shared::concat(parts.iter().map(|p| &p.pod_names));
        w
    }
}

/// The namespace's pods by owner.
#[derive(Debug, Default)]
pub struct PodIndex {
    groups: HashMap<Owner, Group>,
    len: usize,
}

impl PodIndex {
    /// How many pods (all owners).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A pod was added or changed. (A pod keeps its owner: Kubernetes only ever removes a
    /// controller reference, and then the pod is gone from its workload's summary once it
    /// is deleted.)
    pub fn apply(&mut self, e: PodEntry) {
        let g = match self.groups.get_mut(&e.owner) {
            Some(g) => g,
            None => self.groups.entry(e.owner.clone()).or_default(),
        };
        if g.insert(e) {
            self.len += 1;
        }
    }

    /// A pod was deleted (its last state names its owner).
    pub fn delete(&mut self, owner: &Owner, name: &str) {
        let Some(g) = self.groups.get_mut(owner) else {
            return;
        };
        if g.remove(name) {
            self.len -= 1;
        }
        if g.is_empty() {
            self.groups.remove(owner);
        }
    }

    /// Build the summaries of the groups that changed since the last call.
    pub fn refresh(&mut self) {
        for g in self.groups.values_mut().filter(|g| g.summary.is_none()) {
            g.summary = Some(g.summarise());
        }
    }

    /// The summary of `owner`'s pods as of the last refresh (None: it owns none).
    pub fn summary(&self, owner: &Owner) -> Option<&Workload> {
        self.groups.get(owner)?.summary.as_ref()
    }
}

impl<'a> FromIterator<&'a Pod> for PodIndex {
    fn from_iter<I: IntoIterator<Item = &'a Pod>>(pods: I) -> Self {
        let mut index = PodIndex::default();
        for p in pods {
            index.apply(PodEntry::from_pod(p));
        }
        index
    }
}
