//! The embedded simulated Kubernetes cluster: an API server on loopback that real kubectl
//! and kube-rs talk to, an object store, and controllers running in simulated time.

pub mod agents;
pub mod api;
pub mod apply;
pub mod controllers;
pub mod defaults;
pub mod meta;
pub mod patch;
pub mod resources;
pub mod store;
pub mod table;
pub mod validate;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use self::api::admin::Faults;
use self::api::auth::DenyRule;
use self::meta::{Clock, Rng};
use self::resources::ResourceDef;
use self::store::Store;

/// How to run the sim (the `agentdeck sim` flags).
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub listen: SocketAddr,
    pub kubeconfig_out: Option<PathBuf>,
    pub preload: bool,
    pub extra_pods: usize,
    pub deny: Vec<DenyRule>,
    pub time_scale: f64,
    pub seed: u64,
    /// How many changes watches can resume from (older resourceVersions get 410).
    pub event_log: usize,
    /// Serve the agent model's `/metrics` and `/truth` here too (loopback).
    pub metrics_listen: Option<SocketAddr>,
    /// Constant agent load: no daily curve, bursts or jitter (see [`agents`]).
    pub steady_load: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: "127.0.0.1:0".parse().expect("addr"),
            kubeconfig_out: None,
            preload: false,
            extra_pods: 0,
            deny: Vec::new(),
            time_scale: 1.0,
            seed: 42,
            event_log: 10_000,
            metrics_listen: None,
            steady_load: false,
        }
    }
}

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
    /// The agent load model of the bundled stack (metrics, ground truth, pod usage).
    pub agents: agents::Agents,
    usage: Mutex<HashMap<(String, String), Usage>>,
    next_ip: AtomicU32,
}

impl Sim {
    pub fn new(cfg: &SimConfig) -> Arc<Self> {
        Arc::new(Sim {
            store: Store::new(cfg.event_log),
            clock: Clock::new(cfg.time_scale),
            rng: Rng::new(cfg.seed),
            faults: Faults::default(),
            deny: cfg.deny.clone(),
            agents: agents::Agents::new(cfg.seed, cfg.steady_load),
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

    /// Is any Deployment's memory use pinned (the only way a simulated pod can OOM)?
    pub fn has_memory_pins(&self) -> bool {
        self.usage
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .any(|u| u.memory.is_some())
    }

    pub fn usage_for(&self, ns: &str, deploy: &str) -> Usage {
        self.usage
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&(ns.to_string(), deploy.to_string()))
            .copied()
            .unwrap_or_default()
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
        for r in resources::RESOURCES.iter().filter(|r| r.namespaced) {
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

    /// Create an object inside the sim (preload, controllers), with the API's defaults
    /// and metadata, applied by `manager`.
    pub fn create_internal(&self, obj: Value, manager: &str) -> Result<Arc<Value>, String> {
        api::writes::create_internal(self, obj, manager)
    }
}

/// The served namespaces every cluster starts with.
const SYSTEM_NAMESPACES: &[&str] = &["default", "kube-system", "kube-public", "kube-node-lease"];

/// Create the initial cluster contents: namespaces, nodes, the bundled stack (with
/// `preload`) and extra load workloads.
pub fn bootstrap(sim: &Sim, cfg: &SimConfig) -> anyhow::Result<()> {
    for ns in SYSTEM_NAMESPACES {
        sim.create_internal(
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
            "kube-apiserver",
        )
        .map_err(anyhow::Error::msg)?;
    }
    let nodes = controllers::nodes::node_count(cfg.extra_pods + 40);
    controllers::nodes::create_nodes(sim, nodes).map_err(anyhow::Error::msg)?;
    if cfg.preload {
        for doc in crate::manifests::bundled()? {
            let av = doc.object["apiVersion"].as_str().unwrap_or("");
            let kind = doc.object["kind"].as_str().unwrap_or("");
            if resources::by_kind(av, kind).is_none() {
                tracing::info!(kind, "preload: kind not served by the sim, skipped");
                continue;
            }
            sim.create_internal(doc.object, "agentdeck")
                .map_err(|e| anyhow::anyhow!("{}:{}: {e}", doc.file, doc.line))?;
        }
    }
    if cfg.extra_pods > 0 {
        controllers::load::create_extra(sim, cfg.extra_pods).map_err(anyhow::Error::msg)?;
    }
    Ok(())
}

/// A running sim: where it listens, and how to stop it.
pub struct SimHandle {
    pub addr: SocketAddr,
    /// Where `/metrics` and `/truth` are served, with `metrics_listen`.
    pub metrics_addr: Option<SocketAddr>,
    pub sim: Arc<Sim>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl SimHandle {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stop serving and wait for the server to finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.sim.faults.cut_watches();
        let _ = self.task.await;
    }
}

/// Start the sim: bootstrap, controllers, the HTTP server. Writes the kubeconfig if asked.
pub async fn start(cfg: SimConfig) -> anyhow::Result<SimHandle> {
    let sim = Sim::new(&cfg);
    bootstrap(&sim, &cfg)?;
    let listener = tokio::net::TcpListener::bind(cfg.listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", cfg.listen))?;
    let addr = listener.local_addr()?;
    if let Some(p) = &cfg.kubeconfig_out {
        write_kubeconfig(p, &format!("http://{addr}"))?;
    }
    let (metrics_addr, metrics_task) = match cfg.metrics_listen {
        Some(a) => {
            let l = tokio::net::TcpListener::bind(a)
                .await
                .map_err(|e| anyhow::anyhow!("cannot listen on {a} (metrics): {e}"))?;
            let bound = l.local_addr()?;
            let task = tokio::spawn(agents::serve::run(l, sim.clone(), std::future::pending()));
            (Some(bound), Some(task))
        }
        None => (None, None),
    };
    let ctl = tokio::spawn(controllers::run(sim.clone()));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let app = api::router(sim.clone());
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = rx.await;
        });
        if let Err(e) = serve.await {
            tracing::error!("sim server stopped: {e}");
        }
        ctl.abort();
        if let Some(m) = metrics_task {
            m.abort();
        }
    });
    Ok(SimHandle {
        addr,
        metrics_addr,
        sim,
        shutdown: Some(tx),
        task,
    })
}

/// A kubeconfig for the sim: cluster, user and context `agentdeck-sim`, namespace ai-agents.
pub fn kubeconfig_yaml(server: &str) -> String {
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: agentdeck-sim
  cluster:
    server: {server}
users:
- name: agentdeck-sim
  user:
    token: agentdeck-sim-token
contexts:
- name: agentdeck-sim
  context:
    cluster: agentdeck-sim
    user: agentdeck-sim
    namespace: ai-agents
current-context: agentdeck-sim
preferences: {{}}
"
    )
}

pub fn write_kubeconfig(path: &std::path::Path, server: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, kubeconfig_yaml(server))
        .map_err(|e| anyhow::anyhow!("cannot write kubeconfig {}: {e}", path.display()))
}
