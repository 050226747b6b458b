//! agentdeck against a production-like API server (the sim with --tls and --auth): exec
//! credential plugins whose tokens expire (the dashboard keeps updating, and the plugin's
//! stderr never reaches the screen), client certificates, a wrong token (a clear 401, exit
//! 2), and HTTPS through a corporate CONNECT proxy with NO_PROXY honoured.

mod common;

use std::time::{Duration, Instant};

use common::{ConnectProxy, SimProcess, require_tool};

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
