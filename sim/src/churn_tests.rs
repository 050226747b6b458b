use super::*;
use crate::store::EventType;
use crate::{SimConfig, controllers};

/// The load pods: (how many, how many ready).
fn load(sim: &Sim) -> (usize, usize) {
    let pods: Vec<_> = (1..=LOAD_NAMESPACES)
        .flat_map(|i| sim.store.list(keys::PODS, Some(&format!("load-{i}"))).0)
        .collect();
    let ready = pods.iter().filter(|p| meta::pod_ready(p)).count();
    (pods.len(), ready)
}

/// Run the controllers until every load pod is back and ready.
fn settle(sim: &Sim, st: &mut controllers::State, n: usize) {
    for _ in 0..2000 {
        controllers::reconcile(sim, st);
        if load(sim) == (n, n) {
            return;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    panic!("load pods not settled: {:?}", load(sim));
}

#[test]
fn a_step_deletes_and_flips_distinct_pods_that_the_controllers_restore() {
    let cfg = SimConfig {
        extra_pods: 40,
        time_scale: 1000.0,
        ..SimConfig::default()
    };
    let sim = Sim::new(&cfg);
    crate::bootstrap::bootstrap(&sim, &cfg).unwrap();
    let mut st = controllers::State::default();
    settle(&sim, &mut st, 40);
    let rv = sim.store.current_rv();
    let (_, mut rx, _) = sim.store.watch_now(keys::PODS, None);
    assert_eq!(step(&sim, &Rng::new(7), &namespaces(&[]), 5), (5, 5));
    assert_eq!(load(&sim), (35, 30));
    let mut kinds = Vec::new();
    while let Ok(ev) = rx.try_recv() {
        assert!(ev.rv > rv);
        kinds.push(ev.kind);
    }
    let deleted = kinds.iter().filter(|k| **k == EventType::Deleted).count();
    assert_eq!((kinds.len(), deleted), (10, 5));
    // The ReplicaSets replace the deleted pods; the readiness probes turn the others ready.
    settle(&sim, &mut st, 40);
}

#[test]
fn more_than_there_are_deletes_and_flips_what_there_is() {
    let cfg = SimConfig {
        extra_pods: 4,
        time_scale: 1000.0,
        ..SimConfig::default()
    };
    let sim = Sim::new(&cfg);
    crate::bootstrap::bootstrap(&sim, &cfg).unwrap();
    let mut st = controllers::State::default();
    settle(&sim, &mut st, 4);
    assert_eq!(step(&sim, &Rng::new(7), &namespaces(&[]), 3), (3, 1));
}

#[test]
fn churn_in_one_namespace_touches_only_that_namespace() {
    let cfg = SimConfig {
        extra_pods: 200,
        time_scale: 1000.0,
        ..SimConfig::default()
    };
    let sim = Sim::new(&cfg);
    crate::bootstrap::bootstrap(&sim, &cfg).unwrap();
    let mut st = controllers::State::default();
    settle(&sim, &mut st, 200);
    let only = namespaces(&["load-2".to_string()]);
    assert_eq!(only, ["load-2"]);
    let (_, mut rx, _) = sim.store.watch_now(keys::PODS, None);
    let rng = Rng::new(11);
    for _ in 0..5 {
        assert_eq!(step(&sim, &rng, &only, 4), (4, 4));
    }
    let mut seen = 0;
    while let Ok(ev) = rx.try_recv() {
        assert_eq!(ev.namespace, "load-2", "{:?} {}", ev.kind, ev.rv);
        seen += 1;
    }
    assert!(seen >= 20, "{seen}");
    // Every namespace by default.
    assert_eq!(namespaces(&[]).len(), LOAD_NAMESPACES);
}
