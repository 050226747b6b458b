//! The timeline view (`T`): one line per entry on one time axis — the time, a kind marker
//! in its colour, what happened — under a header with the window and the sources that
//! could not be read; scrolled with ↑/↓, PgUp/PgDn, g/G.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::block;
use crate::app::App;
use crate::app::timeline_view::TimelineView;
use crate::format;
use crate::theme::Theme;
use crate::timeline::{Entry, Kind, Timeline, render};

fn kind_style(e: &Entry, t: &Theme) -> Style {
    let colour = match e.kind {
        Kind::Oom => t.error,
        Kind::Event | Kind::Restart => t.warn,
        Kind::Metric | Kind::Alert if e.warning => t.error,
        Kind::Alert => t.ok,
        Kind::Metric => t.ok,
        Kind::Rollout if e.warning => t.warn,
        Kind::Rollout | Kind::Audit => t.accent,
        Kind::Rescale => t.title,
    };
    Style::default().fg(colour).add_modifier(Modifier::BOLD)
}

fn entry_line(e: &Entry, tl: &Timeline, width: usize, t: &Theme) -> Line<'static> {
    let text_w = width.saturating_sub(18);
    let text = Style::default().fg(if e.warning { t.warn } else { t.text });
    Line::from(vec![
        Span::styled(
            format!("{} ", render::clock(e.at, tl.zone)),
            Style::default().fg(t.muted),
        ),
        Span::styled(format!("{:<8} ", e.kind.label()), kind_style(e, t)),
        Span::styled(format::clip(&e.text, text_w), text),
    ])
}

/// The header: the window, then one line per source that failed.
fn header(v: &TimelineView, width: usize, t: &Theme) -> Vec<Line<'static>> {
    let muted = Style::default().fg(t.muted);
    let mut lines = Vec::new();
    match &v.timeline {
        Some(tl) => {
            let refreshing = if v.loading { " · refreshing…" } else { "" };
            lines.push(Line::from(Span::styled(
                format::clip(
                    &format!(
                        "{} · {} entries{refreshing}",
                        render::window(tl),
                        tl.entries.len()
                    ),
                    width,
                ),
                muted,
            )));
            for n in &tl.notes {
                lines.push(Line::from(Span::styled(
                    format::clip(&format!("unavailable: {n}"), width),
                    Style::default().fg(t.warn),
                )));
            }
        }
        None if v.loading => lines.push(Line::from(Span::styled(
            "gathering events, pods, rollouts, the audit log and Prometheus history…",
            muted,
        ))),
        None => {}
    }
    lines
}

pub(super) fn draw(f: &mut Frame, app: &App, v: &TimelineView, area: Rect) {
    let t = app.theme();
    let width = area.width.saturating_sub(2) as usize;
    let rows = area.height.saturating_sub(2) as usize;
    let mut lines = header(v, width, t);
    let total = v.timeline.as_ref().map(|tl| tl.entries.len()).unwrap_or(0);
    if let Some(tl) = &v.timeline {
        if tl.entries.is_empty() {
            lines.push(Line::from(Span::styled(
                "nothing happened in this window",
                Style::default().fg(t.muted),
            )));
        }
        let room = rows.saturating_sub(lines.len());
        lines.extend(
            tl.entries
                .iter()
                .skip(v.scroll)
                .take(room)
                .map(|e| entry_line(e, tl, width, t)),
        );
    }
    let position = if total > 0 {
        format!(" · {}/{total}", (v.scroll + 1).min(total))
    } else {
        String::new()
    };
    let title = format!(
        "timeline · {}{position} · {} back",
        app.namespace,
        super::back_key(app)
    );
    f.render_widget(Paragraph::new(lines).block(block(&title, t)), area);
}
