//! The fleet view's state and keys: one row per cluster (kept updating by the fleet's
//! tasks), the one selected; `Enter` dives into that cluster's full dashboard, `Esc` on the
//! dashboard comes back. The cluster dived into keeps its watchers `linger_secs` after
//! leaving (coming back is instant), then they are dropped.

use crossterm::event::KeyEvent;
use jiff::Timestamp;

use super::keymap::{Action, Scope};
use super::{App, Effect, Mode};
use crate::fleet::Row;

/// The fleet view.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetState {
    /// Most severe first (see [`crate::fleet::sort`]).
    pub rows: Vec<Row>,
    /// The context of the row selected (it keeps its selection as rows move).
    pub selected: Option<String>,
    /// The user moved the selection: until then it stays on the top (worst) row.
    pub moved: bool,
    /// The fleet is in front (else the dashboard of `dived`).
    pub shown: bool,
    /// The cluster whose dashboard is attached (in front, or lingering).
    pub dived: Option<String>,
    /// When the dashboard was left for the fleet (its watchers linger from then).
    pub left_at: Option<Timestamp>,
    pub linger_secs: f64,
    /// Why the fleet could not start, if it could not.
    pub error: Option<String>,
}

impl FleetState {
    pub fn new(
        contexts: &[String],
        namespace_of: impl Fn(&str) -> String,
        linger_secs: f64,
    ) -> FleetState {
        let mut rows: Vec<Row> = contexts
            .iter()
            .map(|c| Row::connecting(c, &namespace_of(c)))
            .collect();
        crate::fleet::sort(&mut rows);
        FleetState {
            selected: rows.first().map(|r| r.context.clone()),
            moved: false,
            rows,
            shown: true,
            dived: None,
            left_at: None,
            linger_secs,
            error: None,
        }
    }

    /// Index of the selected row.
    pub fn index(&self) -> usize {
        self.selected
            .as_ref()
            .and_then(|c| self.rows.iter().position(|r| &r.context == c))
            .unwrap_or(0)
    }

    pub fn selected_row(&self) -> Option<&Row> {
        self.rows.get(self.index())
    }

    /// A row read anew: replaces that context's, the order kept by severity and cost.
    pub fn update(&mut self, row: Row) {
        match self.rows.iter_mut().find(|r| r.context == row.context) {
            Some(r) => *r = row,
            None => self.rows.push(row),
        }
        crate::fleet::sort(&mut self.rows);
        if self.selected.is_none() || !self.moved {
            self.selected = self.rows.first().map(|r| r.context.clone());
        }
    }

    fn select(&mut self, i: usize) {
        self.selected = self.rows.get(i).map(|r| r.context.clone());
        self.moved = true;
    }
}

impl App {
    /// The fleet is in front.
    pub fn fleet_shown(&self) -> bool {
        self.fleet.as_ref().is_some_and(|f| f.shown)
    }
}

/// A key while the fleet is in front (after dialogs and the global keys).
pub fn key(app: &mut App, k: KeyEvent, fx: &mut Vec<Effect>) {
    let action = app.keymap.action_for(&k, Scope::Normal);
    let Some(fleet) = app.fleet.as_mut() else {
        return;
    };
    let (i, last) = (fleet.index(), fleet.rows.len().saturating_sub(1));
    match action {
        Some(Action::Quit) => fx.push(Effect::Quit),
        Some(Action::Help) => app.mode = Mode::Help,
        Some(Action::Command) => app.mode = Mode::Command(String::new()),
        Some(Action::Open) => dive(app, fx),
        Some(Action::CycleTheme) => {
            app.theme = (app.theme + 1) % app.themes.len().max(1);
        }
        a => {
            let mut pos = i;
            if super::views::scroll(&mut pos, a, last) {
                fleet.select(pos);
            }
        }
    }
}

