//! `agentdeck sim`'s flags checked and turned into the simulated cluster's config (each
//! refusal names the flag).

use agentdeck_sim::{AuthMode, DenyRule, SimConfig};

use crate::cli::{SimArgs, SimAuth, bundled_preload};
use crate::commands;

impl SimArgs {
    pub fn to_config(&self) -> Result<SimConfig, String> {
        self.check()?;
        let token_ttl =
            commands::parse_duration("--token-ttl", &self.token_ttl).map_err(|e| e.to_string())?;
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

    use crate::cli::{Cli, Command};
    use agentdeck_sim::MetricsProfile;

    fn profile(args: &[&str]) -> Result<MetricsProfile, String> {
        let cli = Cli::try_parse_from(args).map_err(|e| e.to_string())?;
        match cli.command {
            Some(Command::Sim { args, .. }) | Some(Command::Demo(args)) => {
                Ok(args.to_config()?.metrics_profile)
            }
            _ => Err("not sim or demo".into()),
        }
    }

    #[test]
    fn metrics_profile_flag() {
        assert_eq!(profile(&["agentdeck", "sim"]), Ok(MetricsProfile::Example));
        let p = profile(&["agentdeck", "sim", "--metrics-profile", "otel-genai"]);
        assert_eq!(p, Ok(MetricsProfile::OtelGenai));
        let p = profile(&["agentdeck", "demo", "--metrics-profile", "tgi"]);
        assert_eq!(p, Ok(MetricsProfile::Tgi));
        let e = profile(&["agentdeck", "sim", "--metrics-profile", "prom"]).unwrap_err();
        assert!(e.contains("otel-genai, litellm, vllm, fastapi, tgi"), "{e}");
    }
}
