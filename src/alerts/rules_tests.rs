use super::*;

#[test]
fn thresholds_print_without_float_noise() {
    assert_eq!(num(5.0 * (1.0 + AT_THE_BOUND)), "5.005");
    assert_eq!(num(0.05), "0.05");
    assert_eq!(num(1.0), "1");
    assert_eq!(num(0.0), "0");
    assert_eq!(num(2.0 * (1.0 + AT_THE_BOUND)), "2.002");
}

fn scope() -> Scope {
    Scope {
        namespace: "ns-a".into(),
        deployment: "agents".into(),
        window: "2m".into(),
    }
}

fn thresholds() -> Thresholds {
    Thresholds {
        window: "2m".into(),
        unauthorized: 0.1,
        timeout: 0.2,
        rate_limited: 0.3,
        p95_ms: 1500.0,
    }
}

fn query(promql: &str) -> Source {
    Source::Query {
        promql: promql.into(),
        from: "test".into(),
        model_labels: Vec::new(),
    }
}

fn cannot() -> Source {
    Source::Cannot {
        why: "not exported".into(),
        from: "stack".into(),
    }
}

#[test]
fn a_stack_that_groups_codes_gets_share_rules_and_says_what_it_cannot_tell() {
    let source = |q: Quantity| match q {
        Quantity::RecentClientErrors => query("c4{namespace=\"$namespace\"}"),
        Quantity::RecentServerErrors => query("c5"),
        Quantity::RecentRequestRate => query("rate"),
        Quantity::RecentP95 => query("p95"),
        _ => cannot(),
    };
    let s = Signals {
        source: &source,
        scope: &scope(),
        latency_layer: Some(Layer::Service),
        profile: Some("grouped"),
    };
    let (g, skipped) = metric_group("g", &s, &thresholds());
    let names: Vec<&str> = g.rules.iter().map(|r| r.alert.as_str()).collect();
    assert_eq!(
        names,
        ["AgentsAnswer4xx", "AgentsAnswer5xx", "AgentProviderSlow"]
    );
    assert_eq!(
        g.rules[0].expr,
        "(c4{namespace=\"ns-a\"}) >= 0.1 and on() (rate) > 0"
    );
    assert_eq!(g.rules[1].expr, "(c5) >= 0.2 and on() (rate) > 0");
    // No timeout or 401 signal: nothing to rule the slowness out with.
    assert_eq!(g.rules[2].expr, "(p95) > 1.5015");
    assert_eq!(g.rules[0].for_, "2m");
    assert_eq!(g.rules[0].labels["agentdeck_profile"], "grouped");
    assert!(!g.rules[0].annotations.contains_key("agentdeck_fix"));
    let left: Vec<&str> = skipped.iter().map(|k| k.alert.as_str()).collect();
    assert_eq!(left, ["AgentProviderRateLimited"]);
    assert_eq!(skipped[0].why, "stack: not exported");
}

#[test]
fn a_model_servers_latency_is_never_called_a_slow_provider() {
    let source = |q: Quantity| match q {
        Quantity::RecentP95 | Quantity::RecentRequestRate => query("x"),
        _ => cannot(),
    };
    let s = Signals {
        source: &source,
        scope: &scope(),
        latency_layer: Some(Layer::Server),
        profile: None,
    };
    let (g, skipped) = metric_group("g", &s, &thresholds());
    assert!(g.rules.iter().all(|r| r.alert != "AgentProviderSlow"));
    let slow = skipped
        .iter()
        .find(|k| k.alert == "AgentProviderSlow")
        .unwrap();
    assert!(slow.why.contains("model server"), "{}", slow.why);
    assert!(
        g.rules
            .iter()
            .all(|r| !r.labels.contains_key("agentdeck_profile"))
    );
}
