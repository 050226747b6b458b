//! Command line: global flags like kubectl, and the subcommands.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::commands;
use crate::demo;
use crate::error::Error;
use crate::metrics::Feed;
use crate::toolbox::OpOutput;

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
    /// Path to the kubeconfig file (default: the files of $KUBECONFIG merged, then
    /// ~/.kube/config).
    #[arg(long, global = true)]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use.
    #[arg(long, global = true)]
    pub context: Option<String>,
    /// The namespace (default: the kubeconfig context's, else the config's stack.namespace,
    /// ai-agents) — the same for every command.
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
    /// Theme: dark, light, high-contrast, mono, or a themes/NAME.toml of yours.
    #[arg(long, global = true)]
    pub theme: Option<String>,
    /// No colour in the dashboard (like a non-empty NO_COLOR).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Log file (default: ~/.local/state/agentdeck/agentdeck.log).
    #[arg(long, global = true, env = "AGENTDECK_LOG_FILE")]
    pub log_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The dashboard on the embedded simulated cluster (no Kubernetes needed).
    Demo(SimArgs),
    /// Print a pod's logs (a workload's: its best pod), like kubectl logs.
    Logs(crate::logs::LogsArgs),
    /// The namespace's incident timeline: events, restarts, rollouts, rescales, agentdeck's
    /// writes and metric transitions on one time axis.
    Timeline(crate::timeline::cli::TimelineArgs),
    /// The dashboard's data once, for scripts; exit 1 when unhealthy.
    Status {
        /// Print JSON instead of text (the same as -o json).
        #[arg(long, conflicts_with = "output")]
        json: bool,
        /// json, yaml, or wide (the text with more columns).
        #[arg(short = 'o', long, value_name = "FORMAT", value_parser = crate::toolbox::output::parse_status)]
        output: Option<crate::toolbox::Output>,
    },
    /// Which LLM stacks' metrics the namespace has (OpenTelemetry GenAI, LiteLLM, vLLM,
    /// FastAPI instrumentator, TGI, the example stack), and the PromQL in use for every
    /// quantity, with what the stack cannot tell.
    Metrics {
        /// json or yaml.
        #[arg(short = 'o', long, value_name = "FORMAT", value_parser = crate::toolbox::output::parse_op)]
        output: Option<crate::toolbox::Output>,
    },
    /// Scale a Deployment (raising its HPA's minReplicas when one targets it).
    Scale {
        deployment: String,
        /// Whole number, 0 to 500.
        #[arg(allow_hyphen_values = true)]
        replicas: String,
        /// Confirm without asking.
        #[arg(long)]
        yes: bool,
        /// How long to wait for the pods to be ready, e.g. 90s, 5m (default: the config's
        /// operations.timeout_secs, 10m).
        #[arg(long)]
        timeout: Option<String>,
        #[command(flatten)]
        out: OpOutput,
    },
    /// Server-side apply the bundled stack (or a directory of manifests), after a dry-run plan.
    Deploy {
        /// A directory of *.yaml manifests instead of the bundled stack.
        #[arg(long)]
        manifests: Option<PathBuf>,
        /// Show the plan only.
        #[arg(long)]
        dry_run: bool,
        /// Take over fields another field manager owns.
        #[arg(long)]
        force_conflicts: bool,
        /// Restore only this object of the stack, e.g. networkpolicy/allow-holysheep-api
        /// (repeatable; kinds as kubectl spells them: netpol, deploy, svc, hpa, cm…). Shows
        /// the live object's differences first, then applies it forcing conflicts.
        #[arg(long, value_name = "KIND/NAME")]
        only: Vec<String>,
        /// Confirm without asking.
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        out: OpOutput,
    },
    /// Set a container's memory/CPU limits and requests (server-side apply, field manager
    /// agentdeck), then follow the rollout.
    SetResources {
        /// NAME (a Deployment), deployment/NAME or statefulset/NAME.
        workload: String,
        /// The container (default: the only one).
        #[arg(long)]
        container: Option<String>,
        /// e.g. 3Gi, 2048Mi.
        #[arg(long, value_name = "QUANTITY")]
        memory_limit: Option<String>,
        /// e.g. 1Gi.
        #[arg(long, value_name = "QUANTITY")]
        memory_request: Option<String>,
        /// e.g. 2, 1500m.
        #[arg(long, value_name = "QUANTITY")]
        cpu_limit: Option<String>,
        /// e.g. 500m.
        #[arg(long, value_name = "QUANTITY")]
        cpu_request: Option<String>,
        /// Confirm without asking.
        #[arg(long)]
        yes: bool,
        /// How long to follow the rollout (default: the config's operations.timeout_secs).
        #[arg(long)]
        timeout: Option<String>,
        /// Do not follow the rollout.
        #[arg(long)]
        no_wait: bool,
        #[command(flatten)]
        out: OpOutput,
    },
    /// Rotate the provider API key in its Secret, then restart the Deployments that read it.
    /// The key comes from --from-file, --from-stdin or a masked prompt — never argv.
    RotateKey {
        /// Read the new key from this file.
        #[arg(long, conflicts_with = "from_stdin")]
        from_file: Option<PathBuf>,
        /// Read the new key from stdin (needs --yes).
        #[arg(long)]
        from_stdin: bool,
        /// Check the key with the provider (GET {base_url}/models) first; refuse it on 401.
        #[arg(long)]
        verify: bool,
        /// Confirm without asking.
        #[arg(long)]
        yes: bool,
        /// How long to wait for the restarts (default: the config's operations.timeout_secs).
        #[arg(long)]
        timeout: Option<String>,
        #[command(flatten)]
        out: OpOutput,
    },
    /// Rollout restart a Deployment (as kubectl rollout restart).
    Restart {
        deployment: String,
        /// Follow the rollout until it completes (exit 1 if it fails or times out).
        #[arg(long)]
        wait: bool,
        /// How long --wait waits (default: the config's operations.timeout_secs).
        #[arg(long)]
        timeout: Option<String>,
        /// Confirm without asking.
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        out: OpOutput,
    },
    /// Delete a pod (`delete pod NAME` or `delete pod/NAME`): its controller makes a new one.
    Delete {
        /// `pod` (then NAME), or `pod/NAME`.
        what: String,
        name: Option<String>,
        /// Confirm without asking.
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        out: OpOutput,
    },
    /// Serve the simulated Kubernetes API on loopback until Ctrl-C.
    #[command(flatten)]
    Toolbox(crate::toolbox::ToolboxCommand),
    /// Run a kubeconfig's exec credential plugin with a timeout and bounded output (the kube
    /// client runs this in its place).
    #[command(hide = true, name = "exec-plugin")]
    ExecPlugin {
        #[arg(long, default_value_t = 30)]
        timeout_secs: u64,
        /// The plugin and its arguments.
        #[arg(last = true, required = true)]
        command: Vec<String>,
    },
    #[command(args_conflicts_with_subcommands = true)]
    Sim {
        #[command(flatten)]
        args: SimArgs,
        #[command(subcommand)]
        action: Option<SimAction>,
    },
}

