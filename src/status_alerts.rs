//! The alerts part of `status`: the namespace's firing alerts from Alertmanager (or
//! Prometheus' own), listed beside agentdeck's problems; a critical one firing unsilenced
//! makes `status` unhealthy (exit 1) as a problem does. Not configured: nothing is said;
//! unreadable: the reason, and the rest of the report stands.

use serde_json::{Value, json};

use crate::alerts::{AlertsClient, Fetched};
use crate::config::Config;
use crate::metrics::Feed;

/// What `status` read of the alerts.
pub(crate) struct AlertsPart {
    /// "alertmanager http://…"; None: no source configured.
    pub source: Option<String>,
    pub result: Result<Fetched, String>,
}

/// Read the alerts of `namespace`, if a source is configured.
pub(crate) async fn read(cfg: &Config, feed: &Feed, namespace: &str) -> AlertsPart {
    let prom = match feed {
        Feed::Prometheus(_, url) => Some(url.as_str()),
        _ => None,
    };
    match AlertsClient::from_config(cfg, prom) {
        Ok(None) => AlertsPart {
            source: None,
            result: Ok(Fetched {
                alerts: Vec::new(),
                silences: Vec::new(),
            }),
        },
        Ok(Some(c)) => AlertsPart {
            source: Some(c.label()),
            result: crate::alerts::feed::fetch(&c, namespace)
                .await
                .map(|mut f| {
                    crate::alerts::model::sort(&mut f.alerts);
                    f
                })
                .map_err(|e| e.to_string()),
        },
        Err(e) => AlertsPart {
            source: Some("alerts".into()),
            result: Err(e.to_string()),
        },
    }
}

impl AlertsPart {
    /// Critical alerts firing, neither silenced nor inhibited.
    pub(crate) fn firing_critical(&self) -> usize {
        self.result
            .as_ref()
            .map_or(0, |f| crate::alerts::model::firing_critical(&f.alerts))
    }

    pub(crate) fn json(&self) -> Value {
        match (&self.source, &self.result) {
            (None, _) => Value::Null,
            (Some(s), Ok(f)) => json!({
                "source": s, "alerts": f.alerts, "silences": f.silences,
                "firingCritical": self.firing_critical(),
            }),
            (Some(s), Err(e)) => json!({"source": s, "error": e}),
        }
    }

    /// One line per alert firing or pending, or why they cannot be read.
    pub(crate) fn text(&self) -> String {
        let Some(source) = &self.source else {
            return String::new();
        };
        match &self.result {
            Err(e) => format!("alerts: unreadable ({e})\n"),
            Ok(f) if f.alerts.is_empty() => format!("alerts: none firing ({source})\n"),
            Ok(f) => {
                let mut s = format!("alerts ({source}):\n");
                for a in &f.alerts {
                    s.push_str(&format!(
                        "  {} ({}) {} — {}\n",
                        a.name,
                        a.severity(),
                        crate::alerts::model::state_words(a, &f.silences),
                        a.summary()
                    ));
                }
                s
            }
        }
    }
}
