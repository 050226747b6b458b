use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine;
use serde_json::json;

use super::model::{self, AGENTS, BUCKETS, MODELS, Model, Provider};
use super::state::{AgentState, Observation};
use super::*;
use crate::{Sim, SimConfig};

type Labels = BTreeMap<String, String>;

/// Parse Prometheus text format 0.0.4 strictly enough to catch mistakes: every line is a
/// HELP/TYPE comment or `name{k="v",...} value`, and every sample's family was typed.
pub fn parse_exposition(text: &str) -> Vec<(String, Labels, f64)> {
    let mut typed: BTreeMap<String, String> = BTreeMap::new();
    let mut out = Vec::new();
    let name_ok = |n: &str| {
        !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
            && !n.starts_with(|c: char| c.is_ascii_digit())
    };
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# ") {
            let mut w = rest.splitn(3, ' ');
            let (kind, name, val) = (w.next().unwrap(), w.next().unwrap(), w.next().unwrap());
            assert!(name_ok(name), "bad name in {line:?}");
            if kind == "TYPE" {
                assert!(
                    ["counter", "gauge", "histogram", "summary", "untyped"].contains(&val),
                    "{line:?}"
                );
                typed.insert(name.to_string(), val.to_string());
            } else {
                assert_eq!(kind, "HELP", "{line:?}");
            }
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("sample has a value");
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            v => v
                .parse()
                .unwrap_or_else(|_| panic!("bad value in {line:?}")),
        };
        let (name, labels) = match series.split_once('{') {
            Some((n, rest)) => (n, rest.strip_suffix('}').expect("closing brace")),
            None => (series, ""),
        };
        assert!(name_ok(name), "bad name in {line:?}");
        let mut map = Labels::new();
        for pair in labels.split(',').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').expect("label=value");
            assert!(name_ok(k), "bad label name in {line:?}");
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .expect("quoted label value");
            map.insert(k.to_string(), v.to_string());
        }
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| name.strip_suffix(s).filter(|f| typed.contains_key(*f)))
            .unwrap_or(name);
        assert!(typed.contains_key(family), "untyped sample {line:?}");
        out.push((name.to_string(), map, value));
    }
    out
}

fn obs(ready: usize, key_ok: bool) -> Observation {
    let names: Vec<String> = (0..ready)
        .map(|i| format!("ai-agent-service-x-{i}"))
        .collect();
    Observation {
        existing: names.clone(),
        ready: names,
        provider: model::Provider::with_key(key_ok),
    }
}

fn totals(st: &AgentState) -> [f64; 4] {
    let mut t = [0.0; 4];
    for s in st.pods.values() {
        for (i, x) in s.tokens.iter().enumerate() {
            t[i] += x;
        }
    }
    t
}

#[test]
fn key_rule() {
    assert!(key_is_valid("sk-0123456789abcdefghij"));
    assert!(!key_is_valid("sk-short"));
    assert!(!key_is_valid("pk-0123456789abcdefghij"));
    assert!(!key_is_valid("sk-invalid-0123456789abc"));
    assert!(!key_is_valid("sk-REVOKED-0123456789abc"));
}

#[test]
fn token_mix_holds_over_a_long_run() {
    let m = Model {
        seed: 7,
        steady: false,
    };
    let mut st = AgentState::default();
    for h in 1..=12 {
        st.advance(&m, h as f64 * 3600.0, &obs(3, true));
    }
    let t = totals(&st);
    let all: f64 = t.iter().sum();
    for (i, (name, share, _)) in MODELS.iter().enumerate() {
        let got = t[i] / all;
        assert!(
            (got - share).abs() <= 0.02 * share,
            "{name}: {got} vs {share}"
        );
    }
    // A few hundred to a couple of thousand tokens per request.
    let per_req = model::mean_tokens_per_request();
    assert!((300.0..2500.0).contains(&per_req), "{per_req}");
}

