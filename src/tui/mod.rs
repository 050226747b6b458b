//! The terminal: init and restore (also on panic), and the one event loop. It feeds the App
//! from the keyboard, the background tasks (one channel of `Msg`) and a slow tick, redraws
//! when something changed, and carries out `update`'s effects by starting those tasks:
//! connecting, watching, asking RBAC, planning and executing operations of `cluster::ops`.

mod fleet;
mod stderr;

use std::time::Duration;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event as TermEvent, EventStream, KeyEventKind, MouseButton, MouseEvent, MouseEventKind,
};
use futures::StreamExt;
use tokio::sync::mpsc;

use crate::app::{self, App, Effect, Msg};
use crate::cluster::{self, ClusterEvent, Connection, Target, Watch};
use crate::config::Config;
use crate::error::Error;
use crate::metrics::MetricsSnapshot;
use crate::ops::{self, Ops};

/// What the event loop talks to.
pub(crate) struct Backends {
    /// The command line's kubeconfig, context and namespace (`:ctx` starts from it).
    pub target: Target,
    /// The first connection (generation 0); None: the fleet view comes first.
    pub conn: Option<Connection>,
    /// The contexts the fleet view watches from the start (`--all-contexts`, `--contexts`).
    pub fleet: Option<Vec<String>>,
    /// `--prometheus-url`: the fleet's shared backend.
    pub prometheus_url: Option<String>,
    /// Snapshots from the metrics feed; None: no feed.
    pub metrics: Option<mpsc::Receiver<MetricsSnapshot>>,
    /// Readings of the alerts; None: no source.
    pub alerts: Option<mpsc::Receiver<crate::alerts::AlertsReading>>,
    /// Tells the metrics feed the namespace shown, so its queries follow `:ns`.
    pub metrics_namespace: tokio::sync::watch::Sender<String>,
    /// The metrics feed (the timeline reads Prometheus history through it).
    pub feed: crate::metrics::Feed,
    pub cfg: Config,
}

/// How often ages and toasts are refreshed; nothing else redraws on a timer.
const TICK: Duration = Duration::from_secs(1);

/// The heap's free pages are given back 3 s after the start (the first lists decoded) and
/// then every this many ticks.
const TRIM_EVERY_TICKS: u32 = 30;

/// Run the dashboard until the user quits. The terminal is restored on every exit path.
pub(crate) async fn run(mut app: App, backends: Backends) -> Result<(), Error> {
    let mut terminal =
        ratatui::try_init().map_err(|e| Error::io("initialising the terminal", e))?;
    let mouse = backends.cfg.ui.mouse;
    if mouse {
        capture_mouse();
    }
    // A paste arrives as one event, not as keys that could start a write.
    let _ = crossterm::execute!(std::io::stdout(), EnableBracketedPaste);
    // Nothing but the dashboard may draw on the terminal from now on.
    let stderr = stderr::redirect(crate::logging::file());
    if let Err(e) = &stderr {
        tracing::warn!("stderr stays on the terminal: {e}");
    }
    let result = event_loop(&mut terminal, &mut app, backends).await;
    drop(stderr);
    if mouse {
        release_mouse();
    }
    let _ = crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
    let _ = terminal.show_cursor();
    ratatui::restore();
    result
}

/// Mouse reports on, and off again on a panic (before ratatui's hook restores the rest).
fn capture_mouse() {
    if let Err(e) = crossterm::execute!(std::io::stdout(), EnableMouseCapture) {
        tracing::warn!("no mouse: {e}");
        return;
    }
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        release_mouse();
        hook(info);
    }));
}

fn release_mouse() {
    let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
}

/// A mouse event as a message: the wheel, or a left click on a row (found from the layout
/// of the terminal's screen); moves and other buttons are none.
fn mouse_msg(app: &App, m: MouseEvent, terminal: &ratatui::DefaultTerminal) -> Option<Msg> {
    match m.kind {
        MouseEventKind::ScrollDown => Some(Msg::Wheel(true)),
        MouseEventKind::ScrollUp => Some(Msg::Wheel(false)),
        MouseEventKind::Down(MouseButton::Left) => {
            let size = terminal.size().ok()?;
            let screen = ratatui::layout::Rect::new(0, 0, size.width, size.height);
            crate::ui::hit::click(app, screen, m.column, m.row).map(Msg::Click)
        }
        _ => None,
    }
}

