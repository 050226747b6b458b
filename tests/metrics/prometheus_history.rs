//! History from a real Prometheus (Debian's `prometheus`, run as a plain process): 40
//! minutes of the agents' metrics are written as TSDB blocks with `promtool tsdb
//! create-blocks-from openmetrics`, then the real feed runs against it. Its first snapshot
//! already carries the last 30 minutes (range queries), the app's history covers the window
//! and the first frame's charts span it; `:ns` reads the new namespace's window back.

use crate::common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use agentdeck::app::{App, Msg, update};
use agentdeck::config::Config;
use agentdeck::metrics::{Feed, MetricsOrigin};
use jiff::{SignedDuration, Timestamp};

const STEP: i64 = 15;
const MINUTES: i64 = 40;
/// Requests per scrape interval, and the share of them at or under each bucket bound:
/// p50 = 250 ms, p95 = 0.5 + 0.5 × (0.95 − 0.90) / (0.96 − 0.90) s ≈ 916.7 ms.
const REQUESTS: f64 = 30.0;
const BUCKETS: [(&str, f64); 5] = [
    ("0.25", 0.5),
    ("0.5", 0.9),
    ("1", 0.96),
    ("2", 1.0),
    ("+Inf", 1.0),
];
/// Tokens per second by model.
const TOKENS: [(&str, f64); 2] = [("deepseek-v3.2", 5.0), ("gpt-4.1", 10.0)];

/// OpenMetrics text: the histogram and token counters of namespace `ai-agents`, one sample
/// every STEP seconds from MINUTES ago until just now.
fn openmetrics(now: i64) -> String {
    let end = now - now % STEP - STEP;
    let times: Vec<i64> = (0..=MINUTES * 60 / STEP)
        .map(|i| end - MINUTES * 60 + i * STEP)
        .collect();
    let mut s = String::from("# TYPE http_request_duration_seconds histogram\n");
    for (le, share) in BUCKETS {
        for (i, t) in times.iter().enumerate() {
            let v = (i as f64 + 1.0) * REQUESTS * share;
            s += &format!(
                "http_request_duration_seconds_bucket{{namespace=\"ai-agents\",le=\"{le}\"}} {v} {t}\n"
            );
        }
    }
    for (i, t) in times.iter().enumerate() {
        let n = (i as f64 + 1.0) * REQUESTS;
        s += &format!("http_request_duration_seconds_count{{namespace=\"ai-agents\"}} {n} {t}\n");
        s += &format!(
            "http_request_duration_seconds_sum{{namespace=\"ai-agents\"}} {} {t}\n",
            n * 0.3
        );
    }
    s += "# TYPE ai_tokens_used counter\n";
    for (model, rate) in TOKENS {
        for (i, t) in times.iter().enumerate() {
            let v = i as f64 * STEP as f64 * rate;
            s += &format!(
                "ai_tokens_used_total{{namespace=\"ai-agents\",model=\"{model}\"}} {v} {t}\n"
            );
        }
    }
    s + "# EOF\n"
}

