use std::collections::BTreeMap;

use super::*;

fn sample(name: &str, labels: &[(&str, &str)]) -> Sample {
    let mut l: BTreeMap<String, String> = labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    l.insert("__name__".into(), name.into());
    Sample {
        labels: l,
        value: 1.0,
    }
}

fn ids(f: &Found) -> Vec<&'static str> {
    f.profiles().iter().map(|p| p.id).collect()
}

#[test]
fn the_example_and_the_fastapi_instrumentator_are_told_apart_by_their_status_label() {
    let example = Found::from_samples(
        String::new(),
        &[
            sample("http_requests_total", &[("code", "200")]),
            sample("http_requests_total", &[("code", "401")]),
            sample("http_request_duration_seconds_count", &[]),
        ],
    );
    assert_eq!(ids(&example), vec!["example"]);
    let fastapi = Found::from_samples(
        String::new(),
        &[
            sample("http_requests_total", &[("status", "2xx")]),
            sample("http_request_duration_seconds_count", &[]),
        ],
    );
    assert_eq!(ids(&fastapi), vec!["fastapi"]);
}

#[test]
fn stacks_are_ordered_nearest_the_user_first() {
    let f = Found::from_samples(
        String::new(),
        &[
            sample("vllm:e2e_request_latency_seconds_count", &[]),
            sample("litellm_spend_metric_total", &[]),
            sample("http_requests_total", &[("status", "4xx")]),
        ],
    );
    // The FastAPI layer (the agent service) is nearest, LiteLLM next, vLLM last.
    assert_eq!(ids(&f), vec!["fastapi", "litellm", "vllm"]);
}

#[test]
fn nothing_known_is_no_stack() {
    let f = Found::from_samples(String::new(), &[sample("up", &[])]);
    assert!(f.profiles().is_empty());
}

#[test]
fn the_patterns_match_anchored() {
    assert!(matches("[1-5]xx", "4xx"));
    assert!(!matches("[1-5]xx", "4xxx"));
    assert!(!matches("[1-5]xx", "401"));
    assert!(matches("[1-5][0-9][0-9]", "401"));
    assert!(!matches("[1-5][0-9][0-9]", "4xx"));
}

#[test]
fn the_probe_is_one_grouped_query_scoped_to_the_namespace() {
    let q = query(&Scope {
        namespace: "team-\"a\"".into(),
        deployment: "d".into(),
        window: "1m".into(),
    });
    assert!(
        q.starts_with("group by (__name__, code, status) ({__name__=~\""),
        "{q}"
    );
    assert!(q.ends_with(",namespace=\"team-\\\"a\\\"\"})"), "{q}");
}
