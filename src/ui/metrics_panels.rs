//! Metrics panels: latency (now and history), token rate per model, cost, each with its
//! chart where there is room (the numbers first: small screens drop the charts). An error
//! is told once, where it belongs: Prometheus down in the latency panel (the header says
//! DOWN), a failed query on its own panel; the others keep their last good values, greyed,
//! with their age in the title.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};

use super::{block, charts};
use crate::app::{App, keymap};
use crate::format;
use crate::metrics::{Cost, MetricsSnapshot, ModelRate, Reading};
use crate::theme::Theme;

/// Rows the latency panel keeps for its chart before the tokens and cost panels grow.
const LATENCY_ROWS: u16 = 14;
/// Columns of the numbers beside a chart (the wide form: rate and share).
const NUMBERS_W: u16 = 36;
/// Columns between the numbers and the chart's y labels.
const GAP: u16 = 3;

/// The three panels stacked (wide screens). With rows to spare, the tokens and cost
/// panels grow to fit their charts.
pub(super) fn column(f: &mut Frame, app: &App, area: Rect) {
    let models = app.prices.len().max(1) as u16;
    let base = 2 * models + 8;
    let grow = (area.height.saturating_sub(base + LATENCY_ROWS) / 2).min(6);
    let [lat, tok, cost] = Layout::vertical([
        Constraint::Min(5),
        Constraint::Length(models + 3 + grow),
        Constraint::Length(models + 5 + grow),
    ])
    .areas(area);
    latency(f, app, lat);
    tokens(f, app, tok);
    costs(f, app, cost);
}

/// The three panels side by side (narrow screens).
pub(super) fn row(f: &mut Frame, app: &App, area: Rect) {
    let [lat, tok, cost] = Layout::horizontal([
        Constraint::Percentage(30),
        Constraint::Percentage(33),
        Constraint::Percentage(37),
    ])
    .areas(area);
    latency(f, app, lat);
    tokens(f, app, tok);
    costs(f, app, cost);
}

fn err_line(app: &App, text: String) -> Line<'static> {
    Line::from(Span::styled(text, Style::default().fg(app.theme().error)))
}

fn latency(f: &mut Frame, app: &App, area: Rect) {
    let t = app.theme();
    // The per-agent view is one key away: say which, where the numbers are.
    let title = match app
        .keymap
        .label(keymap::Scope::Normal, keymap::Action::Agents)
    {
        Some(k) if app.metrics.is_some() => format!("latency · {k} per agent"),
        _ => "latency".to_string(),
    };
    let b = block(&title, t);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let Some(m) = &app.metrics else {
        f.render_widget(
            Paragraph::new(Span::styled(
                "waiting for metrics…",
                Style::default().fg(t.muted),
            )),
            inner,
        );
        return;
    };
    let [now_area, chart] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    let failed = matches!(
        (&m.p95_ms, &m.p50_ms),
        (Reading::Error(_), _) | (_, Reading::Error(_))
    );
    let charted = charts::fits(chart) && !failed;
    f.render_widget(Paragraph::new(latency_now(app, m, charted)), now_area);
    // Prometheus down shows here only: the other panels keep their last good values.
    if let (Reading::Error(e), _) | (_, Reading::Error(e)) = (&m.p95_ms, &m.p50_ms) {
        f.render_widget(
            Paragraph::new(err_line(
                app,
                format::clip(e, chart.width as usize * chart.height.max(1) as usize),
            ))
            .wrap(ratatui::widgets::Wrap { trim: true }),
            chart,
        );
        return;
    }
    // The stack cannot give latency at all: say why, in words.
    if let Reading::Cannot(why) = &m.p95_ms {
        f.render_widget(
            Paragraph::new(cannot_lines(t, why)).wrap(ratatui::widgets::Wrap { trim: true }),
            chart,
        );
        return;
    }
    if charted {
        charts::latency(f, app, chart);
        return;
    }
    let values = app.history.values(|p| p.p95_ms);
    let take = chart.width as usize;
    let data: Vec<u64> = values[values.len().saturating_sub(take)..]
        .iter()
        .map(|v| v.map(|x| x.round() as u64).unwrap_or(0))
        .collect();
    if chart.height > 0 {
        f.render_widget(
            Sparkline::default()
                .data(&data)
                .style(Style::default().fg(t.chart_p95)),
            chart,
        );
    }
}

