//! The alerts in the problems strip: a firing alert agentdeck has no detection for (or
//! does not see now) gets a line of its own — severity, name, summary, runbook URL (printed,
//! never opened) — and an alerts source that cannot be read gets one line saying why.
//! Alerts that are one of agentdeck's problems ride on that problem's line.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::alerts::{Alert, AlertState};
use crate::app::App;

/// The lines the alerts add to the strip.
pub(super) fn count(app: &App) -> usize {
    app.alerts.unmatched(&app.problems).len() + usize::from(app.alerts.error.is_some())
}

/// " · alert NAME firing since 03:02 UTC": the note on a problem's line.
pub(super) fn note(app: &App, a: &Alert) -> String {
    format!(" · alert {} {}", a.name, app.alerts.short_state(a))
}

fn alert_line(app: &App, a: &Alert, width: usize) -> Line<'static> {
    let t = app.theme();
    let muted = a.state != AlertState::Firing;
    let (mark, colour) = match (a.is_critical(), muted) {
        (_, true) => ("◌ ", t.muted),
        (true, false) => ("✖ ", t.error),
        (false, false) => ("▲ ", t.warn),
    };
    let head = format!("alert {} ({})", a.name, a.severity());
    let mut rest = format!(" — {}", a.summary());
    if a.state != AlertState::Firing {
        rest.push_str(&format!(" · {}", app.alerts.state_words(a)));
    }
    if let Some(u) = a.runbook_url() {
        rest.push_str(&format!(" · runbook {u}"));
    }
    let room = width.saturating_sub(mark.chars().count() + head.chars().count());
    Line::from(vec![
        Span::styled(mark, Style::default().fg(colour)),
        Span::styled(
            head,
            Style::default().fg(colour).add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            crate::format::clip(&rest, room),
            Style::default().fg(t.text),
        ),
    ])
}

/// The strip's alert lines: unreadable source first, then the alerts of no problem.
pub(super) fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let t = app.theme();
    let mut out = Vec::new();
    if let Some(e) = &app.alerts.error {
        let text = format!("alerts unreadable — {e}");
        out.push(Line::from(vec![
            Span::styled("▲ ", Style::default().fg(t.warn)),
            Span::styled(
                crate::format::clip(&text, width.saturating_sub(2)),
                Style::default().fg(t.warn),
            ),
        ]));
    }
    out.extend(
        app.alerts
            .unmatched(&app.problems)
            .into_iter()
            .map(|a| alert_line(app, a, width)),
    );
    out
}

/// The alerts in `P`'s full list: each with its summary, description, runbook URL.
pub(super) fn full(app: &App, text_w: usize) -> Vec<Line<'static>> {
    let t = app.theme();
    let mut out = Vec::new();
    let wrapped = |out: &mut Vec<Line<'static>>, s: &str, style: Style| {
        for l in crate::format::wrap_words(s, text_w) {
            out.push(Line::from(Span::styled(format!("  {l}"), style)));
        }
    };
    for a in app.alerts.alerts() {
        let colour = if a.is_critical() { t.error } else { t.warn };
        out.push(Line::from(Span::styled(
            format!(
                "alert {} ({}) — {}",
                a.name,
                a.severity(),
                app.alerts.state_words(a)
            ),
            Style::default().fg(colour).add_modifier(Modifier::BOLD),
        )));
        wrapped(&mut out, a.summary(), Style::default().fg(t.text));
        if let Some(d) = a.annotation("description").filter(|d| *d != a.summary()) {
            wrapped(&mut out, d, Style::default().fg(t.text));
        }
        for k in ["agentdeck_fix", "agentdeck_advice", "runbook_url"] {
            if let Some(v) = a.annotation(k) {
                wrapped(
                    &mut out,
                    &format!("{}: {v}", k.trim_start_matches("agentdeck_")),
                    Style::default().fg(t.muted),
                );
            }
        }
        out.push(Line::from(""));
    }
    if let Some(e) = &app.alerts.error {
        wrapped(
            &mut out,
            &format!("alerts unreadable — {e}"),
            Style::default().fg(t.warn),
        );
    }
    out
}
