//! Command line: global flags like kubectl, and the subcommands.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

pub use crate::cli_flags::Global;
use crate::cli_flags::{ClusterFlags, DemoFlags, LogFlag, Overlay, ReadFlags, WriteFlags};
#[cfg(feature = "simulator")]
pub use crate::cmd::sim::SimAuth;
pub use crate::cmd::sim::{SimAction, SimArgs};

#[cfg(feature = "simulator")]
use crate::cmd::demo;
use crate::cmd::writes;
use crate::error::Error;
use crate::metrics::Feed;
use crate::output::OpOutput;

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

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The dashboard on the embedded simulated cluster (no Kubernetes needed); takes every
    /// `sim` option too.
    Demo {
        #[command(flatten)]
        sim: SimArgs,
        #[command(flatten)]
        flags: DemoFlags,
    },
    /// Print a pod's logs (a workload's: its best pod), like kubectl logs.
    Logs {
        #[command(flatten)]
        args: crate::cmd::logs::LogsArgs,
        #[command(flatten)]
        flags: ClusterFlags,
    },
    /// The namespace's incident timeline: events, restarts, rollouts, rescales, agentdeck's
    /// writes and metric transitions on one time axis.
    Timeline {
        #[command(flatten)]
        args: crate::cmd::timeline::TimelineArgs,
        #[command(flatten)]
        flags: ReadFlags,
    },
    /// The dashboard's data once, for scripts; exit 1 when unhealthy.
    Status {
        /// Print JSON instead of text (the same as -o json).
        #[arg(long, conflicts_with = "output")]
        json: bool,
        /// json, yaml, or wide (the text with more columns).
        #[arg(short = 'o', long, value_name = "FORMAT", value_parser = crate::output::parse_status)]
        output: Option<crate::output::Output>,
        #[command(flatten)]
        am: crate::cli_flags::AlertmanagerFlag,
        #[command(flatten)]
        fleet: crate::cli_flags::FleetFlags,
        #[command(flatten)]
        flags: ReadFlags,
    },
    /// Which LLM stacks' metrics the namespace has (OpenTelemetry GenAI, LiteLLM, vLLM,
    /// FastAPI instrumentator, TGI, the example stack), and the PromQL in use for every
    /// quantity, with what the stack cannot tell.
    Metrics {
        /// json or yaml.
        #[arg(short = 'o', long, value_name = "FORMAT", value_parser = crate::output::parse_op)]
        output: Option<crate::output::Output>,
        #[command(flatten)]
        flags: ReadFlags,
    },
    /// The runbook's detections as Prometheus alerting rules (the key rejected, timeouts,
    /// throttling, a slow provider; OOMKilled, crash loops and HPAs over kube-state-metrics),
    /// with the config's thresholds and window, for the metric profile in use.
    Rules {
        #[command(flatten)]
        args: crate::cmd::rules::RulesArgs,
        #[command(flatten)]
        flags: ReadFlags,
    },
    /// Firing and pending alerts of the namespace: from Alertmanager, with who silenced
    /// them until when, or from Prometheus' own alerts; exit 1 when a critical one fires.
    Alerts {
        /// json or yaml.
        #[arg(short = 'o', long, value_name = "FORMAT", value_parser = crate::output::parse_op)]
        output: Option<crate::output::Output>,
        #[command(flatten)]
        am: crate::cli_flags::AlertmanagerFlag,
        #[command(flatten)]
        flags: ReadFlags,
    },
    /// Silence a firing alert at Alertmanager (matchers from its labels; confirmed, refused
    /// read-only, audited), or expire a silence agentdeck made (--expire ID).
    Silence {
        /// The alert's name, e.g. AgentProviderUnauthorized.
        #[arg(required_unless_present = "expire")]
        alertname: Option<String>,
        /// How long: 30m, 2h, 1d … at most 30d (default: alertmanager.silence_for, 2h).
        #[arg(long = "for", value_name = "DURATION")]
        length: Option<String>,
        /// Why; kept after "via agentdeck by USER: " in the silence.
        #[arg(long, default_value = "")]
        comment: String,
        /// Expire this silence (one agentdeck made) instead of making one.
        #[arg(long, value_name = "ID", conflicts_with_all = ["alertname", "length"])]
        expire: Option<String>,
        /// Confirm without asking.
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        out: OpOutput,
        #[command(flatten)]
        am: crate::cli_flags::AlertmanagerFlag,
        #[command(flatten)]
        flags: WriteFlags,
    },
    /// Scale a Deployment or StatefulSet; under an HPA, to at least N (its minReplicas).
    Scale {
        /// NAME (a Deployment), deploy/NAME or sts/NAME.
        deployment: String,
        /// The replica count (under an HPA: the least it keeps).
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
        #[command(flatten)]
        flags: WriteFlags,
    },
    /// Server-side apply the bundled stack (or a directory of manifests), after a dry-run plan.
    Deploy {
        #[command(flatten)]
        args: crate::ops::DeployArgs,
        /// Confirm without asking.
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        out: OpOutput,
        #[command(flatten)]
        flags: WriteFlags,
    },
    /// Set a container's memory/CPU limits and requests (server-side apply, field manager
    /// agentdeck), then follow the rollout.
    SetResources {
        /// NAME (a Deployment), deployment/NAME or statefulset/NAME.
        workload: String,
        #[command(flatten)]
        resources: crate::ops::ResourcesArgs,
        /// Confirm without asking.
        #[arg(long)]
        yes: bool,
        /// How long to follow the rollout (default: the config's operations.timeout_secs).
        #[arg(long)]
        timeout: Option<String>,
        #[command(flatten)]
        out: OpOutput,
        #[command(flatten)]
        flags: WriteFlags,
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
        #[command(flatten)]
        flags: WriteFlags,
    },
    /// Rollout restart a Deployment or StatefulSet (as kubectl rollout restart).
    Restart {
        /// NAME (a Deployment), deploy/NAME or sts/NAME.
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
        #[command(flatten)]
        flags: WriteFlags,
    },
    /// Delete a pod (`delete pod NAME` or `delete pod/NAME`): its controller makes a new one.
    Delete {
        /// `pod` (then NAME), or `pod/NAME`.
        what: String,
        /// The pod's name, after `pod`.
        name: Option<String>,
        /// Confirm without asking.
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        out: OpOutput,
        #[command(flatten)]
        flags: WriteFlags,
    },
    #[command(flatten)]
    Setup(crate::cmd::setup::SetupCommand),
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
    /// Serve the simulated Kubernetes API (and its agents) on loopback until Ctrl-C.
    #[command(args_conflicts_with_subcommands = true)]
    Sim {
        #[command(flatten)]
        args: SimArgs,
        #[command(flatten)]
        log: LogFlag,
        #[command(subcommand)]
        action: Option<SimAction>,
    },
}

