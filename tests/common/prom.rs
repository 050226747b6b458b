//! A real Prometheus (Debian's `prometheus`, run as a plain process) for the tests that
//! check agentdeck against what a real one answers.

use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// One scrape job of [`Prometheus::with_jobs`].
pub struct Job<'a> {
    pub name: &'a str,
    /// `host:port` of each target.
    pub targets: &'a [String],
    /// Target labels added to every series scraped (`namespace`, `pod`, ...).
    pub labels: &'a [(&'a str, &'a str)],
}

/// Prometheus, killed on drop.
pub struct Prometheus {
    child: Child,
    pub url: String,
    dir: tempfile::TempDir,
}

impl Prometheus {
    /// One job scraping `target`, without target labels.
    pub fn start(target: std::net::SocketAddr) -> Self {
        Prometheus::with_static_configs(&format!("      - targets: ['{target}']\n"))
    }

    /// One job (`ai-agent-service`) with these `static_configs` entries (YAML, indented for
    /// the list), scraped every second.
    pub fn with_static_configs(static_configs: &str) -> Self {
        Prometheus::with_scrape_configs(&format!(
            "  - job_name: ai-agent-service\n    static_configs:\n{static_configs}"
        ))
    }

    /// One job per [`Job`], each scraping its targets every second with its labels (as
    /// Kubernetes service discovery and relabelling would attach `namespace` and `pod`).
    pub fn with_jobs(jobs: &[Job]) -> Self {
        let mut yaml = String::new();
        for job in jobs {
            yaml += &format!(
                "  - job_name: {}\n    static_configs:\n      - targets: {:?}\n",
                job.name, job.targets
            );
            if !job.labels.is_empty() {
                yaml += "        labels:\n";
                for (k, v) in job.labels {
                    yaml += &format!("          {k}: {v:?}\n");
                }
            }
        }
        Prometheus::with_scrape_configs(&yaml)
    }

    /// Prometheus with these `scrape_configs` entries (YAML, indented for the list), scraping
    /// and evaluating every second.
    pub fn with_scrape_configs(scrape_configs: &str) -> Self {
        Prometheus::with_config(scrape_configs, "", "")
    }

    /// Prometheus with these `scrape_configs`, the rule file `rules` (its text; none when
    /// empty) and more top-level config (`alerting:` …), scraping and evaluating every second.
    pub fn with_config(scrape_configs: &str, rules: &str, more: &str) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = dir.path().join("prometheus.yml");
        let rule_files = if rules.is_empty() {
            String::new()
        } else {
            let path = dir.path().join("rules.yaml");
            std::fs::write(&path, rules).expect("write rules");
            format!("rule_files: [{:?}]\n", path.display().to_string())
        };
        std::fs::write(
            &cfg,
            format!(
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n{rule_files}{more}scrape_configs:\n{scrape_configs}"
            ),
        )
        .expect("write config");
        let port = super::free_port();
        let log = std::fs::File::create(dir.path().join("prometheus.log")).expect("log");
        let child = Command::new("prometheus")
            .arg(format!("--config.file={}", cfg.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            // Firing alerts are sent again every second (default a minute): one fired
            // before the Alertmanager was discovered is not held back a minute.
            .arg("--rules.alert.resend-delay=1s")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("spawn prometheus");
        Prometheus {
            child,
            url: format!("http://127.0.0.1:{port}"),
            dir,
        }
    }

    pub async fn query(&self, http: &reqwest::Client, q: &str) -> Option<Vec<Value>> {
        let r = http
            .get(format!("{}/api/v1/query", self.url))
            .query(&[("query", q)])
            .send()
            .await
            .ok()?;
        let v: Value = r.json().await.ok()?;
        (v["status"] == "success").then(|| v["data"]["result"].as_array().cloned())?
    }

    /// The values of label `name` over all series (`__name__`: the metric names stored).
    pub async fn label_values(&self, http: &reqwest::Client, name: &str) -> Option<Vec<String>> {
        let r = http
            .get(format!("{}/api/v1/label/{name}/values", self.url))
            .send()
            .await
            .ok()?;
        let v: Value = r.json().await.ok()?;
        let values = v["data"].as_array()?;
        Some(
            values
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
        )
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("prometheus.log")).unwrap_or_default()
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
