//! The alerts view (`a`): one row per alert — severity, name, state (firing since, pending,
//! silenced by whom until when: greyed), summary — the selected one's labels and annotations
//! under the list when `Enter` opened them; the source, or why it cannot be read, in the
//! title and the first line.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::block;
use crate::alerts::{Alert, AlertState};
use crate::app::App;
use crate::app::keymap::{Action, Scope};
use crate::app::views::alerts_view::AlertsView;
use crate::format;

fn row(app: &App, a: &Alert, selected: bool, width: usize) -> Line<'static> {
    let t = app.theme();
    let colour = match (a.state == AlertState::Firing, a.is_critical()) {
        (false, _) => t.muted,
        (true, true) => t.error,
        (true, false) => t.warn,
    };
    let mut style = Style::default().fg(colour);
    if selected {
        style = style.add_modifier(Modifier::REVERSED);
    }
    let text = format!(
        "{:<9} {:<30} {:<34} {}",
        a.severity(),
        format::clip(&a.name, 30),
        format::clip(&app.alerts.state_words(a), 34),
        a.summary()
    );
    Line::from(Span::styled(format::clip(&text, width), style))
}

fn details(app: &App, a: &Alert, width: usize) -> Vec<Line<'static>> {
    let t = app.theme();
    let mut out = vec![Line::from(Span::styled(
        "labels",
        Style::default().fg(t.muted).add_modifier(Modifier::BOLD),
    ))];
    for (k, v) in &a.labels {
        out.push(Line::from(format::clip(&format!("  {k}={v}"), width)));
    }
    out.push(Line::from(Span::styled(
        "annotations",
        Style::default().fg(t.muted).add_modifier(Modifier::BOLD),
    )));
    for (k, v) in &a.annotations {
        for (i, l) in format::wrap_words(&format!("{k}: {v}"), width.saturating_sub(4))
            .into_iter()
            .enumerate()
        {
            out.push(Line::from(format!(
                "{}{l}",
                if i == 0 { "  " } else { "    " }
            )));
        }
    }
    if let Some(s) = app.alerts.silence_of(a) {
        out.push(Line::from(Span::styled(
            format::clip(
                &format!("silence {} by {}: {}", s.id, s.who_until(), s.comment),
                width,
            ),
            Style::default().fg(t.muted),
        )));
    }
    out
}

fn key(app: &App, a: Action) -> String {
    app.keymap
        .label(Scope::Normal, a)
        .unwrap_or("?")
        .to_string()
}

pub(super) fn draw(f: &mut Frame, app: &App, v: &AlertsView, area: Rect) {
    let t = app.theme();
    let alerts = app.alerts.alerts();
    let open = v.details && alerts.get(v.selected).is_some();
    let [list_area, detail_area] = if open {
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area)
    } else {
        [area, Rect::default()]
    };
    let width = list_area.width.saturating_sub(2) as usize;
    let rows = list_area.height.saturating_sub(2) as usize;
    let source = app.alerts.source.clone().unwrap_or_default();
    let mut lines: Vec<Line> = vec![Line::from(Span::styled(
        format::clip(&format!("from {source}"), width),
        Style::default().fg(t.muted),
    ))];
    if let Some(e) = &app.alerts.error {
        lines.push(Line::from(Span::styled(
            format::clip(&format!("alerts unreadable — {e}"), width),
            Style::default().fg(t.warn),
        )));
    }
    if alerts.is_empty() && app.alerts.error.is_none() {
        let what = if app.alerts.fetched.is_some() {
            "no alert is firing or pending in this namespace"
        } else {
            "reading the alerts…"
        };
        lines.push(Line::from(Span::styled(what, Style::default().fg(t.muted))));
    }
    let first = v
        .selected
        .saturating_sub(rows.saturating_sub(lines.len() + 1));
    lines.extend(
        alerts
            .iter()
            .enumerate()
            .skip(first)
            .map(|(i, a)| row(app, a, i == v.selected, width)),
    );
    let title = format!(
        "alerts · {} · {} details · {} silence · {} expire · {} back",
        app.namespace,
        key(app, Action::Open),
        key(app, Action::Silence),
        key(app, Action::Expire),
        super::back_key(app)
    );
    f.render_widget(Paragraph::new(lines).block(block(&title, t)), list_area);
    if let (true, Some(a)) = (open, alerts.get(v.selected)) {
        let w = detail_area.width.saturating_sub(2) as usize;
        f.render_widget(
            Paragraph::new(details(app, a, w)).block(block(&a.name, t)),
            detail_area,
        );
    }
}
