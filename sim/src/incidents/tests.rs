use std::sync::Arc;

use base64::Engine;
use serde_json::{Value, json};

use super::stage::{BAD_BASE_URL, BASE_URL, DENY_POLICY, MANAGER, REVOKED_KEY, VALID_KEY};
use super::*;
use crate::agents::{self, NAMESPACE, SECRET, SECRET_KEY};
use crate::resources::keys;
use crate::{Sim, SimConfig, admission};

/// A sim holding the parts of the bundled stack the incidents touch (no controllers).
fn stack() -> Arc<Sim> {
    let sim = Sim::new(&SimConfig::default());
    let objects = [
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "ai-agent-service", "namespace": NAMESPACE},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "ai-agent-service"}},
                "template": {"metadata": {"labels": {"app": "ai-agent-service"}},
                    "spec": {"containers": [{"name": "ai-agent", "image": "holysheep/ai-agent:1.4.2",
                        "env": [{"name": "HOLYSHEEP_BASE_URL", "value": BASE_URL}],
                        "resources": {"requests": {"cpu": "250m", "memory": "512Mi"},
                            "limits": {"cpu": "1000m", "memory": "2Gi"}}}]}}}}),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": "allow-holysheep-api", "namespace": NAMESPACE},
        "spec": {"podSelector": {"matchLabels": {"app": "ai-agent-service"}}, "policyTypes": ["Egress"],
            "egress": [
                {"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}}], "ports": [{"protocol": "TCP", "port": 443}]},
                {"to": [{"namespaceSelector": {}}], "ports": [{"protocol": "UDP", "port": 53}]},
            ]}}),
    ];
    for o in objects {
        admission::create_internal(&sim, o, "test").unwrap();
    }
    sim
}

fn key_in_store(sim: &Sim) -> String {
    let s = sim.store.get(keys::SECRETS, NAMESPACE, SECRET).unwrap();
    let b64 = s["data"][SECRET_KEY].as_str().unwrap().to_string();
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
    )
    .unwrap()
}

fn deployment(sim: &Sim) -> Arc<Value> {
    sim.store
        .get(keys::DEPLOYMENTS, NAMESPACE, "ai-agent-service")
        .unwrap()
}