/// "p50 … p95 … req/s", the 401 share when there are any, and the p95 limit when the
/// chart draws it.
fn latency_now(app: &App, m: &MetricsSnapshot, charted: bool) -> Line<'static> {
    let t = app.theme();
    let val = |r: &Reading<f64>, color| match r {
        Reading::Value(v) => Span::styled(
            format::latency(*v, m.at_cap(*v)),
            Style::default().fg(color).add_modifier(Modifier::BOLD),
        ),
        Reading::NoData => Span::styled("no data", Style::default().fg(t.muted)),
        Reading::Error(_) => Span::styled("error", Style::default().fg(t.error)),
        Reading::Cannot(_) => Span::styled("n/a", Style::default().fg(t.muted)),
    };
    let mut line = vec![
        Span::raw("p50 "),
        val(&m.p50_ms, t.chart_p50),
        Span::raw("  p95 "),
        val(&m.p95_ms, t.chart_p95),
    ];
    // The provider's own probe beside the agents' p95: down, or how fast it answers.
    match (&m.recent.provider_up_ratio, &m.recent.provider_probe_ms) {
        (Reading::Value(u), _) if *u < crate::problems::PROBE_UP_RATIO => line.push(Span::styled(
            "  provider DOWN",
            Style::default().fg(t.error).add_modifier(Modifier::BOLD),
        )),
        (Reading::Value(_), Reading::Value(ms)) => line.push(Span::styled(
            format!("  provider {}", format::ms(*ms)),
            Style::default().fg(t.muted),
        )),
        _ => {}
    }
    if let Reading::Value(r) = &m.request_rate {
        line.push(Span::styled(
            format!("  {r:.1} req/s"),
            Style::default().fg(t.muted),
        ));
    }
    if let Reading::Value(u) = &m.unauthorized_ratio
        && *u > 0.001
    {
        line.push(Span::styled(
            format!("  401s {:.0}%", u * 100.0),
            Style::default().fg(t.error).add_modifier(Modifier::BOLD),
        ));
    }
    if let (Reading::Cannot(_), Reading::Value(c)) =
        (&m.recent.unauthorized_ratio, &m.recent.client_error_ratio)
        && *c > 0.001
    {
        line.push(Span::styled(
            format!("  4xx {:.0}%", c * 100.0),
            Style::default().fg(t.warn).add_modifier(Modifier::BOLD),
        ));
    }
    let limit = app.runbook.p95_threshold_ms;
    if charted && limit.is_finite() && limit > 0.0 {
        line.push(Span::styled(
            format!("  limit {}", format::ms(limit)),
            Style::default().fg(t.warn),
        ));
    }
    Line::from(line)
}

/// A "name ……… value" line that fits `width`: the name is clipped, never the value.
fn name_value(
    name: &str,
    value: String,
    width: usize,
    name_style: Style,
    value_style: Style,
) -> Line<'static> {
    let vw = value.chars().count();
    let nw = width.saturating_sub(vw + 1).max(1);
    Line::from(vec![
        Span::styled(format!("{:<nw$} ", format::clip(name, nw)), name_style),
        Span::styled(value, value_style),
    ])
}

/// How a panel's values are drawn: live, or the last good ones greyed (their query fails).
#[derive(Clone, Copy)]
struct Look<'a> {
    t: &'a Theme,
    stale: bool,
    /// Beside a chart: model names take their line's colour.
    charted: Option<&'a App>,
}

impl Look<'_> {
    fn style(&self, s: Style) -> Style {
        if self.stale {
            Style::default().fg(self.t.muted)
        } else {
            s
        }
    }
}

/// "cannot tell: …" — a quantity the stack does not export, and why.
fn cannot_lines(t: &Theme, why: &str) -> Vec<Line<'static>> {
    vec![Line::from(Span::styled(
        format!("cannot tell: {why}"),
        Style::default().fg(t.warn),
    ))]
}

fn muted_line(t: &Theme, text: &str) -> Vec<Line<'static>> {
    vec![Line::from(Span::styled(
        text.to_string(),
        Style::default().fg(t.muted),
    ))]
}

/// "tokens · 5m ago": the title of a panel that shows the values read at `at`.
fn aged_title(app: &App, name: &str, at: jiff::Timestamp) -> String {
    let secs = app.now.as_second() - at.as_second();
    format!("{name} · {} ago", format::age(secs))
}

/// What a panel shows when its numbers are unavailable but the error is told elsewhere
/// (the latency panel when Prometheus is down, the tokens panel when its query fails).
fn unavailable(m: &crate::metrics::MetricsSnapshot) -> &'static str {
    if m.reachable {
        "no data: the tokens query failed"
    } else {
        "no data: prometheus DOWN"
    }
}

