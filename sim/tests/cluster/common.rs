//! The simulator tests' harness: a sim in this process on a free loopback port (on the
//! test's runtime, or on a runtime thread of its own for the tests that drive it with
//! blocking calls: [`SimThread`]), preloaded with the bundled stack's manifests
//! (`../manifests`, read as fixtures), a kube client for it, and the external tools
//! (kubectl, the client libraries' runtimes) with their checks.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use agentdeck_sim::{PreloadDoc, SimConfig};

pub use super::harness::{client, client_with, eventually, http, start_sim};
pub use super::sim_thread::SimThread;

/// The bundled stack (the workspace's `manifests/*.yaml`, in file order), as preload
/// documents.
pub fn bundled() -> Vec<PreloadDoc> {
    use serde::Deserialize;
    let dir = repo_path("manifests");
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

/// A path in the repository (the workspace's root): `manifests`, `sim/tests/fixtures/…`.
pub fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel)
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

/// PATH with the Google Cloud SDK's bin folder last (the kubectl dispatcher runs the
/// versioned binaries from there).
pub fn path_with_sdk() -> String {
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
