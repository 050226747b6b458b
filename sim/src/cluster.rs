//! The whole simulated cluster's state ([`Sim`]): the store, simulated time, randomness,
//! faults, deny rules, the agent model and usage pins; and deletion as the API does it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::agents;
use crate::authz::DenyRule;
use crate::config::SimConfig;
use crate::faults::Faults;
use crate::kinds;
use crate::meta::{self, Clock, Rng};
use crate::resources::{self, ResourceDef};
use crate::store::Store;

/// Pinned resource use of a Deployment's pods, as fractions of their requests.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    pub cpu: Option<f64>,
    pub memory: Option<f64>,
}

/// The whole simulated cluster's state, shared by the API server and the controllers.
pub struct Sim {
    pub store: Store,
    pub clock: Clock,
    pub rng: Rng,
    pub faults: Faults,
    pub deny: Vec<DenyRule>,
    /// The run's credentials and how requests are authenticated.
    pub authn: crate::authn::Authn,
    /// The agent load model of the bundled stack (metrics, ground truth, pod usage).
    pub agents: agents::Agents,
    /// Values of the HPA's Pods, Object and External metrics (`/_sim/hpa-metrics`).
    pub hpa_feed: crate::hpa_feed::HpaFeed,
    /// Group versions whose APIService fails (`--broken-group`): listed, answering 503.
    pub broken_groups: Vec<String>,
    /// The staged incidents ([`crate::incidents`]).
    pub incidents: crate::incident::Active,
    usage: Mutex<HashMap<(String, String), Usage>>,
    next_ip: AtomicU32,
}

impl Sim {
    pub fn new(cfg: &SimConfig) -> Arc<Self> {
        Self::starting_at(cfg, jiff::Timestamp::now())
    }

    /// A sim whose simulated clock starts at `start`.
    pub fn starting_at(cfg: &SimConfig, start: jiff::Timestamp) -> Arc<Self> {
        Arc::new(Sim {
            store: Store::new(cfg.event_log),
            clock: Clock::starting_at(cfg.time_scale, start),
            rng: Rng::new(cfg.seed),
            faults: Faults::default(),
            deny: cfg.deny.clone(),
            authn: crate::authn::Authn::new(cfg.auth),
            agents: agents::Agents::new(cfg.seed, cfg.steady_load)
                .with_profile(cfg.metrics_profile),
            hpa_feed: Default::default(),
            broken_groups: cfg.broken_groups.clone(),
            incidents: Default::default(),
            usage: Mutex::new(HashMap::new()),
            next_ip: AtomicU32::new(10),
        })
    }

    pub fn set_usage(&self, ns: &str, deploy: &str, u: Usage) {
        self.usage
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert((ns.to_string(), deploy.to_string()), u);
    }

    /// Is any Deployment's memory use pinned, or the agents leaking (`oom`)? (The only
    /// ways a simulated pod can OOM.)
    pub fn has_memory_pins(&self) -> bool {
        self.incidents.is_on(crate::incident::Incident::Oom)
            || self
                .usage
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .values()
                .any(|u| u.memory.is_some())
    }

    /// Is `metrics.k8s.io/v1beta1` served (metrics-server up)? Not under
    /// `no-metrics-server`, nor when `--broken-group` names it.
    pub fn metrics_api_served(&self) -> bool {
        !self
            .incidents
            .is_on(crate::incident::Incident::NoMetricsServer)
            && !self
                .broken_groups
                .iter()
                .any(|g| g == resources::METRICS_GROUP_VERSION)
    }

    /// The group versions answering 503 now: `--broken-group`, and the metrics API under
    /// `no-metrics-server`.
    pub fn broken_group_versions(&self) -> Vec<String> {
        let mut out = self.broken_groups.clone();
        let gv = resources::METRICS_GROUP_VERSION;
        if self
            .incidents
            .is_on(crate::incident::Incident::NoMetricsServer)
            && !out.iter().any(|g| g == gv)
        {
            out.push(gv.to_string());
        }
        out
    }

    pub fn usage_for(&self, ns: &str, deploy: &str) -> Usage {
        self.usage
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&(ns.to_string(), deploy.to_string()))
            .copied()
            .unwrap_or_default()
    }

    /// The next cluster IP's index (saved with the store).
    pub fn ip_counter(&self) -> u32 {
        self.next_ip.load(Ordering::Relaxed)
    }

    pub fn set_ip_counter(&self, n: u32) {
        self.next_ip.store(n, Ordering::Relaxed);
    }

    pub fn next_cluster_ip(&self) -> String {
        let n = self.next_ip.fetch_add(1, Ordering::Relaxed);
        format!("10.96.{}.{}", n / 250, n % 250 + 1)
    }

    /// Delete an object as the API does: pods terminate gracefully, namespaces and
    /// foreground deletions wait for their contents, orphaning strips owner references.
    pub fn delete_object(
        &self,
        def: &ResourceDef,
        ns: &str,
        name: &str,
        propagation: &str,
        grace: Option<i64>,
    ) -> Option<Arc<Value>> {
        let key = def.key();
        let obj = self.store.get(&key, ns, name)?;
        let now = self.clock.now_str();
        let graceful =
            def.kind == "Pod" && obj.pointer("/spec/nodeName").is_some() && grace.unwrap_or(1) > 0;
        if def.kind == "Namespace" || graceful || propagation == "Foreground" {
            let g = grace.unwrap_or_else(|| {
                obj.pointer("/spec/terminationGracePeriodSeconds")
                    .and_then(Value::as_i64)
                    .unwrap_or(30)
            });
            self.store.note_deletion();
            return self.store.update_with(&key, ns, name, |o| {
                if meta::is_deleting(o) {
                    return false;
                }
                let md = meta::metadata_mut(o);
                md.insert("deletionTimestamp".into(), json!(now));
                if def.kind == "Pod" {
                    md.insert("deletionGracePeriodSeconds".into(), json!(g));
                }
                if propagation == "Foreground" && def.kind != "Pod" {
                    md.insert("finalizers".into(), json!(["foregroundDeletion"]));
                }
                if def.kind == "Namespace" {
                    o["status"]["phase"] = json!("Terminating");
                }
                true
            });
        }
        self.store.note_deletion();
        if propagation == "Orphan" {
            self.orphan_dependents(meta::uid(&obj));
        }
        self.store.delete(&key, ns, name)
    }

    fn orphan_dependents(&self, uid: &str) {
        for r in kinds::resources().filter(|r| r.namespaced) {
            let (items, _) = self.store.list(&r.key(), None);
            for o in items.iter().filter(|o| meta::owner_uids(o).contains(&uid)) {
                self.store
                    .update_with(&r.key(), meta::namespace(o), meta::name(o), |o| {
                        if let Some(refs) = o
                            .pointer_mut("/metadata/ownerReferences")
                            .and_then(Value::as_array_mut)
                        {
                            refs.retain(|r| r.get("uid").and_then(Value::as_str) != Some(uid));
                        }
                        true
                    });
            }
        }
    }
}

impl agents::World for Sim {
    fn store(&self) -> &Store {
        &self.store
    }
    fn clock(&self) -> &Clock {
        &self.clock
    }
    /// The agent model's flags of the active incidents.
    fn flags(&self) -> agents::Flags {
        use crate::incident::Incident;
        agents::Flags {
            slow_provider: self.incidents.is_on(Incident::SlowProvider),
            memory_leak: self.incidents.is_on(Incident::Oom),
        }
    }
}
