//! The write dialogs: `s` (replica count), `r`, `K`/`:rotate-key` (masked key input) and
//! `:deploy` become `Request`s for the event loop to plan; a plan comes back as a y/n
//! confirmation that names where it will run; `y` sends it to be executed on exactly that
//! connection. Read-only, RBAC and "busy" refusals come first. A plan never takes the
//! focus from a text input: it waits until the input is closed.

use crossterm::event::{KeyCode, KeyEvent};

use super::keymap::{Action, Scope};
use super::{App, Effect, Mode};
use crate::ops::scale::parse_replicas;
use crate::ops::{
    DeployArgs, OpError, Operation, Outcome, Plan, Request, WorkloadKind, WorkloadRef,
};
use crate::secret::Secret;

/// Refuse when writes are off, RBAC denies `op` (on the selected workload's kind), a
/// switch or another write is under way; true when it may go on.
pub(super) fn allowed(app: &mut App, op: Operation, kind: Option<WorkloadKind>) -> bool {
    let name = op.name();
    let denied = app.permissions.refusal(op, kind);
    let refusal = if let Some(e) = &denied {
        Some(match e {
            OpError::ReadOnly => {
                format!("{name}: refused, agentdeck is read-only; nothing was sent")
            }
            OpError::Forbidden(reason) => format!("{name}: not allowed — {reason}"),
            other => format!("{name}: {other}"),
        })
    } else if let Some(to) = &app.switching {
        Some(format!(
            "{name}: switching to {to}; try again once it is connected"
        ))
    } else if app.op_status.is_some() || app.waiting_plan.is_some() {
        Some("another operation is still running".to_string())
    } else {
        None
    };
    // Read-only and RBAC refusals are audited, as the CLI's are.
    if let Some(why) = denied {
        let target = selected(app)
            .map(|(w, _)| w.slash())
            .unwrap_or_else(|| format!("namespace/{}", app.namespace));
        app.refused.push((name, target, why));
    }
    match refusal {
        Some(text) => {
            app.toast(text, true);
            false
        }
        None => true,
    }
}

/// Ask the loop to plan `req`; the footer says so until the plan is back.
pub(super) fn request(app: &mut App, req: Request, status: String, fx: &mut Vec<Effect>) {
    app.op_status = Some(status);
    fx.push(Effect::Plan(req));
}

/// The selected workload, as operations name it.
pub(super) fn selected(app: &App) -> Option<(WorkloadRef, i32)> {
    let w = app.selected_workload()?;
    Some((w.reference(), w.desired))
}

/// `s` on the selected workload.
pub fn start_scale(app: &mut App) {
    let Some((workload, desired)) = selected(app) else {
        return;
    };
    if allowed(app, Operation::Scale, Some(workload.kind)) {
        app.mode = Mode::ScaleInput {
            workload,
            input: desired.to_string(),
        };
    }
}

/// `r` on the selected workload: plan (the Deployment is read, RBAC asked), then confirm.
pub fn start_restart(app: &mut App, fx: &mut Vec<Effect>) {
    let Some((workload, _)) = selected(app) else {
        return;
    };
    if allowed(app, Operation::Restart, Some(workload.kind)) {
        let status = format!("restart {}: checking…", workload.name);
        let req = Request::Restart {
            workload,
            wait: true,
        };
        request(app, req, status, fx);
    }
}

/// `d` on a pod: plan (the pod is read, RBAC asked), then confirm.
pub fn start_delete_pod(app: &mut App, pod: String, fx: &mut Vec<Effect>) {
    if allowed(app, Operation::DeletePod, None) {
        let status = format!("delete pod {pod}: checking…");
        request(app, Request::DeletePod { pod }, status, fx);
    }
}

/// `K` / `:rotate-key`: type the new key (masked).
pub fn start_rotate(app: &mut App) {
    if allowed(app, Operation::RotateKey, None) {
        app.mode = Mode::KeyInput {
            input: Secret::new(""),
        };
    }
}

/// `:deploy`: plan the bundled stack first (server-side dry run).
pub fn start_deploy(app: &mut App, force: bool, fx: &mut Vec<Effect>) {
    if allowed(app, Operation::Deploy, None) {
        let req = Request::Deploy(DeployArgs {
            force_conflicts: force,
            ..DeployArgs::default()
        });
        request(
            app,
            req,
            "deploy: planning (server-side dry run)…".into(),
            fx,
        );
    }
}

/// Keys while typing the replica count.
pub fn scale_input_key(
    app: &mut App,
    workload: WorkloadRef,
    mut input: String,
    k: KeyEvent,
    fx: &mut Vec<Effect>,
) {
    match (app.keymap.action_for(&k, Scope::Dialog), k.code) {
        (Some(Action::Cancel), _) => app.mode = Mode::Normal,
        (Some(Action::Erase), _) => {
            input.pop();
            app.mode = Mode::ScaleInput { workload, input };
        }
        (Some(Action::Submit), _) => match parse_replicas(&input) {
            Ok(_) => {
                app.mode = Mode::Normal;
                let status = format!("scale {}: checking…", workload.name);
                let req = Request::Scale {
                    workload,
                    replicas: input,
                };
                request(app, req, status, fx);
            }
            Err(e) => {
                app.toast(e.to_string(), true);
                app.mode = Mode::ScaleInput { workload, input };
            }
        },
        (_, KeyCode::Char(c)) if c.is_ascii_digit() || c == '-' => {
            super::input::append(&mut input, std::iter::once(c), super::input::COUNT_LIMIT);
            app.mode = Mode::ScaleInput { workload, input };
        }
        _ => app.mode = Mode::ScaleInput { workload, input },
    }
}

