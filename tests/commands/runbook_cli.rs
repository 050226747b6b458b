//! The runbook end to end on the CLI, one test per incident: the real `agentdeck sim`
//! stages it → `agentdeck status --json` names the problem with its evidence (exit 1) →
//! the fix command the problem names, run through the real binary → the problem clears
//! (exit 0) → the signal itself recovered (the 401 share in a real Prometheus, the HPA
//! scaling again, no more OOM kills, the agents Running) → the audit log holds the fix.
//!
//! The metric-based problems go through a real Prometheus scraping the sim every second,
//! with the problems' short window at 15 s (`[problems] window`): they appear within
//! seconds and clear once the window has passed. Each test prints how long detecting and
//! clearing took (`--no-capture`).

use crate::common;

use std::time::{Duration, Instant};

use crate::common::prom::Prometheus;
use crate::common::{SimProcess, require_tool};
use serde_json::{Value, json};

const NS: &str = "ai-agents";
const AGENTS: &str = "ai-agent-service";
/// The longest any one step may take (detecting, clearing, recovering).
const DEADLINE: u64 = 90;
/// A key the (simulated) provider accepts.
const VALID_KEY: &str = "sk-runbook-0123456789abcdef";

/// One `agentdeck status --json`.
struct Status {
    code: i32,
    json: Value,
    /// stdout and stderr, for failure messages.
    raw: String,
}

impl Status {
    fn problem(&self, id: &str) -> Option<&Value> {
        self.json["problems"]
            .as_array()?
            .iter()
            .find(|p| p["id"] == id)
    }

    fn ids(&self) -> Vec<String> {
        self.json["problems"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["id"].as_str().map(str::to_string))
            .collect()
    }

    fn healthy(&self) -> bool {
        self.code == 0 && self.json["healthy"] == true
    }
}

/// agentdeck against one sim, with the flags every call of a test shares (the config with
/// the 15 s window, the Prometheus URL).
struct Deck<'a> {
    sim: &'a SimProcess,
    flags: Vec<String>,
}

impl<'a> Deck<'a> {
    fn new(sim: &'a SimProcess, prometheus: Option<&str>) -> Self {
        let cfg = sim.dir.path().join("runbook.toml");
        std::fs::write(&cfg, "[problems]\nwindow = \"15s\"\n").expect("write config");
        let mut flags = vec!["--config".to_string(), cfg.display().to_string()];
        if let Some(url) = prometheus {
            flags.extend(["--prometheus-url".to_string(), url.to_string()]);
        }
        Deck { sim, flags }
    }

    fn run(&self, args: &[&str], stdin: &str) -> (i32, String, String) {
        let mut all: Vec<&str> = self.flags.iter().map(String::as_str).collect();
        // The writes take no --prometheus-url (it means nothing to them: refused).
        let reads = ["status", "timeline", "metrics"];
        if !args.iter().any(|a| reads.contains(a))
            && let Some(i) = all.iter().position(|a| *a == "--prometheus-url")
        {
            all.drain(i..i + 2);
        }
        all.extend_from_slice(args);
        self.sim.agentdeck(&all, stdin)
    }

    fn status(&self) -> Status {
        let (code, out, err) = self.run(&["status", "--json"], "");
        Status {
            code,
            json: serde_json::from_str(&out).unwrap_or(Value::Null),
            raw: format!("exit {code}\nstdout: {out}\nstderr: {err}"),
        }
    }

