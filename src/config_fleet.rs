//! The `[fleet]` section: which contexts the fleet view watches, and where each cluster's
//! metrics are — a Prometheus of its own (`[fleet.prometheus] CONTEXT = URL`, or a table
//! with `[prometheus]`'s keys), or the one shared `[prometheus]` backend (Thanos, Mimir,
//! VictoriaMetrics) in which `cluster_label` tells the clusters apart.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config_prometheus::PrometheusConfig;
use crate::endpoint::Headers;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FleetConfig {
    /// The contexts of the fleet view when the command line names none (`--contexts`,
    /// `--all-contexts`): names or globs (`prod-*`).
    pub contexts: Vec<String>,
    /// With one shared metrics backend: the label that names the cluster of a series
    /// (e.g. "cluster"); every query gains `LABEL="VALUE"`.
    pub cluster_label: Option<String>,
    /// A context's value of `cluster_label` (default: the context's name).
    pub cluster_values: BTreeMap<String, String>,
    /// A context's own Prometheus: `CONTEXT = "URL"`, or a table of `[prometheus]`'s keys
    /// (`url`, `bearer_token_file`, `headers`, …) that override `[prometheus]` for it.
    pub prometheus: BTreeMap<String, toml::Value>,
    /// A context's extra headers on the shared backend (a multi-tenant one's
    /// `X-Scope-OrgID`).
    pub headers: BTreeMap<String, Headers>,
    /// Seconds between two readings of a cluster's row.
    pub refresh_secs: f64,
    /// Seconds the full watchers of a cluster dived into stay after leaving it (`Esc`),
    /// so coming back is instant; then they are dropped.
    pub linger_secs: f64,
    /// Clusters connecting (and running their exec credential plugins) at once.
    pub max_connecting: usize,
}

impl Default for FleetConfig {
    fn default() -> Self {
        FleetConfig {
            contexts: Vec::new(),
            cluster_label: None,
            cluster_values: BTreeMap::new(),
            prometheus: BTreeMap::new(),
            headers: BTreeMap::new(),
            refresh_secs: 5.0,
            linger_secs: 60.0,
            max_connecting: 4,
        }
    }
}

/// Where one context's metrics come from.
#[derive(Debug, Clone, PartialEq)]
pub enum MetricsPlace {
    /// Its own Prometheus (`[fleet.prometheus]`), the settings merged over `[prometheus]`.
    Own(Box<PrometheusConfig>),
    /// The shared backend, the queries scoped by `label="value"`, with the context's
    /// extra headers.
    Shared {
        cfg: Box<PrometheusConfig>,
        label: String,
        value: String,
    },
    /// The shared backend knows no clusters apart: its numbers would be every cluster's.
    Blended,
    /// No metrics source at all.
    None,
}

impl FleetConfig {
    /// Where `context`'s metrics come from; `base` is `[prometheus]` with the command
    /// line's URL applied.
    pub fn metrics_for(
        &self,
        base: &PrometheusConfig,
        context: &str,
    ) -> Result<MetricsPlace, String> {
        if let Some(own) = self.prometheus.get(context) {
            return own_prometheus(base, context, own).map(|c| MetricsPlace::Own(Box::new(c)));
        }
        if base.url.is_none() {
            return Ok(MetricsPlace::None);
        }
        let Some(label) = &self.cluster_label else {
            return Ok(MetricsPlace::Blended);
        };
        let mut cfg = base.clone();
        if let Some(h) = self.headers.get(context) {
            cfg.headers.0.extend(h.0.clone());
        }
        Ok(MetricsPlace::Shared {
            cfg: Box::new(cfg),
            label: label.clone(),
            value: self
                .cluster_values
                .get(context)
                .cloned()
                .unwrap_or_else(|| context.to_string()),
        })
    }

    pub fn validate(&self, base: &PrometheusConfig) -> Result<(), String> {
        if !(self.refresh_secs >= 1.0 && self.refresh_secs <= 3600.0) {
            return Err(format!(
                "fleet.refresh_secs = {}: must be 1 to 3600",
                self.refresh_secs
            ));
        }
        if !(self.linger_secs >= 0.0 && self.linger_secs <= 86400.0) {
            return Err(format!(
                "fleet.linger_secs = {}: must be 0 to 86400",
                self.linger_secs
            ));
        }
        if !(1..=64).contains(&self.max_connecting) {
            return Err(format!(
                "fleet.max_connecting = {}: must be 1 to 64",
                self.max_connecting
            ));
        }
        if let Some(l) = &self.cluster_label
            && !is_label_name(l)
        {
            return Err(format!(
                "fleet.cluster_label = {:?}: not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)",
                crate::text::printable(l)
            ));
        }
        for (context, own) in &self.prometheus {
            own_prometheus(base, context, own)?;
        }
        Ok(())
    }
}

