//! `agentdeck metrics`: which LLM stacks' metrics the namespace has, and the PromQL in
//! use for each quantity — ready to paste into Grafana — with what the stack cannot tell.
//! The same detection and plan the dashboard and `status` use ([`crate::metrics::plan`]).

use std::time::Instant;

use serde_json::{Value, json};

use crate::config::Config;
use crate::error::Error;
use crate::metrics::detect::{self, Found};
use crate::metrics::plan::{Choice, Plan, Source};
use crate::metrics::{Feed, Scope, scope};
use crate::output::Output;

/// What `metrics` found: the probe, the plan, and the probe's time.
pub struct Report {
    pub url: String,
    pub scope: Scope,
    pub probe: Result<Found, String>,
    pub probe_ms: u128,
    pub plan: Plan,
}

/// Probe the Prometheus of `feed` for `namespace` and plan every quantity.
pub async fn report(cfg: &Config, feed: &Feed, namespace: &str) -> Result<Report, Error> {
    let Feed::Prometheus(client, url) = feed else {
        return Err(Error::Usage(
            "metrics: no Prometheus configured (give --prometheus-url or set prometheus.url in the config)".into(),
        ));
    };
    let scope = Scope::of(cfg, namespace);
    let started = Instant::now();
    let probe = detect::detect(client, &scope)
        .await
        .map_err(|e| e.to_string());
    let probe_ms = started.elapsed().as_millis();
    let plan = match &probe {
        Ok(f) => Plan::build(&cfg.prometheus, namespace, Some(f), None),
        Err(e) => Plan::build(&cfg.prometheus, namespace, None, Some(e.clone())),
    };
    Ok(Report {
        url: url.clone(),
        scope,
        probe,
        probe_ms,
        plan,
    })
}

fn choice_words(c: &Choice) -> String {
    match c {
        Choice::Configured(p) => {
            format!("{} (configured: prometheus.profile = {:?})", p.name, p.id)
        }
        Choice::Detected(ps) if ps.is_empty() => "none detected".into(),
        Choice::Detected(ps) => ps.iter().map(|p| p.name).collect::<Vec<_>>().join(", "),
        Choice::Undetected(why) => format!("detection failed ({why}): the example profile is used"),
    }
}

/// The report as JSON.
pub fn to_json(r: &Report) -> Value {
    let quantities: Vec<Value> = r
        .plan
        .sources
        .iter()
        .map(|(q, s)| match s {
            Source::Query {
                promql,
                from,
                model_labels,
            } => json!({
                "quantity": q.key(), "what": q.what(), "from": from,
                "promql": scope::render(promql, &r.scope), "modelLabels": model_labels,
            }),
            Source::Cannot { why, from } => json!({
                "quantity": q.key(), "what": q.what(), "from": from, "cannotTell": why,
            }),
        })
        .collect();
    let probe = match &r.probe {
        Ok(f) => {
            json!({"query": f.query, "rows": f.rows, "ms": r.probe_ms as u64, "found": f.metrics})
        }
        Err(e) => json!({"error": e, "ms": r.probe_ms as u64}),
    };
    json!({
        "prometheus": r.url, "namespace": r.scope.namespace,
        "stacks": choice_words(&r.plan.choice), "label": r.plan.label(),
        "probe": probe, "quantities": quantities,
    })
}

/// The report as text: the probe, the stacks, then one line per quantity.
pub fn to_text(r: &Report) -> String {
    let mut s = format!("prometheus {} · namespace {}\n", r.url, r.scope.namespace);
    match &r.probe {
        Ok(f) => {
            s.push_str(&format!(
                "probed: {}\n  → {} rows in {} ms\n",
                f.query, f.rows, r.probe_ms
            ));
            for (metric, labels) in &f.metrics {
                let l: Vec<String> = labels
                    .iter()
                    .map(|(k, v)| {
                        format!("{k}={}", v.iter().cloned().collect::<Vec<_>>().join("|"))
                    })
                    .collect();
                s.push_str(&format!("  found {metric} {}\n", l.join(" ")));
            }
        }
        Err(e) => s.push_str(&format!("probe failed: {e}\n")),
    }
    s.push_str(&format!("stacks: {}\n\n", choice_words(&r.plan.choice)));
    for (q, src) in &r.plan.sources {
        match src {
            Source::Query { promql, from, .. } => s.push_str(&format!(
                "{:<26} {from}\n    {}\n",
                q.key(),
                scope::render(promql, &r.scope)
            )),
            Source::Cannot { why, from } => {
                s.push_str(&format!("{:<26} cannot tell ({from}): {why}\n", q.key()))
            }
        }
    }
    s
}

/// The whole command.
pub async fn run(
    cfg: &Config,
    feed: &Feed,
    namespace: &str,
    output: Option<Output>,
) -> Result<u8, Error> {
    let r = report(cfg, feed, namespace).await?;
    let out = match output {
        Some(f @ (Output::Json | Output::Yaml)) => crate::output::render(&to_json(&r), f),
        _ => crate::text::printable_lines(&to_text(&r)),
    };
    print!("{out}");
    Ok(if r.probe.is_ok() { 0 } else { 1 })
}
