//! The `agentdeck` binary: `sim` writes its kubeconfig, stops cleanly on SIGTERM, and bad
//! flags get a clear message and a non-zero exit.

use crate::common;

use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::SimProcess;

#[test]
fn sim_writes_kubeconfig_and_stops_on_sigterm() {
    let mut sim = SimProcess::start(&["--preload"]);
    let kc = std::fs::read_to_string(&sim.kubeconfig).unwrap();
    assert!(kc.contains(&format!("server: {}", sim.url)), "{kc}");
    assert!(kc.contains("current-context: agentdeck-sim") && kc.contains("namespace: ai-agents"));
    let pid = sim.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = sim.child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status:?}");
            break;
        }
        assert!(Instant::now() < deadline, "sim did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn fails_with(args: &[&str], needle: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_agentdeck"))
        .args(args)
        .env(
            "AGENTDECK_LOG_FILE",
            std::env::temp_dir().join("agentdeck-cli-test.log"),
        )
        .output()
        .unwrap();
    assert!(!out.status.success(), "{args:?} should fail");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(needle), "{args:?}: {err}");
}

#[test]
fn bad_sim_flags_are_refused_with_the_reason() {
    fails_with(
        &["sim", "--listen", "0.0.0.0:0"],
        "only listens on loopback",
    );
    fails_with(&["sim", "--deny", "patch"], "expected \"VERB RESOURCE\"");
    fails_with(&["sim", "--time-scale", "0"], "--time-scale 0");
    fails_with(&["sim", "--extra-pods=-3"], "--extra-pods");
    fails_with(&["sim", "--extra-pods", "900000"], "at most 50000");
}

/// Each subcommand offers only the options that mean something to it, and refuses the
/// others given before it (they were silently accepted).
#[test]
#[allow(clippy::too_many_lines)] // a scenario: one session, read top to bottom
fn each_subcommand_offers_and_takes_only_its_own_options() {
    use clap::CommandFactory;
    let cli = agentdeck::cli::Cli::command();
    // What each command takes of the shared options (the dashboard: all of them).
    let cluster = ["kubeconfig", "context", "namespace", "config", "log_file"];
    let expect: &[(&str, &[&str])] = &[
        (
            "status",
            &[
                &cluster[..],
                &[
                    "prometheus_url",
                    "alertmanager_url",
                    "all_contexts",
                    "contexts",
                ],
            ]
            .concat(),
        ),
        (
            "alerts",
            &[&cluster[..], &["prometheus_url", "alertmanager_url"]].concat(),
        ),
        ("rules", &[&cluster[..], &["prometheus_url"]].concat()),
        (
            "silence",
            &[&cluster[..], &["read_only", "alertmanager_url"]].concat(),
        ),
        ("metrics", &[&cluster[..], &["prometheus_url"]].concat()),
        ("timeline", &[&cluster[..], &["prometheus_url"]].concat()),
        ("logs", &cluster),
        ("scale", &[&cluster[..], &["read_only"]].concat()),
        ("restart", &[&cluster[..], &["read_only"]].concat()),
        ("delete", &[&cluster[..], &["read_only"]].concat()),
        ("deploy", &[&cluster[..], &["read_only"]].concat()),
        ("set-resources", &[&cluster[..], &["read_only"]].concat()),
        ("rotate-key", &[&cluster[..], &["read_only"]].concat()),
        (
            "demo",
            &[
                "namespace",
                "config",
                "prometheus_url",
                "read_only",
                "theme",
                "no_color",
                "log_file",
            ],
        ),
        ("sim", &["log_file"]),
        ("completions", &[]),
        ("man", &[]),
    ];
    let shared: Vec<String> = cli
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .filter(|id| !matches!(id.as_str(), "help" | "version"))
        .collect();
    assert_eq!(shared.len(), 12, "{shared:?}");
    for (name, takes) in expect {
        let sub = cli
            .find_subcommand(name)
            .unwrap_or_else(|| panic!("no {name}"));
        for id in &shared {
            let has = sub.get_arguments().any(|a| a.get_id() == id.as_str());
            assert_eq!(has, takes.contains(&id.as_str()), "`{name}` and --{id}");
        }
        if !takes.contains(&"theme") {
            let needs: &[&str] = match *name {
                "logs" | "restart" | "set-resources" | "silence" => &["x"],
                "scale" => &["x", "1"],
                "delete" => &["pod", "x"],
                "completions" => &["bash"],
                _ => &[],
            };
            let args = [&["agentdeck", "--theme", "mono", name][..], needs].concat();
            let err = agentdeck::cli::parse_from(args)
                .err()
                .unwrap_or_else(|| panic!("--theme accepted before {name}"))
                .to_string();
            assert!(
                err.contains(&format!("--theme does not apply to `agentdeck {name}`")),
                "{err}"
            );
        }
    }
    // `config …` reports on the config file and the flags that override it.
    let show = cli
        .find_subcommand("config")
        .unwrap()
        .find_subcommand("show")
        .unwrap();
    let ids: Vec<&str> = show.get_arguments().map(|a| a.get_id().as_str()).collect();
    for id in ["config", "prometheus_url", "read_only", "theme"] {
        assert!(ids.contains(&id), "config show --{id}: {ids:?}");
    }
    assert!(!ids.contains(&"kubeconfig"), "{ids:?}");
    // Given after the subcommand they win over the ones before it.
    let (_, g) = agentdeck::cli::parse_from(["agentdeck", "-n", "a", "status", "-n", "b"]).unwrap();
    assert_eq!(g.ns.namespace.as_deref(), Some("b"));
    // Every option has a one-line description.
    fn described(c: &clap::Command, path: &str) {
        for a in c.get_arguments().filter(|a| !a.is_hide_set()) {
            let id = a.get_id().as_str();
            if matches!(id, "help" | "version") {
                continue;
            }
            assert!(a.get_help().is_some(), "{path} {id} has no description");
        }
        for s in c.get_subcommands().filter(|s| !s.is_hide_set()) {
            described(s, &format!("{path} {}", s.get_name()));
        }
    }
    described(&cli, "agentdeck");
}

