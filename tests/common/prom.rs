//! A real Prometheus (Debian's `prometheus`, run as a plain process) for the tests that
//! check agentdeck against what a real one answers.

use std::process::{Child, Command, Stdio};

use serde_json::Value;

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
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = dir.path().join("prometheus.yml");
        std::fs::write(
            &cfg,
            format!(
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: ai-agent-service\n    static_configs:\n{static_configs}"
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
