//! The fields one field manager applied, read back from a live object (what client-go's
//! `Extract…` functions do). A server-side apply replaces the applier's whole field set:
//! fields it applied before and leaves out now are removed. So a partial change by the
//! manager that deployed the object (agentdeck) sends everything it applied before, as it
//! is live now, with the change on top.

use serde_json::{Map, Value};

/// The live object projected onto the fields `manager` owns through server-side apply
/// (operation Apply, no subresource); None when it applied nothing to this object.
pub fn applied_by(live: &Value, manager: &str) -> Option<Value> {
    let entries = live.pointer("/metadata/managedFields")?.as_array()?;
    let entry = entries.iter().find(|e| is_apply_of(e, manager))?;
    Some(project(live, entry.get("fieldsV1")?))
}

/// Does `manager` own the field at `path` (plain names) through server-side apply?
pub fn owns(live: &Value, manager: &str, path: &[&str]) -> bool {
    owned_by(live, path, |e| is_apply_of(e, manager))
}

/// Does `manager` own the field at `path` (plain names) through an imperative write — an
/// Update, as `agentdeck scale` makes (on the object or its scale subresource) — rather
/// than its apply?
pub fn updated_by(live: &Value, manager: &str, path: &[&str]) -> bool {
    owned_by(live, path, |e| {
        e["manager"] == manager && e["operation"] == "Update"
    })
}

/// Does a managedFields entry that `entry` accepts own the field at `path`?
fn owned_by(live: &Value, path: &[&str], entry: impl Fn(&Value) -> bool) -> bool {
    let Some(entries) = live
        .pointer("/metadata/managedFields")
        .and_then(Value::as_array)
    else {
        return false;
    };
    entries.iter().any(|e| {
        entry(e)
            && path
                .iter()
                .try_fold(&e["fieldsV1"], |node, p| node.get(format!("f:{p}")))
                .is_some()
    })
}

/// The other managers (not `manager`'s own apply) that own the field at `path`, fieldsV1
/// keys ("f:spec", "k:{\"name\":\"app\"}"); a forced apply takes it from them.
pub fn other_owners(live: &Value, manager: &str, path: &[String]) -> Vec<String> {
    let entries = live
        .pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut out: Vec<String> = entries
        .iter()
        .filter(|e| !is_apply_of(e, manager))
        .filter(|e| {
            path.iter()
                .try_fold(&e["fieldsV1"], |node, p| node.get(p))
                .is_some()
        })
        .filter_map(|e| e["manager"].as_str().map(str::to_string))
        .collect();
    out.dedup();
    out
}

/// Is managedFields entry `e` the server-side apply of `manager` (not a subresource's)?
fn is_apply_of(e: &Value, manager: &str) -> bool {
    e["manager"] == manager
        && e["operation"] == "Apply"
        && e.get("subresource")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
}

/// `v` restricted to the fields of a fieldsV1 tree: `{}` owns the whole value, "f:NAME"
/// a field of a map, "k:{…}" a list item by its keys, "v:…" a set member, "." the item
/// itself.
pub fn project(v: &Value, fields: &Value) -> Value {
    let Some(f) = fields.as_object() else {
        return v.clone();
    };
    if f.is_empty() {
        return v.clone();
    }
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, sub) in f {
                if let Some(child) = k.strip_prefix("f:").and_then(|name| m.get(name)) {
                    out.insert(k[2..].to_string(), project(child, sub));
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            Value::Array(items.iter().filter_map(|it| project_item(it, f)).collect())
        }
        other => other.clone(),
    }
}

/// One list item, when the field set names it (with its key fields, which identify it).
fn project_item(item: &Value, f: &Map<String, Value>) -> Option<Value> {
    for (k, sub) in f {
        if let Some(key) = k.strip_prefix("k:") {
            let Ok(Value::Object(key)) = serde_json::from_str::<Value>(key) else {
                continue;
            };
            if key.iter().all(|(kk, kv)| item.get(kk) == Some(kv)) {
                let mut out = project(item, sub);
                if let Value::Object(o) = &mut out {
                    for (kk, kv) in key {
                        o.entry(kk).or_insert(kv);
                    }
                }
                return Some(out);
            }
        } else if let Some(val) = k.strip_prefix("v:")
            && serde_json::from_str::<Value>(val).ok().as_ref() == Some(item)
        {
            return Some(item.clone());
        }
    }
    None
}

#[cfg(test)]
#[path = "extract_tests.rs"]
mod tests;
