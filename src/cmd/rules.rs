//! `agentdeck rules`: the runbook's metric-based detections (and the cluster-side ones,
//! over kube-state-metrics) as Prometheus alerting rules, for the metric profile in use.

use clap::Args;

use crate::alerts::rules::{self, Group, Signals, Skipped, Thresholds};
use crate::alerts::{self, RulesFormat, kube_rules};
use crate::config::Config;
use crate::error::Error;
use crate::metrics::plan::{Plan, Quantity};
use crate::metrics::profiles;
use crate::metrics::{Feed, Scope};
use crate::output::Output;

#[derive(Debug, Clone, Default, Args)]
pub struct RulesArgs {
    /// The metric profile the rules read (example, otel-genai, litellm, vllm, fastapi, tgi,
    /// or `all` for a group per profile); default: `[prometheus] profile`, else the stacks
    /// detected in the namespace's Prometheus.
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<String>,
    /// prometheus (a rule file for `rule_files`) or prometheus-operator (a PrometheusRule).
    #[arg(long, value_enum, default_value_t)]
    pub format: RulesFormat,
    /// yaml (the default) or json.
    #[arg(short = 'o', long, value_name = "FORMAT", value_parser = crate::output::parse_op)]
    pub output: Option<Output>,
}

/// The groups, the rules left out, and where the profile choice came from.
pub struct RuleSet {
    pub groups: Vec<Group>,
    pub skipped: Vec<Skipped>,
    pub source: String,
}

fn plan_group(scope: &Scope, plan: &Plan, t: &Thresholds) -> (Group, Vec<Skipped>) {
    let source = |q: Quantity| plan.source(q).clone();
    let s = Signals {
        source: &source,
        scope,
        latency_layer: plan.layer(Quantity::RecentP95),
        profile: None,
    };
    rules::metric_group(&format!("agentdeck-{}-llm", scope.namespace), &s, t)
}

fn unknown_profile(id: &str) -> Error {
    Error::Usage(format!(
        "rules: unknown profile {id:?}: use one of {}, or all",
        profiles::ids().join(", ")
    ))
}

/// The rules for `namespace`: for the profile asked, the configured one, or the stacks
/// detected through `feed`.
pub async fn rule_set(
    cfg: &Config,
    feed: &Feed,
    namespace: &str,
    profile: Option<&str>,
) -> Result<RuleSet, Error> {
    let scope = Scope::of(cfg, namespace);
    let t = Thresholds::of(cfg);
    let configured = profiles::by_id(&cfg.prometheus.profile).map(|p| p.id);
    let (mut parts, source) = match profile.or(configured) {
        Some("all") => (
            profiles::PROFILES
                .iter()
                .map(|p| alerts::profile_group(cfg, &scope, p, &t))
                .collect(),
            "every metric profile".to_string(),
        ),
        Some(id) => {
            let p = profiles::by_id(id).ok_or_else(|| unknown_profile(id))?;
            let how = if profile.is_some() {
                "--profile"
            } else {
                "prometheus.profile"
            };
            (
                vec![alerts::profile_group(cfg, &scope, p, &t)],
                format!("{} ({how})", p.name),
            )
        }
        None => {
            let report = super::metrics::report(cfg, feed, namespace)
                .await
                .map_err(|e| undetected(namespace, &e.to_string()))?;
            if let Err(why) = &report.probe {
                return Err(undetected(namespace, why));
            }
            if report.plan.label() == "no LLM metrics found" {
                return Err(undetected(namespace, "no LLM stack's metrics found"));
            }
            let source = format!("{}, detected at {}", report.plan.label(), report.url);
            (vec![plan_group(&scope, &report.plan, &t)], source)
        }
    };
    let kube = kube_rules::group(
        &format!("agentdeck-{namespace}-kube-state-metrics"),
        namespace,
        &t,
    );
    parts.push((kube, Vec::new()));
    let (groups, skipped): (Vec<Group>, Vec<Vec<Skipped>>) = parts.into_iter().unzip();
    Ok(RuleSet {
        groups,
        skipped: skipped.into_iter().flatten().collect(),
        source,
    })
}

fn undetected(namespace: &str, why: &str) -> Error {
    Error::Usage(format!(
        "rules: cannot tell which LLM stack the agents in {namespace} export ({why}): pass --profile (one of {}, or all), or set [prometheus] profile",
        profiles::ids().join(", ")
    ))
}

/// The whole command.
pub async fn run(cfg: &Config, feed: &Feed, namespace: &str, args: RulesArgs) -> Result<u8, Error> {
    let set = rule_set(cfg, feed, namespace, args.profile.as_deref()).await?;
    let doc = alerts::document(&set.groups, args.format, namespace);
    match args.output {
        Some(Output::Json) => {
            for k in &set.skipped {
                eprintln!("not written: {} in {} — {}", k.alert, k.group, k.why);
            }
            print!("{}", crate::output::render(&doc, Output::Json));
        }
        _ => print!(
            "{}{}",
            alerts::header(&set.source, &set.skipped),
            crate::output::render(&doc, Output::Yaml)
        ),
    }
    Ok(0)
}
