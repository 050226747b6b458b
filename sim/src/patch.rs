//! Patch engines used by the simulated API server:
//! RFC 7386 JSON merge patch, RFC 6902 JSON patch and Kubernetes strategic merge patch
//! (modelled on `k8s.io/apimachinery/pkg/util/strategicpatch`).

use serde_json::{Map, Value};

/// How a list field is merged (strategic merge patch and server-side apply share this).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// list of objects merged by these key fields
    Keyed(&'static [&'static str]),
    /// list of scalars treated as a set
    Set,
    /// replaced whole
    Atomic,
}

const CONTAINER_LISTS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];

/// `path` is the chain of object field names from the object root down to the list's parent
/// (array levels skipped), `field` the list's own field name. E.g. for a Deployment's containers:
/// path = ["spec","template","spec"], field = "containers".
pub fn list_kind(path: &[String], field: &str) -> ListKind {
    use ListKind::{Atomic, Keyed, Set};
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "env"
        | "imagePullSecrets"
        | "resourceClaims" => Keyed(&["name"]),
        "hostAliases" => Keyed(&["ip"]),
        "volumeMounts" => Keyed(&["mountPath"]),
        "volumeDevices" => Keyed(&["devicePath"]),
        "conditions" => Keyed(&["type"]),
        "ownerReferences" => Keyed(&["uid"]),
        "topologySpreadConstraints" => Keyed(&["topologyKey", "whenUnsatisfiable"]),
        "finalizers" => Set,
        "ports" => match path.last().map(String::as_str) {
            Some(p) if CONTAINER_LISTS.contains(&p) => Keyed(&["containerPort", "protocol"]),
            Some("spec") => Keyed(&["port", "protocol"]),
            _ => Atomic,
        },
        _ => Atomic,
    }
}

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

/// JSON equality where numbers compare by value (`1` == `1.0`).
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                (Some(i), Some(j), _, _) => i == j,
                (_, _, Some(i), Some(j)) => i == j,
                _ => x.as_f64() == y.as_f64(),
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// Remove a key from a map without perturbing the order of the remaining keys.
fn remove_key(m: &mut Map<String, Value>, key: &str) -> Option<Value> {
    let v = m.get(key).cloned()?;
    m.retain(|k, _| k != key);
    Some(v)
}

// ---------------------------------------------------------------------------
// RFC 7386 JSON merge patch
// ---------------------------------------------------------------------------

/// RFC 7386 JSON merge patch (application/merge-patch+json): null deletes, objects merge, everything else replaces.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(t) = target else {
        unreachable!()
    };
    for (k, v) in p {
        if v.is_null() {
            remove_key(t, k);
        } else {
            merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

// ---------------------------------------------------------------------------
// RFC 6902 JSON patch
// ---------------------------------------------------------------------------

/// RFC 6902 JSON patch (application/json-patch+json): add, remove, replace, move, copy, test;
/// JSON pointer with ~0 ~1 escapes and "-" for append. Atomic: on any error target is left unchanged.
pub fn json_patch(target: &mut Value, ops: &Value) -> Result<(), String> {
    let Value::Array(ops) = ops else {
        return Err(format!(
            "json patch must be an array of operations, got {ops}"
        ));
    };
    let mut doc = target.clone();
    for op in ops {
        apply_op(&mut doc, op)?;
    }
    *target = doc;
    Ok(())
}

fn apply_op(doc: &mut Value, op: &Value) -> Result<(), String> {
    let Value::Object(o) = op else {
        return Err(format!("json patch operation must be an object, got {op}"));
    };
    let kind = match o.get("op") {
        Some(Value::String(s)) => s.as_str(),
        Some(other) => return Err(format!("Unexpected kind: {other}")),
        None => return Err(format!("operation missing \"op\" field: {op}")),
    };
    let path = str_field(o, "path", kind)?;
    let value = || {
        o.get("value")
            .ok_or_else(|| format!("{kind} operation missing \"value\" field for path {path:?}"))
    };
    match kind {
        "add" => add_at(doc, path, value()?.clone(), kind),
        "remove" => remove_at(doc, path, kind).map(drop),
        "replace" => {
            let v = value()?.clone();
            *lookup(doc, path, kind)? = v;
            Ok(())
        }
        "move" => {
            let from = str_field(o, "from", kind)?;
            if from == path {
                lookup(doc, from, kind)?;
                return Ok(());
            }
            if path.starts_with(from) && path[from.len()..].starts_with('/') {
                return Err(format!(
                    "move operation does not apply: \"from\" {from:?} is a prefix of \"path\" {path:?}"
                ));
            }
            let v = remove_at(doc, from, kind)?;
            add_at(doc, path, v, kind)
        }
        "copy" => {
            let from = str_field(o, "from", kind)?;
            let v = lookup(doc, from, kind)?.clone();
            add_at(doc, path, v, kind)
        }
        "test" => {
            let want = value()?;
            let ok = match lookup(doc, path, kind) {
                Ok(cur) => json_eq(cur, want),
                Err(_) => want.is_null(),
            };
            if ok {
                Ok(())
            } else {
                Err(format!("testing value {path} failed"))
            }
        }
        other => Err(format!("Unexpected kind: {other}")),
    }
}

fn str_field<'a>(o: &'a Map<String, Value>, name: &str, kind: &str) -> Result<&'a str, String> {
    match o.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(format!(
            "{kind} operation has non-string \"{name}\": {other}"
        )),
        None => Err(format!("{kind} operation missing \"{name}\" field")),
    }
}