/// What `agentdeck sim` does besides serving.
#[derive(Debug, Subcommand)]
pub enum SimAction {
    /// The exec credential plugin the sim's kubeconfig runs with `--auth exec`: prints an
    /// ExecCredential with a fresh token.
    #[command(hide = true)]
    Credential {
        /// The run's secret (written beside the kubeconfig by `agentdeck sim --auth exec`).
        #[arg(long, value_name = "PATH")]
        secret_file: PathBuf,
        /// How long the token is valid, e.g. 20s, 5m, 1h.
        #[arg(long, default_value = "1h")]
        ttl: String,
    },
}

/// How `agentdeck sim` clients authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SimAuth {
    /// No check (the kubeconfig's token is accepted as anything is).
    None,
    /// A random bearer token per run, in the kubeconfig.
    Token,
    /// A client certificate signed by the run's CA (needs --tls).
    ClientCert,
    /// Tokens from an exec credential plugin (this program), valid for --token-ttl.
    Exec,
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
    /// Churn in the --extra-pods workloads: RATE of their pods deleted (and replaced by
    /// their ReplicaSets) per second, plus RATE readiness flips (ready → not ready → ready).
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    pub churn: f64,
    /// Concentrate --churn on the --extra-pods workloads of namespace NS (repeatable;
    /// default: every load namespace, load-1 to load-5).
    #[arg(long, value_name = "NS")]
    pub churn_namespace: Vec<String>,
    /// Answer 403 to VERB on RESOURCE, e.g. --deny "patch deployments" (repeatable).
    #[arg(long, value_name = "VERB RESOURCE")]
    pub deny: Vec<String>,
    /// Run simulated time this many times faster than real time.
    #[arg(long, default_value_t = 1.0)]
    pub time_scale: f64,
    /// Seed for names and uids (reproducible runs).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Also serve the agents' Prometheus metrics (`/metrics`) and ground truth (`/truth`)
    /// here (loopback only; port 0 picks a free port).
    #[arg(long, value_name = "ADDR")]
    pub metrics_listen: Option<SocketAddr>,
    /// Constant agent load (no daily curve, bursts or jitter), e.g. to check a Prometheus.
    #[arg(long)]
    pub steady_load: bool,
    /// Keep the cluster in this file: loaded at start when it exists (--preload then adds
    /// only what is missing), saved on exit, so resourceVersions go on after a restart.
    #[arg(long, value_name = "PATH")]
    pub state_file: Option<PathBuf>,
    /// Serve HTTPS, with a CA generated for the run written into the kubeconfig.
    #[arg(long)]
    pub tls: bool,
    /// How clients must authenticate (default none: the kubeconfig's token is not checked).
    #[arg(long, value_enum, default_value_t = SimAuth::None)]
    pub auth: SimAuth,
    /// How long --auth exec tokens are valid, e.g. 20s, 5m, 1h.
    #[arg(long, default_value = "1h", value_name = "DURATION")]
    pub token_ttl: String,
    /// List GROUP/VERSION in discovery but answer 503 to everything under it, like an
    /// aggregated API whose backend is down, e.g. metrics.k8s.io/v1beta1 (repeatable).
    #[arg(long, value_name = "GROUP/VERSION")]
    pub broken_group: Vec<String>,
    /// Create N Events in ai-agents at start (a realistic mix; memory tests of clients).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub extra_events: usize,
    /// Stage an incident at start, the way a real cluster shows it (repeatable): bad-key,
    /// egress-blocked, no-metrics-server, oom, crashloop, pending, slow-provider. Also
    /// switchable later with POST /_sim/incident {"name": NAME, "on": true|false}.
    #[arg(long = "incident", value_name = "NAME", value_parser = parse_incident)]
    pub incident: Vec<agentdeck_sim::Incident>,
    /// Whose metric names the simulated agents' /metrics uses: example (the default),
    /// otel-genai, litellm, vllm, fastapi, tgi — the same simulated traffic under each
    /// stack's names, labels and buckets.
    #[arg(long, value_name = "PROFILE", default_value = "example", value_parser = parse_metrics_profile)]
    pub metrics_profile: agentdeck_sim::MetricsProfile,
}

