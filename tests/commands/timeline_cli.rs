//! `agentdeck timeline` end to end: the real sim with a staged 401 incident, a real
//! Prometheus scraping its agents every second, the key rotated through the real binary,
//! then the timeline reads, in order: the 401 share crossing its threshold, the audit line
//! of the rotation, the rollout it started completing, the 401 share back under. Also the
//! text and Markdown shapes, local time against `--utc`, and each source failing alone.

use crate::common;

use std::time::{Duration, Instant};

use crate::common::prom::Prometheus;
use crate::common::{SimProcess, require_tool};
use serde_json::{Value, json};

const NS: &str = "ai-agents";
const VALID_KEY: &str = "sk-timeline-0123456789abcdef";
/// The 401 share over the problems' window (20 s here), as the timeline asks for it.
const SHARE_401: &str = "(sum(rate(http_requests_total{namespace=\"ai-agents\",code=\"401\"}[20s])) or vector(0)) / sum(rate(http_requests_total{namespace=\"ai-agents\"}[20s]))";

/// The sim (real time: its clock is the wall clock the audit log and Prometheus use), a
/// Prometheus scraping its agents, and agentdeck's flags for both.
struct Staged {
    sim: SimProcess,
    prom: Prometheus,
    flags: Vec<String>,
    rt: tokio::runtime::Runtime,
    http: reqwest::Client,
}

impl Staged {
    fn start() -> Self {
        let metrics = format!("127.0.0.1:{}", common::free_port());
        let sim = SimProcess::start(&["--preload", "--metrics-listen", &metrics]);
        let prom = Prometheus::start(metrics.parse().unwrap());
        let cfg = sim.dir.path().join("timeline.toml");
        std::fs::write(&cfg, "[problems]\nwindow = \"20s\"\n").expect("write config");
        let flags = vec![
            "--config".to_string(),
            cfg.display().to_string(),
            "--prometheus-url".to_string(),
            prom.url.clone(),
        ];
        agentdeck::tls::init();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        Staged {
            sim,
            prom,
            flags,
            rt,
            http,
        }
    }

    fn run(&self, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> (i32, String, String) {
        let mut all: Vec<&str> = self.flags.iter().map(String::as_str).collect();
        // A write takes no --prometheus-url (refused: it means nothing to it).
        if args.first() == Some(&"rotate-key") {
            all.truncate(2);
        }
        all.extend_from_slice(args);
        self.sim.agentdeck_env(&all, stdin, env)
    }

    fn share(&self) -> Option<f64> {
        let r = self.rt.block_on(self.prom.query(&self.http, SHARE_401))?;
        r.first()?["value"][1].as_str()?.parse().ok()
    }

    /// Poll the 401 share until `f` holds.
    fn share_until(&self, secs: u64, what: &str, f: impl Fn(f64) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.share();
            if s.is_some_and(&f) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; last 401 share {s:?}\n{}",
                self.prom.log()
            );
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    fn incident(&self, name: &str, on: bool) {
        let body = json!({"name": name, "on": on}).to_string();
        let r = common::http(&self.sim.url, "POST", "/_sim/incident", &body);
        assert!(r.contains("\"active\""), "{r}");
    }

    /// A valid key written straight to the API (the audit log then holds only the fix).
    fn create_key(&self) {
        let secret = json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "ai-api-keys", "namespace": NS},
            "stringData": {"HOLYSHEEP_API_KEY": VALID_KEY},
        });
        let path = format!("/api/v1/namespaces/{NS}/secrets");
        let r = common::http(&self.sim.url, "POST", &path, &secret.to_string());
        assert!(r.contains("\"kind\":\"Secret\""), "{r}");
    }
}

fn position(entries: &[Value], what: &str, f: impl Fn(&Value) -> bool) -> usize {
    entries
        .iter()
        .position(f)
        .unwrap_or_else(|| panic!("no {what} in the timeline:\n{entries:#?}"))
}

fn text_of(e: &Value) -> &str {
    e["text"].as_str().unwrap_or_default()
}