/// Draw the screen; log how long the key read at `key_at` took to show, and when the
/// workloads first appear.
fn draw(
    terminal: &mut ratatui::DefaultTerminal,
    app: &App,
    key_at: Option<std::time::Instant>,
    first_snapshot: &mut bool,
) -> Result<(), Error> {
    terminal
        .draw(|f| crate::ui::draw(f, app))
        .map_err(|e| Error::io("drawing the screen", e))?;
    if let Some(at) = key_at {
        let us = at.elapsed().as_micros();
        tracing::debug!(target: "agentdeck::keys", "key to frame {us} µs");
    }
    if *first_snapshot && app.cluster.is_some() {
        *first_snapshot = false;
        let ms = crate::logging::started().elapsed().as_millis();
        tracing::info!("the workloads are on screen {ms} ms after the start");
    }
    Ok(())
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    mut b: Backends,
) -> Result<(), Error> {
    let (tx, mut rx) = mpsc::channel::<Msg>(256);
    let mut tasks = Tasks::new(&b, tx);
    // A closed SSH session (SIGHUP), `kill` (SIGTERM), SIGINT from outside the terminal and
    // SIGQUIT end the loop like `q`, so `run` restores the terminal.
    let mut signals = Signals::new()?;
    let mut keys = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    let mut metrics_rx = b
        .metrics
        .take()
        .unwrap_or_else(|| mpsc::channel::<MetricsSnapshot>(1).1);
    let mut alerts_rx = b
        .alerts
        .take()
        .unwrap_or_else(|| mpsc::channel::<crate::alerts::AlertsReading>(1).1);
    let mut dirty = true;
    let mut first_snapshot = true;
    let mut ticks: u32 = 0;
    // When the oldest key not yet on screen was read (its latency is logged at debug).
    let mut key_at: Option<std::time::Instant> = None;
    loop {
        if dirty {
            draw(terminal, app, key_at.take(), &mut first_snapshot)?;
            dirty = false;
        }
        let msg = tokio::select! {
            ev = keys.next() => match term_msg(ev, app, terminal)? {
                Some(Some(msg)) => {
                    key_at.get_or_insert_with(std::time::Instant::now);
                    msg
                }
                Some(None) => continue,
                None => return Ok(()),
            },
            name = signals.recv() => {
                tracing::info!("stopped by {name}: the terminal is restored");
                return Ok(());
            }
            Some(m) = rx.recv() => m,
            Some(m) = metrics_rx.recv() => Msg::Metrics(Box::new(m)),
            Some(a) = alerts_rx.recv() => Msg::Alerts(Box::new(a)),
            _ = tick.tick() => {
                ticks += 1;
                if ticks % TRIM_EVERY_TICKS == 3 {
                    crate::heap::trim();
                }
                Msg::Tick(jiff::Timestamp::now())
            }
        };
        let mut msg = Some(msg);
        let mut burst = 0;
        while let Some(m) = msg.take() {
            let (redraw, effects) = app::update(app, m);
            dirty |= redraw;
            for fx in effects {
                if matches!(fx, Effect::Quit) {
                    return Ok(());
                }
                if let Effect::Attach { conn, .. } = &fx {
                    b.metrics_namespace.send_replace(conn.namespace.clone());
                }
                if matches!(fx, Effect::StartFleet) && tasks.can_start_fleet() {
                    // Each cluster of the fleet gets its own metrics feed from now on.
                    metrics_rx = mpsc::channel::<MetricsSnapshot>(1).1;
                }
                tasks.start(fx);
            }
            // Keys that came faster than a frame (typed fast, or a paste in a terminal
            // without bracketed paste) are handled before the next draw, not one per frame.
            burst += 1;
            // (The synchronous reader shares the stream's queue; polling the stream itself
            // here would leave its wake-up with a waker nobody listens to.)
            while msg.is_none() && burst < MAX_BURST {
                if !crossterm::event::poll(Duration::ZERO).unwrap_or(false) {
                    break;
                }
                burst += 1;
                match term_msg(Some(crossterm::event::read()), app, terminal)? {
                    Some(m) => msg = m,
                    None => return Ok(()),
                }
            }
        }
    }
}

/// Terminal events handled at most between two frames.
const MAX_BURST: usize = 4096;

