//! agentdeck against a production-like API server (the sim with --tls and --auth): exec
//! credential plugins whose tokens expire (the dashboard keeps updating, and the plugin's
//! stderr never reaches the screen), client certificates, a wrong token (a clear 401, exit
//! 2), and HTTPS through a corporate CONNECT proxy with NO_PROXY honoured.

use std::time::{Duration, Instant};

use crate::common::{ConnectProxy, SimProcess, require_tool};

fn fresh(screen: &str) -> bool {
    let h = screen.lines().next().unwrap_or_default();
    h.contains("cluster ●") && !h.contains("stale")
}

#[test]
fn exec_tokens_expire_and_the_dashboard_keeps_updating() {
    if !require_tool("tmux") {
        return;
    }
    let sim = SimProcess::start(&[
        "--preload",
        "--time-scale",
        "5",
        "--tls",
        "--auth",
        "exec",
        "--token-ttl",
        "20s",
    ]);
    assert!(sim.url.starts_with("https://"), "{}", sim.url);
    let (code, out, err) = sim.agentdeck(&["status"], "");
    assert_ne!(code, 2, "{out}\n{err}");
    assert!(out.contains("context agentdeck-sim"), "{out}");

    let t = sim.dashboard("exec");
    t.wait_for(40, "the dashboard over TLS with an exec plugin", |s| {
        fresh(s) && s.contains("ai-agent-service") && s.contains("3/3")
    });
    let started = Instant::now();
    // Two token lifetimes and more; the plugin runs many times meanwhile (it says so on
    // its stderr, as SSO plugins do): never on the dashboard's screen.
    while started.elapsed() < Duration::from_secs(50) {
        let screen = t.capture();
        assert!(
            !screen.contains("sim credential"),
            "the plugin's stderr is on the screen:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    let (code, out, err) = sim.agentdeck(&["scale", "redis", "2", "--yes", "--timeout", "60s"], "");
    assert_eq!(code, 0, "{out}\n{err}");
    t.wait_for(30, "the change, after two expired tokens", |s| {
        fresh(s) && s.lines().any(|l| l.contains("redis") && l.contains("2/2"))
    });
    let (code, out, err) = sim.agentdeck(&["status"], "");
    assert_ne!(code, 2, "{out}\n{err}");
    t.send(&["q"]);
}

#[test]
fn client_certificates_work_and_a_wrong_token_is_a_clear_401() {
    let sim = SimProcess::start(&["--preload", "--tls", "--auth", "client-cert"]);
    let (code, out, err) = sim.agentdeck(&["status"], "");
    assert_ne!(code, 2, "{out}\n{err}");
    assert!(out.contains("context agentdeck-sim"), "{out}");

    let sim = SimProcess::start(&["--preload", "--tls", "--auth", "token"]);
    let (code, out, err) = sim.agentdeck(&["status"], "");
    assert_ne!(code, 2, "{out}\n{err}");
    let kc = std::fs::read_to_string(&sim.kubeconfig).unwrap();
    let token = kc
        .lines()
        .find_map(|l| l.trim().strip_prefix("token: "))
        .expect("a token in the kubeconfig")
        .to_string();
    std::fs::write(&sim.kubeconfig, kc.replace(&token, "not-the-token")).unwrap();
    let (code, out, err) = sim.agentdeck(&["status"], "");
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(
        err.contains("the API server rejects the credentials (401"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(
        !err.contains("Status {") && !err.contains("ErrorResponse"),
        "{err}"
    );
}

#[test]
fn https_goes_through_the_proxy_unless_no_proxy_covers_it() {
    let sim = SimProcess::start(&["--preload", "--tls", "--auth", "token"]);
    let proxy = ConnectProxy::start();
    let (code, out, err) = sim.agentdeck_env(
        &["status"],
        "",
        &[("HTTPS_PROXY", &proxy.url), ("NO_PROXY", "")],
    );
    assert_ne!(code, 2, "{out}\n{err}");
    let through = proxy.count();
    assert!(through > 0, "the proxy carried no connection");
    let (code, out, err) = sim.agentdeck_env(
        &["status"],
        "",
        &[("HTTPS_PROXY", &proxy.url), ("NO_PROXY", "127.0.0.1")],
    );
    assert_ne!(code, 2, "{out}\n{err}");
    assert_eq!(proxy.count(), through, "NO_PROXY was not honoured");
}

/// A kubeconfig for the sim whose user runs `plugin` (a script) as its exec credential
/// plugin, and a config giving such plugins `secs` seconds.
fn with_plugin(
    sim: &SimProcess,
    name: &str,
    script: &str,
    secs: u32,
) -> (std::path::PathBuf, std::path::PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let dir = sim.dir.path().join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let plugin = dir.join("plugin.sh");
    std::fs::write(&plugin, format!("#!/bin/sh\n{script}\n")).unwrap();
    std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let kc = dir.join("kubeconfig");
    std::fs::write(
        &kc,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: sim\n  cluster:\n    server: {}\ncontexts:\n- name: sso\n  context:\n    cluster: sim\n    user: sso-user\n    namespace: ai-agents\ncurrent-context: sso\nusers:\n- name: sso-user\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: {}\n      interactiveMode: Never\n",
            sim.url,
            plugin.display()
        ),
    )
    .unwrap();
    let cfg = dir.join("config.toml");
    std::fs::write(&cfg, format!("exec_plugin_timeout_secs = {secs}\n")).unwrap();
    (kc, cfg)
}

/// `agentdeck --kubeconfig KC --config CFG status` with the log in `log`.
fn status_with(
    sim: &SimProcess,
    kc: &std::path::Path,
    cfg: &std::path::Path,
    log: &std::path::Path,
) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_agentdeck"))
        .args([
            "--kubeconfig",
            kc.to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
            "status",
        ])
        .env("HOME", sim.dir.path())
        .env("AGENTDECK_LOG_FILE", log)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// An SSO plugin waiting for a browser that never comes: `status` stops it after the
/// timeout and says which plugin and why, instead of hanging. One that writes 50 MB of
/// errors with a token in them: a few lines reach the user and the log, never the token.
#[test]
fn hanging_and_noisy_credential_plugins_are_bounded() {
    let sim = SimProcess::start(&["--preload"]);
    let (kc, cfg) = with_plugin(&sim, "hang", "sleep 600", 3);
    let log = sim.dir.path().join("plugin.log");
    let started = Instant::now();
    let (code, _, err) = status_with(&sim, &kc, &cfg, &log);
    let took = started.elapsed();
    eprintln!("status with a hanging plugin: {took:.1?}");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("plugin.sh did not finish within 3s") && err.contains("waiting for a login"),
        "{err}"
    );
    assert!(took < Duration::from_secs(20), "{took:?}");

    let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2VjcmV0LXNpZ25hdHVyZQ";
    let noisy = format!(
        "echo 'login failed: token {token} was rejected' >&2\nhead -c 50000000 /dev/zero | tr '\\0' x >&2\nexit 3"
    );
    let (kc, cfg) = with_plugin(&sim, "noisy", &noisy, 10);
    let _ = std::fs::remove_file(&log);
    let (code, out, err) = status_with(&sim, &kc, &cfg, &log);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(err.contains("login failed"), "{err}");
    assert!(!err.contains(token) && !err.contains("eyJ"), "{err}");
    assert!(err.len() < 8192, "stderr is {} bytes", err.len());
    let logged = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0);
    assert!(logged < 256 * 1024, "the log grew {logged} bytes");
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(!text.contains("eyJhbGci"), "the token reached the log");
}
