use super::*;
use crate::cluster::model::{Condition, HpaView, MetricsApi, Readable, Workload};
use crate::cluster::netpol::{EgressRule, Peer, Policy, PortRule, PortSpec, Selector};
use crate::metrics::{MetricsOrigin, Reading, Recent};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

const NOW: &str = "2026-11-30T14:10:00Z";

fn agent_labels() -> std::collections::BTreeMap<String, String> {
    [("app".to_string(), "ai-agent-service".to_string())].into()
}

fn container(env_url: &str, mem_req: &str, mem_limit: &str) -> ContainerView {
    ContainerView {
        name: "ai-agent".into(),
        image: "holysheep/ai-agent:1.4.2".into(),
        env: vec![("HOLYSHEEP_BASE_URL".into(), env_url.into())],
        requests: [("memory".to_string(), mem_req.to_string())].into(),
        limits: [("memory".to_string(), mem_limit.to_string())].into(),
    }
}

fn bundled() -> Vec<ContainerView> {
    vec![container("https://api.holysheep.ai/v1", "512Mi", "2Gi")]
}

fn agents() -> Workload {
    Workload {
        kind: crate::cluster::workload::WorkloadKind::Deployment,
        name: "ai-agent-service".into(),
        desired: 3,
        ready: 3,
        pod_labels: agent_labels(),
        containers: bundled(),
        pod_names: vec!["a-1".into(), "a-2".into(), "a-3".into()].into(),
        ..Workload::default()
    }
}

fn cluster(w: Workload) -> ClusterSnapshot {
    ClusterSnapshot {
        namespace: "ai-agents".into(),
        workloads: vec![w],
        ..ClusterSnapshot::default()
    }
}

fn metrics(requests: f64, s401: f64, s504: f64, p95: f64) -> MetricsSnapshot {
    MetricsSnapshot {
        origin: MetricsOrigin::None,
        at: ts(NOW),
        reachable: true,
        p50_ms: Reading::Value(p95 / 3.0),
        p95_ms: Reading::Value(p95),
        tokens: Reading::NoData,
        request_rate: Reading::Value(requests),
        unauthorized_ratio: Reading::Value(s401),
        recent: Recent {
            request_rate: Reading::Value(requests),
            unauthorized_ratio: Reading::Value(s401),
            timeout_ratio: Reading::Value(s504),
            p95_ms: Reading::Value(p95),
            ..Default::default()
        },
        backfill: None,
        ..Default::default()
    }
}

fn run(c: Option<&ClusterSnapshot>, m: Option<&MetricsSnapshot>) -> Vec<Problem> {
    let (stack, cfg, b) = (StackConfig::default(), ProblemsConfig::default(), bundled());
    detect(&Inputs {
        now: ts(NOW),
        cluster: c,
        metrics: m,
        stack: &stack,
        cfg: &cfg,
        p95_threshold_ms: 2000.0,
        bundled: &b,
        cleared: &[],
    })
}

fn ids(ps: &[Problem]) -> Vec<&str> {
    ps.iter().map(|p| p.id.as_str()).collect()
}

#[test]
fn a_healthy_stack_has_no_problem() {
    let c = cluster(agents());
    assert!(run(Some(&c), Some(&metrics(3.0, 0.0, 0.0, 1500.0))).is_empty());
}

#[test]
fn every_401_means_rotate_the_key() {
    let c = cluster(agents());
    let ps = run(Some(&c), Some(&metrics(3.0, 1.0, 0.0, 80.0)));
    assert_eq!(ids(&ps), ["provider-unauthorized"]);
    assert_eq!(ps[0].evidence, "401 on 100 % of requests over the last 1m");
    assert_eq!(ps[0].fix, Some(Fix::RotateKey));
    assert_eq!(ps[0].fix.as_ref().unwrap().key(), 'K');
    // Under the threshold, or with no traffic, it is not raised.
    assert!(run(Some(&c), Some(&metrics(3.0, 0.01, 0.0, 800.0))).is_empty());
    assert!(run(Some(&c), Some(&metrics(0.0, 1.0, 0.0, 800.0))).is_empty());
}

