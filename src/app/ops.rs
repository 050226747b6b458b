//! Writes from the dashboard: `s` (scale) and `r` (restart) on the selected workload.
//! Read-only and RBAC refusals come first, then a y/n confirmation, then the event loop runs
//! the operation (cluster::ops) and reports progress back as messages.

use crossterm::event::{KeyCode, KeyEvent};

use super::update::Effect;
use super::{App, Mode, Toast};
use crate::cluster::ops::scale::{ScalePlan, parse_replicas};

/// A write the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PendingOp {
    Scale(ScalePlan),
    Restart { deployment: String },
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
