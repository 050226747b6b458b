//! The plan: for every quantity the dashboard shows, the PromQL that computes it and where
//! that PromQL comes from (a detected or configured [`Profile`], or the user's own query),
//! or in words why it cannot be computed. Built from the config and what detection found
//! ([`super::detect`]); pure, no I/O.

use super::detect::Found;
use super::profiles::{self, Profile, Signal, Spelling};
use crate::config::PrometheusConfig;

/// Every quantity the dashboard reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Quantity {
    P50,
    P95,
    Tokens,
    RequestRate,
    Unauthorized,
    RecentRequestRate,
    RecentUnauthorized,
    RecentTimeout,
    RecentP95,
    RecentRateLimited,
    RecentClientErrors,
    RecentServerErrors,
    Spend,
    Servers,
    /// Per agent (or route): p95 latency, requests per second, share failed.
    AgentP95,
    AgentRequestRate,
    AgentErrors,
    /// The provider's own probe (blackbox exporter), over the short window: the share of
    /// probes that succeeded, and their duration.
    ProviderUp,
    ProviderProbe,
}

impl Quantity {
    pub const ALL: [Quantity; 19] = [
        Quantity::P50,
        Quantity::P95,
        Quantity::Tokens,
        Quantity::RequestRate,
        Quantity::Unauthorized,
        Quantity::RecentRequestRate,
        Quantity::RecentUnauthorized,
        Quantity::RecentTimeout,
        Quantity::RecentP95,
        Quantity::RecentRateLimited,
        Quantity::RecentClientErrors,
        Quantity::RecentServerErrors,
        Quantity::Spend,
        Quantity::Servers,
        Quantity::AgentP95,
        Quantity::AgentRequestRate,
        Quantity::AgentErrors,
        Quantity::ProviderUp,
        Quantity::ProviderProbe,
    ];

