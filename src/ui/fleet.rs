//! The fleet view: one row per cluster — state, data age, workloads ready/desired, HPA,
//! p95, tokens/min, $/hour, the worst problem — most severe first, the fleet's total under
//! them, and the selected cluster's problems (or why it cannot be read) in full.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

use crate::app::App;
use crate::app::fleet::FleetState;
use crate::app::keymap::{Action, Scope};
use crate::fleet::row::Reach;
use crate::fleet::words;
use crate::problems::Severity;

/// The whole screen while the fleet is in front (dialogs and help are drawn over it).
pub(super) fn draw(f: &mut Frame, app: &App, fleet: &FleetState, area: Rect) {
    let t = app.theme();
    let detail_h = if area.height >= 20 { 7 } else { 3 };
    let [header, table, total, detail, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(detail_h),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(f, app, fleet, header);
    draw_table(f, app, fleet, table);
    let totals = crate::fleet::totals(&fleet.rows);
    f.render_widget(
        Paragraph::new(Line::from(Span::styled(
            words::total(&totals, fleet.rows.len()),
            Style::default().fg(t.accent),
        ))),
        total,
    );
    draw_detail(f, app, fleet, detail);
    super::draw_footer_with(f, app, footer, hints(app));
}

fn draw_header(f: &mut Frame, app: &App, fleet: &FleetState, area: Rect) {
    let t = app.theme();
    let muted = Style::default().fg(t.muted);
    let mut spans = super::header::read_only_mark(app);
    let down = fleet
        .rows
        .iter()
        .filter(|r| matches!(r.reach, Reach::Down { .. }))
        .count();
    let sick = fleet
        .rows
        .iter()
        .filter(|r| r.reach == Reach::Up && !r.healthy())
        .count();
    spans.extend([
        Span::styled(
            "agentdeck │ ",
            Style::default().fg(t.accent).add_modifier(Modifier::BOLD),
        ),
        Span::styled("fleet ", muted),
        Span::raw(format!("{} clusters", fleet.rows.len())),
        Span::styled(" │ ", muted),
        Span::styled(
            format!("{sick} with problems"),
            Style::default().fg(if sick > 0 { t.error } else { t.ok }),
        ),
        Span::styled(" │ ", muted),
        Span::styled(
            format!("{down} unreachable"),
            Style::default().fg(if down > 0 { t.error } else { t.ok }),
        ),
    ]);
    if let Some(d) = &fleet.dived {
        spans.push(Span::styled(
            format!(" │ {} still attached", crate::text::printable(d)),
            muted,
        ));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_table(f: &mut Frame, app: &App, fleet: &FleetState, area: Rect) {
    let t = app.theme();
    // Narrow terminals drop the HPA and tokens columns before the problem's words.
    let wide = area.width >= 110;
    let shown = |i: &usize| wide || !matches!(i, 4 | 6);
    let widths: Vec<Constraint> = [
        Constraint::Length(context_width(fleet)),
        Constraint::Length(11),
        Constraint::Length(4),
        Constraint::Length(6),
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(10),
        Constraint::Length(9),
        Constraint::Min(20),
    ]
    .into_iter()
    .enumerate()
    .filter(|(i, _)| shown(i))
    .map(|(_, c)| c)
    .collect();
    let rows = fleet.rows.iter().map(|r| {
        let color = match (r.rank(), &r.reach) {
            (0 | 1, _) => t.error,
            (2, _) => t.warn,
            (_, Reach::Up) => t.ok,
            _ => t.muted,
        };
        let cells = words::cells(r, app.now);
        Row::new(
            cells
                .into_iter()
                .enumerate()
                .filter(|(i, _)| shown(i))
                .map(|(i, c)| {
                    let style = if i == 1 || i == 8 {
                        Style::default().fg(color)
                    } else {
                        Style::default()
                    };
                    Cell::from(c).style(style)
                }),
        )
    });
    let header = Row::new(
        words::HEADERS
            .iter()
            .enumerate()
            .filter(|(i, _)| shown(i))
            .map(|(_, h)| Cell::from(*h)),
    )
    .style(Style::default().fg(t.muted).add_modifier(Modifier::BOLD));
    let table = Table::new(rows, widths)
        .header(header)
        .block(super::block("fleet", t))
        .row_highlight_style(Style::default().bg(t.selected_bg).fg(t.selected_fg));
    let mut state = TableState::default().with_selected(Some(fleet.index()));
    f.render_stateful_widget(table, area, &mut state);
}

/// The context column: as wide as the longest name (at most 28).
fn context_width(fleet: &FleetState) -> u16 {
    let longest = fleet.rows.iter().map(|r| r.context.chars().count()).max();
    longest.unwrap_or(7).clamp(7, 28) as u16
}

/// The selected cluster: why it cannot be read, its problems with their evidence, what
/// its metrics cannot tell.
fn draw_detail(f: &mut Frame, app: &App, fleet: &FleetState, area: Rect) {
    let t = app.theme();
    let Some(r) = fleet.selected_row() else {
        return;
    };
    let mut lines = Vec::new();
    if let Reach::Down { why, retry_at } = &r.reach {
        let secs = (retry_at.as_second() - app.now.as_second()).max(0);
        lines.push(Line::from(Span::styled(
            format!("cannot read it: {why} — trying again in {secs}s"),
            Style::default().fg(t.error),
        )));
    }
    for p in &r.problems {
        let c = if p.severity == Severity::Critical {
            t.error
        } else {
            t.warn
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{}: ", p.title), Style::default().fg(c)),
            Span::raw(p.evidence.clone()),
        ]));
    }
    if let Some(n) = &r.metrics.note {
        lines.push(Line::from(Span::styled(
            n.clone(),
            Style::default().fg(t.muted),
        )));
    }
    for c in &r.cannot_tell {
        lines.push(Line::from(Span::styled(
            format!("cannot tell {c}"),
            Style::default().fg(t.muted),
        )));
    }
    if lines.is_empty() {
        let (text, color) = match r.reach {
            Reach::Connecting => ("connecting…".to_string(), t.muted),
            _ => (format!("{}: nothing wrong seen", r.context), t.ok),
        };
        lines.push(Line::from(Span::styled(text, Style::default().fg(color))));
    }
    let title = format!("{} · ns {}", r.context, r.namespace);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(super::block(&title, t)),
        area,
    );
}

/// The fleet's keys: select, open a cluster's dashboard, command, help, quit.
fn hints(app: &App) -> Line<'static> {
    let t = app.theme();
    let key = |a: Action| super::key_label(app, Scope::Normal, a).to_string();
    let items = [
        ("↑↓".to_string(), "select"),
        (key(Action::Open), "open its dashboard"),
        (key(Action::Command), "command (:ctx, :q)"),
        (key(Action::Help), "help"),
        (key(Action::Quit), "quit"),
    ];
    let mut spans = Vec::new();
    for (k, what) in items {
        spans.push(Span::styled(k, Style::default().fg(t.accent)));
        spans.push(Span::styled(
            format!(" {what}  "),
            Style::default().fg(t.muted),
        ));
    }
    Line::from(spans)
}
