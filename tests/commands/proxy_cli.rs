//! Through a corporate proxy (a loopback CONNECT proxy that counts its tunnels), the way
//! kubectl goes: the proxy of the server's scheme is used, NO_PROXY bypasses it, and a
//! proxy's user and password never reach the output.

use crate::common::{ConnectProxy, SimProcess};

#[test]
fn status_goes_through_the_proxy_unless_no_proxy_covers_the_server() {
    let sim = SimProcess::start(&["--preload"]);
    let proxy = ConnectProxy::start();
    // The sim serves plain http, so HTTP_PROXY is the one that applies (HTTPS_PROXY is
    // for https servers, as in kubectl).
    let (code, out, err) = sim.agentdeck_env(
        &["status"],
        "",
        &[
            ("HTTP_PROXY", &proxy.url),
            ("NO_PROXY", ""),
            ("HTTPS_PROXY", ""),
        ],
    );
    assert_ne!(code, 2, "{out}\n{err}");
    assert!(out.contains("context agentdeck-sim"), "{out}");
    let through = proxy.count();
    assert!(through > 0, "the proxy carried no connection");

    // NO_PROXY names the server: straight there, the proxy sees nothing more.
    for no_proxy in ["127.0.0.1", "127.0.0.0/8", "localhost,127.0.0.1"] {
        let (code, out, err) = sim.agentdeck_env(
            &["status"],
            "",
            &[("HTTP_PROXY", &proxy.url), ("NO_PROXY", no_proxy)],
        );
        assert_ne!(code, 2, "{no_proxy}: {out}\n{err}");
        assert_eq!(
            proxy.count(),
            through,
            "NO_PROXY={no_proxy} was not honoured"
        );
    }

    // Credentials in the proxy URL are sent to the proxy, never printed.
    let with_auth = proxy.url.replace("http://", "http://ops:hunter2@");
    let (code, _, err) = sim.agentdeck_env(&["status"], "", &[("HTTP_PROXY", &with_auth)]);
    assert_ne!(code, 2, "{err}");
    assert!(
        proxy
            .auth
            .lock()
            .unwrap()
            .iter()
            .any(|h| h == "Basic b3BzOmh1bnRlcjI="),
        "no Proxy-Authorization for ops:hunter2"
    );
    // A proxy that is not there: one readable line, no password in it.
    let dead = "http://ops:hunter2@127.0.0.1:9";
    let (code, out, err) = sim.agentdeck_env(&["status"], "", &[("HTTP_PROXY", dead)]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(
        !err.contains("hunter2") && !out.contains("hunter2"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let log = std::fs::read_to_string(sim.dir.path().join("agentdeck.log")).unwrap_or_default();
    assert!(!log.contains("hunter2"), "the password is in the log");
}
