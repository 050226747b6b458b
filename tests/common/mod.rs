//! Shared helpers for the integration tests: a sim in-process or as the real binary,
//! a kube client for it, real kubectl with a fresh HOME, and tool checks.
#![allow(dead_code)]

pub mod alerting;
pub mod exporters;
pub mod fixtures;
pub mod fleet;
pub mod prom;
pub mod screen;

// Starting a sim, a kube client for it, waiting, a plain request: the simulator's own
// test harness, shared.
#[path = "../../sim/tests/cluster/harness.rs"]
mod harness;
#[allow(unused_imports)] // each test binary uses some of them
pub use harness::{client, client_with, eventually, http, start_sim};

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use agentdeck_sim::{PreloadDoc, SimConfig, SimHandle};

/// The bundled stack, as the sim's preload documents.
pub fn bundled() -> Vec<PreloadDoc> {
    agentdeck::cli::bundled_preload().expect("bundled manifests parse")
}

pub fn preload(time_scale: f64) -> SimConfig {
    SimConfig {
        preload: bundled(),
        time_scale,
        ..SimConfig::default()
    }
}

/// Is `tool` runnable? When it is not: fail under AGENTDECK_REQUIRE_ALL=1 (CI), otherwise
/// say so and let the caller skip.
pub fn require_tool(tool: &str) -> bool {
    let found = find_tool(tool).is_some();
    if !found {
        if std::env::var("AGENTDECK_REQUIRE_ALL").as_deref() == Ok("1") {
            panic!(
                "required tool {tool:?} is not installed (scripts/test.sh installs what it can)"
            );
        }
        eprintln!("SKIPPED: {tool} is not installed");
    }
    found
}

/// Find a tool on PATH or in the Google Cloud SDK's bin folder (where kubectl.1.NN live).
pub fn find_tool(tool: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.push(PathBuf::from("/usr/lib/google-cloud-sdk/bin"));
    dirs.into_iter().map(|d| d.join(tool)).find(|p| p.is_file())
}

/// The real `agentdeck sim` binary, running until dropped.
pub struct SimProcess {
    pub child: Child,
    pub url: String,
    pub kubeconfig: PathBuf,
    pub dir: tempfile::TempDir,
}

