use super::*;
use crate::SimConfig;
use crate::hpa_feed::FedMetric;

#[test]
fn milli_quantities_print_canonically() {
    assert_eq!(fmt_milli(140_000), "140");
    assert_eq!(fmt_milli(500), "500m");
    assert_eq!(fmt_milli(1_234_500), "1234500m");
    assert_eq!(fmt_milli(140_000_000), "140k");
    assert_eq!(fmt_milli(1_500_000_000), "1500k");
    assert_eq!(fmt_milli(0), "0");
}

#[test]
fn selectors_print_as_go_does() {
    assert_eq!(selector_string(None), "nil");
    assert_eq!(
        selector_string(Some(&json!({"matchLabels": {"queue": "tasks"}}))),
        "&LabelSelector{MatchLabels:map[string]string{queue: tasks,},MatchExpressions:[]LabelSelectorRequirement{},}"
    );
}

fn pod(name: &str) -> Arc<Value> {
    Arc::new(json!({"metadata": {"name": name, "namespace": "ns"},
        "spec": {"containers": [{"name": "app", "resources": {"requests": {"cpu": "100m"}}}]}}))
}

fn feed(sim: &Sim, body: Value) {
    let (m, _) = FedMetric::parse(&body).unwrap();
    sim.hpa_feed.set(m);
}

#[test]
fn external_value_and_average_value_targets() {
    let sim = Sim::new(&SimConfig::default());
    let pods = [pod("a"), pod("b")];
    let ready: Vec<&Arc<Value>> = pods.iter().collect();
    let cx = Ctx {
        sim: &sim,
        ns: "ns",
        ready: &ready,
        spec_replicas: 2,
        status_replicas: 2,
    };
    let value = json!({"type": "External", "external": {"metric": {"name": "q"}, "target": {"type": "Value", "value": "20"}}});
    let f = compute(&cx, &value).unwrap_err();
    assert_eq!(f.reason, "FailedGetExternalMetric");
    assert!(
        f.err
            .starts_with("unable to get external metric ns/q/nil: unable to fetch metrics from external metrics API: "),
        "{}",
        f.err
    );
    feed(
        &sim,
        json!({"namespace": "ns", "kind": "External", "name": "q", "value": 50}),
    );
    let c = compute(&cx, &value).unwrap();
    assert_eq!(c.proposal, 5); // ceil(50 / 20 × 2 ready pods)
    assert_eq!(c.status["external"]["current"]["value"], "50");
    assert_eq!(c.name, "external metric q(nil)");
    let avg = json!({"type": "External", "external": {"metric": {"name": "q"}, "target": {"type": "AverageValue", "averageValue": "10"}}});
    let c = compute(&cx, &avg).unwrap();
    assert_eq!(c.proposal, 5); // ceil(50 / 10)
    assert_eq!(c.status["external"]["current"]["averageValue"], "25");
}

#[test]
fn pods_and_object_metrics() {
    let sim = Sim::new(&SimConfig::default());
    let pods = [pod("a"), pod("b"), pod("c")];
    let ready: Vec<&Arc<Value>> = pods.iter().collect();
    let cx = Ctx {
        sim: &sim,
        ns: "ns",
        ready: &ready,
        spec_replicas: 3,
        status_replicas: 3,
    };
    let p = json!({"type": "Pods", "pods": {"metric": {"name": "rps"}, "target": {"type": "AverageValue", "averageValue": "100"}}});
    assert_eq!(compute(&cx, &p).unwrap_err().reason, "FailedGetPodsMetric");
    feed(
        &sim,
        json!({"namespace": "ns", "kind": "Pods", "name": "rps", "value": "250"}),
    );
    let c = compute(&cx, &p).unwrap();
    assert_eq!(c.proposal, 8); // ceil(2.5 × 3)
    assert_eq!(c.status["pods"]["current"]["averageValue"], "250");
    let o = json!({"type": "Object", "object": {"metric": {"name": "hits"}, "describedObject": {"kind": "Service", "name": "web"}, "target": {"type": "Value", "value": "10"}}});
    let f = compute(&cx, &o).unwrap_err();
    assert_eq!(f.reason, "FailedGetObjectMetric");
    assert!(
        f.err
            .starts_with("unable to get metric hits: Service on ns web/"),
        "{}",
        f.err
    );
    feed(
        &sim,
        json!({"namespace": "ns", "kind": "Object", "name": "hits", "object": {"kind": "Service", "name": "web"}, "value": 5}),
    );
    let c = compute(&cx, &o).unwrap();
    assert_eq!(c.proposal, 2); // ceil(0.5 × 3)
    assert_eq!(c.status["object"]["current"]["value"], "5");
    assert_eq!(c.name, "Service metric hits");
}