/// The README is true to the command line: every option of every (visible) command is in
/// it, and every `agentdeck …` command it shows parses.
#[test]
fn the_readme_names_every_option_and_its_commands_parse() {
    use clap::CommandFactory;
    let readme = std::fs::read_to_string(common::repo_path("README.md")).unwrap();
    fn longs(c: &clap::Command, out: &mut std::collections::BTreeSet<String>) {
        for a in c.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(l) = a.get_long() {
                out.insert(format!("--{l}"));
            }
        }
        for s in c.get_subcommands().filter(|s| !s.is_hide_set()) {
            longs(s, out);
        }
    }
    let mut all = std::collections::BTreeSet::new();
    longs(&agentdeck::cli::Cli::command(), &mut all);
    let missing: Vec<&String> = all
        .iter()
        .filter(|f| !matches!(f.as_str(), "--help" | "--version"))
        .filter(|f| !readme.contains(f.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "options --help offers that the README never names: {missing:?}"
    );

    // Commands: code spans and code-block lines that start with `agentdeck ` and hold no
    // placeholder syntax ([optional], a|b, …).
    let mut commands: Vec<String> = Vec::new();
    let mut in_block = false;
    for line in readme.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if in_block {
            commands.push(line.trim().to_string());
        } else {
            commands.extend(line.split('`').skip(1).step_by(2).map(str::to_string));
        }
    }
    let (mut checked, mut bad) = (0, Vec::new());
    for c in commands {
        let c = c
            .split(" #")
            .next()
            .unwrap_or("")
            .trim()
            .trim_end_matches(';');
        let c = c.split(" | ").next().unwrap_or("").trim();
        let c = c.split(" >").next().unwrap_or("").trim();
        if !c.starts_with("agentdeck ") || c.contains(['[', '…', '<', '$', '(']) || c.contains('|')
        {
            continue;
        }
        let words = shell_words(c);
        // A synopsis with placeholders (`--extra-pods N`, `help SUBCOMMAND`).
        let placeholder =
            |w: &String| !w.is_empty() && w.chars().all(|ch| ch.is_ascii_uppercase() || ch == '_');
        if words.iter().any(placeholder) {
            continue;
        }
        checked += 1;
        let Err(e) = agentdeck::cli::parse_from(&words) else {
            continue;
        };
        use clap::error::ErrorKind::*;
        match e.kind() {
            DisplayHelp | DisplayVersion | DisplayHelpOnMissingArgumentOrSubcommand => {}
            // A command named in the prose ("`agentdeck scale`"), not a command line.
            MissingRequiredArgument if !words.iter().any(|w| w.starts_with('-')) => {}
            _ => bad.push(format!(
                "`{c}`: {}",
                e.to_string().lines().next().unwrap_or("")
            )),
        }
    }
    assert!(
        bad.is_empty(),
        "README commands that do not parse:\n{}",
        bad.join("\n")
    );
    assert!(checked >= 20, "only {checked} README commands found");
}

/// Words as a shell splits them (quotes kept together; no expansions).
fn shell_words(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut quote, mut any) = (Vec::new(), String::new(), None, false);
    for ch in s.chars() {
        match (quote, ch) {
            (None, '"' | '\'') => (quote, any) = (Some(ch), true),
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if any {
                    out.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            (_, c) => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}