/// A terminal event as a message: `Some(None)` for one that means nothing here, `None`
/// when the terminal's input ended.
fn term_msg(
    ev: Option<std::io::Result<TermEvent>>,
    app: &App,
    terminal: &ratatui::DefaultTerminal,
) -> Result<Option<Option<Msg>>, Error> {
    Ok(match ev {
        Some(Ok(TermEvent::Key(k))) if k.kind != KeyEventKind::Release => Some(Some(Msg::Key(k))),
        Some(Ok(TermEvent::Resize(_, _))) => Some(Some(Msg::Resize)),
        Some(Ok(TermEvent::Paste(text))) => Some(Some(Msg::Paste(text))),
        Some(Ok(TermEvent::Mouse(m))) => Some(mouse_msg(app, m, terminal)),
        Some(Ok(_)) => Some(None),
        Some(Err(e)) => return Err(Error::io("reading the terminal", e)),
        None => None,
    })
}

/// The signals that end the dashboard.
struct Signals(Vec<(&'static str, tokio::signal::unix::Signal)>);

impl Signals {
    fn new() -> Result<Signals, Error> {
        use tokio::signal::unix::{SignalKind, signal};
        let kinds = [
            ("SIGTERM", SignalKind::terminate()),
            ("SIGHUP", SignalKind::hangup()),
            ("SIGINT", SignalKind::interrupt()),
            ("SIGQUIT", SignalKind::quit()),
        ];
        let mut out = Vec::new();
        for (name, kind) in kinds {
            let s = signal(kind).map_err(|e| Error::io(&format!("handling {name}"), e))?;
            out.push((name, s));
        }
        Ok(Signals(out))
    }

    /// The name of the next signal received.
    async fn recv(&mut self) -> &'static str {
        let waits = self.0.iter_mut().map(|(name, s)| {
            Box::pin(async move {
                s.recv().await;
                *name
            })
        });
        futures::future::select_all(waits).await.0
    }
}

/// The background tasks of the current connection generation.
struct Tasks {
    tx: mpsc::Sender<Msg>,
    target: Target,
    cfg: Config,
    conn: Option<Connection>,
    generation: u64,
    feed: crate::metrics::Feed,
    /// The log stream of the log view, if one is open.
    logs: Option<tokio::task::JoinHandle<()>>,
    /// Dropping it stops the watchers of the previous connection.
    _watch: Option<Watch>,
    /// The fleet's tasks, when the fleet view is open.
    fleet: Option<crate::fleet::Fleet>,
    /// `--prometheus-url` (the fleet's shared backend).
    prometheus_url: Option<String>,
    /// In the fleet: the feed of the cluster dived into, forwarding to the loop.
    cluster_metrics: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for Tasks {
    fn drop(&mut self) {
        self.stop_logs();
        self.stop_cluster_metrics();
    }
}

impl Tasks {
    fn new(b: &Backends, tx: mpsc::Sender<Msg>) -> Tasks {
        let watch = b.conn.as_ref().map(|c| watch(c, &b.cfg, 0, tx.clone()));
        let mut t = Tasks {
            tx,
            target: b.target.clone(),
            cfg: b.cfg.clone(),
            conn: b.conn.clone(),
            generation: 0,
            feed: b.feed.clone(),
            logs: None,
            _watch: watch,
            fleet: None,
            prometheus_url: b.prometheus_url.clone(),
            cluster_metrics: None,
        };
        t.ask_permissions();
        if let Some(contexts) = &b.fleet {
            t.start_fleet_on(contexts.clone());
        }
        t
    }

    /// The operations of the current connection (None: none, in the fleet view).
    fn ops(&self) -> Option<Ops> {
        let conn = self.conn.clone()?;
        Some(Ops::new(conn, &self.cfg, self.cfg.operations.timeout()))
    }

    /// Carry out one effect (`Quit` is the loop's own).
    fn start(&mut self, fx: Effect) {
        let tx = self.tx.clone();
        let generation = self.generation;
        match fx {
            Effect::Quit => {}
            Effect::Connect {
                seq,
                context,
                namespace,
            } => self.connect(seq, context, namespace),
            Effect::Attach { generation, conn } => {
                self._watch = Some(watch(&conn, &self.cfg, generation, tx));
                self.conn = Some(conn);
                self.generation = generation;
                self.ask_permissions();
                self.follow_cluster_metrics();
            }
            Effect::StartFleet => self.start_fleet(),
            Effect::Detach => self.detach(),
            Effect::Plan(req) => {
                let Some(ops) = self.ops() else { return };
                tokio::spawn(async move {
                    let r = ops::plan(&ops, req).await.map(Box::new);
                    let _ = tx.send(Msg::Planned(generation, r)).await;
                });
            }
            Effect::Execute(plan) => {
                // On the plan's own connection, whatever is current now.
                let place = plan.ops().place();
                tokio::spawn(async move {
                    let ptx = tx.clone();
                    let mut progress = move |p| drop(ptx.try_send(Msg::Progress(generation, p)));
                    let result = ops::execute(*plan, &mut progress).await;
                    let _ = tx
                        .send(Msg::Done {
                            generation,
                            place,
                            result,
                        })
                        .await;
                });
            }
            Effect::Onset { ns, id } => {
                let (cfg, feed, tx) = (self.cfg.clone(), self.feed.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let at = crate::metrics::onset::of(&feed, &cfg, &ns, &id).await;
                    let _ = tx.send(Msg::Onset { ns, id, at }).await;
                });
            }
            Effect::AuditRefusal {
                operation,
                target,
                why,
            } => {
                if let Some(ops) = self.ops() {
                    ops.record(operation, &target, &Err(why));
                }
            }
            fx @ (Effect::Describe { .. }
            | Effect::Logs { .. }
            | Effect::StopLogs
            | Effect::Timeline(_)) => self.start_view(fx),
        }
    }

    fn stop_logs(&mut self) {
        if let Some(h) = self.logs.take() {
            h.abort();
        }
    }

    /// The effects of the drill-down views: details, logs, timeline.
    fn start_view(&mut self, fx: Effect) {
        let (tx, generation) = (self.tx.clone(), self.generation);
        let Some(conn) = self.conn.clone() else {
            return;
        };
        match fx {
            Effect::Describe { pod } => {
                tokio::spawn(async move {
                    let r = cluster::pod_details::fetch(&conn, &pod).await.map(Box::new);
                    let _ = tx.send(Msg::PodDetails(generation, pod, r)).await;
                });
            }
            Effect::Logs { id, req } => {
                self.stop_logs();
                let buffer = self.cfg.ui.log_lines;
                // The follower sends its events; they reach the App as stream `id`'s (the
                // forwarder ends when the follower does: its sender is dropped).
                let (ltx, mut lrx) = mpsc::channel(64);
                self.logs = Some(cluster::log_follower::start(conn, req, buffer, ltx));
                tokio::spawn(async move {
                    while let Some(ev) = lrx.recv().await {
                        if tx.send(Msg::Logs(id, ev)).await.is_err() {
                            break;
                        }
                    }
                });
            }
            Effect::StopLogs => self.stop_logs(),
            Effect::Timeline(req) => {
                let (cfg, feed) = (self.cfg.clone(), self.feed.clone());
                tokio::spawn(async move {
                    let t = crate::timeline::gather_for_tui(&conn, &cfg, &feed, req).await;
                    let _ = tx.send(Msg::Timeline(generation, Box::new(t))).await;
                });
            }
            _ => {}
        }
    }

    /// `:ns` keeps the client and changes the namespace; `:ctx` connects anew.
    fn connect(&self, seq: u64, context: Option<String>, namespace: Option<String>) {
        let tx = self.tx.clone();
        let Some(context) = context else {
            let Some(mut conn) = self.conn.clone() else {
                return;
            };
            conn.namespace = namespace.unwrap_or(conn.namespace);
            tokio::spawn(async move { tx.send(Msg::Connected(seq, Ok(conn))).await });
            return;
        };
        let target = Target {
            context: Some(context),
            namespace,
            ..self.target.clone()
        };
        let default_ns = self.cfg.stack.namespace.clone();
        tokio::spawn(async move {
            let r = cluster::connect(&target, &default_ns).await.map_err(|e| {
                tracing::warn!(error = %e, chain = ?crate::logging::chain(&e), "switch failed");
                std::sync::Arc::new(e)
            });
            let _ = tx.send(Msg::Connected(seq, r)).await;
        });
    }

    fn ask_permissions(&self) {
        let Some(ops) = self.ops() else { return };
        let (tx, generation) = (self.tx.clone(), self.generation);
        tokio::spawn(async move {
            let p = ops.permissions().await;
            let _ = tx.send(Msg::Permissions(generation, p)).await;
        });
    }
}

/// Watch `conn`; its events reach the loop tagged with `generation`.
fn watch(conn: &Connection, cfg: &Config, generation: u64, tx: mpsc::Sender<Msg>) -> Watch {
    let (ctx_tx, mut ctx_rx) = mpsc::channel::<ClusterEvent>(64);
    let w = cluster::watch::spawn(conn, &cfg.stack, ctx_tx);
    // Ends when the watchers are dropped (their sender closes).
    tokio::spawn(async move {
        while let Some(ev) = ctx_rx.recv().await {
            if tx.send(Msg::Cluster(generation, ev)).await.is_err() {
                return;
            }
        }
    });
    w
}