fn policy(name: &str, selector: Selector, rules: Vec<EgressRule>) -> Policy {
    Policy {
        name: name.into(),
        pod_selector: selector,
        egress: true,
        rules,
    }
}

fn allow(port: u16) -> Policy {
    policy(
        "allow-holysheep-api",
        Selector {
            match_labels: agent_labels(),
            ..Selector::default()
        },
        vec![EgressRule {
            ports: vec![PortRule {
                protocol: "TCP".into(),
                port: Some(PortSpec::Range(port, port)),
            }],
            to: vec![Peer::IpBlock {
                cidr: "0.0.0.0/0".into(),
                except: vec!["10.0.0.0/8".into()],
            }],
        }],
    )
}

#[test]
fn a_default_deny_with_a_broken_allow_rule_is_named_and_restored_with_n() {
    let mut c = cluster(agents());
    c.network_policies = vec![
        policy("default-deny-egress", Selector::default(), vec![]),
        allow(8443),
    ];
    let ps = run(Some(&c), Some(&metrics(3.0, 0.0, 0.97, 30_000.0)));
    assert_eq!(ids(&ps), ["egress-blocked"]);
    assert_eq!(
        ps[0].evidence,
        "504 on 97 % of requests; NetworkPolicies default-deny-egress, allow-holysheep-api select the agents, none allows TCP 443 to a public address (allow-holysheep-api does not)"
    );
    let fix = ps[0].fix.clone().unwrap();
    assert_eq!(fix.key(), 'N');
    assert_eq!(
        fix.command("ai-agents"),
        "agentdeck -n ai-agents deploy --only networkpolicy/allow-holysheep-api"
    );
    // Restored: the policies allow it again and nothing is raised (no timeouts either).
    c.network_policies[1] = allow(443);
    assert!(run(Some(&c), Some(&metrics(3.0, 0.0, 0.0, 1500.0))).is_empty());
    // A deleted allow policy is said so.
    c.network_policies.truncate(1);
    let ps = run(Some(&c), None);
    assert!(
        ps[0].evidence.contains("(allow-holysheep-api is missing)"),
        "{ps:?}"
    );
}

#[test]
fn timeouts_the_policies_allow_are_raised_without_a_fix() {
    let mut c = cluster(agents());
    c.network_policies = vec![allow(443)];
    let ps = run(Some(&c), Some(&metrics(3.0, 0.0, 0.5, 30_000.0)));
    assert_eq!(ids(&ps), ["provider-timeouts"]);
    assert!(
        ps[0].evidence.contains("the NetworkPolicies allow TCP 443"),
        "{:?}",
        ps[0]
    );
    assert!(ps[0].fix.is_none() && ps[0].advice.is_some());
    // Unreadable policies: said so, and no egress verdict is made up.
    c.kinds.insert(
        "networkpolicies",
        Readable::No("your role cannot list networkpolicies in ai-agents (RBAC)".into()),
    );
    let ps = run(Some(&c), Some(&metrics(3.0, 0.0, 0.5, 30_000.0)));
    assert!(
        ps.iter()
            .any(|p| p.id == "provider-timeouts"
                && p.evidence.contains("NetworkPolicies unreadable")),
        "{ps:?}"
    );
}

#[test]
fn a_slow_provider_is_a_warning_with_advice() {
    let c = cluster(agents());
    let ps = run(Some(&c), Some(&metrics(3.0, 0.0, 0.0, 9_800.0)));
    assert_eq!(ids(&ps), ["provider-slow"]);
    assert_eq!(ps[0].severity, Severity::Warning);
    assert_eq!(
        ps[0].evidence,
        "p95 9.80 s over the last 1m (threshold 2.00 s), no timeouts"
    );
}

