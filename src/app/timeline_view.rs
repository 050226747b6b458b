//! The timeline view (`T`): STUB — being written (issue 11).

use crossterm::event::KeyEvent;

use super::views::View;
use super::{App, Effect};

pub struct TimelineView {
    pub timeline: Option<Box<crate::timeline::Timeline>>,
}

/// Push the timeline view and ask for the timeline.
pub fn open(app: &mut App, fx: &mut Vec<Effect>) {
    fx.push(Effect::Timeline(crate::timeline::Request::default()));
    app.views
        .push(View::Timeline(Box::new(TimelineView { timeline: None })));
}

pub fn key(_app: &mut App, _k: KeyEvent, _fx: &mut Vec<Effect>) -> bool {
    false
}

/// The timeline asked for arrived.
pub fn answered(_app: &mut App, _r: Result<Box<crate::timeline::Timeline>, String>) -> bool {
    false
}
