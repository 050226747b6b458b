//! The toolbox subcommands of the real binary: the bash completion script loaded in a real
//! bash completes subcommands and the bundled names; the man page is roff naming every
//! subcommand; `config path|show|init` on real files, with refusals that say what to do.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

/// Run the real `agentdeck` with HOME and XDG_CONFIG_HOME under `home`.
fn agentdeck(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_agentdeck"))
        .args(args)
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("KUBECONFIG")
        .env_remove("AGENTDECK_PROMETHEUS_TOKEN")
        .env("HOME", home)
        .env("AGENTDECK_LOG_FILE", home.join("agentdeck.log"))
        .envs(env.iter().copied())
        .output()
        .expect("run agentdeck")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// COMPREPLY of the bash completion for `words` (the last one being completed).
fn complete(script: &Path, words: &[&str]) -> Vec<String> {
    let line = words.join(" ");
    let prog = format!(
        "source {}\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_LINE='{line}'\nCOMP_POINT={}\n\
         _agentdeck agentdeck '{}' '{}' 2>/dev/null\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        script.display(),
        words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" "),
        words.len() - 1,
        line.len(),
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &prog])
        .output()
        .expect("run bash");
    assert!(out.status.success(), "bash: {}", text(&out.stderr));
    text(&out.stdout).lines().map(str::to_string).collect()
}

