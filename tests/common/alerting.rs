//! A real Alertmanager (Debian's `prometheus-alertmanager`, a plain process on loopback,
//! clustering off) and a real Prometheus that evaluates `agentdeck rules` and sends to it.

use std::process::{Child, Command, Stdio};

use serde_json::Value;

use super::SimProcess;
use super::prom::Prometheus;

/// Alertmanager with one receiver that notifies no one, grouping within a second; killed
/// on drop.
pub struct Alertmanager {
    child: Child,
    pub url: String,
    dir: tempfile::TempDir,
}

impl Alertmanager {
    pub fn start() -> Alertmanager {
        agentdeck::tls::init();
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = dir.path().join("alertmanager.yml");
        std::fs::write(
            &cfg,
            "route:\n  receiver: nobody\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\nreceivers:\n  - name: nobody\n",
        )
        .expect("write config");
        let port = super::free_port();
        let log = std::fs::File::create(dir.path().join("alertmanager.log")).expect("log");
        let child = Command::new("prometheus-alertmanager")
            .arg(format!("--config.file={}", cfg.display()))
            .arg(format!(
                "--storage.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--cluster.listen-address=")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("spawn prometheus-alertmanager");
        Alertmanager {
            child,
            url: format!("http://127.0.0.1:{port}"),
            dir,
        }
    }

    /// Wait until it answers.
    pub async fn ready(&self) {
        let status = format!("{}/api/v2/status", self.url);
        super::eventually(30, "alertmanager ready", || async {
            let r = reqwest::get(&status).await.ok()?;
            r.status().is_success().then_some(())
        })
        .await;
    }

    async fn get(&self, path: &str) -> Value {
        let body = reqwest::get(format!("{}{path}", self.url))
            .await
            .expect("alertmanager answers")
            .text()
            .await
            .expect("a body");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
    }

    /// `GET /api/v2/silences`.
    pub async fn silences(&self) -> Vec<Value> {
        self.get("/api/v2/silences")
            .await
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// `GET /api/v2/alerts`.
    pub async fn alerts(&self) -> Vec<Value> {
        self.get("/api/v2/alerts")
            .await
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// A silence made by hand (not by agentdeck): its id.
    pub async fn silence_by_hand(&self, alertname: &str) -> String {
        let now = jiff::Timestamp::now();
        let body = serde_json::json!({
            "matchers": [{"name": "alertname", "value": alertname, "isRegex": false}],
            "startsAt": now.to_string(),
            "endsAt": (now + jiff::SignedDuration::from_hours(1)).to_string(),
            "createdBy": "someone",
            "comment": "maintenance",
        });
        let r: Value = reqwest::Client::new()
            .post(format!("{}/api/v2/silences", self.url))
            .json(&body)
            .send()
            .await
            .expect("silence posted")
            .json()
            .await
            .expect("its answer");
        r["silenceID"].as_str().expect("silenceID").to_string()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("alertmanager.log")).unwrap_or_default()
    }
}

impl Drop for Alertmanager {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Prometheus scraping the sim's agents at `agents` (as namespace ai-agents), evaluating
/// `rules` (a rule file's text) every second and sending to `alertmanager`.
pub fn prometheus_with_rules(agents: &str, rules: &str, alertmanager: &str) -> Prometheus {
    let am = alertmanager.trim_start_matches("http://");
    Prometheus::with_config(
        &format!(
            "  - job_name: ai-agent-service\n    static_configs:\n      - targets: ['{agents}']\n        labels:\n          namespace: ai-agents\n"
        ),
        rules,
        &format!(
            "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['{am}']\n"
        ),
    )
}

/// The sim with its agents' metrics on a port of their own and a working key, a config
/// with a 15 s problems window, the rules `agentdeck rules` printed for it (and `extra`, more rule groups as
/// YAML list items), Prometheus evaluating them, Alertmanager receiving.
pub struct Loop {
    pub sim: SimProcess,
    pub am: Alertmanager,
    pub prom: Prometheus,
    /// The config file.
    pub cfg: String,
}

impl Loop {
    pub async fn start(extra: &str) -> Loop {
        let agents = format!("127.0.0.1:{}", super::free_port());
        let sim = SimProcess::start(&["--preload", "--steady-load", "--metrics-listen", &agents]);
        sim.give_a_working_key();
        let cfg = sim.dir.path().join("agentdeck.toml");
        // Keys are checked with the sim's simulated provider, as the demo's agents do.
        std::fs::write(
            &cfg,
            format!(
                "[problems]\nwindow = \"15s\"\n\n[prometheus]\nrefresh_secs = 1.0\n\n[stack]\nprovider_base_url = \"{}/_sim/provider/v1\"\n",
                sim.url
            ),
        )
        .expect("config");
        let cfg = cfg.display().to_string();
        let (code, rules, err) =
            sim.agentdeck(&["--config", &cfg, "rules", "--profile", "example"], "");
        assert_eq!(code, 0, "{err}");
        let am = Alertmanager::start();
        am.ready().await;
        let prom = prometheus_with_rules(&agents, &format!("{rules}{extra}"), &am.url);
        Loop { sim, am, prom, cfg }
    }

    /// `agentdeck --config CFG ARGS`, with Alertmanager's URL unless `am` is false.
    pub fn run(&self, args: &[&str], am: bool) -> (i32, String, String) {
        let mut all = vec!["--config", &self.cfg];
        if am {
            all.extend(["--alertmanager-url", &self.am.url]);
        }
        all.extend(args);
        self.sim.agentdeck(&all, "")
    }

    /// Stage incident `name` on the sim.
    pub fn stage(&self, name: &str) {
        super::http(
            &self.sim.url,
            "POST",
            "/_sim/incident",
            &format!("{{\"name\":\"{name}\",\"on\":true}}"),
        );
    }
}
