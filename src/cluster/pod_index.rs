//! The pods of a namespace as compact projections — their drill-down row and what they add
//! to their workload's summary, not the whole objects — grouped by the owner that made them,
//! each group's summary kept until one of its pods changes: a pod event costs the rebuild of
//! its group, not of the namespace.

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::core::v1::Pod;

use crate::cluster::model::{PodView, Workload};
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

#[derive(Debug, Default)]
struct Group {
    /// By name, so the drill-down's order comes for free.
    pods: BTreeMap<String, PodEntry>,
    /// The pod-derived part of a workload (counts, evidence, pod_views) for these pods;
    /// None: to be built again.
    summary: Option<Workload>,
}

impl Group {
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
        g.summary = None;
        if g.pods.insert(e.view.name.clone(), e).is_none() {
            self.len += 1;
        }
    }

    /// A pod was deleted (its last state names its owner).
    pub fn delete(&mut self, owner: &Owner, name: &str) {
        let Some(g) = self.groups.get_mut(owner) else {
            return;
        };
        if g.pods.remove(name).is_some() {
            self.len -= 1;
            g.summary = None;
        }
        if g.pods.is_empty() {
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
