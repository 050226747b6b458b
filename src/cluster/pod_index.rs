//! The pods of a namespace as compact projections — their drill-down row and what they add
//! to their workload's summary, not the whole objects — grouped by the owner that made them,
//! each group in chunks of names whose summaries are kept until one of their pods changes: a
//! pod event costs the rebuild of its chunk (a few hundred pods) and a merge of its group's
//! chunk summaries, not a rebuild of its workload or of the namespace.

use std::collections::{BTreeMap, HashMap};

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

/// Some of a group's pods, a range of names.
#[derive(Debug, Default)]
struct Chunk {
    pods: BTreeMap<String, PodEntry>,
    /// Their summary (counts, evidence, their views and names); None: to be built again.
    summary: Option<Workload>,
}

impl Chunk {
    /// The summary of these pods; `take`: their views are moved into it (the index is not
    /// kept), else copied.
    fn summarise(&mut self, take: bool) -> Workload {
        let mut w = Workload::default();
        let mut names = Vec::with_capacity(self.pods.len());
        for (name, e) in &self.pods {
            workload_view::add_pod(&e.facts, &mut w);
            if !e.facts.terminating {
                names.push(name.clone());
            }
        }
        w.pod_names = names.into();
        let views: Vec<PodView> = if take {
            let pods = self.pods.values_mut();
            pods.map(|e| std::mem::take(&mut e.view)).collect()
        } else {
            self.pods.values().map(|e| e.view.clone()).collect()
        };
        w.pod_views = views.into();
        w
    }

    fn first(&self) -> Option<&str> {
        self.pods.keys().next().map(String::as_str)
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
        let c = &mut self.chunks[i];
        c.summary = None;
        self.summary = None;
        let new = c.pods.insert(e.view.name.clone(), e).is_none();
        if c.pods.len() > 2 * CHUNK {
            let middle = c.pods.keys().nth(CHUNK).cloned().unwrap_or_default();
            let upper = c.pods.split_off(&middle);
            let chunk = Chunk {
                pods: upper,
                summary: None,
            };
            self.chunks.insert(i + 1, chunk);
        }
        new
    }

    /// Remove a pod; true: it was there.
    fn remove(&mut self, name: &str) -> bool {
        if self.chunks.is_empty() {
            return false;
        }
        let i = self.chunk_for(name);
        if self.chunks[i].pods.remove(name).is_none() {
            return false;
        }
        self.summary = None;
        self.chunks[i].summary = None;
        if self.chunks[i].pods.is_empty() {
            self.chunks.remove(i);
        }
        true
    }

    fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    /// The summary of these pods: the changed chunks' built again (all of them, their
    /// views moved, with `take`), merged with the others'.
    fn summarise(&mut self, take: bool) -> Workload {
        let mut w = Workload::default();
        for c in &mut self.chunks {
            if take || c.summary.is_none() {
                c.summary = Some(c.summarise(take));
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
            g.summary = Some(g.summarise(false));
        }
    }

    /// Build every summary, moving the pods' views into them: for an index built for one
    /// snapshot and dropped after (`status`).
    pub fn refresh_once(&mut self) {
        for g in self.groups.values_mut() {
            g.summary = Some(g.summarise(true));
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
