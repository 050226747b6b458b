//! The log view (`l`): a pod's lines as they come, like `kubectl logs -f` with k9s's
//! keys — follow (the view sticks to the end) or paused (lines still arrive), wrap,
//! timestamps, `/` search with n/N, `p` the previous container, `c` another container.
//! The lines live in a ring buffer of `ui.log_lines`: a chatty pod drops its oldest.
//! Lines are numbered from the start of the stream, so positions and matches survive
//! the drops.

use std::collections::VecDeque;

use crossterm::event::{KeyCode, KeyEvent};

use super::View;
use crate::app::keymap::{Action, Scope};
use crate::app::{App, Effect};
use crate::cluster::logs::{LogEvent, LogLine, LogRequest, LogTarget};

/// Lines asked for when a stream starts.
pub const TAIL: i64 = 500;
/// Lines a page key moves.
pub const PAGE: u64 = 20;
/// The buffer's bound until the stream says the configured one.
const DEFAULT_BUFFER: usize = 5000;

/// Which lines are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The last lines, following new ones.
    Follow,
    /// Paused, line `.0` at the top.
    Top(u64),
    /// Paused, line `.0` at the bottom.
    Bottom(u64),
}

/// The stream's state, for the title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Connecting,
    Streaming,
    /// The stream ended for good (the previous container's log was read to its end).
    Ended,
    /// It failed for good (why).
    Failed(String),
    /// It ended or failed; read again in `secs`.
    Reconnecting {
        why: String,
        secs: u64,
    },
}

/// A search: what is typed, the lines that match and the one jumped to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    pub query: String,
    /// The query is being typed (keys are text).
    pub typing: bool,
    /// Numbers of the matching lines in the buffer, oldest first.
    pub matches: VecDeque<u64>,
    pub current: Option<u64>,
}

impl Search {
    /// Does `text` match? Smart case: case-insensitive unless the query has a capital.
    pub fn hits(&self, text: &str) -> bool {
        hits(&self.query, text)
    }
}

/// Smart-case substring match.
pub fn hits(query: &str, text: &str) -> bool {
    if query.is_empty() {
        return false;
    }
    if query.chars().any(char::is_uppercase) {
        text.contains(query)
    } else {
        text.to_lowercase().contains(query)
    }
}

pub struct LogView {
    /// The pod (or `deploy/NAME`) whose logs are shown.
    pub target: LogTarget,
    /// The stream's number: events of other streams are dropped.
    pub id: u64,
    /// The pod read (picked by the stream for a workload), out of `of` pods.
    pub pod: Option<String>,
    pub of: usize,
    pub containers: Vec<String>,
    pub container: Option<String>,
    pub lines: VecDeque<LogLine>,
    /// The number of `lines[0]`: lines dropped from the front so far.
    pub first: u64,
    pub capacity: usize,
    pub anchor: Anchor,
    /// Lines that arrived since following paused.
    pub unseen: u64,
    pub wrap: bool,
    pub timestamps: bool,
    /// Showing the previous (terminated) container's log.
    pub previous: bool,
    pub status: Status,
    pub search: Option<Search>,
    /// The container picker, open on this row.
    pub picker: Option<usize>,
}

impl LogView {
    pub fn new(target: LogTarget, id: u64) -> LogView {
        LogView {
            target,
            id,
            pod: None,
            of: 0,
            containers: Vec::new(),
            container: None,
            lines: VecDeque::new(),
            first: 0,
            capacity: DEFAULT_BUFFER,
            anchor: Anchor::Follow,
            unseen: 0,
            wrap: false,
            timestamps: false,
            previous: false,
            status: Status::Connecting,
            search: None,
            picker: None,
        }
    }

    /// The number the next line gets.
    pub fn end(&self) -> u64 {
        self.first + self.lines.len() as u64
    }

    pub fn following(&self) -> bool {
        self.anchor == Anchor::Follow
    }

    /// Line number `n`, if still in the buffer.
    pub fn line(&self, n: u64) -> Option<&LogLine> {
        n.checked_sub(self.first)
            .and_then(|i| self.lines.get(i as usize))
    }

    /// What to read now: this pod once known, the container picked, the previous one's
    /// log (to its end) or the current one's, followed.
    pub fn request(&self) -> LogRequest {
        LogRequest {
            target: match &self.pod {
                Some(p) => LogTarget::Pod(p.clone()),
                None => self.target.clone(),
            },
            container: self.container.clone(),
            follow: !self.previous,
            previous: self.previous,
            tail: Some(TAIL),
            ..LogRequest::default()
        }
    }

    /// Start afresh as stream `id` (empty buffer, following).
    fn reset(&mut self, id: u64) {
        self.id = id;
        self.lines.clear();
        self.first = 0;
        self.anchor = Anchor::Follow;
        self.unseen = 0;
        self.status = Status::Connecting;
        if let Some(s) = &mut self.search {
            s.matches.clear();
            s.current = None;
        }
    }

