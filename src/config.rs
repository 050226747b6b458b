//! Configuration: TOML at the XDG path (~/.config/agentdeck/config.toml) or `--config`.
//! Every default is the bundled stack's; a missing file means all defaults.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use crate::config_prometheus::{DEFAULT_PROVIDER_PROBE, PrometheusConfig};

pub use crate::config_alerting::AlertmanagerConfig;
pub use crate::config_queries::{CostConfig, Queries};
pub use crate::endpoint::Headers;

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub stack: StackConfig,
    pub prometheus: PrometheusConfig,
    /// Alertmanager's API: firing alerts and silences.
    pub alertmanager: AlertmanagerConfig,
    /// The fleet view: its contexts and each cluster's metrics.
    pub fleet: crate::config_fleet::FleetConfig,
    /// Models and their prices (USD per million tokens).
    pub models: Vec<ModelPrice>,
    /// Self-hosted models' cost.
    pub cost: CostConfig,
    pub status: StatusConfig,
    pub ui: UiConfig,
    pub operations: OperationsConfig,
    /// When the runbook's problems are raised.
    pub problems: ProblemsConfig,
    /// Refuse every write.
    pub read_only: bool,
    /// Where write operations are logged (default: ~/.local/state/agentdeck/audit.log).
    pub audit_log: Option<PathBuf>,
    /// How long a kubeconfig's exec credential plugin may run (an SSO login waiting for a
    /// browser is stopped and said so).
    pub exec_plugin_timeout_secs: f64,
    /// The dashboard's keys, remapped: `action = "KEY"` or `["KEY", …]`, the views' in
    /// `[keys.pods]`, `[keys.logs]`, `[keys.timeline]`, `[keys.dialog]` (checked by
    /// `app::bindings`).
    pub keys: toml::Table,
}

/// Names of the operated stack (the bundled manifests' defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StackConfig {
    pub namespace: String,
    pub deployment: String,
    pub hpa: String,
    pub secret: String,
    pub secret_key: String,
    /// The NetworkPolicy that lets the agents reach the provider.
    pub network_policy: String,
    pub image: String,
    pub provider_base_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelPrice {
    pub name: String,
    /// Other names the provider reports for this model: exact names or `*` patterns
    /// (`gpt-4.1-*`, `*/gpt-4.1`). Dated ids and `provider/` prefixes match without one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// What we pay, USD per million tokens.
    pub price: f64,
    /// The provider's list price, USD per million tokens (for the savings column).
    pub list_price: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StatusConfig {
    /// `agentdeck status` is unhealthy when p95 latency is above this, ms.
    pub p95_threshold_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UiConfig {
    /// Theme name: a file themes/NAME.toml (built in: dark, light, high-contrast, mono).
    pub theme: String,
    /// The log view keeps at most this many lines (the oldest are dropped).
    pub log_lines: usize,
    /// Mouse: the wheel scrolls, a click selects (false: the terminal keeps its own text
    /// selection).
    pub mouse: bool,
}

/// How writes behave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OperationsConfig {
    /// How long scale, restart and rotate-key wait for their rollouts, seconds (the CLI's
    /// `--timeout` wins).
    pub timeout_secs: u64,
}

/// Thresholds of the problems strip (and `status`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProblemsConfig {
    /// The short window of the metric-based problems (`$window` in the recent_* queries):
    /// a problem shows within about this long of its signal starting, and clears within
    /// about this long of it stopping.
    pub window: String,
    /// Share of 401s over the window that means the provider rejects the key.
    pub unauthorized_ratio: f64,
    /// Share of 504s (provider calls timing out) over the window that is a problem.
    pub timeout_ratio: f64,
    /// Share of 429s (the provider throttling us) over the window that is a problem.
    pub rate_limited_ratio: f64,
    /// The provider's IPv4 address for the egress check (empty: any public address, as
    /// the bundled policy allows the public internet on TCP 443).
    pub provider_address: String,
    /// The provider's port.
    pub provider_port: u16,
    /// How long pods may be not ready (starting, replaced, added by a scale) before it is
    /// a problem, counted from when the oldest of them became not ready.
    pub not_ready_grace_secs: u32,
}