#[test]
fn bash_completion_loads_in_bash_and_completes_subcommands_and_names() {
    if !common::require_tool("bash") {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let out = agentdeck(home.path(), &["completions", "bash"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let script = home.path().join("agentdeck.bash");
    std::fs::write(&script, &out.stdout).unwrap();

    let subs = complete(&script, &["agentdeck", "sta"]);
    assert_eq!(subs, ["status"], "agentdeck sta<TAB>");
    let all = complete(&script, &["agentdeck", ""]);
    for s in [
        "status",
        "scale",
        "set-resources",
        "completions",
        "man",
        "config",
    ] {
        assert!(all.iter().any(|w| w == s), "{s} in {all:?}");
    }
    let deps = complete(&script, &["agentdeck", "scale", "ai"]);
    assert_eq!(deps, ["ai-agent-service"], "the bundled Deployment");
    let ns = complete(&script, &["agentdeck", "status", "-n", "mon"]);
    assert_eq!(ns, ["monitoring"], "the bundled namespaces");
    let only = complete(&script, &["agentdeck", "deploy", "--only", "networkp"]);
    assert_eq!(only, ["networkpolicy/allow-holysheep-api"]);
    let cfg = complete(&script, &["agentdeck", "config", ""]);
    for s in ["path", "show", "init"] {
        assert!(cfg.iter().any(|w| w == s), "{s} in {cfg:?}");
    }
}

#[test]
fn completion_offers_the_kubeconfig_contexts_and_refuses_unknown_shells() {
    if !common::require_tool("bash") {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let kc = home.path().join("kc");
    std::fs::write(
        &kc,
        "apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts:\n- name: prod-eu\n  context: {cluster: a, user: b}\n- name: staging\n  context: {cluster: a, user: b}\n",
    )
    .unwrap();
    let out = agentdeck(
        home.path(),
        &["completions", "bash"],
        &[("KUBECONFIG", kc.to_str().unwrap())],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let script = home.path().join("agentdeck.bash");
    std::fs::write(&script, &out.stdout).unwrap();
    assert_eq!(
        complete(&script, &["agentdeck", "--context", "pr"]),
        ["prod-eu"]
    );

    let out = agentdeck(home.path(), &["completions", "tcsh"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("'tcsh'") && err.contains("bash"), "{err}");
}

#[test]
fn every_shell_gets_a_script_with_the_subcommands_and_names() {
    let home = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = agentdeck(home.path(), &["completions", shell], &[]);
        assert!(out.status.success(), "{shell}: {}", text(&out.stderr));
        let s = text(&out.stdout);
        assert!(
            s.contains("set-resources") && s.contains("rotate-key"),
            "{shell}"
        );
        // clap_complete's PowerShell and Elvish scripts complete subcommands and flags only.
        if ["bash", "zsh", "fish"].contains(&shell) {
            assert!(
                s.contains("ai-agent-service"),
                "{shell}: the Deployment hint"
            );
        }
    }
}

#[test]
fn man_prints_a_roff_page_naming_the_subcommands() {
    let home = tempfile::tempdir().unwrap();
    let out = agentdeck(home.path(), &["man"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = text(&out.stdout);
    assert!(page.starts_with(".ie \\n(.g .ds Aq"), "{}", &page[..80]);
    assert!(page.contains(".TH agentdeck 1"), "the title header");
    assert!(page.contains(".SH NAME") && page.contains(".SH SYNOPSIS"));
    for s in [
        "status",
        "scale",
        "restart",
        "set\\-resources",
        "rotate\\-key",
        "completions",
    ] {
        assert!(page.contains(s), "{s} in the man page");
    }
    // Each subcommand its own page, with its options in full (the main page only lists the
    // subcommands, pointing at agentdeck-NAME(1)).
    let out = agentdeck(home.path(), &["man", "scale"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let sub = text(&out.stdout);
    assert!(sub.contains(".TH agentdeck-scale 1"), "{}", &sub[..200]);
    assert!(
        sub.contains(r"\-\-timeout")
            && sub.contains(r"\-\-read\-only")
            && !sub.contains(r"\-\-theme"),
        "{sub}"
    );
    let out = agentdeck(home.path(), &["man", "nope"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("give one of demo"),
        "{}",
        text(&out.stderr)
    );
    if common::find_tool("groff").is_some() {
        let man = home.path().join("agentdeck.1");
        std::fs::write(&man, &out.stdout).unwrap();
        let r = Command::new("groff")
            .args(["-k", "-man", "-Tutf8", "-ww", "-z"])
            .arg(&man)
            .output()
            .unwrap();
        assert!(
            r.status.success() && r.stderr.is_empty(),
            "{}",
            text(&r.stderr)
        );
    }
}

#[test]
fn config_path_follows_the_flag_then_xdg_then_home() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let out = agentdeck(h, &["config", "path"], &[]);
    assert!(out.status.success());
    let want = h.join(".config/agentdeck/config.toml");
    assert_eq!(text(&out.stdout).trim(), want.to_str().unwrap());
    assert!(
        text(&out.stderr).contains("does not exist"),
        "{}",
        text(&out.stderr)
    );

    let xdg = h.join("xdg");
    let out = agentdeck(
        h,
        &["config", "path"],
        &[("XDG_CONFIG_HOME", xdg.to_str().unwrap())],
    );
    assert_eq!(
        text(&out.stdout).trim(),
        xdg.join("agentdeck/config.toml").to_str().unwrap()
    );
    let out = agentdeck(h, &["--config", "/etc/ad.toml", "config", "path"], &[]);
    assert_eq!(text(&out.stdout).trim(), "/etc/ad.toml");
}

#[test]
fn config_init_writes_a_private_commented_default_and_never_overwrites() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let xdg = h.join("deep/xdg");
    let env = [("XDG_CONFIG_HOME", xdg.to_str().unwrap())];
    let out = agentdeck(h, &["config", "init"], &env);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let file = xdg.join("agentdeck/config.toml");
    assert!(text(&out.stdout).contains(file.to_str().unwrap()));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(&xdg.join("agentdeck")), 0o700);
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains("# [stack]") && written.contains("# namespace = \"ai-agents\""));
    let parsed = agentdeck::config::Config::parse(&written, &file).unwrap();
    assert_eq!(parsed, agentdeck::config::Config::default());

    std::fs::write(&file, "[stack]\nnamespace = \"mine\"\n").unwrap();
    let out = agentdeck(h, &["config", "init"], &env);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains(file.to_str().unwrap())
            && err.contains("already exists")
            && err.contains("never overwrites"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "[stack]\nnamespace = \"mine\"\n"
    );
}

#[test]
fn config_show_names_where_each_value_came_from() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let file = h.join("ad.toml");
    std::fs::write(
        &file,
        "[stack]\nnamespace = \"team-x\"\n[prometheus.headers]\nX-Scope-OrgID = \"t1\"\nX-Api-Key = \"hunter2\"\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let out = agentdeck(
        h,
        &[
            "--config",
            f,
            "--prometheus-url",
            "http://prom:9090",
            "--read-only",
            "config",
            "show",
        ],
        &[("AGENTDECK_PROMETHEUS_TOKEN", "tok-secret")],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(
        shown.contains(&format!("namespace = \"team-x\"  # from {f}")),
        "{shown}"
    );
    assert!(
        shown.contains("deployment = \"ai-agent-service\"  # from default"),
        "{shown}"
    );
    assert!(
        shown.contains("url = \"http://prom:9090\"  # from flag --prometheus-url"),
        "{shown}"
    );
    assert!(
        shown.contains("read_only = true  # from flag --read-only"),
        "{shown}"
    );
    assert!(shown.contains("\n# ca_file: not set\n"), "{shown}");
    assert!(!shown.contains("# url: not set"), "{shown}");
    assert!(shown.contains("X-Scope-OrgID = \"t1\"  # from"), "{shown}");
    assert!(
        shown.contains("from env AGENTDECK_PROMETHEUS_TOKEN (value not shown)"),
        "{shown}"
    );
    assert!(
        !shown.contains("hunter2") && !shown.contains("tok-secret"),
        "{shown}"
    );
    // What it shows is a config: it parses back to the effective values.
    let cfg = agentdeck::config::Config::parse(&shown, Path::new("shown.toml")).unwrap();
    assert_eq!(cfg.stack.namespace, "team-x");
    assert_eq!(cfg.prometheus.url.as_deref(), Some("http://prom:9090"));

    // A broken file is named, with what is wrong in it.
    std::fs::write(&file, "[stack]\nnamespce = 1\n").unwrap();
    let out = agentdeck(h, &["--config", f, "config", "show"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains(f) && err.contains("namespce"), "{err}");
}
