//! Talking to a simulated cluster from a test: start one in this process, a kube client
//! for it, wait for a condition, a plain HTTP request. Shared by the simulator's own tests
//! (`sim/tests/cluster`) and the product's (`tests/common`, through `#[path]`): it uses
//! only the simulator's public API and kube-rs.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use agentdeck_sim::{SimConfig, SimHandle};

/// Start the sim in this process on a free loopback port.
pub async fn start_sim(cfg: SimConfig) -> SimHandle {
    agentdeck_sim::start(cfg).await.expect("sim starts")
}

/// A kube client for the sim, default namespace ai-agents.
pub fn client(h: &SimHandle) -> kube::Client {
    client_with(h, true)
}

/// A kube client; `retry` false turns off kube's retries of 429/503/504 (which back off for
/// minutes), so an outage is seen at once.
pub fn client_with(h: &SimHandle, retry: bool) -> kube::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut cfg = kube::Config::new(h.url().parse().expect("url"));
    cfg.default_namespace = "ai-agents".into();
    cfg.read_timeout = Some(Duration::from_secs(30));
    cfg.default_retry = retry;
    kube::Client::try_from(cfg).expect("client")
}

/// Poll `f` until it returns Some, or panic after `secs` with `what`.
pub async fn eventually<T, F, Fut>(secs: u64, what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        if Instant::now() > deadline {
            panic!("timed out after {secs}s waiting for: {what}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// One plain HTTP/1.1 request to `base` (http://HOST:PORT); the answer's body.
pub fn http(base: &str, method: &str, path: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let host = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    resp.split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default()
}
