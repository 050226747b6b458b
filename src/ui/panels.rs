//! Cluster panels: workloads, the selected workload's HPA, events.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

use super::block;
use crate::app::App;
use crate::cluster::model::{EventView, Workload};
use crate::format;
use crate::theme::Theme;

/// One workload's row: counts, with ready, restarts and flags coloured by what they say.
fn workload_row(w: &Workload, t: &Theme) -> Row<'static> {
    let ready_style = Style::default().fg(if w.ready >= w.desired { t.ok } else { t.error });
    let mut flags = Vec::new();
    if w.kind == crate::cluster::workload::WorkloadKind::StatefulSet {
        flags.push("sts".to_string());
    }
    if w.crash_looping > 0 {
        flags.push(format!("CrashLoop×{}", w.crash_looping));
    }
    if w.oom_killed > 0 {
        flags.push(format!("OOM×{}", w.oom_killed));
    }
    if w.stalled {
        flags.push("stalled".into());
    } else if w.rolling {
        flags.push("rolling".into());
    }
    if w.hpa.is_some() {
        flags.push("hpa".into());
    }
    let bad = w.crash_looping > 0 || w.oom_killed > 0 || w.stalled;
    let flag_style = Style::default().fg(if bad { t.error } else { t.muted });
    Row::new(vec![
        Cell::from(w.name.clone()),
        Cell::from(Span::styled(
            format!("{}/{}", w.ready, w.desired),
            ready_style,
        )),
        Cell::from(w.updated.to_string()),
        Cell::from(w.available.to_string()),
        Cell::from(format!(
            "{}/{}/{}",
            w.pods.pending, w.pods.running, w.pods.terminating
        )),
        Cell::from(Span::styled(
            w.restarts.to_string(),
            Style::default().fg(if w.restarts > 0 { t.warn } else { t.text }),
        )),
        Cell::from(Span::styled(flags.join(" "), flag_style)),
    ])
}

/// Why `kind` cannot be read now, if it cannot.
fn unreadable(app: &App, kind: &str) -> Option<String> {
    app.cluster
        .as_ref()?
        .readable(kind)
        .reason()
        .map(str::to_string)
}

/// A muted one-line note on the last inner line of a bordered panel.
fn note(f: &mut Frame, area: Rect, text: String, style: Style) {
    if area.height < 4 {
        return;
    }
    let r = Rect {
        x: area.x + 1,
        y: area.y + area.height - 2,
        width: area.width.saturating_sub(2),
        height: 1,
    };
    f.render_widget(Paragraph::new(Span::styled(text, style)), r);
}

pub(super) fn workloads(f: &mut Frame, app: &App, area: Rect) {
    let t = app.theme();
    let visible = app.visible();
    let pods_unknown = unreadable(app, "pods").or_else(|| unreadable(app, "replicasets"));
    let title = match &app.cluster {
        Some(_) if pods_unknown.is_some() => format!("workloads {} · pods unknown", visible.len()),
        Some(c) => match c.pods_listing {
            Some(n) => format!("workloads {} · {} pods listed so far…", visible.len(), n),
            None => format!("workloads {} · {} pods", visible.len(), c.pods_total),
        },
        None => "workloads".into(),
    };
    let header = Row::new([
        "NAME",
        "READY",
        "UPD",
        "AVAIL",
        "PODS P/R/T",
        "RESTARTS",
        "FLAGS",
    ])
    .style(Style::default().fg(t.muted).add_modifier(Modifier::BOLD));
    // Only the rows that fit are built.
    let selected = app.selected.min(visible.len().saturating_sub(1));
    let (start, end) = super::pods::window(visible.len(), selected, area.height.saturating_sub(3));
    let rows: Vec<Row> = visible[start..end]
        .iter()
        .map(|w| workload_row(w, t))
        .collect();
    let widths = column_widths(&visible);
    let empty = visible.is_empty();
    let table = Table::new(rows, widths)
        .header(header)
        .block(block(&title, t))
        .row_highlight_style(t.selected())
        .highlight_symbol("▶");
    let mut state =
        TableState::default().with_selected(if empty { None } else { Some(selected - start) });
    f.render_stateful_widget(table, area, &mut state);
    if let (Some(why), false) = (&pods_unknown, empty) {
        note(
            f,
            area,
            format!("pod counts unknown: {why}"),
            Style::default().fg(t.warn),
        );
    }
    if empty && area.height > 3 {
        let inner = Rect {
            x: area.x + 2,
            y: area.y + 2,
            width: area.width.saturating_sub(4),
            height: 1,
        };
        f.render_widget(
            Paragraph::new(Span::styled(no_rows(app), Style::default().fg(t.muted))),
            inner,
        );
    }
}

