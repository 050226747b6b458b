//! Two Kubernetes client libraries that know nothing of agentdeck — the official Python
//! `kubernetes` and JavaScript `@kubernetes/client-node` — as real clients of the sim over
//! HTTPS, each loading the sim's kubeconfig with its own loader. Their scripts
//! (sim/tests/clients/) print one JSON line per check; every check named in [`CHECKS`]
//! must be there and ok, so a script that skips one fails here.
//!
//! scripts/test.sh installs the libraries (pinned in sim/tests/clients/) into
//! target/client-libs and exports their paths; without them the test skips, or fails under
//! AGENTDECK_REQUIRE_ALL=1 (CI).

use crate::common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use agentdeck_sim::AuthMode;

use crate::common::{SimThread, preload, repo_path};

/// The checks both scripts make, by the names they print.
const CHECKS: &[&str] = &[
    "list_pods",
    "list_deployments",
    "list_namespaces",
    "watch_pods",
    "update_conflict",
    "patch_strategic_merge",
    "patch_json_merge",
    "patch_unknown_field",
    "patch_stale_resource_version",
    "patch_json_patch",
    "patch_json_patch_test_fails",
    "scale_subresource",
    "pod_logs",
    "delete",
    "delete_status",
    "self_subject_access_review",
];

/// A script's run longer than this is a hang (its slowest check, the watch, gives up at 20s).
const RUN_LIMIT: Duration = Duration::from_secs(180);

/// One client library and how its script is run.
struct Library {
    name: &'static str,
    /// The variable scripts/test.sh exports with the installed library's path.
    env: &'static str,
    /// That path's default, under the build folder's client-libs/.
    default: &'static str,
    /// Written beside the install once it succeeded (so a broken install is not used).
    marker: &'static str,
    /// How the sim checks this client (`--auth`): the two libraries cover both kinds.
    auth: AuthMode,
    /// The program that runs the script, when it is not part of the install.
    runtime: Option<&'static str>,
    /// The script's command (KUBECONFIG is set on it): (installed path, a scratch folder).
    command: fn(&Path, &Path) -> Command,
}

const PYTHON: Library = Library {
    name: "python kubernetes",
    env: "AGENTDECK_CLIENT_PYTHON",
    default: "venv/bin/python",
    marker: "venv/installed-requirements.txt",
    auth: AuthMode::ClientCert,
    runtime: None,
    command: |python, _| {
        let mut c = Command::new(python);
        c.arg(repo_path("sim/tests/clients/python/smoke.py"));
        c
    },
};

const JAVASCRIPT: Library = Library {
    name: "javascript @kubernetes/client-node",
    env: "AGENTDECK_CLIENT_NODE_MODULES",
    default: "js/node_modules",
    marker: "js/installed-package-lock.json",
    auth: AuthMode::Token,
    runtime: Some("node"),
    // ES modules resolve packages from the script's folder up (NODE_PATH does not apply):
    // the script runs from a folder whose node_modules is the installed one.
    command: |node_modules, scratch| {
        let dir = scratch.join("js");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(
            repo_path("sim/tests/clients/js/smoke.mjs"),
            dir.join("smoke.mjs"),
        )
        .unwrap();
        std::os::unix::fs::symlink(node_modules, dir.join("node_modules")).unwrap();
        let mut c = Command::new("node");
        c.arg(dir.join("smoke.mjs"));
        c
    },
};

/// The installed library: the exported path, else the default install if it completed.
/// None (after saying why) when the test should skip; panics under AGENTDECK_REQUIRE_ALL=1.
fn installed(lib: &Library) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(lib.env) {
        let p = PathBuf::from(p);
        assert!(p.exists(), "{}={} does not exist", lib.env, p.display());
        return Some(p);
    }
    // The build folder: this test binary is in its debug/deps/ (or release/deps/).
    let exe = std::env::current_exe().expect("this test binary's path");
    let target = exe
        .parent()
        .and_then(Path::parent)
        .and_then(Path::parent)
        .expect("the build folder");
    let libs = target.join("client-libs");
    if libs.join(lib.marker).is_file() {
        return Some(libs.join(lib.default));
    }
    let why = format!(
        "the {} client library is not installed ({} unset, nothing in {}): scripts/test.sh installs it",
        lib.name,
        lib.env,
        libs.display()
    );
    if std::env::var("AGENTDECK_REQUIRE_ALL").as_deref() == Ok("1") {
        panic!("{why}");
    }
    eprintln!("SKIPPED: {why}");
    None
}

/// Run `lib`'s script against a fresh sim (HTTPS, authenticating as `lib.auth` says) and
/// require every check in [`CHECKS`] to be reported ok.
fn run_library(lib: &Library) {
    if lib.runtime.is_some_and(|tool| !common::require_tool(tool)) {
        return;
    }
    let Some(path) = installed(lib) else {
        return;
    };
    let sim = SimThread::start(agentdeck_sim::SimConfig {
        tls: true,
        auth: lib.auth,
        ..preload(1.0)
    });
    assert!(
        sim.url.starts_with("https://"),
        "sim not on HTTPS: {}",
        sim.url
    );
    let mut cmd = (lib.command)(&path, sim.dir.path());
    cmd.env("KUBECONFIG", &sim.kubeconfig)
        .env("HOME", sim.dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let (success, stdout, stderr) = run_with_limit(cmd, RUN_LIMIT);

    let mut reported: BTreeMap<String, (bool, String)> = BTreeMap::new();
    for line in stdout.lines().filter(|l| l.starts_with('{')) {
        let v: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("{}: a line that is not JSON ({e}): {line}", lib.name));
        let name = v["check"].as_str().expect("a check name").to_string();
        let ok = v["ok"].as_bool().expect("ok is a boolean");
        let detail = v["detail"].as_str().unwrap_or_default().to_string();
        assert!(
            reported.insert(name.clone(), (ok, detail)).is_none(),
            "{}: check {name} reported twice",
            lib.name
        );
    }
    let problems: Vec<String> = CHECKS
        .iter()
        .filter_map(|&check| match reported.get(check) {
            None => Some(format!("{check}: not reported")),
            Some((false, detail)) => Some(format!("{check}: {detail}")),
            Some((true, _)) => None,
        })
        .collect();
    let unknown: Vec<&String> = reported
        .keys()
        .filter(|k| !CHECKS.contains(&k.as_str()))
        .collect();
    assert!(
        problems.is_empty() && unknown.is_empty() && success,
        "{}: {} of {} checks failed or missing{}; exit ok: {success}\n{}\n\nstdout:\n{stdout}\nstderr:\n{stderr}",
        lib.name,
        problems.len(),
        CHECKS.len(),
        if unknown.is_empty() {
            String::new()
        } else {
            format!(", checks not expected here: {unknown:?}")
        },
        problems.join("\n"),
    );
    eprintln!("{}: all {} checks ok", lib.name, CHECKS.len());
}

/// Run `cmd` (stdout and stderr piped), killing it after `limit`: (success, stdout, stderr).
fn run_with_limit(mut cmd: Command, limit: Duration) -> (bool, String, String) {
    let desc = format!("{cmd:?}");
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{desc}: {e}"));
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break Some(st);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let (stdout, stderr) = (out.join().unwrap(), err.join().unwrap());
    assert!(
        status.is_some(),
        "{desc} still running after {limit:?}, killed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    (status.unwrap().success(), stdout, stderr)
}

#[test]
fn python_kubernetes_client_against_the_sim() {
    run_library(&PYTHON);
}

#[test]
fn javascript_client_node_against_the_sim() {
    run_library(&JAVASCRIPT);
}
