//! Deploy the stack: the bundled manifests (or a directory of the user's), with namespace,
//! image and provider URL from the config; a plan from a server-side dry run (create /
//! update with the changed fields / unchanged / skipped), then server-side apply with field
//! manager `agentdeck`, namespaces first, one result per object. A kind the cluster does
//! not serve is skipped with the reason; a field-manager conflict names the other manager
//! and needs an explicit force. Invalid YAML stops everything before anything is sent.

use std::collections::HashMap;
use std::path::Path;

use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::core::GroupVersionKind;
use kube::discovery::{ApiCapabilities, ApiResource, Scope};
use serde_json::Value;

use super::deploy_hpa::{self, HpaTargets};
use super::progress::{ObjectResult, Progress};
use super::value_diff;
use super::{FIELD_MANAGER, OpError, Ops};
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
    /// The dry run failed (invalid, forbidden): the reason.
    Error(String),
    /// Another field manager owns fields the apply sets to other values (the server's
    /// words): a forced apply takes them over — each face says how to ask for it.
    Conflict(String),
}

#[derive(Debug, Clone)]
pub struct Item {
    pub doc: Document,
    /// "deployment.apps/ai-agent-service"
    pub display: String,
    pub namespace: Option<String>,
    pub change: Change,
    /// The changed fields with their values, live → applied (`value_diff` lines).
    pub values: Vec<String>,
    /// What the plan did to the manifest (spec.replicas left to an HPA) and what a forced
    /// apply takes over from other managers.
    pub notes: Vec<String>,
    resource: Option<ApiResource>,
}

/// The most field lines shown per object; the rest are counted.
const MAX_VALUE_LINES: usize = 12;

/// The bundled manifests with the config's names, or every *.yaml / *.yml file of `dir`
/// in name order (as they are).
pub fn load(dir: Option<&Path>, stack: &StackConfig) -> Result<Vec<Document>, OpError> {
    match dir {
        None => {
            let mut docs = manifests::bundled().map_err(|e| OpError::Invalid(e.to_string()))?;
            substitute(&mut docs, stack, &StackConfig::default());
            Ok(docs)
        }
        Some(dir) => load_dir(dir).map_err(OpError::Invalid),
    }
}