impl Default for ProblemsConfig {
    fn default() -> Self {
        ProblemsConfig {
            window: "1m".into(),
            unauthorized_ratio: 0.05,
            timeout_ratio: 0.05,
            rate_limited_ratio: 0.05,
            provider_address: String::new(),
            provider_port: 443,
            not_ready_grace_secs: 60,
        }
    }
}

impl Default for OperationsConfig {
    fn default() -> Self {
        OperationsConfig { timeout_secs: 600 }
    }
}

impl OperationsConfig {
    pub fn timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.timeout_secs)
    }
}

impl Default for StackConfig {
    fn default() -> Self {
        StackConfig {
            namespace: "ai-agents".into(),
            deployment: "ai-agent-service".into(),
            hpa: "ai-agent-hpa".into(),
            secret: "ai-api-keys".into(),
            secret_key: "HOLYSHEEP_API_KEY".into(),
            network_policy: "allow-holysheep-api".into(),
            image: "holysheep/ai-agent:1.4.2".into(),
            provider_base_url: "https://api.holysheep.ai/v1".into(),
        }
    }
}

/// The seed's price table.
pub fn default_models() -> Vec<ModelPrice> {
    [
        ("gpt-4.1", 8.00, 60.0),
        ("claude-sonnet-4.5", 15.00, 18.0),
        ("gemini-2.5-flash", 2.50, 3.50),
        ("deepseek-v3.2", 0.42, 0.50),
    ]
    .into_iter()
    .map(|(n, p, l)| ModelPrice {
        name: n.into(),
        // DeepSeek's API serves V3.2 as `deepseek-chat` (what LiteLLM reports).
        aliases: if n == "deepseek-v3.2" {
            vec!["deepseek-chat".into()]
        } else {
            Vec::new()
        },
        price: p,
        list_price: l,
    })
    .collect()
}

impl Default for StatusConfig {
    fn default() -> Self {
        StatusConfig {
            p95_threshold_ms: 2000.0,
        }
    }
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            theme: "dark".into(),
            log_lines: 5000,
            mouse: true,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            stack: StackConfig::default(),
            prometheus: PrometheusConfig::default(),
            alertmanager: AlertmanagerConfig::default(),
            fleet: Default::default(),
            models: default_models(),
            cost: CostConfig::default(),
            status: StatusConfig::default(),
            ui: UiConfig::default(),
            operations: OperationsConfig::default(),
            problems: ProblemsConfig::default(),
            read_only: false,
            audit_log: None,
            exec_plugin_timeout_secs: 30.0,
            keys: toml::Table::new(),
        }
    }
}

/// A config problem, worded for the user.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("config {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// Config files larger than this are refused.
pub const CONFIG_LIMIT: u64 = 1 << 20;

/// ~/.config/agentdeck/config.toml ($XDG_CONFIG_HOME honoured).
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("agentdeck").join("config.toml"))
}

