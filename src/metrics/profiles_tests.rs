use super::*;

#[test]
fn ids_are_unique_and_every_profile_has_an_identity_and_latency_or_tokens() {
    let mut ids = ids();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), PROFILES.len());
    for p in &PROFILES {
        assert!(!p.identity.is_empty(), "{} has no identity", p.id);
        assert!(
            matches!(p.latency, Signal::Query(_)) || matches!(p.tokens, Signal::Query(_)),
            "{} gives neither latency nor tokens",
            p.id
        );
    }
}

#[test]
fn every_template_is_scoped_to_the_namespace_and_uses_only_known_variables() {
    for p in &PROFILES {
        for s in p.signals() {
            let Signal::Query(spellings) = s else {
                continue;
            };
            for sp in *spellings {
                assert!(
                    sp.promql.contains("namespace=\"$namespace\""),
                    "{}: not scoped: {}",
                    p.id,
                    sp.promql
                );
                let first = sp.needs[0].metric;
                assert!(
                    sp.promql.contains(first.trim_end_matches("_count"))
                        || sp.promql.contains(first),
                    "{}: {first} is needed but not queried",
                    p.id,
                );
                let rest = sp
                    .promql
                    .replace("$namespace", "")
                    .replace("$range", "")
                    .replace("$quantile", "");
                assert!(
                    !rest.contains('$'),
                    "{}: unknown variable in {}",
                    p.id,
                    sp.promql
                );
            }
        }
    }
}

#[test]
fn a_stack_that_cannot_tell_a_quantity_says_why_in_words() {
    let fastapi = by_id("fastapi").unwrap();
    let Signal::Cannot(why) = fastapi.unauthorized else {
        panic!("the instrumentator groups codes: it cannot tell 401s");
    };
    assert!(why.contains("4xx"), "{why}");
    let vllm = by_id("vllm").unwrap();
    let Signal::Cannot(why) = vllm.spend else {
        panic!("vLLM counts no spend");
    };
    assert!(why.contains("gpu_hour_price"), "{why}");
}

#[test]
fn the_probe_asks_for_every_needed_metric_once() {
    let names = probed_metrics();
    for n in [
        "http_requests_total",
        "gen_ai_client_operation_duration_seconds_count",
        "litellm_spend_metric_total",
        "vllm:generation_tokens_total",
        "tgi_request_duration_count",
    ] {
        assert!(names.contains(&n), "{n} not probed");
    }
    let mut sorted = names.clone();
    sorted.dedup();
    assert_eq!(sorted.len(), names.len());
    assert_eq!(probed_labels(), vec!["code", "status"]);
}
