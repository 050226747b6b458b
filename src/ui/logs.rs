//! The log view: the lines that fit, following the end or where the view was paused,
//! cut or wrapped, with the kubelet's timestamps when asked, the search's matches
//! highlighted; the title says what is read and how (pod/container, following or
//! paused, lines kept and dropped, matches), the last row why the stream stopped.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, List, ListItem, ListState, Paragraph};

use super::block;
use crate::app::App;
use crate::app::keymap::{Action, Scope};
use crate::app::logs_view::{Anchor, LogView, Status};
use crate::cluster::logs::LogLine;
use crate::theme::Theme;

pub(super) fn draw(f: &mut Frame, app: &App, v: &LogView, area: Rect) {
    let t = app.theme();
    let title = title(v, area.width);
    let b = block(&title, t);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let note = note(app, v, t);
    // A long reason wraps over up to three rows.
    let note_h = note.as_ref().map_or(0, |n| {
        (n.width().div_ceil(inner.width.max(1) as usize)).clamp(1, 3) as u16
    });
    let [body, foot] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(note_h)]).areas(inner);
    let rows = rows(v, t, body.width as usize, body.height as usize);
    f.render_widget(Paragraph::new(rows), body);
    if let Some(n) = note {
        let wrap = ratatui::widgets::Wrap { trim: false };
        f.render_widget(Paragraph::new(n).wrap(wrap), foot);
    }
    if let Some(at) = v.picker {
        picker(f, app, v, at, area);
    }
}

/// What is read, how, and how much; on a narrow screen the state first and the pod last
/// (a title is cut at its end).
pub(super) fn title(v: &LogView, width: u16) -> String {
    let mut pod = v.pod.clone().unwrap_or_else(|| v.target.to_string());
    if let Some(c) = &v.container {
        pod.push_str(&format!("/{c}"));
    }
    let picked = match v.of {
        0 => String::new(),
        1 => format!(" ({})", v.target),
        n => format!(" (1 of {n} pods of {})", v.target),
    };
    let state = state(v);
    let full = format!("logs {pod}{picked} · {state}");
    if full.chars().count() + 4 <= width as usize {
        full
    } else {
        format!("{state} · {pod}")
    }
}

/// Following or paused, the stream, the lines, the search, the toggles.
fn state(v: &LogView) -> String {
    let mut s = Vec::new();
    if v.previous {
        s.push("previous container".to_string());
    } else if v.following() {
        s.push("following".to_string());
    } else if v.unseen > 0 {
        s.push(format!("paused ({} new)", v.unseen));
    } else {
        s.push("paused".to_string());
    }
    match &v.status {
        Status::Connecting => s.push("connecting…".into()),
        Status::Reconnecting { .. } => s.push("reconnecting…".into()),
        Status::Failed(_) => s.push("stopped".into()),
        Status::Ended => s.push("ended".into()),
        Status::Streaming => {}
    }
    let mut lines = format!("{} lines", v.lines.len());
    if v.dropped() > 0 {
        lines.push_str(&format!(" ({} dropped)", v.dropped()));
    }
    s.push(lines);
    if let Some(q) = v.search.as_ref().filter(|q| !q.query.is_empty()) {
        let n = q.matches.len();
        let at = q
            .current
            .and_then(|c| q.matches.iter().position(|&m| m == c));
        s.push(match at {
            Some(i) => format!("/{} {}/{n} matches", q.query, i + 1),
            None => format!("/{} {n} matches", q.query),
        });
    }
    if v.wrap {
        s.push("wrap".into());
    }
    if v.timestamps {
        s.push("timestamps".into());
    }
    s.join(" · ")
}