    /// Append lines; drop the oldest over the bound.
    pub fn push(&mut self, new: Vec<LogLine>) {
        let n = new.len() as u64;
        for l in new {
            let at = self.end();
            if let Some(s) = &mut self.search
                && s.hits(&l.text)
            {
                s.matches.push_back(at);
            }
            self.lines.push_back(l);
        }
        if !self.following() {
            self.unseen += n;
        }
        let over = self.lines.len().saturating_sub(self.capacity.max(1));
        self.lines.drain(..over);
        self.first += over as u64;
        let first = self.first;
        if let Some(s) = &mut self.search {
            while s.matches.front().is_some_and(|&m| m < first) {
                s.matches.pop_front();
            }
            s.current = s.current.filter(|&c| c >= first);
        }
        self.anchor = match self.anchor {
            Anchor::Top(t) => Anchor::Top(t.max(first)),
            Anchor::Bottom(b) => Anchor::Bottom(b.max(first)),
            a => a,
        };
    }

    /// Number of lines dropped from the front.
    pub fn dropped(&self) -> u64 {
        self.first
    }

    fn last(&self) -> u64 {
        self.end().saturating_sub(1)
    }

    /// Scroll towards older lines (pauses following).
    pub fn up(&mut self, n: u64) {
        self.anchor = match self.anchor {
            Anchor::Follow => Anchor::Bottom(self.last().saturating_sub(n).max(self.first)),
            Anchor::Top(t) => Anchor::Top(t.saturating_sub(n).max(self.first)),
            Anchor::Bottom(b) => Anchor::Bottom(b.saturating_sub(n).max(self.first)),
        };
    }

    /// Scroll towards newer lines (stays paused).
    pub fn down(&mut self, n: u64) {
        let last = self.last();
        self.anchor = match self.anchor {
            Anchor::Follow => Anchor::Follow,
            Anchor::Top(t) => Anchor::Top((t + n).min(last)),
            Anchor::Bottom(b) => Anchor::Bottom((b + n).min(last)),
        };
    }

    /// Follow again from the end.
    pub fn follow(&mut self) {
        self.anchor = Anchor::Follow;
        self.unseen = 0;
    }

    /// `f`: follow or pause where the view is.
    pub fn toggle_follow(&mut self) {
        if self.following() {
            self.anchor = Anchor::Bottom(self.last());
        } else {
            self.follow();
        }
    }

    /// Search anew for `query` in the buffer.
    pub fn set_query(&mut self, query: String, typing: bool) {
        let mut s = Search {
            query,
            typing,
            ..Search::default()
        };
        s.matches = (self.lines.iter().zip(self.first..))
            .filter(|(l, _)| s.hits(&l.text))
            .map(|(_, n)| n)
            .collect();
        self.search = Some(s);
    }

    /// `n` (newer) / `N` (older): the next match after the current one (from the view's
    /// end when there is none yet), wrapping around; the view pauses on it.
    pub fn jump(&mut self, newer: bool) {
        let from = self.search.as_ref().and_then(|s| s.current);
        let Some(s) = &mut self.search else {
            return;
        };
        let m = &s.matches;
        let next = match (newer, from) {
            (true, Some(c)) => m.iter().find(|&&x| x > c).or(m.front()),
            (false, Some(c)) => m.iter().rev().find(|&&x| x < c).or(m.back()),
            (_, None) => m.back(),
        };
        let Some(&next) = next else {
            return;
        };
        s.current = Some(next);
        self.anchor = Anchor::Top(next.saturating_sub(2).max(self.first));
    }
}

/// Push a log view of `target` (a pod, or a workload: its best pod).
pub fn open(app: &mut App, target: LogTarget, fx: &mut Vec<Effect>) {
    app.log_seq += 1;
    let v = LogView::new(target, app.log_seq);
    fx.push(Effect::Logs {
        id: v.id,
        req: v.request(),
    });
    app.views.push(View::Logs(Box::new(v)));
}

/// The view on top, if it is a log view.
fn top(app: &mut App) -> Option<&mut LogView> {
    match app.view_mut() {
        Some(View::Logs(v)) => Some(v),
        _ => None,
    }
}

/// Read again with the view's settings (a new stream number: the old one's lines are
/// dropped).
fn restart(app: &mut App, fx: &mut Vec<Effect>) {
    app.log_seq += 1;
    let id = app.log_seq;
    if let Some(v) = top(app) {
        v.reset(id);
        fx.push(Effect::Logs {
            id,
            req: v.request(),
        });
    }
}

