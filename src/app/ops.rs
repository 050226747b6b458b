//! Writes from the dashboard: `s` (scale) and `r` (restart) on the selected workload,
//! `:rotate-key` (masked key input) and `:deploy` (plan, then apply).
//! Read-only and RBAC refusals come first, then a y/n confirmation, then the event loop runs
//! the operation (cluster::ops) and reports progress back as messages.

use crossterm::event::{KeyCode, KeyEvent};

use super::update::Effect;
use super::{App, Mode, Toast};
use crate::cluster::ops::deploy::Item as DeployItem;
use crate::cluster::ops::rotate::RotatePlan;
use crate::cluster::ops::scale::{ScalePlan, parse_replicas};
use crate::secret::Secret;

/// A write the user asked for.
#[derive(Debug, Clone)]
pub enum PendingOp {
    Scale(ScalePlan),
    Restart {
        deployment: String,
    },
    /// Rotate the key (the plan holds the Secret as read: its resourceVersion is the
    /// precondition).
    Rotate {
        plan: Box<RotatePlan>,
        key: Secret,
    },
    Deploy {
        items: std::sync::Arc<Vec<DeployItem>>,
        force: bool,
    },
}

impl PartialEq for PendingOp {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (PendingOp::Scale(a), PendingOp::Scale(b)) => a == b,
            (PendingOp::Restart { deployment: a }, PendingOp::Restart { deployment: b }) => a == b,
            (PendingOp::Rotate { plan: a, key: ka }, PendingOp::Rotate { plan: b, key: kb }) => {
                a.secret == b.secret && a.data_key == b.data_key && ka == kb
            }
            (
                PendingOp::Deploy {
                    items: a,
                    force: fa,
                },
                PendingOp::Deploy {
                    items: b,
                    force: fb,
                },
            ) => std::sync::Arc::ptr_eq(a, b) && fa == fb,
            _ => false,
        }
    }
}

fn toast(app: &mut App, text: String, error: bool) {
    app.toast = Some(Toast {
        text,
        error,
        at: app.now,
    });
}

/// Refuse when writes are off or RBAC denies `action`; true when it may go on.
fn allowed(app: &mut App, action: &'static str) -> bool {
    if app.read_only {
        toast(
            app,
            format!("{action}: refused, agentdeck is read-only; nothing was sent"),
            true,
        );
        return false;
    }
    if let Some(reason) = app.denied.get(action).cloned() {
        toast(app, format!("{action}: not allowed — {reason}"), true);
        return false;
    }
    if app.op_status.is_some() {
        toast(app, "another operation is still running".into(), true);
        return false;
    }
    true
}

/// `s` on the selected workload.
pub fn start_scale(app: &mut App) {
    let Some(w) = app.selected_workload().map(|w| (w.name.clone(), w.desired)) else {
        return;
    };
    if allowed(app, "scale") {
        app.mode = Mode::ScaleInput {
            deployment: w.0,
            input: w.1.to_string(),
        };
    }
}

/// `r` on the selected workload.
pub fn start_restart(app: &mut App) {
    let Some(name) = app.selected_workload().map(|w| w.name.clone()) else {
        return;
    };
    if allowed(app, "restart") {
        app.mode = Mode::Confirm {
            question: format!(
                "rollout restart deployment {name} in namespace {}",
                app.namespace
            ),
            op: PendingOp::Restart { deployment: name },
        };
    }
}

/// Keys while typing the replica count.
pub fn scale_input_key(
    app: &mut App,
    deployment: String,
    mut input: String,
    k: KeyEvent,
    fx: &mut Vec<Effect>,
) {
    match k.code {
        KeyCode::Esc => app.mode = Mode::Normal,
        KeyCode::Backspace => {
            input.pop();
            app.mode = Mode::ScaleInput { deployment, input };
        }
        KeyCode::Char(c) if c.is_ascii_digit() || c == '-' => {
            input.push(c);
            app.mode = Mode::ScaleInput { deployment, input };
        }
        KeyCode::Enter => match parse_replicas(&input) {
            Ok(_) => {
                app.mode = Mode::Normal;
                app.op_status = Some(format!("scale {deployment}: checking…"));
                fx.push(Effect::PlanScale {
                    deployment,
                    replicas: input,
                });
            }
            Err(e) => {
                toast(app, e.to_string(), true);
                app.mode = Mode::ScaleInput { deployment, input };
            }
        },
        _ => app.mode = Mode::ScaleInput { deployment, input },
    }
}

/// y / n / Esc on a confirmation.
pub fn confirm_key(
    app: &mut App,
    question: String,
    op: PendingOp,
    k: KeyEvent,
    fx: &mut Vec<Effect>,
) {
    match k.code {
        KeyCode::Char('y') | KeyCode::Char('Y') => {
            app.mode = Mode::Normal;
            app.op_status = Some(match &op {
                PendingOp::Scale(p) => format!("scaling {} to {}…", p.deployment, p.replicas),
                PendingOp::Restart { deployment } => format!("restarting {deployment}…"),
                PendingOp::Rotate { plan, .. } => format!("rotating the key in {}…", plan.secret),
                PendingOp::Deploy { items, .. } => format!("deploying {} objects…", items.len()),
            });
            fx.push(Effect::Run(op));
        }
        KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
            app.mode = Mode::Normal;
            app.op_status = None;
            toast(app, "cancelled; nothing was changed".into(), false);
        }
        _ => app.mode = Mode::Confirm { question, op },
    }
}

/// `:rotate-key`: type the new key (masked).
pub fn start_rotate(app: &mut App) {
    if allowed(app, "rotate-key") {
        app.mode = Mode::KeyInput {
            input: Secret::new(""),
        };
    }
}

/// `:deploy`: plan the bundled stack first (server-side dry run).
pub fn start_deploy(app: &mut App, force: bool, fx: &mut Vec<Effect>) {
    if allowed(app, "deploy") {
        app.op_status = Some("deploy: planning (server-side dry run)…".into());
        fx.push(Effect::PlanDeploy { force });
    }
}

/// Keys while typing the new key: characters are added but never shown.
pub fn key_input_key(app: &mut App, input: Secret, k: KeyEvent, fx: &mut Vec<Effect>) {
    match k.code {
        KeyCode::Esc => {
            app.mode = Mode::Normal;
            toast(app, "cancelled; nothing was changed".into(), false);
        }
        KeyCode::Enter => {
            app.mode = Mode::Normal;
            app.op_status = Some("rotate-key: checking the key with the provider…".into());
            fx.push(Effect::PlanRotate(input));
        }
        KeyCode::Backspace => {
            let mut s = input.expose().to_string();
            s.pop();
            app.mode = Mode::KeyInput {
                input: Secret::new(s),
            };
        }
        KeyCode::Char(c) => {
            let mut s = input.expose().to_string();
            s.push(c);
            app.mode = Mode::KeyInput {
                input: Secret::new(s),
            };
        }
        _ => app.mode = Mode::KeyInput { input },
    }
}
