use std::time::Duration;

use agentdeck_sim::{SimAgents, SimConfig};
use jiff::{SignedDuration, Timestamp};
use tokio::sync::watch;

use super::*;
use crate::app::{App, Msg, Settings, update};
use crate::config::Config;

/// The sim as the demo loads it (the bundled stack), not serving.
fn demo_sim() -> SimAgents {
    let sc = SimConfig {
        preload: crate::manifests::bundled_preload().unwrap(),
        ..SimConfig::default()
    };
    SimAgents::offline(&sc).unwrap()
}

fn app(namespace: &str, now: Timestamp) -> App {
    App::new(
        Settings {
            context: "sim".into(),
            namespace: namespace.into(),
            contexts: vec!["sim".into()],
            metrics_origin: MetricsOrigin::Simulated,
            prices: crate::config::default_models(),
            gpu_hour_price: None,
            history_minutes: 30,
            themes: crate::theme::Theme::bundled(),
            theme: "dark".into(),
            read_only: false,
            runbook: Default::default(),
            alerts: Default::default(),
        },
        now,
    )
}

fn config() -> Config {
    let mut cfg = Config::default();
    cfg.prometheus.refresh_secs = 0.5;
    cfg
}

/// The next snapshot with a back-fill (a tick may come just before the change is seen).
async fn next_backfill(rx: &mut tokio::sync::mpsc::Receiver<MetricsSnapshot>) -> MetricsSnapshot {
    for _ in 0..3 {
        let s = rx.recv().await.unwrap();
        if s.backfill.is_some() {
            return s;
        }
    }
    panic!("no back-fill after the namespace changed")
}

#[tokio::test]
async fn the_first_simulated_snapshot_backfills_the_window_and_later_ones_do_not() {
    let cfg = config();
    let (ns_tx, ns_rx) = watch::channel(cfg.stack.namespace.clone());
    let mut rx = simulated_feed(demo_sim(), &cfg).spawn(&cfg, ns_rx).unwrap();
    let first = rx.recv().await.unwrap();
    let b = first
        .backfill
        .as_deref()
        .expect("the first snapshot back-fills");
    assert_eq!(b.namespace, "ai-agents");
    assert_eq!(b.step, Duration::from_secs(8));
    assert!(b.errors.is_empty());
    // The 30 minutes before the start at 8 s (the oldest one falls just outside the
    // window ending now), and the live reading itself.
    assert_eq!(b.points.len(), 30 * 60 / 8 + 1);
    assert!(b.points.windows(2).all(|w| w[0].at < w[1].at));
    let covered = b.points[b.points.len() - 1]
        .at
        .duration_since(b.points[0].at);
    assert!(
        covered >= SignedDuration::from_secs(30 * 60 - 8),
        "{covered}"
    );
    for p in &b.points[..b.points.len() - 1] {
        let (p50, p95) = (p.p50_ms.unwrap(), p.p95_ms.unwrap());
        assert!(p95 > p50 && p50 > 0.0, "{p:?}");
        assert_eq!(p.tokens.as_ref().map(Vec::len), Some(4));
    }

    // Applied, the charts' history spans the window from the first frame.
    let mut a = app("ai-agents", first.at);
    let _ = update(&mut a, Msg::Metrics(Box::new(first.clone())));
    // The oldest point may fall a moment outside the window by the time it is applied.
    let n = a.history.len();
    assert!((30 * 60 / 8..=30 * 60 / 8 + 1).contains(&n), "{n}");
    let span = a
        .history
        .latest()
        .unwrap()
        .at
        .duration_since(a.history.oldest().unwrap().at);
    assert!(span >= SignedDuration::from_secs(30 * 60 - 16), "{span}");
    // (The live reading has no latency yet: this sim runs no controllers, no pod is ready.)
    let before: Vec<_> = a.history.points().filter(|p| p.at < first.at).collect();
    assert!(
        before
            .iter()
            .all(|p| p.p95_ms.is_some() && p.usd_per_hour.is_some())
    );

    // A later snapshot carries none: nothing is applied twice.
    let second = rx.recv().await.unwrap();
    assert!(second.backfill.is_none());
    let before = a.history.len();
    let _ = update(&mut a, Msg::Metrics(Box::new(second)));
    assert_eq!(a.history.len(), before + 1);

    // `:ns` elsewhere: the agents do not run there — no data, as a Prometheus asked with
    // that namespace would answer, and no back-fill of theirs.
    ns_tx.send_replace("kube-system".into());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let third = loop {
        let s = rx.recv().await.unwrap();
        if matches!(s.p95_ms, Reading::NoData) {
            break s;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "still the agents' readings"
        );
    };
    assert!(third.backfill.is_none());
    assert!(
        matches!(third.tokens, Reading::NoData)
            && matches!(third.recent.request_rate, Reading::NoData)
    );

    // And back: the window again, now with what the feed read since.
    ns_tx.send_replace("ai-agents".into());
    let fourth = next_backfill(&mut rx).await;
    let bf = fourth
        .backfill
        .as_deref()
        .expect("a back-fill after :ns back");
    assert!(bf.points.len() >= 30 * 60 / 8 + 3, "{}", bf.points.len());
    let mut back = app("ai-agents", fourth.at);
    let _ = update(&mut back, Msg::Metrics(Box::new(fourth)));
    assert!(back.history.len() >= 30 * 60 / 8, "{}", back.history.len());
}

#[test]
fn the_history_is_the_model_before_the_start_at_wall_clock_times() {
    let cfg = Config::default();
    let start: Timestamp = "2026-11-26T12:00:00Z".parse().unwrap();
    let h = history_from_start(&demo_sim(), &cfg, start);
    let s = h.samples(start - SignedDuration::from_hours(1), start);
    assert_eq!(s.len(), 226);
    assert_eq!(s[0].at, start - SignedDuration::from_mins(30));
    assert_eq!(s[225].at, start);
    // Deterministic for the seed.
    let again = history_from_start(&demo_sim(), &cfg, start);
    assert_eq!(
        again.samples(start - SignedDuration::from_hours(1), start),
        s
    );
}

#[test]
fn without_agents_the_history_has_no_latency() {
    let cfg = Config::default();
    let sim = SimAgents::offline(&SimConfig::default()).unwrap();
    let start = Timestamp::now();
    let s =
        history_from_start(&sim, &cfg, start).samples(start - SignedDuration::from_hours(1), start);
    assert!(s.iter().all(|x| x.p50_ms.is_none() && x.p95_ms.is_none()));
}
