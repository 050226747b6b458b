//! Alerting: agentdeck's detections as Prometheus alerting rules ([`rules`],
//! [`kube_rules`]) and the rule file or `PrometheusRule` object they are printed as.

pub mod client;
pub mod feed;
pub mod kube_rules;
pub mod model;
pub mod rules;

pub use client::{AlertsClient, AlertsError, Backend, NewSilence};
pub use feed::{AlertsReading, Fetched};
pub use model::{Alert, AlertState, Matcher, Silence};

use serde_json::{Value, json};

use rules::{Group, Skipped};

/// How the rules are packaged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum RulesFormat {
    /// A Prometheus rule file (`groups:`), for `rule_files`.
    #[default]
    Prometheus,
    /// A `monitoring.coreos.com/v1` PrometheusRule object, for the Prometheus Operator.
    PrometheusOperator,
}

/// The name of the PrometheusRule object agentdeck writes.
pub const RULE_OBJECT: &str = "agentdeck-runbook";

/// The rule file (or the PrometheusRule object) holding `groups`.
pub fn document(groups: &[Group], format: RulesFormat, namespace: &str) -> Value {
    let groups = serde_json::to_value(groups).unwrap_or(Value::Null);
    match format {
        RulesFormat::Prometheus => json!({ "groups": groups }),
        RulesFormat::PrometheusOperator => json!({
            "apiVersion": "monitoring.coreos.com/v1",
            "kind": "PrometheusRule",
            "metadata": {
                "name": RULE_OBJECT,
                "namespace": namespace,
                "labels": {"app.kubernetes.io/managed-by": "agentdeck"},
            },
            "spec": { "groups": groups },
        }),
    }
}

/// The metric rules of profile `p` for the namespace of `scope`, read from the profile's
/// PromQL (any of its spellings) or the config's custom queries.
pub fn profile_group(
    cfg: &crate::config::Config,
    scope: &crate::metrics::Scope,
    p: &crate::metrics::profiles::Profile,
    t: &rules::Thresholds,
) -> (Group, Vec<Skipped>) {
    let source = |q| crate::metrics::plan::any_spelling(&cfg.prometheus, p, q);
    let s = rules::Signals {
        source: &source,
        scope,
        latency_layer: Some(p.layer),
        profile: Some(p.id),
    };
    rules::metric_group(&format!("agentdeck-{}-{}", scope.namespace, p.id), &s, t)
}

/// The PrometheusRule `deploy` applies with the bundled stack: the runbook's rules for the
/// configured profile (the bundled agents' own, `example`, when it is detected per
/// namespace) and the kube-state-metrics rules, in the stack's namespace.
pub fn bundled_rule_object(cfg: &crate::config::Config) -> Value {
    let ns = &cfg.stack.namespace;
    let scope = crate::metrics::Scope::of(cfg, ns);
    let t = rules::Thresholds::of(cfg);
    let profile = crate::metrics::profiles::by_id(&cfg.prometheus.profile)
        .or_else(|| crate::metrics::profiles::by_id("example"));
    let mut groups: Vec<Group> = profile
        .map(|p| profile_group(cfg, &scope, p, &t).0)
        .into_iter()
        .collect();
    groups.push(kube_rules::group(
        &format!("agentdeck-{ns}-kube-state-metrics"),
        ns,
        &t,
    ));
    document(&groups, RulesFormat::PrometheusOperator, ns)
}

/// The YAML comment that heads the rules: where they come from, and the rules that could
/// not be written with why.
pub fn header(source: &str, skipped: &[Skipped]) -> String {
    let mut s = format!("# agentdeck's runbook as alerting rules ({source})\n");
    for k in skipped {
        s.push_str(&format!(
            "# not written: {} in {} — {}\n",
            k.alert, k.group, k.why
        ));
    }
    s
}