#[test]
fn counters_are_monotonic_and_buckets_cumulative() {
    let m = Model {
        seed: 42,
        steady: false,
    };
    let mut st = AgentState::default();
    let mut prev: BTreeMap<(String, Labels), f64> = BTreeMap::new();
    let mut t = 0.0;
    for i in 0..200 {
        t += 0.3 + (i % 7) as f64 * 2.5;
        // Pods go unready and come back (their series pause, then resume).
        let mut o = obs(1 + i % 4, i % 5 != 0);
        o.existing = obs(4, true).existing;
        st.advance(&m, t, &o);
        let text = expo::render(&st, &o.ready);
        let samples = parse_exposition(&text);
        for (name, labels, v) in &samples {
            if let Some(p) = prev.insert((name.clone(), labels.clone()), *v) {
                assert!(*v >= p, "{name}{labels:?} went from {p} to {v}");
            }
        }
        // Buckets: cumulative in le, +Inf equals _count.
        let mut by_series: BTreeMap<Labels, Vec<(f64, f64)>> = BTreeMap::new();
        for (name, labels, v) in &samples {
            if name == "http_request_duration_seconds_bucket" {
                let mut l = labels.clone();
                let le = l.remove("le").unwrap();
                let le: f64 = if le == "+Inf" {
                    f64::INFINITY
                } else {
                    le.parse().unwrap()
                };
                by_series.entry(l).or_default().push((le, *v));
            }
        }
        assert_eq!(by_series.len(), o.ready.len() * AGENTS.len());
        for (l, mut b) in by_series {
            assert_eq!(b.len(), BUCKETS.len() + 1);
            b.sort_by(|x, y| x.0.total_cmp(&y.0));
            assert!(b.windows(2).all(|w| w[0].1 <= w[1].1), "{l:?}: {b:?}");
            let count = samples
                .iter()
                .find(|(n, ll, _)| n == "http_request_duration_seconds_count" && *ll == l)
                .map(|s| s.2);
            assert_eq!(count, Some(b.last().unwrap().1));
        }
    }
}

#[test]
fn exposition_has_help_type_and_labels() {
    let m = Model {
        seed: 1,
        steady: true,
    };
    let mut st = AgentState::default();
    st.advance(&m, 120.0, &obs(3, true));
    let text = expo::render(&st, &obs(3, true).ready);
    for f in [
        "http_request_duration_seconds histogram",
        "http_requests_total counter",
        "ai_tokens_used_total counter",
    ] {
        assert!(text.contains(&format!("# TYPE {f}\n")), "{f}");
    }
    let samples = parse_exposition(&text);
    let agents: std::collections::BTreeSet<&str> = samples
        .iter()
        .filter_map(|(_, l, _)| l.get("agent").map(String::as_str))
        .collect();
    assert_eq!(
        agents.into_iter().collect::<Vec<_>>(),
        ["analyst", "coder", "writer"]
    );
    assert!(
        samples
            .iter()
            .all(|(_, l, _)| l.get("namespace").map(String::as_str) == Some("ai-agents"))
    );
    let models: std::collections::BTreeSet<&str> = samples
        .iter()
        .filter_map(|(_, l, _)| l.get("model").map(String::as_str))
        .collect();
    assert_eq!(models.len(), 4);
}

#[test]
fn latency_grows_with_load_per_pod() {
    let m = Model {
        seed: 3,
        steady: true,
    };
    let p95 = |ready| {
        let p = m.point(100.0, ready, true);
        model::mixture_quantile(&p.components(), 0.95).unwrap()
    };
    assert!(p95(1) > p95(2) && p95(2) > p95(3) && p95(3) > p95(10));
    // Capped when overloaded.
    assert!(p95(1) <= p95(10) * model::MAX_SLOWDOWN);
    // Through the histogram too: one pod vs six.
    let (mut one, mut six) = (AgentState::default(), AgentState::default());
    one.advance(&m, 600.0, &obs(1, true));
    six.advance(&m, 600.0, &obs(6, true));
    let q = |st: &AgentState| model::mixture_quantile(&st.window(600.0).comps, 0.5).unwrap();
    assert!(q(&one) > 1.5 * q(&six));
}

#[test]
fn normal_load_latency_is_realistic() {
    let m = Model {
        seed: 42,
        steady: true,
    };
    let comps = m.point(0.0, 3, true).components();
    let p50 = model::mixture_quantile(&comps, 0.5).unwrap();
    let p95 = model::mixture_quantile(&comps, 0.95).unwrap();
    assert!((0.3..0.8).contains(&p50), "p50 {p50}");
    assert!((1.0..3.0).contains(&p95), "p95 {p95}");
    // Sanity of the mixture CDF at its quantile.
    assert!((model::mixture_cdf(&comps, p95) - 0.95).abs() < 1e-6);
}

