//! Drawing: `draw(frame, &App)` is a pure function of the state. Layout, header, footer and
//! the help overlay live here; the panels in `panels` and `metrics_panels`.

mod agents;
mod alert_lines;
mod alerts;
mod charts;
mod fleet;
mod header;
pub mod hit;
mod logs;
mod metrics_panels;
mod panels;
mod pod_details;
mod pods;
mod problems;
mod timeline;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table};

use crate::app::keymap;
use crate::app::views::View;
use crate::app::{App, Mode};
use crate::ops::Plan;
use crate::theme::Theme;

/// A bordered block with the theme's colours.
pub(crate) fn block<'a>(title: &'a str, t: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(t.border))
        .title(Span::styled(
            format!(" {title} "),
            Style::default().fg(t.title).add_modifier(Modifier::BOLD),
        ))
}

/// Draw the whole screen.
pub fn draw(f: &mut Frame, app: &App) {
    let t = app.theme();
    let area = f.area();
    f.render_widget(
        Block::default().style(Style::default().bg(t.background).fg(t.text)),
        area,
    );
    if area.height < 3 || area.width < 10 {
        f.render_widget(Paragraph::new("agentdeck: terminal too small"), area);
        return;
    }
    if let Some(fl) = app.fleet.as_ref().filter(|f| f.shown) {
        fleet::draw(f, app, fl, area);
        draw_overlay(f, app, area);
        return;
    }
    let Areas {
        header,
        strip,
        body,
        events,
        footer,
    } = areas(app, area);
    header::draw(f, app, header);
    problems::draw(f, app, strip);
    if let Some(view) = app.view() {
        // Drilled in: the view on top gets the whole body.
        draw_view(f, app, view, body);
    } else {
        draw_body(f, app, body);
    }
    panels::events(f, app, events);
    draw_footer(f, app, footer);
    draw_overlay(f, app, area);
}

/// The screen's bands, top to bottom.
pub(crate) struct Areas {
    pub header: Rect,
    pub strip: Rect,
    pub body: Rect,
    pub events: Rect,
    pub footer: Rect,
}

/// Where the bands of a screen of `area` go (drawing and mouse hits both use this).
pub(crate) fn areas(app: &App, area: Rect) -> Areas {
    // A pod's details, logs and the timeline have the room of the events panel too.
    let full = matches!(
        app.view(),
        Some(View::Pod(_) | View::Logs(_) | View::Timeline(_))
    );
    let events_h = if full {
        0
    } else if area.height < 30 {
        (area.height / 5).clamp(3, 5)
    } else {
        (area.height / 4).clamp(5, 14)
    };
    let strip_h = if area.height < 12 {
        0
    } else {
        problems::height(app)
    };
    let [header, strip, body, events, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(strip_h),
        Constraint::Min(0),
        Constraint::Length(events_h),
        Constraint::Length(1),
    ])
    .areas(area);
    Areas {
        header,
        strip,
        body,
        events,
        footer,
    }
}

/// The dashboard's body: (workloads, HPA, metrics) and whether it is the wide layout.
pub(crate) fn body_areas(body: Rect) -> (Rect, Rect, Rect, bool) {
    if body.width >= 110 {
        // Workloads and HPA on the left, the metrics column on the right.
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                .areas(body);
        let hpa_h = if left.height >= 16 {
            8
        } else {
            left.height / 2
        };
        let [wl, hpa] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(hpa_h)]).areas(left);
        return (wl, hpa, right, true);
    }
    // Workloads, HPA and the metrics row share the height; the workloads table grows
    // first on taller ones.
    let metrics_h = (body.height / 3).clamp(0, 8).max(body.height.min(6));
    let hpa_h = body
        .height
        .saturating_sub(metrics_h)
        .saturating_sub(5)
        .clamp(0, 6);
    let [wl, hpa, m] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(hpa_h),
        Constraint::Length(metrics_h),
    ])
    .areas(body);
    (wl, hpa, m, false)
}

