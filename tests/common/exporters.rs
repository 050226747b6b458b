//! The real instrumentation libraries as test fixtures: tests/exporters/*.py (a fake
//! OpenAI-compatible provider, an `openai` app instrumented by OpenTelemetry, a FastAPI agent
//! with prometheus-fastapi-instrumentator and its load) as child processes killed on drop,
//! and a real Prometheus scraping the two apps as Kubernetes would label them.
//!
//! scripts/test.sh installs the libraries (tests/exporters/requirements.txt) into the build
//! folder's client-libs/exporters-venv and exports its python as AGENTDECK_EXPORTERS_PYTHON.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::prom::{Job, Prometheus};
use super::{free_port, repo_path};

/// How long a fixture may take to answer after its start (imports of openai and the OTel SDK
/// take seconds on two busy cores).
const START_LIMIT: Duration = Duration::from_secs(90);

/// The namespace label the scrape config attaches to the FastAPI agent's series.
pub const NAMESPACE: &str = "ai-agents";
/// The namespace label of the OpenTelemetry app's series (a stack of its own).
pub const OTEL_NAMESPACE: &str = "otel-agents";

/// The exporters' python: AGENTDECK_EXPORTERS_PYTHON, else the venv scripts/test.sh leaves in
/// the build folder once its install completed. None (after saying why) when the test should
/// skip; panics under AGENTDECK_REQUIRE_ALL=1.
pub fn python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AGENTDECK_EXPORTERS_PYTHON") {
        let p = PathBuf::from(p);
        assert!(
            p.exists(),
            "AGENTDECK_EXPORTERS_PYTHON={} does not exist",
            p.display()
        );
        return Some(p);
    }
    // The build folder: the agentdeck binary is in its debug/ (or release/).
    let target = Path::new(env!("CARGO_BIN_EXE_agentdeck"))
        .parent()
        .and_then(Path::parent)
        .expect("the build folder");
    let venv = target.join("client-libs/exporters-venv");
    if venv.join("installed-requirements.txt").is_file() {
        return Some(venv.join("bin/python"));
    }
    let why = format!(
        "the instrumentation libraries are not installed (AGENTDECK_EXPORTERS_PYTHON unset, nothing in {}): scripts/test.sh installs them",
        venv.display()
    );
    if std::env::var("AGENTDECK_REQUIRE_ALL").as_deref() == Ok("1") {
        panic!("{why}");
    }
    eprintln!("SKIPPED: {why}");
    None
}

/// One fixture process: its output goes to a log file; killed on drop.
pub struct Fixture {
    pub name: &'static str,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    child: Child,
    log: PathBuf,
}

impl Fixture {
    /// Run tests/exporters/`script` with `args` under `python`, logging into `dir`.
    fn spawn(
        python: &Path,
        dir: &Path,
        name: &'static str,
        script: &str,
        args: &[&str],
        url: String,
    ) -> Fixture {
        let log = dir.join(format!("{name}.log"));
        let out = std::fs::File::create(&log).expect("fixture log");
        let err = out.try_clone().expect("fixture log");
        let child = Command::new(python)
            .arg(repo_path(&format!("tests/exporters/{script}")))
            .args(args)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {name} ({}): {e}", python.display()));
        Fixture {
            name,
            url,
            child,
            log,
        }
    }

