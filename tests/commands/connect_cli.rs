//! Finding the kubeconfig the way kubectl does (the real binary against the sim): the files
//! of a `KUBECONFIG` list merged, missing ones skipped; a malformed `~/.kube/config` is
//! reported with its parse error, not as "no kubeconfig".

use std::process::Command;

use crate::common::SimProcess;

/// `agentdeck status` with this environment (no --kubeconfig), HOME in `home`.
fn status(home: &std::path::Path, kubeconfig: Option<&str>) -> (i32, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_agentdeck"));
    c.arg("status")
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("AGENTDECK_LOG_FILE", home.join("agentdeck.log"))
        .env_remove("KUBECONFIG");
    if let Some(k) = kubeconfig {
        c.env("KUBECONFIG", k);
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn kubeconfig_lists_merge_like_kubectl() {
    let sim = SimProcess::start(&["--preload"]);
    let dir = sim.dir.path();
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    // The first file knows another cluster and sets no current context; the second is the
    // sim's (its context and current-context).
    let first = dir.join("first.yaml");
    std::fs::write(
        &first,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: far\n  cluster:\n    server: https://192.0.2.1:6443\nusers:\n- name: far\n  user:\n    token: t\ncontexts:\n- name: far\n  context:\n    cluster: far\n    user: far\n",
    )
    .unwrap();
    let second = sim.kubeconfig.display().to_string();
    let missing = dir.join("missing.yaml").display().to_string();
    let list = format!("{}:{missing}:{second}", first.display());
    let (code, out, err) = status(&home, Some(&list));
    assert_ne!(code, 2, "{out}\n{err}");
    assert!(out.contains("context agentdeck-sim"), "{out}\n{err}");

    // Nothing of the list exists: said so.
    let (code, _, err) = status(&home, Some(&missing));
    assert_eq!(code, 2);
    assert!(
        err.contains("none of the files in KUBECONFIG exist"),
        "{err}"
    );
}

#[test]
fn a_malformed_home_kubeconfig_is_reported_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    std::fs::create_dir_all(home.join(".kube")).unwrap();
    std::fs::write(home.join(".kube/config"), "clusters: [\n  - name: x\n").unwrap();
    let (code, _, err) = status(home, None);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("cannot read kubeconfig") && err.contains(".kube/config"),
        "{err}"
    );
    assert!(!err.contains("no kubeconfig found"), "{err}");
    // No file at all: the in-cluster attempt fails with the usual advice.
    std::fs::remove_file(home.join(".kube/config")).unwrap();
    let (code, _, err) = status(home, None);
    assert_eq!(code, 2);
    assert!(err.contains("no kubeconfig found"), "{err}");
}
