use std::collections::BTreeMap;

use super::*;
use crate::agents::model::{Model, Provider};
use crate::agents::state::Observation;
use crate::agents::tests::parse_exposition;

type Sample = (String, BTreeMap<String, String>, f64);

fn obs(ready: usize, provider: Provider) -> Observation {
    let names: Vec<String> = (0..ready)
        .map(|i| format!("ai-agent-service-x-{i}"))
        .collect();
    Observation {
        existing: names.clone(),
        ready: names,
        provider,
    }
}

fn ok() -> Provider {
    Provider::with_key(true)
}

fn bad_key() -> Provider {
    Provider::with_key(false)
}

fn no_egress() -> Provider {
    Provider {
        egress_ok: false,
        ..ok()
    }
}

const MODEL: Model = Model {
    seed: 42,
    steady: true,
};

/// TYPE lines of an exposition: family → type.
fn types(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .map(|l| {
            let (n, t) = l.split_once(' ').unwrap();
            (n.to_string(), t.to_string())
        })
        .collect()
}

/// Sum of the samples named `name` whose labels include `want`.
fn total(samples: &[Sample], name: &str, want: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|(n, l, _)| {
            n == name
                && want
                    .iter()
                    .all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|s| s.2)
        .sum()
}

fn render(p: MetricsProfile, st: &AgentState, ready: usize) -> String {
    p.render(st, &obs(ready, ok()).ready)
}

#[test]
fn names_parse_and_display() {
    for p in MetricsProfile::ALL {
        assert_eq!(p.to_string().parse::<MetricsProfile>(), Ok(p));
    }
    assert_eq!(MetricsProfile::default(), MetricsProfile::Example);
    let e = "prom".parse::<MetricsProfile>().unwrap_err();
    assert!(
        e.contains("example, otel-genai, litellm, vllm, fastapi, tgi"),
        "{e}"
    );
}

#[test]
fn example_is_byte_identical_to_the_original_exposition() {
    // The golden file was written by the exposition before profiles existed.
    let m = Model {
        seed: 42,
        steady: false,
    };
    let mut st = AgentState::default();
    st.advance(&m, 600.0, &obs(3, ok()));
    st.advance(&m, 900.0, &obs(2, bad_key()));
    let got = MetricsProfile::Example.render(&st, &obs(2, ok()).ready);
    assert_eq!(got, include_str!("../testdata/example-golden.prom"));
}

/// (profile, families with their types) that must be present.
const FAMILIES: [(MetricsProfile, &[(&str, &str)]); 5] = [
    (
        MetricsProfile::OtelGenai,
        &[
            ("gen_ai_client_operation_duration_seconds", "histogram"),
            ("gen_ai_client_token_usage", "histogram"),
            ("target_info", "gauge"),
        ],
    ),
    (
        MetricsProfile::Litellm,
        &[
            ("litellm_request_total_latency_metric", "histogram"),
            ("litellm_total_tokens_metric_total", "counter"),
            ("litellm_input_tokens_metric_total", "counter"),
            ("litellm_output_tokens_metric_total", "counter"),
            ("litellm_spend_metric_total", "counter"),
            ("litellm_proxy_total_requests_metric_total", "counter"),
            ("litellm_proxy_failed_requests_metric_total", "counter"),
        ],
    ),
    (
        MetricsProfile::Vllm,
        &[
            ("vllm:e2e_request_latency_seconds", "histogram"),
            ("vllm:prompt_tokens_total", "counter"),
            ("vllm:generation_tokens_total", "counter"),
            ("vllm:request_success_total", "counter"),
            ("http_requests_total", "counter"),
        ],
    ),
    (
        MetricsProfile::Fastapi,
        &[
            ("http_requests_total", "counter"),
            ("http_request_duration_seconds", "histogram"),
            ("http_request_duration_highr_seconds", "histogram"),
        ],
    ),
    (
        MetricsProfile::Tgi,
        &[
            ("tgi_request_count", "counter"),
            ("tgi_request_success", "counter"),
            ("tgi_request_failure", "counter"),
            ("tgi_request_duration", "histogram"),
            ("tgi_request_generated_tokens", "histogram"),
            ("tgi_request_input_length", "histogram"),
        ],
    ),
];

#[test]
fn every_profile_has_its_families_and_the_pod_labels() {
    let mut st = AgentState::default();
    st.advance(&MODEL, 600.0, &obs(3, ok()));
    for (p, fams) in FAMILIES {
        let text = render(p, &st, 3);
        let t = types(&text);
        assert_eq!(t.len(), fams.len(), "{p}: {t:?}");
        for (name, kind) in fams {
            assert_eq!(t.get(*name).map(String::as_str), Some(*kind), "{p} {name}");
        }
        let samples = parse_exposition(&text);
        assert!(!samples.is_empty(), "{p}");
        for (name, l, _) in &samples {
            assert_eq!(l.get("namespace").map(String::as_str), Some("ai-agents"));
            assert!(
                l.get("pod")
                    .is_some_and(|v| v.starts_with("ai-agent-service-")),
                "{p} {name}"
            );
        }
    }
}