#[cfg(feature = "simulator")]
pub use crate::manifests::bundled_preload;

/// Parse the command line, named `kubectl agentdeck` when run as the kubectl plugin (clap
/// prints help, version and usage errors, and exits); an option given before a subcommand
/// that does not take it is refused the same way (exit 2). The options given after the
/// subcommand are laid over those before it.
fn parse() -> (Cli, Global) {
    let plugin = crate::cmd::setup::plugin::invoked_as_plugin();
    let cmd = crate::cmd::setup::plugin::named(Cli::command(), plugin);
    parse_with(cmd, std::env::args_os()).unwrap_or_else(|e| e.exit())
}

/// Parse `args` (the program's name first) as the command line does, options before the
/// subcommand checked against it; for tests of the documented command lines.
pub fn parse_from<I, T>(args: I) -> Result<(Cli, Global), clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    parse_with(Cli::command(), args)
}

fn parse_with<I, T>(mut cmd: clap::Command, args: I) -> Result<(Cli, Global), clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let matches = cmd.try_get_matches_from_mut(args)?;
    if let Err(why) = crate::cli_flags::refuse_foreign(&cmd, &matches) {
        return Err(cmd.error(clap::error::ErrorKind::ArgumentConflict, why));
    }
    let cli = Cli::from_arg_matches(&matches)?;
    let mut g = cli.global.clone();
    if let Some(c) = &cli.command {
        c.overlay(&mut g);
    }
    Ok((cli, g))
}