impl SimProcess {
    pub fn start(args: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let kubeconfig = dir.path().join("kubeconfig");
        let mut child = Command::new(env!("CARGO_BIN_EXE_agentdeck"))
            .arg("sim")
            .arg("--kubeconfig-out")
            .arg(&kubeconfig)
            .args(args)
            .env("AGENTDECK_LOG_FILE", dir.path().join("sim.log"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn agentdeck sim");
        let stdout = child.stdout.take().expect("stdout");
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        reader.read_line(&mut line).expect("read sim banner");
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://") || w.starts_with("https://"))
            .unwrap_or_else(|| panic!("no URL in sim banner: {line:?}"))
            .to_string();
        // Keep draining stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in reader.lines() {});
        SimProcess {
            child,
            url,
            kubeconfig,
            dir,
        }
    }

    /// A kubectl command (the given binary) against this sim, with a fresh HOME so no
    /// discovery cache leaks between runs.
    pub fn kubectl(&self, bin: &str) -> Command {
        let path = find_tool(bin).unwrap_or_else(|| PathBuf::from(bin));
        let mut c = Command::new(path);
        let home = self.dir.path().join(format!("home-{bin}"));
        std::fs::create_dir_all(&home).ok();
        c.env("HOME", &home)
            .env("KUBECONFIG", &self.kubeconfig)
            .env("PATH", path_with_sdk());
        c
    }

    /// Run the real `agentdeck` binary against this sim (its kubeconfig; HOME, state and log
    /// under the sim's temp dir), with `stdin` piped in. Returns (exit code, stdout, stderr).
    pub fn agentdeck(&self, args: &[&str], stdin: &str) -> (i32, String, String) {
        self.agentdeck_env(args, stdin, &[])
    }

    /// Like [`agentdeck`](Self::agentdeck), with more environment variables.
    pub fn agentdeck_env(
        &self,
        args: &[&str],
        stdin: &str,
        env: &[(&str, &str)],
    ) -> (i32, String, String) {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_agentdeck"))
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(args)
            .env("HOME", self.dir.path())
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("AGENTDECK_LOG_FILE", self.dir.path().join("agentdeck.log"))
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn agentdeck");
        let _ = child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes());
        let out = child.wait_with_output().expect("agentdeck output");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// `agentdeck -n NS status -o json` against this sim, reading `prom` (none: no metrics
    /// source); exits 0 or 1.
    pub fn status_json(&self, prom: Option<&str>, ns: &str) -> serde_json::Value {
        let mut args = vec!["-n", ns, "status", "-o", "json"];
        if let Some(p) = prom {
            args.extend(["--prometheus-url", p]);
        }
        let (code, out, err) = self.agentdeck(&args, "");
        assert!(code == 0 || code == 1, "status exit {code}: {err}");
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("status JSON: {e}\n{out}\n{err}"))
    }

    /// Put a key the sim's provider accepts in the stack's Secret, so the only 401s are a
    /// staged incident's (the preloaded stack has no Secret: every request is a 401).
    pub fn give_a_working_key(&self) {
        use base64::Engine;
        let key = base64::engine::general_purpose::STANDARD.encode("sk-live-0123456789abcdefKEY");
        http(
            &self.url,
            "POST",
            "/api/v1/namespaces/ai-agents/secrets",
            &format!(
                r#"{{"apiVersion":"v1","kind":"Secret","metadata":{{"name":"ai-api-keys"}},"data":{{"HOLYSHEEP_API_KEY":"{key}"}}}}"#
            ),
        );
    }

    /// The audit log lines written by `agentdeck` runs.
    pub fn audit(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("state/agentdeck/audit.log"))
            .unwrap_or_default()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("sim.log")).unwrap_or_default()
    }

    /// The dashboard (`dashboard(name)`) on a sim with the OOM incident staged, drilled
    /// into the agents' pods once one of them shows an OOM kill.
    pub fn pods_after_an_oom_kill(&self, name: &str) -> tmux::Tmux {
        http(
            &self.url,
            "POST",
            "/_sim/incident",
            r#"{"name": "oom", "on": true}"#,
        );
        let t = self.dashboard(name);
        t.wait_for(30, "the workloads", |s| s.contains("ai-agent-service"));
        t.send(&["Enter"]);
        t.wait_for(60, "the pods with an OOM kill", |s| {
            s.contains("pods of deployment ai-agent-service") && s.contains("OOMKilled")
        });
        t
    }

    /// The audit log of the dashboard started by `dashboard(name)`.
    pub fn dashboard_audit(&self, name: &str) -> String {
        let home = self.dir.path().join(format!("{name}-home"));
        std::fs::read_to_string(home.join(".local/state/agentdeck/audit.log")).unwrap_or_default()
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn path_with_sdk() -> String {
    let p = std::env::var("PATH").unwrap_or_default();
    format!("{p}:/usr/lib/google-cloud-sdk/bin")
}

/// Run a command, returning (success, stdout, stderr).
pub fn run(mut c: Command) -> (bool, String, String) {
    let out = c.output().expect("run command");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Run and require success; returns stdout.
pub fn ok(c: Command) -> String {
    let desc = format!("{c:?}");
    let (success, out, err) = run(c);
    assert!(success, "{desc} failed:\nstdout: {out}\nstderr: {err}");
    out
}

/// A free loopback port (bound and released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

pub fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A loopback HTTP CONNECT proxy (what corporate proxies speak) that counts the tunnels it
/// carried and remembers the Proxy-Authorization headers it saw. Runs until the test ends.
pub struct ConnectProxy {
    pub url: String,
    pub tunnels: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    pub auth: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl ConnectProxy {
    pub fn start() -> ConnectProxy {
        use std::io::{Read, Write};
        use std::net::{TcpListener, TcpStream};
        use std::sync::atomic::Ordering;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let tunnels = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let auth = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (t, a) = (tunnels.clone(), auth.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (t, a) = (t.clone(), a.clone());
                std::thread::spawn(move || {
                    let mut client = client;
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
                        if client.read(&mut byte).unwrap_or(0) == 0 {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    let head = String::from_utf8_lossy(&head).into_owned();
                    let mut lines = head.lines();
                    let request = lines.next().unwrap_or_default().to_string();
                    for l in lines {
                        if let Some(v) = l.strip_prefix("Proxy-Authorization: ") {
                            a.lock().unwrap().push(v.to_string());
                        }
                    }
                    let mut parts = request.split_whitespace();
                    let (Some("CONNECT"), Some(target)) = (parts.next(), parts.next()) else {
                        let _ = client.write_all(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n");
                        return;
                    };
                    let Ok(upstream) = TcpStream::connect(target) else {
                        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n");
                        return;
                    };
                    t.fetch_add(1, Ordering::SeqCst);
                    let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                    let (mut c2, mut u2) =
                        (client.try_clone().unwrap(), upstream.try_clone().unwrap());
                    let mut upstream = upstream;
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut u2, &mut c2);
                        let _ = c2.shutdown(std::net::Shutdown::Both);
                    });
                    let _ = std::io::copy(&mut client, &mut upstream);
                    let _ = upstream.shutdown(std::net::Shutdown::Both);
                });
            }
        });
        ConnectProxy { url, tunnels, auth }
    }

    pub fn count(&self) -> usize {
        self.tunnels.load(std::sync::atomic::Ordering::SeqCst)
    }
}