#[test]
fn labels_follow_each_stack() {
    let mut st = AgentState::default();
    st.advance(&MODEL, 600.0, &obs(2, ok()));
    let s = parse_exposition(&render(MetricsProfile::OtelGenai, &st, 2));
    let ok_count = total(
        &s,
        "gen_ai_client_operation_duration_seconds_count",
        &[
            ("gen_ai_response_model", "gpt-4.1-2025-04-14"),
            ("gen_ai_request_model", "gpt-4.1"),
            ("gen_ai_operation_name", "chat"),
            ("gen_ai_system", "openai"),
        ],
    );
    assert!(ok_count > 0.0);
    assert!(
        total(
            &s,
            "gen_ai_client_token_usage_count",
            &[("gen_ai_token_type", "output")]
        ) > 0.0
    );
    let s = parse_exposition(&render(MetricsProfile::Litellm, &st, 2));
    let claude = [
        ("model", "claude-sonnet-4-5-20250929"),
        ("requested_model", "claude-sonnet-4.5"),
    ];
    assert!(total(&s, "litellm_total_tokens_metric_total", &claude) > 0.0);
    let spend = total(&s, "litellm_spend_metric_total", &claude[..1]);
    let tokens = total(&s, "litellm_total_tokens_metric_total", &claude[..1]);
    // $3 in / $15 out per million at 70/30: $6.6 per million tokens.
    assert!(
        (spend / tokens * 1e6 - 6.6).abs() < 0.01,
        "{spend} {tokens}"
    );
    let s = parse_exposition(&render(MetricsProfile::Fastapi, &st, 2));
    assert!(
        total(
            &s,
            "http_requests_total",
            &[("handler", "/agent/{agent_type}"), ("status", "2xx")]
        ) > 0.0
    );
    assert!(total(&s, "http_requests_total", &[("handler", "/metrics")]) > 0.0);
    assert!(total(&s, "http_requests_total", &[("handler", "/health")]) > 0.0);
    let s = parse_exposition(&render(MetricsProfile::Tgi, &st, 2));
    assert!(s.iter().all(|(_, l, _)| !l.contains_key("model")));
}

/// Histograms cumulative (buckets non-decreasing in `le`, `+Inf` = `_count`).
fn check_cumulative(p: MetricsProfile, samples: &[Sample]) {
    let mut series: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    let mut counts: BTreeMap<String, f64> = BTreeMap::new();
    for (name, l, v) in samples {
        let mut rest = l.clone();
        let le = rest.remove("le");
        let key = |fam: &str| format!("{fam}{rest:?}");
        if let (Some(fam), Some(le)) = (name.strip_suffix("_bucket"), le) {
            let le = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse().unwrap()
            };
            series.entry(key(fam)).or_default().push((le, *v));
        } else if let Some(fam) = name.strip_suffix("_count") {
            counts.insert(key(fam), *v);
        }
    }
    assert!(!series.is_empty(), "{p}");
    for (k, mut b) in series {
        b.sort_by(|x, y| x.0.total_cmp(&y.0));
        assert!(b.windows(2).all(|w| w[0].1 <= w[1].1), "{p} {k}: {b:?}");
        assert_eq!(Some(&b.last().unwrap().1), counts.get(&k), "{p} {k}");
    }
}

#[test]
fn counters_grow_and_histograms_stay_cumulative() {
    for p in MetricsProfile::ALL {
        let mut st = AgentState::default();
        let mut prev: Option<Vec<Sample>> = None;
        for (i, t) in [120.0, 400.0, 700.0, 1300.0].into_iter().enumerate() {
            let prov = [ok(), bad_key(), no_egress(), ok()][i];
            st.advance(&MODEL, t, &obs(3, prov));
            let text = render(p, &st, 3);
            let typ = types(&text);
            let now = parse_exposition(&text);
            check_cumulative(p, &now);
            if let Some(before) = prev {
                let at: BTreeMap<_, _> = now.iter().map(|(n, l, v)| ((n, l), *v)).collect();
                let mut grew = false;
                for (n, l, v) in &before {
                    if typ.get(n).is_some_and(|t| t == "gauge") {
                        continue;
                    }
                    let w = at.get(&(n, l)).copied();
                    assert!(w.is_some_and(|w| w >= *v), "{p} {n}{l:?}: {v} then {w:?}");
                    grew |= w.is_some_and(|w| w > *v);
                }
                // LiteLLM and TGI do not count the rejected requests of a bad key.
                let blind = i == 1 && [MetricsProfile::Litellm, MetricsProfile::Tgi].contains(&p);
                assert_eq!(grew, !blind, "{p}: what grew at read {i}");
            }
            prev = Some(now);
        }
    }
}

