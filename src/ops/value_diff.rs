//! What a write changes, field by field with values — `spec.egress[0].ports[0].port:
//! 8443 → 443` — from the live object and the server's dry-run answer (metadata
//! bookkeeping and status left out). Lines stay short: long values end in "…".

use serde_json::Value;

/// Metadata the server keeps; never a change the user makes.
const IGNORED_META: &[&str] = &[
    "managedFields",
    "resourceVersion",
    "generation",
    "uid",
    "creationTimestamp",
];

/// Annotations a controller keeps (the Deployment's revision moves when a rollout a moment
/// ago is recorded): never a change of the write's.
const CONTROLLER_ANNOTATIONS: &[&str] = &["deployment.kubernetes.io/revision"];

/// The longest value shown in a line, in characters.
const MAX_VALUE: usize = 40;

/// One changed field: its path and the values before and after (None: absent).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub path: String,
    pub from: Option<Value>,
    pub to: Option<Value>,
}

impl FieldChange {
    /// "spec.egress[0].ports[0].port: 8443 → 443"
    pub fn line(&self) -> String {
        format!(
            "{}: {} → {}",
            self.path,
            show(self.from.as_ref()),
            show(self.to.as_ref())
        )
    }
}

/// The fields where `live` and `new` differ, in path order; maps and lists are compared
/// member by member (lists by index), anything else as a whole.
pub fn changes(live: &Value, new: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    rec(Some(live), Some(new), "", &mut out);
    out
}

fn rec(a: Option<&Value>, b: Option<&Value>, path: &str, out: &mut Vec<FieldChange>) {
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                if (path.is_empty() && k == "status")
                    || (path == "metadata" && IGNORED_META.contains(&k.as_str()))
                    || (path == "metadata.annotations"
                        && CONTROLLER_ANNOTATIONS.contains(&k.as_str()))
                {
                    continue;
                }
                rec(x.get(k), y.get(k), &join(path, k), out);
            }
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            for i in 0..x.len().max(y.len()) {
                rec(x.get(i), y.get(i), &format!("{path}[{i}]"), out);
            }
        }
        _ if a != b => out.push(FieldChange {
            path: path.to_string(),
            from: a.filter(|v| !v.is_null()).cloned(),
            to: b.filter(|v| !v.is_null()).cloned(),
        }),
        _ => {}
    }
}

/// `path.key`, or `path["app.kubernetes.io/name"]` for a key with dots or slashes.
fn join(path: &str, key: &str) -> String {
    let plain = key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (path.is_empty(), plain) {
        (true, true) => key.to_string(),
        (false, true) => format!("{path}.{key}"),
        (_, false) => format!("{path}[{key:?}]"),
    }
}

/// A value as a line shows it: strings bare, the rest as compact JSON, "(none)" when
/// absent; cut to `MAX_VALUE` characters with "…".
pub fn show(v: Option<&Value>) -> String {
    let s = match v {
        None | Some(Value::Null) => return "(none)".into(),
        Some(Value::String(s)) if s.is_empty() => "\"\"".to_string(),
        Some(Value::String(s)) => crate::text::printable(s),
        Some(other) => other.to_string(),
    };
    if s.chars().count() > MAX_VALUE {
        let cut: String = s.chars().take(MAX_VALUE - 1).collect();
        format!("{cut}…")
    } else {
        s
    }
}

#[cfg(test)]
#[path = "value_diff_tests.rs"]
mod tests;
