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
pub(super) const MAX_LINES: u16 = 4;

/// How many lines the strip wants.
pub(super) fn height(app: &App) -> u16 {
    let n = app.problems.len() + app.cleared.len() + super::alert_lines::count(app);
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

fn width_of(spans: &[Span]) -> usize {
    spans.iter().map(|s| s.content.chars().count()).sum()
}

/// One problem: severity, title, evidence, since when, then the fix key (or the advice).
/// Too wide, the fix key stays: the evidence gives way first, then "since"; advice, which
/// has no key, gives way to the evidence and is cut at the edge. `P` shows them whole.
fn problem_line(app: &App, p: &Problem, width: usize) -> Line<'static> {
    let t: &Theme = app.theme();
    let (mark, colour) = match p.severity {
        Severity::Critical => ("✖ ", t.error),
        Severity::Warning => ("▲ ", t.warn),
    };
    let head = vec![
        Span::styled(mark, Style::default().fg(colour)),
        Span::styled(
            p.title.clone(),
            Style::default().fg(colour).add_modifier(Modifier::BOLD),
        ),
    ];
    let evidence = format!(" — {}", p.evidence);
    let paged = app.alerts.for_problem(&p.id).is_some();
    let mut since = match app.alerts.for_problem(&p.id) {
        // Paged for it too: the alert's state says since when, and whether it is muted.
        Some(a) => Some(Span::styled(
            super::alert_lines::note(app, a),
            Style::default().fg(t.muted),
        )),
        None => p
            .since
            .map(|s| Span::styled(format!(" since {}", clock(s)), Style::default().fg(t.muted))),
    };
    let tail: Vec<Span> = match (&p.fix, &p.advice) {
        (Some(f), _) => vec![
            Span::styled(" · ", Style::default().fg(t.muted)),
            Span::styled(
                fix_key(app, f),
                Style::default().fg(t.accent).add_modifier(Modifier::BOLD),
            ),
            Span::styled(format!(" {}", f.label()), Style::default().fg(t.accent)),
        ],
        (None, Some(a)) => vec![Span::styled(
            format!(" · {a}"),
            Style::default().fg(t.muted),
        )],
        (None, None) => vec![],
    };
    let ev_len = evidence.chars().count();
    let since_len = since.as_ref().map_or(0, |s| s.content.chars().count());
    let keep_ev = if p.fix.is_some() {
        // Everything but the evidence must fit; "since" goes before the evidence is
        // squeezed under a readable stub.
        let fixed = width_of(&head) + width_of(&tail);
        // The alert that paged for it is worth more than the evidence's words.
        let least = if paged { 8 } else { 24 };
        if fixed + since_len + ev_len.min(least) > width {
            since = None;
        }
        let room = width.saturating_sub(fixed + since.as_ref().map_or(0, |_| since_len));
        ev_len.min(room)
    } else {
        // Advice has no key to keep: the evidence comes first, the advice takes what is
        // left and is cut at the edge (P shows it whole).
        let room = width.saturating_sub(width_of(&head) + since_len);
        ev_len.min(room).max(ev_len.min(32))
    };
    let mut spans = head;
    if keep_ev >= 4 {
        spans.push(Span::styled(
            crate::format::clip(&evidence, keep_ev),
            Style::default().fg(t.text),
        ));
    }
    spans.extend(since);
    spans.extend(tail);
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
    // A first list still coming in: no verdict on what was not read.
    if let Some(n) = app.cluster.as_ref().and_then(|c| c.pods_listing) {
        return Line::from(Span::styled(
            format!("… listing pods: {n} so far — no verdict before they are all read"),
            Style::default().fg(t.warn),
        ));
    }
    let list = crate::problems::looks_right(&app.blind);
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

pub(super) fn draw(f: &mut Frame, app: &App, area: Rect) {
    let t = app.theme();
    let mut lines: Vec<Line> = app
        .problems
        .iter()
        .map(|p| problem_line(app, p, area.width as usize))
        .collect();
    lines.extend(super::alert_lines::lines(app, area.width as usize));
    lines.extend(app.cleared.iter().map(|c| {
        // The fix cleared what agentdeck sees; the alert goes at its next evaluation.
        let alert = app
            .alerts
            .for_problem(&c.problem.id)
            .map(|a| {
                format!(
                    " · alert {} resolves at Alertmanager's next evaluation",
                    a.name
                )
            })
            .unwrap_or_default();
        Line::from(Span::styled(
            format!("✓ cleared at {}: {}{alert}", clock(c.at), c.problem.title),
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
            format!(
                "… and {hidden} more ({} lists them all in full)",
                full_key(app)
            ),
            Style::default().fg(t.muted),
        )));
    }
    f.render_widget(Paragraph::new(lines), area);
}

/// The key that shows every problem in full (`P`, or its remap).
fn full_key(app: &App) -> String {
    app.keymap
        .label(Scope::Normal, Action::Problems)
        .unwrap_or("P")
        .to_string()
}

/// Every problem in full, over the dashboard (`P`): what the strip cuts to fit — the
/// whole evidence, since when, the fix key and the command that does the same, or the
/// advice — wrapped at words, then the ones that cleared lately.
pub(super) fn draw_full(f: &mut Frame, app: &App, area: Rect) {
    let t = app.theme();
    let w = (area.width * 9 / 10).clamp(40, 140).min(area.width);
    let text_w = (w as usize).saturating_sub(4);
    let ns = &app.namespace;
    let mut lines: Vec<Line> = Vec::new();
    let wrapped = |lines: &mut Vec<Line<'static>>, s: &str, style: Style| {
        for l in crate::format::wrap_words(s, text_w) {
            lines.push(Line::from(Span::styled(format!("  {l}"), style)));
        }
    };
    for p in &app.problems {
        let (mark, colour) = match p.severity {
            Severity::Critical => ("✖", t.error),
            Severity::Warning => ("▲", t.warn),
        };
        let head = format!("{mark} {}", p.title);
        for (i, l) in crate::format::wrap_words(&head, text_w + 2)
            .into_iter()
            .enumerate()
        {
            let l = if i == 0 { l } else { format!("  {l}") };
            lines.push(Line::from(Span::styled(
                l,
                Style::default().fg(colour).add_modifier(Modifier::BOLD),
            )));
        }
        wrapped(&mut lines, &p.evidence, Style::default().fg(t.text));
        if let Some(since) = p.since {
            wrapped(
                &mut lines,
                &format!("since {}", clock(since)),
                Style::default().fg(t.muted),
            );
        }
        match (&p.fix, &p.advice) {
            (Some(fix), _) => wrapped(
                &mut lines,
                &format!(
                    "fix: {} {} — or `{}`",
                    fix_key(app, fix),
                    fix.label(),
                    fix.command(ns)
                ),
                Style::default().fg(t.accent),
            ),
            (None, Some(a)) => wrapped(&mut lines, a, Style::default().fg(t.muted)),
            (None, None) => {}
        }
        lines.push(Line::from(""));
    }
    lines.extend(super::alert_lines::full(app, text_w));
    for c in &app.cleared {
        lines.push(Line::from(Span::styled(
            format!("✓ cleared at {}: {}", clock(c.at), c.problem.title),
            Style::default().fg(t.ok),
        )));
    }
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(
            "no problems",
            Style::default().fg(t.ok),
        )));
    }
    let h = (lines.len() as u16 + 2).min(area.height);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    let title = format!("problems — {} or Esc to close", full_key(app));
    f.render_widget(ratatui::widgets::Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .block(super::block(&title, t))
            .style(Style::default().bg(t.background).fg(t.text)),
        r,
    );
}