pub mod tmux;

/// The sim in this process (`cfg`, its kubeconfig written to a temp dir) and agentdeck's
/// connection to it, as the product makes it. Keep the TempDir alive as long as the sim.
pub async fn sim_and_connection(
    mut cfg: SimConfig,
) -> (SimHandle, agentdeck::cluster::Connection, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    cfg.kubeconfig_out = Some(kc.clone());
    let sim = start_sim(cfg).await;
    let target = agentdeck::cluster::Target {
        kubeconfig: Some(kc),
        ..Default::default()
    };
    let conn = agentdeck::cluster::connect(&target, "ai-agents")
        .await
        .expect("agentdeck connects to the sim");
    (sim, conn, dir)
}

impl SimProcess {
    /// The real dashboard on this sim in a tmux session `name` (HOME and log under the
    /// sim's temp dir).
    pub fn dashboard(&self, name: &str) -> tmux::Tmux {
        self.dashboard_with(name, "", &[])
    }

    /// Like [`dashboard`](Self::dashboard), the command line after `env` (`"NO_COLOR=1 "`)
    /// and with `args` after it.
    pub fn dashboard_with(&self, name: &str, env: &str, args: &[&str]) -> tmux::Tmux {
        let home = self.dir.path().join(format!("{name}-home"));
        std::fs::create_dir_all(&home).unwrap();
        let state = home.join(".local/state");
        let t = tmux::Tmux::start(
            name,
            140,
            40,
            &[
                ("HOME", home.to_str().unwrap()),
                ("XDG_STATE_HOME", state.to_str().unwrap()),
            ],
        );
        let log = self.dir.path().join(format!("{name}.log"));
        t.send(&[
            &format!(
                "{env}AGENTDECK_LOG_FILE={} {} --kubeconfig {} {}",
                log.display(),
                env!("CARGO_BIN_EXE_agentdeck"),
                self.kubeconfig.display(),
                args.join(" ")
            ),
            "Enter",
        ]);
        t
    }
}

/// The problem ids of a `status -o json` report.
pub fn problem_ids(s: &serde_json::Value) -> Vec<String> {
    s["problems"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .filter_map(|p| p["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