    /// The key under `[prometheus.queries]` (a query there wins over the profile).
    pub fn key(self) -> &'static str {
        match self {
            Quantity::P50 => "p50_seconds",
            Quantity::P95 => "p95_seconds",
            Quantity::Tokens => "tokens_per_second",
            Quantity::RequestRate => "request_rate",
            Quantity::Unauthorized => "unauthorized_ratio",
            Quantity::RecentRequestRate => "recent_request_rate",
            Quantity::RecentUnauthorized => "recent_unauthorized_ratio",
            Quantity::RecentTimeout => "recent_timeout_ratio",
            Quantity::RecentP95 => "recent_p95_seconds",
            Quantity::RecentRateLimited => "recent_rate_limited_ratio",
            Quantity::RecentClientErrors => "recent_client_error_ratio",
            Quantity::RecentServerErrors => "recent_server_error_ratio",
            Quantity::Spend => "spend_usd_per_second",
            Quantity::Servers => "serving_pods",
            Quantity::AgentP95 => "agent_p95_seconds",
            Quantity::AgentRequestRate => "agent_request_rate",
            Quantity::AgentErrors => "agent_error_ratio",
            Quantity::ProviderUp => "provider_up_ratio",
            Quantity::ProviderProbe => "provider_probe_seconds",
        }
    }

    /// What it is, in words.
    pub fn what(self) -> &'static str {
        match self {
            Quantity::P50 => "p50 latency (s)",
            Quantity::P95 => "p95 latency (s)",
            Quantity::Tokens => "tokens per second by model",
            Quantity::RequestRate => "requests per second",
            Quantity::Unauthorized => "share answered 401",
            Quantity::RecentRequestRate => "requests per second, short window",
            Quantity::RecentUnauthorized => "share answered 401, short window",
            Quantity::RecentTimeout => "share timed out (504), short window",
            Quantity::RecentP95 => "p95 latency (s), short window",
            Quantity::RecentRateLimited => "share rate-limited (429), short window",
            Quantity::RecentClientErrors => "share answered 4xx, short window",
            Quantity::RecentServerErrors => "share answered 5xx, short window",
            Quantity::Spend => "spend in USD per second by model",
            Quantity::Servers => "pods serving the model",
            Quantity::AgentP95 => "p95 latency (s) by agent",
            Quantity::AgentRequestRate => "requests per second by agent",
            Quantity::AgentErrors => "share failed by agent",
            Quantity::ProviderUp => "share of the provider's probes that succeeded, short window",
            Quantity::ProviderProbe => "the provider probe's duration (s), short window",
        }
    }

    fn signal(self, p: &Profile) -> &Signal {
        match self {
            Quantity::P50 | Quantity::P95 | Quantity::RecentP95 => &p.latency,
            Quantity::Tokens => &p.tokens,
            Quantity::RequestRate | Quantity::RecentRequestRate => &p.requests,
            Quantity::Unauthorized | Quantity::RecentUnauthorized => &p.unauthorized,
            Quantity::RecentTimeout => &p.timeouts,
            Quantity::RecentRateLimited => &p.rate_limited,
            Quantity::RecentClientErrors => &p.client_errors,
            Quantity::RecentServerErrors => &p.server_errors,
            Quantity::Spend => &p.spend,
            Quantity::Servers => &p.servers,
            Quantity::AgentP95 => &p.agent_latency,
            Quantity::AgentRequestRate => &p.agent_requests,
            Quantity::AgentErrors => &p.agent_errors,
            // Not a stack's: see `probe_source`.
            Quantity::ProviderUp | Quantity::ProviderProbe => &NO_SIGNAL,
        }
    }

    /// From the provider probe's series, not from a stack's.
    pub fn is_probe(self) -> bool {
        matches!(self, Quantity::ProviderUp | Quantity::ProviderProbe)
    }

    /// The values the quantity can take: shares 0..1, everything else finite and ≥ 0.
    pub fn valid_range(self) -> (f64, f64) {
        match self {
            Quantity::Unauthorized
            | Quantity::RecentUnauthorized
            | Quantity::RecentTimeout
            | Quantity::RecentRateLimited
            | Quantity::RecentClientErrors
            | Quantity::RecentServerErrors
            | Quantity::AgentErrors
            | Quantity::ProviderUp => (0.0, 1.0),
            _ => (0.0, f64::INFINITY),
        }
    }

    /// Read per agent rather than per model.
    pub fn per_agent(self) -> bool {
        matches!(
            self,
            Quantity::AgentP95 | Quantity::AgentRequestRate | Quantity::AgentErrors
        )
    }

    /// The labels that name a row of this quantity in `p`'s series.
    fn row_labels(self, p: &Profile) -> &'static [&'static str] {
        if self.per_agent() {
            p.agent_labels
        } else {
            p.model_labels
        }
    }

    /// The profile template's `$range`: the panels' 5 minutes or the problems' window.
    fn range(self) -> &'static str {
        match self {
            Quantity::RecentRequestRate
            | Quantity::RecentUnauthorized
            | Quantity::RecentTimeout
            | Quantity::RecentP95
            | Quantity::RecentRateLimited
            | Quantity::RecentClientErrors
            | Quantity::RecentServerErrors
            | Quantity::ProviderUp
            | Quantity::ProviderProbe => "$window",
            _ => "5m",
        }
    }

    fn quantile(self) -> &'static str {
        match self {
            Quantity::P50 => "0.50",
            _ => "0.95",
        }
    }

    /// The profile template made a query of this quantity.
    fn instantiate(self, template: &str) -> String {
        template
            .replace("$range", self.range())
            .replace("$quantile", self.quantile())
    }
}

/// Where a quantity's number comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// PromQL with `$namespace`, `$deployment`, `$window` still to fill in.
    Query {
        promql: String,
        /// The profile's name, or "custom query".
        from: String,
        /// The labels naming a row (the model; the agent for the per-agent quantities),
        /// first present wins.
        model_labels: Vec<String>,
    },
    /// It cannot be computed from what the stack exports: why, in words.
    Cannot { why: String, from: String },
}

impl Source {
    pub fn from(&self) -> &str {
        match self {
            Source::Query { from, .. } | Source::Cannot { from, .. } => from,
        }
    }
}

