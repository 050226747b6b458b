//! The runbook as Prometheus alerting rules: agentdeck's metric-based detections, written as
//! PromQL Prometheus evaluates itself when no terminal is open, with the thresholds and the
//! window of the config. Each rule's expression is built from the same sources the
//! dashboard reads ([`crate::metrics::plan`]) — the profile's PromQL, or a custom query —
//! so a rule fires on the signal the dashboard would show as the problem. Labels
//! `severity`, `namespace` and `agentdeck_problem` (the problem's id, so the dashboard
//! shows an alert and its own detection once); annotations summary, description and the
//! agentdeck key that fixes it, or the advice where no key does. Pure: no I/O.
//!
//! The cluster-side incidents are rules over kube-state-metrics' series (names from its
//! docs/pod-metrics.md and docs/horizontalpodautoscaler-metrics.md; the crash-loop form
//! is kubernetes-mixin's `KubePodCrashLooping`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::Config;
use crate::metrics::plan::{Quantity, Source};
use crate::metrics::profiles::Layer;
use crate::metrics::scope::{self, Scope};
use crate::problems::Severity;

/// One alerting rule, as Prometheus' rule files spell it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    pub alert: String,
    pub expr: String,
    #[serde(rename = "for", skip_serializing_if = "String::is_empty")]
    pub for_: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

/// A rule group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub name: String,
    pub rules: Vec<Rule>,
}

/// A rule that was not written, and why (the stack cannot tell its signal).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    pub group: String,
    pub alert: String,
    pub why: String,
}

/// The thresholds and window of the config the rules carry.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    pub window: String,
    pub unauthorized: f64,
    pub timeout: f64,
    pub rate_limited: f64,
    pub p95_ms: f64,
}

impl Thresholds {
    pub fn of(cfg: &Config) -> Thresholds {
        Thresholds {
            window: cfg.problems.window.clone(),
            unauthorized: cfg.problems.unauthorized_ratio,
            timeout: cfg.problems.timeout_ratio,
            rate_limited: cfg.problems.rate_limited_ratio,
            p95_ms: cfg.status.p95_threshold_ms,
        }
    }
}

/// What one group's metric rules are built from: each quantity's PromQL, already
/// rendered for the namespace, or why it cannot be had.
pub struct Signals<'a> {
    pub source: &'a dyn Fn(Quantity) -> Source,
    pub scope: &'a Scope,
    /// The layer the latency comes from: a model server's own latency is not the
    /// provider's, so no "provider slow" rule is written for it.
    pub latency_layer: Option<Layer>,
    /// The profile the PromQL is of, as the label `agentdeck_profile` (rules of several
    /// profiles in one file stay distinct).
    pub profile: Option<&'static str>,
}

impl Signals<'_> {
    fn promql(&self, q: Quantity) -> Result<String, String> {
        match (self.source)(q) {
            Source::Query { promql, .. } => Ok(scope::render(&promql, self.scope)),
            Source::Cannot { why, from } => Err(format!("{from}: {why}")),
        }
    }
}

/// A threshold as PromQL: six decimals at most, no float noise (`5.005`, not
/// `5.004999999999999`).
fn num(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" {
        "0".into()
    } else {
        s.to_string()
    }
}

struct Spec {
    alert: &'static str,
    problem: &'static str,
    severity: Severity,
    summary: &'static str,
    description: String,
    /// "K rotate key · agentdeck -n NS rotate-key", or the advice.
    fix: Option<String>,
    advice: Option<&'static str>,
}

fn rule(spec: Spec, expr: String, t: &Thresholds, namespace: &str) -> Rule {
    let severity = match spec.severity {
        Severity::Critical => "critical",
        Severity::Warning => "warning",
    };
    let labels = BTreeMap::from([
        ("severity".to_string(), severity.to_string()),
        ("namespace".to_string(), namespace.to_string()),
        ("agentdeck_problem".to_string(), spec.problem.to_string()),
    ]);
    let mut annotations = BTreeMap::from([
        ("summary".to_string(), spec.summary.to_string()),
        ("description".to_string(), spec.description),
    ]);
    if let Some(f) = spec.fix {
        annotations.insert("agentdeck_fix".into(), f);
    }
    if let Some(a) = spec.advice {
        annotations.insert("agentdeck_advice".into(), a.into());
    }
    Rule {
        alert: spec.alert.to_string(),
        expr,
        for_: t.window.clone(),
        labels,
        annotations,
    }
}

/// `share >= threshold` while requests flow (no requests: no share to speak of).
fn share_rule(s: &Signals, share: Quantity, threshold: f64) -> Result<String, String> {
    let share = s.promql(share)?;
    let rate = s.promql(Quantity::RecentRequestRate)?;
    Ok(format!(
        "({share}) >= {} and on() ({rate}) > 0",
        num(threshold)
    ))
}