impl Command {
    /// Lay this subcommand's own options over `g`.
    fn overlay(&self, g: &mut Global) {
        let flags: &dyn Overlay = match self {
            Command::Demo { flags, .. } => flags,
            Command::Logs { flags, .. } => flags,
            Command::Timeline { flags, .. }
            | Command::Metrics { flags, .. }
            | Command::Rules { flags, .. } => flags,
            Command::Status {
                flags, am, fleet, ..
            } => {
                am.onto(g);
                fleet.onto(g);
                flags
            }
            Command::Alerts { flags, am, .. } => {
                am.onto(g);
                flags
            }
            Command::Silence { flags, am, .. } => {
                am.onto(g);
                flags
            }
            Command::Scale { flags, .. }
            | Command::Deploy { flags, .. }
            | Command::SetResources { flags, .. }
            | Command::RotateKey { flags, .. }
            | Command::Restart { flags, .. }
            | Command::Delete { flags, .. } => flags,
            Command::Sim { log, .. } => log,
            Command::Setup(t) => match t.flags() {
                Some(f) => f,
                None => return,
            },
            Command::ExecPlugin { .. } => return,
        };
        flags.onto(g);
    }
}

impl Global {
    /// The flags `agentdeck config` reports on.
    fn config_flags(&self) -> crate::cmd::setup::ConfigFlags {
        crate::cmd::setup::ConfigFlags {
            config: self.cfg.config.clone(),
            prometheus_url: self.prom.prometheus_url.clone(),
            theme: self.theme.theme.clone(),
            read_only: self.ro.read_only,
        }
    }
}

pub fn main() -> ExitCode {
    let (cli, g) = parse();
    let _guard = crate::logging::init(g.log.log_file.clone());
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
    #[cfg(feature = "simulator")]
    if let Some(Command::Sim {
        action: Some(SimAction::Credential { secret_file, ttl }),
        ..
    }) = &command
    {
        return crate::cmd::sim::sim_credential(secret_file, ttl);
    }
    #[cfg(not(feature = "simulator"))]
    if let Some(Command::Sim { .. } | Command::Demo { .. }) = &command {
        return Err(crate::cmd::sim::unavailable());
    }
    let command = match command {
        Some(Command::Setup(c)) => {
            return crate::cmd::setup::run(c, &g.config_flags(), Cli::command());
        }
        other => other,
    };
    let cfg = load_config(&g)?;
    let t = target(&g);
    match command {
        #[cfg(feature = "simulator")]
        Some(Command::Sim { args: a, .. }) => {
            let sc = a.to_config().map_err(Error::Usage)?;
            demo::run_sim(sc).await.map(|_| 0)
        }
        #[cfg(feature = "simulator")]
        Some(Command::Demo { sim, .. }) => run_demo(sim, &g, &cfg).await,
        Some(Command::Status { json, output, .. }) => {
            let output = output.or(json.then_some(crate::output::Output::Json));
            match g.fleet.selection() {
                Some(sel) => crate::cmd::fleet::status(&cfg, &g, &sel, output).await,
                None => run_status(cfg.clone(), &g, output).await,
            }
        }
        Some(Command::Logs { args, .. }) => crate::cmd::logs::run(&cfg, &t, args).await,
        Some(Command::Metrics { output, .. }) => {
            let feed = Feed::from_config(&cfg, g.prom.prometheus_url.as_deref())?;
            let ns = crate::cluster::connect::namespace_for(&t, &cfg.stack.namespace);
            crate::cmd::metrics::run(&cfg, &feed, &ns, output).await
        }
        Some(Command::Alerts { output, .. }) => {
            let ns = crate::cluster::connect::namespace_for(&t, &cfg.stack.namespace);
            crate::cmd::alerts::run(&cfg, g.prom.prometheus_url.as_deref(), &ns, output).await
        }
        Some(Command::Rules { args, .. }) => {
            let feed = Feed::from_config(&cfg, g.prom.prometheus_url.as_deref())?;
            let ns = crate::cluster::connect::namespace_for(&t, &cfg.stack.namespace);
            crate::cmd::rules::run(&cfg, &feed, &ns, args).await
        }
        Some(Command::Timeline { args, .. }) => {
            crate::cmd::timeline::run(&cfg, &t, g.prom.prometheus_url.as_deref(), args).await
        }
        Some(op) => run_op(&cfg, &t, op).await,
        None => {
            let feed = Feed::from_config(&cfg, g.prom.prometheus_url.as_deref())?;
            let look = crate::dashboard::Look {
                theme: g.theme.theme.clone(),
                no_color: g.color.no_color,
            };
            let start = crate::cmd::fleet::start(&cfg, &g)?;
            crate::dashboard::run_from(cfg.clone(), t.clone(), feed, look, start)
                .await
                .map(|_| 0)
        }
    }
}