/// What a read shows of `incident` after a normal start: (the samples before, after).
fn around(p: MetricsProfile, incident: Provider) -> (Vec<Sample>, Vec<Sample>) {
    let mut st = AgentState::default();
    st.advance(&MODEL, 600.0, &obs(3, ok()));
    let before = parse_exposition(&render(p, &st, 3));
    st.advance(&MODEL, 900.0, &obs(3, incident));
    (before, parse_exposition(&render(p, &st, 3)))
}

fn delta(s: &(Vec<Sample>, Vec<Sample>), name: &str, want: &[(&str, &str)]) -> f64 {
    total(&s.1, name, want) - total(&s.0, name, want)
}

#[test]
fn a_bad_key_shows_where_each_stack_sees_it() {
    let s = around(MetricsProfile::OtelGenai, bad_key());
    let dur = "gen_ai_client_operation_duration_seconds_count";
    assert!(delta(&s, dur, &[("error_type", "AuthenticationError")]) > 500.0);
    assert_eq!(
        delta(&s, dur, &[("gen_ai_response_model", "gpt-4.1-2025-04-14")]),
        0.0
    );
    assert_eq!(delta(&s, "gen_ai_client_token_usage_count", &[]), 0.0);

    // LiteLLM drops the rejected requests: nothing moves.
    let s = around(MetricsProfile::Litellm, bad_key());
    assert_eq!(s.0, s.1);

    let s = around(MetricsProfile::Vllm, bad_key());
    assert!(delta(&s, "http_requests_total", &[("status", "4xx")]) > 500.0);
    assert_eq!(delta(&s, "vllm:request_success_total", &[]), 0.0);
    assert_eq!(delta(&s, "vllm:prompt_tokens_total", &[]), 0.0);

    let s = around(MetricsProfile::Fastapi, bad_key());
    let agent = ("handler", "/agent/{agent_type}");
    assert!(delta(&s, "http_requests_total", &[agent, ("status", "4xx")]) > 500.0);
    assert_eq!(
        delta(&s, "http_requests_total", &[agent, ("status", "2xx")]),
        0.0
    );
    // Rejections are fast: they land in the 0.1 s bucket.
    let fast = delta(
        &s,
        "http_request_duration_seconds_bucket",
        &[agent, ("le", "0.1")],
    );
    assert!(fast > 500.0, "{fast}");

    // TGI's --api-key middleware answers before any counter.
    let s = around(MetricsProfile::Tgi, bad_key());
    assert_eq!(s.0, s.1);
}

#[test]
fn blocked_egress_shows_as_each_stack_names_a_timeout() {
    let s = around(MetricsProfile::OtelGenai, no_egress());
    let dur = "gen_ai_client_operation_duration_seconds_bucket";
    let t = [("error_type", "APITimeoutError")];
    let slow = delta(&s, dur, &[t[0], ("le", "40.96")]) - delta(&s, dur, &[t[0], ("le", "20.48")]);
    assert!(slow > 500.0, "{slow}");

    let s = around(MetricsProfile::Litellm, no_egress());
    let failed = "litellm_proxy_failed_requests_metric_total";
    let timeout = [
        ("exception_status", "408"),
        ("exception_class", "Openai.Timeout"),
    ];
    assert!(delta(&s, failed, &timeout) > 500.0);
    let ok200 = [("status_code", "200")];
    assert_eq!(
        delta(&s, "litellm_proxy_total_requests_metric_total", &ok200),
        0.0
    );

    let s = around(MetricsProfile::Vllm, no_egress());
    let abort = [("finished_reason", "abort")];
    assert!(delta(&s, "vllm:request_success_total", &abort) > 500.0);

    let s = around(MetricsProfile::Fastapi, no_egress());
    assert!(delta(&s, "http_requests_total", &[("status", "5xx")]) > 500.0);

    let s = around(MetricsProfile::Tgi, no_egress());
    assert!(delta(&s, "tgi_request_failure", &[("err", "dropped")]) > 500.0);
    assert_eq!(delta(&s, "tgi_request_success", &[]), 0.0);
}

#[test]
fn a_slow_provider_moves_the_latency_up_without_errors() {
    let slow = Provider {
        latency: crate::agents::model::SLOW_PROVIDER_FACTOR,
        ..ok()
    };
    let s = around(MetricsProfile::Litellm, slow);
    let name = "litellm_request_total_latency_metric";
    let n = delta(&s, &format!("{name}_count"), &[]);
    let fast = delta(&s, &format!("{name}_bucket"), &[("le", "1.0")]);
    assert!(n > 500.0 && fast < 0.5 * n, "{fast} of {n}");
    assert_eq!(
        delta(
            &s,
            "litellm_proxy_failed_requests_metric_total",
            &[("exception_status", "408")]
        ),
        0.0
    );
}

#[test]
fn agents_render_the_chosen_profile() {
    let a = crate::agents::Agents::new(1, true).with_profile(MetricsProfile::Tgi);
    assert_eq!(a.profile(), MetricsProfile::Tgi);
    assert_eq!(
        crate::SimConfig::default().metrics_profile,
        MetricsProfile::Example
    );
}