fn parse_pointer(p: &str) -> Result<Vec<String>, String> {
    if p.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = p.strip_prefix('/') else {
        return Err(format!(
            "invalid JSON pointer: {p:?} (must be empty or start with '/')"
        ));
    };
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

/// Array index per RFC 6901: decimal digits, no leading zeros.
fn parse_index(t: &str) -> Option<usize> {
    let digits = !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !digits || (t.len() > 1 && t.starts_with('0')) {
        return None;
    }
    t.parse().ok()
}

fn missing(path: &str) -> String {
    format!("doc is missing path: {path:?}")
}

fn navigate<'a>(doc: &'a mut Value, toks: &[String], path: &str) -> Result<&'a mut Value, String> {
    let mut cur = doc;
    for t in toks {
        cur = match cur {
            Value::Object(m) => m.get_mut(t.as_str()),
            Value::Array(a) => parse_index(t).and_then(|i| a.get_mut(i)),
            _ => None,
        }
        .ok_or_else(|| missing(path))?;
    }
    Ok(cur)
}

fn lookup<'a>(doc: &'a mut Value, path: &str, kind: &str) -> Result<&'a mut Value, String> {
    let toks = parse_pointer(path).map_err(|e| format!("{kind} operation: {e}"))?;
    navigate(doc, &toks, path)
}

fn add_at(doc: &mut Value, path: &str, v: Value, kind: &str) -> Result<(), String> {
    let mut toks = parse_pointer(path).map_err(|e| format!("{kind} operation: {e}"))?;
    let Some(last) = toks.pop() else {
        *doc = v;
        return Ok(());
    };
    match navigate(doc, &toks, path)? {
        Value::Object(m) => {
            m.insert(last, v);
            Ok(())
        }
        Value::Array(a) => {
            let idx = if last == "-" {
                Some(a.len())
            } else {
                parse_index(&last)
            };
            match idx {
                Some(i) if i <= a.len() => {
                    a.insert(i, v);
                    Ok(())
                }
                _ => Err(format!(
                    "{kind} operation does not apply: index {last:?} out of bounds (len {}) at path {path:?}",
                    a.len()
                )),
            }
        }
        _ => Err(missing(path)),
    }
}

fn remove_at(doc: &mut Value, path: &str, kind: &str) -> Result<Value, String> {
    let mut toks = parse_pointer(path).map_err(|e| format!("{kind} operation: {e}"))?;
    let Some(last) = toks.pop() else {
        return Err(format!(
            "{kind} operation does not apply: cannot remove the document root"
        ));
    };
    match navigate(doc, &toks, path)? {
        Value::Object(m) => remove_key(m, &last).ok_or_else(|| missing(path)),
        Value::Array(a) => match parse_index(&last) {
            Some(i) if i < a.len() => Ok(a.remove(i)),
            _ => Err(missing(path)),
        },
        _ => Err(missing(path)),
    }
}

// ---------------------------------------------------------------------------
// Kubernetes strategic merge patch
// ---------------------------------------------------------------------------

const PATCH: &str = "$patch";
const RETAIN_KEYS: &str = "$retainKeys";
const ORDER_PREFIX: &str = "$setElementOrder/";
const DELETE_PREFIX: &str = "$deleteFromPrimitiveList/";

fn is_directive(k: &str) -> bool {
    k == PATCH || k == RETAIN_KEYS || k.starts_with(ORDER_PREFIX) || k.starts_with(DELETE_PREFIX)
}

fn bad_patch_type(d: &Value, ctx: &Map<String, Value>) -> String {
    format!(
        "unknown patch type: {d} in map: {}",
        Value::Object(ctx.clone())
    )
}

