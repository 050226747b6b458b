//! The per-agent view (`A`): the latency, request rate and error share of each agent (or
//! route) from the latest metrics snapshot — no request of its own, it follows every
//! refresh. Scrolled like the timeline; `Esc` back.

use crossterm::event::KeyEvent;

use super::View;
use crate::app::keymap::{Action, Scope};
use crate::app::{App, Effect};
use crate::metrics::Reading;

/// The first row shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgentsView {
    pub scroll: usize,
}

/// Push the view (once: `A` on it again does nothing).
pub fn open(app: &mut App) {
    if !matches!(app.view(), Some(View::Agents(_))) {
        app.views.push(View::Agents(AgentsView::default()));
    }
}

/// Rows in the current snapshot's table.
pub fn rows(app: &App) -> usize {
    match app.metrics.as_ref().map(|m| &m.agents) {
        Some(Reading::Value(a)) => a.rows.len(),
        _ => 0,
    }
}

/// Keys: scroll, Esc back; the rest is the dashboard's.
pub fn key(app: &mut App, k: KeyEvent, fx: &mut Vec<Effect>) -> bool {
    let action = app
        .keymap
        .action_for(&k, Scope::Timeline)
        .or_else(|| app.keymap.action_for(&k, Scope::Normal));
    let last = rows(app).saturating_sub(1);
    let Some(View::Agents(v)) = app.view_mut() else {
        return false;
    };
    if super::scroll(&mut v.scroll, action, last) {
        return true;
    }
    match action {
        Some(Action::Back) => super::back(app, fx),
        Some(Action::Agents) => {}
        _ => return false,
    }
    true
}
