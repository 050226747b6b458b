//! Rollouts from ReplicaSets (pure): each Deployment's revisions in order, and what changed
//! in the pod template from one revision to the next — image, env (literal values shown,
//! `valueFrom` by reference: a Secret's value is never read), resources, a rollout restart.

use std::collections::BTreeMap;

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::{Container, EnvVar, PodTemplateSpec};

use crate::text::printable;

pub const REVISION: &str = "deployment.kubernetes.io/revision";
const RESTARTED_AT: [&str; 2] = [
    "kubectl.kubernetes.io/restartedAt",
    "kube.kubernetes.io/restartedAt",
];
/// Values longer than this are clipped.
const VALUE_MAX: usize = 40;

/// One revision of a Deployment.
#[derive(Debug, Clone)]
pub struct Revision {
    pub deployment: String,
    pub number: i64,
    pub replicaset: String,
    pub created: Option<Timestamp>,
    pub template: PodTemplateSpec,
}

/// Each Deployment's revisions, oldest first.
pub fn revisions(replicasets: &[ReplicaSet]) -> BTreeMap<String, Vec<Revision>> {
    let mut out: BTreeMap<String, Vec<Revision>> = BTreeMap::new();
    for rs in replicasets {
        let m = &rs.metadata;
        let Some(owner) = m
            .owner_references
            .iter()
            .flatten()
            .find(|o| o.kind == "Deployment")
        else {
            continue;
        };
        let Some(number) = m
            .annotations
            .as_ref()
            .and_then(|a| a.get(REVISION))
            .and_then(|v| v.parse().ok())
        else {
            continue;
        };
        out.entry(owner.name.clone()).or_default().push(Revision {
            deployment: owner.name.clone(),
            number,
            replicaset: m.name.clone().unwrap_or_default(),
            created: m.creation_timestamp.as_ref().map(|t| t.0),
            template: rs
                .spec
                .as_ref()
                .and_then(|s| s.template.clone())
                .unwrap_or_default(),
        });
    }
    for v in out.values_mut() {
        v.sort_by_key(|r| r.number);
    }
    out
}

fn clip(s: &str) -> String {
    crate::format::clip(&printable(s), VALUE_MAX)
}

fn restarted_at(t: &PodTemplateSpec) -> Option<&String> {
    let a = t.metadata.as_ref()?.annotations.as_ref()?;
    RESTARTED_AT.iter().find_map(|k| a.get(*k))
}

fn containers(t: &PodTemplateSpec) -> &[Container] {
    t.spec
        .as_ref()
        .map(|s| s.containers.as_slice())
        .unwrap_or(&[])
}

/// What changed from `prev` to `next`, one short phrase each ("restart", "image agent:
/// a → b", "env +X", "memory limit agent: 2Gi → 3Gi").
pub fn change(prev: &PodTemplateSpec, next: &PodTemplateSpec) -> Vec<String> {
    let mut out = Vec::new();
    if restarted_at(next).is_some() && restarted_at(prev) != restarted_at(next) {
        out.push("restart".to_string());
    }
    let (pc, nc) = (containers(prev), containers(next));
    for n in nc {
        match pc.iter().find(|p| p.name == n.name) {
            Some(p) => container_change(p, n, &mut out),
            None => out.push(format!("container +{}", printable(&n.name))),
        }
    }
    for p in pc.iter().filter(|p| !nc.iter().any(|n| n.name == p.name)) {
        out.push(format!("container -{}", printable(&p.name)));
    }
    if out.is_empty() && prev.spec != next.spec {
        out.push("pod template changed".to_string());
    }
    out
}

fn container_change(p: &Container, n: &Container, out: &mut Vec<String>) {
    let name = printable(&n.name);
    if p.image != n.image {
        out.push(format!(
            "image {name}: {} → {}",
            clip(p.image.as_deref().unwrap_or("-")),
            clip(n.image.as_deref().unwrap_or("-"))
        ));
    }
    env_change(
        p.env.as_deref().unwrap_or(&[]),
        n.env.as_deref().unwrap_or(&[]),
        out,
    );
    let res = |c: &Container, which: &str| -> BTreeMap<String, String> {
        let r = c.resources.as_ref();
        let m = if which == "limit" {
            r.and_then(|r| r.limits.as_ref())
        } else {
            r.and_then(|r| r.requests.as_ref())
        };
        m.map(|m| m.iter().map(|(k, v)| (k.clone(), v.0.clone())).collect())
            .unwrap_or_default()
    };
    for which in ["request", "limit"] {
        let (a, b) = (res(p, which), res(n, which));
        let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        for k in keys.into_iter().filter(|k| a.get(*k) != b.get(*k)) {
            let v = |m: &BTreeMap<String, String>| m.get(k).map(|v| clip(v)).unwrap_or("-".into());
            out.push(format!(
                "{} {which} {name}: {} → {}",
                printable(k),
                v(&a),
                v(&b)
            ));
        }
    }
}

/// An env var's value as shown: a literal (clipped), or where it comes from.
fn env_value(e: &EnvVar) -> String {
    if let Some(v) = &e.value {
        return clip(v);
    }
    let Some(from) = &e.value_from else {
        return String::new();
    };
    if let Some(s) = &from.secret_key_ref {
        return format!("from secret {}/{}", printable(&s.name), printable(&s.key));
    }
    if let Some(c) = &from.config_map_key_ref {
        return format!(
            "from configmap {}/{}",
            printable(&c.name),
            printable(&c.key)
        );
    }
    if let Some(f) = &from.field_ref {
        return format!("from field {}", printable(&f.field_path));
    }
    "from a reference".to_string()
}

fn env_change(prev: &[EnvVar], next: &[EnvVar], out: &mut Vec<String>) {
    for n in next {
        match prev.iter().find(|p| p.name == n.name) {
            None => out.push(format!("env +{}", printable(&n.name))),
            Some(p) if env_value(p) != env_value(n) => out.push(format!(
                "env {}: {} → {}",
                printable(&n.name),
                env_value(p),
                env_value(n)
            )),
            Some(_) => {}
        }
    }
    for p in prev
        .iter()
        .filter(|p| !next.iter().any(|n| n.name == p.name))
    {
        out.push(format!("env -{}", printable(&p.name)));
    }
}

#[cfg(test)]
#[path = "revisions_tests.rs"]
mod tests;
