//! The dashboard's header: READ-ONLY and the way back to the fleet, the context and
//! namespace, the cluster's state and the data's age, where the metrics come from.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::back_key;
use crate::app::App;
use crate::format;
use crate::theme::Theme;

fn dot(ok: bool, t: &Theme) -> Span<'static> {
    Span::styled("●", Style::default().fg(if ok { t.ok } else { t.error }))
}

/// The header's first marks: READ-ONLY, and the way back to the fleet.
fn header_marks(app: &App) -> Vec<Span<'static>> {
    let t = app.theme();
    let mut spans = read_only_mark(app);
    if app.fleet.is_some() {
        spans.push(Span::styled(
            format!("{} fleet ‹ ", back_key(app)),
            Style::default().fg(t.muted),
        ));
    }
    spans
}

/// " READ-ONLY " when writes are refused.
pub(super) fn read_only_mark(app: &App) -> Vec<Span<'static>> {
    let t = app.theme();
    let mut spans = Vec::new();
    if app.permissions.read_only() {
        spans.push(Span::styled(
            " READ-ONLY ",
            Style::default()
                .fg(t.background)
                .bg(t.warn)
                .add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::raw(" "));
    }
    spans
}

/// How long the header says the cluster's state was reloaded.
const RELOAD_SHOWN_SECS: i64 = 120;

pub(super) fn draw(f: &mut Frame, app: &App, area: Rect) {
    let t = app.theme();
    let muted = Style::default().fg(t.muted);
    let mut spans = header_marks(app);
    if area.width >= 100 {
        spans.push(Span::styled(
            "agentdeck │ ",
            Style::default().fg(t.accent).add_modifier(Modifier::BOLD),
        ));
    }
    spans.extend([
        Span::styled("ctx ", muted),
        Span::raw(crate::text::printable(&app.context)),
        Span::styled(" │ ns ", muted),
        Span::raw(crate::text::printable(&app.namespace)),
        Span::styled(" │ cluster ", muted),
    ]);
    match (&app.cluster_error, app.cluster_age()) {
        (Some((e, since)), _) => {
            let s = app.now.as_second() - since.as_second();
            spans.push(dot(false, t));
            spans.push(Span::styled(
                format!(" stale {} ({})", format::age(s), format::clip(e, 40)),
                Style::default().fg(t.error),
            ));
        }
        (None, Some(age)) => {
            let degraded: Vec<&str> = app
                .cluster
                .as_ref()
                .map(|c| c.degraded().into_iter().map(|(k, _)| k).collect())
                .unwrap_or_default();
            spans.push(dot(degraded.is_empty(), t));
            spans.push(Span::raw(format!(" {}", format::age(age))));
            if !degraded.is_empty() {
                spans.push(Span::styled(
                    format!(" (cannot read {})", degraded.join(", ")),
                    Style::default().fg(t.warn),
                ));
            }
            // The server's history restarted: what is shown was listed anew.
            if let Some((at, _)) = app.cluster.as_ref().and_then(|c| c.reloaded.as_ref())
                && app.now.as_second() - at.as_second() < RELOAD_SHOWN_SECS
            {
                spans.push(Span::styled(
                    format!(
                        " · state reloaded {} ago",
                        format::age(app.now.as_second() - at.as_second())
                    ),
                    Style::default().fg(t.warn),
                ));
            }
        }
        (None, None) => spans.push(Span::styled("connecting…", Style::default().fg(t.warn))),
    }
    spans.push(Span::styled(" │ metrics ", muted));
    match (&app.metrics, app.metrics_age()) {
        (Some(m), Some(age)) => {
            spans.push(dot(m.reachable, t));
            spans.extend(metrics_source(m, age, muted));
        }
        _ => spans.push(Span::styled(
            match &app.metrics_origin {
                crate::metrics::MetricsOrigin::None => "none (set --prometheus-url)".to_string(),
                s => format!("{} waiting…", s.label()),
            },
            Style::default().fg(t.warn),
        )),
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// "prometheus · OTel GenAI 3s": where the metrics come from, the stacks they are read
/// as, and their age.
fn metrics_source(
    m: &crate::metrics::MetricsSnapshot,
    age: i64,
    muted: Style,
) -> Vec<Span<'static>> {
    let label = match &m.origin {
        crate::metrics::MetricsOrigin::Simulated => "simulated",
        crate::metrics::MetricsOrigin::Prometheus(_) if !m.reachable => "prometheus DOWN",
        crate::metrics::MetricsOrigin::Prometheus(_) => "prometheus",
        crate::metrics::MetricsOrigin::None => "none",
    };
    if !m.stack.is_empty() && m.reachable {
        vec![
            Span::raw(format!(" {label} · {}", m.stack)),
            Span::styled(format!(" {}", format::age(age)), muted),
        ]
    } else {
        vec![Span::raw(format!(" {label} {}", format::age(age)))]
    }
}