/// The last row: the search being typed, or why the stream stopped.
fn note(app: &App, v: &LogView, t: &Theme) -> Option<Line<'static>> {
    if let Some(s) = v.search.as_ref().filter(|s| s.typing) {
        return Some(Line::from(vec![
            Span::styled("/", Style::default().fg(t.accent)),
            Span::raw(s.query.clone()),
            Span::styled("▏", Style::default().fg(t.accent)),
            Span::styled(
                format!(
                    "  {} matches · {} keep · {} drop",
                    s.matches.len(),
                    super::key_label(app, Scope::Dialog, Action::Submit),
                    super::key_label(app, Scope::Dialog, Action::Cancel)
                ),
                Style::default().fg(t.muted),
            ),
        ]));
    }
    let (text, colour) = match &v.status {
        Status::Reconnecting { why, secs } => {
            (format!("⟳ {why} — reconnecting in {secs}s…"), t.warn)
        }
        Status::Failed(why) => (format!("✖ {why}"), t.error),
        Status::Ended if v.previous => ("— end of the previous container's log —".into(), t.muted),
        Status::Ended => ("— the log ended —".into(), t.muted),
        Status::Connecting if v.lines.is_empty() => {
            (format!("reading the logs of {}…", v.target), t.muted)
        }
        _ => return None,
    };
    Some(Line::from(Span::styled(text, Style::default().fg(colour))))
}

/// Display width of one char.
fn char_width(c: char) -> usize {
    if c.is_ascii() {
        return 1;
    }
    let mut buf = [0u8; 4];
    Span::raw(&*c.encode_utf8(&mut buf)).width()
}

/// Rows a line takes at `width` (1 unless wrapped).
fn height(v: &LogView, l: &LogLine, width: usize) -> usize {
    if !v.wrap || width == 0 {
        return 1;
    }
    let ts = if v.timestamps && l.ts.is_some() {
        25
    } else {
        0
    };
    let w: usize = ts + l.text.chars().map(char_width).sum::<usize>();
    w.div_ceil(width).max(1)
}

/// The numbers of the lines shown `[from, to)`, and how many rows of the first are cut.
fn window(v: &LogView, width: usize, rows: usize) -> (u64, u64, usize) {
    let (first, end) = (v.first, v.end());
    if end == first || rows == 0 {
        return (first, first, 0);
    }
    let h = |n: u64| v.line(n).map_or(1, |l| height(v, l, width));
    // Fill up from a bottom line, then down if there is room left (and the reverse).
    let up_from = |bottom: u64| {
        let (mut from, mut used) = (bottom + 1, 0);
        while from > first && used < rows {
            from -= 1;
            used += h(from);
        }
        (from, used)
    };
    let (from, to, used) = match v.anchor {
        Anchor::Follow => {
            let (from, used) = up_from(end - 1);
            (from, end, used)
        }
        Anchor::Bottom(b) => {
            let (from, mut used) = up_from(b.min(end - 1));
            let mut to = b.min(end - 1) + 1;
            while to < end && used + h(to) <= rows {
                used += h(to);
                to += 1;
            }
            (from, to, used)
        }
        Anchor::Top(top) => {
            let (mut to, mut used) = (top.clamp(first, end - 1), 0);
            while to < end && used < rows {
                used += h(to);
                to += 1;
            }
            let mut from = top.clamp(first, end - 1);
            while from > first && used + h(from - 1) <= rows {
                from -= 1;
                used += h(from);
            }
            (from, to, used)
        }
    };
    (from, to, used.saturating_sub(rows))
}

/// The rows to draw.
fn rows(v: &LogView, t: &Theme, width: usize, height: usize) -> Vec<Line<'static>> {
    let (from, to, cut) = window(v, width, height);
    let mut out = Vec::new();
    for n in from..to {
        let Some(l) = v.line(n) else {
            continue;
        };
        let spans = spans(v, t, n, l);
        if v.wrap {
            out.extend(wrap(spans, width));
        } else {
            out.push(Line::from(spans));
        }
    }
    // A wrapped line cut at the top shows its end.
    if matches!(v.anchor, Anchor::Follow | Anchor::Bottom(_)) {
        out.drain(..cut.min(out.len()));
    }
    out.truncate(height);
    out
}