fn managers(o: &Value) -> Vec<String> {
    o["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["manager"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn names_parse_and_unknown_ones_list_the_valid_names() {
    for i in Incident::ALL {
        assert_eq!(i.name().parse::<Incident>(), Ok(i));
        assert_eq!(i.to_string(), i.name());
    }
    let err = "meteor".parse::<Incident>().unwrap_err();
    assert!(err.contains("\"meteor\""), "{err}");
    assert!(
        err.contains(
            "bad-key, egress-blocked, no-metrics-server, oom, crashloop, pending, slow-provider"
        ),
        "{err}"
    );
}

#[test]
fn bad_key_creates_a_revoked_key_and_off_restores_the_valid_one() {
    let sim = stack();
    // No Secret yet: staging creates it.
    assert!(stage(&sim, Incident::BadKey, true).unwrap());
    assert_eq!(key_in_store(&sim), REVOKED_KEY);
    assert!(!agents::secret_key_ok(&sim));
    assert!(stage(&sim, Incident::BadKey, false).unwrap());
    assert_eq!(key_in_store(&sim), VALID_KEY);
    assert!(agents::secret_key_ok(&sim));
    // A valid key of the user's comes back after the incident.
    let mine = "sk-mine-0123456789abcdef";
    sim.store
        .update_with(keys::SECRETS, NAMESPACE, SECRET, |s| {
            s["data"][SECRET_KEY] = json!(base64::engine::general_purpose::STANDARD.encode(mine));
            true
        })
        .unwrap();
    stage(&sim, Incident::BadKey, true).unwrap();
    assert_eq!(key_in_store(&sim), REVOKED_KEY);
    let s = sim.store.get(keys::SECRETS, NAMESPACE, SECRET).unwrap();
    assert!(managers(&s).contains(&MANAGER.to_string()));
    stage(&sim, Incident::BadKey, false).unwrap();
    assert_eq!(key_in_store(&sim), mine);
    // Off when it is not on changes nothing.
    assert!(!stage(&sim, Incident::BadKey, false).unwrap());
    assert_eq!(key_in_store(&sim), mine);
}

#[test]
fn egress_blocked_adds_a_default_deny_and_breaks_the_allow_rule_and_off_undoes_both() {
    let sim = stack();
    assert!(agents::provider_egress(&*sim).allowed);
    stage(&sim, Incident::EgressBlocked, true).unwrap();
    let key = keys::NETWORKPOLICIES;
    let deny = sim.store.get(key, NAMESPACE, DENY_POLICY).unwrap();
    assert_eq!(deny["spec"]["podSelector"], json!({}));
    assert_eq!(deny["spec"]["policyTypes"], json!(["Egress"]));
    let allow = sim
        .store
        .get(key, NAMESPACE, "allow-holysheep-api")
        .unwrap();
    assert_eq!(allow["spec"]["egress"][0]["ports"][0]["port"], 8443);
    assert_eq!(allow["spec"]["egress"][1]["ports"][0]["port"], 53);
    assert_eq!(allow["metadata"]["generation"], 2);
    assert!(managers(&allow).contains(&MANAGER.to_string()));
    let v = agents::provider_egress(&*sim);
    assert!(!v.allowed);
    assert_eq!(v.isolating, ["allow-holysheep-api", DENY_POLICY]);
    assert!(!agents::provider(&*sim).egress_ok);

    stage(&sim, Incident::EgressBlocked, false).unwrap();
    assert!(sim.store.get(key, NAMESPACE, DENY_POLICY).is_none());
    let allow = sim
        .store
        .get(key, NAMESPACE, "allow-holysheep-api")
        .unwrap();
    assert_eq!(allow["spec"]["egress"][0]["ports"][0]["port"], 443);
    assert!(agents::provider_egress(&*sim).allowed);
}

#[test]
fn crashloop_and_pending_edit_the_deployment_and_off_writes_the_bundled_values() {
    let sim = stack();
    stage(&sim, Incident::Crashloop, true).unwrap();
    let d = deployment(&sim);
    let c = &d["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["env"][0]["value"], BAD_BASE_URL);
    assert_eq!(d["metadata"]["generation"], 2);
    stage(&sim, Incident::Crashloop, false).unwrap();
    let d = deployment(&sim);
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"],
        BASE_URL
    );

    stage(&sim, Incident::Pending, true).unwrap();
    let d = deployment(&sim);
    let r = &d["spec"]["template"]["spec"]["containers"][0]["resources"];
    assert_eq!(r["requests"]["memory"], "64Gi");
    assert_eq!(r["limits"]["memory"], "64Gi");
    assert_eq!(r["requests"]["cpu"], "250m");
    stage(&sim, Incident::Pending, false).unwrap();
    let d = deployment(&sim);
    let r = &d["spec"]["template"]["spec"]["containers"][0]["resources"];
    assert_eq!(r["requests"]["memory"], "512Mi");
    assert_eq!(r["limits"]["memory"], "2Gi");
}

#[test]
fn model_flags_and_the_metrics_api() {
    let sim = stack();
    assert!(sim.metrics_api_served());
    assert!(sim.broken_group_versions().is_empty());
    for i in [
        Incident::NoMetricsServer,
        Incident::Oom,
        Incident::SlowProvider,
    ] {
        stage(&sim, i, true).unwrap();
    }
    assert!(!sim.metrics_api_served());
    assert_eq!(sim.broken_group_versions(), ["metrics.k8s.io/v1beta1"]);
    assert_eq!(
        agents::World::flags(&*sim),
        agents::Flags {
            slow_provider: true,
            memory_leak: true
        }
    );
    assert!(sim.has_memory_pins());
    assert_eq!(
        agents::provider(&*sim).latency,
        agents::model::SLOW_PROVIDER_FACTOR
    );
    let names: Vec<&str> = sim.incidents.list().iter().map(|(i, _)| i.name()).collect();
    assert_eq!(names, ["no-metrics-server", "oom", "slow-provider"]);
    for i in Incident::ALL {
        stage(&sim, i, false).unwrap();
    }
    assert!(sim.metrics_api_served());
    assert_eq!(agents::World::flags(&*sim), agents::Flags::default());
    assert!(!sim.has_memory_pins());
    assert!(
        sim.incidents
            .changed_at(Incident::NoMetricsServer)
            .is_some()
    );
}

#[test]
fn staging_without_the_stack_fails_with_the_reason_and_stays_off() {
    let sim = Sim::new(&SimConfig::default());
    let err = stage(&sim, Incident::Crashloop, true).unwrap_err();
    assert!(err.contains("cannot stage crashloop"), "{err}");
    assert!(!sim.incidents.is_on(Incident::Crashloop));
}
