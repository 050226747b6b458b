//! The terminal: init and restore (also on panic), and the one event loop that feeds the
//! App from the keyboard, the cluster watchers, the metrics refresher and a slow tick.

use std::time::Duration;

use crossterm::event::{Event as TermEvent, EventStream, KeyEventKind};
use futures::StreamExt;
use tokio::sync::mpsc;

use crate::app::ops::PendingOp;
use crate::app::{self, App, Effect, Msg};
use crate::cluster::ops::{self, Ops, restart, scale};
use crate::cluster::{self, ClusterEvent, Connection, Target};
use crate::metrics::MetricsSnapshot;

/// Where the dashboard's data comes from.
pub struct Sources {
    pub target: Target,
    pub default_namespace: String,
    pub conn: Connection,
    /// Snapshots from whichever metrics source runs (Prometheus or the sim); None: no source.
    pub metrics: Option<mpsc::Receiver<MetricsSnapshot>>,
    pub read_only: bool,
    pub audit: ops::Audit,
}

impl Sources {
    fn ops(&self) -> Ops {
        Ops {
            conn: self.conn.clone(),
            read_only: self.read_only,
            audit: self.audit.clone(),
        }
    }
}

/// Ask RBAC about the dashboard's actions in the current namespace.
fn check_permissions(o: Ops, tx: mpsc::Sender<Msg>) {
    tokio::spawn(async move {
        let any = |verb, resource, subresource| ops::Access {
            verb,
            group: "apps",
            resource,
            subresource,
            name: String::new(),
        };
        let mut out = Vec::new();
        for (action, access) in [
            ("scale", any("patch", "deployments", "scale")),
            ("restart", any("patch", "deployments", "")),
        ] {
            let denied = o.check_access(&[access]).await.err().map(|e| e.to_string());
            out.push((action, denied));
        }
        let _ = tx.send(Msg::Permissions(out)).await;
    });
}

/// Carry out a write effect in the background; progress and the result come back as Msgs.
fn run_effect(o: Ops, fx: Effect, tx: mpsc::Sender<Msg>) {
    tokio::spawn(async move {
        let msg = match fx {
            Effect::PlanScale {
                deployment,
                replicas,
            } => {
                let planned = async {
                    o.refuse_if_read_only()?;
                    let plan = scale::plan(&o, &deployment, &replicas).await?;
                    o.check_access(&plan.accesses()).await?;
                    Ok::<_, ops::OpError>(plan)
                }
                .await;
                match planned {
                    Ok(plan) => Msg::Planned(plan.describe(), PendingOp::Scale(plan)),
                    Err(e) => Msg::OpDone(Err(e.to_string())),
                }
            }
            Effect::Run(PendingOp::Scale(plan)) => match scale::apply(&o, &plan).await {
                Err(e) => Msg::OpDone(Err(e.to_string())),
                Ok(_) => {
                    let d = plan.deployment.clone();
                    let ptx = tx.clone();
                    let r = scale::wait_ready(
                        &o,
                        &d,
                        plan.replicas,
                        Duration::from_secs(600),
                        |ready, desired| {
                            let _ = ptx.try_send(Msg::OpProgress(format!(
                                "scale {d}: {ready}/{desired} ready"
                            )));
                        },
                    )
                    .await;
                    Msg::OpDone(
                        r.map(|_| format!("{d} scaled to {} and ready", plan.replicas))
                            .map_err(|e| e.to_string()),
                    )
                }
            },
            Effect::Run(PendingOp::Restart { deployment }) => {
                match restart::restart(&o, &deployment).await {
                    Err(e) => Msg::OpDone(Err(e.to_string())),
                    Ok(_) => {
                        let ptx = tx.clone();
                        let d = deployment.clone();
                        let r =
                            restart::wait(&o, &deployment, Duration::from_secs(900), |s, dep| {
                                let st = dep.status.clone().unwrap_or_default();
                                let want = dep.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0);
                                let line = format!(
                                    "restart {d}: updated {}/{want} ready {} available {} old {}",
                                    st.updated_replicas.unwrap_or(0),
                                    st.ready_replicas.unwrap_or(0),
                                    st.available_replicas.unwrap_or(0),
                                    (st.replicas.unwrap_or(0) - st.updated_replicas.unwrap_or(0))
                                        .max(0),
                                );
                                let _ = matches!(s, restart::Rollout::Waiting(_))
                                    && ptx.try_send(Msg::OpProgress(line)).is_ok();
                            })
                            .await;
                        Msg::OpDone(match r {
                            Ok(restart::Rollout::Done(m)) => Ok(m),
                            Ok(restart::Rollout::Failed(m)) | Ok(restart::Rollout::Waiting(m)) => {
                                Err(m)
                            }
                            Err(e) => Err(e.to_string()),
                        })
                    }
                }
            }
            _ => return,
        };
        let _ = tx.send(msg).await;
    });
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
    let (op_tx, mut op_rx) = mpsc::channel::<Msg>(64);
    check_permissions(src.ops(), op_tx.clone());
    let mut keys = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    let mut metrics_rx = src
        .metrics
        .take()
        .unwrap_or_else(|| mpsc::channel::<MetricsSnapshot>(1).1);
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
            Some(m) = op_rx.recv() => m,
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
                        check_permissions(src.ops(), op_tx.clone());
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
                fx @ (Effect::PlanScale { .. } | Effect::Run(_)) => {
                    run_effect(src.ops(), fx, op_tx.clone())
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
