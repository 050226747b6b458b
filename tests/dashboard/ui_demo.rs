//! The demo's first frame: the simulated agents' 30 minutes before the start
//! (fast-forwarded by the sim's model) back-fill the charts, so a newcomer sees latency,
//! tokens and cost across the whole window at once. Snapshotted at 120×40; axis clock
//! labels are local time and replaced by "HH:MM".

use crate::common::screen;

use agentdeck::app::{App, Msg, update};
use agentdeck::config::Config;
use agentdeck::metrics::simulated::Sample;
use agentdeck::metrics::{MetricsOrigin, MetricsSnapshot, Reading, Recent};
use agentdeck_sim::{SimAgents, SimConfig};
use jiff::{SignedDuration, Timestamp};

fn start() -> Timestamp {
    "2026-11-26T12:00:00Z".parse().unwrap()
}

fn value(v: Option<f64>) -> Reading<f64> {
    v.map_or(Reading::NoData, Reading::Value)
}

/// The first snapshot of the demo's simulated feed at `start`: the model's reading at the
/// start, carrying the window before it.
fn first_snapshot() -> MetricsSnapshot {
    let sc = SimConfig {
        preload: agentdeck::cli::bundled_preload().unwrap(),
        ..SimConfig::default()
    };
    let sim = SimAgents::offline(&sc).unwrap();
    let past = agentdeck::cmd::demo::history_from_start(&sim, &Config::default(), start());
    let now: Sample = past.samples(start(), start()).pop().unwrap();
    MetricsSnapshot {
        origin: MetricsOrigin::Simulated,
        at: now.at,
        reachable: true,
        p50_ms: value(now.p50_ms),
        p95_ms: value(now.p95_ms),
        tokens: now.tokens.clone().map_or(Reading::NoData, Reading::Value),
        request_rate: Reading::Value(3.0),
        unauthorized_ratio: value(now.unauthorized_ratio),
        recent: Recent::default(),
        backfill: Some(Box::new(
            past.backfill(start() - SignedDuration::from_mins(30), start()),
        )),
        ..Default::default()
    }
}

fn app() -> App {
    let mut a = screen::app(MetricsOrigin::Simulated, start());
    let _ = update(&mut a, Msg::Metrics(Box::new(first_snapshot())));
    let _ = update(&mut a, Msg::Tick(start()));
    a
}

#[test]
fn the_first_frame_has_the_window_charted() {
    let a = app();
    assert_eq!(a.history.len(), 30 * 60 / 8 + 1);
    let span = start().duration_since(a.history.oldest().unwrap().at);
    assert_eq!(span, SignedDuration::from_mins(30));
    let text = screen::filter_clocks(&screen::render(&a, 120, 40));
    insta::assert_snapshot!("demo_first_frame_120x40", text);
}
