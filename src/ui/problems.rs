//! The problems strip, under the header: the first thing the eye meets. One line per
//! problem, most severe first — what is wrong, the evidence, since when, and the key that
//! fixes it — then the ones that just cleared, dimmed. A healthy stack gets one green line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::app::keymap::{Action, Scope};
use crate::problems::{Fix, Problem, Severity};
use crate::theme::Theme;

/// At most this many lines (the rest are counted on the last one).
pub const MAX_LINES: u16 = 4;

/// How many lines the strip wants.
pub fn height(app: &App) -> u16 {
    let n = app.problems.len() + app.cleared.len();
    (n.max(1) as u16).min(MAX_LINES)
}

/// "14:02 UTC" (UTC: the same on every terminal of the incident channel).
fn clock(t: jiff::Timestamp) -> String {
    t.strftime("%H:%M UTC").to_string()
}

/// The key of a fix as the keymap in force has it (remapped in `[keys]`, or the default).
fn fix_key(app: &App, f: &Fix) -> String {
    let action = match f {
        Fix::RotateKey => Action::RotateKey,
        Fix::Restore { .. } => Action::Restore,
        Fix::MemoryLimit { .. } => Action::RaiseMemory,
    };
    (app.keymap.label(Scope::Normal, action))
        .map(str::to_string)
        .unwrap_or_else(|| f.key().to_string())
}

/// One problem; too wide, the evidence is shortened so the fix key stays visible.
fn problem_line(app: &App, p: &Problem, width: usize) -> Line<'static> {
    let t: &Theme = app.theme();
    let (mark, colour) = match p.severity {
        Severity::Critical => ("✖ ", t.error),
        Severity::Warning => ("▲ ", t.warn),
    };
    let mut spans = vec![
        Span::styled(mark, Style::default().fg(colour)),
        Span::styled(
            p.title.clone(),
            Style::default().fg(colour).add_modifier(Modifier::BOLD),
        ),
        Span::styled(format!(" — {}", p.evidence), Style::default().fg(t.text)),
    ];
    if let Some(s) = p.since {
        spans.push(Span::styled(
            format!(" since {}", clock(s)),
            Style::default().fg(t.muted),
        ));
    }
    match (&p.fix, &p.advice) {
        (Some(f), _) => {
            spans.push(Span::styled(" · ", Style::default().fg(t.muted)));
            spans.push(Span::styled(
                fix_key(app, f),
                Style::default().fg(t.accent).add_modifier(Modifier::BOLD),
            ));
            spans.push(Span::styled(
                format!(" {}", f.label()),
                Style::default().fg(t.accent),
            ));
        }
        (None, Some(a)) => spans.push(Span::styled(
            format!(" · {a}"),
            Style::default().fg(t.muted),
        )),
        (None, None) => {}
    }
    let len: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    if len > width {
        // The evidence gives way first, down to a readable stub; advice is cut at the edge.
        let ev = spans[2].content.chars().count();
        let keep = ev.saturating_sub(len - width).max(ev.min(32));
        spans[2] = Span::styled(crate::format::clip(&spans[2].content, keep), spans[2].style);
    }
    Line::from(spans)
}

/// No problem seen: say what looks right — and what cannot be told, and why.
fn healthy_line(app: &App) -> Line<'static> {
    let t = app.theme();
    if app.cluster.is_none() {
        return Line::from(Span::styled(
            "… looking for problems",
            Style::default().fg(t.ok),
        ));
    }
    let blind = |check: &str| app.blind.iter().any(|b| b.check == check);
    let mut right = vec!["pods", "HPA"];
    if !blind("provider key") {
        right.push("provider key");
    }
    right.push("egress");
    let list = match right.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => right.join(""),
    };
    let mut spans = vec![Span::styled(
        format!("✓ no problems: {list} look right"),
        Style::default().fg(t.ok),
    )];
    if !app.blind.is_empty() {
        spans.push(Span::styled(
            format!(
                " · cannot tell: {}",
                crate::problems::blind_summary(&app.blind)
            ),
            Style::default().fg(t.warn),
        ));
    }
    Line::from(spans)
}

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let t = app.theme();
    let mut lines: Vec<Line> = app
        .problems
        .iter()
        .map(|p| problem_line(app, p, area.width as usize))
        .collect();
    lines.extend(app.cleared.iter().map(|c| {
        Line::from(Span::styled(
            format!("✓ cleared at {}: {}", clock(c.at), c.problem.title),
            Style::default().fg(t.ok).add_modifier(Modifier::DIM),
        ))
    }));
    if lines.is_empty() {
        lines.push(healthy_line(app));
    }
    let room = area.height as usize;
    if lines.len() > room && room > 0 {
        let hidden = lines.len() - (room - 1);
        lines.truncate(room - 1);
        lines.push(Line::from(Span::styled(
            format!("… and {hidden} more (agentdeck status lists them all)"),
            Style::default().fg(t.muted),
        )));
    }
    f.render_widget(Paragraph::new(lines), area);
}
