//! Starting the dashboard: config, connection, metrics source, App, terminal. Used by
//! `agentdeck` (kubeconfig) and `agentdeck demo` (the embedded simulated cluster).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::app::{App, Settings};
use crate::cluster::{self, Target};
use crate::config::Config;
use crate::metrics::{self, MetricsSnapshot, MetricsSource, ModelRate, PromClient, Reading};
use crate::theme::Theme;
use agentdeck_sim::Sim;
use agentdeck_sim::agents::Truth;

/// The metrics source a dashboard or status run uses.
pub enum Source {
    Prometheus(PromClient, String),
    Simulated(Arc<Sim>),
    None,
}

impl Source {
    pub fn label(&self) -> MetricsSource {
        match self {
            Source::Prometheus(_, url) => MetricsSource::Prometheus(url.clone()),
            Source::Simulated(_) => MetricsSource::Simulated,
            Source::None => MetricsSource::None,
        }
    }

    /// Prometheus when a URL is given (flag, then config), else none.
    pub fn from_config(cfg: &Config, url_flag: Option<&str>) -> Result<Source, String> {
        match url_flag
            .map(str::to_string)
            .or_else(|| cfg.prometheus.url.clone())
        {
            Some(url) => Ok(Source::Prometheus(
                PromClient::new(&url, &cfg.prometheus)?,
                url,
            )),
            None => Ok(Source::None),
        }
    }

    /// One snapshot now.
    pub async fn snapshot(&self, cfg: &Config) -> Option<MetricsSnapshot> {
        match self {
            Source::Prometheus(c, _) => Some(metrics::refresh(c, &cfg.prometheus.queries).await),
            Source::Simulated(sim) => Some(from_truth(&sim.agents.live(sim))),
            Source::None => None,
        }
    }

    /// Start refreshing in the background; snapshots arrive on the receiver.
    pub fn spawn(self, cfg: &Config) -> Option<mpsc::Receiver<MetricsSnapshot>> {
        let every = Duration::from_secs_f64(cfg.prometheus.refresh_secs);
        let (tx, rx) = mpsc::channel(8);
        match self {
            Source::Prometheus(c, _) => {
                tokio::spawn(metrics::run(c, cfg.prometheus.queries.clone(), every, tx));
            }
            Source::Simulated(sim) => {
                tokio::spawn(async move {
                    let mut tick = tokio::time::interval(every);
                    loop {
                        tick.tick().await;
                        if tx.send(from_truth(&sim.agents.live(&sim))).await.is_err() {
                            return;
                        }
                    }
                });
            }
            Source::None => return None,
        }
        Some(rx)
    }
}

/// The sim's ground truth as a metrics snapshot ("metrics: simulated").
pub fn from_truth(t: &Truth) -> MetricsSnapshot {
    let tokens = t
        .tokens_per_sec
        .iter()
        .map(|(m, r)| ModelRate {
            model: m.clone(),
            tokens_per_sec: *r,
        })
        .collect();
    MetricsSnapshot {
        source: MetricsSource::Simulated,
        at: jiff::Timestamp::now(),
        reachable: true,
        // No request reached a pod in the window: there is no latency to show.
        p50_ms: if t.request_rate > 0.0 && t.ready_pods > 0 {
            Reading::Value(t.p50_ms)
        } else {
            Reading::NoData
        },
        p95_ms: if t.request_rate > 0.0 && t.ready_pods > 0 {
            Reading::Value(t.p95_ms)
        } else {
            Reading::NoData
        },
        tokens: Reading::Value(tokens),
        request_rate: Reading::Value(t.request_rate),
        unauthorized_ratio: Reading::Value(t.unauthorized_ratio),
    }
}

/// Themes: bundled plus ~/.config/agentdeck/themes/*.toml.
pub fn themes() -> Vec<Theme> {
    let dir = crate::config::default_path().and_then(|p| p.parent().map(|d| d.join("themes")));
    let (themes, errors) = Theme::load_all(dir.as_deref());
    for e in errors {
        tracing::warn!("{e}");
    }
    themes
}

/// Connect, start the sources, run the TUI until quit.
pub async fn run(
    cfg: Config,
    target: Target,
    source: Source,
    theme: Option<String>,
) -> Result<(), String> {
    let conn = cluster::connect(&target, &cfg.stack.namespace).await?;
    let themes = themes();
    let theme = theme.unwrap_or_else(|| cfg.ui.theme.clone());
    if !themes.iter().any(|t| t.name == theme) {
        let names: Vec<&str> = themes.iter().map(|t| t.name.as_str()).collect();
        return Err(format!(
            "no theme {theme:?} (available: {})",
            names.join(", ")
        ));
    }
    let app = App::new(
        Settings {
            context: conn.context.clone(),
            namespace: conn.namespace.clone(),
            contexts: cluster::connect::contexts(&target),
            metrics_source: source.label(),
            prices: cfg.models.clone(),
            history_minutes: cfg.prometheus.history_minutes,
            themes,
            theme,
            read_only: cfg.read_only,
        },
        jiff::Timestamp::now(),
    );
    let metrics = source.spawn(&cfg);
    crate::tui::run(
        app,
        crate::tui::Sources {
            target,
            default_namespace: cfg.stack.namespace.clone(),
            conn,
            metrics,
            read_only: cfg.read_only,
            audit: crate::cluster::ops::Audit::new(cfg.audit_log.clone()),
            stack: cfg.stack.clone(),
        },
    )
    .await
}