/// How the profiles were chosen.
#[derive(Debug, Clone, PartialEq)]
pub enum Choice {
    /// `[prometheus] profile = "NAME"`.
    Configured(&'static Profile),
    /// Detected from the series in the namespace (nearest the user first; may be empty).
    Detected(Vec<&'static Profile>),
    /// Detection failed (the reason): the example profile is used until it succeeds.
    Undetected(String),
}

/// Every quantity's source.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub namespace: String,
    pub choice: Choice,
    pub sources: Vec<(Quantity, Source)>,
}

static NO_SIGNAL: Signal = Signal::Cannot("not a stack's");

/// Where the provider probe's series are said to come from.
pub const PROBE_SOURCE: &str = "provider probe";

/// The provider probe's quantity `q` over the series `[prometheus] provider_probe`
/// selects (blackbox exporter's `probe_success` and `probe_duration_seconds`; probes are
/// not in the agents' namespace, so no `$namespace` here).
fn probe_source(cfg: &PrometheusConfig, q: Quantity) -> Source {
    let sel = cfg.provider_probe.trim();
    if sel.is_empty() {
        return Source::Cannot {
            why: "no provider probe is configured ([prometheus] provider_probe)".into(),
            from: PROBE_SOURCE.into(),
        };
    }
    let promql = match q {
        Quantity::ProviderUp => format!("avg(avg_over_time(probe_success{{{sel}}}[$window]))"),
        _ => format!("max(avg_over_time(probe_duration_seconds{{{sel}}}[$window]))"),
    };
    Source::Query {
        promql,
        from: PROBE_SOURCE.into(),
        model_labels: Vec::new(),
    }
}

/// The custom query for `q` in the config, if one is written.
fn custom(cfg: &PrometheusConfig, q: Quantity) -> Option<&str> {
    cfg.queries
        .get(q.key())
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The first spelling of `signal` whose series all exist (any spelling when nothing was
/// probed).
fn spelling(signal: &Signal, found: Option<&Found>) -> Option<&'static Spelling> {
    let Signal::Query(spellings) = signal else {
        return None;
    };
    match found {
        None => spellings.first(),
        Some(f) => spellings.iter().find(|s| s.needs.iter().all(|n| f.has(n))),
    }
}

fn query_of(q: Quantity, p: &Profile, sp: &Spelling) -> Source {
    Source::Query {
        promql: q.instantiate(sp.promql),
        from: p.name.to_string(),
        model_labels: q.row_labels(p).iter().map(|s| s.to_string()).collect(),
    }
}

/// The source of `q` among `profiles` (nearest the user first): the first that can give
/// it from series that exist; else the nearest one's reason.
fn pick(q: Quantity, profiles: &[&'static Profile], found: Option<&Found>) -> Source {
    for p in profiles {
        if let Some(sp) = spelling(q.signal(p), found) {
            return query_of(q, p, sp);
        }
    }
    // A stack that says why it cannot is the explanation; else the nearest one's missing
    // series.
    if let Some((p, why)) = profiles.iter().find_map(|p| match q.signal(p) {
        Signal::Cannot(why) => Some((p, why)),
        Signal::Query(_) => None,
    }) {
        return Source::Cannot {
            why: why.to_string(),
            from: p.name.to_string(),
        };
    }
    let Some(first) = profiles.first() else {
        return Source::Cannot {
            why: "no metrics of a known LLM stack".into(),
            from: "nothing detected".into(),
        };
    };
    match q.signal(first) {
        Signal::Cannot(why) => Source::Cannot {
            why: why.to_string(),
            from: first.name.to_string(),
        },
        Signal::Query(sp) => Source::Cannot {
            why: format!(
                "{} exports none of {} here",
                first.name,
                sp.iter()
                    .flat_map(|s| s.needs.iter().map(|n| n.metric))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            from: first.name.to_string(),
        },
    }
}

impl Plan {
    /// The plan for `namespace` from the config and what detection found (`None` when it
    /// was not run or failed: `failure` says why).
    pub fn build(
        cfg: &PrometheusConfig,
        namespace: &str,
        found: Option<&Found>,
        failure: Option<String>,
    ) -> Plan {
        let choice = match profiles::by_id(&cfg.profile) {
            Some(p) => Choice::Configured(p),
            None => match (found, failure) {
                (Some(f), _) => Choice::Detected(f.profiles()),
                (None, why) => Choice::Undetected(why.unwrap_or_else(|| "not run".into())),
            },
        };
        let profiles: Vec<&'static Profile> = match &choice {
            Choice::Configured(p) => vec![p],
            Choice::Detected(ps) => ps.clone(),
            Choice::Undetected(_) => profiles::by_id("example").into_iter().collect(),
        };
        let probed = match &choice {
            Choice::Undetected(_) => None,
            _ => found,
        };
        let sources = Quantity::ALL
            .iter()
            .map(|&q| {
                let source = match custom(cfg, q) {
                    Some(promql) => Source::Query {
                        promql: promql.to_string(),
                        from: "custom query".into(),
                        model_labels: vec![
                            if q.per_agent() {
                                profiles::AGENT_LABEL
                            } else {
                                profiles::MODEL_LABEL
                            }
                            .to_string(),
                        ],
                    },
                    None if q.is_probe() => probe_source(cfg, q),
                    None => pick(q, &profiles, probed),
                };
                (q, source)
            })
            .collect();
        Plan {
            namespace: namespace.to_string(),
            choice,
            sources,
        }
    }

    /// The layer of the profile `q` comes from (`None`: a custom query or no source).
    pub fn layer(&self, q: Quantity) -> Option<profiles::Layer> {
        match self.source(q) {
            Source::Query { from, .. } => profiles::PROFILES
                .iter()
                .find(|p| p.name == from)
                .map(|p| p.layer),
            Source::Cannot { .. } => None,
        }
    }

    /// The highest finite latency bucket of the profile the p95 comes from, ms, where the
    /// stack's defaults cap it ([`profiles::Profile::latency_cap_ms`]).
    pub fn latency_cap_ms(&self) -> Option<f64> {
        match self.source(Quantity::P95) {
            Source::Query { from, .. } => profiles::PROFILES
                .iter()
                .find(|p| p.name == from)
                .and_then(|p| p.latency_cap_ms)
                .map(f64::from),
            Source::Cannot { .. } => None,
        }
    }

    pub fn source(&self, q: Quantity) -> &Source {
        self.sources
            .iter()
            .find(|(k, _)| *k == q)
            .map(|(_, s)| s)
            .unwrap_or(&NOT_PLANNED)
    }

    /// The stacks the numbers come from, for the header ("OTel GenAI", "LiteLLM + vLLM",
    /// "no LLM metrics found").
    pub fn label(&self) -> String {
        let mut names: Vec<&str> = Vec::new();
        for (q, s) in &self.sources {
            if let Source::Query { from, .. } = s
                && !q.is_probe()
                && !names.contains(&from.as_str())
            {
                names.push(from);
            }
        }
        match (&self.choice, names.is_empty()) {
            (Choice::Undetected(_), _) => format!("{} (not detected)", names.join(" + ")),
            (_, true) => "no LLM metrics found".into(),
            _ => names.join(" + "),
        }
    }
}

/// `q` as the one profile `p` gives it, whichever of its spellings the exporter uses (the
/// spellings joined by `or`: each is one label-less sum, so the first present answers),
/// a custom query in the config first. For PromQL that must work before anything was
/// probed: alerting rules evaluated by Prometheus itself.
pub fn any_spelling(cfg: &PrometheusConfig, p: &Profile, q: Quantity) -> Source {
    if let Some(promql) = custom(cfg, q) {
        return Source::Query {
            promql: promql.to_string(),
            from: "custom query".into(),
            model_labels: Vec::new(),
        };
    }
    if q.is_probe() {
        return probe_source(cfg, q);
    }
    match q.signal(p) {
        Signal::Cannot(why) => Source::Cannot {
            why: why.to_string(),
            from: p.name.to_string(),
        },
        Signal::Query([one]) => query_of(q, p, one),
        Signal::Query(spellings) => Source::Query {
            promql: spellings
                .iter()
                .map(|sp| format!("({})", q.instantiate(sp.promql)))
                .collect::<Vec<_>>()
                .join(" or "),
            from: p.name.to_string(),
            model_labels: q.row_labels(p).iter().map(|s| s.to_string()).collect(),
        },
    }
}

/// The example profile with `queries` written over it: for tests of the query path.
pub fn example_with(queries: crate::config::Queries) -> (PrometheusConfig, Plan) {
    let cfg = PrometheusConfig {
        profile: "example".into(),
        queries,
        ..PrometheusConfig::default()
    };
    let plan = Plan::build(&cfg, "ai-agents", None, None);
    (cfg, plan)
}

static NOT_PLANNED: Source = Source::Cannot {
    why: String::new(),
    from: String::new(),
};

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