/// Kubernetes strategic merge patch (application/strategic-merge-patch+json) as kube-apiserver applies it.
pub fn strategic_merge_patch(target: &mut Value, patch: &Value) -> Result<(), String> {
    let Value::Object(p) = patch else {
        return Err(format!(
            "strategic merge patch must be a JSON object, got {patch}"
        ));
    };
    let base = match target {
        Value::Object(m) => m.clone(),
        Value::Null => Map::new(),
        other => {
            return Err(format!(
                "cannot apply strategic merge patch to non-object {other}"
            ));
        }
    };
    let merged = merge_map(base, p, &mut Vec::new())?;
    *target = Value::Object(merged.unwrap_or_default());
    Ok(())
}

/// Merge `patch` into `orig`. `Ok(None)` means the map was deleted by `$patch: delete`.
fn merge_map(
    mut orig: Map<String, Value>,
    patch: &Map<String, Value>,
    path: &mut Vec<String>,
) -> Result<Option<Map<String, Value>>, String> {
    if let Some(d) = patch.get(PATCH) {
        return match d.as_str() {
            Some("replace") => {
                let mut rest = patch.clone();
                remove_key(&mut rest, PATCH);
                merge_map(Map::new(), &rest, path)
            }
            Some("delete") => Ok(None),
            _ => Err(bad_patch_type(d, patch)),
        };
    }
    // $deleteFromPrimitiveList/<field> applies to the original before merging.
    for (k, v) in patch {
        if let Some(field) = k.strip_prefix(DELETE_PREFIX) {
            let Value::Array(del) = v else {
                return Err(format!("invalid patch: {k} must be a list, got {v}"));
            };
            if let Some(Value::Array(list)) = orig.get_mut(field) {
                list.retain(|x| !del.iter().any(|d| json_eq(x, d)));
            }
        }
    }
    for (k, pv) in patch {
        if is_directive(k) {
            continue;
        }
        if pv.is_null() {
            remove_key(&mut orig, k);
            continue;
        }
        let existing = orig.get_mut(k.as_str()).map(std::mem::take);
        match merge_value(existing, pv, path, k)? {
            Some(v) => {
                orig.insert(k.clone(), v);
            }
            None => {
                remove_key(&mut orig, k);
            }
        }
    }
    for (k, v) in patch {
        if let Some(field) = k.strip_prefix(ORDER_PREFIX) {
            let Value::Array(order) = v else {
                return Err(format!("invalid patch: {k} must be a list, got {v}"));
            };
            let kind = list_kind(path, field);
            if let Some(Value::Array(list)) = orig.get_mut(field) {
                reorder(list, order, kind);
            }
        }
    }
    if let Some(rk) = patch.get(RETAIN_KEYS) {
        let keys: Option<Vec<&str>> = match rk {
            Value::Array(a) => a.iter().map(Value::as_str).collect(),
            _ => None,
        };
        let keys = keys.ok_or_else(|| {
            format!("invalid patch: {RETAIN_KEYS} must be a list of strings, got {rk}")
        })?;
        orig.retain(|k, _| keys.contains(&k.as_str()));
    }
    Ok(Some(orig))
}

/// Merge a patch value into an (optional) existing value of field `key`.
fn merge_value(
    orig: Option<Value>,
    patch: &Value,
    path: &mut Vec<String>,
    key: &str,
) -> Result<Option<Value>, String> {
    match patch {
        Value::Object(pm) => {
            let base = match orig {
                Some(Value::Object(m)) => m,
                _ => Map::new(),
            };
            path.push(key.to_string());
            let r = merge_map(base, pm, path);
            path.pop();
            Ok(r?.map(Value::Object))
        }
        Value::Array(pl) => {
            let base = match orig {
                Some(Value::Array(l)) => l,
                _ => Vec::new(),
            };
            merge_list(base, pl, path, key).map(|l| Some(Value::Array(l)))
        }
        _ => Ok(Some(patch.clone())),
    }
}

fn is_scalar(v: &Value) -> bool {
    !v.is_object() && !v.is_array()
}

fn patch_directive(v: &Value) -> Option<&Value> {
    v.as_object().and_then(|m| m.get(PATCH))
}

