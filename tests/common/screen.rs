//! The screen side of the tests: an App as the dashboard starts it (context prod-eu,
//! namespace ai-agents, clocks in UTC whatever the machine's zone) and a frame drawn on a
//! TestBackend as text. Included with `#[path = "common/screen.rs"] mod screen;` by the
//! tests that draw, so they do not compile the simulator helpers.
#![allow(dead_code)]

use agentdeck::app::{App, Settings};
use agentdeck::config::default_models;
use agentdeck::metrics::MetricsOrigin;
use agentdeck::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// A fresh App at `now`, reading metrics from `origin`.
pub fn app(origin: MetricsOrigin, now: jiff::Timestamp) -> App {
    let mut a = App::new(
        Settings {
            context: "prod-eu".into(),
            namespace: "ai-agents".into(),
            contexts: vec!["prod-eu".into()],
            metrics_origin: origin,
            prices: default_models(),
            gpu_hour_price: None,
            history_minutes: 30,
            themes: Theme::bundled(),
            theme: "dark".into(),
            read_only: false,
            runbook: Default::default(),
            alerts: Default::default(),
        },
        now,
    );
    a.tz = jiff::tz::TimeZone::UTC;
    a
}

/// The App reading a Prometheus at the usual in-cluster address.
pub fn prometheus_app(now: jiff::Timestamp) -> App {
    app(
        MetricsOrigin::Prometheus("http://prometheus.monitoring:9090".into()),
        now,
    )
}

/// One frame of `a` at `w`×`h`, as text (trailing blanks trimmed).
pub fn render(a: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| agentdeck::ui::draw(f, a)).unwrap();
    let buf = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let line: String = (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The style of the footer hint `label` (e.g. "<r>") on a 120×30 frame of `a`: greyed and
/// struck when the write is refused.
pub fn footer_style(a: &App, label: &str) -> ratatui::style::Style {
    let (w, h) = (120, 30);
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| agentdeck::ui::draw(f, a)).unwrap();
    let buf = t.backend().buffer().clone();
    let line: String = (0..w)
        .map(|x| buf[(x, h - 1)].symbol().to_string())
        .collect();
    let at = line
        .find(label)
        .unwrap_or_else(|| panic!("{label} not in {line}"));
    let x = line[..at].chars().count() as u16;
    buf[(x, h - 1)].style()
}

/// "12:34" → "HH:MM" (axis labels are in the local time zone).
pub fn filter_clocks(s: &str) -> String {
    let c: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < c.len() {
        let digit = |k: usize| c.get(k).is_some_and(|ch| ch.is_ascii_digit());
        let boundary = i == 0 || !c[i - 1].is_ascii_digit();
        if boundary
            && digit(i)
            && digit(i + 1)
            && c.get(i + 2) == Some(&':')
            && digit(i + 3)
            && digit(i + 4)
            && !digit(i + 5)
        {
            out.push_str("HH:MM");
            i += 5;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}
