//! A pod's details (`Enter` on a pod): asked of the API server when opened and again every
//! few seconds while shown, like `kubectl describe pod` run on repeat. The view keeps the
//! last answer while a newer one is on its way, and says when a read failed.

use crossterm::event::KeyEvent;
use jiff::Timestamp;

use super::View;
use crate::app::keymap::{Action, Scope};
use crate::app::{App, Effect};
use crate::cluster::pod_details::{FetchError, PodDetails};

/// How often the details are read again while shown, seconds.
pub const REFRESH_SECS: i64 = 3;

pub struct PodDetailsView {
    pub pod: String,
    /// The last good answer.
    pub details: Option<Box<PodDetails>>,
    /// The last read's error (the details shown, if any, are older).
    pub error: Option<String>,
    /// When the last read was asked for.
    pub asked: Timestamp,
    /// First line shown.
    pub scroll: usize,
}

/// About how many lines the details take (the scroll stops there).
fn line_count(d: &PodDetails) -> usize {
    let containers: usize = d
        .containers
        .iter()
        .map(|c| 3 + c.last.is_some() as usize)
        .sum();
    6 + d.conditions.len() + containers + d.events.len().max(1) + d.notes.len()
}

impl PodDetailsView {
    fn last_line(&self) -> usize {
        self.details.as_deref().map(line_count).unwrap_or(0)
    }
}

/// Push the details view of `pod` and ask for them.
pub fn open(app: &mut App, pod: String, fx: &mut Vec<Effect>) {
    fx.push(Effect::Describe { pod: pod.clone() });
    app.views.push(View::Pod(Box::new(PodDetailsView {
        pod,
        details: None,
        error: None,
        asked: app.now,
        scroll: 0,
    })));
}

/// The view on top, if it is a pod's details.
fn top(app: &mut App) -> Option<&mut PodDetailsView> {
    match app.view_mut() {
        Some(View::Pod(v)) => Some(v),
        _ => None,
    }
}

/// Keys: scroll, `l` logs, `d` delete, Esc back; the rest is the dashboard's.
pub fn key(app: &mut App, k: KeyEvent, fx: &mut Vec<Effect>) -> bool {
    let action = app
        .keymap
        .action_for(&k, Scope::Pods)
        .or_else(|| app.keymap.action_for(&k, Scope::Normal));
    let Some(v) = top(app) else {
        return false;
    };
    let last = v.last_line();
    if super::scroll(&mut v.scroll, action, last) {
        return true;
    }
    match action {
        Some(Action::Back) => super::back(app, fx),
        Some(Action::Logs) => {
            let pod = v.pod.clone();
            super::logs_view::open(app, crate::cluster::logs::LogTarget::Pod(pod), fx);
        }
        Some(Action::Delete) => {
            let pod = v.pod.clone();
            crate::app::dialogs::start_delete_pod(app, pod, fx);
        }
        _ => return false,
    }
    true
}

/// An answer for `pod` arrived (answers for a pod no longer shown are dropped).
pub fn answered(app: &mut App, pod: &str, r: Result<Box<PodDetails>, FetchError>) -> bool {
    let Some(v) = top(app) else {
        return false;
    };
    if v.pod != pod {
        return false;
    }
    match r {
        Ok(d) => {
            v.details = Some(d);
            v.error = None;
        }
        Err(e) => v.error = Some(e.to_string()),
    }
    true
}

/// On the tick: read again when the last ask is old enough.
pub fn tick(app: &mut App, fx: &mut Vec<Effect>) {
    let now = app.now;
    if let Some(v) = top(app)
        && now.as_second() - v.asked.as_second() >= REFRESH_SECS
    {
        v.asked = now;
        fx.push(Effect::Describe { pod: v.pod.clone() });
    }
}
