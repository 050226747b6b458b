//! `agentdeck alerts`: the namespace's firing and pending alerts, for scripts and for the
//! terminal — from Alertmanager (silenced ones with who silenced them until when) or from
//! Prometheus' own alerts. Exit 1 when a critical alert fires unsilenced.

use serde_json::{Value, json};

use crate::alerts::{Alert, AlertsClient, Silence};
use crate::config::Config;
use crate::error::Error;
use crate::output::Output;

/// What `alerts` read.
pub struct Report {
    pub source: String,
    pub namespace: String,
    pub alerts: Vec<Alert>,
    /// The silences that mute one of `alerts`, or that agentdeck made.
    pub silences: Vec<Silence>,
}

pub fn client(cfg: &Config, prom_flag: Option<&str>) -> Result<AlertsClient, Error> {
    AlertsClient::from_config(cfg, prom_flag)?.ok_or_else(|| {
        Error::Usage(
            "alerts: nothing to read them from: set [alertmanager] url (or --alertmanager-url), or a Prometheus (prometheus.url, --prometheus-url)".into(),
        )
    })
}

pub async fn report(client: &AlertsClient, namespace: &str) -> Result<Report, Error> {
    let got = crate::alerts::feed::fetch(client, namespace).await?;
    let mut alerts = got.alerts;
    crate::alerts::model::sort(&mut alerts);
    Ok(Report {
        source: client.label(),
        namespace: namespace.to_string(),
        alerts,
        silences: got.silences,
    })
}

pub fn to_text(r: &Report) -> String {
    let mut s = format!("alerts of namespace {} from {}\n", r.namespace, r.source);
    if r.alerts.is_empty() {
        s.push_str("no alert is firing or pending\n");
    }
    for a in &r.alerts {
        s.push_str(&format!(
            "{:<9} {:<30} {} · {}\n",
            a.severity(),
            a.name,
            crate::alerts::model::state_words(a, &r.silences),
            a.summary()
        ));
        if let Some(d) = a.annotation("description").filter(|d| *d != a.summary()) {
            s.push_str(&format!("          {d}\n"));
        }
        for (k, label) in [
            ("agentdeck_fix", "fix"),
            ("agentdeck_advice", "advice"),
            ("runbook_url", "runbook"),
        ] {
            if let Some(v) = a.annotation(k) {
                s.push_str(&format!("          {label}: {v}\n"));
            }
        }
    }
    for sil in r.silences.iter().filter(|s| s.by_agentdeck()) {
        s.push_str(&format!(
            "silence {} ({}) by {}: {}\n",
            sil.id,
            sil.state,
            sil.who_until(),
            sil.comment
        ));
    }
    s
}

pub fn to_json(r: &Report) -> Value {
    json!({
        "source": r.source,
        "namespace": r.namespace,
        "alerts": r.alerts,
        "silences": r.silences,
        "firingCritical": firing_critical(r),
    })
}

/// Critical alerts firing and not silenced or inhibited.
pub fn firing_critical(r: &Report) -> usize {
    crate::alerts::model::firing_critical(&r.alerts)
}

pub async fn run(
    cfg: &Config,
    prom_flag: Option<&str>,
    namespace: &str,
    output: Option<Output>,
) -> Result<u8, Error> {
    let c = client(cfg, prom_flag)?;
    let r = report(&c, namespace).await?;
    let out = match output {
        Some(f @ (Output::Json | Output::Yaml)) => crate::output::render(&to_json(&r), f),
        _ => crate::text::printable_lines(&to_text(&r)),
    };
    print!("{out}");
    Ok(u8::from(firing_critical(&r) > 0))
}
