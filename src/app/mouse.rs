//! The mouse: the wheel scrolls the list in front, a click selects a row. Where a click
//! lands is worked out by `ui::hit` from the layout the screen is drawn with; here the
//! App only moves its selection. Dialogs and the help screen ignore the mouse.

use super::views::{View, scroll};
use super::{App, Click, Mode, keymap::Action};

/// Lines a wheel notch moves the log view and the timeline (a row on the tables).
pub const WHEEL_LINES: usize = 3;

/// One wheel notch (`down` or up) on the list in front; true: something moved.
pub fn wheel(app: &mut App, down: bool) -> bool {
    if !matches!(app.mode, Mode::Normal) {
        return false;
    }
    let step = if down { Action::Down } else { Action::Up };
    let n = app.drilled_pods().len();
    let workloads = app.visible().len();
    let agents = super::views::agents_view::rows(app);
    let alerts = app.alerts.alerts().len();
    match app.view_mut() {
        None => scroll(&mut app.selected, Some(step), workloads.saturating_sub(1)),
        Some(View::Pods(p)) => scroll(&mut p.selected, Some(step), n.saturating_sub(1)),
        Some(View::Logs(v)) => {
            let lines = WHEEL_LINES as u64;
            if down {
                v.down(lines)
            } else {
                v.up(lines)
            }
            true
        }
        Some(View::Timeline(v)) => {
            let last = (v.timeline.as_ref()).map_or(0, |t| t.entries.len().saturating_sub(1));
            for _ in 0..WHEEL_LINES {
                scroll(&mut v.scroll, Some(step), last);
            }
            true
        }
        Some(View::Agents(v)) => scroll(&mut v.scroll, Some(step), agents.saturating_sub(1)),
        Some(View::Alerts(v)) => scroll(&mut v.selected, Some(step), alerts.saturating_sub(1)),
        Some(View::Pod(_)) => false,
    }
}

/// A click on a row: select it (if the list it was drawn in is still in front).
pub fn click(app: &mut App, c: Click) -> bool {
    if !matches!(app.mode, Mode::Normal) {
        return false;
    }
    let workloads = app.visible().len();
    let pods = app.drilled_pods().len();
    match (c, app.view_mut()) {
        (Click::Workload(i), None) if i < workloads => app.selected = i,
        (Click::Pod(i), Some(View::Pods(p))) if i < pods => p.selected = i,
        _ => return false,
    }
    true
}