    /// Poll GET `path` until it answers 200; panics with the log when the process exits or
    /// [`START_LIMIT`] passes.
    fn wait_ready(mut self, path: &str) -> Fixture {
        let deadline = Instant::now() + START_LIMIT;
        loop {
            if get_status(&self.url, path) == Some(200) {
                return self;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "{} exited ({status}) before it was ready:\n{}",
                    self.name,
                    self.log()
                );
            }
            assert!(
                Instant::now() < deadline,
                "{} not ready at {}{path} after {START_LIMIT:?}:\n{}",
                self.name,
                self.url,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Wait until the log has `line` (for a fixture that serves nothing).
    fn wait_for_line(mut self, line: &str) -> Fixture {
        let deadline = Instant::now() + START_LIMIT;
        while !self.log().contains(line) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{} exited ({status}):\n{}", self.name, self.log());
            }
            assert!(
                Instant::now() < deadline,
                "{} printed no {line:?} after {START_LIMIT:?}:\n{}",
                self.name,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        self
    }

    /// host:port, for a scrape target.
    pub fn address(&self) -> String {
        self.url.trim_start_matches("http://").to_string()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The status of GET `base``path`, None when nothing answers (yet).
pub fn get_status(base: &str, path: &str) -> Option<u16> {
    let (status, _) = get(base, path)?;
    Some(status)
}

/// GET `base``path` over plain HTTP/1.1: (status, body), None when nothing answers.
pub fn get(base: &str, path: &str) -> Option<(u16, String)> {
    let host = base.trim_start_matches("http://");
    let mut s = TcpStream::connect(host).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/plain\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    let resp = String::from_utf8_lossy(&raw);
    let status = resp.split_whitespace().nth(1)?.parse().ok()?;
    let (head, body) = resp.split_once("\r\n\r\n")?;
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    Some((status, if chunked { dechunk(body) } else { body.into() }))
}

/// The body of a chunked transfer encoding.
fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n =
            usize::from_str_radix(size.split(';').next().unwrap_or("0").trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// The fake provider (tests/exporters/fake_provider.py), ready.
pub fn start_provider(python: &Path, dir: &Path) -> Fixture {
    let port = free_port();
    Fixture::spawn(
        python,
        dir,
        "fake-provider",
        "fake_provider.py",
        &[&port.to_string()],
        format!("http://127.0.0.1:{port}"),
    )
    .wait_ready("/v1/models")
}

/// The `openai` app instrumented by OpenTelemetry, calling `provider` at `rate` requests per
/// second; its URL is that of its /metrics server (ready once that answers).
pub fn start_otel_app(python: &Path, dir: &Path, provider: &Fixture, rate: f64) -> Fixture {
    let port = free_port();
    let base = format!("{}/v1", provider.url);
    Fixture::spawn(
        python,
        dir,
        "otel-openai-app",
        "otel_openai_app.py",
        &[&base, &port.to_string(), "--rate", &rate.to_string()],
        format!("http://127.0.0.1:{port}"),
    )
    .wait_ready("/metrics")
}

/// The FastAPI agent service in front of `provider`, ready.
pub fn start_fastapi_agent(python: &Path, dir: &Path, provider: &Fixture) -> Fixture {
    let port = free_port();
    let base = format!("{}/v1", provider.url);
    Fixture::spawn(
        python,
        dir,
        "fastapi-agent",
        "fastapi_agent.py",
        &[&base, &port.to_string()],
        format!("http://127.0.0.1:{port}"),
    )
    .wait_ready("/ready")
}

/// The load driver posting to `agent`'s three agents at `rate` per second.
pub fn start_load(python: &Path, dir: &Path, agent: &Fixture, rate: f64) -> Fixture {
    Fixture::spawn(
        python,
        dir,
        "load",
        "load.py",
        &[&agent.url, "--rate", &rate.to_string()],
        agent.url.clone(),
    )
    .wait_for_line("READY load")
}

/// Everything: the provider, both apps (the agent with its load) and a Prometheus scraping
/// the apps every second with `namespace="ai-agents"` (jobs `otel-openai-app` and
/// `ai-agent-service`). Drop order kills the load before the service, the apps before the
/// provider.
pub struct Stack {
    pub prometheus: Prometheus,
    pub load: Fixture,
    pub otel: Fixture,
    pub agent: Fixture,
    pub provider: Fixture,
    pub dir: tempfile::TempDir,
}

impl Stack {
    /// Start it all at `rate` requests per second for each app.
    pub fn start(python: &Path, rate: f64) -> Stack {
        let dir = tempfile::tempdir().expect("tempdir");
        let provider = start_provider(python, dir.path());
        let otel = start_otel_app(python, dir.path(), &provider, rate);
        let agent = start_fastapi_agent(python, dir.path(), &provider);
        let load = start_load(python, dir.path(), &agent, rate);
        let prometheus = Prometheus::with_jobs(&[
            Job {
                name: "otel-openai-app",
                targets: &[otel.address()],
                labels: &[("namespace", OTEL_NAMESPACE), ("pod", "otel-openai-app-0")],
            },
            Job {
                name: "ai-agent-service",
                targets: &[agent.address()],
                labels: &[("namespace", NAMESPACE), ("pod", "ai-agent-service-0")],
            },
        ]);
        Stack {
            prometheus,
            load,
            otel,
            agent,
            provider,
            dir,
        }
    }

    /// Make the provider answer this share of chat requests with 401 (0.0 turns it off).
    pub fn set_unauthorized_ratio(&self, ratio: f64) {
        set_unauthorized_ratio(&self.provider, ratio);
    }

    /// Every fixture's log, for a failure message.
    pub fn logs(&self) -> String {
        [&self.provider, &self.otel, &self.agent, &self.load]
            .iter()
            .map(|f| format!("--- {} ---\n{}", f.name, tail(&f.log(), 30)))
            .chain([format!(
                "--- prometheus ---\n{}",
                tail(&self.prometheus.log(), 20)
            )])
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Make `provider` answer this share of chat requests with 401 (0.0 turns it off).
pub fn set_unauthorized_ratio(provider: &Fixture, ratio: f64) {
    let body = super::http(
        &provider.url,
        "POST",
        "/_control",
        &format!(r#"{{"unauthorized_ratio": {ratio}}}"#),
    );
    assert!(
        body.contains("unauthorized_ratio"),
        "POST /_control answered {body:?}"
    );
}

fn tail(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
