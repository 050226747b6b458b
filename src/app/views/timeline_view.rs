//! The timeline view (`T`): the namespace's last hour on one time axis, gathered when
//! opened and again every few seconds while shown. The last answer stays while a newer one
//! is on its way; a failed gather is said above it.

use crossterm::event::KeyEvent;
use jiff::Timestamp;

use super::View;
use crate::app::keymap::{Action, Scope};
use crate::app::{App, Effect};
use crate::timeline::{Request, Timeline};

/// How often the timeline is gathered again while shown, seconds.
pub const REFRESH_SECS: i64 = 15;

pub struct TimelineView {
    /// The last good answer.
    pub timeline: Option<Box<Timeline>>,
    /// When the last gather was asked for.
    pub asked: Timestamp,
    /// A gather is on its way.
    pub loading: bool,
    /// First entry shown.
    pub scroll: usize,
    /// The window asked for.
    pub request: Request,
    /// The namespace it was asked for (`:ns` asks again at once).
    pub namespace: String,
}

/// Push the timeline view and ask for the timeline.
pub fn open(app: &mut App, fx: &mut Vec<Effect>) {
    let request = Request::default();
    fx.push(Effect::Timeline(request.clone()));
    app.views.push(View::Timeline(Box::new(TimelineView {
        timeline: None,
        asked: app.now,
        loading: true,
        scroll: 0,
        request,
        namespace: app.namespace.clone(),
    })));
}

fn top(app: &mut App) -> Option<&mut TimelineView> {
    match app.view_mut() {
        Some(View::Timeline(v)) => Some(v),
        _ => None,
    }
}

/// Keys: scroll, Esc back; the rest is the dashboard's.
pub fn key(app: &mut App, k: KeyEvent, fx: &mut Vec<Effect>) -> bool {
    let action = app
        .keymap
        .action_for(&k, Scope::Timeline)
        .or_else(|| app.keymap.action_for(&k, Scope::Normal));
    let Some(v) = top(app) else {
        return false;
    };
    let last = v
        .timeline
        .as_ref()
        .map(|t| t.entries.len().saturating_sub(1))
        .unwrap_or(0);
    if super::scroll(&mut v.scroll, action, last) {
        return true;
    }
    match action {
        Some(Action::Back) => super::back(app, fx),
        _ => return false,
    }
    true
}

/// The timeline asked for arrived (dropped when the view is gone).
pub fn answered(app: &mut App, t: Box<Timeline>) -> bool {
    let Some(v) = top(app) else {
        return false;
    };
    v.loading = false;
    v.scroll = v.scroll.min(t.entries.len().saturating_sub(1));
    v.timeline = Some(t);
    true
}

/// On the tick: gather again when the last ask is old enough and none is on its way, or
/// at once when the namespace shown changed.
pub fn tick(app: &mut App, fx: &mut Vec<Effect>) {
    let (now, namespace) = (app.now, app.namespace.clone());
    if let Some(v) = top(app) {
        let age = now.as_second() - v.asked.as_second();
        let moved = v.namespace != namespace;
        // An answer lost on a switch must not stop the refresh for good.
        if !moved && (age < REFRESH_SECS || (v.loading && age < 4 * REFRESH_SECS)) {
            return;
        }
        if moved {
            v.namespace = namespace;
            v.timeline = None;
            v.scroll = 0;
        }
        v.asked = now;
        v.loading = true;
        fx.push(Effect::Timeline(v.request.clone()));
    }
}
