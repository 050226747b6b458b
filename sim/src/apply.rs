//! Server-side apply and managedFields: who owns which field, conflicts between managers,
//! and removal of fields an applier stops declaring.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::patch::{ListKind, list_kind};

/// One path element, spelled as in fieldsV1: "f:name", "k:{\"name\":\"c\"}", "v:\"x\"", ".".
pub type Path = Vec<String>;
pub type FieldSet = BTreeSet<Path>;

/// Metadata fields the server owns; never part of a manager's field set.
const SERVER_FIELDS: &[&str] = &[
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
];

fn key_of(item: &Value, keys: &[&str]) -> Option<Value> {
    let mut m = Map::new();
    for k in keys {
        match item.get(*k) {
            Some(v) => {
                m.insert(k.to_string(), v.clone());
            }
            None if *k == "protocol" => {
                m.insert(k.to_string(), json!("TCP"));
            }
            None => {}
        }
    }
    if m.is_empty() {
        None
    } else {
        Some(Value::Object(m))
    }
}

fn walk(v: &Value, names: &mut Vec<String>, path: &mut Path, out: &mut FieldSet) {
    let Value::Object(m) = v else {
        out.insert(path.clone());
        return;
    };
    if m.is_empty() && !path.is_empty() {
        out.insert(path.clone());
        return;
    }
    for (k, child) in m {
        if path.is_empty() && matches!(k.as_str(), "apiVersion" | "kind" | "status") {
            continue;
        }
        if path.len() == 1 && path[0] == "f:metadata" && SERVER_FIELDS.contains(&k.as_str()) {
            continue;
        }
        path.push(format!("f:{k}"));
        match child {
            Value::Array(items) => match list_kind(names, k) {
                ListKind::Keyed(keys) if !items.is_empty() => {
                    names.push(k.clone());
                    for it in items {
                        if let Some(key) = key_of(it, keys) {
                            path.push(format!("k:{key}"));
                            out.insert([path.clone(), vec![".".into()]].concat());
                            walk(it, names, path, out);
                            path.pop();
                        }
                    }
                    names.pop();
                }
                ListKind::Set if !items.is_empty() => {
                    for it in items {
                        path.push(format!("v:{it}"));
                        out.insert(path.clone());
                        path.pop();
                    }
                }
                _ => {
                    out.insert(path.clone());
                }
            },
            Value::Object(_) => {
                names.push(k.clone());
                walk(child, names, path, out);
                names.pop();
            }
            _ => {
                out.insert(path.clone());
            }
        }
        path.pop();
    }
}

/// The fields an object (an applied configuration, or the result of an update) sets.
pub fn fields_of(obj: &Value) -> FieldSet {
    let mut out = FieldSet::new();
    walk(obj, &mut Vec::new(), &mut Vec::new(), &mut out);
    out
}

pub fn to_fields_v1(set: &FieldSet) -> Value {
    let mut root = Map::new();
    for p in set {
        let mut cur = &mut root;
        for el in p {
            cur = cur
                .entry(el.clone())
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .expect("object");
        }
    }
    Value::Object(root)
}

pub fn from_fields_v1(v: &Value) -> FieldSet {
    fn rec(v: &Value, path: &mut Path, out: &mut FieldSet) {
        match v.as_object() {
            Some(m) if !m.is_empty() => {
                for (k, c) in m {
                    path.push(k.clone());
                    rec(c, path, out);
                    path.pop();
                }
            }
            _ => {
                if !path.is_empty() {
                    out.insert(path.clone());
                }
            }
        }
    }
    let mut out = FieldSet::new();
    rec(v, &mut Vec::new(), &mut out);
    out
}

/// Find the value at a field path (None when absent). A "." element is the item itself.
pub fn get_at<'a>(obj: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut cur = obj;
    for el in path {
        if el == "." {
            return Some(cur);
        }
        cur = step(cur, el)?;
    }
    Some(cur)
}

fn step<'a>(cur: &'a Value, el: &str) -> Option<&'a Value> {
    if let Some(f) = el.strip_prefix("f:") {
        return cur.get(f);
    }
    let arr = cur.as_array()?;
    if let Some(k) = el.strip_prefix("k:") {
        let key: Map<String, Value> = serde_json::from_str(k).ok()?;
        return arr.iter().find(|it| item_has_key(it, &key));
    }
    if let Some(v) = el.strip_prefix("v:") {
        let v: Value = serde_json::from_str(v).ok()?;
        return arr.iter().find(|it| **it == v);
    }
    None
}

fn item_has_key(item: &Value, key: &Map<String, Value>) -> bool {
    key.iter().all(|(k, v)| match item.get(k) {
        Some(x) => x == v,
        None => k == "protocol" && v == "TCP",
    })
}