fn draw_view(f: &mut Frame, app: &App, view: &View, body: Rect) {
    match view {
        View::Pods(_) => pods::draw(f, app, body),
        View::Pod(v) => pod_details::draw(f, app, v, body),
        View::Logs(v) => logs::draw(f, app, v, body),
        View::Timeline(v) => timeline::draw(f, app, v, body),
        View::Agents(v) => agents::draw(f, app, v, body),
        View::Alerts(v) => alerts::draw(f, app, v, body),
    }
}

/// The workloads, the selected workload's HPA and the metrics (a column on wide screens,
/// a row on narrow ones).
fn draw_body(f: &mut Frame, app: &App, body: Rect) {
    let (wl, hpa, m, wide) = body_areas(body);
    panels::workloads(f, app, wl);
    panels::hpa(f, app, hpa);
    if wide {
        metrics_panels::column(f, app, m);
    } else {
        metrics_panels::row(f, app, m);
    }
}

/// The help screen or the open dialog, on top of everything.
fn draw_overlay(f: &mut Frame, app: &App, area: Rect) {
    let t = app.theme();
    let muted = Style::default().fg(t.muted);
    let accent = Style::default().fg(t.accent);
    match &app.mode {
        Mode::Help => draw_help(f, app, area),
        Mode::Problems => problems::draw_full(f, app, area),
        Mode::ScaleInput { workload, input } => {
            let lines = vec![
                Line::from(vec![
                    Span::raw("replicas: "),
                    Span::styled(format!("{input}▏"), accent.add_modifier(Modifier::BOLD)),
                ]),
                Line::from(Span::styled(
                    format!(
                        "{} to continue, {} to cancel",
                        dialog_key(app, keymap::Action::Submit),
                        dialog_key(app, keymap::Action::Cancel)
                    ),
                    muted,
                )),
            ];
            draw_dialog(f, app, area, &format!("scale {}", workload.name), lines)
        }
        Mode::SilenceInput { alertname, input } => {
            let lines = vec![
                Line::from(vec![
                    Span::raw("for, then why: "),
                    Span::styled(format!("{input}▏"), accent.add_modifier(Modifier::BOLD)),
                ]),
                Line::from(Span::styled(
                    format!(
                        "e.g. \"2h rotating the key\" (30m, 2h, 1d … at most 30d) · {} to continue, {} to cancel",
                        dialog_key(app, keymap::Action::Submit),
                        dialog_key(app, keymap::Action::Cancel)
                    ),
                    muted,
                )),
            ];
            draw_dialog(f, app, area, &format!("silence {alertname}"), lines)
        }
        Mode::KeyInput { input } => {
            // Only the length is ever drawn.
            let dots = "•".repeat(input.expose().chars().count().min(64));
            let lines = vec![
                Line::from(vec![
                    Span::raw("new key: "),
                    Span::styled(format!("{dots}▏"), accent),
                ]),
                Line::from(Span::styled(
                    format!(
                        "{}: check it with the provider, then confirm · {}: cancel",
                        dialog_key(app, keymap::Action::Submit),
                        dialog_key(app, keymap::Action::Cancel)
                    ),
                    muted,
                )),
            ];
            draw_dialog(f, app, area, "rotate the provider API key", lines)
        }
        Mode::Confirm { question, plan } => draw_confirm(f, app, area, question, plan),
        Mode::Normal | Mode::Filter | Mode::Command(_) => {}
    }
}

