use super::*;
use crate::SimConfig;
use crate::bootstrap::create_extra;

fn sim_with_extra(n: usize) -> Arc<Sim> {
    let cfg = SimConfig {
        extra_pods: n,
        time_scale: 1000.0,
        ..SimConfig::default()
    };
    let sim = Sim::new(&cfg);
    crate::bootstrap::bootstrap(&sim, &cfg).unwrap();
    sim
}

fn pods_in(sim: &Sim, ns: &str) -> Vec<Arc<Value>> {
    sim.store.list(keys::PODS, Some(ns)).0
}

/// A pod as the kubelet and the scheduler leave a running one.
fn assert_running(p: &Value) {
    assert!(meta::pod_ready(p), "{p}");
    assert_eq!(p["status"]["phase"], "Running");
    let node = p["spec"]["nodeName"].as_str().unwrap();
    assert!(node.starts_with("sim-node-"), "{node}");
    assert!(
        p["status"]["podIP"]
            .as_str()
            .unwrap()
            .starts_with("10.244.")
    );
    assert!(
        p["status"]["hostIP"]
            .as_str()
            .unwrap()
            .starts_with("192.168.")
    );
    assert_eq!(p["status"]["qosClass"], "Burstable");
    let conds: Vec<_> = p["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["type"].as_str().unwrap(), c["status"].as_str().unwrap()))
        .collect();
    for t in ["PodScheduled", "Initialized", "ContainersReady", "Ready"] {
        assert!(conds.contains(&(t, "True")), "{t}: {conds:?}");
    }
    assert!(
        p.pointer("/status/containerStatuses/0/state/running/startedAt")
            .is_some()
    );
    assert_eq!(p["metadata"]["ownerReferences"][0]["kind"], "ReplicaSet");
    assert!(meta::label(p, "pod-template-hash").is_some());
    let rv: u64 = meta::resource_version(p).parse().unwrap();
    assert!(rv > 1);
}

#[test]
fn the_pods_are_running_and_ready_and_the_controllers_change_nothing() {
    let sim = sim_with_extra(200);
    let pods = pods_in(&sim, "load-1");
    assert_eq!(pods.len(), 40);
    for p in &pods {
        assert_running(p);
    }
    // Pods spread evenly over the nodes, as the scheduler does.
    let mut per_node = std::collections::HashMap::new();
    for i in 1..=5 {
        for p in pods_in(&sim, &format!("load-{i}")) {
            *per_node
                .entry(p["spec"]["nodeName"].to_string())
                .or_insert(0) += 1;
        }
    }
    let (lo, hi) = (per_node.values().min(), per_node.values().max());
    assert!(hi.unwrap() - lo.unwrap() <= 1, "{per_node:?}");
    // Four events per pod, about it at its resourceVersion.
    let (evs, _) = sim.store.list(keys::EVENTS, Some("load-1"));
    let p = &pods[0];
    let about: Vec<_> = evs
        .iter()
        .filter(|e| e["involvedObject"]["uid"] == p["metadata"]["uid"])
        .collect();
    let reasons: Vec<_> = about
        .iter()
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    for r in ["Scheduled", "Pulled", "Created", "Started"] {
        assert!(reasons.contains(&r), "{reasons:?}");
    }
    for e in &about {
        assert_eq!(
            e["involvedObject"]["resourceVersion"],
            p["metadata"]["resourceVersion"]
        );
        assert!(e.pointer("/metadata/managedFields/0/fieldsV1").is_some());
    }
    // Statuses filled as the controllers fill them: a pass writes nothing.
    let d = sim
        .store
        .get(keys::DEPLOYMENTS, "load-1", "worker-1")
        .unwrap();
    assert_eq!(d["status"]["readyReplicas"], 10);
    assert_eq!(
        d["status"]["conditions"][1]["reason"],
        "NewReplicaSetAvailable"
    );
    let rv = sim.store.current_rv();
    let mut st = State::default();
    super::super::reconcile(&sim, &mut st);
    assert_eq!(
        sim.store.current_rv(),
        rv,
        "the controllers rewrote something"
    );
}

#[test]
fn the_controllers_scale_roll_out_and_delete_bulk_workloads() {
    let sim = sim_with_extra(100);
    let mut st = State::default();
    let settle = |st: &mut State, check: &dyn Fn() -> bool| {
        for _ in 0..3000 {
            super::super::reconcile(&sim, st);
            if check() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        panic!("not settled");
    };
    let ready = |ns: &str| {
        pods_in(&sim, ns)
            .iter()
            .filter(|p| meta::pod_ready(p))
            .count()
    };
    // Scale worker-1 of load-1 from 5 to 2, then 8.
    for want in [2, 8] {
        sim.store
            .update_with(keys::DEPLOYMENTS, "load-1", "worker-1", |d| {
                d["spec"]["replicas"] = json!(want);
                true
            });
        let n = 15 + want;
        settle(&mut st, &|| {
            pods_in(&sim, "load-1").len() == n && ready("load-1") == n
        });
    }
    // A rollout: a new template replaces every pod of worker-2 in load-2.
    sim.store
        .update_with(keys::DEPLOYMENTS, "load-2", "worker-2", |d| {
            d["spec"]["template"]["metadata"]["labels"]["v"] = json!("2");
            true
        });
    settle(&mut st, &|| {
        let pods = pods_in(&sim, "load-2");
        pods.len() == 20
            && ready("load-2") == 20
            && pods
                .iter()
                .filter(|p| meta::label(p, "v") == Some("2"))
                .count()
                == 5
    });
    // Deleting a Deployment takes its ReplicaSet and pods with it.
    let def = crate::kinds::by_key(keys::DEPLOYMENTS).unwrap();
    sim.delete_object(def, "load-3", "worker-3", "Background", None);
    settle(&mut st, &|| pods_in(&sim, "load-3").len() == 15);
}

#[test]
fn pods_with_no_room_are_left_to_the_replicaset_controller() {
    let sim = Sim::new(&SimConfig::default());
    crate::controllers::nodes::create_nodes(&sim, 1).unwrap();
    create_extra(&sim, 20 * 120).unwrap();
    // One node holds 110 pods; the others wait for the ReplicaSet controller.
    assert_eq!(
        sim.store.count(keys::PODS),
        crate::controllers::nodes::PODS_PER_NODE
    );
}

/// Every path of an object (array lengths included), without the values.
fn shape(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, x)| shape(x, format!("{at}/{k}"), out)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| shape(x, format!("{at}/{i}"), out)),
        _ => out.push(at),
    }
}

