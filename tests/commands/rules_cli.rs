//! `agentdeck rules` as a user runs it, checked by Prometheus' own tool: every rule it prints,
//! for every metric profile, passes `promtool check rules` and the unit tests of
//! tests/rules/ (input series as each stack's exporter names them, the alerts expected with
//! their labels and annotations); a printed rule without a test that makes it fire and one
//! that keeps it quiet fails here. The config's thresholds and window reach the rules; the
//! Prometheus Operator's form holds the same groups; bad input gets a clear message.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::common::{self, repo_path, require_tool};

/// `agentdeck ARGS` with no user config (HOME in `dir`): (exit code, stdout, stderr).
fn agentdeck(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_agentdeck"))
        .args(args)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("AGENTDECK_LOG_FILE", dir.join("agentdeck.log"))
        .env_remove("KUBECONFIG")
        .output()
        .expect("run agentdeck");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn yaml(s: &str) -> Value {
    serde_yaml_ng::from_str(s).unwrap_or_else(|e| panic!("not YAML ({e}):\n{s}"))
}

fn alert_names(rules: &Value) -> BTreeSet<String> {
    rules["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["rules"].as_array().unwrap().iter())
        .map(|r| r["alert"].as_str().unwrap().to_string())
        .collect()
}

/// The promtool tests of tests/rules/FILE.
fn fixture(file: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(repo_path(&format!("tests/rules/{file}"))).unwrap();
    yaml(&text)["tests"].as_array().cloned().unwrap_or_default()
}

/// Alert names with a case that fires and with a case that stays quiet in `tests`.
fn covered(tests: &[Value]) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut fires, mut quiet) = (BTreeSet::new(), BTreeSet::new());
    for case in tests
        .iter()
        .flat_map(|t| t["alert_rule_test"].as_array().cloned().unwrap_or_default())
    {
        let name = case["alertname"].as_str().unwrap().to_string();
        let firing = case["exp_alerts"].as_array().is_some_and(|a| !a.is_empty());
        if firing { &mut fires } else { &mut quiet }.insert(name);
    }
    (fires, quiet)
}

fn promtool(dir: &Path, args: &[&str]) {
    let mut c = Command::new("promtool");
    c.args(args).current_dir(dir);
    common::ok(c);
}

#[test]
fn every_rule_of_every_profile_passes_promtool_and_its_unit_tests() {
    if !require_tool("promtool") {
        return;
    }
    let kube = fixture("kube-state-metrics.yaml");
    for profile in agentdeck::metrics::profiles::ids() {
        let dir = tempfile::tempdir().unwrap();
        let (code, out, err) = agentdeck(
            dir.path(),
            &["-n", "ai-agents", "rules", "--profile", profile],
        );
        assert_eq!(code, 0, "{profile}: {err}");
        assert!(out.starts_with("# agentdeck's runbook"), "{out}");
        let printed = alert_names(&yaml(&out));
        std::fs::write(dir.path().join("rules.yaml"), &out).unwrap();
        promtool(dir.path(), &["check", "rules", "rules.yaml"]);

        let mut tests = fixture(&format!("{profile}.yaml"));
        tests.extend(kube.iter().cloned());
        let (fires, quiet) = covered(&tests);
        for name in &printed {
            assert!(fires.contains(name), "{profile}: no test makes {name} fire");
            assert!(
                quiet.contains(name),
                "{profile}: no test keeps {name} quiet"
            );
        }
        let unknown: Vec<_> = fires
            .union(&quiet)
            .filter(|n| !printed.contains(*n))
            .collect();
        assert!(
            unknown.is_empty(),
            "{profile}: tests of rules not printed: {unknown:?}"
        );
        let file =
            json!({"rule_files": ["rules.yaml"], "evaluation_interval": "15s", "tests": tests});
        std::fs::write(dir.path().join("tests.yaml"), file.to_string()).unwrap();
        promtool(dir.path(), &["test", "rules", "tests.yaml"]);
        eprintln!("{profile}: {} rules, promtool tests pass", printed.len());
    }
}

#[test]
fn the_configs_thresholds_and_window_reach_the_rules() {
    if !require_tool("promtool") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("agentdeck.toml");
    std::fs::write(
        &cfg,
        "[problems]\nwindow = \"3m\"\nunauthorized_ratio = 0.6\n[status]\np95_threshold_ms = 5000\n",
    )
    .unwrap();
    let cfg = cfg.to_str().unwrap();
    let (code, out, err) = agentdeck(
        dir.path(),
        &[
            "--config",
            cfg,
            "-n",
            "team-a",
            "rules",
            "--profile",
            "example",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let doc = yaml(&out);
    let rules: Vec<&Value> = doc["groups"][0]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    let rule = |name: &str| *rules.iter().find(|r| r["alert"] == name).unwrap();
    let unauthorized = rule("AgentProviderUnauthorized");
    assert_eq!(unauthorized["for"], "3m");
    let expr = unauthorized["expr"].as_str().unwrap();
    assert!(expr.contains(">= 0.6 ") && expr.contains("[3m]"), "{expr}");
    assert!(expr.contains("namespace=\"team-a\""), "{expr}");
    assert_eq!(unauthorized["labels"]["namespace"], "team-a");
    let slow = rule("AgentProviderSlow")["expr"].as_str().unwrap();
    assert!(slow.contains("> 5.005"), "{slow}");
    std::fs::write(dir.path().join("rules.yaml"), &out).unwrap();
    promtool(dir.path(), &["check", "rules", "rules.yaml"]);

    // The operator's object carries the same groups.
    let (code, op, err) = agentdeck(
        dir.path(),
        &[
            "--config",
            cfg,
            "-n",
            "team-a",
            "rules",
            "--profile",
            "example",
            "--format",
            "prometheus-operator",
            "-o",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let op: Value = serde_json::from_str(&op).unwrap();
    assert_eq!(op["kind"], "PrometheusRule");
    assert_eq!(op["apiVersion"], "monitoring.coreos.com/v1");
    assert_eq!(op["metadata"]["namespace"], "team-a");
    assert_eq!(op["spec"]["groups"], doc["groups"]);
}

#[test]
fn rules_say_what_was_left_out_and_refuse_what_they_cannot_tell() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = agentdeck(dir.path(), &["rules", "--profile", "vllm"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(
            "# not written: AgentProviderUnauthorized in agentdeck-ai-agents-vllm — vLLM: "
        ),
        "{out}"
    );
    assert!(!alert_names(&yaml(&out)).contains("AgentProviderUnauthorized"));

    let (code, _, err) = agentdeck(dir.path(), &["rules", "--profile", "nope"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown profile \"nope\": use one of") && err.contains("or all"),
        "{err}"
    );

    // No profile configured and no Prometheus to detect one with: say so, name the flag.
    let port = common::free_port();
    let url = format!("http://127.0.0.1:{port}");
    let (code, out, err) = agentdeck(dir.path(), &["rules", "--prometheus-url", &url]);
    assert_eq!(code, 2, "{out}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("cannot tell which LLM stack") && err.contains("--profile"),
        "{err}"
    );
    assert!(
        !err.contains("Error {") && !err.contains("kind:"),
        "a Debug dump: {err}"
    );
}
