//! Charts over the metrics history, like the stack's monitoring board: latency (p50, p95
//! and the p95 limit), tokens per minute by model, $/hour. The x axis is the history window
//! ending now, labelled in local HH:MM; the y axis is labelled with its unit. No legend:
//! the numbers beside each chart are drawn in its lines' colours. Drawn only where they fit
//! ([`fits`]): the numbers come first.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Chart, Dataset, GraphType};

use crate::app::App;
use crate::metrics::history::Point;
use crate::theme::Theme;

/// The smallest area a chart is drawn in: below it, a chart says nothing readable.
pub(super) const MIN_WIDTH: u16 = 30;
pub(super) const MIN_HEIGHT: u16 = 6;

/// Is `area` big enough for a chart?
pub(super) fn fits(area: Rect) -> bool {
    area.width >= MIN_WIDTH && area.height >= MIN_HEIGHT
}

/// One line of a chart: its legend name, colour and `(seconds before now, value)` points.
struct Line {
    name: String,
    color: Color,
    points: Vec<(f64, f64)>,
}

/// p50 and p95 in ms (labelled ms or s by magnitude) and the p95 limit as a flat line.
pub(super) fn latency(f: &mut Frame, app: &App, area: Rect) {
    let t = app.theme();
    let mut lines = vec![
        series(app, "p50", t.chart_p50, |p| p.p50_ms),
        series(app, "p95", t.chart_p95, |p| p.p95_ms),
    ];
    let limit = app.runbook.p95_threshold_ms;
    if limit.is_finite() && limit > 0.0 {
        let w = window_secs(app);
        lines.push(Line {
            name: "p95 limit".into(),
            color: t.warn,
            points: vec![(-w, limit), (0.0, limit)],
        });
    }
    draw(f, app, area, &lines, latency_label, None);
}

/// Tokens per minute, one line per model.
pub(super) fn tokens(f: &mut Frame, app: &App, area: Rect) {
    let lines: Vec<Line> = app
        .history
        .models()
        .into_iter()
        .map(|model| {
            series(app, model, model_color(app, model), |p| {
                p.model_rate(model).map(|r| r * 60.0)
            })
        })
        .collect();
    draw(f, app, area, &lines, compact, Some("tokens/min"));
}

/// $/hour at the configured prices.
pub(super) fn cost(f: &mut Frame, app: &App, area: Rect) {
    let lines = [series(app, "$/h", app.theme().accent, |p| p.usd_per_hour)];
    draw(f, app, area, &lines, |v| format!("{v:.2}"), Some("$/h"));
}

/// The colour of `model`'s line: by its place among the models in the history, from
/// theme roles (models have no role of their own).
pub(super) fn model_color(app: &App, model: &str) -> Color {
    let t = app.theme();
    let palette = palette(t);
    let i = app
        .history
        .models()
        .iter()
        .position(|m| *m == model)
        .unwrap_or(0);
    palette[i % palette.len()]
}

fn palette(t: &Theme) -> [Color; 6] {
    [t.accent, t.ok, t.chart_p95, t.chart_p50, t.warn, t.title]
}

fn window_secs(app: &App) -> f64 {
    app.history.window().as_secs_f64()
}

fn series(app: &App, name: &str, color: Color, f: impl Fn(&Point) -> Option<f64>) -> Line {
    let w = window_secs(app);
    let mut points = app.history.series_at(app.now, f);
    points.retain(|(x, _)| *x >= -w && *x <= 0.0);
    Line {
        name: name.to_string(),
        color,
        points,
    }
}

/// 1.2k, 34, 5.6M.
fn compact(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

/// Milliseconds as "850ms" or "1.5s": seconds from one second up.
fn latency_label(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.1}s", v / 1000.0)
    } else {
        format!("{v:.0}ms")
    }
}

/// The top of the y axis: a little above the largest value, at least 1.
fn top(lines: &[Line]) -> f64 {
    let max = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|(_, y)| *y))
        .filter(|y| y.is_finite())
        .fold(0.0, f64::max);
    (max * 1.1).max(1.0)
}

/// "14:05" in the local time zone.
fn hhmm(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned(tz.clone()).strftime("%H:%M").to_string()
}

fn draw(
    f: &mut Frame,
    app: &App,
    area: Rect,
    lines: &[Line],
    label: impl Fn(f64) -> String,
    unit: Option<&str>,
) {
    if !fits(area) {
        return;
    }
    let t = app.theme();
    let muted = Style::default().fg(t.muted);
    let w = window_secs(app);
    let tz = &app.tz;
    let half = jiff::SignedDuration::from_secs_f64(w / 2.0);
    let x_labels = [app.now - half - half, app.now - half, app.now]
        .map(|at| Span::styled(hhmm(at, tz), muted));
    let y_top = top(lines);
    let y_labels = [0.0, y_top / 2.0, y_top].map(|v| Span::styled(label(v), muted));
    let datasets: Vec<Dataset> = lines
        .iter()
        .map(|l| {
            Dataset::default()
                .name(l.name.clone())
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::default().fg(l.color))
                .data(&l.points)
        })
        .collect();
    let mut y_axis = Axis::default()
        .style(muted)
        .bounds([0.0, y_top])
        .labels(y_labels);
    if let Some(unit) = unit {
        y_axis = y_axis.title(Span::styled(unit.to_string(), muted));
    }
    let chart = Chart::new(datasets)
        .x_axis(
            Axis::default()
                .style(muted)
                .bounds([-w, 0.0])
                .labels(x_labels),
        )
        .y_axis(y_axis)
        .legend_position(None);
    f.render_widget(chart, area);
}
