//! The alerts view (`a`): the namespace's alerts from Alertmanager (or Prometheus), the
//! selected one's labels and annotations under the list (`Enter` shows or hides them);
//! silenced ones greyed with who silenced them until when. `S` silences the selected
//! alert (a duration asked, `2h` by default, then the usual confirmation), `E` expires the
//! silence agentdeck made on it. No request of its own: it follows the alerts feed.

use crossterm::event::KeyEvent;

use super::View;
use crate::alerts::{Alert, AlertState};
use crate::app::keymap::{Action, Scope};
use crate::app::{App, Effect, Mode};
use crate::ops::{Operation, Request};

/// The selected row and whether its details are open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertsView {
    pub selected: usize,
    pub details: bool,
}

/// Push the view (once).
pub fn open(app: &mut App) {
    if app.alerts.source.is_none() {
        app.toast(
            "no alerts source: set [alertmanager] url (or --alertmanager-url), or a Prometheus",
            true,
        );
        return;
    }
    if !matches!(app.view(), Some(View::Alerts(_))) {
        app.views.push(View::Alerts(AlertsView::default()));
    }
}

/// The alert selected in the view, if the view is open.
pub fn selected(app: &App) -> Option<&Alert> {
    let Some(View::Alerts(v)) = app.view() else {
        return None;
    };
    app.alerts.alerts().get(v.selected)
}

/// The alert `S` and `E` act on: the view's selected one, else on the dashboard the first
/// firing alert that is one of the problems shown (the page being worked), else the first
/// firing one.
fn target(app: &App) -> Option<Alert> {
    if let Some(View::Alerts(_)) = app.view() {
        return selected(app).cloned();
    }
    let firing = || app.alerts.alerts().iter().filter(|a| a.is_firing());
    app.problems
        .iter()
        .find_map(|p| app.alerts.for_problem(&p.id))
        .or_else(|| firing().next())
        .cloned()
}

/// `S`: ask for the silence's length (and why), then plan it.
pub fn start_silence(app: &mut App) {
    let Some(a) = target(app) else {
        app.toast("no firing alert to silence", true);
        return;
    };
    if !app.alerts.can_silence {
        app.toast(
            "silences need Alertmanager: set [alertmanager] url (or --alertmanager-url)",
            true,
        );
        return;
    }
    if a.state == AlertState::Silenced {
        let by = app.alerts.state_words(&a);
        app.toast(format!("{} is already {by}", a.name), false);
        return;
    }
    if crate::app::dialogs::allowed(app, Operation::SilenceAlert, None) {
        app.mode = Mode::SilenceInput {
            alertname: a.name,
            input: format!("{} ", app.alerts.silence_for),
        };
    }
}

/// `E`: expire the silence agentdeck made on the alert.
pub fn start_expire(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(a) = target(app) else {
        return;
    };
    let Some(s) = app.alerts.silence_of(&a).cloned() else {
        app.toast(format!("{} is not silenced", a.name), false);
        return;
    };
    if !s.by_agentdeck() {
        app.toast(
            format!(
                "{} was silenced outside agentdeck (by {}): expire it in Alertmanager",
                a.name, s.created_by
            ),
            true,
        );
        return;
    }
    if crate::app::dialogs::allowed(app, Operation::ExpireSilence, None) {
        let status = format!("expire silence {}: checking…", s.id);
        crate::app::dialogs::request(app, Request::ExpireSilence { id: s.id }, status, fx);
    }
}

/// Keys: scroll, `Enter` details, `S` silence, `E` expire, `Esc` back.
pub fn key(app: &mut App, k: KeyEvent, fx: &mut Vec<Effect>) -> bool {
    let action = app
        .keymap
        .action_for(&k, Scope::Timeline)
        .or_else(|| app.keymap.action_for(&k, Scope::Normal));
    let last = app.alerts.alerts().len().saturating_sub(1);
    let Some(View::Alerts(v)) = app.view_mut() else {
        return false;
    };
    if super::scroll(&mut v.selected, action, last) {
        return true;
    }
    match action {
        Some(Action::Open) => v.details = !v.details,
        Some(Action::Back) => super::back(app, fx),
        Some(Action::Alerts) => {}
        Some(Action::Silence) => start_silence(app),
        Some(Action::Expire) => start_expire(app, fx),
        _ => return false,
    }
    true
}
