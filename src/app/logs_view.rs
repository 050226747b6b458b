//! The log view (`l`): STUB — being written (issue 11).

use crossterm::event::KeyEvent;

use super::views::View;
use super::{App, Effect};
use crate::cluster::logs::LogEvent;

pub struct LogView {
    /// The pod (or `deploy/NAME`) whose logs are shown.
    pub target: String,
    /// The stream's number: events of other streams are dropped.
    pub id: u64,
}

/// Push a log view of `target` (a pod name, or `deploy/NAME` / `sts/NAME`: its best pod).
pub fn open(app: &mut App, target: String, fx: &mut Vec<Effect>) {
    app.log_seq += 1;
    let id = app.log_seq;
    fx.push(Effect::Logs {
        id,
        req: crate::cluster::logs::LogRequest {
            target: target.clone(),
            follow: true,
            tail: Some(200),
            ..Default::default()
        },
    });
    app.views.push(View::Logs(Box::new(LogView { target, id })));
}

pub fn key(_app: &mut App, _k: KeyEvent, _fx: &mut Vec<Effect>) -> bool {
    false
}

/// Lines or the end of stream `id`.
pub fn on_event(_app: &mut App, _id: u64, _ev: LogEvent) -> bool {
    false
}