fn merge_list(
    mut orig: Vec<Value>,
    patch: &[Value],
    path: &mut Vec<String>,
    field: &str,
) -> Result<Vec<Value>, String> {
    let kind = list_kind(path, field);
    let mut items: Vec<&Value> = Vec::with_capacity(patch.len());
    let mut deletes: Vec<&Map<String, Value>> = Vec::new();
    let mut replace = false;
    for pv in patch {
        let Some(d) = patch_directive(pv) else {
            items.push(pv);
            continue;
        };
        let m = pv.as_object().expect("directive implies object");
        match d.as_str() {
            Some("replace") => replace = true,
            Some("delete") => deletes.push(m),
            Some("merge") => {
                return Err("merging lists cannot yet be specified in the patch".into());
            }
            _ => return Err(bad_patch_type(d, m)),
        }
    }
    if replace {
        orig.clear();
    }
    match kind {
        ListKind::Keyed(keys)
            if items.iter().all(|v| v.is_object()) && orig.iter().all(Value::is_object) =>
        {
            for d in deletes {
                if !d.contains_key(keys[0]) {
                    return Err(format!(
                        "map: {} does not contain declared merge key: {}",
                        Value::Object(d.clone()),
                        keys[0]
                    ));
                }
                let dk = merge_key(d, keys);
                orig.retain(|o| {
                    !o.as_object()
                        .is_some_and(|o| keys_eq(&merge_key(o, keys), &dk))
                });
            }
            path.push(field.to_string());
            let r = merge_keyed(&mut orig, &items, keys, path);
            path.pop();
            r?;
            Ok(orig)
        }
        ListKind::Set if items.iter().all(|v| is_scalar(v)) && orig.iter().all(is_scalar) => {
            let mut out: Vec<Value> = Vec::with_capacity(orig.len() + items.len());
            for v in orig.into_iter().chain(items.into_iter().cloned()) {
                if !out.iter().any(|o| json_eq(o, &v)) {
                    out.push(v);
                }
            }
            Ok(out)
        }
        _ => Ok(items.into_iter().map(strip_directives).collect()),
    }
}

fn merge_keyed(
    orig: &mut Vec<Value>,
    items: &[&Value],
    keys: &[&str],
    path: &mut Vec<String>,
) -> Result<(), String> {
    for item in items {
        let pm = item.as_object().expect("checked by caller");
        let key = merge_key(pm, keys);
        let pos = orig.iter().position(|o| {
            o.as_object()
                .is_some_and(|o| keys_eq(&merge_key(o, keys), &key))
        });
        match pos {
            Some(i) => {
                let base = match std::mem::take(&mut orig[i]) {
                    Value::Object(m) => m,
                    _ => Map::new(),
                };
                orig[i] = Value::Object(merge_map(base, pm, path)?.unwrap_or_default());
            }
            None => orig.push(Value::Object(
                merge_map(Map::new(), pm, path)?.unwrap_or_default(),
            )),
        }
    }
    Ok(())
}

/// Merge-key tuple of an item; a missing `protocol` counts as "TCP", other missing fields as absent.
fn merge_key(m: &Map<String, Value>, keys: &[&str]) -> Vec<Option<Value>> {
    keys.iter()
        .map(|k| match m.get(*k) {
            Some(v) if !v.is_null() => Some(v.clone()),
            _ if *k == "protocol" => Some(Value::String("TCP".into())),
            _ => None,
        })
        .collect()
}

fn keys_eq(a: &[Option<Value>], b: &[Option<Value>]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (Some(x), Some(y)) => json_eq(x, y),
            (None, None) => true,
            _ => false,
        })
}

/// Apply `$setElementOrder`: items named in `order` first (in that order), the rest after, in their
/// existing relative order.
fn reorder(list: &mut Vec<Value>, order: &[Value], kind: ListKind) {
    let matches = |item: &Value, o: &Value| match kind {
        ListKind::Keyed(keys) => match (item.as_object(), o.as_object()) {
            (Some(i), Some(o)) => keys_eq(&merge_key(i, keys), &merge_key(o, keys)),
            _ => false,
        },
        ListKind::Set => json_eq(item, o),
        ListKind::Atomic => false,
    };
    if kind == ListKind::Atomic {
        return;
    }
    let mut rest: Vec<Option<Value>> = std::mem::take(list).into_iter().map(Some).collect();
    for o in order {
        if let Some(slot) = rest
            .iter_mut()
            .find(|s| s.as_ref().is_some_and(|it| matches(it, o)))
        {
            list.extend(slot.take());
        }
    }
    list.extend(rest.into_iter().flatten());
}

/// Copy a value dropping any strategic-merge directive keys (used for atomically replaced values).
fn strip_directives(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !is_directive(k))
                .map(|(k, v)| (k.clone(), strip_directives(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(
            a.iter()
                .filter(|x| patch_directive(x).is_none())
                .map(strip_directives)
                .collect(),
        ),
        _ => v.clone(),
    }
}

#[cfg(test)]
#[path = "patch_tests.rs"]
mod tests;