    /// Poll `status --json` until `f` holds; panics after `secs` with the last answer.
    fn status_until(&self, secs: u64, what: &str, f: impl Fn(&Status) -> bool) -> Status {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.status();
            if f(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out after {secs} s waiting for: {what}\nlast status: {}",
                s.raw
            );
            std::thread::sleep(Duration::from_millis(400));
        }
    }

    /// Wait for `id` to be listed (exit 1); returns the status and the seconds it took.
    fn detect(&self, id: &str, since: Instant) -> (Status, f64) {
        let s = self.status_until(DEADLINE, &format!("problem {id} (exit 1)"), |s| {
            s.code == 1 && s.problem(id).is_some()
        });
        (s, since.elapsed().as_secs_f64())
    }

    /// Wait for a healthy report (no problem, exit 0).
    fn healthy(&self, what: &str) -> Status {
        self.status_until(DEADLINE, what, Status::healthy)
    }

    /// Run the fix command problem `p` names (its words after `agentdeck`, plus `--yes`,
    /// and `--from-stdin` with `stdin` for a key), requiring success.
    fn fix(&self, p: &Value, extra: &[&str], stdin: &str) -> String {
        let command = p["fix"]["command"]
            .as_str()
            .unwrap_or_else(|| panic!("no fix command in {p:#}"));
        let mut words: Vec<&str> = command.split_whitespace().collect();
        assert_eq!(words.first(), Some(&"agentdeck"), "{command}");
        words.remove(0);
        words.push("--yes");
        words.extend_from_slice(extra);
        let (code, out, err) = self.run(&words, stdin);
        assert_eq!(code, 0, "{command} failed:\nstdout: {out}\nstderr: {err}");
        out
    }
}

/// Assert the status names problem `id` with each of `words` in its evidence, and exits 1.
fn assert_evidence(s: &Status, id: &str, words: &[&str]) {
    let p = s.problem(id).expect("problem present");
    let ev = p["evidence"].as_str().unwrap_or_default();
    eprintln!("{id}: {ev}");
    for w in words {
        assert!(
            ev.contains(w),
            "{id}: {w:?} not in the evidence {ev:?}\n{p:#}"
        );
    }
    assert_eq!(s.code, 1, "{}", s.raw);
    assert_eq!(s.json["healthy"], false, "{}", s.raw);
}

