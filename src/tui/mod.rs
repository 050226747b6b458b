//! The terminal: init and restore (also on panic), and the one event loop that feeds the
//! App from the keyboard, the cluster watchers, the metrics refresher and a slow tick.

use std::time::Duration;

use crossterm::event::{Event as TermEvent, EventStream, KeyEventKind};
use futures::StreamExt;
use tokio::sync::mpsc;

use crate::app::{self, App, Effect, Msg};
use crate::cluster::{self, ClusterEvent, Connection, Target};
use crate::metrics::MetricsSnapshot;

/// Where the dashboard's data comes from.
pub struct Sources {
    pub target: Target,
    pub default_namespace: String,
    pub conn: Connection,
    /// Snapshots from whichever metrics source runs (Prometheus or the sim); None: no source.
    pub metrics: Option<mpsc::Receiver<MetricsSnapshot>>,
}

/// How often ages and toasts are refreshed; nothing else redraws on a timer.
const TICK: Duration = Duration::from_secs(1);

/// Run the dashboard until the user quits. The terminal is restored on every exit path.
pub async fn run(mut app: App, mut src: Sources) -> Result<(), String> {
    let mut terminal =
        ratatui::try_init().map_err(|e| format!("cannot initialise the terminal: {e}"))?;
    let result = event_loop(&mut terminal, &mut app, &mut src).await;
    ratatui::restore();
    result
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    src: &mut Sources,
) -> Result<(), String> {
    let (ctx_tx, mut ctx_rx) = mpsc::channel::<ClusterEvent>(64);
    let mut watch = cluster::watch::spawn(&src.conn, ctx_tx.clone());
    let (switch_tx, mut switch_rx) = mpsc::channel::<Result<Connection, String>>(4);
    let mut keys = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    let mut no_metrics = mpsc::channel::<MetricsSnapshot>(1).1;
    let metrics_rx = src.metrics.as_mut().unwrap_or(&mut no_metrics);
    let mut dirty = true;
    loop {
        if dirty {
            terminal
                .draw(|f| crate::ui::draw(f, app))
                .map_err(|e| format!("drawing failed: {e}"))?;
            dirty = false;
        }
        let msg = tokio::select! {
            ev = keys.next() => match ev {
                Some(Ok(TermEvent::Key(k))) if k.kind != KeyEventKind::Release => Msg::Key(k),
                Some(Ok(TermEvent::Resize(_, _))) => Msg::Resize,
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(format!("reading the terminal failed: {e}")),
                None => return Ok(()),
            },
            Some(ev) = ctx_rx.recv() => Msg::Cluster(ev),
            Some(m) = metrics_rx.recv() => Msg::Metrics(Box::new(m)),
            Some(sw) = switch_rx.recv() => {
                match sw {
                    Ok(conn) => {
                        app.context = conn.context.clone();
                        app.namespace = conn.namespace.clone();
                        app.cluster = None;
                        app.cluster_at = None;
                        app.cluster_error = None;
                        // Drop the old watchers (and their channel) before starting anew.
                        drop(std::mem::replace(&mut watch, cluster::watch::spawn(&conn, ctx_tx.clone())));
                        src.conn = conn;
                    }
                    Err(e) => { app.cluster_error = Some((e, app.now)); }
                }
                dirty = true;
                continue;
            }
            _ = tick.tick() => Msg::Tick(jiff::Timestamp::now()),
        };
        let (redraw, effects) = app::update(app, msg);
        dirty |= redraw;
        for fx in effects {
            match fx {
                Effect::Quit => return Ok(()),
                Effect::SwitchNamespace(ns) => {
                    let mut conn = src.conn.clone();
                    conn.namespace = ns;
                    let _ = switch_tx.send(Ok(conn)).await;
                }
                Effect::SwitchContext(ctx) => {
                    let mut t = src.target.clone();
                    t.context = Some(ctx);
                    t.namespace = None;
                    src.target = t.clone();
                    let tx = switch_tx.clone();
                    let default_ns = src.default_namespace.clone();
                    tokio::spawn(async move {
                        let _ = tx.send(cluster::connect(&t, &default_ns).await).await;
                    });
                }
            }
        }
    }
}
