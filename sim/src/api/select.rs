//! labelSelector and fieldSelector query parameters, parsed as kube-apiserver does.

use serde_json::Value;

use crate::errors::ApiError;
use crate::meta;

#[derive(Debug, Clone, PartialEq)]
enum Req {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

/// A parsed label selector ("app=web,tier!=db,env in (a,b),!legacy").
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSelector(Vec<Req>);

/// Split on commas that are not inside parentheses.
fn split_top(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

fn set_values(s: &str) -> Option<Vec<String>> {
    let s = s.trim();
    let inner = s.strip_prefix('(')?.strip_suffix(')')?;
    Some(
        inner
            .split(',')
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect(),
    )
}

fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
}

impl LabelSelector {
    pub fn parse(s: &str) -> Result<Self, ApiError> {
        let bad = |part: &str| {
            ApiError::bad_request(format!(
                "unable to parse requirement: invalid label selector {part:?}"
            ))
        };
        let mut reqs = Vec::new();
        for part in split_top(s) {
            let r = if let Some(k) = part.strip_prefix('!') {
                Req::NotExists(k.trim().to_string())
            } else if let Some((k, v)) = part.split_once("!=") {
                Req::NotEq(k.trim().into(), v.trim().into())
            } else if let Some((k, v)) = part.split_once("==") {
                Req::Eq(k.trim().into(), v.trim().into())
            } else if let Some((k, v)) = part.split_once('=') {
                Req::Eq(k.trim().into(), v.trim().into())
            } else if let Some((k, v)) = part.split_once(" notin ") {
                Req::NotIn(k.trim().into(), set_values(v).ok_or_else(|| bad(part))?)
            } else if let Some((k, v)) = part.split_once(" in ") {
                Req::In(k.trim().into(), set_values(v).ok_or_else(|| bad(part))?)
            } else {
                Req::Exists(part.to_string())
            };
            let key = match &r {
                Req::Eq(k, _)
                | Req::NotEq(k, _)
                | Req::In(k, _)
                | Req::NotIn(k, _)
                | Req::Exists(k)
                | Req::NotExists(k) => k,
            };
            if !valid_key(key) {
                return Err(bad(part));
            }
            reqs.push(r);
        }
        Ok(LabelSelector(reqs))
    }

    /// Selects everything (no requirement).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn matches(&self, obj: &Value) -> bool {
        let get = |k: &str| meta::label(obj, k);
        self.0.iter().all(|r| match r {
            Req::Eq(k, v) => get(k) == Some(v.as_str()),
            Req::NotEq(k, v) => get(k) != Some(v.as_str()),
            Req::In(k, vs) => get(k).is_some_and(|x| vs.iter().any(|v| v == x)),
            Req::NotIn(k, vs) => get(k).is_none_or(|x| vs.iter().all(|v| v != x)),
            Req::Exists(k) => get(k).is_some(),
            Req::NotExists(k) => get(k).is_none(),
        })
    }
}

/// A parsed field selector ("metadata.name=x,status.phase!=Running").
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldSelector(Vec<(String, bool, String)>);

/// Fields every resource supports, plus the per-kind ones kube-apiserver allows.
fn field_allowed(resource: &str, field: &str) -> bool {
    matches!(field, "metadata.name" | "metadata.namespace")
        || match resource {
            "pods" => matches!(
                field,
                "status.phase"
                    | "spec.nodeName"
                    | "spec.restartPolicy"
                    | "spec.schedulerName"
                    | "spec.serviceAccountName"
                    | "status.podIP"
                    | "status.nominatedNodeName"
            ),
            "events" => {
                field.starts_with("involvedObject.")
                    || matches!(field, "reason" | "type" | "source" | "reportingComponent")
            }
            "secrets" => field == "type",
            "nodes" => field == "spec.unschedulable",
            "namespaces" => field == "status.phase",
            "replicasets" | "replicationcontrollers" => field == "status.replicas",
            _ => false,
        }
}

impl FieldSelector {
    pub fn parse(s: &str, resource: &str, kind: &str) -> Result<Self, ApiError> {
        let mut out = Vec::new();
        for part in split_top(s) {
            let (k, neg, v) = if let Some((k, v)) = part.split_once("!=") {
                (k, true, v)
            } else if let Some((k, v)) = part.split_once("==") {
                (k, false, v)
            } else if let Some((k, v)) = part.split_once('=') {
                (k, false, v)
            } else {
                return Err(ApiError::bad_request(format!(
                    "invalid selector: '{part}'; can't understand '{part}'"
                )));
            };
            let k = k.trim();
            // events.k8s.io's field labels, on the core Events they are a view of.
            let k = match (resource, k.strip_prefix("regarding.")) {
                ("events", Some(f)) => format!("involvedObject.{f}"),
                ("events", None) if k == "reportingController" => "reportingComponent".into(),
                _ => k.to_string(),
            };
            let k = k.as_str();
            if !field_allowed(resource, k) {
                return Err(
                    ApiError::bad_request(format!("field label not supported: {k}"))
                        .with_kind_hint(kind),
                );
            }
            out.push((k.to_string(), neg, v.trim().to_string()));
        }
        Ok(FieldSelector(out))
    }

    /// Selects everything (no requirement).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn matches(&self, obj: &Value) -> bool {
        self.0.iter().all(|(k, neg, v)| {
            let ptr = format!("/{}", k.replace('.', "/"));
            let actual = match obj.pointer(&ptr) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Bool(b)) => b.to_string(),
                Some(Value::Number(n)) => n.to_string(),
                _ => String::new(),
            };
            (actual == *v) != *neg
        })
    }

    /// The name when the selector pins exactly one object (metadata.name=X).
    pub fn pinned_name(&self) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, neg, _)| k == "metadata.name" && !neg)
            .map(|(_, _, v)| v.as_str())
    }
}

impl ApiError {
    fn with_kind_hint(mut self, kind: &str) -> Self {
        self.message = format!("{} (for kind {kind})", self.message);
        self
    }
}

#[cfg(test)]
#[path = "select_tests.rs"]
mod tests;