#[test]
fn oom_kills_propose_a_limit_from_the_working_set() {
    let mut w = agents();
    w.oom_killed = 3;
    w.oom_restarts = 6;
    w.crash_looping = 3;
    w.ready = 0;
    w.last_oom = Some(ts("2026-11-30T14:08:00Z"));
    let mut c = cluster(w);
    std::sync::Arc::make_mut(&mut c.resource_metrics).api = MetricsApi::Served;
    std::sync::Arc::make_mut(&mut c.resource_metrics)
        .peak
        .insert(("a-1".into(), "ai-agent".into()), 2.1 * GI);
    let ps = run(Some(&c), None);
    assert_eq!(ids(&ps), ["oom/ai-agent-service"]);
    assert_eq!(ps[0].title, "ai-agent-service OOMKilled 6×");
    assert_eq!(
        ps[0].evidence,
        "memory limit 2Gi, working set up to 2.1Gi, 3 containers killed"
    );
    assert_eq!(
        ps[0].fix,
        Some(Fix::MemoryLimit {
            workload: "ai-agent-service".into(),
            container: "ai-agent".into(),
            limit: "3Gi".into()
        })
    );
    // An OOM kill from an hour ago is history.
    c.workloads[0].last_oom = Some(ts("2026-11-30T13:00:00Z"));
    c.workloads[0].crash_looping = 0;
    c.workloads[0].ready = 3;
    assert!(run(Some(&c), None).is_empty());
}

const GI: f64 = 1024.0 * 1024.0 * 1024.0;

#[test]
fn byte_formats() {
    assert_eq!(pods::bytes(2.0 * GI), "2Gi");
    assert_eq!(pods::bytes(2.1 * GI), "2.1Gi");
    assert_eq!(pods::bytes(300.0 * 1024.0 * 1024.0), "300Mi");
}

#[test]
fn a_crash_loop_from_a_changed_config_is_restored_with_n() {
    let mut w = agents();
    w.crash_looping = 2;
    w.ready = 1;
    w.crash = Some("Error, exit code 1".into());
    w.containers = vec![container("htps://api.holysheep.ai/v1", "512Mi", "2Gi")];
    let ps = run(Some(&cluster(w.clone())), None);
    assert_eq!(ids(&ps), ["crashloop/ai-agent-service"]);
    assert_eq!(
        ps[0].evidence,
        "2 containers in CrashLoopBackOff; last exit: Error, exit code 1; env HOLYSHEEP_BASE_URL is \"htps://api.holysheep.ai/v1\" (bundled \"https://api.holysheep.ai/v1\")"
    );
    assert_eq!(ps[0].fix.as_ref().map(Fix::key), Some('N'));
    // The shipped config crashing: no restore to offer, read the logs.
    w.containers = bundled();
    let ps = run(Some(&cluster(w)), None);
    assert!(ps[0].fix.is_none() && ps[0].advice.as_deref().unwrap().contains("kubectl logs"));
}

#[test]
fn pods_nobody_can_schedule_name_the_schedulers_reason_and_the_changed_request() {
    let mut w = agents();
    w.unschedulable = 1;
    w.unschedulable_why = Some("0/3 nodes are available: 3 Insufficient memory.".into());
    w.containers = vec![container("https://api.holysheep.ai/v1", "64Gi", "64Gi")];
    let ps = run(Some(&cluster(w)), None);
    assert_eq!(ids(&ps), ["unschedulable/ai-agent-service"]);
    assert_eq!(
        ps[0].evidence,
        "1 Pending: 0/3 nodes are available: 3 Insufficient memory.; memory request 64Gi (bundled 512Mi)"
    );
    assert_eq!(ps[0].fix.as_ref().map(Fix::key), Some('N'));
}

fn hpa(active: bool, reason: &str) -> HpaView {
    HpaView {
        name: "ai-agent-hpa".into(),
        target: "Deployment/ai-agent-service".into(),
        target_kind: "Deployment".into(),
        target_name: "ai-agent-service".into(),
        min: 2,
        max: 10,
        current: 3,
        desired: 3,
        metrics: vec![],
        conditions: vec![Condition {
            type_: "ScalingActive".into(),
            status: if active { "True" } else { "False" }.into(),
            reason: reason.into(),
            message: String::new(),
            since: Some(ts("2026-11-30T14:02:00Z")),
        }],
        diagnosis: "cannot read metrics — is metrics-server installed?".into(),
    }
}