/// Remove the field at `path`; prunes nothing else.
pub fn remove_at(obj: &mut Value, path: &[String]) {
    let (last, parent) = match path.split_last() {
        Some((l, p)) if l == "." => match p.split_last() {
            Some((l2, p2)) => (l2, p2),
            None => return,
        },
        Some((l, p)) => (l, p),
        None => return,
    };
    let mut cur = obj;
    for el in parent {
        let next = if let Some(f) = el.strip_prefix("f:") {
            cur.get_mut(f)
        } else {
            let idx = cur.as_array().and_then(|a| index_of(a, el));
            match idx {
                Some(i) => cur.as_array_mut().and_then(|a| a.get_mut(i)),
                None => None,
            }
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    if let Some(f) = last.strip_prefix("f:") {
        if let Some(m) = cur.as_object_mut() {
            m.remove(f);
        }
    } else if let Some(a) = cur.as_array_mut()
        && let Some(i) = index_of(a, last)
    {
        a.remove(i);
    }
}

fn index_of(arr: &[Value], el: &str) -> Option<usize> {
    if let Some(k) = el.strip_prefix("k:") {
        let key: Map<String, Value> = serde_json::from_str(k).ok()?;
        return arr.iter().position(|it| item_has_key(it, &key));
    }
    if let Some(v) = el.strip_prefix("v:") {
        let v: Value = serde_json::from_str(v).ok()?;
        return arr.iter().position(|it| *it == v);
    }
    None
}

/// Merge an applied configuration into the live object (lists by their list kind).
pub fn merge(live: &mut Value, applied: &Value, names: &mut Vec<String>) {
    let (Some(l), Some(a)) = (live.as_object_mut(), applied.as_object()) else {
        *live = applied.clone();
        return;
    };
    for (k, av) in a {
        if av.is_null() {
            l.remove(k);
            continue;
        }
        match (l.get_mut(k), av) {
            (Some(lv @ Value::Object(_)), Value::Object(_)) => {
                names.push(k.clone());
                merge(lv, av, names);
                names.pop();
            }
            (Some(Value::Array(la)), Value::Array(aa)) => match list_kind(names, k) {
                ListKind::Keyed(keys) => {
                    names.push(k.clone());
                    for it in aa {
                        let key = key_of(it, keys);
                        let pos = key.as_ref().and_then(|key| {
                            la.iter()
                                .position(|x| key_of(x, keys).as_ref() == Some(key))
                        });
                        match pos {
                            Some(i) => merge(&mut la[i], it, names),
                            None => la.push(it.clone()),
                        }
                    }
                    names.pop();
                }
                ListKind::Set => {
                    for it in aa {
                        if !la.contains(it) {
                            la.push(it.clone());
                        }
                    }
                }
                ListKind::Atomic => *la = aa.clone(),
            },
            _ => {
                l.insert(k.clone(), av.clone());
            }
        }
    }
}

/// "f:spec","f:template","k:{\"name\":\"c\"}","f:image" → `.spec.template.containers[name="c"].image`
pub fn display_path(p: &[String]) -> String {
    let mut s = String::new();
    for el in p {
        if let Some(f) = el.strip_prefix("f:") {
            s.push('.');
            s.push_str(f);
        } else if let Some(k) = el.strip_prefix("k:") {
            let key: Map<String, Value> = serde_json::from_str(k).unwrap_or_default();
            let parts: Vec<String> = key.iter().map(|(k, v)| format!("{k}={v}")).collect();
            s.push_str(&format!("[{}]", parts.join(",")));
        } else if let Some(v) = el.strip_prefix("v:") {
            s.push_str(&format!("[={v}]"));
        }
    }
    s
}

/// One managedFields entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Managed {
    pub manager: String,
    pub operation: String,
    pub subresource: String,
    pub api_version: String,
    pub time: String,
    pub fields: FieldSet,
}

pub fn read_managed(obj: &Value) -> Vec<Managed> {
    obj.pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|e| Managed {
                    manager: e["manager"].as_str().unwrap_or("").to_string(),
                    operation: e["operation"].as_str().unwrap_or("Update").to_string(),
                    subresource: e["subresource"].as_str().unwrap_or("").to_string(),
                    api_version: e["apiVersion"].as_str().unwrap_or("").to_string(),
                    time: e["time"].as_str().unwrap_or("").to_string(),
                    fields: from_fields_v1(&e["fieldsV1"]),
                })
                .collect()
        })
        .unwrap_or_default()
}

pub fn write_managed(obj: &mut Value, entries: &[Managed]) {
    let arr: Vec<Value> = entries
        .iter()
        .filter(|e| !e.fields.is_empty())
        .map(|e| {
            let mut v = json!({
                "manager": e.manager,
                "operation": e.operation,
                "apiVersion": e.api_version,
                "time": e.time,
                "fieldsType": "FieldsV1",
                "fieldsV1": to_fields_v1(&e.fields),
            });
            if !e.subresource.is_empty() {
                v["subresource"] = json!(e.subresource);
            }
            v
        })
        .collect();
    let md = super::meta::metadata_mut(obj);
    if arr.is_empty() {
        md.remove("managedFields");
    } else {
        md.insert("managedFields".into(), Value::Array(arr));
    }
}

/// Who is writing: manager name, operation kind and subresource.
pub struct Writer<'a> {
    pub manager: &'a str,
    pub subresource: &'a str,
    pub api_version: &'a str,
    pub time: &'a str,
}