/// The question of a planned write, what it will change, and the answer keys.
fn draw_confirm(f: &mut Frame, app: &App, area: Rect, question: &str, plan: &Plan) {
    let t = app.theme();
    let bold = |c| Style::default().fg(c).add_modifier(Modifier::BOLD);
    let mut lines = vec![Line::from(Span::raw(format!("{question}?")))];
    // What will change (a restore's field-by-field diff), before the answer.
    let mut details = plan.details();
    if plan.has_conflicts() {
        details.insert(
            0,
            "another field manager owns the conflicting fields: :deploy force takes them over"
                .into(),
        );
    }
    let room = (area.height as usize).saturating_sub(10).clamp(3, 16);
    for d in details.iter().take(room) {
        lines.push(Line::from(Span::styled(
            d.clone(),
            Style::default().fg(t.muted),
        )));
    }
    if details.len() > room {
        lines.push(Line::from(Span::styled(
            format!(
                "  … {} more lines (agentdeck deploy --dry-run shows all)",
                details.len() - room
            ),
            Style::default().fg(t.muted),
        )));
    }
    lines.extend([
        Line::from(""),
        Line::from(vec![
            Span::styled(
                format!("[{}]", dialog_key(app, keymap::Action::Yes)),
                bold(t.ok),
            ),
            Span::raw(" yes   "),
            Span::styled(
                format!(
                    "[{}/{}]",
                    dialog_key(app, keymap::Action::No),
                    dialog_key(app, keymap::Action::Cancel)
                ),
                bold(t.error),
            ),
            Span::raw(" no"),
        ]),
    ]);
    draw_dialog(f, app, area, "confirm", lines)
}

/// The keys of an action in `scope` as the keymap in force has them (remapped or not).
pub(crate) fn key_label(app: &App, scope: keymap::Scope, a: keymap::Action) -> &str {
    app.keymap.label(scope, a).unwrap_or("?")
}

/// The keys of a dialog's action.
fn dialog_key(app: &App, a: keymap::Action) -> &str {
    key_label(app, keymap::Scope::Dialog, a)
}

/// The keys that go back from a view (`Esc`).
pub(crate) fn back_key(app: &App) -> &str {
    key_label(app, keymap::Scope::Normal, keymap::Action::Back)
}

/// A centred box with `lines`, wrapped.
fn draw_dialog(f: &mut Frame, app: &App, area: Rect, title: &str, lines: Vec<Line>) {
    let t = app.theme();
    let w = 72.min(area.width);
    let inner_w = w.saturating_sub(2).max(1) as usize;
    let text_h: usize = lines
        .iter()
        .map(|l| l.width().div_ceil(inner_w).max(1))
        .sum();
    let h = ((text_h + 2) as u16).min(area.height);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .block(block(title, t))
            .style(Style::default().bg(t.background).fg(t.text))
            .wrap(ratatui::widgets::Wrap { trim: false }),
        r,
    );
}

fn draw_footer(f: &mut Frame, app: &App, area: Rect) {
    draw_footer_with(f, app, area, hints_line(app, area.width as usize));
}

/// The footer: an input being typed, else a toast, else a write's progress, else `hints`.
pub(crate) fn draw_footer_with(f: &mut Frame, app: &App, area: Rect, hints: Line<'static>) {
    let t = app.theme();
    let input = |prefix: &'static str, text: &str| {
        let mut spans = vec![
            Span::styled(prefix, Style::default().fg(t.accent)),
            Span::raw(text.to_string()),
            Span::styled("▏", Style::default().fg(t.accent)),
        ];
        if app.waiting_plan.is_some() {
            spans.push(Span::styled(
                format!(
                    "  a confirmation is waiting: {} or {} to see it",
                    dialog_key(app, keymap::Action::Submit),
                    dialog_key(app, keymap::Action::Cancel)
                ),
                Style::default().fg(t.warn),
            ));
        }
        Line::from(spans)
    };
    let line = match (&app.mode, &app.toast, &app.op_status) {
        (Mode::Filter, _, _) => input("/", &app.filter),
        (Mode::Command(c), _, _) => input(":", c),
        (_, Some(toast), _) => Line::from(Span::styled(
            toast.text.clone(),
            Style::default().fg(if toast.error { t.error } else { t.ok }),
        )),
        (_, None, Some(progress)) => Line::from(Span::styled(
            format!("⟳ {progress}"),
            Style::default().fg(t.warn),
        )),
        (_, None, None) => hints,
    };
    f.render_widget(Paragraph::new(line), area);
}