/// The numbers' area and, when there is room beside them, the chart's.
fn beside_chart(app: &App, inner: Rect) -> (Rect, Option<Rect>) {
    if app.history.is_empty() || inner.width < NUMBERS_W + GAP + charts::MIN_WIDTH {
        return (inner, None);
    }
    let [numbers, _, chart] = Layout::horizontal([
        Constraint::Length(NUMBERS_W),
        Constraint::Length(GAP),
        Constraint::Min(0),
    ])
    .areas(inner);
    (numbers, charts::fits(chart).then_some(chart))
}

/// The panel's block, the numbers in it, and the chart beside them where it fits.
fn numbers_and_chart(
    f: &mut Frame,
    app: &App,
    area: Rect,
    title: &str,
    lines: impl FnOnce(usize, bool) -> Vec<Line<'static>>,
    chart: fn(&mut Frame, &App, Rect),
) {
    let b = block(title, app.theme());
    let inner = b.inner(area);
    f.render_widget(b, area);
    let (numbers, chart_area) = beside_chart(app, inner);
    f.render_widget(
        Paragraph::new(lines(numbers.width as usize, chart_area.is_some()))
            .wrap(ratatui::widgets::Wrap { trim: true }),
        numbers,
    );
    if let Some(c) = chart_area {
        chart(f, app, c);
    }
}

fn tokens(f: &mut Frame, app: &App, area: Rect) {
    let t = app.theme();
    let mut title = "tokens".to_string();
    let live = Look {
        t,
        stale: false,
        charted: None,
    };
    // Beside a chart, each model's name is drawn in its line's colour: the legend.
    let lines = |w: usize, charted: bool| -> Vec<Line<'static>> {
        let live = Look {
            charted: charted.then_some(app),
            ..live
        };
        match &app.metrics {
            None => muted_line(t, "waiting for metrics…"),
            Some(m) => match (&m.tokens, app.history.last_tokens()) {
                (Reading::NoData, _) => muted_line(t, "no data"),
                (Reading::Cannot(why), _) => cannot_lines(t, why),
                (Reading::Value(rates), _) => token_lines(rates, w, live),
                // Its own query failed: the error belongs here.
                (Reading::Error(e), _) if m.reachable => {
                    vec![err_line(app, format!("error: {e}"))]
                }
                // Prometheus is down (said in the header and the latency panel).
                (Reading::Error(_), Some(last)) => token_lines(
                    &last.value,
                    w,
                    Look {
                        stale: true,
                        ..live
                    },
                ),
                (Reading::Error(_), None) => muted_line(t, unavailable(m)),
            },
        }
    };
    if let Some(m) = &app.metrics
        && let (Reading::Error(_), Some(last)) = (&m.tokens, app.history.last_tokens())
        && !m.reachable
    {
        title = aged_title(app, "tokens", last.at);
    }
    numbers_and_chart(f, app, area, &title, lines, charts::tokens);
}

/// The total, then every model's rate (and share on wide panels).
fn token_lines(rates: &[ModelRate], w: usize, look: Look) -> Vec<Line<'static>> {
    let t = look.t;
    let total: f64 = rates.iter().map(|r| r.tokens_per_sec).sum();
    let wide = w >= 34;
    let value = if wide {
        format!("{:>10}     ", format::per_min(total))
    } else {
        format::per_min(total)
    };
    let mut v = vec![name_value(
        "total",
        value,
        w,
        look.style(Style::default().add_modifier(Modifier::BOLD)),
        look.style(Style::default().fg(t.accent).add_modifier(Modifier::BOLD)),
    )];
    v.extend(rates.iter().map(|r| {
        let share = if total > 0.0 {
            r.tokens_per_sec / total * 100.0
        } else {
            0.0
        };
        let value = if wide {
            format!("{:>10} {share:>3.0}%", format::per_min(r.tokens_per_sec))
        } else {
            format::per_min(r.tokens_per_sec)
        };
        name_value(
            &r.model,
            value,
            w,
            look.style(match look.charted {
                Some(app) => Style::default().fg(charts::model_color(app, &r.model)),
                None => Style::default(),
            }),
            look.style(Style::default().fg(t.text)),
        )
    }));
    v
}

