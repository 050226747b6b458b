use super::*;

fn scope(ns: &str) -> Scope {
    Scope {
        namespace: ns.into(),
        deployment: "ai-agent-service".into(),
        window: "1m".into(),
    }
}

#[test]
fn substitutes_both_spellings() {
    let s = scope("ai-agents");
    assert_eq!(
        render(
            r#"sum(rate(x{namespace="$namespace",job="${deployment}"}[5m]))"#,
            &s
        ),
        r#"sum(rate(x{namespace="ai-agents",job="ai-agent-service"}[5m]))"#
    );
    assert_eq!(render("$namespace$namespace", &s), "ai-agentsai-agents");
    // A longer identifier is not the variable.
    assert_eq!(render("$namespaces", &s), "$namespaces");
}

#[test]
fn queries_without_variables_are_unchanged() {
    let s = scope("ai-agents");
    for q in [
        "sum by (model) (rate(ai_tokens_used_total[5m]))",
        r#"up{pod=~"web-.*$"}"#,
        "a $ b",
        "$",
        "${",
        "${namespace",
        "$1",
    ] {
        assert_eq!(render(q, &s), q);
    }
}

#[test]
fn values_are_escaped_for_promql_strings() {
    let s = scope(r#"a"b\c'd"#);
    assert_eq!(
        render(r#"{namespace="$namespace"}"#, &s),
        r#"{namespace="a\"b\\c\'d"}"#
    );
}

#[test]
fn unknown_braced_variables_are_reported() {
    assert_eq!(
        unknown_variables(r#"x{namespace="${namespace}",team="${team}"} $other"#),
        vec!["team".to_string()]
    );
    assert!(unknown_variables(r#"x{pod=~"a$"} $namespace"#).is_empty());
}

#[test]
fn feed_refuses_unknown_variables() {
    let mut cfg = crate::config::Config::default();
    cfg.prometheus.queries.tokens_per_second = Some(r#"sum(x{team="${team}"})"#.into());
    let e = crate::metrics::Feed::from_config(&cfg, Some("http://127.0.0.1:9"))
        .err()
        .expect("an error")
        .to_string();
    assert!(
        e.contains("tokens_per_second") && e.contains("${team}"),
        "{e}"
    );
}

#[test]
fn a_cluster_matcher_goes_into_every_selector_but_not_into_strings() {
    let c = ClusterMatcher {
        label: "cluster".into(),
        value: "eu-\"1".into(),
    };
    let q = "sum(rate(x{namespace=\"ai-agents\",re=~\"a{2}\"}[1m])) / sum(up{ }) or vector(0)";
    assert_eq!(
        with_matcher(q, &c),
        "sum(rate(x{cluster=\"eu-\\\"1\",namespace=\"ai-agents\",re=~\"a{2}\"}[1m])) / sum(up{cluster=\"eu-\\\"1\"}) or vector(0)"
    );
}