/// `Enter` on a row: its dashboard, on the row's namespace — at once when it is the one
/// still attached, else connecting to it (as `:ctx` does).
fn dive(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(fleet) = app.fleet.as_mut() else {
        return;
    };
    let Some((context, namespace)) = fleet
        .selected_row()
        .map(|r| (r.context.clone(), r.namespace.clone()))
    else {
        return;
    };
    fleet.shown = false;
    fleet.left_at = None;
    let attached = fleet.dived.as_deref() == Some(context.as_str()) && app.context == context;
    fleet.dived = Some(context.clone());
    if attached {
        app.toast(format!("context {context}"), false);
        return;
    }
    // The row's namespace (`-n`, the context's, the stack's), as the row was read.
    let namespace = (!namespace.is_empty()).then_some(namespace);
    super::switch::switch(app, Some(context), namespace, fx);
}

/// A cluster's dashboard is attached (dived into, or `:ctx` from it).
pub fn dived(app: &mut App, context: &str) {
    if let Some(f) = app.fleet.as_mut() {
        f.dived = Some(context.to_string());
    }
}

/// Diving failed (its credential plugin, the kubeconfig): back to the fleet, the toast
/// saying why; the dashboard attached before, if any, still is.
pub fn not_dived(app: &mut App) {
    let attached = (!app.context.is_empty()).then(|| app.context.clone());
    let now = app.now;
    if let Some(f) = app.fleet.as_mut() {
        f.shown = true;
        f.dived = attached;
        f.left_at = Some(now);
    }
}

/// `Esc` on the dashboard (no view open) with a fleet: back to the fleet, which kept
/// updating; the dashboard's watchers linger.
pub fn leave(app: &mut App) -> bool {
    let now = app.now;
    let Some(fleet) = app.fleet.as_mut().filter(|f| !f.shown) else {
        return false;
    };
    fleet.shown = true;
    fleet.left_at = Some(now);
    if let Some(c) = fleet.dived.clone() {
        fleet.selected = Some(c);
        fleet.moved = true;
    }
    true
}

/// Every tick: a dashboard left longer than `linger_secs` ago is dropped (its watchers,
/// its metrics), so memory stays bounded with many clusters.
pub fn tick(app: &mut App, fx: &mut Vec<Effect>) {
    let now = app.now;
    let Some(fleet) = app.fleet.as_mut() else {
        return;
    };
    let due = fleet.shown
        && fleet.dived.is_some()
        && fleet
            .left_at
            .is_some_and(|t| (now.as_second() - t.as_second()) as f64 >= fleet.linger_secs);
    if !due {
        return;
    }
    fleet.dived = None;
    fleet.left_at = None;
    app.generation += 1;
    app.context.clear();
    app.cluster = None;
    app.cluster_at = None;
    app.cluster_error = None;
    app.metrics = None;
    app.cost = None;
    app.history.clear();
    app.permissions.forget();
    app.forget_problems();
    app.close_views(fx);
    fx.push(Effect::Detach);
}

/// `:fleet`: open the fleet view (starting it the first time).
pub fn open(app: &mut App, fx: &mut Vec<Effect>) {
    let now = app.now;
    match app.fleet.as_mut() {
        Some(f) => {
            f.shown = true;
            f.left_at = Some(now);
        }
        None => fx.push(Effect::StartFleet),
    }
}

/// The fleet's tasks started on these contexts (or could not: why).
pub fn started(app: &mut App, r: Result<Vec<(String, String)>, String>, linger_secs: f64) {
    match r {
        Ok(contexts) => {
            let names: Vec<String> = contexts.iter().map(|(c, _)| c.clone()).collect();
            let ns = |c: &str| {
                contexts
                    .iter()
                    .find(|(n, _)| n == c)
                    .map(|(_, ns)| ns.clone())
                    .unwrap_or_default()
            };
            let mut f = FleetState::new(&names, ns, linger_secs);
            if !app.context.is_empty() {
                f.dived = Some(app.context.clone());
                f.left_at = Some(app.now);
                f.selected = Some(app.context.clone());
                f.moved = true;
            }
            app.fleet = Some(f);
        }
        Err(e) => app.toast(format!("no fleet: {e}"), true),
    }
}