#[test]
fn an_hpa_that_cannot_read_metrics_says_whether_the_metrics_api_is_there() {
    let mut c = cluster(agents());
    c.hpas = vec![hpa(false, "FailedGetResourceMetric")];
    std::sync::Arc::make_mut(&mut c.resource_metrics).api =
        MetricsApi::Unavailable("APIService v1beta1.metrics.k8s.io MissingEndpoints".into());
    let ps = run(Some(&c), None);
    assert_eq!(ids(&ps), ["hpa/ai-agent-hpa"]);
    assert_eq!(ps[0].title, "HPA ai-agent-hpa frozen at 3");
    assert!(
        ps[0]
            .evidence
            .starts_with("metrics.k8s.io unavailable (APIService"),
        "{:?}",
        ps[0]
    );
    assert_eq!(ps[0].since, Some(ts("2026-11-30T14:02:00Z")));
    std::sync::Arc::make_mut(&mut c.resource_metrics).api = MetricsApi::NotInstalled;
    assert!(
        run(Some(&c), None)[0]
            .evidence
            .contains("is metrics-server installed?")
    );
    c.hpas = vec![hpa(true, "ValidMetricFound")];
    assert!(run(Some(&c), None).is_empty());
}

#[test]
fn critical_problems_come_first_and_the_tracker_keeps_since_and_cleared() {
    let mut w = agents();
    w.ready = 2;
    let c = cluster(w);
    let ps = run(Some(&c), Some(&metrics(3.0, 1.0, 0.0, 80.0)));
    assert_eq!(
        ids(&ps),
        ["provider-unauthorized", "not-ready/ai-agent-service"]
    );

    let mut t = Tracker::default();
    let first = t.observe(ts("2026-11-30T14:02:00Z"), ps.clone(), &[]);
    assert_eq!(first[0].since, Some(ts("2026-11-30T14:02:00Z")));
    let later = t.observe(ts("2026-11-30T14:05:00Z"), ps.clone(), &[]);
    assert_eq!(later[0].since, Some(ts("2026-11-30T14:02:00Z")));
    let after = t.observe(ts("2026-11-30T14:06:00Z"), vec![ps[1].clone()], &[]);
    assert_eq!(ids(&after), ["not-ready/ai-agent-service"]);
    let cleared = t.cleared();
    assert_eq!(cleared.len(), 1);
    assert_eq!(cleared[0].problem.id, "provider-unauthorized");
    assert_eq!(cleared[0].at, ts("2026-11-30T14:06:00Z"));
    // Five minutes on, the cleared note is gone.
    t.observe(ts("2026-11-30T14:12:00Z"), vec![], &[]);
    assert!(
        t.cleared()
            .iter()
            .all(|c| c.problem.id != "provider-unauthorized")
    );
}

#[test]
fn the_bundled_agent_containers_are_known() {
    let b = bundled_containers(&StackConfig::default());
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].limits.get("memory").map(String::as_str), Some("2Gi"));
    assert!(
        b[0].env
            .iter()
            .any(|(k, v)| k == "HOLYSHEEP_BASE_URL" && v.starts_with("https://"))
    );
}

#[test]
fn a_raised_limit_rolling_out_is_said_so_without_proposing_more() {
    let mut w = agents();
    w.oom_killed = 2;
    w.oom_restarts = 4;
    w.last_oom = Some(ts("2026-11-30T14:09:00Z"));
    w.oom_limit = Some(2 * 1024 * 1024 * 1024);
    w.containers = vec![container("https://api.holysheep.ai/v1", "512Mi", "3Gi")];
    let ps = run(Some(&cluster(w)), None);
    assert_eq!(ids(&ps), ["oom/ai-agent-service"]);
    assert_eq!(ps[0].severity, Severity::Warning);
    assert_eq!(
        ps[0].evidence,
        "killed at 2Gi; the limit is 3Gi now, rolling out"
    );
    assert!(ps[0].fix.is_none());
}