/// An incident name for `--incident` (the error lists the valid names).
fn parse_incident(s: &str) -> Result<agentdeck_sim::Incident, String> {
    s.parse()
}

/// A profile name for `--metrics-profile` (the error lists the valid names).
fn parse_metrics_profile(s: &str) -> Result<agentdeck_sim::MetricsProfile, String> {
    s.parse()
}

/// `agentdeck sim credential`: the ExecCredential on stdout, one line on stderr (as SSO
/// plugins do).
fn sim_credential(secret_file: &std::path::Path, ttl: &str) -> Result<u8, Error> {
    let ttl = commands::parse_duration("--ttl", ttl)?;
    let (json, until) = agentdeck_sim::authn::credential(secret_file, ttl).map_err(Error::Sim)?;
    println!("{json}");
    eprintln!("agentdeck sim credential: issued a token valid until {until}");
    Ok(0)
}

pub use crate::manifests::bundled_preload;

/// Parse the command line, named `kubectl agentdeck` when run as the kubectl plugin (clap
/// prints help, version and usage errors, and exits).
fn parse() -> Cli {
    let plugin = crate::toolbox::plugin::invoked_as_plugin();
    let matches = crate::toolbox::plugin::named(Cli::command(), plugin).get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

impl Global {
    /// The flags `agentdeck config` reports on.
    fn config_flags(&self) -> crate::toolbox::ConfigFlags {
        crate::toolbox::ConfigFlags {
            config: self.config.clone(),
            prometheus_url: self.prometheus_url.clone(),
            theme: self.theme.clone(),
            read_only: self.read_only,
        }
    }
}

pub fn main() -> ExitCode {
    let cli = parse();
    let _guard = crate::logging::init(cli.global.log_file.clone());
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
    let g = cli.global.clone();
    let result = rt.block_on(dispatch(cli.command, g));
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            e.report();
            eprintln!("agentdeck: {e}");
            ExitCode::from(2)
        }
    }
}

