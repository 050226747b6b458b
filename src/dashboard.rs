//! Starting the dashboard: connection, metrics feed, App, terminal. Used by `agentdeck`
//! (kubeconfig) and `agentdeck demo` (the embedded simulated cluster).

use crate::app::{App, Settings};
use crate::cluster::{self, Target};
use crate::config::Config;
use crate::error::Error;
use crate::metrics::Feed;
use crate::palette::{self, ColorEnv, ColorMode};
use crate::theme::Theme;

/// How the dashboard looks, from the command line.
#[derive(Debug, Clone, Default)]
pub(crate) struct Look {
    /// `--theme` (else the config's `ui.theme`).
    pub theme: Option<String>,
    /// `--no-color`.
    pub no_color: bool,
}

/// Why a terminal of type `term` cannot show the dashboard, if it cannot: a dumb terminal
/// (or none named) has no cursor addressing and no alternate screen.
pub(crate) fn unfit_terminal(term: Option<&str>) -> Option<String> {
    let why = match term.map(str::trim) {
        None | Some("") => "TERM is not set".to_string(),
        Some(t @ "dumb") => format!("TERM={t} cannot move the cursor"),
        Some(_) => return None,
    };
    Some(format!(
        "the dashboard needs a full-screen terminal ({why}); `agentdeck status` prints the \
         same health as plain text, or set TERM (e.g. TERM=xterm-256color)"
    ))
}

/// Refuse a terminal that cannot show the dashboard, before anything touches it.
pub(crate) fn check_terminal() -> Result<(), Error> {
    if cfg!(windows) {
        return Ok(());
    }
    let term = std::env::var("TERM").ok();
    match unfit_terminal(term.as_deref()) {
        Some(why) => Err(Error::Usage(why)),
        None => Ok(()),
    }
}

/// The colour mode from this process's environment and `--no-color`.
pub(crate) fn color_mode(no_color_flag: bool) -> ColorMode {
    let var = |k| std::env::var(k).ok();
    let (no_color, colorterm, term) = (var("NO_COLOR"), var("COLORTERM"), var("TERM"));
    palette::detect(ColorEnv {
        flag: no_color_flag,
        no_color: no_color.as_deref(),
        colorterm: colorterm.as_deref(),
        term: term.as_deref(),
    })
}

/// Themes: bundled plus ~/.config/agentdeck/themes/*.toml.
pub(crate) fn themes() -> Vec<Theme> {
    let dir = crate::config::default_path().and_then(|p| p.parent().map(|d| d.join("themes")));
    let (themes, errors) = Theme::load_all(dir.as_deref());
    for e in errors {
        tracing::warn!("{e}");
    }
    themes
}

/// What the dashboard would refuse at start is refused by every command (`status` too),
/// naming the config file: a `[keys]` table that does not hold, a `ui.theme` that does
/// not exist. A theme file that does not parse is named by its own path.
pub(crate) fn check_ui(cfg: &Config, config: Option<&std::path::Path>) -> Result<(), Error> {
    let path = config
        .map(|p| crate::text::printable(&p.display().to_string()))
        .unwrap_or_else(|| "(defaults)".into());
    crate::app::bindings::Keymap::from_config(&cfg.keys)
        .map_err(|e| Error::Usage(format!("config {path}: {}", crate::text::printable(&e))))?;
    let dir = crate::config::default_path().and_then(|p| p.parent().map(|d| d.join("themes")));
    let (themes, errors) = crate::theme::Theme::load_all(dir.as_deref());
    if let Some(e) = errors.first() {
        return Err(Error::Usage(crate::text::printable(e)));
    }
    if !themes.iter().any(|t| t.name == cfg.ui.theme) {
        let names: Vec<&str> = themes.iter().map(|t| t.name.as_str()).collect();
        return Err(Error::Usage(format!(
            "config {path}: ui.theme = {:?}: no such theme (available: {})",
            crate::text::printable(&cfg.ui.theme),
            names.join(", ")
        )));
    }
    Ok(())
}

/// An exec credential plugin may take a while (an SSO login): say so on the terminal
/// before the screen is the dashboard's, rather than stay blank.
pub(crate) fn say_waiting_for_plugin(target: &Target, cfg: &Config) {
    use std::io::IsTerminal;
    if let Some(plugin) = cluster::connect::exec_plugin(target)
        && std::io::stderr().is_terminal()
    {
        eprintln!(
            "agentdeck: waiting for the credential plugin {plugin} (at most {}s)…",
            cfg.exec_plugin_timeout_secs
        );
    }
}

/// What the App is told of the alerts' source before the first reading.
pub(crate) fn alerts_state(
    client: &Result<Option<crate::alerts::AlertsClient>, crate::endpoint::SetupError>,
    silence_for: &str,
) -> crate::app::alerts::AlertsState {
    match client {
        Ok(Some(c)) => crate::app::alerts::AlertsState {
            source: Some(c.label()),
            can_silence: c.backend() == crate::alerts::Backend::Alertmanager,
            silence_for: silence_for.to_string(),
            ..Default::default()
        },
        Ok(None) => Default::default(),
        Err(e) => crate::app::alerts::AlertsState {
            source: Some("alerts".into()),
            error: Some(e.to_string()),
            silence_for: silence_for.to_string(),
            ..Default::default()
        },
    }
}