/// A Prometheus label name.
pub(crate) fn is_label_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `[fleet.prometheus] CONTEXT = …` over `[prometheus]`: a URL, or a table of its keys.
fn own_prometheus(
    base: &PrometheusConfig,
    context: &str,
    own: &toml::Value,
) -> Result<PrometheusConfig, String> {
    let key = format!("fleet.prometheus.{:?}", crate::text::printable(context));
    let mut table = toml::Value::try_from(base)
        .ok()
        .and_then(|v| v.as_table().cloned())
        .ok_or_else(|| format!("{key}: [prometheus] cannot be copied"))?;
    match own {
        toml::Value::String(url) => {
            table.insert("url".into(), toml::Value::String(url.clone()));
        }
        toml::Value::Table(t) => {
            for (k, v) in t {
                table.insert(k.clone(), v.clone());
            }
        }
        _ => {
            return Err(format!(
                "{key}: a URL (\"http://…\") or a table of [prometheus]'s keys"
            ));
        }
    }
    let cfg: PrometheusConfig = toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| format!("{key}: {}", e.message()))?;
    match &cfg.url {
        Some(u) if u.starts_with("http://") || u.starts_with("https://") => {}
        Some(u) => {
            return Err(format!(
                "{key}: url {:?} must start with http:// or https://",
                crate::text::printable(u)
            ));
        }
        None => return Err(format!("{key}: no url")),
    }
    cfg.validate_client().map_err(|e| format!("{key}: {e}"))?;
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fleet(text: &str) -> FleetConfig {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn a_context_of_its_own_overrides_prometheus() {
        let base = PrometheusConfig {
            url: Some("http://shared:9090".into()),
            timeout_secs: 3.0,
            ..Default::default()
        };
        let f = fleet(
            "cluster_label = \"cluster\"\n[prometheus]\neu = \"http://eu:9090\"\nus = { url = \"https://us:9090\", timeout_secs = 9.0 }\n[cluster_values]\nap = \"ap-south-1\"\n[headers.ap]\nX-Scope-OrgID = \"ap\"\n",
        );
        f.validate(&base).unwrap();
        match f.metrics_for(&base, "eu").unwrap() {
            MetricsPlace::Own(c) => {
                assert_eq!(c.url.as_deref(), Some("http://eu:9090"));
                assert_eq!(c.timeout_secs, 3.0);
            }
            other => panic!("{other:?}"),
        }
        match f.metrics_for(&base, "us").unwrap() {
            MetricsPlace::Own(c) => assert_eq!(c.timeout_secs, 9.0),
            other => panic!("{other:?}"),
        }
        match f.metrics_for(&base, "ap").unwrap() {
            MetricsPlace::Shared { cfg, label, value } => {
                assert_eq!((label.as_str(), value.as_str()), ("cluster", "ap-south-1"));
                assert_eq!(
                    cfg.headers.0.get("X-Scope-OrgID").map(String::as_str),
                    Some("ap")
                );
            }
            other => panic!("{other:?}"),
        }
        match f.metrics_for(&base, "staging").unwrap() {
            MetricsPlace::Shared { value, .. } => assert_eq!(value, "staging"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn without_a_label_a_shared_backend_is_blended_and_bad_entries_are_named() {
        let base = PrometheusConfig {
            url: Some("http://shared:9090".into()),
            ..Default::default()
        };
        assert_eq!(
            FleetConfig::default().metrics_for(&base, "a").unwrap(),
            MetricsPlace::Blended
        );
        assert_eq!(
            FleetConfig::default()
                .metrics_for(&PrometheusConfig::default(), "a")
                .unwrap(),
            MetricsPlace::None
        );
        let e = fleet("[prometheus]\neu = \"eu:9090\"\n")
            .validate(&base)
            .unwrap_err();
        assert!(
            e.contains("fleet.prometheus.\"eu\"") && e.contains("http://"),
            "{e}"
        );
        let e = fleet("[prometheus]\neu = { urll = \"http://eu\" }\n")
            .validate(&base)
            .unwrap_err();
        assert!(e.contains("urll"), "{e}");
        let e = fleet("cluster_label = \"clu-ster\"\n")
            .validate(&base)
            .unwrap_err();
        assert!(e.contains("label name"), "{e}");
    }
}
