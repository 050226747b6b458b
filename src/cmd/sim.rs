//! `agentdeck sim`'s flags checked and turned into the simulated cluster's config (each
//! refusal names the flag).

use std::net::SocketAddr;
use std::path::PathBuf;

use agentdeck_sim::{AuthMode, DenyRule, SimConfig};
use clap::{Args, Subcommand};

use crate::cmd::writes;
use crate::error::Error;
use crate::manifests::bundled_preload;

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
pub fn sim_credential(secret_file: &std::path::Path, ttl: &str) -> Result<u8, Error> {
    let ttl = writes::parse_duration("--ttl", ttl)?;
    let (json, until) = agentdeck_sim::credential(secret_file, ttl).map_err(Error::Sim)?;
    println!("{json}");
    eprintln!("agentdeck sim credential: issued a token valid until {until}");
    Ok(0)
}

impl SimArgs {
    pub fn to_config(&self) -> Result<SimConfig, String> {
        self.check()?;
        let token_ttl =
            writes::parse_duration("--token-ttl", &self.token_ttl).map_err(|e| e.to_string())?;
        let deny = self
            .deny
            .iter()
            .map(|d| DenyRule::parse(d))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SimConfig {
            listen: self.listen,
            kubeconfig_out: self.kubeconfig_out.clone(),
            preload: if self.preload {
                bundled_preload()?
            } else {
                Vec::new()
            },
            extra_pods: self.extra_pods,
            churn: self.churn,
            churn_namespaces: self.churn_namespace.clone(),
            deny,
            time_scale: self.time_scale,
            seed: self.seed,
            metrics_listen: self.metrics_listen,
            steady_load: self.steady_load,
            state_file: self.state_file.clone(),
            tls: self.tls,
            auth: match self.auth {
                SimAuth::None => AuthMode::None,
                SimAuth::Token => AuthMode::Token,
                SimAuth::ClientCert => AuthMode::ClientCert,
                SimAuth::Exec => AuthMode::Exec,
            },
            token_ttl,
            exec_command: std::env::current_exe().ok(),
            broken_groups: self.broken_group.clone(),
            extra_events: self.extra_events,
            incidents: self.incident.clone(),
            metrics_profile: self.metrics_profile,
            ..SimConfig::default()
        })
    }

    /// The flags' values and combinations, each refusal naming the flag.
    fn check(&self) -> Result<(), String> {
        if !self.listen.ip().is_loopback() {
            return Err(format!(
                "--listen {}: the simulated cluster only listens on loopback (127.0.0.1 or ::1)",
                self.listen
            ));
        }
        if let Some(m) = self.metrics_listen.filter(|m| !m.ip().is_loopback()) {
            return Err(format!(
                "--metrics-listen {m}: the simulated cluster only listens on loopback (127.0.0.1 or ::1)"
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
        if !(self.churn.is_finite() && (0.0..=10_000.0).contains(&self.churn)) {
            return Err(format!(
                "--churn {}: must be a number of pods per second from 0 to 10000",
                self.churn
            ));
        }
        if self.churn > 0.0 && self.extra_pods == 0 {
            return Err("--churn needs --extra-pods (it churns their workloads)".into());
        }
        if self.auth == SimAuth::ClientCert && !self.tls {
            return Err(
                "--auth client-cert needs --tls (client certificates are a TLS feature)".into(),
            );
        }
        if self.extra_events > 200_000 {
            return Err(format!(
                "--extra-events {}: at most 200000",
                self.extra_events
            ));
        }
        for gv in &self.broken_group {
            let ok = gv
                .split_once('/')
                .is_some_and(|(g, v)| !g.is_empty() && !v.is_empty() && !v.contains('/'));
            if !ok {
                return Err(format!(
                    "--broken-group {gv}: GROUP/VERSION of an API group, e.g. metrics.k8s.io/v1beta1"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::SimArgs;
    use agentdeck_sim::MetricsProfile;

    /// `sim`'s (and `demo`'s) options alone.
    #[derive(Parser)]
    struct Sim {
        #[command(flatten)]
        args: SimArgs,
    }

    fn profile(args: &[&str]) -> Result<MetricsProfile, String> {
        let s = Sim::try_parse_from(args).map_err(|e| e.to_string())?;
        Ok(s.args.to_config()?.metrics_profile)
    }

    #[test]
    fn metrics_profile_flag() {
        assert_eq!(profile(&["sim"]), Ok(MetricsProfile::Example));
        let p = profile(&["sim", "--metrics-profile", "otel-genai"]);
        assert_eq!(p, Ok(MetricsProfile::OtelGenai));
        let p = profile(&["sim", "--metrics-profile", "tgi"]);
        assert_eq!(p, Ok(MetricsProfile::Tgi));
        let e = profile(&["sim", "--metrics-profile", "prom"]).unwrap_err();
        assert!(e.contains("otel-genai, litellm, vllm, fastapi, tgi"), "{e}");
    }
}
