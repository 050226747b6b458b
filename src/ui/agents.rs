//! The per-agent view (`A`): a table of each agent's (or route's) request rate, p95 and
//! error share from the latest metrics, busiest first; what a column cannot tell and why
//! the rows may be coarser than agents are said under it, in words.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::block;
use crate::app::App;
use crate::app::agents_view::AgentsView;
use crate::format;
use crate::metrics::{AgentRow, Agents, Reading};
use crate::theme::Theme;

/// Width of the numbers' columns.
const NUM: usize = 10;

/// The latency limits a row is drawn against: the p95 threshold and the histogram's cap.
struct Limits {
    slow_ms: f64,
    cap_ms: Option<f64>,
}

fn row_line(r: &AgentRow, name_w: usize, lim: &Limits, t: &Theme) -> Line<'static> {
    let dash = || format!("{:>NUM$}", "—");
    let at_cap = |v: f64| lim.cap_ms.is_some_and(|c| v >= c * 0.999);
    let p95 = r
        .p95_ms
        .map_or_else(dash, |v| format!("{:>NUM$}", format::latency(v, at_cap(v))));
    let slow_ms = lim.slow_ms;
    let errors = r
        .error_ratio
        .map_or_else(dash, |e| format!("{:>NUM$}", format!("{:.1}%", e * 100.0)));
    let slow = r.p95_ms.is_some_and(|v| v > slow_ms);
    let failing = r.error_ratio.is_some_and(|e| e > 0.05);
    let style = |bad: bool| {
        if bad {
            Style::default().fg(t.error).add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(t.text)
        }
    };
    Line::from(vec![
        Span::styled(
            format!("{:<name_w$}", format::clip(&r.agent, name_w)),
            Style::default().fg(t.title),
        ),
        Span::raw(format!("{:>NUM$}", format!("{:.2}", r.requests_per_sec))),
        Span::styled(p95, style(slow)),
        Span::styled(errors, style(failing)),
    ])
}

fn table(
    a: &Agents,
    v: &AgentsView,
    width: usize,
    rows: usize,
    lim: &Limits,
    t: &Theme,
) -> Vec<Line<'static>> {
    let muted = Style::default().fg(t.muted);
    // The names' column as wide as the longest name, within what the numbers leave.
    let longest = a
        .rows
        .iter()
        .map(|r| r.agent.chars().count())
        .max()
        .unwrap_or(0);
    let name_w = (longest.max(a.label.len()) + 2).clamp(8, width.saturating_sub(3 * NUM).max(8));
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{:<name_w$}{:>NUM$}{:>NUM$}{:>NUM$}",
            a.label.to_uppercase(),
            "REQ/S",
            "P95",
            "ERRORS"
        ),
        muted.add_modifier(Modifier::BOLD),
    ))];
    // Notes are wrapped by the paragraph: count the rows they take.
    let mut notes: Vec<Line<'static>> = a
        .notes
        .iter()
        .map(|n| Line::from(Span::styled(n.clone(), Style::default().fg(t.warn))))
        .collect();
    if a.others > 0 {
        notes.push(Line::from(Span::styled(
            format!(
                "{} more not shown (the busiest {} are)",
                a.others,
                a.rows.len()
            ),
            muted,
        )));
    }
    let note_rows: usize = notes
        .iter()
        .map(|l| l.width().div_ceil(width.max(1)).max(1))
        .sum();
    let room = rows.saturating_sub(1 + note_rows);
    lines.extend(
        a.rows
            .iter()
            .skip(v.scroll)
            .take(room)
            .map(|r| row_line(r, name_w, lim, t)),
    );
    lines.extend(notes);
    lines
}

pub(super) fn draw(f: &mut Frame, app: &App, v: &AgentsView, area: Rect) {
    let t = app.theme();
    let width = area.width.saturating_sub(2) as usize;
    let rows = area.height.saturating_sub(2) as usize;
    let muted = |s: String| vec![Line::from(Span::styled(s, Style::default().fg(t.muted)))];
    let lines = match app.metrics.as_ref().map(|m| &m.agents) {
        None => muted("waiting for metrics…".into()),
        Some(Reading::Value(a)) => {
            let lim = Limits {
                slow_ms: app.runbook.p95_threshold_ms,
                cap_ms: app.metrics.as_ref().and_then(|m| m.latency_cap_ms),
            };
            table(a, v, width, rows, &lim, t)
        }
        Some(Reading::NoData) => muted("no requests per agent in the last 5 minutes".into()),
        Some(Reading::Error(e)) => vec![Line::from(Span::styled(
            format::clip(&format!("error: {e}"), width * 2),
            Style::default().fg(t.error),
        ))],
        Some(Reading::Cannot(why)) => vec![Line::from(Span::styled(
            format!("cannot tell per agent: {why}"),
            Style::default().fg(t.warn),
        ))],
    };
    let from = app
        .metrics
        .as_ref()
        .map(|m| m.stack.clone())
        .filter(|s| !s.is_empty())
        .map(|s| format!(" · {s}"))
        .unwrap_or_default();
    let title = format!(
        "agents · {} · last 5m{from} · {} back",
        app.namespace,
        super::back_key(app)
    );
    f.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(block(&title, t)),
        area,
    );
}