/// Why the workloads table has no row.
fn no_rows(app: &App) -> String {
    match (&app.cluster, &app.cluster_error) {
        (Some(_), _) if unreadable(app, "deployments").is_some() => format!(
            "cannot list deployments: {}",
            unreadable(app, "deployments").unwrap_or_default()
        ),
        (_, Some((e, _))) => format!("cluster unreachable: {e}"),
        (None, None) => "waiting for the cluster…".to_string(),
        (Some(_), None) if !app.filter.is_empty() => {
            format!("no workload matches {:?}", app.filter)
        }
        (Some(_), None) => format!("no Deployments in namespace {}", app.namespace),
    }
}

/// The workloads table's columns, each as wide as its largest value (2500/2500 is never
/// cut to 2500/25).
fn column_widths(visible: &[&Workload]) -> [Constraint; 7] {
    let widest = |f: &dyn Fn(&Workload) -> String, header: usize| {
        let w = visible
            .iter()
            .map(|w| f(w).chars().count())
            .max()
            .unwrap_or(0);
        Constraint::Length((w.max(header) + 1) as u16)
    };
    [
        Constraint::Min(12),
        widest(&|w| format!("{}/{}", w.ready, w.desired), 6),
        widest(&|w| w.updated.to_string(), 3),
        widest(&|w| w.available.to_string(), 5),
        widest(
            &|w| {
                format!(
                    "{}/{}/{}",
                    w.pods.pending, w.pods.running, w.pods.terminating
                )
            },
            10,
        ),
        widest(&|w| w.restarts.to_string(), 8),
        Constraint::Min(6),
    ]
}

pub(super) fn hpa(f: &mut Frame, app: &App, area: Rect) {
    let t = app.theme();
    let w = app.selected_workload();
    let view = w.and_then(|w| app.cluster.as_ref()?.hpa_for(w));
    let title = match view {
        Some(h) => format!("hpa {} → {}", h.name, h.target),
        None => "hpa".to_string(),
    };
    let lines: Vec<Line> = match view {
        None => vec![Line::from(Span::styled(
            match (unreadable(app, "horizontalpodautoscalers"), w) {
                (Some(why), _) => format!("HPAs cannot be read: {why}"),
                (None, Some(w)) => format!("no HPA targets {}", w.name),
                (None, None) => "select a workload".to_string(),
            },
            Style::default().fg(t.muted),
        ))],
        Some(h) => {
            let at_max = h.current >= h.max && h.max > 0;
            let mut lines = vec![Line::from(vec![
                Span::raw(format!("replicas {} → {}", h.current, h.desired)),
                Span::styled(
                    format!("   min {} max {}", h.min, h.max),
                    Style::default().fg(if at_max { t.error } else { t.muted }),
                ),
            ])];
            let metrics: Vec<Span> = h
                .metrics
                .iter()
                .map(|m| {
                    Span::styled(
                        format!("{}   ", m.display()),
                        Style::default().fg(if m.over { t.warn } else { t.text }),
                    )
                })
                .collect();
            lines.push(Line::from(metrics));
            lines.push(Line::from(Span::styled(
                format!("» {}", h.diagnosis),
                Style::default().fg(t.accent).add_modifier(Modifier::BOLD),
            )));
            let conds: Vec<Span> = h
                .conditions
                .iter()
                .map(|c| {
                    let bad = (c.type_ == "ScalingLimited" && c.status == "True")
                        || (c.type_ != "ScalingLimited" && c.status == "False");
                    Span::styled(
                        format!("{}={} ({})  ", c.type_, c.status, c.reason),
                        Style::default().fg(if bad { t.warn } else { t.muted }),
                    )
                })
                .collect();
            lines.push(Line::from(conds));
            lines
        }
    };
    f.render_widget(
        Paragraph::new(lines)
            .block(block(&title, t))
            .wrap(Wrap { trim: true }),
        area,
    );
}