async fn dispatch(command: Option<Command>, g: Global) -> Result<u8, Error> {
    if let Some(Command::ExecPlugin {
        timeout_secs,
        command,
    }) = &command
    {
        let t = std::time::Duration::from_secs(*timeout_secs);
        return Ok(crate::exec_shim::run(t, command));
    }
    if let Some(Command::Sim {
        action: Some(SimAction::Credential { secret_file, ttl }),
        ..
    }) = &command
    {
        return sim_credential(secret_file, ttl);
    }
    let command = match command {
        Some(Command::Toolbox(c)) => {
            return crate::toolbox::run(c, &g.config_flags(), Cli::command());
        }
        other => other,
    };
    let cfg = load_config(&g)?;
    let t = target(&g);
    match command {
        Some(Command::Sim { args: a, .. }) => {
            let sc = a.to_config().map_err(Error::Usage)?;
            demo::run_sim(sc).await.map(|_| 0)
        }
        Some(Command::Demo(a)) => run_demo(a, &g, &cfg).await,
        Some(Command::Status { json, output }) => {
            let output = output.or(json.then_some(crate::toolbox::Output::Json));
            run_status(cfg.clone(), &g, output).await
        }
        Some(Command::Logs(a)) => crate::logs::run(&cfg, &target(&g), a).await,
        Some(Command::Metrics { output }) => {
            let feed = Feed::from_config(&cfg, g.prometheus_url.as_deref())?;
            let ns = crate::cluster::connect::namespace_for(&t, &cfg.stack.namespace);
            crate::metrics_cmd::run(&cfg, &feed, &ns, output).await
        }
        Some(Command::Timeline(a)) => {
            crate::timeline::cli::run(&cfg, &t, g.prometheus_url.as_deref(), a).await
        }
        Some(op) => run_op(&cfg, &t, op).await,
        None => {
            let feed = Feed::from_config(&cfg, g.prometheus_url.as_deref())?;
            let look = crate::dashboard::Look {
                theme: g.theme.clone(),
                no_color: g.no_color,
            };
            crate::dashboard::run(cfg.clone(), t.clone(), feed, look)
                .await
                .map(|_| 0)
        }
    }
}

