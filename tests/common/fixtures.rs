//! The fixtures of the screen snapshots: a healthy and an incident cluster with fixed
//! times and names, and an App fed them (and 10 minutes of metrics) as the dashboard would
//! be. Included with `#[path = "common/fixtures.rs"] mod fixtures;` next to `screen`.
#![allow(dead_code)]

use agentdeck::app::{App, Msg, Settings, update};
use agentdeck::cluster::ClusterEvent;
use agentdeck::cluster::model::{
    ClusterSnapshot, Condition, EventView, HpaMetric, HpaView, MetricSource, PodCounts, Workload,
};
use agentdeck::config::default_models;
use agentdeck::metrics::{MetricsOrigin, MetricsSnapshot, ModelRate, Reading};
use agentdeck::theme::Theme;

pub fn ts(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

pub const NOW: &str = "2026-11-26T12:00:00Z";

pub fn cond(t: &str, s: &str, r: &str) -> Condition {
    Condition {
        type_: t.into(),
        status: s.into(),
        reason: r.into(),
        message: String::new(),
        since: None,
    }
}

pub fn event(
    warning: bool,
    reason: &str,
    object: &str,
    message: &str,
    secs_ago: i64,
    hint: Option<&str>,
) -> EventView {
    EventView {
        warning,
        reason: reason.into(),
        message: message.into(),
        object: object.into(),
        count: 1,
        last_seen: Some(ts(NOW) - jiff::SignedDuration::from_secs(secs_ago)),
        hint: hint.map(str::to_string),
        resolved: false,
    }
}

pub fn workload(name: &str, desired: i32, ready: i32, hpa: Option<&str>) -> Workload {
    Workload {
        kind: agentdeck::cluster::workload::WorkloadKind::Deployment,
        name: name.into(),
        desired,
        ready,
        updated: desired,
        available: ready,
        pods: PodCounts {
            running: ready as u32,
            pending: (desired - ready).max(0) as u32,
            ..Default::default()
        },
        hpa: hpa.map(str::to_string),
        ..Default::default()
    }
}

pub fn healthy_cluster() -> ClusterSnapshot {
    let mut hpa = HpaView {
        name: "ai-agent-hpa".into(),
        target: "Deployment/ai-agent-service".into(),
        target_kind: "Deployment".into(),
        target_name: "ai-agent-service".into(),
        min: 3,
        max: 20,
        current: 3,
        desired: 3,
        metrics: vec![
            HpaMetric {
                name: "cpu".into(),
                source: MetricSource::Resource,
                current: Some("45%".into()),
                target: "70%".into(),
                average: false,
                over: false,
            },
            HpaMetric {
                name: "memory".into(),
                source: MetricSource::Resource,
                current: Some("52%".into()),
                target: "80%".into(),
                average: false,
                over: false,
            },
        ],
        conditions: vec![
            cond("AbleToScale", "True", "ReadyForNewScale"),
            cond("ScalingActive", "True", "ValidMetricFound"),
            cond("ScalingLimited", "False", "DesiredWithinRange"),
        ],
        diagnosis: String::new(),
    };
    hpa.diagnosis = agentdeck::cluster::diagnose::hpa(&hpa);
    ClusterSnapshot {
        context: "prod-eu".into(),
        namespace: "ai-agents".into(),
        workloads: vec![
            workload("ai-agent-service", 3, 3, Some("ai-agent-hpa")),
            workload("redis", 1, 1, None),
        ],
        hpas: vec![hpa],
        events: vec![
            event(
                false,
                "ScalingReplicaSet",
                "deployment/ai-agent-service",
                "Scaled up replica set ai-agent-service-7d9f8 from 0 to 3",
                300,
                None,
            ),
            event(
                false,
                "Started",
                "pod/ai-agent-service-7d9f8-abcde",
                "Started container ai-agent",
                290,
                None,
            ),
        ],
        pods_total: 4,
        kinds: Default::default(),
        network_policies: Default::default(),
        resource_metrics: Default::default(),
        reloaded: None,
        pods_listing: None,
    }
}

pub fn incident_cluster() -> ClusterSnapshot {
    let mut c = healthy_cluster();
    let w = &mut c.workloads[0];
    w.desired = 20;
    w.ready = 14;
    w.available = 14;
    w.updated = 20;
    w.pods = PodCounts {
        running: 17,
        pending: 3,
        ..Default::default()
    };
    w.restarts = 9;
    w.oom_killed = 2;
    w.crash_looping = 3;
    w.rolling = true;
    let h = &mut c.hpas[0];
    h.current = 20;
    h.desired = 20;
    h.metrics[0].current = Some("135%".into());
    h.metrics[0].over = true;
    h.conditions = vec![
        cond("AbleToScale", "True", "ReadyForNewScale"),
        cond("ScalingActive", "True", "ValidMetricFound"),
        cond("ScalingLimited", "True", "TooManyReplicas"),
    ];
    h.diagnosis = agentdeck::cluster::diagnose::hpa(h);
    c.events = vec![
        event(
            true,
            "Unhealthy",
            "pod/ai-agent-service-7d9f8-q2x4z",
            "Readiness probe failed: upstream returned 401 Unauthorized",
            20,
            agentdeck::cluster::diagnose::event_hint(
                "Unhealthy",
                "401 Unauthorized",
                &Default::default(),
            )
            .as_deref(),
        ),
        event(
            true,
            "OOMKilled",
            "pod/ai-agent-service-7d9f8-abcde",
            "Container ai-agent was OOMKilled: memory use exceeded its limit of 2Gi",
            45,
            agentdeck::cluster::diagnose::event_hint("OOMKilled", "", &Default::default())
                .as_deref(),
        ),
        event(
            false,
            "SuccessfulRescale",
            "horizontalpodautoscaler/ai-agent-hpa",
            "New size: 20; reason: cpu resource utilization (percentage of request) above target",
            60,
            None,
        ),
    ];
    c.pods_total = 21;
    c
}

pub fn metrics(at: &str, p50: f64, p95: f64) -> MetricsSnapshot {
    let rates = [
        ("claude-sonnet-4.5", 20.0),
        ("deepseek-v3.2", 20.0),
        ("gemini-2.5-flash", 30.0),
        ("gpt-4.1", 30.0),
    ];
    MetricsSnapshot {
        origin: MetricsOrigin::Prometheus("http://prometheus.monitoring:9090".into()),
        at: ts(at),
        reachable: true,
        p50_ms: Reading::Value(p50),
        p95_ms: Reading::Value(p95),
        tokens: Reading::Value(
            rates
                .iter()
                .map(|(m, r)| ModelRate {
                    model: m.to_string(),
                    tokens_per_sec: *r,
                })
                .collect(),
        ),
        request_rate: Reading::Value(2.4),
        unauthorized_ratio: Reading::Value(0.0),
        recent: agentdeck::metrics::Recent {
            request_rate: Reading::Value(2.4),
            unauthorized_ratio: Reading::Value(0.0),
            timeout_ratio: Reading::Value(0.0),
            rate_limited_ratio: Reading::Value(0.0),
            p95_ms: Reading::Value(p95),
            ..Default::default()
        },
        backfill: None,
        ..Default::default()
    }
}

/// The same moment as another stack would export it: `stack` names it, `f` changes the
/// readings (what that stack cannot tell, its own numbers).
pub fn stack_app(stack: &str, f: impl Fn(&mut MetricsSnapshot)) -> App {
    let mut a = app(healthy_cluster(), "dark");
    let mut m = metrics("2026-11-26T11:59:59Z", 420.0, 1180.0);
    m.stack = stack.into();
    f(&mut m);
    let _ = update(&mut a, Msg::Metrics(Box::new(m)));
    let _ = update(&mut a, Msg::Tick(ts(NOW)));
    a
}

pub fn app(cluster: ClusterSnapshot, theme: &str) -> App {
    let mut a = App::new(
        Settings {
            context: cluster.context.clone(),
            namespace: cluster.namespace.clone(),
            contexts: vec!["prod-eu".into(), "staging".into()],
            metrics_origin: MetricsOrigin::Prometheus("http://prometheus.monitoring:9090".into()),
            prices: default_models(),
            gpu_hour_price: None,
            history_minutes: 30,
            themes: Theme::bundled(),
            theme: theme.into(),
            read_only: false,
            runbook: Default::default(),
            alerts: Default::default(),
        },
        ts("2026-11-26T11:50:00Z"),
    );
    // Clocks on screen in UTC, whatever the machine's zone.
    a.tz = jiff::tz::TimeZone::UTC;
    for i in 0..20 {
        let t = ts("2026-11-26T11:50:00Z") + jiff::SignedDuration::from_secs(i * 30);
        let _ = update(&mut a, Msg::Tick(t));
        let _ = update(
            &mut a,
            Msg::Metrics(Box::new(metrics(
                &t.to_string(),
                400.0 + (i % 5) as f64 * 20.0,
                1100.0 + (i % 7) as f64 * 90.0,
            ))),
        );
    }
    let _ = update(&mut a, Msg::Tick(ts("2026-11-26T11:59:58Z")));
    let _ = update(
        &mut a,
        Msg::Cluster(0, ClusterEvent::Snapshot(Box::new(cluster))),
    );
    let _ = update(
        &mut a,
        Msg::Metrics(Box::new(metrics("2026-11-26T11:59:58Z", 420.0, 1180.0))),
    );
    let _ = update(&mut a, Msg::Tick(ts(NOW)));
    a
}

pub fn healthy() -> App {
    app(healthy_cluster(), "dark")
}

pub fn incident() -> App {
    let mut a = app(incident_cluster(), "dark");
    // Prometheus went down after the last good refresh.
    let down = MetricsSnapshot::unreachable(
        MetricsOrigin::Prometheus("http://prometheus.monitoring:9090".into()),
        ts("2026-11-26T11:59:59Z"),
        "error sending request for url (http://prometheus.monitoring:9090/api/v1/query): connection refused",
    );
    let _ = update(&mut a, Msg::Metrics(Box::new(down)));
    a.permissions = agentdeck::ops::Permissions::new(true);
    a
}

/// The incident, drilled into the agents' pods (two: one crash-looping, one running).
pub fn drilled() -> App {
    let mut a = incident();
    if let Some(c) = a.cluster.as_mut() {
        c.workloads[0].pod_views = vec![
            agentdeck::cluster::model::PodView {
                name: "ai-agent-service-7d9f8-abcde".into(),
                ready: "0/1".into(),
                status: "CrashLoopBackOff".into(),
                restarts: 6,
                last_exit: Some(("OOMKilled".into(), Some(ts("2026-11-26T11:59:00Z")))),
                node: "sim-node-1".into(),
                created: Some(ts("2026-11-26T11:40:00Z")),
                container: "ai-agent".into(),
            },
            agentdeck::cluster::model::PodView {
                name: "ai-agent-service-7d9f8-fghij".into(),
                ready: "1/1".into(),
                status: "Running".into(),
                restarts: 0,
                last_exit: None,
                node: "sim-node-2".into(),
                created: Some(ts("2026-11-26T11:45:00Z")),
                container: "ai-agent".into(),
            },
        ]
        .into();
        std::sync::Arc::make_mut(&mut c.resource_metrics)
            .working_set
            .insert(
                ("ai-agent-service-7d9f8-fghij".into(), "ai-agent".into()),
                1.5 * 1024.0 * 1024.0 * 1024.0,
            );
        std::sync::Arc::make_mut(&mut c.resource_metrics)
            .cpu
            .insert(
                ("ai-agent-service-7d9f8-fghij".into(), "ai-agent".into()),
                0.12,
            );
    }
    a.views.push(agentdeck::app::views::View::Pods(
        agentdeck::app::views::PodsView {
            kind: agentdeck::cluster::workload::WorkloadKind::Deployment,
            name: "ai-agent-service".into(),
            selected: 0,
        },
    ));
    a
}
