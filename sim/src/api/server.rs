//! Serving the sim: bootstrap, the controllers, the API server and the optional metrics
//! server, until stopped.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::authn::AuthMode;
use crate::config::SimConfig;
use crate::kubeconfig::{User, write_kubeconfig_with, write_private};
use crate::{Sim, bootstrap, controllers};

/// A running sim: where it listens, and how to stop it.
pub struct SimHandle {
    pub addr: SocketAddr,
    /// Where `/metrics` and `/truth` are served, with `metrics_listen`.
    pub metrics_addr: Option<SocketAddr>,
    pub sim: Arc<Sim>,
    /// The run's CA (PEM) with `tls`: what clients must trust.
    pub ca_pem: Option<String>,
    shutdown: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
    state_file: Option<std::path::PathBuf>,
}

impl SimHandle {
    pub fn url(&self) -> String {
        let scheme = if self.ca_pem.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
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

/// Check the flags that go together before starting anything.
fn check(cfg: &SimConfig) -> anyhow::Result<()> {
    if cfg.auth == AuthMode::ClientCert && !cfg.tls {
        anyhow::bail!("--auth client-cert needs --tls (client certificates are a TLS feature)");
    }
    if cfg.auth == AuthMode::Exec && cfg.kubeconfig_out.is_none() {
        anyhow::bail!(
            "--auth exec needs --kubeconfig-out (the credential plugin's secret is kept beside the kubeconfig)"
        );
    }
    Ok(())
}

/// Write the kubeconfig with the credentials `--auth` asks for (and, for exec, the plugin's
/// secret beside it).
fn write_kubeconfig_for(
    cfg: &SimConfig,
    sim: &Sim,
    pki: Option<&crate::pki::Pki>,
    path: &std::path::Path,
    server: &str,
) -> anyhow::Result<()> {
    let ca = pki.map(|p| p.ca_pem.as_str());
    match (cfg.auth, pki) {
        (AuthMode::None | AuthMode::Token, _) => {
            write_kubeconfig_with(path, server, ca, &User::Token(sim.authn.token()))
        }
        (AuthMode::ClientCert, Some(p)) => write_kubeconfig_with(
            path,
            server,
            ca,
            &User::ClientCert {
                cert_pem: &p.client_cert_pem,
                key_pem: &p.client_key_pem,
            },
        ),
        (AuthMode::ClientCert, None) => anyhow::bail!("--auth client-cert needs --tls"),
        (AuthMode::Exec, _) => {
            let secret = crate::authn::secret_file_for(path);
            if let Some(dir) = secret.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            write_private(&secret, sim.authn.secret()).map_err(|e| {
                anyhow::anyhow!(
                    "cannot write the credential secret {}: {e}",
                    secret.display()
                )
            })?;
            let command = match &cfg.exec_command {
                Some(c) => c.clone(),
                None => std::env::current_exe()
                    .map_err(|e| anyhow::anyhow!("cannot find this program's path: {e}"))?,
            };
            let args = vec![
                "sim".to_string(),
                "credential".to_string(),
                "--secret-file".to_string(),
                secret.display().to_string(),
                "--ttl".to_string(),
                format!("{}s", cfg.token_ttl.as_secs().max(1)),
            ];
            write_kubeconfig_with(
                path,
                server,
                ca,
                &User::Exec {
                    command: &command.display().to_string(),
                    args,
                },
            )
        }
    }
}

/// The cluster to serve: the state file's (what the bundle adds is preloaded), else a new
/// one bootstrapped; then the incidents asked for, staged.
fn cluster_of(cfg: &SimConfig) -> anyhow::Result<Arc<Sim>> {
    let saved = match &cfg.state_file {
        Some(p) => crate::state::load(p)?,
        None => None,
    };
    let sim = match saved {
        Some(saved) => {
            let sim = Sim::starting_at(cfg, saved.clock.max(jiff::Timestamp::now()));
            crate::state::restore(&sim, saved);
            crate::bootstrap::preload_missing(&sim, cfg)?;
            sim
        }
        None => {
            let sim = Sim::new(cfg);
            bootstrap(&sim, cfg)?;
            sim
        }
    };
    for i in &cfg.incidents {
        crate::incidents::stage(&sim, *i, true).map_err(anyhow::Error::msg)?;
    }
    Ok(sim)
}

/// Start the sim: bootstrap, controllers, the HTTP server. Writes the kubeconfig if asked.
pub async fn start(cfg: SimConfig) -> anyhow::Result<SimHandle> {
    check(&cfg)?;
    let sim = cluster_of(&cfg)?;
    let listener = tokio::net::TcpListener::bind(cfg.listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", cfg.listen))?;
    let addr = listener.local_addr()?;
    let pki = if cfg.tls {
        Some(crate::pki::Pki::generate()?)
    } else {
        None
    };
    let acceptor = pki
        .as_ref()
        .map(|p| p.acceptor(cfg.auth == AuthMode::ClientCert))
        .transpose()?;
    let scheme = if cfg.tls { "https" } else { "http" };
    if let Some(p) = &cfg.kubeconfig_out {
        write_kubeconfig_for(&cfg, &sim, pki.as_ref(), p, &format!("{scheme}://{addr}"))?;
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
    let churn = (cfg.churn > 0.0).then(|| {
        let namespaces = crate::churn::namespaces(&cfg.churn_namespaces);
        tokio::spawn(crate::churn::run(
            sim.clone(),
            cfg.churn,
            cfg.seed,
            namespaces,
        ))
    });
    let (tx, rx) = tokio::sync::watch::channel(false);
    let app = super::router(sim.clone());
    let s = sim.clone();
    let task = tokio::spawn(async move {
        super::conn::serve(listener, app, s, acceptor, rx).await;
        ctl.abort();
        if let Some(c) = churn {
            c.abort();
        }
        if let Some(m) = metrics_task {
            m.abort();
        }
    });
    Ok(SimHandle {
        addr,
        metrics_addr,
        sim,
        ca_pem: pki.map(|p| p.ca_pem),
        shutdown: tx,
        task,
        state_file: cfg.state_file.clone(),
    })
}