/// `agentdeck demo`: the sim preloaded, with the dashboard's own flags passed on.
async fn run_demo(mut a: SimArgs, g: &Global, cfg: &crate::config::Config) -> Result<u8, Error> {
    a.preload = true;
    let sc = a.to_config().map_err(Error::Usage)?;
    let flags = demo::DashboardFlags {
        prometheus_url: g.prometheus_url.clone(),
        namespace: g.namespace.clone(),
        theme: g.theme.clone(),
        no_color: g.no_color,
    };
    demo::run_demo(sc, cfg.clone(), flags).await.map(|_| 0)
}

/// The write subcommands: their flags to the operations'.
async fn run_op(
    cfg: &crate::config::Config,
    target: &crate::cluster::Target,
    c: Command,
) -> Result<u8, Error> {
    let common = |yes, timeout: &Option<String>, out: OpOutput| commands::Common {
        cfg,
        target,
        yes,
        timeout: timeout.clone(),
        output: out.output,
    };
    match c {
        Command::Scale {
            deployment,
            replicas,
            yes,
            timeout,
            out,
        } => commands::scale(&common(yes, &timeout, out), &deployment, &replicas).await,
        Command::Restart {
            deployment,
            wait,
            timeout,
            yes,
            out,
        } => commands::restart(&common(yes, &timeout, out), &deployment, wait).await,
        Command::Delete {
            what,
            name,
            yes,
            out,
        } => commands::delete(&common(yes, &None, out), &what, name.as_deref()).await,
        Command::Deploy {
            manifests,
            dry_run,
            force_conflicts,
            only,
            yes,
            out,
        } => {
            let f = commands::DeployFlags {
                manifests,
                dry_run,
                force_conflicts,
                only,
            };
            commands::deploy(&common(yes, &None, out), f).await
        }
        Command::SetResources {
            workload,
            container,
            memory_limit,
            memory_request,
            cpu_limit,
            cpu_request,
            no_wait,
            yes,
            timeout,
            out,
        } => {
            let f = commands::ResourceFlags {
                container,
                memory_limit,
                memory_request,
                cpu_limit,
                cpu_request,
                no_wait,
            };
            commands::set_resources(&common(yes, &timeout, out), &workload, f).await
        }
        Command::RotateKey {
            from_file,
            from_stdin,
            verify,
            yes,
            timeout,
            out,
        } => {
            let c = common(yes, &timeout, out);
            commands::rotate_key(&c, from_file.as_deref(), from_stdin, verify).await
        }
        other => Err(Error::Usage(format!(
            "internal error: {other:?} is not an operation"
        ))),
    }
}

fn load_config(g: &Global) -> Result<crate::config::Config, Error> {
    let mut cfg = crate::config::Config::load(g.config.as_deref())?;
    let path = g.config.clone().or_else(crate::config::default_path);
    crate::dashboard::check_ui(&cfg, path.as_deref())?;
    crate::cluster::connect::set_exec_timeout(std::time::Duration::from_secs_f64(
        cfg.exec_plugin_timeout_secs,
    ));
    cfg.read_only |= g.read_only;
    Ok(cfg)
}

pub(crate) fn target(g: &Global) -> crate::cluster::Target {
    crate::cluster::Target {
        kubeconfig: g.kubeconfig.clone(),
        context: g.context.clone(),
        namespace: g.namespace.clone(),
        no_terminal: false,
    }
}

async fn run_status(
    cfg: crate::config::Config,
    g: &Global,
    output: Option<crate::toolbox::Output>,
) -> Result<u8, Error> {
    crate::dashboard::say_waiting_for_plugin(&target(g), &cfg);
    let conn = crate::cluster::connect(&target(g), &cfg.stack.namespace).await?;
    let feed = Feed::from_config(&cfg, g.prometheus_url.as_deref())?;
    let (out, code) = crate::status::run(&cfg, &conn, &feed, output).await?;
    print!("{out}");
    Ok(code)
}