fn load_dir(dir: &Path) -> Result<Vec<Document>, String> {
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

/// Give the bundled stack the config's names: every value that names the bundled
/// namespace, Deployment, HPA, Secret, image or provider URL (also inside ConfigMap data,
/// e.g. the Prometheus scrape config) gets the configured one, and the Secret's data key
/// in `secretKeyRef`s. `bundled` holds the names the manifests are written with.
pub fn substitute(docs: &mut [Document], stack: &StackConfig, bundled: &StackConfig) {
    let renames: Vec<(&str, &str)> = [
        (&bundled.namespace, &stack.namespace),
        (&bundled.deployment, &stack.deployment),
        (&bundled.hpa, &stack.hpa),
        (&bundled.secret, &stack.secret),
        (&bundled.network_policy, &stack.network_policy),
        (&bundled.image, &stack.image),
        (&bundled.provider_base_url, &stack.provider_base_url),
    ]
    .into_iter()
    .filter(|(a, b)| a != b)
    .map(|(a, b)| (a.as_str(), b.as_str()))
    .collect();
    for d in docs.iter_mut() {
        let is_config_map = d.object["kind"] == "ConfigMap";
        rename_values(&mut d.object, &renames, &mut |s: &mut String| {
            if is_config_map {
                for (from, to) in &renames {
                    *s = s.replace(from, to);
                }
            }
        });
        rename_secret_keys(&mut d.object, &bundled.secret_key, &stack.secret_key);
    }
}

/// Replace whole string values found in `renames`; other strings go to `partial`.
fn rename_values(v: &mut Value, renames: &[(&str, &str)], partial: &mut dyn FnMut(&mut String)) {
    match v {
        Value::String(s) => match renames.iter().find(|(from, _)| s == from) {
            Some((_, to)) => *s = to.to_string(),
            None => partial(s),
        },
        Value::Array(a) => a
            .iter_mut()
            .for_each(|x| rename_values(x, renames, partial)),
        Value::Object(o) => o
            .values_mut()
            .for_each(|x| rename_values(x, renames, partial)),
        _ => {}
    }
}

fn rename_secret_keys(v: &mut Value, from: &str, to: &str) {
    match v {
        Value::Object(o) => {
            if let Some(Value::Object(r)) = o.get_mut("secretKeyRef")
                && r.get("key").and_then(Value::as_str) == Some(from)
            {
                r.insert("key".into(), Value::String(to.into()));
            }
            o.values_mut().for_each(|x| rename_secret_keys(x, from, to));
        }
        Value::Array(a) => a.iter_mut().for_each(|x| rename_secret_keys(x, from, to)),
        _ => {}
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

/// How the cluster serves a document's kind: its resource, or why it cannot be used.
type Resolved = Result<(ApiResource, ApiCapabilities), Change>;

/// Discover one group version's kind (only that group is asked, so a broken aggregated
/// API elsewhere — metrics.k8s.io answering 503 — does not stop the plan).
async fn resolve(ops: &Ops, obj: &Value, cache: &mut HashMap<String, Resolved>) -> Resolved {
    let av = obj["apiVersion"].as_str().unwrap_or("");
    let kind = obj["kind"].as_str().unwrap_or("");
    let key = format!("{av}/{kind}");
    if let Some(r) = cache.get(&key) {
        return r.clone();
    }
    let (group, version) = av.split_once('/').unwrap_or(("", av));
    let gvk = GroupVersionKind::gvk(group, version, kind);
    let r = match kube::discovery::pinned_kind(&ops.conn.client, &gvk).await {
        Ok(found) => Ok(found),
        Err(kube::Error::Api(s)) if s.code == 404 => Err(not_served(kind, av)),
        Err(kube::Error::Discovery(_)) => Err(not_served(kind, av)),
        Err(e) => Err(Change::Error(format!(
            "cannot discover {av}: {}",
            crate::cluster::explain::explain(&e)
        ))),
    };
    cache.insert(key, r.clone());
    r
}

fn not_served(kind: &str, av: &str) -> Change {
    Change::Skipped(format!(
        "the cluster does not serve kind {kind:?} in version {av:?} (is its CRD installed?)"
    ))
}

fn api_for(ops: &Ops, ar: &ApiResource, ns: Option<&str>) -> Api<DynamicObject> {
    match ns {
        Some(ns) => Api::namespaced_with(ops.conn.client.clone(), ns, ar),
        None => Api::all_with(ops.conn.client.clone(), ar),
    }
}

fn params(force: bool, dry_run: bool) -> PatchParams {
    let mut p = PatchParams::apply(FIELD_MANAGER);
    p.force = force;
    p.dry_run = dry_run;
    p
}

/// The plan: namespaces first, then the rest in file order.
pub async fn plan(ops: &Ops, mut docs: Vec<Document>, force: bool) -> Result<Vec<Item>, OpError> {
    docs.sort_by_key(|d| d.object["kind"] != "Namespace");
    let mut cache = HashMap::new();
    let hpas = deploy_hpa::targets(ops, &docs).await;
    let mut new_namespaces = Vec::new();
    let mut items = Vec::new();
    for mut doc in docs {
        let kind = doc.object["kind"].as_str().unwrap_or("").to_string();
        let name = doc.object["metadata"]["name"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let (ar, caps) = match resolve(ops, &doc.object, &mut cache).await {
            Ok(found) => found,
            Err(change) => {
                items.push(Item {
                    display: format!("{}/{name}", kind.to_lowercase()),
                    namespace: doc.object["metadata"]["namespace"]
                        .as_str()
                        .map(str::to_string),
                    change,
                    values: Vec::new(),
                    notes: Vec::new(),
                    resource: None,
                    doc,
                });
                continue;
            }
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
        let brand_new_ns = ns.as_ref().is_some_and(|n| new_namespaces.contains(n));
        let target = Target {
            ar: &ar,
            ns: ns.as_deref(),
            display: &display,
            hpas: &hpas,
        };
        let planned = dry_run(ops, &target, &mut doc.object, brand_new_ns, force).await?;
        if kind == "Namespace" && planned.change == Change::Create {
            new_namespaces.push(name.clone());
        }
        items.push(Item {
            doc,
            display,
            namespace: ns,
            change: planned.change,
            values: planned.values,
            notes: planned.notes,
            resource: Some(ar),
        });
    }
    Ok(items)
}

/// Where one document goes: its resource, namespace, display name, and the HPAs.
struct Target<'a> {
    ar: &'a ApiResource,
    ns: Option<&'a str>,
    display: &'a str,
    hpas: &'a HpaTargets,
}

/// One object's plan: the change, its field values, the notes.
struct Planned {
    change: Change,
    values: Vec<String>,
    notes: Vec<String>,
}

impl From<Change> for Planned {
    fn from(change: Change) -> Planned {
        Planned {
            change,
            values: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// What applying `obj` would change, from a server-side dry run against the live object
/// (paths and values). A workload an HPA scales leaves its replicas to the HPA first.
async fn dry_run(
    ops: &Ops,
    t: &Target<'_>,
    obj: &mut Value,
    brand_new_ns: bool,
    force: bool,
) -> Result<Planned, OpError> {
    let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
    let api = api_for(ops, t.ar, t.ns);
    let live = match api.get_opt(&name).await {
        Ok(live) => live.and_then(|l| serde_json::to_value(l).ok()),
        // A role that may not read Namespaces can still deploy into one.
        Err(kube::Error::Api(s)) if s.code == 403 && t.ar.kind == "Namespace" => {
            return Ok(Change::Skipped(format!(
                "cannot check Namespace {name} (forbidden); continuing in it"
            ))
            .into());
        }
        Err(e) => {
            return Ok(Change::Error(OpError::from_kube(t.display, e).to_string()).into());
        }
    };
    let mut notes: Vec<String> = deploy_hpa::scaled_by(t.hpas, obj, t.ns)
        .map(str::to_string)
        .and_then(|hpa| deploy_hpa::leave_replicas(obj, live.as_ref(), &hpa))
        .into_iter()
        .collect();
    notes.extend(deploy_hpa::keep_scaled(obj, live.as_ref()));
    if live.is_none() && brand_new_ns {
        // Its namespace does not exist yet, so there is nothing to dry-run against.
        return Ok(Change::Create.into());
    }
    if force && live.is_some() {
        notes.extend(taken_over(&api, &name, obj).await);
    }
    let (change, values) = match api
        .patch(&name, &params(force, true), &Patch::Apply(&*obj))
        .await
    {
        Err(kube::Error::Api(s)) if s.code == 409 => (
            Change::Conflict(crate::text::printable(&s.message)),
            Vec::new(),
        ),
        Err(e) => (
            Change::Error(OpError::from_kube(t.display, e).to_string()),
            Vec::new(),
        ),
        Ok(dry) => compare(
            live.as_ref(),
            &serde_json::to_value(&dry).unwrap_or_default(),
        ),
    };
    Ok(Planned {
        change,
        values,
        notes,
    })
}

/// What a forced apply takes from other managers: the conflicts of an unforced dry run.
async fn taken_over(api: &Api<DynamicObject>, name: &str, obj: &Value) -> Option<String> {
    match api
        .patch(name, &params(false, true), &Patch::Apply(obj))
        .await
    {
        Err(kube::Error::Api(s)) if s.code == 409 => {
            let what = s
                .message
                .split_once(": ")
                .map_or(s.message.as_str(), |(_, w)| w);
            let what = what.trim().replace('\n', "; ");
            Some(format!("forcing takes over from another manager: {what}"))
        }
        _ => None,
    }
}

/// The change from `live` to the dry run's answer: paths and value lines.
fn compare(live: Option<&Value>, dry: &Value) -> (Change, Vec<String>) {
    let Some(l) = live else {
        return (Change::Create, Vec::new());
    };
    let d = diff(l, dry);
    if d.is_empty() {
        return (Change::Unchanged, Vec::new());
    }
    let values = value_diff::changes(l, dry);
    (
        Change::Update(d),
        values.iter().map(value_diff::FieldChange::line).collect(),
    )
}

/// The plan's line for one object (the CLI prints them; `deploy --dry-run` is them).
pub fn plan_line(it: &Item) -> String {
    match &it.change {
        Change::Create => format!("  create     {}", it.display),
        Change::Update(f) => format!("  update     {} ({})", it.display, f.join(", ")),
        Change::Unchanged => format!("  unchanged  {}", it.display),
        Change::Skipped(why) => format!("  skip       {}: {why}", it.display),
        Change::Error(e) => format!("  error      {}: {e}", it.display),
        Change::Conflict(e) => format!("  conflict   {}: {e}", it.display),
    }
}

/// The plan's lines for one object: its line, the note, and each changed field with its
/// values (at most `MAX_VALUE_LINES`), or that it will be created.
pub fn detail_lines(it: &Item) -> Vec<String> {
    let mut out = vec![plan_line(it)];
    out.extend(it.notes.iter().map(|n| format!("    note: {n}")));
    if it.change == Change::Create {
        out.push("    (not in the cluster: it will be created)".into());
    }
    out.extend(
        it.values
            .iter()
            .take(MAX_VALUE_LINES)
            .map(|l| format!("    {l}")),
    );
    if it.values.len() > MAX_VALUE_LINES {
        out.push(format!(
            "    … and {} more fields",
            it.values.len() - MAX_VALUE_LINES
        ));
    }
    out
}

/// The confirmation question of a deploy: counts, where, skipped and failing objects; for
/// `--only`, the objects restored.
pub fn question(items: &[Item], force: bool, only: &[String], ops: &Ops) -> String {
    let count = |f: fn(&Change) -> bool| items.iter().filter(|i| f(&i.change)).count();
    let create = count(|c| matches!(c, Change::Create));
    let update = count(|c| matches!(c, Change::Update(_)));
    let same = count(|c| matches!(c, Change::Unchanged));
    let names = |f: fn(&Change) -> bool| -> Vec<&str> {
        items
            .iter()
            .filter(|i| f(&i.change))
            .map(|i| i.display.as_str())
            .collect()
    };
    let skipped = names(|c| matches!(c, Change::Skipped(_)));
    let failing = names(|c| matches!(c, Change::Error(_) | Change::Conflict(_)));
    let what = if only.is_empty() {
        "deploy the stack to".to_string()
    } else {
        let all: Vec<&str> = items.iter().map(|i| i.display.as_str()).collect();
        format!("restore {} as the stack declares it, in", all.join(", "))
    };
    let mut q = format!(
        "{what} context {} (default namespace {}) with field manager {FIELD_MANAGER}{}: {create} to create, {update} to update, {same} unchanged",
        ops.conn.context,
        ops.conn.namespace,
        if force { ", forcing conflicts" } else { "" }
    );
    if !skipped.is_empty() {
        q.push_str(&format!(
            "; skipped (kind not served): {}",
            skipped.join(", ")
        ));
    }
    if !failing.is_empty() {
        q.push_str(&format!(
            "; the dry run failed for {} (not sent)",
            failing.join(", ")
        ));
    }
    q
}

/// Apply every planned object (skipped and failed ones are reported, not sent); each
/// result is a progress event. One audit line per object sent.
pub async fn apply(
    ops: &Ops,
    items: &[Item],
    force: bool,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Vec<ObjectResult> {
    let mut out = Vec::new();
    for it in items {
        let r = match (&it.change, &it.resource) {
            (Change::Skipped(why), _) => ObjectResult::Skipped(why.clone()),
            (Change::Error(e) | Change::Conflict(e), _) => ObjectResult::Failed(e.clone()),
            (_, None) => ObjectResult::Failed("not resolvable".into()),
            (change, Some(ar)) => {
                let r = apply_one(ops, it, ar, change, force).await;
                ops.record("deploy", &it.display, &r);
                match r {
                    Ok(m) => ObjectResult::Applied(m),
                    Err(e) => ObjectResult::Failed(e.to_string()),
                }
            }
        };
        progress(Progress::Object {
            display: it.display.clone(),
            result: r.clone(),
        });
        out.push(r);
    }
    out
}

async fn apply_one(
    ops: &Ops,
    it: &Item,
    ar: &ApiResource,
    change: &Change,
    force: bool,
) -> Result<String, OpError> {
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

#[cfg(test)]
#[path = "deploy_tests.rs"]
mod tests;
