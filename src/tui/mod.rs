//! The terminal: init and restore (also on panic), and the one event loop that feeds the
//! App from the keyboard, the cluster watchers, the metrics refresher and a slow tick.

use std::time::Duration;

use crossterm::event::{Event as TermEvent, EventStream, KeyEventKind};
use futures::StreamExt;
use tokio::sync::mpsc;

use crate::app::ops::PendingOp;
use crate::app::{self, App, Effect, Msg};
use crate::cluster::ops::{self, Ops, deploy, restart, rotate, scale};
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
    /// Names of the operated stack (Secret, key, provider URL) for rotate-key and deploy.
    pub stack: crate::config::StackConfig,
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
fn run_effect(o: Ops, stack: crate::config::StackConfig, fx: Effect, tx: mpsc::Sender<Msg>) {
    tokio::spawn(async move {
        let msg = match fx {
            Effect::PlanRotate(key) => {
                let planned = async {
                    rotate::check_key(&key)?;
                    o.refuse_if_read_only()?;
                    let plan = rotate::plan(&o, &stack.secret, &stack.secret_key).await?;
                    o.check_access(&plan.accesses()).await?;
                    rotate::verify(&stack.provider_base_url, &key).await?;
                    Ok::<_, ops::OpError>(plan)
                }
                .await;
                match planned {
                    Ok(plan) => Msg::Planned(
                        format!("the provider accepts the key: {}", plan.describe()),
                        PendingOp::Rotate {
                            plan: Box::new(plan),
                            key,
                        },
                    ),
                    Err(e) => Msg::OpDone(Err(format!("rotate-key: {e}"))),
                }
            }
            Effect::Run(PendingOp::Rotate { plan, key }) => {
                match rotate::write_key(&o, &plan, &key).await {
                    Err(ops::OpError::Conflict(m)) => {
                        match rotate::plan(&o, &stack.secret, &stack.secret_key).await {
                            Ok(again) => Msg::Planned(
                                format!("{m}; read again: {}", again.describe()),
                                PendingOp::Rotate {
                                    plan: Box::new(again),
                                    key,
                                },
                            ),
                            Err(e) => Msg::OpDone(Err(e.to_string())),
                        }
                    }
                    Err(e) => Msg::OpDone(Err(e.to_string())),
                    Ok(done) => {
                        let mut failed = Vec::new();
                        for d in &plan.readers {
                            let _ = tx
                                .send(Msg::OpProgress(format!(
                                    "rotate-key: {done}; restarting {d}…"
                                )))
                                .await;
                            let r = match restart::restart(&o, d).await {
                                Ok(_) => {
                                    restart::wait(&o, d, Duration::from_secs(900), |_, _| {}).await
                                }
                                Err(e) => Err(e),
                            };
                            if !matches!(r, Ok(restart::Rollout::Done(_))) {
                                failed.push(d.clone());
                            }
                        }
                        Msg::OpDone(if failed.is_empty() {
                            Ok(format!(
                                "{done}; restarted {}",
                                if plan.readers.is_empty() {
                                    "nothing (no reader)".into()
                                } else {
                                    plan.readers.join(", ")
                                }
                            ))
                        } else {
                            Err(format!(
                                "{done}, but the restart of {} did not complete",
                                failed.join(", ")
                            ))
                        })
                    }
                }
            }
            Effect::PlanDeploy { force } => {
                let planned = async {
                    o.refuse_if_read_only()?;
                    let mut docs = deploy::load(None).map_err(ops::OpError::Invalid)?;
                    deploy::substitute(&mut docs, &stack, "ai-agents");
                    deploy::plan(&o, docs, force).await
                }
                .await;
                match planned {
                    Ok(items) => {
                        let count = |f: fn(&deploy::Change) -> bool| {
                            items.iter().filter(|i| f(&i.change)).count()
                        };
                        let create = count(|c| matches!(c, deploy::Change::Create));
                        let update = count(|c| matches!(c, deploy::Change::Update(_)));
                        let same = count(|c| matches!(c, deploy::Change::Unchanged));
                        let skipped: Vec<&str> = items
                            .iter()
                            .filter(|i| matches!(i.change, deploy::Change::Skipped(_)))
                            .map(|i| i.display.as_str())
                            .collect();
                        let errors: Vec<String> = items
                            .iter()
                            .filter_map(|i| match &i.change {
                                deploy::Change::Error(e) => Some(format!("{}: {e}", i.display)),
                                _ => None,
                            })
                            .collect();
                        if !errors.is_empty() {
                            Msg::OpDone(Err(format!(
                                "deploy: the dry run failed — {}",
                                errors.join("; ")
                            )))
                        } else {
                            let q = format!(
                                "deploy the stack: {create} to create, {update} to update, {same} unchanged{}",
                                if skipped.is_empty() {
                                    String::new()
                                } else {
                                    format!("; skipped (kind not served): {}", skipped.join(", "))
                                }
                            );
                            Msg::Planned(
                                q,
                                PendingOp::Deploy {
                                    items: std::sync::Arc::new(items),
                                    force,
                                },
                            )
                        }
                    }
                    Err(e) => Msg::OpDone(Err(format!("deploy: {e}"))),
                }
            }
            Effect::Run(PendingOp::Deploy { items, force }) => {
                let results = deploy::apply(&o, &items, force).await;
                let failed: Vec<String> = items
                    .iter()
                    .zip(&results)
                    .filter(|(i, r)| r.is_err() && !matches!(i.change, deploy::Change::Skipped(_)))
                    .map(|(i, r)| {
                        format!(
                            "{}: {}",
                            i.display,
                            r.as_ref().err().map(|e| e.to_string()).unwrap_or_default()
                        )
                    })
                    .collect();
                let applied = results.iter().filter(|r| r.is_ok()).count();
                let secrets: kube::Api<k8s_openapi::api::core::v1::Secret> =
                    kube::Api::namespaced(o.conn.client.clone(), &stack.namespace);
                let note = match secrets.get_opt(&stack.secret).await {
                    Ok(None) => format!("; Secret {} is missing: run :rotate-key", stack.secret),
                    _ => String::new(),
                };
                Msg::OpDone(if failed.is_empty() {
                    Ok(format!("deployed: {applied} objects applied{note}"))
                } else {
                    Err(format!(
                        "deploy: {applied} applied, failed: {}",
                        failed.join("; ")
                    ))
                })
            }
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
                fx @ (Effect::PlanScale { .. }
                | Effect::Run(_)
                | Effect::PlanRotate(_)
                | Effect::PlanDeploy { .. }) => {
                    run_effect(src.ops(), src.stack.clone(), fx, op_tx.clone())
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
