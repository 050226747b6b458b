//! Serving the sim: bootstrap, the controllers, the API server and the optional metrics
//! server, until stopped.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::config::SimConfig;
use crate::kubeconfig::write_kubeconfig;
use crate::{Sim, bootstrap, controllers};

/// A running sim: where it listens, and how to stop it.
pub struct SimHandle {
    pub addr: SocketAddr,
    /// Where `/metrics` and `/truth` are served, with `metrics_listen`.
    pub metrics_addr: Option<SocketAddr>,
    pub sim: Arc<Sim>,
    shutdown: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
    state_file: Option<std::path::PathBuf>,
}

impl SimHandle {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stop serving and wait for the server to finish; save the state with `state_file`
    /// (a failure is logged and printed).
    pub async fn stop(self) {
        if let Err(e) = self.stop_and_save().await {
            tracing::error!("{e:#}");
            eprintln!("agentdeck sim: {e:#}");
        }
    }

    /// Stop serving, wait for the server (and the controllers) to finish, then save the
    /// state with `state_file`.
    pub async fn stop_and_save(self) -> anyhow::Result<()> {
        let _ = self.shutdown.send(true);
        self.sim.faults.cut_watches();
        let _ = self.task.await;
        if let Some(p) = &self.state_file {
            crate::state::save(&self.sim, p)?;
            tracing::info!(file = %p.display(), "sim state saved");
        }
        Ok(())
    }
}

/// Start the sim: bootstrap, controllers, the HTTP server. Writes the kubeconfig if asked.
pub async fn start(cfg: SimConfig) -> anyhow::Result<SimHandle> {
    let saved = match &cfg.state_file {
        Some(p) => crate::state::load(p)?,
        None => None,
    };
    let sim = match saved {
        Some(saved) => {
            let sim = Sim::starting_at(&cfg, saved.clock.max(jiff::Timestamp::now()));
            crate::state::restore(&sim, saved);
            crate::bootstrap::preload_missing(&sim, &cfg)?;
            sim
        }
        None => {
            let sim = Sim::new(&cfg);
            bootstrap(&sim, &cfg)?;
            sim
        }
    };
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
            let task = tokio::spawn(super::metrics::run(l, sim.clone(), std::future::pending()));
            (Some(bound), Some(task))
        }
        None => (None, None),
    };
    let ctl = tokio::spawn(controllers::run(sim.clone()));
    let (tx, rx) = tokio::sync::watch::channel(false);
    let app = super::router(sim.clone());
    let s = sim.clone();
    let task = tokio::spawn(async move {
        super::conn::serve(listener, app, s, None, rx).await;
        ctl.abort();
        if let Some(m) = metrics_task {
            m.abort();
        }
    });
    Ok(SimHandle {
        addr,
        metrics_addr,
        sim,
        shutdown: tx,
        task,
        state_file: cfg.state_file.clone(),
    })
}