/// Prometheus on a TSDB made from `openmetrics`, killed on drop.
struct Backfilled {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Backfilled {
    fn start(now: i64) -> Backfilled {
        let dir = tempfile::tempdir().unwrap();
        let om = dir.path().join("agents.om");
        std::fs::write(&om, openmetrics(now)).unwrap();
        let data = dir.path().join("data");
        let out = Command::new("promtool")
            .args(["tsdb", "create-blocks-from", "openmetrics"])
            .arg(&om)
            .arg(&data)
            .output()
            .expect("promtool runs");
        assert!(out.status.success(), "promtool: {out:?}");
        let cfg = dir.path().join("prometheus.yml");
        std::fs::write(&cfg, "global:\n  scrape_interval: 15s\n").unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let log = std::fs::File::create(dir.path().join("prometheus.log")).unwrap();
        let child = Command::new("prometheus")
            .arg(format!("--config.file={}", cfg.display()))
            .arg(format!("--storage.tsdb.path={}", data.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("spawn prometheus");
        Backfilled {
            child,
            url: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        }
    }

    async fn wait_ready(&self) {
        agentdeck::tls::init();
        let http = reqwest::Client::new();
        for _ in 0..300 {
            if let Ok(r) = http.get(format!("{}/-/ready", self.url)).send().await
                && r.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("prometheus not ready");
    }
}

impl Drop for Backfilled {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn app(now: Timestamp) -> App {
    common::screen::app(MetricsOrigin::None, now)
}

fn render(a: &App) -> String {
    common::screen::render(a, 200, 50)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_snapshot_carries_the_window() {
    if !common::require_tool("prometheus") || !common::require_tool("promtool") {
        return;
    }
    let started = Timestamp::now();
    let prom = Backfilled::start(started.as_second());
    prom.wait_ready().await;

    let mut cfg = Config::default();
    cfg.prometheus.url = Some(prom.url.clone());
    cfg.prometheus.history_minutes = 30;
    let feed = Feed::from_config(&cfg, None).unwrap();
    let (ns_tx, ns_rx) = tokio::sync::watch::channel("ai-agents".to_string());
    let mut rx = feed.spawn(&cfg, ns_rx).expect("a prometheus feed");
    let first = tokio::time::timeout(Duration::from_secs(30), rx.recv())
        .await
        .expect("a first snapshot")
        .unwrap();

    // The live numbers are Prometheus' answer for the generated histogram and counters.
    let p95 = *first.p95_ms.value().expect("p95");
    assert!((p95 - 916.7).abs() < 1.0, "{p95}");
    let b = first
        .backfill
        .clone()
        .expect("the first snapshot carries the window");
    assert_eq!(b.namespace, "ai-agents");
    assert!(b.errors.is_empty(), "{:?}", b.errors);
    assert_eq!(b.to.duration_since(b.from), SignedDuration::from_mins(30));
    let oldest = b.points.first().expect("points").at;
    assert!(
        oldest.duration_since(b.from) <= SignedDuration::from_secs(10),
        "first point {oldest} vs window start {}",
        b.from
    );
    let mid = &b.points[b.points.len() / 2];
    assert!((mid.p50_ms.unwrap() - 250.0).abs() < 1.0, "{mid:?}");
    let rates = mid.tokens.as_ref().unwrap();
    assert_eq!(rates.len(), 2);
    assert!((rates[1].tokens_per_sec - 10.0).abs() < 0.01, "{rates:?}");

    // The app's first frame: the history spans the window, the charts are drawn over it.
    let mut a = app(first.at);
    let _ = update(&mut a, Msg::Metrics(Box::new(first)));
    let span = a
        .history
        .latest()
        .unwrap()
        .at
        .duration_since(a.history.oldest().unwrap().at);
    assert!(span >= SignedDuration::from_secs(29 * 60 + 50), "{span}");
    // The live point replaces the newest read-back one; the oldest may fall out of the window.
    assert!(a.history.len() + 1 >= b.points.len(), "{}", a.history.len());
    assert!(
        a.history
            .points()
            .all(|p| p.usd_per_hour.is_some_and(|c| c > 0.0)),
        "every point priced"
    );
    let screen = render(&a);
    let tz = jiff::tz::TimeZone::system();
    let start_label = (a.now - SignedDuration::from_mins(30))
        .to_zoned(tz)
        .strftime("%H:%M")
        .to_string();
    assert!(screen.contains("limit 2.00 s"), "{screen}");
    assert!(screen.contains(&start_label), "{start_label}: {screen}");

    // `:ns`: the next snapshot reads the other namespace's window back (nothing there).
    ns_tx.send("other".into()).unwrap();
    let next = tokio::time::timeout(Duration::from_secs(30), rx.recv())
        .await
        .unwrap()
        .unwrap();
    let b = next
        .backfill
        .expect("a backfill after the namespace changed");
    assert_eq!(b.namespace, "other");
    assert!(b.points.is_empty() && b.errors.is_empty(), "{b:?}");
}