/// Keys while typing a silence's length and reason: "2h rotating the key".
pub fn silence_input_key(
    app: &mut App,
    alertname: String,
    mut input: String,
    k: KeyEvent,
    fx: &mut Vec<Effect>,
) {
    match (app.keymap.action_for(&k, Scope::Dialog), k.code) {
        (Some(Action::Cancel), _) => {
            app.mode = Mode::Normal;
            app.toast("cancelled; nothing was sent", false);
        }
        (Some(Action::Erase), _) => {
            input.pop();
            app.mode = Mode::SilenceInput { alertname, input };
        }
        (Some(Action::Submit), _) => {
            let text = input.trim();
            let (length, comment) = text.split_once(' ').unwrap_or((text, ""));
            match crate::ops::silence::parse_length(length) {
                Ok(_) => {
                    app.mode = Mode::Normal;
                    let status = format!("silence {alertname}: checking…");
                    let req = Request::SilenceAlert {
                        alertname,
                        length: length.to_string(),
                        comment: comment.trim().to_string(),
                    };
                    request(app, req, status, fx);
                }
                Err(e) => {
                    app.toast(e.to_string(), true);
                    app.mode = Mode::SilenceInput { alertname, input };
                }
            }
        }
        (_, KeyCode::Char(c))
            if !k
                .modifiers
                .contains(crossterm::event::KeyModifiers::CONTROL) =>
        {
            super::input::append(&mut input, std::iter::once(c), super::input::LINE_LIMIT);
            app.mode = Mode::SilenceInput { alertname, input };
        }
        _ => app.mode = Mode::SilenceInput { alertname, input },
    }
}

/// Keys while typing the new key: characters are added but never shown.
pub fn key_input_key(app: &mut App, input: Secret, k: KeyEvent, fx: &mut Vec<Effect>) {
    match (app.keymap.action_for(&k, Scope::Dialog), k.code) {
        (Some(Action::Cancel), _) => {
            app.mode = Mode::Normal;
            app.toast("cancelled; nothing was changed", false);
        }
        (Some(Action::Submit), _) => {
            app.mode = Mode::Normal;
            let req = Request::RotateKey {
                key: input,
                verify: true,
            };
            let status = "rotate-key: checking the key with the provider…".to_string();
            request(app, req, status, fx);
        }
        (Some(Action::Erase), _) => {
            let mut s = input.expose().to_string();
            s.pop();
            app.mode = Mode::KeyInput {
                input: Secret::new(s),
            };
        }
        // y, n, Y and N are letters of a key too.
        (_, KeyCode::Char(c)) => {
            let mut s = input.expose().to_string();
            super::input::append(&mut s, std::iter::once(c), super::input::KEY_LIMIT);
            app.mode = Mode::KeyInput {
                input: Secret::new(s),
            };
        }
        _ => app.mode = Mode::KeyInput { input },
    }
}

/// y / n / Esc on a confirmation.
pub fn confirm_key(
    app: &mut App,
    question: String,
    plan: Box<Plan>,
    k: KeyEvent,
    fx: &mut Vec<Effect>,
) {
    match app.keymap.action_for(&k, Scope::Dialog) {
        Some(Action::Yes) => {
            app.mode = Mode::Normal;
            app.op_status = Some(plan.running());
            fx.push(Effect::Execute(plan));
        }
        Some(Action::No | Action::Cancel) => {
            app.mode = Mode::Normal;
            app.toast("cancelled; nothing was changed", false);
        }
        _ => app.mode = Mode::Confirm { question, plan },
    }
}

/// A plan (or its refusal) is back.
pub fn planned(app: &mut App, r: Result<Box<Plan>, OpError>) {
    app.op_status = None;
    match r {
        // Every value is already live: say so instead of asking to write nothing.
        Ok(plan) => match plan.nothing_to_do() {
            Some(why) => app.toast(why, false),
            None => ask(app, plan.question(), plan),
        },
        Err(e) => app.toast(e.to_string(), true),
    }
}

/// Ask about `plan` now, or — while a text input is open — once it closes.
fn ask(app: &mut App, question: String, plan: Box<Plan>) {
    if matches!(app.mode, Mode::Normal | Mode::Help) {
        app.mode = Mode::Confirm { question, plan };
    } else {
        app.toast(
            format!(
                "{}: a confirmation is waiting — finish or close the input (Enter/Esc)",
                plan.operation().name()
            ),
            false,
        );
        app.waiting_plan = Some(plan);
    }
}

/// After every update: a waiting plan is asked about once no input is open.
pub fn show_waiting_plan(app: &mut App) {
    if matches!(app.mode, Mode::Normal)
        && let Some(plan) = app.waiting_plan.take()
    {
        app.mode = Mode::Confirm {
            question: plan.question(),
            plan,
        };
    }
}

/// The running write ended. `earlier` names where it ran when that connection is no
/// longer the current one (the write still ran where it was confirmed).
pub fn done(app: &mut App, earlier: Option<&str>, r: Result<Outcome, OpError>) {
    app.op_status = None;
    let said = |s: String| match earlier {
        Some(place) => format!("in {place}: {s}"),
        None => s,
    };
    match r {
        Ok(Outcome::Done(m)) => app.toast(said(m), false),
        Ok(Outcome::Incomplete(m)) => app.toast(said(m), true),
        Err(e) => app.toast(said(e.to_string()), true),
        Ok(Outcome::AskAgain { reason, plan }) if earlier.is_none() => {
            let question = format!("{reason}; read again: {}", plan.question());
            ask(app, question, plan);
        }
        Ok(Outcome::AskAgain { reason, .. }) => app.toast(
            said(format!("{reason}; not asked again after the switch")),
            true,
        ),
    }
}
