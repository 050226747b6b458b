//! Values of the metrics the HPA controller reads from the custom and external metrics
//! APIs (`custom.metrics.k8s.io`, `external.metrics.k8s.io`), fed through
//! `POST /_sim/hpa-metrics`: no adapter serves them in the sim, so an HPA metric with no fed
//! value fails the way it does on a cluster without one.

use std::sync::Mutex;

use serde_json::{Value, json};

use crate::meta;

/// Which metrics API a fed value answers for, as in an HPA's `metrics[].type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedKind {
    /// `external.metrics.k8s.io`: the value of the metric (summed over its series).
    External,
    /// `custom.metrics.k8s.io` for pods: the value every pod reports (the per-pod average).
    Pods,
    /// `custom.metrics.k8s.io` for one object, e.g. a Service.
    Object,
}

impl FeedKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "External" => Some(FeedKind::External),
            "Pods" => Some(FeedKind::Pods),
            "Object" => Some(FeedKind::Object),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FeedKind::External => "External",
            FeedKind::Pods => "Pods",
            FeedKind::Object => "Object",
        }
    }
}

/// One fed metric value.
#[derive(Debug, Clone, PartialEq)]
pub struct FedMetric {
    pub namespace: String,
    pub kind: FeedKind,
    pub name: String,
    /// The metric selector this value answers; None answers every selector.
    pub selector: Option<Value>,
    /// The described object (`{"kind": "Service", "name": "x"}`) of an Object metric.
    pub object: Option<(String, String)>,
    /// In base units (a quantity's value).
    pub value: f64,
}

impl FedMetric {
    fn same_key(&self, o: &FedMetric) -> bool {
        self.namespace == o.namespace
            && self.kind == o.kind
            && self.name == o.name
            && self.selector == o.selector
            && self.object == o.object
    }

    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "namespace": self.namespace,
            "kind": self.kind.as_str(),
            "name": self.name,
            "value": self.value,
        });
        if let Some(s) = &self.selector {
            v["selector"] = s.clone();
        }
        if let Some((k, n)) = &self.object {
            v["object"] = json!({"kind": k, "name": n});
        }
        v
    }

    /// Parse a `POST /_sim/hpa-metrics` body: the metric, and whether it is to be removed
    /// (`"value": null`).
    pub fn parse(body: &Value) -> Result<(FedMetric, bool), String> {
        let s = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_string);
        let (Some(namespace), Some(kind), Some(name)) = (s("namespace"), s("kind"), s("name"))
        else {
            return Err("hpa-metrics needs \"namespace\", \"kind\" and \"name\"".into());
        };
        let kind = FeedKind::parse(&kind).ok_or_else(|| {
            format!("kind {kind:?}: one of External, Pods, Object (Resource metrics come from pod usage: POST /_sim/usage)")
        })?;
        let object = match (kind, body.get("object")) {
            (FeedKind::Object, Some(o)) => {
                let f = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_string);
                match (f("kind"), f("name")) {
                    (Some(k), Some(n)) => Some((k, n)),
                    _ => return Err("\"object\" needs \"kind\" and \"name\"".into()),
                }
            }
            (FeedKind::Object, None) => {
                return Err("an Object metric needs \"object\": {\"kind\", \"name\"}".into());
            }
            _ => None,
        };
        let selector = body.get("selector").filter(|s| !s.is_null()).cloned();
        let remove = body.get("value").is_none_or(Value::is_null);
        let value = match body.get("value") {
            Some(v) if !v.is_null() => meta::parse_quantity(v)
                .ok_or_else(|| format!("value {v}: a number or a quantity such as \"500m\""))?,
            _ => 0.0,
        };
        let m = FedMetric {
            namespace,
            kind,
            name,
            selector,
            object,
            value,
        };
        Ok((m, remove))
    }
}

/// The fed values.
#[derive(Default)]
pub struct HpaFeed {
    values: Mutex<Vec<FedMetric>>,
}

impl HpaFeed {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<FedMetric>> {
        self.values.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Set (or replace) a value.
    pub fn set(&self, m: FedMetric) {
        let mut v = self.lock();
        v.retain(|o| !o.same_key(&m));
        v.push(m);
    }

    /// Remove a value; was there one?
    pub fn remove(&self, m: &FedMetric) -> bool {
        let mut v = self.lock();
        let before = v.len();
        v.retain(|o| !o.same_key(m));
        v.len() != before
    }

    pub fn list(&self) -> Vec<FedMetric> {
        self.lock().clone()
    }

    /// The value for a metric of an HPA in `ns`: one fed for exactly this selector, else
    /// one fed without a selector.
    pub fn lookup(
        &self,
        ns: &str,
        kind: FeedKind,
        name: &str,
        selector: Option<&Value>,
        object: Option<(&str, &str)>,
    ) -> Option<f64> {
        let v = self.lock();
        let candidates = || {
            v.iter().filter(|m| {
                m.namespace == ns
                    && m.kind == kind
                    && m.name == name
                    && m.object.as_ref().map(|(k, n)| (k.as_str(), n.as_str())) == object
            })
        };
        let selector = selector.filter(|s| !s.is_null());
        candidates()
            .find(|m| m.selector.as_ref() == selector)
            .or_else(|| candidates().find(|m| m.selector.is_none()))
            .map(|m| m.value)
    }
}