fn upsert<'e>(entries: &'e mut Vec<Managed>, w: &Writer, op: &str) -> &'e mut Managed {
    let pos = entries.iter().position(|e| {
        e.manager == w.manager && e.operation == op && e.subresource == w.subresource
    });
    let i = match pos {
        Some(i) => i,
        None => {
            entries.push(Managed {
                manager: w.manager.to_string(),
                operation: op.to_string(),
                subresource: w.subresource.to_string(),
                api_version: w.api_version.to_string(),
                time: w.time.to_string(),
                fields: FieldSet::new(),
            });
            entries.len() - 1
        }
    };
    let e = &mut entries[i];
    e.time = w.time.to_string();
    e.api_version = w.api_version.to_string();
    e
}

/// Record an update (create, PUT or a non-apply patch): the writer takes the fields whose
/// values it changed, and nobody keeps fields that no longer exist. `new` gets the result.
pub fn track_update(old: Option<&Value>, new: &mut Value, w: &Writer) {
    let mut entries = old.map(read_managed).unwrap_or_default();
    let new_fields = fields_of(new);
    let changed: FieldSet = new_fields
        .iter()
        .filter(|p| old.and_then(|o| get_at(o, p)) != get_at(new, p))
        .cloned()
        .collect();
    for e in entries.iter_mut() {
        e.fields
            .retain(|p| new_fields.contains(p) && !changed.contains(p));
    }
    if !changed.is_empty() {
        upsert(&mut entries, w, "Update").fields.extend(changed);
    }
    write_managed(new, &entries);
}

/// A conflict: the other manager and the field's display path.
pub type Conflict = (String, String);

/// Server-side apply of `applied` onto `live` (None to create). Returns the new object, or
/// the conflicts when `force` is false and another manager owns a field with another value.
pub fn apply(
    live: Option<&Value>,
    applied: &Value,
    w: &Writer,
    force: bool,
) -> Result<Value, Vec<Conflict>> {
    let applied_set = fields_of(applied);
    let mut entries = live.map(read_managed).unwrap_or_default();
    let mut obj = live.cloned().unwrap_or_else(|| json!({}));

    let (conflicts, conflicting) = find_conflicts(&entries, &obj, applied, &applied_set, w);
    if !conflicts.is_empty() && !force {
        return Err(conflicts);
    }
    // Forced: the other managers lose the fields they conflicted on.
    for e in entries.iter_mut().filter(|e| !is_applier(e, w)) {
        e.fields.retain(|p| !conflicting.contains(p));
    }
    remove_dropped(&mut obj, &entries, &applied_set, w);

    merge(&mut obj, applied, &mut Vec::new());
    entries.retain(|e| !is_applier(e, w));
    entries.push(Managed {
        manager: w.manager.to_string(),
        operation: "Apply".into(),
        subresource: w.subresource.to_string(),
        api_version: w.api_version.to_string(),
        time: w.time.to_string(),
        fields: applied_set,
    });
    write_managed(&mut obj, &entries);
    Ok(obj)
}

/// Whether a managedFields entry is this applier's own Apply entry.
fn is_applier(e: &Managed, w: &Writer) -> bool {
    e.manager == w.manager && e.operation == "Apply" && e.subresource == w.subresource
}

/// Conflict detection: fields the applier sets to another value than the live one
/// while another manager owns them (list-item markers excepted).
fn find_conflicts(
    entries: &[Managed],
    obj: &Value,
    applied: &Value,
    applied_set: &FieldSet,
    w: &Writer,
) -> (Vec<Conflict>, FieldSet) {
    let mut conflicts = Vec::new();
    let mut conflicting: FieldSet = FieldSet::new();
    for e in entries.iter().filter(|e| !is_applier(e, w)) {
        for p in e.fields.intersection(applied_set) {
            if p.last().is_some_and(|l| l == ".") {
                continue;
            }
            if get_at(obj, p) != get_at(applied, p) {
                conflicts.push((e.manager.clone(), display_path(p)));
                conflicting.insert(p.clone());
            }
        }
    }
    (conflicts, conflicting)
}

/// Fields this applier declared before but not now, owned by nobody else, go away.
fn remove_dropped(obj: &mut Value, entries: &[Managed], applied_set: &FieldSet, w: &Writer) {
    let previous: FieldSet = entries
        .iter()
        .filter(|e| is_applier(e, w))
        .flat_map(|e| e.fields.iter().cloned())
        .collect();
    let others: FieldSet = entries
        .iter()
        .filter(|e| !is_applier(e, w))
        .flat_map(|e| e.fields.iter().cloned())
        .collect();
    let mut dropped: Vec<&Path> = previous
        .iter()
        .filter(|p| !applied_set.contains(*p) && !others.contains(*p))
        .collect();
    // Deepest first, so list items go after their fields.
    dropped.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for p in dropped {
        // An item marker is only removed when nobody owns a field inside that item.
        if p.last().is_some_and(|l| l == ".") {
            let prefix = &p[..p.len() - 1];
            if others.iter().any(|o| o.starts_with(prefix)) {
                continue;
            }
        }
        remove_at(obj, p);
    }
}

#[cfg(test)]
#[path = "apply_tests.rs"]
mod tests;