/// One line's spans: its time (when shown), its text with the matches highlighted.
fn spans(v: &LogView, t: &Theme, n: u64, l: &LogLine) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    if v.timestamps
        && let Some(ts) = l.ts
    {
        out.push(Span::styled(
            format!("{} ", ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ")),
            Style::default().fg(t.muted),
        ));
    }
    let base = level_style(&l.text, t);
    let Some(s) = v.search.as_ref().filter(|s| !s.query.is_empty()) else {
        out.push(Span::styled(l.text.clone(), base));
        return out;
    };
    let current = s.current == Some(n);
    let hit = Style::default()
        .fg(t.background)
        .bg(if current { t.accent } else { t.warn })
        .add_modifier(Modifier::BOLD);
    let hay = if s.query.chars().any(char::is_uppercase) {
        l.text.clone()
    } else {
        l.text.to_lowercase()
    };
    if hay.len() != l.text.len() {
        // Lower-casing moved the bytes: mark the whole line.
        out.push(Span::styled(
            l.text.clone(),
            if s.hits(&l.text) { hit } else { base },
        ));
        return out;
    }
    let mut at = 0;
    for (i, m) in hay.match_indices(s.query.as_str()) {
        out.push(Span::styled(l.text[at..i].to_string(), base));
        out.push(Span::styled(l.text[i..i + m.len()].to_string(), hit));
        at = i + m.len();
    }
    out.push(Span::styled(l.text[at..].to_string(), base));
    out
}

/// Errors and warnings stand out (the usual level words).
fn level_style(text: &str, t: &Theme) -> Style {
    let head = text
        .char_indices()
        .nth(12)
        .map_or(text, |(i, _)| &text[..i]);
    if head.contains("ERROR") || head.contains("FATAL") || head.contains("PANIC") {
        Style::default().fg(t.error)
    } else if head.contains("WARN") {
        Style::default().fg(t.warn)
    } else {
        Style::default().fg(t.text)
    }
}

/// Spans cut into rows of `width` columns.
fn wrap(spans: Vec<Span<'static>>, width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let mut rows = vec![Vec::new()];
    let mut used = 0;
    for s in spans {
        let mut piece = String::new();
        for c in s.content.chars() {
            let w = char_width(c);
            if used + w > width && used > 0 {
                if !piece.is_empty()
                    && let Some(r) = rows.last_mut()
                {
                    r.push(Span::styled(std::mem::take(&mut piece), s.style));
                }
                rows.push(Vec::new());
                used = 0;
            }
            piece.push(c);
            used += w;
        }
        if !piece.is_empty()
            && let Some(r) = rows.last_mut()
        {
            r.push(Span::styled(piece, s.style));
        }
    }
    rows.into_iter().map(Line::from).collect()
}

/// The container picker over the view.
fn picker(f: &mut Frame, app: &App, v: &LogView, at: usize, area: Rect) {
    let t = app.theme();
    let w = (v.containers.iter().map(|c| c.len()).max().unwrap_or(10) as u16 + 6)
        .max(38)
        .min(area.width);
    let h = (v.containers.len() as u16 + 2).min(area.height);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    let items: Vec<ListItem> = v
        .containers
        .iter()
        .map(|c| ListItem::new(c.clone()))
        .collect();
    let title = format!(
        "container — {} read, {} close",
        super::key_label(app, Scope::Dialog, Action::Submit),
        super::key_label(app, Scope::Dialog, Action::Cancel)
    );
    let list = List::new(items)
        .block(block(&title, t))
        .style(Style::default().bg(t.background).fg(t.text))
        .highlight_style(t.selected())
        .highlight_symbol("▶");
    f.render_widget(Clear, r);
    f.render_stateful_widget(list, r, &mut ListState::default().with_selected(Some(at)));
}
