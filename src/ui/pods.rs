//! The drill-down: the pods of one workload (`Enter` on it, `Esc` back), in kubectl's
//! words — ready, status with its reason, restarts with the last exit and when, node,
//! age — and the working set against the limit where the resource metrics API serves it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Row, Table, TableState};

use super::block;
use crate::app::App;
use crate::cluster::model::{ContainerView, PodView};
use crate::format;

fn age(app: &App, t: Option<jiff::Timestamp>) -> String {
    t.map(|t| format::age(app.now.as_second() - t.as_second()))
        .unwrap_or_else(|| "?".into())
}

/// "1.2Gi/2Gi" of the pod's first container, or "-".
fn memory(app: &App, p: &PodView, limit: Option<&String>) -> String {
    let used = app.cluster.as_ref().and_then(|c| {
        c.resource_metrics
            .working_set
            .get(&(p.name.clone(), p.container.clone()))
    });
    match (used, limit) {
        (Some(u), Some(l)) => format!("{}/{l}", crate::problems::bytes(*u)),
        (Some(u), None) => crate::problems::bytes(*u),
        (None, _) => "-".into(),
    }
}

/// "120m/250m": the pod's first container's CPU use against its request (else its limit).
fn cpu(app: &App, p: &PodView, c: Option<&ContainerView>) -> String {
    let used = app.cluster.as_ref().and_then(|cl| {
        cl.resource_metrics
            .cpu
            .get(&(p.name.clone(), p.container.clone()))
    });
    let Some(u) = used else {
        return "-".into();
    };
    let u = if *u < 1.0 {
        format!("{:.0}m", u * 1000.0)
    } else {
        format!("{u:.2}")
    };
    match c.and_then(|c| c.requests.get("cpu").or(c.limits.get("cpu"))) {
        Some(of) => format!("{u}/{of}"),
        None => u,
    }
}

/// The rows `start..end` of a table of `len` rows that fit in `height` lines with `selected`
/// among them: where ratatui's Table, drawn afresh each frame, would scroll to.
pub(super) fn window(len: usize, selected: usize, height: u16) -> (usize, usize) {
    let h = usize::from(height.max(1));
    let start = (selected + 1).saturating_sub(h).min(len.saturating_sub(1));
    (start.min(len), (start + h).min(len))
}

/// Below this width only what a crash needs: name, ready, status, restarts, last exit.
const NARROW: u16 = 110;

fn row(app: &App, p: &PodView, c: Option<&ContainerView>, wide: bool) -> Row<'static> {
    let limit = c.and_then(|c| c.limits.get("memory"));
    let t = app.theme();
    let bad = !matches!(p.status.as_str(), "Running" | "Completed" | "Succeeded");
    let last = p
        .last_exit
        .as_ref()
        .map(|(why, at)| format!("{why} {} ago", age(app, *at)))
        .unwrap_or_default();
    let mut cells = vec![
        p.name.clone(),
        p.ready.clone(),
        p.status.clone(),
        p.restarts.to_string(),
        last,
    ];
    if wide {
        cells.extend([
            p.node.clone(),
            age(app, p.created),
            cpu(app, p, c),
            memory(app, p, limit),
        ]);
    }
    Row::new(cells).style(Style::default().fg(if bad { t.warn } else { t.text }))
}

pub(super) fn draw(f: &mut Frame, app: &App, area: Rect) {
    let t = app.theme();
    let Some(view) = app.pods_view() else {
        return;
    };
    let (kind, name) = (view.kind, &view.name);
    let pods = app.drilled_pods();
    let container = app
        .cluster
        .as_ref()
        .and_then(|c| {
            c.workloads
                .iter()
                .find(|w| w.kind == kind && &w.name == name)
        })
        .and_then(|w| w.containers.first());
    let title = format!(
        "pods of {} {name} · {} · {} back",
        kind.name().to_lowercase(),
        pods.len(),
        super::back_key(app)
    );
    let wide = area.width >= NARROW;
    let names = [
        "NAME",
        "READY",
        "STATUS",
        "RESTARTS",
        "LAST EXIT",
        "NODE",
        "AGE",
        "CPU",
        "MEM",
    ];
    let header = Row::new(names.into_iter().take(if wide { 9 } else { 5 }))
        .style(Style::default().fg(t.muted).add_modifier(Modifier::BOLD));
    // Only the rows that fit are built: a workload may have 50,000 pods.
    let selected = view.selected.min(pods.len().saturating_sub(1));
    let (start, end) = window(pods.len(), selected, area.height.saturating_sub(3));
    let shown: Vec<&PodView> = pods.range(start, end).collect();
    let rows: Vec<Row> = shown.iter().map(|p| row(app, p, container, wide)).collect();
    let name_w = shown
        .iter()
        .map(|p| p.name.chars().count())
        .max()
        .unwrap_or(4) as u16;
    let mut widths = vec![
        Constraint::Min(name_w.min(40)),
        Constraint::Length(5),
        Constraint::Length(17),
        Constraint::Length(8),
        Constraint::Length(20),
    ];
    if wide {
        widths.extend([
            Constraint::Length(12),
            Constraint::Length(5),
            Constraint::Length(10),
            Constraint::Length(11),
        ]);
    }
    let selected = (!rows.is_empty()).then(|| selected - start);
    let table = Table::new(rows, widths)
        .header(header)
        .block(block(&title, t))
        .row_highlight_style(t.selected())
        .highlight_symbol("▶");
    f.render_stateful_widget(
        table,
        area,
        &mut TableState::default().with_selected(selected),
    );
}