/// The log view's keys; false: the dashboard's turn (help, quit, `:`).
pub fn key(app: &mut App, k: KeyEvent, fx: &mut Vec<Effect>) -> bool {
    let keys = &app.keymap;
    let dialog = keys.action_for(&k, Scope::Dialog);
    let action = (keys.action_for(&k, Scope::Logs)).or_else(|| keys.action_for(&k, Scope::Normal));
    let Some(v) = top(app) else {
        return false;
    };
    if v.search.as_ref().is_some_and(|s| s.typing) {
        search_key(v, dialog, k);
        return true;
    }
    if v.picker.is_some() {
        return picker_key(app, k, fx);
    }
    match action {
        Some(Action::Up) => v.up(1),
        Some(Action::Down) => v.down(1),
        Some(Action::PageUp) => v.up(PAGE),
        Some(Action::PageDown) => v.down(PAGE),
        Some(Action::Top) => v.anchor = Anchor::Top(v.first),
        Some(Action::Bottom) => v.follow(),
        Some(Action::Follow) => v.toggle_follow(),
        Some(Action::Wrap) => v.wrap = !v.wrap,
        Some(Action::Timestamps) => v.timestamps = !v.timestamps,
        Some(Action::Search) => v.set_query(String::new(), true),
        Some(Action::NextMatch) => v.jump(true),
        Some(Action::PrevMatch) => v.jump(false),
        Some(Action::Previous) => {
            v.previous = !v.previous;
            restart(app, fx);
        }
        Some(Action::Container) => container(app),
        Some(Action::Back) => super::back(app, fx),
        // The dashboard's writes and drill-downs are not for a log view.
        Some(a) if a.operation().is_some() => {}
        Some(Action::Open | Action::Logs | Action::Filter | Action::CycleTheme) => {}
        _ => return false,
    }
    true
}

/// `c`: the picker, when the pod has more than one container.
fn container(app: &mut App) {
    let Some(v) = top(app) else {
        return;
    };
    if v.containers.len() > 1 {
        let at = (v.container.as_ref())
            .and_then(|c| v.containers.iter().position(|x| x == c))
            .unwrap_or(0);
        v.picker = Some(at);
    } else {
        let pod = v.pod.clone().unwrap_or_else(|| v.target.to_string());
        app.toast(format!("{pod} has one container"), false);
    }
}

/// Typing the search: Enter keeps it, Esc drops it, Backspace erases.
fn search_key(v: &mut LogView, dialog: Option<Action>, k: KeyEvent) {
    let Some(s) = &mut v.search else {
        return;
    };
    let mut query = s.query.clone();
    match (dialog, k.code) {
        (Some(Action::Cancel), _) => {
            v.search = None;
            return;
        }
        (Some(Action::Submit), _) => {
            if query.is_empty() {
                v.search = None;
            } else {
                s.typing = false;
                s.current = s.matches.back().copied();
            }
            return;
        }
        (Some(Action::Erase), _) => {
            query.pop();
        }
        (_, KeyCode::Char(c)) => query.push(c),
        _ => return,
    }
    v.set_query(query, true);
}

/// The container picker: move, Enter reads the one picked, Esc closes.
fn picker_key(app: &mut App, k: KeyEvent, fx: &mut Vec<Effect>) -> bool {
    let dialog = app.keymap.action_for(&k, Scope::Dialog);
    let action = app.keymap.action_for(&k, Scope::Normal);
    let Some(v) = top(app) else {
        return false;
    };
    let (Some(at), n) = (v.picker, v.containers.len()) else {
        return false;
    };
    match (dialog, action) {
        (Some(Action::Cancel), _) | (_, Some(Action::Back)) => v.picker = None,
        (Some(Action::Submit), _) => {
            v.picker = None;
            let picked = v.containers.get(at).cloned();
            if picked != v.container {
                v.container = picked;
                restart(app, fx);
            }
        }
        (_, Some(Action::Up)) => v.picker = Some(at.saturating_sub(1)),
        (_, Some(Action::Down)) => v.picker = Some((at + 1).min(n.saturating_sub(1))),
        (_, Some(Action::Quit | Action::Help)) => return false,
        _ => {}
    }
    true
}

/// Lines or the end of stream `id`; redraw when its view is on top.
pub fn on_event(app: &mut App, id: u64, ev: LogEvent) -> bool {
    let on_top = matches!(app.view(), Some(View::Logs(v)) if v.id == id);
    let Some(v) = app.views.iter_mut().find_map(|x| match x {
        View::Logs(v) if v.id == id => Some(v),
        _ => None,
    }) else {
        return false;
    };
    match ev {
        LogEvent::Started {
            pod,
            of,
            containers,
            container,
            buffer,
        } => {
            // A workload's pod replaced by another (the stream picks again): say so.
            if let Some(old) = v.pod.as_ref().filter(|old| **old != pod) {
                let text = format!("── {old} is gone; reading {pod} ──");
                v.push(vec![LogLine { ts: None, text }]);
            }
            v.pod = Some(pod);
            v.of = of;
            v.containers = containers;
            v.container = Some(container);
            v.capacity = buffer.max(1);
            v.status = Status::Streaming;
            v.push(Vec::new());
        }
        LogEvent::Lines(lines) => {
            v.status = Status::Streaming;
            v.push(lines);
        }
        LogEvent::Ended { why, retry } => {
            v.status = match (why, retry) {
                (why, Some(secs)) => Status::Reconnecting {
                    why: why.unwrap_or_else(|| "the log stream ended".into()),
                    secs,
                },
                (Some(why), None) => Status::Failed(why),
                (None, None) => Status::Ended,
            };
        }
    }
    on_top
}

#[cfg(test)]
#[path = "logs_view_tests.rs"]
mod tests;