/// The order the issue asks for: crossing up < rotation audited < rollout complete <
/// back under; times never go backwards.
fn assert_incident_order(j: &Value) {
    let entries = j["entries"].as_array().expect("entries").clone();
    let up = position(&entries, "401 share crossing up", |e| {
        e["kind"] == "metric" && text_of(e) == "401 share 0 % → 100 % (over 5 %)"
    });
    let audit = position(&entries, "the rotation's audit line", |e| {
        e["kind"] == "audit"
            && e["source"] == "audit"
            && text_of(e).starts_with("key rotated (secret/ai-api-keys) via agentdeck by ")
    });
    let complete = audit
        + position(&entries[audit..], "the rollout completing after it", |e| {
            e["kind"] == "rollout"
                && text_of(e).contains(" complete")
                && text_of(e).starts_with("rollout ai-agent-service rev ")
        });
    // The agents answered 401 before the first key existed too: the recovery asked for is
    // the one after the fix.
    let down = complete
        + position(&entries[complete..], "401 share back under after it", |e| {
            e["kind"] == "metric"
                && text_of(e).starts_with("401 share 100 % → 0 %")
                && text_of(e).contains("back under 5 %")
        });
    assert!(
        up < audit && audit < complete && complete < down,
        "order up {up} < audit {audit} < complete {complete} < down {down}:\n{entries:#?}"
    );
    let times: Vec<jiff::Timestamp> = entries
        .iter()
        .map(|e| e["at"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{entries:#?}");
    // The rollout's start says what changed.
    assert!(
        entries
            .iter()
            .any(|e| e["kind"] == "rollout" && text_of(e).ends_with("started: restart")),
        "{entries:#?}"
    );
    assert!(!j.to_string().contains(VALID_KEY), "a key in the timeline");
}

#[test]
fn a_bad_key_incident_and_its_fix_in_order() {
    if !require_tool("prometheus") {
        return;
    }
    let started = Instant::now();
    let s = Staged::start();
    s.create_key();
    s.share_until(60, "traffic without 401s in Prometheus", |v| v < 0.05);
    s.incident("bad-key", true);
    // All requests 401 once the window is full of them.
    s.share_until(60, "the 401 share at 100 %", |v| v > 0.999);
    let (code, out, err) = s.run(
        &["rotate-key", "--from-stdin", "--yes"],
        &format!("{VALID_KEY}-rotated\n"),
        &[],
    );
    assert_eq!(code, 0, "rotate-key:\n{out}\n{err}");
    s.share_until(60, "the 401 share back to 0", |v| v == 0.0);
    // Prometheus evaluates a range up to its last scrape: give it one more.
    std::thread::sleep(Duration::from_secs(2));

    let (_, text, _) = s.run(&["timeline", "--since", "15m", "--utc"], "", &[]);
    eprintln!("{text}");
    let (code, out, err) = s.run(
        &["timeline", "--format", "json", "--since", "15m", "--utc"],
        "",
        &[],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    let j: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_incident_order(&j);
    assert!(j["since"].as_str().unwrap().ends_with('Z'), "{j:#}");
    assert!(j["entries"][0]["at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(j["notes"], json!([]), "{j:#}");

    // Local time: the same instants in the zone of TZ.
    let tz = [("TZ", "Asia/Kolkata")];
    let (_, out, _) = s.run(&["timeline", "--format", "json", "--since", "15m"], "", &tz);
    let local: Value = serde_json::from_str(&out).unwrap();
    assert!(
        local["entries"][0]["at"]
            .as_str()
            .unwrap()
            .ends_with("+05:30"),
        "{local:#}"
    );
    assert_incident_order(&local);

    let (_, text, _) = s.run(&["timeline", "--since", "15m"], "", &tz);
    let mut lines = text.lines();
    let head = lines.next().unwrap();
    assert!(
        head.starts_with("timeline of ai-agents (context agentdeck-sim), ")
            && head.ends_with("(local time, UTC+05:30)"),
        "{text}"
    );
    assert!(lines.all(regex_like_entry), "{text}");
    assert!(
        text.contains(" audit    key rotated (secret/ai-api-keys) via agentdeck by "),
        "{text}"
    );

    let (_, md, _) = s.run(
        &["timeline", "--since", "15m", "--format", "md", "--utc"],
        "",
        &[],
    );
    assert!(
        md.starts_with("## Timeline: ai-agents (context agentdeck-sim)\n\n"),
        "{md}"
    );
    assert!(
        md.contains("(UTC)\n\n| time | kind | what |\n|---|---|---|\n"),
        "{md}"
    );
    assert!(md.contains("| metric | 401 share 0 % → "), "{md}");
    eprintln!("timeline test: {:.1} s", started.elapsed().as_secs_f64());
}

/// "HH:MM:SS  kind     text", a day line or a note.
fn regex_like_entry(l: &str) -> bool {
    let b = l.as_bytes();
    let time = b.len() > 10
        && b[..8].iter().enumerate().all(|(i, c)| {
            if i == 2 || i == 5 {
                *c == b':'
            } else {
                c.is_ascii_digit()
            }
        })
        && &l[8..10] == "  ";
    time || (l.starts_with("-- ") && l.ends_with(" --")) || l.starts_with("note: ")
}

#[test]
fn without_prometheus_and_events_the_rest_still_shows() {
    let sim = SimProcess::start(&["--preload", "--deny", "list events"]);
    let (code, out, err) = sim.agentdeck(&["timeline", "--format", "json", "--since", "10m"], "");
    assert_eq!(code, 0, "{out}\n{err}");
    let j: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let notes: Vec<&str> = j["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        notes.iter().any(|n| n.starts_with("events: forbidden (")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("metric transitions: no Prometheus")),
        "{notes:?}"
    );
    // The bundled stack's first rollouts are there all the same.
    let entries = j["entries"].as_array().unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e["kind"] == "rollout"
                && text_of(e).starts_with("rollout ai-agent-service rev 1")),
        "{j:#}"
    );
    let (code, _, err) = sim.agentdeck(&["timeline", "--since", "forever"], "");
    assert_eq!(code, 2);
    assert!(err.contains("--since \"forever\""), "{err}");
}

/// Two fresh sims share the context name `agentdeck-sim` and, here, one audit log: each
/// timeline holds its own cluster's writes only, and a refused write reads as refused.
#[test]
fn two_clusters_of_one_context_name_keep_their_own_timelines() {
    let (a, b) = (
        SimProcess::start(&["--preload"]),
        SimProcess::start(&["--preload"]),
    );
    let state = tempfile::tempdir().unwrap();
    let env = [("XDG_STATE_HOME", state.path().to_str().unwrap())];
    let (code, out, err) = a.agentdeck_env(
        &["scale", "redis", "2", "--yes", "--timeout", "60s"],
        "",
        &env,
    );
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = b.agentdeck_env(&["--read-only", "restart", "redis", "--yes"], "", &env);
    assert_eq!(code, 2, "{err}");
    let audits = |sim: &SimProcess| -> Vec<String> {
        let (code, out, err) = sim.agentdeck_env(
            &["timeline", "--format", "json", "--since", "10m"],
            "",
            &env,
        );
        assert_eq!(code, 0, "{out}{err}");
        let j: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        j["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "audit")
            .map(|e| text_of(e).to_string())
            .collect()
    };
    let (on_a, on_b) = (audits(&a), audits(&b));
    assert_eq!(on_a.len(), 1, "{on_a:?}");
    assert!(
        on_a[0].starts_with("scale deployment/redis via agentdeck"),
        "{on_a:?}"
    );
    assert_eq!(on_b.len(), 1, "{on_b:?}");
    assert!(
        on_b[0].starts_with("restart deployment/redis via agentdeck")
            && on_b[0].ends_with("refused: read-only mode"),
        "{on_b:?}"
    );
    let log = std::fs::read_to_string(state.path().join("agentdeck/audit.log")).unwrap();
    assert!(
        log.contains(&format!("\"server\":\"{}", a.url.trim_end_matches('/')))
            && log.contains("\"cluster\":\""),
        "{log}"
    );
}
