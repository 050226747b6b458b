//! Command line: global flags like kubectl, and the subcommands.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::sim::{self, SimConfig, api::auth::DenyRule};

#[derive(Debug, Parser)]
#[command(
    name = "agentdeck",
    version,
    about = "Terminal dashboard and operations console for a multi-agent LLM service on Kubernetes"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Flags every command takes (kubectl's names where kubectl has one).
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).
    #[arg(long, global = true, env = "KUBECONFIG")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use.
    #[arg(long, global = true)]
    pub context: Option<String>,
    /// The namespace (default: the context's namespace).
    #[arg(short = 'n', long, global = true)]
    pub namespace: Option<String>,
    /// Config file (default: ~/.config/agentdeck/config.toml).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Prometheus base URL.
    #[arg(long, global = true)]
    pub prometheus_url: Option<String>,
    /// Refuse every write.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Log file (default: ~/.local/state/agentdeck/agentdeck.log).
    #[arg(long, global = true, env = "AGENTDECK_LOG_FILE")]
    pub log_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the simulated cluster in this process and print how to use it with kubectl.
    Demo(SimArgs),
    /// Serve the simulated Kubernetes API on loopback until Ctrl-C.
    Sim(SimArgs),
}

#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Write a kubeconfig for the sim here (context `agentdeck-sim`, namespace ai-agents).
    #[arg(long)]
    pub kubeconfig_out: Option<PathBuf>,
    /// Apply the bundled manifests at start.
    #[arg(long)]
    pub preload: bool,
    /// Add N more pods over several namespaces and deployments (scale tests).
    #[arg(long, default_value_t = 0)]
    pub extra_pods: usize,
    /// Answer 403 to VERB on RESOURCE, e.g. --deny "patch deployments" (repeatable).
    #[arg(long, value_name = "VERB RESOURCE")]
    pub deny: Vec<String>,
    /// Run simulated time this many times faster than real time.
    #[arg(long, default_value_t = 1.0)]
    pub time_scale: f64,
    /// Seed for names and uids (reproducible runs).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

impl SimArgs {
    pub fn to_config(&self) -> Result<SimConfig, String> {
        if !self.listen.ip().is_loopback() {
            return Err(format!(
                "--listen {}: the simulated cluster only listens on loopback (127.0.0.1 or ::1)",
                self.listen
            ));
        }
        if !(self.time_scale.is_finite() && self.time_scale > 0.0 && self.time_scale <= 1000.0) {
            return Err(format!(
                "--time-scale {}: must be a number greater than 0 and at most 1000",
                self.time_scale
            ));
        }
        if self.extra_pods > 50_000 {
            return Err(format!(
                "--extra-pods {}: at most 50000 (about 100 pods per simulated node)",
                self.extra_pods
            ));
        }
        let deny = self
            .deny
            .iter()
            .map(|d| DenyRule::parse(d))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SimConfig {
            listen: self.listen,
            kubeconfig_out: self.kubeconfig_out.clone(),
            preload: self.preload,
            extra_pods: self.extra_pods,
            deny,
            time_scale: self.time_scale,
            seed: self.seed,
            ..SimConfig::default()
        })
    }
}

fn default_log_file() -> PathBuf {
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("agentdeck").join("agentdeck.log")
}

/// Logs go to a file, never to the terminal. The guard flushes on drop.
fn init_logging(g: &Global) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let path = g.log_file.clone().unwrap_or_else(default_log_file);
    let dir = path.parent()?.to_path_buf();
    std::fs::create_dir_all(&dir).ok()?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = tracing_subscriber::EnvFilter::try_from_env("AGENTDECK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let _guard = init_logging(&cli.global);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("agentdeck: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async {
        match cli.command {
            Some(Command::Sim(a)) => run_sim(a, false).await,
            Some(Command::Demo(mut a)) => {
                a.preload = true;
                run_sim(a, true).await
            }
            None => Err(
                "the dashboard is not built yet; run `agentdeck demo` or `agentdeck sim --help`"
                    .to_string(),
            ),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("agentdeck: {e}");
            ExitCode::from(2)
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

async fn run_sim(a: SimArgs, demo: bool) -> Result<(), String> {
    let mut cfg = a.to_config()?;
    if demo && cfg.kubeconfig_out.is_none() {
        cfg.kubeconfig_out = Some(std::env::temp_dir().join("agentdeck-demo.kubeconfig"));
    }
    let started = std::time::Instant::now();
    let handle = sim::start(cfg.clone()).await.map_err(|e| e.to_string())?;
    println!(
        "agentdeck sim: serving the Kubernetes API at {} (started in {} ms)",
        handle.url(),
        started.elapsed().as_millis()
    );
    if let Some(p) = &cfg.kubeconfig_out {
        println!("kubeconfig: {}", p.display());
        println!(
            "try: KUBECONFIG={} kubectl get deploy,po,hpa -n ai-agents",
            p.display()
        );
    }
    println!("Ctrl-C to stop.");
    shutdown_signal().await;
    handle.stop().await;
    println!("agentdeck sim: stopped");
    Ok(())
}