fn shape_of(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    shape(v, String::new(), &mut out);
    out
}

#[test]
fn bulk_pods_and_events_have_the_shape_of_the_controllers_ones() {
    let sim = sim_with_extra(20);
    // The same workload brought up by the controllers, pod by pod.
    let mut d = sim
        .store
        .get(keys::DEPLOYMENTS, "load-1", "worker-1")
        .unwrap();
    let d = Arc::make_mut(&mut d);
    d["metadata"] =
        json!({"name": "worker-1", "namespace": "default", "labels": {"app": "worker-1"}});
    d.as_object_mut().unwrap().remove("status");
    admission::create_internal(&sim, d.clone(), "agentdeck-sim").unwrap();
    let mut st = State::default();
    for _ in 0..3000 {
        super::super::reconcile(&sim, &mut st);
        let d = sim
            .store
            .get(keys::DEPLOYMENTS, "default", "worker-1")
            .unwrap();
        if d.pointer("/status/availableReplicas") == d.pointer("/spec/replicas") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let slow = &pods_in(&sim, "default")[0];
    let fast = &pods_in(&sim, "load-1")[0];
    assert!(meta::pod_ready(slow));
    assert_eq!(shape_of(slow), shape_of(fast));
    let evs = |p: &Value| {
        let (evs, _) = sim.store.list(keys::EVENTS, Some(meta::namespace(p)));
        let mut about: Vec<_> = evs
            .iter()
            .filter(|e| e["involvedObject"]["uid"] == p["metadata"]["uid"])
            .map(|e| (e["reason"].as_str().unwrap().to_string(), shape_of(e)))
            .collect();
        about.sort();
        about
    };
    assert_eq!(evs(slow), evs(fast));
    for k in [keys::REPLICASETS, keys::DEPLOYMENTS] {
        let slow = &sim.store.list(k, Some("default")).0[0];
        let fast = &sim.store.list(k, Some("load-1")).0[0];
        assert_eq!(shape_of(slow), shape_of(fast), "{k}");
    }
}
