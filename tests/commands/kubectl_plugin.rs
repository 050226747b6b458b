//! agentdeck as a kubectl plugin: a `kubectl-agentdeck` link to the real binary first on
//! PATH is listed by real `kubectl plugin list`, and `kubectl agentdeck …` runs it against
//! the simulator (over HTTP) with kubectl's flags — the usage says `kubectl agentdeck`.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::SimProcess;

/// A temp dir holding the `kubectl-agentdeck` link, and the PATH that puts it first.
fn plugin_dir() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_agentdeck"),
        dir.path().join("kubectl-agentdeck"),
    )
    .unwrap();
    let path = format!(
        "{}:{}:/usr/lib/google-cloud-sdk/bin",
        dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    (dir, path)
}

fn kubectl(path: &str, home: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let bin: PathBuf = common::find_tool("kubectl").expect("kubectl");
    let out = Command::new(bin)
        .args(args)
        .env("PATH", path)
        .env("HOME", home)
        .env_remove("KUBECONFIG")
        .env("AGENTDECK_LOG_FILE", home.join("agentdeck.log"))
        .output()
        .expect("run kubectl");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn kubectl_lists_and_runs_the_plugin_against_the_sim() {
    if !common::require_tool("kubectl") {
        return;
    }
    let (dir, path) = plugin_dir();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let link = dir.path().join("kubectl-agentdeck");

    let (_, out, err) = kubectl(&path, &home, &["plugin", "list"]);
    assert!(
        out.contains(link.to_str().unwrap()),
        "kubectl plugin list:\n{out}\n{err}"
    );

    let (code, out, err) = kubectl(&path, &home, &["agentdeck", "--help"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("Usage: kubectl agentdeck"), "{out}");
    let (code, _, err) = kubectl(&path, &home, &["agentdeck", "status", "--bogus"]);
    assert_ne!(code, Some(0));
    assert!(err.contains("kubectl agentdeck status"), "{err}");

    let sim = SimProcess::start(&["--preload", "--time-scale", "10"]);
    let kc = sim.kubeconfig.to_str().unwrap();
    let (code, out, err) = kubectl(
        &path,
        &home,
        &["agentdeck", "status", "-o", "json", "--kubeconfig", kc],
    );
    assert!(matches!(code, Some(0 | 1)), "exit {code:?}: {err}");
    let v: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    assert_eq!(v["context"], "agentdeck-sim");
    assert_eq!(v["namespace"], "ai-agents");
    assert!(v["healthy"].is_boolean(), "{v}");
    let names: Vec<&str> = v["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["name"].as_str())
        .collect();
    assert!(names.contains(&"ai-agent-service"), "{names:?}");

    // KUBECONFIG, --context and -n work as they do for kubectl.
    let bin = common::find_tool("kubectl").unwrap();
    let out = Command::new(bin)
        .args([
            "agentdeck",
            "--context",
            "agentdeck-sim",
            "-n",
            "monitoring",
        ])
        .args(["status", "-o", "yaml"])
        .env("PATH", &path)
        .env("HOME", &home)
        .env("KUBECONFIG", kc)
        .env("AGENTDECK_LOG_FILE", home.join("agentdeck.log"))
        .output()
        .unwrap();
    let yaml = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value = serde_yaml_ng::from_str(&yaml)
        .unwrap_or_else(|e| panic!("{e}: {yaml}\n{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(v["namespace"], "monitoring", "{yaml}");
}

#[test]
fn the_krew_manifest_names_the_plugin_and_its_binary() {
    let text = std::fs::read_to_string(common::repo_path("plugins/agentdeck.yaml")).unwrap();
    let v: serde_json::Value = serde_yaml_ng::from_str(&text).unwrap();
    assert_eq!(v["kind"], "Plugin");
    assert_eq!(v["metadata"]["name"], "agentdeck");
    assert_eq!(
        v["spec"]["version"],
        format!("v{}", env!("CARGO_PKG_VERSION")),
        "the manifest's version is the crate's"
    );
    for p in v["spec"]["platforms"].as_array().unwrap() {
        assert_eq!(p["bin"], "agentdeck");
        assert_eq!(p["sha256"].as_str().unwrap().len(), 64);
        assert!(p["uri"].as_str().unwrap().starts_with("https://"));
    }
}