fn costs(f: &mut Frame, app: &App, area: Rect) {
    let t = app.theme();
    let mut title = "cost".to_string();
    if let Some(m) = &app.metrics
        && let (Reading::Error(_), Some(last)) = (&m.tokens, app.history.last_cost())
    {
        title = aged_title(app, "cost", last.at);
    }
    let lines = |w: usize, _charted: bool| -> Vec<Line<'static>> {
        let live = Look {
            t,
            stale: false,
            charted: None,
        };
        match &app.metrics {
            None => muted_line(t, "waiting for metrics…"),
            Some(m) => match (&m.tokens, &app.cost, app.history.last_cost()) {
                (Reading::Value(_) | Reading::Cannot(_), Some(c), _) => cost_lines(c, w, live),
                (Reading::Cannot(why), None, _) => cannot_lines(t, why),
                // The tokens query failed or Prometheus is down: the error is told elsewhere.
                (Reading::Error(_), _, Some(last)) => cost_lines(
                    &last.value,
                    w,
                    Look {
                        stale: true,
                        ..live
                    },
                ),
                (Reading::Error(_), _, None) => muted_line(t, unavailable(m)),
                _ => muted_line(t, "no data"),
            },
        }
    };
    numbers_and_chart(f, app, area, &title, lines, charts::cost);
}

/// A self-hosted model without a GPU price: the cost is not known; the note says how to
/// know it.
fn unknown_cost_lines(c: &Cost, w: usize, look: Look) -> Vec<Line<'static>> {
    let t = look.t;
    let mut v = vec![name_value(
        "now",
        format!("{:>12}", "unknown"),
        w,
        look.style(Style::default().add_modifier(Modifier::BOLD)),
        look.style(Style::default().fg(t.warn)),
    )];
    if let Some(n) = &c.note {
        v.push(Line::from(Span::styled(
            n.clone(),
            look.style(Style::default().fg(t.warn)),
        )));
    }
    v
}

/// The stack's own spend count and the GPU time, where there are.
fn extra_cost_lines(c: &Cost, w: usize, look: Look) -> Vec<Line<'static>> {
    let t = look.t;
    let mut v = Vec::new();
    if let Some(r) = c.reported_usd_per_hour {
        v.push(name_value(
            "stack's own count",
            format!("{:>10}/h", format::usd(r)),
            w,
            look.style(Style::default()),
            look.style(Style::default().fg(t.accent)),
        ));
    }
    if let Some(g) = &c.gpu {
        v.push(name_value(
            &format!("gpu {:.0} pods", g.pods),
            format!("{:>10}/h", format::usd(g.usd_per_hour)),
            w,
            look.style(Style::default()),
            look.style(Style::default().fg(t.text)),
        ));
    }
    v
}

/// $/hour now, per month, the saving against list prices, then every model's $/hour.
fn cost_lines(c: &Cost, w: usize, look: Look) -> Vec<Line<'static>> {
    let t = look.t;
    if c.self_hosted && c.gpu.is_none() {
        return unknown_cost_lines(c, w, look);
    }
    let mut v = vec![
        name_value(
            "now",
            format!("{:>10}/h", format::usd(c.usd_per_hour)),
            w,
            look.style(Style::default().add_modifier(Modifier::BOLD)),
            look.style(Style::default().fg(t.accent).add_modifier(Modifier::BOLD)),
        ),
        name_value(
            "month",
            format!("{:>12}", format::usd(c.usd_per_month)),
            w,
            look.style(Style::default()),
            look.style(Style::default().fg(t.text)),
        ),
    ];
    let saving = c
        .savings_ratio
        .map(|s| {
            format!(
                "saves {:.1}% vs list {}",
                s * 100.0,
                format::usd(c.list_usd_per_month)
            )
        })
        .unwrap_or_else(|| "no list prices".into());
    v.push(Line::from(Span::styled(
        saving,
        look.style(Style::default().fg(t.ok)),
    )));
    v.extend(extra_cost_lines(c, w, look));
    v.extend(c.per_model.iter().map(|m| {
        // A model without a price is not free: it is said, not priced at 0.
        let value = if c.self_hosted {
            format!("{:>12}", "self-hosted")
        } else if c.is_unpriced(&m.model) {
            format!("{:>12}", "no price")
        } else {
            format!("{:>10}/h", format::usd(m.usd_per_hour))
        };
        name_value(
            &m.model,
            value,
            w,
            look.style(Style::default()),
            look.style(Style::default().fg(if c.is_unpriced(&m.model) {
                t.warn
            } else {
                t.text
            })),
        )
    }));
    if let Some(n) = &c.note {
        v.push(Line::from(Span::styled(
            n.clone(),
            look.style(Style::default().fg(t.warn)),
        )));
    }
    v
}