/// The provider's side: the key rejected, timeouts, throttling, slowness; for stacks that
/// group status codes, the 4xx and 5xx shares instead.
pub fn metric_group(name: &str, s: &Signals, t: &Thresholds) -> (Group, Vec<Skipped>) {
    let ns = s.scope.namespace.as_str();
    let mut rules = Vec::new();
    let mut skipped = Vec::new();
    let mut add = |spec: Spec, expr: Result<String, String>| match expr {
        Ok(e) => {
            let mut r = rule(spec, e, t, ns);
            if let Some(p) = s.profile {
                r.labels.insert("agentdeck_profile".into(), p.into());
            }
            rules.push(r)
        }
        Err(why) => skipped.push(Skipped {
            group: name.to_string(),
            alert: spec.alert.to_string(),
            why,
        }),
    };
    let window = &t.window;
    let exact_401 = s.promql(Quantity::RecentUnauthorized).is_ok();
    if exact_401 || s.promql(Quantity::RecentClientErrors).is_err() {
        add(
            unauthorized(ns, window),
            share_rule(s, Quantity::RecentUnauthorized, t.unauthorized),
        );
    } else {
        add(
            grouped(4, ns, window),
            share_rule(s, Quantity::RecentClientErrors, t.unauthorized),
        );
    }
    let exact_504 = s.promql(Quantity::RecentTimeout).is_ok();
    if exact_504 || s.promql(Quantity::RecentServerErrors).is_err() {
        add(
            timeouts(ns, window),
            share_rule(s, Quantity::RecentTimeout, t.timeout),
        );
    } else {
        add(
            grouped(5, ns, window),
            share_rule(s, Quantity::RecentServerErrors, t.timeout),
        );
    }
    add(
        rate_limited(ns, window),
        share_rule(s, Quantity::RecentRateLimited, t.rate_limited),
    );
    add(slow_spec(ns, window, t.p95_ms), slow_expr(s, t));
    (
        Group {
            name: name.to_string(),
            rules,
        },
        skipped,
    )
}

fn unauthorized(ns: &str, window: &str) -> Spec {
    Spec {
        alert: "AgentProviderUnauthorized",
        problem: "provider-unauthorized",
        severity: Severity::Critical,
        summary: "Provider rejects the API key",
        description: format!(
            "401 on {{{{ $value | humanizePercentage }}}} of the agents' requests in {ns} over the last {window}"
        ),
        fix: Some(format!("K rotate key · agentdeck -n {ns} rotate-key")),
        advice: None,
    }
}

fn grouped(class: u8, ns: &str, window: &str) -> Spec {
    let (alert, problem, summary, advice) = if class == 4 {
        (
            "AgentsAnswer4xx",
            "agents-4xx",
            "Agents answer 4xx",
            "a rejected provider key is one cause among wrong URLs and bad requests: read the agents' logs before rotating the key",
        )
    } else {
        (
            "AgentsAnswer5xx",
            "agents-5xx",
            "Agents answer 5xx",
            "timeouts to the provider are one cause among crashes and bugs: read the agents' logs and the provider's status page",
        )
    };
    Spec {
        alert,
        problem,
        severity: Severity::Warning,
        summary,
        description: format!(
            "{class}xx on {{{{ $value | humanizePercentage }}}} of the agents' requests in {ns} over the last {window} (the stack groups status codes)"
        ),
        fix: None,
        advice: Some(advice),
    }
}

fn timeouts(ns: &str, window: &str) -> Spec {
    Spec {
        alert: "AgentProviderTimeouts",
        problem: "provider-timeouts",
        severity: Severity::Critical,
        summary: "Provider calls time out",
        description: format!(
            "504 on {{{{ $value | humanizePercentage }}}} of the agents' requests in {ns} over the last {window}"
        ),
        fix: None,
        advice: Some(
            "check the egress path: the NetworkPolicies (agentdeck shows a blocking one, N restores it), proxy, DNS, the provider's status page",
        ),
    }
}

fn rate_limited(ns: &str, window: &str) -> Spec {
    Spec {
        alert: "AgentProviderRateLimited",
        problem: "provider-rate-limited",
        severity: Severity::Warning,
        summary: "Provider rate-limits us",
        description: format!(
            "429 on {{{{ $value | humanizePercentage }}}} of the agents' requests in {ns} over the last {window}"
        ),
        fix: None,
        advice: Some(
            "the provider throttles us: more replicas make it worse; spread load across models or keys, check the quota",
        ),
    }
}

fn slow_spec(ns: &str, window: &str, p95_ms: f64) -> Spec {
    Spec {
        alert: "AgentProviderSlow",
        problem: "provider-slow",
        severity: Severity::Warning,
        summary: "Provider slow",
        description: format!(
            "p95 {{{{ $value | humanizeDuration }}}} over the last {window} in {ns} (threshold {}), no timeouts",
            crate::format::ms(p95_ms)
        ),
        fix: None,
        advice: Some(
            "the provider's latency, not ours: check its status page; scaling will not help",
        ),
    }
}

/// A quantile at a histogram bucket's bound reads as the bound give or take rounding: the
/// rule's threshold sits just above it, as the dashboard's does.
const AT_THE_BOUND: f64 = 1e-3;

/// p95 over the threshold, with no timeouts and the key not rejected (those explain it).
fn slow_expr(s: &Signals, t: &Thresholds) -> Result<String, String> {
    if s.latency_layer == Some(Layer::Server) {
        return Err("a model server's latency grows with what it generates: there is no provider behind it to call slow".into());
    }
    let p95 = s.promql(Quantity::RecentP95)?;
    let mut expr = format!(
        "({p95}) > {}",
        num(t.p95_ms / 1000.0 * (1.0 + AT_THE_BOUND))
    );
    if let Ok(q) = s.promql(Quantity::RecentTimeout) {
        expr.push_str(&format!(" unless on() (({q}) > 0)"));
    }
    if let Ok(q) = s.promql(Quantity::RecentUnauthorized) {
        expr.push_str(&format!(" unless on() (({q}) >= {})", num(t.unauthorized)));
    }
    Ok(expr)
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