#[test]
fn timeouts_left_after_the_egress_fix_are_a_recovery() {
    let mut c = cluster(agents());
    c.network_policies = vec![allow(443)];
    let (stack, cfg, b) = (StackConfig::default(), ProblemsConfig::default(), bundled());
    let mut egress = Problem::new(
        "egress-blocked",
        Severity::Critical,
        "Egress to the provider blocked",
    );
    egress.fix = None;
    let cleared = [Cleared {
        problem: egress,
        at: ts("2026-11-30T14:09:30Z"),
    }];
    let m = metrics(3.0, 0.0, 0.5, 30_000.0);
    let ps = detect(&Inputs {
        now: ts(NOW),
        cluster: Some(&c),
        metrics: Some(&m),
        stack: &stack,
        cfg: &cfg,
        p95_threshold_ms: 2000.0,
        bundled: &b,
        cleared: &cleared,
    });
    assert_eq!(ids(&ps), ["provider-timeouts"]);
    assert_eq!(ps[0].title, "Provider calls recovering");
    assert_eq!(ps[0].severity, Severity::Warning);
    assert!(
        ps[0]
            .evidence
            .starts_with("egress restored at 14:09:30 UTC; 504 on 50 %"),
        "{:?}",
        ps[0]
    );
    assert_eq!(cfg.window_secs(), 60);
}

#[test]
fn a_flickering_problem_keeps_its_since_and_is_announced_when_it_is_gone() {
    let p = Problem::new(
        "provider-unauthorized",
        Severity::Critical,
        "Provider rejects the API key",
    );
    let mut t = Tracker::default();
    t.observe(ts("2026-11-30T14:00:00Z"), vec![p.clone()], &[]);
    // Gone for one refresh (no requests in the window), back again.
    assert!(
        t.observe(ts("2026-11-30T14:00:30Z"), vec![], &[])
            .is_empty()
    );
    let back = t.observe(ts("2026-11-30T14:00:35Z"), vec![p.clone()], &[]);
    assert_eq!(back[0].since, Some(ts("2026-11-30T14:00:00Z")));
    assert!(t.cleared().is_empty());
    t.observe(ts("2026-11-30T14:01:00Z"), vec![], &[]);
    assert_eq!(t.cleared().len(), 1);
    // Pods starting (not ready within the grace period) were never shown: not announced.
    let mut starting = Problem::new("not-ready/x", Severity::Warning, "x not ready");
    starting.grace_secs = 60;
    let mut t = Tracker::default();
    assert!(
        t.observe(ts("2026-11-30T14:00:00Z"), vec![starting], &[])
            .is_empty()
    );
    t.observe(ts("2026-11-30T14:00:05Z"), vec![], &[]);
    assert!(t.cleared().is_empty());
}

#[test]
fn a_short_window_p95_just_over_the_threshold_needs_the_long_one_to_agree() {
    let c = cluster(agents());
    let mut m = metrics(3.0, 0.0, 0.0, 1600.0);
    m.recent.p95_ms = Reading::Value(2050.0);
    assert!(run(Some(&c), Some(&m)).is_empty(), "a bucket's wobble");
    m.p95_ms = Reading::Value(2200.0);
    assert_eq!(ids(&run(Some(&c), Some(&m))), ["provider-slow"]);
    m.p95_ms = Reading::Value(1600.0);
    m.recent.p95_ms = Reading::Value(2600.0);
    assert_eq!(
        ids(&run(Some(&c), Some(&m))),
        ["provider-slow"],
        "clearly over"
    );
}

#[test]
fn a_p95_on_the_bucket_bound_that_is_the_threshold_is_not_over_it() {
    // histogram_quantile answers the bucket's upper bound (2 s) plus float noise when the
    // rank lands at the top of the (1, 2] bucket: that says "at most 2 s", not over.
    let c = cluster(agents());
    let mut m = metrics(3.0, 0.0, 0.0, 2000.0000001);
    m.recent.p95_ms = Reading::Value(2000.0000001);
    assert!(run(Some(&c), Some(&m)).is_empty());
    m.p95_ms = Reading::Value(2100.0);
    m.recent.p95_ms = Reading::Value(2100.0);
    assert_eq!(ids(&run(Some(&c), Some(&m))), ["provider-slow"]);
}

fn probed(mut m: MetricsSnapshot, up: f64, probe_ms: f64) -> MetricsSnapshot {
    m.recent.provider_up_ratio = Reading::Value(up);
    m.recent.provider_probe_ms = Reading::Value(probe_ms);
    m
}