impl Config {
    /// Load `explicit` (must exist) or the default path (may be missing: defaults).
    pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
        let (path, must_exist) = match explicit {
            Some(p) => (p.to_path_buf(), true),
            None => match default_path() {
                Some(p) => (p, false),
                None => return Ok(Config::default()),
            },
        };
        // A FIFO would block, a device never end: a config is a small regular file.
        if let Ok(meta) = std::fs::metadata(&path)
            && (!meta.is_file() || meta.len() > CONFIG_LIMIT)
        {
            let why = if meta.is_file() {
                format!("over {} KiB", CONFIG_LIMIT >> 10)
            } else {
                "not a regular file".into()
            };
            return Err(ConfigError::Read {
                path,
                source: std::io::Error::other(why),
            });
        }
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => {
                return Ok(Config::default());
            }
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        Config::parse(&text, &path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        // The TOML error quotes the line: no raw control bytes reach the terminal.
        let cfg: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: crate::text::printable_lines(e.to_string().trim()),
        })?;
        cfg.validate().map_err(|message| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        })?;
        Ok(cfg)
    }

    fn validate(&self) -> Result<(), String> {
        let p = &self.prometheus;
        if !(p.timeout_secs > 0.0 && p.timeout_secs <= 300.0) {
            return Err(format!(
                "prometheus.timeout_secs = {}: must be in (0, 300]",
                p.timeout_secs
            ));
        }
        if !(p.refresh_secs >= 0.5 && p.refresh_secs <= 3600.0) {
            return Err(format!(
                "prometheus.refresh_secs = {}: must be in [0.5, 3600]",
                p.refresh_secs
            ));
        }
        if !(self.exec_plugin_timeout_secs >= 1.0 && self.exec_plugin_timeout_secs <= 600.0) {
            return Err(format!(
                "exec_plugin_timeout_secs = {}: must be 1 to 600",
                self.exec_plugin_timeout_secs
            ));
        }
        if p.max_answer_mib == 0 || p.max_answer_mib > 1024 {
            return Err(format!(
                "prometheus.max_answer_mib = {}: must be 1 to 1024",
                p.max_answer_mib
            ));
        }
        if p.history_minutes == 0 || p.history_minutes > 24 * 60 {
            return Err(format!(
                "prometheus.history_minutes = {}: must be 1 to 1440",
                p.history_minutes
            ));
        }
        if let Some(u) = &p.url
            && !(u.starts_with("http://") || u.starts_with("https://"))
        {
            return Err(format!(
                "prometheus.url = {u:?}: must start with http:// or https://"
            ));
        }
        p.validate_client()?;
        if p.profile != "auto" && crate::metrics::profiles::by_id(&p.profile).is_none() {
            return Err(format!(
                "prometheus.profile = {:?}: must be \"auto\" or one of {}",
                crate::text::printable(&p.profile),
                crate::metrics::profiles::ids().join(", ")
            ));
        }
        if let Some(g) = self.cost.gpu_hour_price
            && !(g.is_finite() && g >= 0.0)
        {
            return Err(format!("cost.gpu_hour_price = {g}: must be a price >= 0"));
        }
        for m in &self.models {
            if m.aliases.iter().any(|a| a.trim().is_empty()) {
                return Err(format!("models: {:?} has an empty alias", m.name));
            }
            if m.name.is_empty()
                || m.price.is_nan()
                || m.price < 0.0
                || m.list_price.is_nan()
                || m.list_price < 0.0
            {
                return Err(format!("models: {:?} needs a name and prices >= 0", m.name));
            }
        }
        let t = self.operations.timeout_secs;
        if t == 0 || t > 7 * 86400 {
            return Err(format!(
                "operations.timeout_secs = {t}: must be 1 to 604800 (a week)"
            ));
        }
        let l = self.ui.log_lines;
        if !(100..=1_000_000).contains(&l) {
            return Err(format!("ui.log_lines = {l}: must be 100 to 1000000"));
        }
        if self.stack.namespace.is_empty() || self.stack.deployment.is_empty() {
            return Err("stack.namespace and stack.deployment must not be empty".into());
        }
        self.fleet.validate(&self.prometheus)?;
        self.problems.validate()
    }
}

impl ProblemsConfig {
    /// The window in seconds (60 when it does not parse; `validate` refuses such).
    pub fn window_secs(&self) -> i64 {
        let w = &self.window;
        let split = w.find(|c: char| !c.is_ascii_digit()).unwrap_or(w.len());
        let n: i64 = w[..split].parse().unwrap_or(0);
        match &w[split..] {
            "s" if n > 0 => n,
            "m" if n > 0 => n * 60,
            "h" if n > 0 => n * 3600,
            _ => 60,
        }
    }

    fn validate(&self) -> Result<(), String> {
        let w = &self.window;
        let split = w.find(|c: char| !c.is_ascii_digit()).unwrap_or(w.len());
        let (n, unit) = w.split_at(split);
        if n.is_empty() || n.starts_with('0') || !["s", "m", "h"].contains(&unit) {
            return Err(format!(
                "problems.window = {w:?}: must be a PromQL duration like 30s, 1m or 2m"
            ));
        }
        for (key, v) in [
            ("unauthorized_ratio", self.unauthorized_ratio),
            ("timeout_ratio", self.timeout_ratio),
            ("rate_limited_ratio", self.rate_limited_ratio),
        ] {
            if !(v > 0.0 && v <= 1.0) {
                return Err(format!("problems.{key} = {v}: must be in (0, 1]"));
            }
        }
        if !self.provider_address.is_empty()
            && self.provider_address.parse::<std::net::Ipv4Addr>().is_err()
        {
            return Err(format!(
                "problems.provider_address = {:?}: must be an IPv4 address like 104.18.20.50",
                self.provider_address
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