pub(super) fn events(f: &mut Frame, app: &App, area: Rect) {
    let t = app.theme();
    let evs = app
        .cluster
        .as_ref()
        .map(|c| c.events.as_slice())
        .unwrap_or(&[]);
    let warnings = evs.iter().filter(|e| e.warning && !e.resolved).count();
    let title = format!("events · {warnings} warnings");
    let width = area.width.saturating_sub(2) as usize;
    let cannot = unreadable(app, "events").map(|why| {
        Line::from(Span::styled(
            format!("events cannot be read: {why}"),
            Style::default().fg(t.warn),
        ))
    });
    let rows: Vec<Line> = cannot
        .into_iter()
        .chain(evs.iter().map(|e| event_line(app, e, width)))
        .take(area.height.saturating_sub(2) as usize)
        .collect();
    let body = if rows.is_empty() {
        vec![Line::from(Span::styled(
            "no events",
            Style::default().fg(t.muted),
        ))]
    } else {
        rows
    };
    f.render_widget(Paragraph::new(body).block(block(&title, t)), area);
}

/// One event: age, type, reason, object, message, count, the runbook's hint — shortened to
/// `width` message first, so the advice stays visible.
fn event_line(app: &App, e: &EventView, width: usize) -> Line<'static> {
    let t = app.theme();
    let age = e
        .last_seen
        .map(|ts| format::age(app.now.as_second() - ts.as_second()))
        .unwrap_or_else(|| "?".into());
    let style = Style::default().fg(if e.warning { t.warn } else { t.muted });
    let mut spans = vec![
        Span::styled(format!("{age:>4} "), Style::default().fg(t.muted)),
        Span::styled(
            match (e.warning, width >= 100) {
                (true, true) => "Warning ",
                (false, true) => "Normal  ",
                (true, false) => "! ",
                (false, false) => "  ",
            },
            style,
        ),
        Span::styled(format!("{} ", e.reason), style.add_modifier(Modifier::BOLD)),
        Span::raw(format!("{} ", e.object)),
        Span::styled(e.message.clone(), Style::default().fg(t.text)),
    ];
    if e.count > 1 {
        spans.push(Span::styled(
            format!(" (×{})", e.count),
            Style::default().fg(t.muted),
        ));
    }
    if e.resolved {
        // A later state resolved it (the HPA reads its metrics again): dimmed, no advice.
        spans.push(Span::styled("  ✓ resolved", Style::default().fg(t.ok)));
        let spans: Vec<Span> = spans
            .into_iter()
            .map(|s| {
                let style = s.style.fg(t.muted).add_modifier(Modifier::DIM);
                Span::styled(s.content, style)
            })
            .collect();
        return clip_line(spans, width);
    }
    if let Some(h) = &e.hint {
        spans.push(Span::styled(
            format!("  → {h}"),
            Style::default().fg(t.accent),
        ));
    }
    clip_line(spans, width)
}

/// Too wide: shorten the message (span 4) first, then the last span, so the advice stays
/// visible.
fn clip_line(mut spans: Vec<Span<'static>>, width: usize) -> Line<'static> {
    // Too wide: shorten the message first, then the hint, so the advice stays visible.
    for i in [4, spans.len() - 1] {
        let len: usize = spans.iter().map(|s| s.content.chars().count()).sum();
        if len > width {
            let keep = spans[i].content.chars().count().saturating_sub(len - width);
            spans[i] = Span::styled(format::clip(&spans[i].content, keep), spans[i].style);
        }
    }
    Line::from(spans)
}