/// Which screen comes first: one cluster's dashboard, or the fleet of these contexts.
#[derive(Debug, Clone, Default)]
pub struct Start {
    /// The fleet view's contexts (`--all-contexts`, `--contexts`, `[fleet] contexts`).
    pub fleet: Option<Vec<String>>,
    /// `--prometheus-url` (the fleet's shared backend).
    pub prometheus_url: Option<String>,
}

/// The themes fitted to the terminal's colours, and the one asked for (an error naming
/// the available ones when it does not exist).
fn pick_theme(cfg: &Config, look: &Look) -> Result<(Vec<Theme>, String), Error> {
    let mode = color_mode(look.no_color);
    tracing::debug!("colours: {mode:?}");
    let themes: Vec<Theme> = themes()
        .iter()
        .map(|t| palette::fit_theme(t, mode))
        .collect();
    let theme = look.theme.clone().unwrap_or_else(|| cfg.ui.theme.clone());
    if !themes.iter().any(|t| t.name == theme) {
        let names: Vec<&str> = themes.iter().map(|t| t.name.as_str()).collect();
        return Err(Error::Usage(format!(
            "no theme {theme:?} (available: {})",
            names.join(", ")
        )));
    }
    Ok((themes, theme))
}

/// Connect, start the sources, run the TUI until quit.
#[cfg(feature = "simulator")]
pub(crate) async fn run(cfg: Config, target: Target, feed: Feed, look: Look) -> Result<(), Error> {
    run_from(cfg, target, feed, look, Start::default()).await
}

/// The one cluster's connection (no fleet), said while an exec plugin runs.
async fn first_connection(target: &Target, cfg: &Config) -> Result<cluster::Connection, Error> {
    say_waiting_for_plugin(target, cfg);
    let conn = cluster::connect(target, &cfg.stack.namespace).await?;
    let ms = crate::logging::started().elapsed().as_millis();
    tracing::debug!("client for {} ready {ms} ms after the start", conn.server);
    Ok(conn)
}

/// [`run`], the first screen as `start` says: with a fleet, nothing is connected until a
/// cluster is dived into.
pub(crate) async fn run_from(
    cfg: Config,
    target: Target,
    feed: Feed,
    look: Look,
    start: Start,
) -> Result<(), Error> {
    check_terminal()?;
    let keymap = crate::app::bindings::Keymap::from_config(&cfg.keys)
        .map_err(|e| Error::Usage(format!("config: {e}")))?;
    // The terminal is the dashboard's: exec credential plugins get none.
    let target = Target {
        no_terminal: true,
        ..target
    };
    let conn = match start.fleet {
        Some(_) => None,
        None => Some(first_connection(&target, &cfg).await?),
    };
    let (themes, theme) = pick_theme(&cfg, &look)?;
    let prom_url = match &feed {
        Feed::Prometheus(_, url) => Some(url.clone()),
        _ => None,
    };
    // The fleet's clusters have their own metrics and alerts (see `fleet::source`).
    let alerts = match &start.fleet {
        Some(_) => Ok(None),
        None => crate::alerts::AlertsClient::from_config(&cfg, prom_url.as_deref()),
    };
    let namespace = conn
        .as_ref()
        .map(|c| c.namespace.clone())
        .unwrap_or_default();
    let mut app = App::new(
        Settings {
            context: conn.as_ref().map(|c| c.context.clone()).unwrap_or_default(),
            namespace: namespace.clone(),
            contexts: cluster::connect::contexts(&target),
            metrics_origin: feed.origin(),
            prices: cfg.models.clone(),
            gpu_hour_price: cfg.cost.gpu_hour_price,
            history_minutes: cfg.prometheus.history_minutes,
            themes,
            theme,
            read_only: cfg.read_only,
            runbook: crate::app::Runbook::from_config(&cfg),
            alerts: alerts_state(&alerts, &cfg.alertmanager.silence_for),
        },
        jiff::Timestamp::now(),
    );
    app.keymap = keymap;
    // The metrics queries follow the namespace shown (`:ns`, `:ctx`).
    let (metrics_namespace, ns_rx) = tokio::sync::watch::channel(namespace);
    let feed_for_tasks = feed.clone();
    let alerts = match alerts {
        Ok(Some(c)) => Some(crate::alerts::feed::spawn(
            c,
            std::time::Duration::from_secs_f64(cfg.prometheus.refresh_secs),
            ns_rx.clone(),
        )),
        _ => None,
    };
    let metrics = match &start.fleet {
        Some(_) => None,
        None => feed.spawn(&cfg, ns_rx),
    };
    crate::tui::run(
        app,
        crate::tui::Backends {
            target,
            conn,
            fleet: start.fleet,
            prometheus_url: start.prometheus_url,
            metrics,
            alerts,
            metrics_namespace,
            feed: feed_for_tasks,
            cfg,
        },
    )
    .await
}