/// The key hints that fit in `width`, whole: help and quit always, the others in order
/// while they fit; a write that read-only mode or RBAC refuses is greyed out and struck.
fn hints_line(app: &App, width: usize) -> Line<'static> {
    let t = app.theme();
    let mut spans = Vec::new();
    if !app.filter.is_empty() {
        spans.push(Span::styled(
            format!("filter: {}  ", app.filter),
            Style::default().fg(t.warn),
        ));
    }
    let scope = app.key_scope();
    let mut hints = app.keymap.hints_in(scope);
    if scope != keymap::Scope::Normal {
        // The view's own keys first, then help and quit.
        hints.extend(
            app.keymap
                .hints_in(keymap::Scope::Normal)
                .into_iter()
                .filter(|h| matches!(h.action, keymap::Action::Help | keymap::Action::Quit)),
        );
    }
    let always = |h: &crate::app::bindings::Hint| {
        matches!(h.action, keymap::Action::Help | keymap::Action::Quit)
    };
    let cost =
        |h: &crate::app::bindings::Hint| h.keys.chars().count() + h.label.chars().count() + 5;
    let used: usize = spans
        .iter()
        .map(|s| s.content.chars().count())
        .sum::<usize>()
        + hints.iter().filter(|h| always(h)).map(cost).sum::<usize>();
    let mut room = width.saturating_sub(used);
    hints.retain(|h| {
        if always(h) {
            return true;
        }
        let fits = cost(h) <= room;
        // One that does not fit ends the list: the next ones would read out of order.
        room = if fits { room - cost(h) } else { 0 };
        fits
    });
    for h in hints {
        let refused = h
            .action
            .operation()
            .is_some_and(|op| app.refusal(op).is_some());
        let (key, label) = if refused {
            let grey = Style::default()
                .fg(t.muted)
                .add_modifier(Modifier::CROSSED_OUT | Modifier::DIM);
            (grey, grey)
        } else {
            (Style::default().fg(t.accent), Style::default().fg(t.muted))
        };
        spans.push(Span::styled(format!("<{}>", h.keys), key));
        spans.push(Span::styled(format!(" {}  ", h.label), label));
    }
    Line::from(spans)
}

fn draw_help(f: &mut Frame, app: &App, area: Rect) {
    let t = app.theme();
    let help = app
        .keymap
        .label(keymap::Scope::Normal, keymap::Action::Help);
    let title = format!(
        "keys — {} or {} to close",
        help.unwrap_or("?"),
        back_key(app)
    );
    let w = (area.width * 3 / 4).clamp(64, 100).min(area.width);
    // The descriptions wrap at words within the box (borders, the key column and a space).
    let text_w = (w as usize).saturating_sub(2 + 8 + 1).max(8);
    let mut lines = 0;
    let rows: Vec<Row> = app
        .keymap
        .help_rows_for(app.key_scope())
        .into_iter()
        .map(|(k, h)| {
            let text = crate::format::wrap_words(h, text_w);
            let height = text.len().max(1) as u16;
            lines += height;
            Row::new(vec![
                Cell::from(Span::styled(k, Style::default().fg(t.accent))),
                Cell::from(text.into_iter().map(Line::from).collect::<Vec<_>>()),
            ])
            .height(height)
        })
        .collect();
    let h = (lines + 2).min(area.height);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    f.render_widget(Clear, r);
    let table = Table::new(rows, [Constraint::Length(8), Constraint::Min(0)])
        .block(block(&title, t))
        .style(Style::default().bg(t.background).fg(t.text));
    f.render_widget(table, r);
}