/// `agentdeck demo`: the sim preloaded, with the dashboard's own flags passed on.
#[cfg(feature = "simulator")]
async fn run_demo(mut a: SimArgs, g: &Global, cfg: &crate::config::Config) -> Result<u8, Error> {
    a.preload = true;
    let sc = a.to_config().map_err(Error::Usage)?;
    let flags = demo::DashboardFlags {
        prometheus_url: g.prom.prometheus_url.clone(),
        namespace: g.ns.namespace.clone(),
        theme: g.theme.theme.clone(),
        no_color: g.color.no_color,
    };
    demo::run_demo(sc, cfg.clone(), flags).await.map(|_| 0)
}

/// The write subcommands: their flags to the operations'.
async fn run_op(
    cfg: &crate::config::Config,
    target: &crate::cluster::Target,
    c: Command,
) -> Result<u8, Error> {
    let common = |yes, timeout: &Option<String>, out: OpOutput| writes::Common {
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
            ..
        } => writes::scale(&common(yes, &timeout, out), &deployment, &replicas).await,
        Command::Restart {
            deployment,
            wait,
            timeout,
            yes,
            out,
            ..
        } => writes::restart(&common(yes, &timeout, out), &deployment, wait).await,
        Command::Delete {
            what,
            name,
            yes,
            out,
            ..
        } => writes::delete(&common(yes, &None, out), &what, name.as_deref()).await,
        Command::Deploy { args, yes, out, .. } => {
            writes::deploy(&common(yes, &None, out), args).await
        }
        Command::SetResources {
            workload,
            resources,
            yes,
            timeout,
            out,
            ..
        } => writes::set_resources(&common(yes, &timeout, out), &workload, resources).await,
        Command::RotateKey {
            from_file,
            from_stdin,
            verify,
            yes,
            timeout,
            out,
            ..
        } => {
            let c = common(yes, &timeout, out);
            writes::rotate_key(&c, from_file.as_deref(), from_stdin, verify).await
        }
        Command::Silence {
            alertname,
            length,
            comment,
            expire,
            yes,
            out,
            ..
        } => {
            let length = length.unwrap_or_else(|| cfg.alertmanager.silence_for.clone());
            writes::silence(&common(yes, &None, out), alertname, length, comment, expire).await
        }
        other => Err(Error::Usage(format!(
            "internal error: {other:?} is not an operation"
        ))),
    }
}

fn load_config(g: &Global) -> Result<crate::config::Config, Error> {
    let mut cfg = crate::config::Config::load(g.cfg.config.as_deref())?;
    let path = g.cfg.config.clone().or_else(crate::config::default_path);
    crate::dashboard::check_ui(&cfg, path.as_deref())?;
    crate::cluster::connect::set_exec_timeout(std::time::Duration::from_secs_f64(
        cfg.exec_plugin_timeout_secs,
    ));
    cfg.read_only |= g.ro.read_only;
    if let Some(url) = &g.am.alertmanager_url {
        cfg.alertmanager.url = Some(url.clone());
    }
    Ok(cfg)
}

pub(crate) fn target(g: &Global) -> crate::cluster::Target {
    g.target()
}

async fn run_status(
    cfg: crate::config::Config,
    g: &Global,
    output: Option<crate::output::Output>,
) -> Result<u8, Error> {
    crate::dashboard::say_waiting_for_plugin(&target(g), &cfg);
    let conn = crate::cluster::connect(&target(g), &cfg.stack.namespace).await?;
    let feed = Feed::from_config(&cfg, g.prom.prometheus_url.as_deref())?;
    let (out, code) = crate::status::run(&cfg, &conn, &feed, output).await?;
    print!("{out}");
    Ok(code)
}
