//! The options shared by several commands (kubectl's names where kubectl has one), each in
//! the small group it belongs to. A command takes only the groups that mean something to
//! it, so its `--help` offers only those; given before the subcommand (`agentdeck -n NS
//! status`, as with kubectl), an option the subcommand does not take is refused with the
//! list of those it does ([`refuse_foreign`]).

use std::path::PathBuf;

use clap::Args;
use clap::parser::ValueSource;

/// Which cluster: `--kubeconfig`, `--context`.
#[derive(Debug, Clone, Default, Args)]
pub struct KubeFlags {
    /// Path to the kubeconfig file (default: the files of $KUBECONFIG merged, then
    /// ~/.kube/config).
    #[arg(long)]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use.
    #[arg(long)]
    pub context: Option<String>,
}

/// `-n/--namespace`.
#[derive(Debug, Clone, Default, Args)]
pub struct NsFlag {
    /// The namespace (default: the kubeconfig context's, else the config's stack.namespace,
    /// ai-agents) — the same rule for every command.
    #[arg(short = 'n', long)]
    pub namespace: Option<String>,
}

/// `--config`.
#[derive(Debug, Clone, Default, Args)]
pub struct ConfigFlag {
    /// Config file (default: ~/.config/agentdeck/config.toml).
    #[arg(long)]
    pub config: Option<PathBuf>,
}

/// `--prometheus-url`.
#[derive(Debug, Clone, Default, Args)]
pub struct PromFlag {
    /// Prometheus base URL (overrides prometheus.url).
    #[arg(long)]
    pub prometheus_url: Option<String>,
}

/// `--alertmanager-url`.
#[derive(Debug, Clone, Default, Args)]
pub struct AlertmanagerFlag {
    /// Alertmanager base URL (overrides alertmanager.url): alerts with their silences, and
    /// where silences are written.
    #[arg(long, value_name = "URL")]
    pub alertmanager_url: Option<String>,
}

/// `--all-contexts`, `--contexts`: the fleet.
#[derive(Debug, Clone, Default, Args)]
pub struct FleetFlags {
    /// Every context of the kubeconfig at once: the fleet view (one row per cluster), or
    /// with `status` one row per context.
    #[arg(long, conflicts_with_all = ["contexts", "context"])]
    pub all_contexts: bool,
    /// These contexts at once (comma-separated names or globs: prod-*,staging).
    #[arg(long, value_name = "NAMES", conflicts_with = "context")]
    pub contexts: Option<String>,
}

impl FleetFlags {
    /// The fleet asked for on the command line, if any.
    pub fn selection(&self) -> Option<crate::fleet::Selection> {
        if self.all_contexts {
            return Some(crate::fleet::Selection::All);
        }
        self.contexts
            .as_deref()
            .map(|c| crate::fleet::Selection::Some(crate::fleet::select::parse_list(c)))
    }
}

impl Overlay for FleetFlags {
    fn onto(&self, g: &mut Global) {
        g.fleet.all_contexts |= self.all_contexts;
        if self.contexts.is_some() {
            g.fleet.contexts.clone_from(&self.contexts);
        }
    }
}

/// `--read-only`.
#[derive(Debug, Clone, Default, Args)]
pub struct ReadOnlyFlag {
    /// Refuse every write.
    #[arg(long)]
    pub read_only: bool,
}

/// `--theme`.
#[derive(Debug, Clone, Default, Args)]
pub struct ThemeFlag {
    /// Theme: dark, light, high-contrast, mono, or a themes/NAME.toml of yours.
    #[arg(long)]
    pub theme: Option<String>,
}

/// `--no-color`.
#[derive(Debug, Clone, Default, Args)]
pub struct NoColorFlag {
    /// No colour in the dashboard (like a non-empty NO_COLOR).
    #[arg(long)]
    pub no_color: bool,
}

/// `--log-file`.
#[derive(Debug, Clone, Default, Args)]
pub struct LogFlag {
    /// Log file (default: ~/.local/state/agentdeck/agentdeck.log; also
    /// $AGENTDECK_LOG_FILE).
    #[arg(long, env = "AGENTDECK_LOG_FILE", hide_env = true)]
    pub log_file: Option<PathBuf>,
}