#[test]
fn usage_stays_under_target_normally_and_bursts_scale_up() {
    let m = Model {
        seed: 42,
        steady: false,
    };
    let cpu_at = |t: f64| model::pod_usage(m.point(t, 3, true).rho).0;
    // The HPA scales up above 70 % × 1.1 tolerance.
    let (mut calm, mut over) = (0, 0);
    for s in (0..86_400).step_by(60) {
        let t = s as f64;
        if m.burst(t) > 1.0 {
            over += usize::from(cpu_at(t) > 0.77);
        } else {
            calm += usize::from(cpu_at(t) <= 0.77);
        }
    }
    assert!(
        calm as f64 > 0.97 * (86_400 / 60) as f64 * 0.8,
        "calm {calm}"
    );
    assert!(over > 0, "no burst ever pushed the HPA");
}

fn test_sim(scale: f64) -> Arc<Sim> {
    let sim = Sim::new(&SimConfig {
        time_scale: scale,
        steady_load: true,
        ..SimConfig::default()
    });
    crate::admission::create_internal(
        &sim,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}}),
        "test",
    )
    .unwrap();
    for i in 0..3 {
        let name = format!("ai-agent-service-abc-{i}");
        crate::admission::create_internal(
            &sim,
            json!({"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": name, "namespace": NAMESPACE, "labels": {"app": DEPLOYMENT}},
                "spec": {"containers": [{"name": "a", "image": "x"}]}}),
            "test",
        )
        .unwrap();
        sim.store
            .update_with(keys::PODS, NAMESPACE, &name, |p| {
                p["status"]["conditions"] = json!([{"type": "Ready", "status": "True"}]);
                true
            })
            .unwrap();
    }
    sim
}

fn set_key(sim: &Sim, key: &str) {
    let b64 = base64::engine::general_purpose::STANDARD.encode(key);
    let _ = sim.store.delete(keys::SECRETS, NAMESPACE, SECRET);
    crate::admission::create_internal(
        sim,
        json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": SECRET, "namespace": NAMESPACE}, "data": {SECRET_KEY: b64}}),
        "test",
    )
    .unwrap();
}

#[test]
fn unauthorized_without_a_valid_key() {
    // 1000×: 1 ms real is a simulated second.
    let sim = test_sim(1000.0);
    std::thread::sleep(std::time::Duration::from_millis(50));
    let t = sim.agents.truth(&sim);
    assert_eq!(t.ready_pods, 3);
    assert_eq!(t.unauthorized_ratio, 1.0);
    assert!(t.tokens_per_sec.values().all(|v| *v == 0.0));
    set_key(&sim, "sk-invalid-but-long-enough");
    assert!(!secret_key_ok(&sim));
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert_eq!(sim.agents.truth(&sim).unauthorized_ratio, 1.0);

    set_key(&sim, "sk-live-0123456789abcdef");
    assert!(secret_key_ok(&sim));
    // A whole window (300 simulated seconds) later, no 401 is left in it.
    std::thread::sleep(std::time::Duration::from_millis(400));
    let t = sim.agents.truth(&sim);
    assert!(t.unauthorized_ratio < 1e-9, "{t:?}");
    assert!((t.request_rate - model::BASE_RPS).abs() < 0.01, "{t:?}");
    let total: f64 = t.tokens_per_sec.values().sum();
    let want = model::BASE_RPS
        * (1.0 - model::RATE_LIMITED - model::SERVER_ERROR)
        * model::mean_tokens_per_request();
    assert!((total - want).abs() / want < 0.01, "{total} vs {want}");
    // Agent pods now report the model's use to the HPA.
    let pod = "ai-agent-service-abc-0";
    let (cpu, mem) = crate::usage::usage_fraction(&sim, NAMESPACE, DEPLOYMENT, pod);
    let rho = model::BASE_RPS / 3.0 / model::POD_CAPACITY_RPS * (1.0 - 0.85 * 0.007);
    assert!((cpu - model::pod_usage(rho).0).abs() < 0.03, "{cpu}");
    assert!((mem - model::pod_usage(rho).1).abs() < 0.02, "{mem}");
    // The admin pin still wins.
    sim.set_usage(
        NAMESPACE,
        DEPLOYMENT,
        crate::Usage {
            cpu: Some(2.0),
            memory: None,
        },
    );
    let (cpu, _) = crate::usage::usage_fraction(&sim, NAMESPACE, DEPLOYMENT, pod);
    assert_eq!(cpu, 2.0);
}