/// The provider fails its own probe: said as such, with no key to press.
#[test]
fn a_failing_probe_is_the_provider_unreachable() {
    let c = cluster(agents());
    let ps = run(
        Some(&c),
        Some(&probed(metrics(3.0, 0.0, 0.0, 900.0), 0.2, 5.0)),
    );
    assert_eq!(ids(&ps), ["provider-unreachable"]);
    assert_eq!(ps[0].severity, Severity::Critical);
    assert!(
        ps[0].evidence.contains("failed 80 % of the time"),
        "{}",
        ps[0].evidence
    );
    assert!(ps[0].fix.is_none());
    assert!(
        ps[0]
            .advice
            .as_deref()
            .unwrap()
            .contains("nor will a new key")
    );
    // Up on most probes: nothing.
    assert!(
        run(
            Some(&c),
            Some(&probed(metrics(3.0, 0.0, 0.0, 900.0), 0.9, 150.0))
        )
        .is_empty()
    );
}

/// Slow answers while the provider answers its probe briskly: not called the provider's
/// fault; with a slow probe too, it is.
#[test]
fn the_probe_tells_a_slow_provider_from_slow_answers() {
    let c = cluster(agents());
    let brisk = run(
        Some(&c),
        Some(&probed(metrics(3.0, 0.0, 0.0, 6000.0), 1.0, 180.0)),
    );
    assert_eq!(ids(&brisk), ["provider-slow"]);
    assert_eq!(brisk[0].title, "Slow answers, provider probe brisk");
    assert!(
        brisk[0]
            .evidence
            .ends_with("the provider answers its probe in 180 ms")
    );
    let slow = run(
        Some(&c),
        Some(&probed(metrics(3.0, 0.0, 0.0, 6000.0), 1.0, 1080.0)),
    );
    assert_eq!(slow[0].title, "Provider slow");
    assert!(
        slow[0]
            .evidence
            .ends_with("the provider answers its probe in 1.08 s")
    );
    // Without a probe: as before.
    let none = run(Some(&c), Some(&metrics(3.0, 0.0, 0.0, 6000.0)));
    assert_eq!(none[0].title, "Provider slow");
    assert!(none[0].evidence.ends_with("no timeouts"));
}

/// The 401 problem whose query then fails (a proxy's HTML page): not "cleared" — held,
/// "cannot tell since", without the fix key; back when the signal is.
#[test]
fn a_problem_whose_signal_goes_blind_is_held_not_cleared() {
    let c = cluster(agents());
    let mut t = tracker::Tracker::default();
    let bad = run(Some(&c), Some(&metrics(3.0, 1.0, 0.0, 80.0)));
    t.observe(ts("2026-11-30T14:00:00Z"), bad, &[]);
    let mut m = metrics(3.0, 0.0, 0.0, 80.0);
    m.recent.unauthorized_ratio = Reading::Error("prometheus answered HTTP 502: <html>".into());
    let now = run(Some(&c), Some(&m));
    assert_eq!(ids(&now), ["metrics-unreadable"], "never no problem");
    let blind = blind_spots(Some(&m), "1m", 2000.0);
    let shown = t.observe(ts("2026-11-30T14:03:00Z"), now, &blind);
    assert!(t.cleared().is_empty(), "not cleared: {:?}", t.cleared());
    let held = shown
        .iter()
        .find(|p| p.id == "provider-unauthorized")
        .unwrap();
    assert_eq!(held.title, "Provider rejects the API key (cannot tell)");
    assert!(
        held.evidence
            .starts_with("cannot tell since 14:03 UTC: its query failed"),
        "{}",
        held.evidence
    );
    assert!(held.fix.is_none());
    assert_eq!(held.since, Some(ts("2026-11-30T14:00:00Z")));
    // The signal back and clean: cleared for real.
    let shown = t.observe(ts("2026-11-30T14:04:00Z"), vec![], &[]);
    assert!(shown.is_empty());
    let cleared: Vec<String> = t.cleared().into_iter().map(|c| c.problem.id).collect();
    assert!(
        cleared.contains(&"provider-unauthorized".to_string()),
        "{cleared:?}"
    );
}
