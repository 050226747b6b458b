//! A pod's details (`Enter` on a pod): what `kubectl describe pod` says that an on-call
//! engineer reads first — phase, node, owners; conditions; each container's state now and
//! its last termination; the pod's own events — scrolled with ↑/↓, PgUp/PgDn.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::block;
use crate::app::App;
use crate::app::pod_details::PodDetailsView;
use crate::cluster::pod_details::{ContainerDetails, PodDetails, StateLine};
use crate::format;
use crate::theme::Theme;

fn ago(app: &App, t: Option<jiff::Timestamp>) -> String {
    t.map(|t| format!("{} ago", format::age(app.now.as_second() - t.as_second())))
        .unwrap_or_default()
}

fn heading(text: &str, t: &Theme) -> Line<'static> {
    Line::from(Span::styled(
        text.to_string(),
        Style::default().fg(t.title).add_modifier(Modifier::BOLD),
    ))
}

fn field(name: &str, value: String, t: &Theme) -> Vec<Span<'static>> {
    vec![
        Span::styled(format!("{name} "), Style::default().fg(t.muted)),
        Span::raw(format!("{value}   ")),
    ]
}

fn summary(app: &App, d: &PodDetails) -> Vec<Line<'static>> {
    let t = app.theme();
    let mut first = field("phase", d.phase.clone(), t);
    first.extend(field("node", or_dash(&d.node), t));
    first.extend(field("IP", or_dash(&d.ip), t));
    first.extend(field("QoS", or_dash(&d.qos), t));
    first.extend(field("age", ago(app, d.created).replace(" ago", ""), t));
    let mut lines = vec![Line::from(first)];
    if let Some(at) = d.deleting {
        lines.push(Line::from(Span::styled(
            format!("being deleted (since {})", ago(app, Some(at))),
            Style::default().fg(t.warn),
        )));
    }
    let mut owners = vec![Span::styled("owners ", Style::default().fg(t.muted))];
    owners.push(Span::raw(d.owners.join(" → ")));
    lines.push(Line::from(owners));
    lines
}

fn or_dash(s: &str) -> String {
    if s.is_empty() { "-".into() } else { s.into() }
}

fn conditions(app: &App, d: &PodDetails, lines: &mut Vec<Line<'static>>) {
    let t = app.theme();
    lines.push(heading("CONDITIONS", t));
    if d.conditions.is_empty() {
        lines.push(Line::from(Span::styled(
            " none yet",
            Style::default().fg(t.muted),
        )));
    }
    for c in &d.conditions {
        let (mark, colour) = if c.ok { ("✓", t.ok) } else { ("✗", t.warn) };
        lines.push(Line::from(vec![
            Span::styled(format!(" {mark} "), Style::default().fg(colour)),
            Span::raw(format!("{:<26}{:<7}", c.type_, c.status)),
            Span::styled(
                format!("{:<9}", ago(app, c.since)),
                Style::default().fg(t.muted),
            ),
            Span::raw(c.why.clone()),
        ]));
    }
}

fn state(app: &App, label: &str, s: &StateLine) -> Line<'static> {
    let t = app.theme();
    let colour = if s.bad { t.warn } else { t.text };
    let mut spans = vec![
        Span::styled(format!("   {label:<5} "), Style::default().fg(t.muted)),
        Span::styled(s.text.clone(), Style::default().fg(colour)),
    ];
    if s.at.is_some() {
        spans.push(Span::styled(
            format!("  {}", ago(app, s.at)),
            Style::default().fg(t.muted),
        ));
    }
    if !s.detail.is_empty() {
        spans.push(Span::raw(format!("  {}", s.detail)));
    }
    Line::from(spans)
}

fn container(app: &App, c: &ContainerDetails, lines: &mut Vec<Line<'static>>) {
    let t = app.theme();
    let (mark, colour) = if c.ready {
        ("✓", t.ok)
    } else {
        ("✗", t.warn)
    };
    let init = if c.init { " (init)" } else { "" };
    lines.push(Line::from(vec![
        Span::styled(format!(" {mark} "), Style::default().fg(colour)),
        Span::styled(
            format!("{}{init}", c.name),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            format!("  restarts {}  ", c.restarts),
            Style::default().fg(if c.restarts > 0 { t.warn } else { t.muted }),
        ),
        Span::styled(c.image.clone(), Style::default().fg(t.muted)),
    ]));
    lines.push(state(app, "now", &c.state));
    if let Some(last) = &c.last {
        lines.push(state(app, "last", last));
    }
    lines.push(Line::from(vec![
        Span::styled("   uses  ", Style::default().fg(t.muted)),
        Span::raw(format!("requests {} · limits {}", c.requests, c.limits)),
    ]));
}

fn events(app: &App, d: &PodDetails, lines: &mut Vec<Line<'static>>) {
    let t = app.theme();
    lines.push(heading("EVENTS", t));
    if d.events.is_empty() {
        lines.push(Line::from(Span::styled(
            " none",
            Style::default().fg(t.muted),
        )));
    }
    for e in &d.events {
        let colour = if e.warning { t.warn } else { t.text };
        let count = if e.count > 1 {
            format!(" ×{}", e.count)
        } else {
            String::new()
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!(" {:<9}", ago(app, e.last_seen)),
                Style::default().fg(t.muted),
            ),
            Span::styled(
                format!(
                    "{} {}{count}  ",
                    if e.warning { "!" } else { "·" },
                    e.reason
                ),
                Style::default().fg(colour),
            ),
            Span::raw(e.message.clone()),
        ]));
    }
}

/// All the lines of the details, for scrolling.
pub(super) fn lines(app: &App, d: &PodDetails) -> Vec<Line<'static>> {
    let t = app.theme();
    let mut lines = summary(app, d);
    conditions(app, d, &mut lines);
    lines.push(heading("CONTAINERS", t));
    for c in &d.containers {
        container(app, c, &mut lines);
    }
    events(app, d, &mut lines);
    for n in &d.notes {
        lines.push(Line::from(Span::styled(
            format!("note: {n}"),
            Style::default().fg(t.warn),
        )));
    }
    lines
}

pub(super) fn draw(f: &mut Frame, app: &App, v: &PodDetailsView, area: Rect) {
    let t = app.theme();
    let title = format!("pod {} · {} back", v.pod, super::back_key(app));
    let mut body: Vec<Line> = Vec::new();
    if let Some(e) = &v.error {
        let what = if v.details.is_some() {
            "the last read failed (older details below)"
        } else {
            "cannot read the pod"
        };
        body.push(Line::from(Span::styled(
            format!("{what}: {e}"),
            Style::default().fg(t.error),
        )));
    }
    match &v.details {
        Some(d) => body.extend(lines(app, d)),
        None if v.error.is_none() => body.push(Line::from(Span::styled(
            "reading the pod…",
            Style::default().fg(t.muted),
        ))),
        None => {}
    }
    // Keep the last page on screen when scrolled past the end.
    let inner = area.height.saturating_sub(2) as usize;
    let scroll = v.scroll.min(body.len().saturating_sub(inner));
    let p = Paragraph::new(body)
        .block(block(&title, t))
        .wrap(Wrap { trim: false })
        .scroll((scroll.min(u16::MAX as usize) as u16, 0));
    f.render_widget(p, area);
}
