//! The simulator tests' harness: a sim in this process on a free loopback port, preloaded
//! with the bundled stack's manifests (`../manifests`, read as fixtures), and a kube
//! client for it.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use agentdeck_sim::{PreloadDoc, SimConfig, SimHandle};

/// Start the sim in this process on a free loopback port.
pub async fn start_sim(cfg: SimConfig) -> SimHandle {
    agentdeck_sim::start(cfg).await.expect("sim starts")
}

/// The bundled stack (the workspace's `manifests/*.yaml`, in file order), as preload
/// documents.
pub fn bundled() -> Vec<PreloadDoc> {
    use serde::Deserialize;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../manifests");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the bundled manifests")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        for (i, de) in serde_yaml_ng::Deserializer::from_str(&text).enumerate() {
            let object = serde_json::Value::deserialize(de).unwrap();
            if object.is_object() {
                out.push(PreloadDoc {
                    origin: format!("{name}#{i}"),
                    object,
                });
            }
        }
    }
    out
}

/// A sim config with the bundled stack preloaded, running `time_scale` times real time.
pub fn preload(time_scale: f64) -> SimConfig {
    SimConfig {
        preload: bundled(),
        time_scale,
        ..SimConfig::default()
    }
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
