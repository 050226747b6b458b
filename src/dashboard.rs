//! Starting the dashboard: connection, metrics feed, App, terminal. Used by `agentdeck`
//! (kubeconfig) and `agentdeck demo` (the embedded simulated cluster).

use crate::app::{App, Settings};
use crate::cluster::{self, Target};
use crate::config::Config;
use crate::error::Error;
use crate::metrics::Feed;
use crate::theme::Theme;

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
    feed: Feed,
    theme: Option<String>,
) -> Result<(), Error> {
    // The terminal is the dashboard's: exec credential plugins get none.
    let target = Target {
        no_terminal: true,
        ..target
    };
    let conn = cluster::connect(&target, &cfg.stack.namespace).await?;
    let ms = crate::logging::started().elapsed().as_millis();
    tracing::debug!("client for {} ready {ms} ms after the start", conn.server);
    let themes = themes();
    let theme = theme.unwrap_or_else(|| cfg.ui.theme.clone());
    if !themes.iter().any(|t| t.name == theme) {
        let names: Vec<&str> = themes.iter().map(|t| t.name.as_str()).collect();
        return Err(Error::Usage(format!(
            "no theme {theme:?} (available: {})",
            names.join(", ")
        )));
    }
    let app = App::new(
        Settings {
            context: conn.context.clone(),
            namespace: conn.namespace.clone(),
            contexts: cluster::connect::contexts(&target),
            metrics_origin: feed.origin(),
            prices: cfg.models.clone(),
            history_minutes: cfg.prometheus.history_minutes,
            themes,
            theme,
            read_only: cfg.read_only,
            runbook: crate::app::Runbook::from_config(&cfg),
        },
        jiff::Timestamp::now(),
    );
    // The metrics queries follow the namespace shown (`:ns`, `:ctx`).
    let (metrics_namespace, ns_rx) = tokio::sync::watch::channel(conn.namespace.clone());
    let feed_for_tasks = feed.clone();
    let metrics = feed.spawn(&cfg, ns_rx);
    crate::tui::run(
        app,
        crate::tui::Backends {
            target,
            conn,
            metrics,
            metrics_namespace,
            feed: feed_for_tasks,
            cfg,
        },
    )
    .await
}
