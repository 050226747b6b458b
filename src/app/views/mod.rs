//! The screens pushed over the dashboard — a workload's pods, a pod's details, a pod's
//! logs, the incident timeline — as a stack: `Enter`/`l`/`T` push, `Esc` pops. Each view's
//! keys come before the dashboard's; what a view does not handle falls through to the
//! dashboard (quit, help, `:` commands, the writes on the selected workload).

use crossterm::event::KeyEvent;

pub mod agents_view;
pub mod alerts_view;
pub mod logs_view;
pub mod pod_details;
pub mod timeline_view;

use super::keymap::{Action, Scope};
use super::{App, Effect};
use crate::cluster::model::{PodView, PodViews};
use logs_view::LogView;
use pod_details::PodDetailsView;
use timeline_view::TimelineView;

/// One screen over the dashboard.
pub enum View {
    /// The pods of a workload (`Enter` on it).
    Pods(PodsView),
    /// One pod's details (`Enter` on a pod).
    Pod(Box<PodDetailsView>),
    /// A pod's logs (`l`).
    Logs(Box<LogView>),
    /// The namespace's incident timeline (`T`).
    Timeline(Box<TimelineView>),
    /// Latency, request rate and errors per agent (`A`).
    Agents(agents_view::AgentsView),
    /// The namespace's alerts (`a`).
    Alerts(alerts_view::AlertsView),
}

/// The pods of one workload, and the one selected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodsView {
    pub kind: crate::cluster::workload::WorkloadKind,
    pub name: String,
    pub selected: usize,
}

/// Rows a page key moves.
pub const PAGE: usize = 10;

/// Move a row position with a movement key (up, down, page, top, bottom) within
/// `0..=last`; false: `action` is no movement.
pub fn scroll(pos: &mut usize, action: Option<Action>, last: usize) -> bool {
    *pos = match action {
        Some(Action::Up) => pos.saturating_sub(1),
        Some(Action::Down) => (*pos + 1).min(last),
        Some(Action::PageUp) => pos.saturating_sub(PAGE),
        Some(Action::PageDown) => (*pos + PAGE).min(last),
        Some(Action::Top) => 0,
        Some(Action::Bottom) => last,
        _ => return false,
    };
    true
}

impl App {
    /// The view on top (None: the dashboard).
    pub fn view(&self) -> Option<&View> {
        self.views.last()
    }

    pub fn view_mut(&mut self) -> Option<&mut View> {
        self.views.last_mut()
    }

    /// Whose keys apply now: the view on top's, else the dashboard's.
    pub fn key_scope(&self) -> Scope {
        match self.view() {
            None => Scope::Normal,
            Some(View::Pods(_) | View::Pod(_)) => Scope::Pods,
            Some(View::Logs(_)) => Scope::Logs,
            Some(View::Timeline(_) | View::Agents(_) | View::Alerts(_)) => Scope::Timeline,
        }
    }

    /// The nearest pods view in the stack (under a pod's details or logs too).
    pub fn pods_view(&self) -> Option<&PodsView> {
        self.views.iter().rev().find_map(|v| match v {
            View::Pods(p) => Some(p),
            _ => None,
        })
    }

    /// The pods of the drilled-into workload (empty when it is gone; shared, not copied).
    pub fn drilled_pods(&self) -> PodViews {
        let Some(p) = self.pods_view() else {
            return PodViews::default();
        };
        self.cluster
            .as_ref()
            .and_then(|c| {
                c.workloads
                    .iter()
                    .find(|w| w.kind == p.kind && w.name == p.name)
            })
            .map(|w| w.pod_views.clone())
            .unwrap_or_default()
    }

    /// The pod selected in the pods view on top, if that is the top view.
    pub fn selected_pod(&self) -> Option<PodView> {
        let Some(View::Pods(p)) = self.view() else {
            return None;
        };
        let pods = self.drilled_pods();
        pods.get(p.selected.min(pods.len().saturating_sub(1)))
            .cloned()
    }

    /// Back to the dashboard (a switch of context or namespace).
    pub fn close_views(&mut self, fx: &mut Vec<Effect>) {
        if self.views.iter().any(|v| matches!(v, View::Logs(_))) {
            fx.push(Effect::StopLogs);
        }
        self.views.clear();
    }
}

/// `Esc` on a view: pop it (a log view stops its stream).
pub fn back(app: &mut App, fx: &mut Vec<Effect>) {
    if let Some(View::Logs(_)) = app.views.pop() {
        fx.push(Effect::StopLogs);
    }
}

/// The view on top handles `k` first; false: not its key, the dashboard's turn.
pub fn key(app: &mut App, k: KeyEvent, fx: &mut Vec<Effect>) -> bool {
    match app.view() {
        None => false,
        Some(View::Pods(_)) => pods_key(app, app.keymap.action_for(&k, Scope::Pods), k, fx),
        Some(View::Pod(_)) => pod_details::key(app, k, fx),
        Some(View::Logs(_)) => logs_view::key(app, k, fx),
        Some(View::Timeline(_)) => timeline_view::key(app, k, fx),
        Some(View::Agents(_)) => agents_view::key(app, k, fx),
        Some(View::Alerts(_)) => alerts_view::key(app, k, fx),
    }
}

/// Keys on the pods of a workload: move, `Enter` details, `l` logs, `d` delete, Esc back.
fn pods_key(app: &mut App, scoped: Option<Action>, k: KeyEvent, fx: &mut Vec<Effect>) -> bool {
    let n = app.drilled_pods().len();
    let action = scoped.or_else(|| app.keymap.action_for(&k, Scope::Normal));
    let Some(View::Pods(p)) = app.view_mut() else {
        return false;
    };
    if scroll(&mut p.selected, action, n.saturating_sub(1)) {
        return true;
    }
    match action {
        Some(Action::Back) => back(app, fx),
        Some(Action::Open) => {
            if let Some(pod) = app.selected_pod().map(|p| p.name) {
                pod_details::open(app, pod, fx);
            }
        }
        Some(Action::Logs) => {
            if let Some(pod) = app.selected_pod().map(|p| p.name) {
                logs_view::open(app, crate::cluster::logs::LogTarget::Pod(pod), fx);
            }
        }
        Some(Action::Delete) => {
            if let Some(pod) = app.selected_pod().map(|p| p.name) {
                super::dialogs::start_delete_pod(app, pod, fx);
            }
        }
        _ => return false,
    }
    true
}

/// `Enter` on the dashboard: the selected workload's pods.
pub fn open_pods(app: &mut App) {
    if let Some(w) = app.selected_workload() {
        let v = PodsView {
            kind: w.kind,
            name: w.name.clone(),
            selected: 0,
        };
        app.views.push(View::Pods(v));
    }
}

/// Keep a pods view's selection on a row that exists.
pub fn clamp(app: &mut App) {
    let n = app.drilled_pods().len();
    if let Some(View::Pods(p)) = app.view_mut() {
        p.selected = p.selected.min(n.saturating_sub(1));
    }
}
