//! Deploy the stack: the bundled manifests (or a directory of the user's), with namespace,
//! image and provider URL from the config; a plan from a server-side dry run (create /
//! update with the changed fields / unchanged / skipped), then server-side apply with field
//! manager `agentdeck`, namespaces first, one result per object. A kind the cluster does
//! not serve is skipped with the reason; a field-manager conflict names the other manager
//! and needs an explicit force. Invalid YAML stops everything before anything is sent.

use std::path::Path;

use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::core::GroupVersionKind;
use kube::discovery::{ApiCapabilities, ApiResource, Discovery, Scope};
use serde_json::Value;

use super::{OpError, Ops};
use crate::config::StackConfig;
use crate::manifests::{self, Document};

/// What deploying one object will do / did.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Create,
    /// The changed fields (dotted paths).
    Update(Vec<String>),
    Unchanged,
    /// Not applied, and why (a kind the cluster does not serve).
    Skipped(String),
    /// The dry run failed (conflict, invalid, forbidden): the reason.
    Error(String),
}

#[derive(Debug, Clone)]
pub struct Item {
    pub doc: Document,
    /// "deployment.apps/ai-agent-service"
    pub display: String,
    pub namespace: Option<String>,
    pub change: Change,
    resource: Option<ApiResource>,
}

/// The bundled manifests, or every *.yaml / *.yml file of `dir` in name order.
pub fn load(dir: Option<&Path>) -> Result<Vec<Document>, String> {
    let Some(dir) = dir else {
        return manifests::bundled().map_err(|e| e.to_string());
    };
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read manifests directory {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no *.yaml files in {}", dir.display()));
    }
    let mut out = Vec::new();
    for f in files {
        let text =
            std::fs::read_to_string(&f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
        out.extend(manifests::parse(&f.display().to_string(), &text).map_err(|e| e.to_string())?);
    }
    Ok(out)
}

/// Put the config's namespace, image and provider URL into the bundled stack's objects.
pub fn substitute(docs: &mut [Document], stack: &StackConfig, bundled_ns: &str) {
    for d in docs.iter_mut() {
        let o = &mut d.object;
        if o["kind"] == "Namespace" && o["metadata"]["name"] == bundled_ns {
            o["metadata"]["name"] = Value::String(stack.namespace.clone());
        }
        if o["metadata"]["namespace"] == bundled_ns {
            o["metadata"]["namespace"] = Value::String(stack.namespace.clone());
        }
        if o["kind"] == "Deployment"
            && o["metadata"]["name"] == stack.deployment.as_str()
            && let Some(cs) = o
                .pointer_mut("/spec/template/spec/containers")
                .and_then(Value::as_array_mut)
            && let Some(c) = cs.first_mut()
        {
            c["image"] = Value::String(stack.image.clone());
            for e in c["env"].as_array_mut().into_iter().flatten() {
                if e["name"] == "HOLYSHEEP_BASE_URL" {
                    e["value"] = Value::String(stack.provider_base_url.clone());
                }
            }
        }
    }
}

const IGNORED_META: &[&str] = &[
    "managedFields",
    "resourceVersion",
    "generation",
    "uid",
    "creationTimestamp",
];

/// Dotted paths where `a` and `b` differ (metadata bookkeeping and status ignored).
pub fn diff(a: &Value, b: &Value) -> Vec<String> {
    fn rec(a: &Value, b: &Value, path: &str, out: &mut Vec<String>) {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                for k in keys {
                    if (path.is_empty() && k == "status")
                        || (path == "metadata" && IGNORED_META.contains(&k.as_str()))
                    {
                        continue;
                    }
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    rec(
                        x.get(k).unwrap_or(&Value::Null),
                        y.get(k).unwrap_or(&Value::Null),
                        &p,
                        out,
                    );
                }
            }
            _ if a != b => out.push(path.to_string()),
            _ => {}
        }
    }
    let mut out = Vec::new();
    rec(a, b, "", &mut out);
    out
}

fn resolve(discovery: &Discovery, obj: &Value) -> Option<(ApiResource, ApiCapabilities)> {
    let av = obj["apiVersion"].as_str()?;
    let kind = obj["kind"].as_str()?;
    let (group, version) = av.split_once('/').unwrap_or(("", av));
    discovery.resolve_gvk(&GroupVersionKind::gvk(group, version, kind))
}

fn api_for(ops: &Ops, ar: &ApiResource, ns: Option<&str>) -> Api<DynamicObject> {
    match ns {
        Some(ns) => Api::namespaced_with(ops.conn.client.clone(), ns, ar),
        None => Api::all_with(ops.conn.client.clone(), ar),
    }
}

fn params(force: bool, dry_run: bool) -> PatchParams {
    let mut p = PatchParams::apply("agentdeck");
    p.force = force;
    p.dry_run = dry_run;
    p
}

