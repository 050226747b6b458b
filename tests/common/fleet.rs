//! Five clusters for the fleet tests, all on 127.0.0.1: three real `agentdeck sim`s under
//! steady load — healthy, bad-key (no working key: every call a 401), oom (the OOM
//! incident) — scraped by one shared Prometheus that labels each target with its cluster
//! (`cluster="<context>"`), a blackholed API server (a socket that accepts and never
//! answers), and a context whose exec credential plugin fails. One merged kubeconfig, one
//! config with `[fleet] cluster_label = "cluster"`; the Prometheus has a rule that fires
//! per cluster on 401s (`AgentsUnauthorized`, keeping the cluster label).

use std::path::PathBuf;

use super::prom::Prometheus;
use super::{SimProcess, free_port, require_tool};

pub const CONTEXTS: [&str; 5] = ["healthy", "bad-key", "oom", "blackholed", "broken-cred"];

pub struct FiveClusters {
    pub healthy: SimProcess,
    pub bad_key: SimProcess,
    pub oom: SimProcess,
    pub prom: Prometheus,
    /// The three sims' agents' metrics (`host:port`): healthy, bad-key, oom.
    pub metrics: [String; 3],
    /// Accepts connections (the kernel does) and never answers them.
    _hole: std::net::TcpListener,
    pub dir: tempfile::TempDir,
    pub kubeconfig: PathBuf,
    pub config: PathBuf,
}

/// A sim under steady load serving its agents' metrics; (sim, metrics address).
fn sim(incident: Option<&str>) -> (SimProcess, String) {
    let addr = format!("127.0.0.1:{}", free_port());
    let mut args = vec!["--preload", "--steady-load", "--metrics-listen", &addr];
    if let Some(i) = incident {
        args.extend(["--incident", i]);
    }
    (SimProcess::start(&args), addr)
}

/// The bearer token of a sim's kubeconfig.
fn token(s: &SimProcess) -> String {
    let kc = std::fs::read_to_string(&s.kubeconfig).unwrap();
    kc.lines()
        .find_map(|l| l.trim().strip_prefix("token: "))
        .unwrap()
        .trim()
        .to_string()
}

impl FiveClusters {
    /// None when Prometheus is missing (and allowed to be).
    pub fn start() -> Option<FiveClusters> {
        if !require_tool("prometheus") {
            return None;
        }
        let (healthy, a1) = sim(None);
        let (bad_key, a2) = sim(None);
        let (oom, a3) = sim(Some("oom"));
        healthy.give_a_working_key();
        oom.give_a_working_key();
        let mut scrape = String::new();
        for (cluster, target) in [("healthy", &a1), ("bad-key", &a2), ("oom", &a3)] {
            scrape += &format!(
                "  - job_name: agents-{cluster}\n    static_configs:\n      - targets: ['{target}']\n        labels:\n          cluster: {cluster:?}\n"
            );
        }
        // A team's rule that keeps the cluster label: the fleet counts its alerts per row.
        let rules = "groups:\n  - name: fleet-test\n    rules:\n      - alert: AgentsUnauthorized\n        expr: sum by (cluster, namespace) (rate(http_requests_total{code=\"401\"}[15s])) > 0\n        labels:\n          severity: critical\n";
        let prom = Prometheus::with_config(&scrape, rules, "");
        let hole = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        std::fs::write(
            &kubeconfig,
            kubeconfig_text(&[&healthy, &bad_key, &oom], &hole),
        )
        .unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(
            &config,
            format!(
                "[fleet]\ncluster_label = \"cluster\"\nrefresh_secs = 1.0\nlinger_secs = 5.0\n\n[prometheus]\nurl = \"{}\"\nrefresh_secs = 1.0\n\n[problems]\nwindow = \"15s\"\n\n[status]\np95_threshold_ms = 5000.0\n\n[stack]\nprovider_base_url = \"{}/_sim/provider/v1\"\n",
                prom.url, bad_key.url
            ),
        )
        .unwrap();
        Some(FiveClusters {
            healthy,
            bad_key,
            oom,
            prom,
            metrics: [a1, a2, a3],
            _hole: hole,
            dir,
            kubeconfig,
            config,
        })
    }

    /// `agentdeck --kubeconfig K --config C ARGS` (HOME, state and log in the temp dir).
    pub fn agentdeck(&self, args: &[&str]) -> (i32, String, String) {
        self.agentdeck_with(&self.config, args)
    }

    /// [`agentdeck`](Self::agentdeck) with another config file.
    pub fn agentdeck_with(&self, config: &std::path::Path, args: &[&str]) -> (i32, String, String) {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_agentdeck"))
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--config")
            .arg(config)
            .args(args)
            .env("HOME", self.dir.path())
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("AGENTDECK_LOG_FILE", self.dir.path().join("agentdeck.log"))
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// The fleet view in tmux session `name` (140×40), on every context.
    pub fn dashboard(&self, name: &str) -> super::tmux::Tmux {
        let home = self.dir.path().join(format!("{name}-home"));
        std::fs::create_dir_all(&home).unwrap();
        let state = home.join(".local/state");
        let t = super::tmux::Tmux::start(
            name,
            140,
            40,
            &[
                ("HOME", home.to_str().unwrap()),
                ("XDG_STATE_HOME", state.to_str().unwrap()),
            ],
        );
        t.send(&[
            &format!(
                "AGENTDECK_LOG_FILE={} {} --kubeconfig {} --config {} --all-contexts",
                self.dir.path().join(format!("{name}.log")).display(),
                env!("CARGO_BIN_EXE_agentdeck"),
                self.kubeconfig.display(),
                self.config.display()
            ),
            "Enter",
        ]);
        t
    }

    /// The audit log of the dashboard `dashboard(name)` started.
    pub fn dashboard_audit(&self, name: &str) -> String {
        let home = self.dir.path().join(format!("{name}-home"));
        std::fs::read_to_string(home.join(".local/state/agentdeck/audit.log")).unwrap_or_default()
    }
}

/// The merged kubeconfig: a context per sim (named as its cluster), the blackhole, and a
/// context whose exec credential plugin fails as an expired SSO session does.
fn kubeconfig_text(sims: &[&SimProcess; 3], hole: &std::net::TcpListener) -> String {
    let mut clusters = String::new();
    let mut contexts = String::new();
    let mut users = String::new();
    for (name, s) in CONTEXTS.iter().zip(sims.iter()) {
        clusters += &format!("- name: {name}\n  cluster: {{server: \"{}\"}}\n", s.url);
        contexts += &format!(
            "- name: {name}\n  context: {{cluster: {name}, user: {name}, namespace: ai-agents}}\n"
        );
        users += &format!("- name: {name}\n  user: {{token: {}}}\n", token(s));
    }
    let hole = hole.local_addr().unwrap();
    clusters += &format!("- name: blackholed\n  cluster: {{server: \"http://{hole}\"}}\n");
    contexts += "- name: blackholed\n  context: {cluster: blackholed, user: healthy, namespace: ai-agents}\n";
    contexts +=
        "- name: broken-cred\n  context: {cluster: healthy, user: sso, namespace: ai-agents}\n";
    users += "- name: sso\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: sh\n      args: [\"-c\", \"echo 'error: SSO session expired, run: corp-login --sso' >&2; exit 1\"]\n      interactiveMode: Never\n";
    format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: healthy\nclusters:\n{clusters}contexts:\n{contexts}users:\n{users}"
    )
}