/// Every option: the dashboard's (no subcommand) — and what the faces read, once the
/// subcommand's own were laid over what came before it.
#[derive(Debug, Clone, Default, Args)]
pub struct Global {
    #[command(flatten)]
    pub kube: KubeFlags,
    #[command(flatten)]
    pub ns: NsFlag,
    #[command(flatten)]
    pub cfg: ConfigFlag,
    #[command(flatten)]
    pub prom: PromFlag,
    #[command(flatten)]
    pub am: AlertmanagerFlag,
    #[command(flatten)]
    pub fleet: FleetFlags,
    #[command(flatten)]
    pub ro: ReadOnlyFlag,
    #[command(flatten)]
    pub theme: ThemeFlag,
    #[command(flatten)]
    pub color: NoColorFlag,
    #[command(flatten)]
    pub log: LogFlag,
}

impl Global {
    /// The cluster the command line names, as kubectl would read it.
    pub fn target(&self) -> crate::cluster::Target {
        crate::cluster::Target {
            kubeconfig: self.kube.kubeconfig.clone(),
            context: self.kube.context.clone(),
            namespace: self.ns.namespace.clone(),
            no_terminal: false,
        }
    }
}

/// A group of options laid over the ones given before the subcommand (given after it, they
/// win).
pub(crate) trait Overlay {
    fn onto(&self, g: &mut Global);
}

impl Overlay for KubeFlags {
    fn onto(&self, g: &mut Global) {
        if self.kubeconfig.is_some() {
            g.kube.kubeconfig.clone_from(&self.kubeconfig);
        }
        if self.context.is_some() {
            g.kube.context.clone_from(&self.context);
        }
    }
}

impl Overlay for NsFlag {
    fn onto(&self, g: &mut Global) {
        if self.namespace.is_some() {
            g.ns.namespace.clone_from(&self.namespace);
        }
    }
}

impl Overlay for ConfigFlag {
    fn onto(&self, g: &mut Global) {
        if self.config.is_some() {
            g.cfg.config.clone_from(&self.config);
        }
    }
}

impl Overlay for PromFlag {
    fn onto(&self, g: &mut Global) {
        if self.prometheus_url.is_some() {
            g.prom.prometheus_url.clone_from(&self.prometheus_url);
        }
    }
}

impl Overlay for AlertmanagerFlag {
    fn onto(&self, g: &mut Global) {
        if self.alertmanager_url.is_some() {
            g.am.alertmanager_url.clone_from(&self.alertmanager_url);
        }
    }
}

impl Overlay for ReadOnlyFlag {
    fn onto(&self, g: &mut Global) {
        g.ro.read_only |= self.read_only;
    }
}

impl Overlay for ThemeFlag {
    fn onto(&self, g: &mut Global) {
        if self.theme.is_some() {
            g.theme.theme.clone_from(&self.theme);
        }
    }
}

impl Overlay for NoColorFlag {
    fn onto(&self, g: &mut Global) {
        g.color.no_color |= self.no_color;
    }
}

impl Overlay for LogFlag {
    fn onto(&self, g: &mut Global) {
        if self.log_file.is_some() {
            g.log.log_file.clone_from(&self.log_file);
        }
    }
}

/// The options of the commands that read the cluster and Prometheus (`status`,
/// `timeline`, `metrics`).
#[derive(Debug, Clone, Default, Args)]
pub struct ReadFlags {
    #[command(flatten)]
    pub kube: KubeFlags,
    #[command(flatten)]
    pub ns: NsFlag,
    #[command(flatten)]
    pub cfg: ConfigFlag,
    #[command(flatten)]
    pub prom: PromFlag,
    #[command(flatten)]
    pub log: LogFlag,
}

impl Overlay for ReadFlags {
    fn onto(&self, g: &mut Global) {
        self.kube.onto(g);
        self.ns.onto(g);
        self.cfg.onto(g);
        self.prom.onto(g);
        self.log.onto(g);
    }
}

/// The options of the commands that read the cluster only (`logs`).
#[derive(Debug, Clone, Default, Args)]
pub struct ClusterFlags {
    #[command(flatten)]
    pub kube: KubeFlags,
    #[command(flatten)]
    pub ns: NsFlag,
    #[command(flatten)]
    pub cfg: ConfigFlag,
    #[command(flatten)]
    pub log: LogFlag,
}

impl Overlay for ClusterFlags {
    fn onto(&self, g: &mut Global) {
        self.kube.onto(g);
        self.ns.onto(g);
        self.cfg.onto(g);
        self.log.onto(g);
    }
}

