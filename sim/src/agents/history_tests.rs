use super::*;
use crate::agents::model::{BASE_RPS, Provider};
use crate::{Sim, SimConfig};

fn model(seed: u64) -> Model {
    Model {
        seed,
        steady: false,
    }
}

fn half_hour(seed: u64) -> Vec<HistoryPoint> {
    before_start(&model(seed), 1800.0, 8.0, 3, Provider::with_key(true))
}

#[test]
fn the_history_is_deterministic_for_a_seed() {
    assert_eq!(half_hour(7), half_hour(7));
    assert_ne!(half_hour(7), half_hour(8));
}

#[test]
fn one_point_per_step_oldest_first_ending_at_the_start() {
    let h = half_hour(7);
    assert_eq!(h.len(), 1800 / 8 + 1);
    assert_eq!(h.first().map(|p| p.t), Some(-1800.0));
    assert_eq!(h.last().map(|p| p.t), Some(0.0));
    assert!(h.windows(2).all(|w| w[1].t - w[0].t == 8.0));
    // A span that is not a whole number of steps starts a little later.
    let odd = before_start(&model(7), 100.0, 30.0, 3, Provider::with_key(true));
    assert_eq!(
        odd.iter().map(|p| p.t).collect::<Vec<_>>(),
        [-90.0, -60.0, -30.0, 0.0]
    );
}

#[test]
fn the_values_are_plausible_and_tokens_split_30_20_30_20() {
    for p in half_hour(7) {
        assert!(p.p95_ms > p.p50_ms && p.p50_ms > 0.0, "{p:?}");
        // p50 ≈ 0.5 s at normal load; a burst slows it at most 8× (the cap).
        assert!((200.0..8.0 * 1_000.0).contains(&p.p50_ms), "{p:?}");
        assert!(p.request_rate > 0.3 * BASE_RPS && p.request_rate < 6.0 * BASE_RPS);
        assert_eq!((p.unauthorized_ratio, p.timeout_ratio), (0.0, 0.0));
        let total: f64 = p.tokens_per_sec.values().sum();
        assert!(total > 0.0);
        for (m, share, _) in MODELS {
            let got = p.tokens_per_sec[m] / total;
            assert!((got - share).abs() < 1e-9, "{m}: {got}");
        }
    }
}

#[test]
fn a_steady_model_reads_the_base_rate_and_a_bad_key_is_all_401() {
    let steady = Model {
        seed: 1,
        steady: true,
    };
    let h = before_start(&steady, 600.0, 60.0, 3, Provider::with_key(true));
    assert!(h.iter().all(|p| (p.request_rate - BASE_RPS).abs() < 1e-9));
    let bad = before_start(&steady, 600.0, 60.0, 3, Provider::with_key(false));
    assert!(bad.iter().all(|p| p.unauthorized_ratio == 1.0));
    assert!(
        bad.iter()
            .all(|p| p.tokens_per_sec.values().all(|t| *t == 0.0))
    );
}

#[test]
fn bursts_happen_before_the_start_too() {
    let m = model(42);
    let bursting = (1..86_400)
        .step_by(30)
        .filter(|s| m.burst(-(*s as f64)) > 1.0)
        .count();
    assert!(bursting > 0, "no burst in the day before the start");
    // The day after the start is what it always was: bursts in about a third of hours.
    assert!((0..86_400).step_by(30).any(|s| m.burst(s as f64) > 1.0));
}

#[test]
fn without_the_deployment_no_pod_was_ready_so_no_latency() {
    let sim = Sim::new(&SimConfig::default());
    assert_eq!(replicas(&sim), 0);
    let h = sim.agents.before_start(&sim, 600.0, 60.0);
    assert_eq!(h.len(), 11);
    assert!(h.iter().all(|p| p.p50_ms == 0.0 && p.request_rate > 0.0));
}
