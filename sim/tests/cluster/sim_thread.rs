//! A sim served from a thread of its own (its own multi-threaded tokio runtime, as the
//! `agentdeck sim` binary runs it), for the tests that drive it from outside with blocking
//! calls: real kubectl, the Python and JavaScript client libraries, plain HTTP. It gives
//! what a separate process gave: the URL, a kubeconfig written for it, a scratch folder;
//! it stops when dropped.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use agentdeck_sim::SimConfig;

use super::common::{find_tool, path_with_sdk};

/// A running sim (see the module's documentation).
pub struct SimThread {
    /// http://127.0.0.1:PORT (https:// with `tls`).
    pub url: String,
    /// Written by the sim (`kubeconfig_out`), with the credentials `auth` asks for.
    pub kubeconfig: PathBuf,
    /// Scratch space for the test (the kubeconfig's folder), removed after the sim stops.
    pub dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SimThread {
    /// Start the sim `cfg` describes (its `kubeconfig_out` is set to `kubeconfig`) and wait
    /// until it serves.
    pub fn start(mut cfg: SimConfig) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let kubeconfig = dir.path().join("kubeconfig");
        cfg.kubeconfig_out = Some(kubeconfig.clone());
        let (ready, started) = mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("sim".into())
            .spawn(move || serve(cfg, ready, stopped))
            .expect("spawn the sim's thread");
        let url = match started.recv() {
            Ok(Ok(url)) => url,
            Ok(Err(e)) => panic!("the sim did not start: {e}"),
            Err(_) => panic!("the sim's thread ended before it started"),
        };
        SimThread {
            url,
            kubeconfig,
            dir,
            stop: Some(stop),
            thread: Some(thread),
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
}

/// The sim's thread: start, say where it serves (or why it could not start), serve until
/// told to stop.
fn serve(
    cfg: SimConfig,
    ready: mpsc::Sender<Result<String, String>>,
    stopped: tokio::sync::oneshot::Receiver<()>,
) {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = ready.send(Err(format!("its runtime: {e}")));
            return;
        }
    };
    rt.block_on(async move {
        let handle = match agentdeck_sim::start(cfg).await {
            Ok(h) => h,
            Err(e) => {
                let _ = ready.send(Err(format!("{e:#}")));
                return;
            }
        };
        let _ = ready.send(Ok(handle.url()));
        // Dropped without a send (the test panicked) stops it too.
        let _ = stopped.await;
        handle.stop().await;
    });
    // Work moved off the runtime's threads (large lists) does not hold the test up.
    rt.shutdown_timeout(Duration::from_secs(5));
}

impl Drop for SimThread {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