/// Poll `status --json` for `secs`: every answer names `id` and exits 1.
fn named_while_it_lasts(deck: &Deck, id: &str, secs: u64) {
    let end = Instant::now() + Duration::from_secs(secs);
    let mut named = 0;
    while Instant::now() < end {
        let s = deck.status();
        assert!(
            s.code == 1 && s.problem(id).is_some(),
            "{id} not named while it lasts (after {named} answers that named it): {}",
            s.raw
        );
        named += 1;
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// Switch an incident with the sim's admin endpoint, and check it is (not) listed.
fn incident(sim: &SimProcess, name: &str, on: bool) {
    let body = json!({"name": name, "on": on}).to_string();
    common::http(&sim.url, "POST", "/_sim/incident", &body);
    let list: Value =
        serde_json::from_str(&common::http(&sim.url, "GET", "/_sim/incident", "")).unwrap();
    let active = list["active"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["name"] == name);
    assert_eq!(active, on, "{name} on={on}: {list}");
}

/// A GET on the sim's API (no auth: the sim's default), as JSON.
fn get(sim: &SimProcess, path: &str) -> Value {
    let body = common::http(&sim.url, "GET", path, "");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
}

/// The agent pods (not being deleted).
fn agent_pods(sim: &SimProcess) -> Vec<Value> {
    let list = get(
        sim,
        &format!("/api/v1/namespaces/{NS}/pods?labelSelector=app%3D{AGENTS}"),
    );
    list["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .collect()
}

fn running_and_ready(p: &Value) -> bool {
    p["status"]["phase"] == "Running" && p["status"]["containerStatuses"][0]["ready"] == true
}

/// Poll until `f` holds, or panic with `what` and the last value seen.
fn until<T: std::fmt::Debug>(secs: u64, what: &str, mut f: impl FnMut() -> (bool, T)) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let (ok, v) = f();
        if ok {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {secs} s waiting for: {what}\nlast: {v:#?}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// The audit log's lines of `operation` with `result` ok.
fn audited(sim: &SimProcess, operation: &str) -> Vec<Value> {
    sim.audit()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["operation"] == operation && l["result"] == "ok")
        .collect()
}

fn report(name: &str, detected: f64, cleared: f64, after: &str) {
    eprintln!("{name}: detected in {detected:.1} s, cleared in {cleared:.1} s after {after}");
}

/// The sim (with `args`) serving its agents' metrics, a real Prometheus scraping them, and
/// a way to ask it.
struct Scraped {
    sim: SimProcess,
    prom: Prometheus,
    rt: tokio::runtime::Runtime,
    http: reqwest::Client,
}

impl Scraped {
    fn start(args: &[&str]) -> Self {
        let metrics = format!("127.0.0.1:{}", common::free_port());
        let mut all = vec!["--preload", "--metrics-listen", &metrics];
        all.extend_from_slice(args);
        let sim = SimProcess::start(&all);
        let prom = Prometheus::start(metrics.parse().unwrap());
        agentdeck::tls::init();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        Scraped {
            sim,
            prom,
            rt,
            http,
        }
    }

    /// The first sample of an instant query, if any.
    fn query(&self, q: &str) -> Option<f64> {
        let r = self.rt.block_on(self.prom.query(&self.http, q))?;
        r.first()?["value"][1].as_str()?.parse().ok()
    }

    /// A valid key in the Secret, written straight to the API (not through agentdeck, so
    /// the audit log holds only the fix).
    fn create_key(&self) {
        let secret = json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "ai-api-keys", "namespace": NS},
            "stringData": {"HOLYSHEEP_API_KEY": VALID_KEY},
        });
        let r = common::http(
            &self.sim.url,
            "POST",
            &format!("/api/v1/namespaces/{NS}/secrets"),
            &secret.to_string(),
        );
        assert!(r.contains("\"kind\":\"Secret\""), "{r}");
    }
}

/// The share of requests answered 401 over the last 15 s, in Prometheus.
const SHARE_401: &str = "(sum(rate(http_requests_total{namespace=\"ai-agents\",code=\"401\"}[15s])) or vector(0)) / sum(rate(http_requests_total{namespace=\"ai-agents\"}[15s]))";
/// Requests per second over the last 15 s.
const RATE: &str = "sum(rate(http_requests_total{namespace=\"ai-agents\"}[15s]))";
/// The p95 latency over the last 15 s, in seconds.
const P95_SECONDS: &str = "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{namespace=\"ai-agents\"}[15s])))";

#[test]
fn bad_key_through_prometheus_is_fixed_by_rotating_the_key() {
    if !require_tool("prometheus") {
        return;
    }
    let s = Scraped::start(&["--time-scale", "5"]);
    let deck = Deck::new(&s.sim, Some(&s.prom.url));
    s.create_key();
    deck.healthy("healthy with a valid key and Prometheus scraping");

    let staged = Instant::now();
    incident(&s.sim, "bad-key", true);
    let (_, detected) = deck.detect("provider-unauthorized", staged);
    // The share climbs to all requests as the window fills with 401s.
    let st = deck.status_until(DEADLINE, "401 on 100 % of requests", |s| {
        s.problem("provider-unauthorized")
            .and_then(|p| p["evidence"].as_str())
            .is_some_and(|e| e.contains("100 %"))
    });
    assert_evidence(
        &st,
        "provider-unauthorized",
        &["401 on 100 % of requests over the last 15s"],
    );
    let p = st.problem("provider-unauthorized").unwrap().clone();
    assert_eq!(p["severity"], "critical", "{p:#}");
    // "since" is when the 401 share went over its threshold, from Prometheus' history (the
    // README's example shows a time; it was null): after the key went bad, before now.
    let since: jiff::Timestamp = p["since"]
        .as_str()
        .unwrap_or_else(|| {
            let log =
                std::fs::read_to_string(s.sim.dir.path().join("agentdeck.log")).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(30).collect();
            panic!("no since: {p:#}\n{}", tail.join("\n"))
        })
        .parse()
        .unwrap();
    let staged_at =
        jiff::Timestamp::now() - jiff::SignedDuration::try_from(staged.elapsed()).unwrap();
    assert!(
        since >= staged_at - jiff::SignedDuration::from_secs(30) && since <= jiff::Timestamp::now(),
        "since {since}, staged at {staged_at}"
    );
    assert_eq!(p["fix"]["key"], "K", "{p:#}");
    assert_eq!(p["fix"]["command"], format!("agentdeck -n {NS} rotate-key"));
    let share = s.query(SHARE_401).unwrap_or(f64::NAN);
    assert!(share > 0.99, "Prometheus 401 share {share}");

    named_while_it_lasts(&deck, "provider-unauthorized", 2);
    let fixed = Instant::now();
    let out = deck.fix(&p, &["--from-stdin"], &format!("{VALID_KEY}-rotated\n"));
    assert!(out.contains("HOLYSHEEP_API_KEY updated"), "{out}");
    deck.status_until(DEADLINE, "provider-unauthorized cleared, exit 0", |s| {
        s.problem("provider-unauthorized").is_none() && s.healthy()
    });
    let cleared = fixed.elapsed().as_secs_f64();

    // The signal: no 401 in Prometheus over the window, requests still flowing.
    until(DEADLINE, "Prometheus: 401 share 0 with traffic", || {
        let (share, rate) = (s.query(SHARE_401), s.query(RATE));
        (
            share == Some(0.0) && rate.is_some_and(|r| r > 0.0),
            (share, rate),
        )
    });
    let audit = audited(&s.sim, "rotate-key");
    assert_eq!(audit.len(), 1, "{}", s.sim.audit());
    assert!(
        !s.sim.audit().contains(VALID_KEY),
        "the key leaked into the audit log"
    );
    report("bad-key", detected, cleared, "the fix (rotate-key)");
}

#[test]
fn oom_is_fixed_by_raising_the_memory_limit() {
    let sim = SimProcess::start(&["--preload", "--time-scale", "10"]);
    let deck = Deck::new(&sim, None);
    deck.healthy("healthy before the leak");

    let staged = Instant::now();
    incident(&sim, "oom", true);
    let (_, detected) = deck.detect("oom/ai-agent-service", staged);
    // The working set is the metrics API's: it may lag the first kill by a sync.
    let st = deck.status_until(DEADLINE, "the working set in the OOM evidence", |s| {
        s.problem("oom/ai-agent-service")
            .and_then(|p| p["evidence"].as_str())
            .is_some_and(|e| e.contains("working set"))
    });
    assert_evidence(
        &st,
        "oom/ai-agent-service",
        &["memory limit 2Gi", "working set"],
    );
    let p = st.problem("oom/ai-agent-service").unwrap().clone();
    assert_eq!(p["severity"], "critical", "{p:#}");
    assert_eq!(p["fix"]["key"], "m", "{p:#}");
    assert_eq!(
        p["fix"]["command"],
        format!("agentdeck -n {NS} set-resources {AGENTS} --container ai-agent --memory-limit 3Gi"),
        "{p:#}"
    );

    named_while_it_lasts(&deck, "oom/ai-agent-service", 2);
    let fixed = Instant::now();
    deck.fix(&p, &[], "");
    deck.status_until(DEADLINE, "oom cleared, exit 0", Status::healthy);
    let cleared = fixed.elapsed().as_secs_f64();

    // The signal: the agents run with 3Gi, and well past the leak's peak (over a minute
    // of simulated time) none of them is killed again; status stays healthy.
    let limit = |p: &Value| p["spec"]["containers"][0]["resources"]["limits"]["memory"].clone();
    until(DEADLINE, "three ready agents, all at 3Gi", || {
        let pods = agent_pods(&sim);
        let ok = pods.len() >= 3
            && pods
                .iter()
                .all(|p| limit(p) == "3Gi" && running_and_ready(p));
        (ok, pods.len())
    });
    let calm = Instant::now();
    while calm.elapsed() < Duration::from_secs(8) {
        let st = deck.status();
        assert!(
            st.problem("oom/ai-agent-service").is_none(),
            "OOM again after the fix: {}",
            st.raw
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    for p in agent_pods(&sim) {
        let cs = &p["status"]["containerStatuses"][0];
        assert_eq!(limit(&p), "3Gi", "{p:#}");
        assert_ne!(
            cs["lastState"]["terminated"]["reason"], "OOMKilled",
            "{cs:#}"
        );
        assert_eq!(cs["restartCount"], 0, "{cs:#}");
    }
    let audit = audited(&sim, "set-resources");
    assert_eq!(audit.len(), 1, "{}", sim.audit());
    assert_eq!(audit[0]["target"], "deployment/ai-agent-service");
    report("oom", detected, cleared, "the fix (set-resources 3Gi)");
}

/// crashloop and pending: both fixed by restoring the bundled Deployment. Twice: staged at
/// the sim's start (every agent pod broken), then on a healthy stack (the rollout's new pod
/// broken while the old ones serve).
fn restore_deployment(name: &str, id: &str, evidence: &[&str]) {
    let started = Instant::now();
    let sim = SimProcess::start(&["--preload", "--time-scale", "10", "--incident", name]);
    let deck = Deck::new(&sim, None);
    restore_once(&sim, &deck, name, id, evidence, started, "staged at start");
    incident(&sim, name, false);
    deck.healthy(&format!("healthy before {name} again"));

    let staged = Instant::now();
    incident(&sim, name, true);
    restore_once(
        &sim,
        &deck,
        name,
        id,
        evidence,
        staged,
        "staged on a rollout",
    );
    let audit = audited(&sim, "deploy");
    assert_eq!(audit.len(), 2, "{}", sim.audit());
    assert!(
        audit
            .iter()
            .all(|l| l["target"] == "deployment.apps/ai-agent-service"),
        "{audit:?}"
    );
}

/// Detect, fix, clear and check the agents recovered.
fn restore_once(
    sim: &SimProcess,
    deck: &Deck,
    name: &str,
    id: &str,
    evidence: &[&str],
    staged: Instant,
    how: &str,
) {
    let (st, detected) = deck.detect(id, staged);
    assert_evidence(&st, id, evidence);
    let p = st.problem(id).unwrap().clone();
    assert_eq!(p["severity"], "critical", "{p:#}");
    assert_eq!(p["fix"]["key"], "N", "{p:#}");
    assert_eq!(
        p["fix"]["command"],
        format!("agentdeck -n {NS} deploy --only deployment/{AGENTS}"),
        "{p:#}"
    );
    let before = audited(sim, "deploy").len();

    named_while_it_lasts(deck, id, 2);
    let fixed = Instant::now();
    deck.fix(&p, &[], "");
    deck.status_until(DEADLINE, &format!("{id} cleared, exit 0"), Status::healthy);
    let cleared = fixed.elapsed().as_secs_f64();

    // The signal: the agents run the bundled template, all Running and ready.
    let pods = until(DEADLINE, "three Running agents, none Pending", || {
        let pods = agent_pods(sim);
        let ok = pods.len() >= 3 && pods.iter().all(running_and_ready);
        (ok, pods)
    });
    for p in &pods {
        let c = &p["spec"]["containers"][0];
        let url = c["env"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == "HOLYSHEEP_BASE_URL")
            .map(|e| e["value"].clone());
        assert_eq!(url, Some(json!("https://api.holysheep.ai/v1")), "{c:#}");
        assert_eq!(c["resources"]["requests"]["memory"], "512Mi", "{c:#}");
        assert_eq!(c["resources"]["limits"]["memory"], "2Gi", "{c:#}");
    }
    assert_eq!(audited(sim, "deploy").len(), before + 1, "{}", sim.audit());
    report(
        &format!("{name} ({how})"),
        detected,
        cleared,
        "the fix (deploy --only)",
    );
}

#[test]
fn crashloop_is_fixed_by_restoring_the_bundled_deployment() {
    restore_deployment(
        "crashloop",
        "crashloop/ai-agent-service",
        &[
            "CrashLoopBackOff",
            r#"env HOLYSHEEP_BASE_URL is "htps://api.holysheep.ai/v1" (bundled "https://api.holysheep.ai/v1")"#,
        ],
    );
}

#[test]
fn pending_is_fixed_by_restoring_the_bundled_deployment() {
    restore_deployment(
        "pending",
        "unschedulable/ai-agent-service",
        &["Insufficient memory", "memory request 64Gi (bundled 512Mi)"],
    );
}

/// `status --json` names a crash loop in every answer while it lasts, and nothing else
/// (the metrics API is served: no advice about metrics-server).
///
/// Between two back-offs a crashing container runs for a moment: its last failed exit
/// keeps it named then. With no agent ready the HPA has no metrics for them either; that
/// is the crash loop's doing, not metrics-server's, and is not named apart.
#[test]
fn crashloop_is_named_in_every_answer_while_it_lasts() {
    let sim = SimProcess::start(&["--preload", "--time-scale", "10"]);
    let deck = Deck::new(&sim, None);
    deck.healthy("healthy before the crash loop");
    incident(&sim, "crashloop", true);
    deck.detect("crashloop/ai-agent-service", Instant::now());
    named_while_it_lasts(&deck, "crashloop/ai-agent-service", 6);

    let sim = SimProcess::start(&["--preload", "--time-scale", "10", "--incident", "crashloop"]);
    let deck = Deck::new(&sim, None);
    deck.detect("crashloop/ai-agent-service", Instant::now());
    // A fresh cluster: redis may still be starting when the crash loop is first named (a
    // loaded machine); from when it is up, the crash loop is the only thing named.
    let up = Instant::now() + Duration::from_secs(60);
    while deck.status().ids() != ["crashloop/ai-agent-service"] {
        assert!(Instant::now() < up, "{}", deck.status().raw);
        std::thread::sleep(Duration::from_millis(300));
    }
    let end = Instant::now() + Duration::from_secs(6);
    while Instant::now() < end {
        let s = deck.status();
        assert_eq!(s.ids(), ["crashloop/ai-agent-service"], "{}", s.raw);
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// The HPA's ScalingActive condition (status, reason).
fn scaling_active(sim: &SimProcess) -> (String, String) {
    let h = get(
        sim,
        &format!("/apis/autoscaling/v2/namespaces/{NS}/horizontalpodautoscalers/ai-agent-hpa"),
    );
    h["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["type"] == "ScalingActive")
        .map(|c| {
            (
                c["status"].as_str().unwrap_or("").to_string(),
                c["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .unwrap_or_default()
}

#[test]
fn no_metrics_server_freezes_the_hpa_until_the_metrics_api_is_back() {
    if !require_tool("kubectl") {
        return;
    }
    let sim = SimProcess::start(&["--preload", "--time-scale", "10"]);
    let deck = Deck::new(&sim, None);
    let top = || {
        let mut k = sim.kubectl("kubectl");
        k.args(["top", "pods", "-n", NS]);
        common::run(k)
    };
    deck.healthy("healthy before the metrics API goes");
    // Pods still starting are no problem (a minute's grace), but have no metrics yet.
    until(DEADLINE, "kubectl top pods with the agents", || {
        let (ok, out, err) = top();
        (ok && out.contains(AGENTS), format!("{out}{err}"))
    });

    let staged = Instant::now();
    incident(&sim, "no-metrics-server", true);
    let (st, detected) = deck.detect("hpa/ai-agent-hpa", staged);
    assert_evidence(&st, "hpa/ai-agent-hpa", &["metrics.k8s.io unavailable"]);
    let p = st.problem("hpa/ai-agent-hpa").unwrap();
    assert!(p["fix"].is_null(), "no agentdeck fix: {p:#}");
    assert!(
        p["advice"]
            .as_str()
            .is_some_and(|a| a.contains("metrics-server")),
        "{p:#}"
    );
    assert_eq!(scaling_active(&sim).0, "False");
    let (ok, out, err) = top();
    assert!(!ok, "kubectl top pods works without metrics-server: {out}");
    assert!(
        err.to_lowercase().contains("unable to handle the request")
            || err.contains("ServiceUnavailable")
            || err.contains("503"),
        "{err}"
    );

    // No agentdeck fix: metrics-server comes back (the incident turned off).
    named_while_it_lasts(&deck, "hpa/ai-agent-hpa", 2);
    let fixed = Instant::now();
    incident(&sim, "no-metrics-server", false);
    deck.status_until(DEADLINE, "hpa problem cleared, exit 0", Status::healthy);
    let cleared = fixed.elapsed().as_secs_f64();
    let cond = until(DEADLINE, "ScalingActive=True", || {
        let c = scaling_active(&sim);
        (c.0 == "True", c)
    });
    assert_eq!(cond.1, "ValidMetricFound");
    let (ok, out, err) = top();
    assert!(ok && out.contains(AGENTS), "kubectl top pods: {out}{err}");
    assert!(sim.audit().is_empty(), "nothing written: {}", sim.audit());
    report(
        "no-metrics-server",
        detected,
        cleared,
        "metrics-server came back",
    );
}

#[test]
fn slow_provider_through_prometheus_clears_when_it_recovers() {
    if !require_tool("prometheus") {
        return;
    }
    let s = Scraped::start(&["--time-scale", "5"]);
    let deck = Deck::new(&s.sim, Some(&s.prom.url));
    s.create_key();
    deck.healthy("healthy with a valid key and Prometheus scraping");

    let staged = Instant::now();
    incident(&s.sim, "slow-provider", true);
    let (st, detected) = deck.detect("provider-slow", staged);
    assert_evidence(
        &st,
        "provider-slow",
        &["over the last 15s (threshold 2.00 s)", "no timeouts"],
    );
    let p = st.problem("provider-slow").unwrap();
    assert_eq!(p["severity"], "warning", "{p:#}");
    assert!(p["fix"].is_null(), "{p:#}");
    let p95 = p["evidence"]
        .as_str()
        .and_then(|e| e.strip_prefix("p95 "))
        .and_then(|e| e.strip_suffix(" over the last 15s (threshold 2.00 s), no timeouts"))
        .and_then(|v| v.strip_suffix(" s"))
        .and_then(|v| v.parse::<f64>().ok());
    assert!(p95.is_some_and(|v| v > 2.0), "{p:#}");
    // Slow, not failing: neither 401s nor timeouts are named.
    for other in [
        "provider-unauthorized",
        "provider-timeouts",
        "egress-blocked",
    ] {
        assert!(st.problem(other).is_none(), "{}", st.raw);
    }

    named_while_it_lasts(&deck, "provider-slow", 2);
    let fixed = Instant::now();
    incident(&s.sim, "slow-provider", false);
    deck.status_until(DEADLINE, "provider-slow cleared, exit 0", Status::healthy);
    let cleared = fixed.elapsed().as_secs_f64();
    until(DEADLINE, "Prometheus p95 under 2 s", || {
        let p95 = s.query(P95_SECONDS);
        (p95.is_some_and(|v| v < 2.0), p95)
    });
    report("slow-provider", detected, cleared, "it was turned off");
}