#[test]
fn truth_matches_the_counters_over_the_window() {
    let m = Model {
        seed: 42,
        steady: false,
    };
    let mut st = AgentState::default();
    st.advance(&m, 1000.0, &obs(3, true));
    let before = totals(&st);
    st.advance(&m, 1300.0, &obs(3, true));
    let after = totals(&st);
    let w = st.window(1300.0);
    for i in 0..4 {
        let diff = after[i] - before[i];
        assert!(
            (w.tokens[i] - diff).abs() / diff < 1e-6,
            "{} vs {diff}",
            w.tokens[i]
        );
    }
    // The zero-padded start: 100 s into the run, the window holds 100 s of traffic.
    let mut st = AgentState::default();
    st.advance(&m, 100.0, &obs(3, true));
    assert!((st.window(100.0).len - 100.0).abs() < 1e-9);
}

#[test]
fn blocked_egress_times_out_every_request_near_30s_and_counts_provider_errors() {
    let m = Model {
        seed: 42,
        steady: true,
    };
    let blocked = Observation {
        provider: Provider {
            key_ok: true,
            egress_ok: false,
            latency: 1.0,
        },
        ..obs(3, true)
    };
    let mut st = AgentState::default();
    st.advance(&m, 600.0, &blocked);
    let w = st.window(600.0);
    assert!((w.codes[model::C504] - w.requests).abs() < 1e-6);
    let p50 = model::mixture_quantile(&w.comps, 0.5).unwrap();
    let p95 = model::mixture_quantile(&w.comps, 0.95).unwrap();
    assert!(
        (29.0..30.0).contains(&p50) && (29.0..30.0).contains(&p95),
        "{p50} {p95}"
    );
    // Timeouts do little CPU work.
    let p = m.point_with(0.0, 3, blocked.provider);
    assert!(p.rho < 0.1 * m.point(0.0, 3, true).rho, "{p:?}");
    let samples = parse_exposition(&expo::render(&st, &blocked.ready));
    let sum = |name: &str, k: &str, v: &str| -> f64 {
        samples
            .iter()
            .filter(|(n, l, _)| n == name && l.get(k).map(String::as_str) == Some(v))
            .map(|s| s.2)
            .sum()
    };
    let timeouts = sum("http_requests_total", "code", "504");
    assert!((timeouts - BASE_RPS_600).abs() < 5.0, "{timeouts}");
    assert_eq!(
        sum("ai_provider_errors_total", "reason", "timeout"),
        timeouts
    );
    assert_eq!(
        sum("ai_provider_errors_total", "reason", "unauthorized"),
        0.0
    );
    assert_eq!(sum("http_requests_total", "code", "200"), 0.0);
    // All of them in the (25, 30] bucket.
    let le = |b: &str| sum("http_request_duration_seconds_bucket", "le", b);
    assert_eq!(le("25.0"), 0.0);
    assert!(le("30.0") >= timeouts - 9.0, "{} vs {timeouts}", le("30.0"));
}

/// Requests of 600 simulated seconds at the steady rate.
const BASE_RPS_600: f64 = model::BASE_RPS * 600.0;

#[test]
fn a_slow_provider_multiplies_latency_without_errors() {
    let m = Model {
        seed: 42,
        steady: true,
    };
    let slow = Provider {
        key_ok: true,
        egress_ok: true,
        latency: model::SLOW_PROVIDER_FACTOR,
    };
    let p95 =
        |prov| model::mixture_quantile(&m.point_with(0.0, 3, prov).components(), 0.95).unwrap();
    let normal = p95(Provider::with_key(true));
    assert!(normal < 2.0 && p95(slow) > 5.0, "{normal} {}", p95(slow));
    assert_eq!(
        m.point_with(0.0, 3, slow).codes,
        m.point(0.0, 3, true).codes
    );
}

#[test]
fn the_leak_climbs_to_its_peak_and_crosses_the_limit() {
    let gi = 1024.0 * 1024.0 * 1024.0;
    let base = 0.2 * gi;
    assert_eq!(model::leaked_bytes(base, 0.0), base);
    assert!((model::leaked_bytes(base, 15.0) - 1.15 * gi).abs() < 1e-3 * gi);
    assert_eq!(model::leaked_bytes(base, 1000.0), model::LEAK_PEAK_BYTES);
    assert!(model::LEAK_PEAK_BYTES > 2.0 * gi && model::LEAK_PEAK_BYTES < 2.2 * gi);
}
