//! The provider's own probe, as the bundled stack's Prometheus config has it (job
//! `holysheep-latency`): a real blackbox exporter (Debian's prometheus-blackbox-exporter)
//! probing the fake provider's `/v1/models`, scraped by a real Prometheus. agentdeck shows
//! the provider up with its probe time beside the agents' p95, and when the provider goes
//! away, "Provider unreachable" — never a key to rotate.

use std::process::{Child, Command, Stdio};

use crate::common::exporters::{Fixture, start_provider};
use crate::common::prom::Prometheus;
use crate::common::{SimProcess, eventually, free_port, problem_ids};

/// The blackbox exporter, killed on drop.
pub struct Blackbox {
    child: Child,
    pub address: String,
    dir: tempfile::TempDir,
}

impl Drop for Blackbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Blackbox {
    /// With one module, `provider`: GET, reachable when it answers 200 or 401 (the probe
    /// carries no key), 2 s timeout.
    pub fn start() -> Blackbox {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = dir.path().join("blackbox.yml");
        std::fs::write(
            &cfg,
            "modules:\n  provider:\n    prober: http\n    timeout: 2s\n    http:\n      method: GET\n      valid_status_codes: [200, 401]\n      preferred_ip_protocol: ip4\n",
        )
        .expect("write blackbox config");
        let address = format!("127.0.0.1:{}", free_port());
        let log = std::fs::File::create(dir.path().join("blackbox.log")).expect("log");
        let child = Command::new("prometheus-blackbox-exporter")
            .arg(format!("--config.file={}", cfg.display()))
            .arg(format!("--web.listen-address={address}"))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start prometheus-blackbox-exporter");
        Blackbox {
            child,
            address,
            dir,
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("blackbox.log")).unwrap_or_default()
    }
}

/// Prometheus with the bundled stack's probe job: the multi-target pattern of the blackbox
/// exporter's README (target → `__param_target`, scrape the exporter's `/probe`).
fn prometheus(blackbox: &Blackbox, provider: &Fixture) -> Prometheus {
    Prometheus::with_scrape_configs(&format!(
        "  - job_name: holysheep-latency
    metrics_path: /probe
    params:
      module: [provider]
    static_configs:
      - targets: ['{}/v1/models']
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: '{}'
",
        provider.url, blackbox.address
    ))
}

pub async fn provider_probe(python: &std::path::Path) {
    let dir = tempfile::tempdir().expect("tempdir");
    let provider = start_provider(python, dir.path());
    let blackbox = Blackbox::start();
    let prom = prometheus(&blackbox, &provider);
    let sim = SimProcess::start(&["--preload"]);
    let url = prom.url.clone();

    // Up, with its probe time, in the JSON and the text report.
    let s = eventually(60, "the provider's probe up in status", || async {
        let s = sim.status_json(Some(&url), "ai-agents");
        let r = &s["metrics"]["recent"];
        (r["providerUpRatio"].as_f64() == Some(1.0) && r["providerProbeMs"].as_f64().is_some())
            .then_some(s)
    })
    .await;
    let ms = s["metrics"]["recent"]["providerProbeMs"].as_f64().unwrap();
    assert!(ms > 0.0 && ms < 2000.0, "probe {ms} ms");
    assert!(
        !problem_ids(&s).contains(&"provider-unreachable".to_string()),
        "{s}"
    );
    assert_eq!(
        s["metrics"]["sources"]["provider_up_ratio"],
        "provider probe"
    );
    let (_, text, _) = sim.agentdeck(&["-n", "ai-agents", "--prometheus-url", &url, "status"], "");
    assert!(
        text.contains("provider probe: up (100 % of probes answered)"),
        "{text}"
    );

    // The provider gone: its probes fail; within the window it is unreachable, said as such.
    drop(provider);
    let s = eventually(
        90,
        "provider-unreachable from the failing probe",
        || async {
            let s = sim.status_json(Some(&url), "ai-agents");
            problem_ids(&s)
                .contains(&"provider-unreachable".to_string())
                .then_some(s)
        },
    )
    .await;
    let p = s["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "provider-unreachable")
        .unwrap();
    assert!(p["fix"].is_null(), "no key to press: {p}");
    assert!(
        p["evidence"].as_str().unwrap().contains("probe_success"),
        "{p}"
    );
    let (code, text, _) =
        sim.agentdeck(&["-n", "ai-agents", "--prometheus-url", &url, "status"], "");
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("provider probe: DOWN"),
        "{text}\n{}",
        blackbox.log()
    );
}
