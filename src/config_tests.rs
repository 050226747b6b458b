use super::*;

#[test]
fn defaults_are_the_seed_stack() {
    let c = Config::default();
    assert_eq!(c.stack.namespace, "ai-agents");
    assert_eq!(c.models.len(), 4);
    assert_eq!(c.models[0].price, 8.0);
    assert!(
        c.prometheus
            .queries
            .p95_seconds
            .starts_with("histogram_quantile(0.95")
    );
}

#[test]
fn partial_file_keeps_other_defaults() {
    let c = Config::parse(
        "read_only = true\n[prometheus]\nurl = \"http://127.0.0.1:9090\"\nrefresh_secs = 2\n",
        Path::new("c.toml"),
    )
    .unwrap();
    assert!(c.read_only);
    assert_eq!(c.prometheus.refresh_secs, 2.0);
    assert_eq!(c.prometheus.timeout_secs, 5.0);
    assert_eq!(c.stack.deployment, "ai-agent-service");
}

#[test]
fn errors_name_the_problem() {
    let e = Config::parse("[prometheus]\nrefresh = 2\n", Path::new("c.toml")).unwrap_err();
    assert!(e.to_string().contains("unknown field `refresh`"), "{e}");
    let e = Config::parse(
        "[prometheus]\nurl = \"localhost:9090\"\n",
        Path::new("c.toml"),
    )
    .unwrap_err();
    assert!(e.to_string().contains("must start with http://"), "{e}");
    let e = Config::load(Some(Path::new("/nonexistent/agentdeck.toml"))).unwrap_err();
    assert!(
        e.to_string()
            .contains("cannot read config /nonexistent/agentdeck.toml"),
        "{e}"
    );
}