/// The plan: namespaces first, then the rest in file order.
pub async fn plan(ops: &Ops, mut docs: Vec<Document>, force: bool) -> Result<Vec<Item>, OpError> {
    docs.sort_by_key(|d| d.object["kind"] != "Namespace");
    let discovery = Discovery::new(ops.conn.client.clone())
        .run()
        .await
        .map_err(|e| OpError::Api(format!("API discovery: {e}")))?;
    let mut new_namespaces = Vec::new();
    let mut items = Vec::new();
    for doc in docs {
        let kind = doc.object["kind"].as_str().unwrap_or("").to_string();
        let name = doc.object["metadata"]["name"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let Some((ar, caps)) = resolve(&discovery, &doc.object) else {
            let av = doc.object["apiVersion"].as_str().unwrap_or("");
            items.push(Item {
                display: format!("{}/{name}", kind.to_lowercase()),
                namespace: doc.object["metadata"]["namespace"].as_str().map(str::to_string),
                change: Change::Skipped(format!("the cluster does not serve kind {kind:?} in version {av:?} (is its CRD installed?)")),
                resource: None,
                doc,
            });
            continue;
        };
        let ns = (caps.scope == Scope::Namespaced).then(|| {
            doc.object["metadata"]["namespace"]
                .as_str()
                .unwrap_or(&ops.conn.namespace)
                .to_string()
        });
        let display = if ar.group.is_empty() {
            format!("{}/{name}", ar.kind.to_lowercase())
        } else {
            format!("{}.{}/{name}", ar.kind.to_lowercase(), ar.group)
        };
        let api = api_for(ops, &ar, ns.as_deref());
        let live = api
            .get_opt(&name)
            .await
            .map_err(|e| OpError::from_kube(&display, e))?;
        let change = if live.is_none() && ns.as_ref().is_some_and(|n| new_namespaces.contains(n)) {
            // Its namespace does not exist yet, so there is nothing to dry-run against.
            Change::Create
        } else {
            match api
                .patch(&name, &params(force, true), &Patch::Apply(&doc.object))
                .await
            {
                Err(kube::Error::Api(s)) if s.code == 409 => Change::Error(format!(
                    "{}; rerun with --force-conflicts to take the fields over",
                    s.message
                )),
                Err(e) => Change::Error(OpError::from_kube(&display, e).to_string()),
                Ok(dry) => match &live {
                    None => Change::Create,
                    Some(l) => {
                        let d = diff(
                            &serde_json::to_value(l).unwrap_or_default(),
                            &serde_json::to_value(&dry).unwrap_or_default(),
                        );
                        if d.is_empty() {
                            Change::Unchanged
                        } else {
                            Change::Update(d)
                        }
                    }
                },
            }
        };
        if kind == "Namespace" && change == Change::Create {
            new_namespaces.push(name.clone());
        }
        items.push(Item {
            doc,
            display,
            namespace: ns,
            change,
            resource: Some(ar),
        });
    }
    Ok(items)
}

/// Apply every planned object (skipped and failed ones are reported, not sent). One audit
/// line per object sent.
pub async fn apply(ops: &Ops, items: &[Item], force: bool) -> Vec<Result<String, OpError>> {
    let mut out = Vec::new();
    for it in items {
        let r = match (&it.change, &it.resource) {
            (Change::Skipped(why), _) => Err(OpError::Failed(format!("skipped: {why}"))),
            (Change::Error(e), _) => Err(OpError::Failed(e.clone())),
            (_, None) => Err(OpError::Failed("not resolvable".into())),
            (change, Some(ar)) => {
                let r = async {
                    ops.refuse_if_read_only()?;
                    let name = it.doc.object["metadata"]["name"].as_str().unwrap_or("");
                    api_for(ops, ar, it.namespace.as_deref())
                        .patch(name, &params(force, false), &Patch::Apply(&it.doc.object))
                        .await
                        .map_err(|e| OpError::from_kube(&it.display, e))?;
                    Ok(match change {
                        Change::Create => "created".to_string(),
                        Change::Update(f) => format!("updated ({})", f.join(", ")),
                        _ => "unchanged".to_string(),
                    })
                }
                .await;
                ops.record("deploy", &it.display, &r);
                r
            }
        };
        out.push(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_ignores_bookkeeping() {
        let a = json!({"metadata": {"resourceVersion": "1", "labels": {"a": "1"}}, "spec": {"replicas": 3}, "status": {"x": 1}});
        let b = json!({"metadata": {"resourceVersion": "2", "labels": {"a": "2"}}, "spec": {"replicas": 3}, "status": {"x": 2}});
        assert_eq!(diff(&a, &b), vec!["metadata.labels.a".to_string()]);
        assert!(diff(&a, &a).is_empty());
    }

    #[test]
    fn substitution_follows_the_config() {
        let mut docs = manifests::bundled().unwrap();
        let stack = StackConfig {
            namespace: "agents-prod".into(),
            image: "me/agent:9".into(),
            provider_base_url: "https://p.example/v1".into(),
            ..Default::default()
        };
        substitute(&mut docs, &stack, "ai-agents");
        assert!(
            docs.iter().any(|d| d.object["kind"] == "Namespace"
                && d.object["metadata"]["name"] == "agents-prod")
        );
        assert!(
            !docs
                .iter()
                .any(|d| d.object["metadata"]["namespace"] == "ai-agents")
        );
        let dep = docs
            .iter()
            .find(|d| {
                d.object["metadata"]["name"] == "ai-agent-service"
                    && d.object["kind"] == "Deployment"
            })
            .unwrap();
        let c = &dep.object["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(c["image"], "me/agent:9");
        assert!(
            c["env"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["value"] == "https://p.example/v1")
        );
    }
}
