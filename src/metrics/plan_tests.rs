use std::collections::BTreeMap;

use super::*;
use crate::metrics::prom::Sample;

fn found(names: &[(&str, &[(&str, &str)])]) -> Found {
    let samples: Vec<Sample> = names
        .iter()
        .map(|(n, labels)| {
            let mut l: BTreeMap<String, String> = labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            l.insert("__name__".into(), n.to_string());
            Sample {
                labels: l,
                value: 1.0,
            }
        })
        .collect();
    Found::from_samples(String::new(), &samples)
}

fn cfg() -> PrometheusConfig {
    PrometheusConfig::default()
}

fn promql(p: &Plan, q: Quantity) -> &str {
    match p.source(q) {
        Source::Query { promql, .. } => promql,
        Source::Cannot { why, .. } => panic!("{q:?} cannot: {why}"),
    }
}

#[test]
fn otel_is_planned_from_the_spelling_that_exists() {
    let f = found(&[
        ("gen_ai_client_operation_duration_seconds_count", &[]),
        ("gen_ai_client_token_usage_token_sum", &[]),
    ]);
    let p = Plan::build(&cfg(), "ns", Some(&f), None);
    assert_eq!(p.label(), "OTel GenAI");
    assert!(promql(&p, Quantity::P95).starts_with("histogram_quantile(0.95,"));
    assert!(promql(&p, Quantity::P50).starts_with("histogram_quantile(0.50,"));
    assert!(promql(&p, Quantity::Tokens).contains("gen_ai_client_token_usage_token_sum"));
    assert!(promql(&p, Quantity::RecentUnauthorized).contains("[$window]"));
    assert!(promql(&p, Quantity::Unauthorized).contains("[5m]"));
    assert!(matches!(p.source(Quantity::Spend), Source::Cannot { .. }));
}

#[test]
fn grouped_codes_make_401_a_sentence_and_the_4xx_share_a_query() {
    let f = found(&[
        ("http_requests_total", &[("status", "2xx")]),
        ("http_request_duration_seconds_count", &[]),
    ]);
    let p = Plan::build(&cfg(), "ns", Some(&f), None);
    let Source::Cannot { why, from } = p.source(Quantity::RecentUnauthorized) else {
        panic!("a 401 cannot be told from a 4xx");
    };
    assert!(why.contains("groups status codes"), "{why}");
    assert_eq!(from, "FastAPI instrumentator");
    assert!(promql(&p, Quantity::RecentClientErrors).contains("status=\"4xx\""));
}

#[test]
fn each_quantity_comes_from_the_layer_nearest_the_user_that_has_it() {
    let f = found(&[
        ("litellm_request_total_latency_metric_count", &[]),
        ("litellm_total_tokens_metric_total", &[]),
        ("litellm_spend_metric_total", &[]),
        ("vllm:e2e_request_latency_seconds_count", &[]),
        ("vllm:prompt_tokens_total", &[]),
        ("vllm:generation_tokens_total", &[]),
    ]);
    let p = Plan::build(&cfg(), "ns", Some(&f), None);
    for q in [Quantity::P95, Quantity::Tokens, Quantity::Spend] {
        assert_eq!(p.source(q).from(), "LiteLLM", "{q:?}");
    }
    // LiteLLM bills per token; the GPU pods behind it are vLLM's.
    assert_eq!(p.source(Quantity::Servers).from(), "vLLM");
    assert_eq!(p.label(), "LiteLLM + vLLM");
}

#[test]
fn a_written_query_wins_over_the_profile() {
    let mut c = cfg();
    c.queries.p95_seconds = Some("my_p95".into());
    let f = found(&[("gen_ai_client_operation_duration_seconds_count", &[])]);
    let p = Plan::build(&c, "ns", Some(&f), None);
    assert_eq!(promql(&p, Quantity::P95), "my_p95");
    assert_eq!(p.source(Quantity::P95).from(), "custom query");
    assert_eq!(p.source(Quantity::P50).from(), "OTel GenAI");
}

#[test]
fn a_configured_profile_is_used_without_detection() {
    let mut c = cfg();
    c.profile = "vllm".into();
    let p = Plan::build(&c, "ns", None, Some("unreachable".into()));
    assert_eq!(
        p.choice,
        Choice::Configured(profiles::by_id("vllm").unwrap())
    );
    assert!(promql(&p, Quantity::P95).contains("vllm:e2e_request_latency_seconds_bucket"));
}

#[test]
fn nothing_detected_is_said_for_every_quantity() {
    let p = Plan::build(&cfg(), "ns", Some(&Found::default()), None);
    assert_eq!(p.label(), "no LLM metrics found");
    // The provider's probe is not a stack's: it is asked for whatever was detected.
    for (q, s) in p.sources.iter().filter(|(q, _)| !q.is_probe()) {
        assert!(matches!(s, Source::Cannot { .. }), "{q:?}: {s:?}");
    }
}

#[test]
fn a_failed_detection_falls_back_to_the_example_names_and_says_so() {
    let p = Plan::build(&cfg(), "ns", None, Some("timeout".into()));
    assert!(promql(&p, Quantity::Tokens).contains("ai_tokens_used_total"));
    assert_eq!(p.label(), "example stack (not detected)");
}

#[test]
fn every_profile_query_is_scoped() {
    let s = crate::metrics::Scope {
        namespace: "team-b".into(),
        deployment: "d".into(),
        window: "1m".into(),
    };
    for p in crate::metrics::profiles::PROFILES {
        let cfg = crate::config::PrometheusConfig {
            profile: p.id.into(),
            ..Default::default()
        };
        let plan = Plan::build(&cfg, "team-b", None, None);
        // The provider's probe is not in the agents' namespace (its own test below).
        for (_, src) in plan.sources.iter().filter(|(q, _)| !q.is_probe()) {
            let Source::Query { promql, .. } = src else {
                continue;
            };
            let r = crate::metrics::scope::render(promql, &s);
            assert!(r.contains(r#"namespace="team-b""#), "{}: {r}", p.id);
            assert!(!r.contains('$'), "{}: {r}", p.id);
            assert!(crate::metrics::scope::unknown_variables(promql).is_empty());
        }
    }
}

/// The provider probe: the configured matchers over the short window, unscoped (the probe
/// lives in the monitoring namespace); an empty selector is no probe, said so; a custom
/// query wins.
#[test]
fn the_provider_probe_follows_its_selector() {
    let p = Plan::build(&cfg(), "ns", Some(&Found::default()), None);
    assert_eq!(
        promql(&p, Quantity::ProviderUp),
        r#"avg(avg_over_time(probe_success{job="holysheep-latency"}[$window]))"#
    );
    assert!(promql(&p, Quantity::ProviderProbe).contains("probe_duration_seconds"));
    assert_eq!(p.label(), "no LLM metrics found", "the probe is no stack");
    let none = crate::config::PrometheusConfig {
        provider_probe: " ".into(),
        ..cfg()
    };
    let p = Plan::build(&none, "ns", None, None);
    assert!(
        matches!(p.source(Quantity::ProviderUp), Source::Cannot { why, .. } if why.contains("provider_probe"))
    );
    let custom = crate::config::PrometheusConfig {
        queries: crate::config::Queries {
            provider_up_ratio: Some("min(up{job=\"x\"})".into()),
            ..Default::default()
        },
        ..cfg()
    };
    let p = Plan::build(&custom, "ns", None, None);
    assert_eq!(promql(&p, Quantity::ProviderUp), r#"min(up{job="x"})"#);
}