/// The options of the writes (`scale`, `restart`, `deploy`, …).
#[derive(Debug, Clone, Default, Args)]
pub struct WriteFlags {
    #[command(flatten)]
    pub kube: KubeFlags,
    #[command(flatten)]
    pub ns: NsFlag,
    #[command(flatten)]
    pub cfg: ConfigFlag,
    #[command(flatten)]
    pub ro: ReadOnlyFlag,
    #[command(flatten)]
    pub log: LogFlag,
}

impl Overlay for WriteFlags {
    fn onto(&self, g: &mut Global) {
        self.kube.onto(g);
        self.ns.onto(g);
        self.cfg.onto(g);
        self.ro.onto(g);
        self.log.onto(g);
    }
}

/// The options of `demo`: the dashboard's, but no kubeconfig or context (the demo makes
/// its own cluster).
#[derive(Debug, Clone, Default, Args)]
pub struct DemoFlags {
    #[command(flatten)]
    pub ns: NsFlag,
    #[command(flatten)]
    pub cfg: ConfigFlag,
    #[command(flatten)]
    pub prom: PromFlag,
    #[command(flatten)]
    pub ro: ReadOnlyFlag,
    #[command(flatten)]
    pub theme: ThemeFlag,
    #[command(flatten)]
    pub color: NoColorFlag,
    #[command(flatten)]
    pub log: LogFlag,
}

impl Overlay for DemoFlags {
    fn onto(&self, g: &mut Global) {
        self.ns.onto(g);
        self.cfg.onto(g);
        self.prom.onto(g);
        self.ro.onto(g);
        self.theme.onto(g);
        self.color.onto(g);
        self.log.onto(g);
    }
}

/// The options of `config` (what it reports on: the file, and the flags that override it).
#[derive(Debug, Clone, Default, Args)]
pub struct ConfigCmdFlags {
    #[command(flatten)]
    pub cfg: ConfigFlag,
    #[command(flatten)]
    pub prom: PromFlag,
    #[command(flatten)]
    pub ro: ReadOnlyFlag,
    #[command(flatten)]
    pub theme: ThemeFlag,
}

impl Overlay for ConfigCmdFlags {
    fn onto(&self, g: &mut Global) {
        self.cfg.onto(g);
        self.prom.onto(g);
        self.ro.onto(g);
        self.theme.onto(g);
    }
}

/// An option given before the subcommand that the subcommand does not take: refused,
/// naming the ones it does ("`--theme` does not apply to `agentdeck status`; it takes
/// --kubeconfig, --context, -n, …"). Options from the environment are not "given".
pub(crate) fn refuse_foreign(top: &clap::Command, m: &clap::ArgMatches) -> Result<(), String> {
    let (mut cmd, mut sub, mut path) = (top, m, vec![top.get_name().to_string()]);
    // What the subcommands on the way take (`config` takes none, `config show` its own).
    let mut takes: Vec<&clap::Arg> = Vec::new();
    while let Some((name, next)) = sub.subcommand() {
        let Some(c) = cmd.find_subcommand(name) else {
            break;
        };
        path.push(name.to_string());
        (cmd, sub) = (c, next);
        takes.extend(cmd.get_arguments().filter(|a| !a.is_positional()));
    }
    if path.len() == 1 {
        return Ok(());
    }
    for a in top.get_arguments() {
        let id = a.get_id().as_str();
        if m.value_source(id) != Some(ValueSource::CommandLine)
            || takes.iter().any(|t| t.get_id() == a.get_id())
        {
            continue;
        }
        let names: Vec<String> = takes
            .iter()
            .filter(|t| !matches!(t.get_id().as_str(), "help" | "version"))
            .map(|t| flag(t))
            .collect();
        let list = if names.is_empty() {
            "it takes no options".to_string()
        } else {
            format!("it takes {}", names.join(", "))
        };
        return Err(format!(
            "{} does not apply to `{}`; {list}",
            flag(a),
            path.join(" ")
        ));
    }
    Ok(())
}

/// "--theme", "-n/--namespace".
fn flag(a: &clap::Arg) -> String {
    match (a.get_short(), a.get_long()) {
        (Some(s), Some(l)) => format!("-{s}/--{l}"),
        (None, Some(l)) => format!("--{l}"),
        (Some(s), None) => format!("-{s}"),
        (None, None) => a.get_id().to_string(),
    }
}
