//! A restricted role degrades one panel, never the whole dashboard: for each watched kind,
//! the sim forbids `list` and `watch` of it; the real watch code still delivers a snapshot
//! with everything else, the screen shows every other panel with data and names the
//! forbidden kind, and `agentdeck status` exits 1 naming it (2 only when nothing is
//! readable).

use crate::common;

use std::time::Duration;

use crate::common::{SimProcess, preload};
use agentdeck::app::{App, Msg, update};
use agentdeck::cluster::model::Readable;
use agentdeck::cluster::{self, ClusterEvent, ClusterSnapshot};
use agentdeck_sim::DenyRule;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

/// A snapshot from the real watchers against a sim that denies `kind`, once the rest is in.
async fn snapshot_without(kind: &str) -> ClusterSnapshot {
    let mut cfg = preload(5.0);
    cfg.deny = vec![
        DenyRule::parse(&format!("list {kind}")).unwrap(),
        DenyRule::parse(&format!("watch {kind}")).unwrap(),
    ];
    let (sim, conn, _dir) = common::sim_and_connection(cfg).await;
    let (tx, mut rx) = mpsc::channel(64);
    let _watch = cluster::watch::spawn(&conn, &Default::default(), tx);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(40);
    let others_in = |s: &ClusterSnapshot| {
        matches!(s.readable(kind), Readable::No(_))
            && cluster::model::KINDS
                .iter()
                .filter(|k| **k != kind)
                .all(|k| s.readable(k) == Readable::Yes)
            && (kind == "deployments"
                || s.workloads
                    .iter()
                    .any(|w| w.name == "redis" && w.ready == 1))
            && (kind == "events" || !s.events.is_empty())
            && (kind == "horizontalpodautoscalers" || !s.hpas.is_empty())
    };
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(ClusterEvent::Snapshot(s))) if others_in(&s) => {
                sim.stop().await;
                return *s;
            }
            Ok(Some(_)) => {}
            other => panic!("no snapshot without {kind} with everything else: {other:?}"),
        }
    }
}

fn screen(snap: ClusterSnapshot) -> String {
    let mut a = crate::common::screen::app(
        agentdeck::metrics::MetricsOrigin::None,
        jiff::Timestamp::now(),
    );
    update(
        &mut a,
        Msg::Cluster(0, ClusterEvent::Snapshot(Box::new(snap))),
    );
    let (w, h) = (200, 50);
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| agentdeck::ui::draw(f, &a)).unwrap();
    let buf = t.backend().buffer().clone();
    (0..h)
        .map(|y| {
            (0..w)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn each_forbidden_kind_degrades_only_its_panel() {
    for kind in ["events", "pods", "replicasets", "horizontalpodautoscalers"] {
        let s = screen(snapshot_without(kind).await);
        let header = s.lines().next().unwrap();
        assert!(
            header.contains(&format!("(cannot read {kind})")),
            "{kind}: header {header}"
        );
        assert!(
            s.contains("your role cannot list"),
            "{kind}: the reason\n{s}"
        );
        assert!(
            s.contains("ai-agent-service") && s.contains("redis"),
            "{kind}\n{s}"
        );
        if kind != "horizontalpodautoscalers" {
            assert!(s.contains("hpa ai-agent-hpa"), "{kind}: the HPA panel\n{s}");
        }
        if kind != "events" {
            assert!(s.contains("Started"), "{kind}: the events\n{s}");
        }
        assert!(!s.contains("cluster unreachable"), "{kind}\n{s}");
        let panel_says = match kind {
            "pods" | "replicasets" => "pod counts unknown: your role cannot list",
            "events" => "events cannot be read: your role cannot list events",
            _ => "HPAs cannot be read: your role cannot list horizontalpodautoscalers",
        };
        assert!(s.contains(panel_says), "{kind}: its panel\n{s}");
    }
}

#[tokio::test]
async fn forbidden_deployments_say_so() {
    let s = screen(snapshot_without("deployments").await);
    assert!(
        s.contains(
            "cannot list deployments: your role cannot list deployments in ai-agents (RBAC)"
        ),
        "{s}"
    );
    assert!(
        !s.contains("cluster unreachable") && !s.contains("no events"),
        "{s}"
    );
}

#[test]
fn status_names_what_it_could_not_read_and_exits_1() {
    for kind in ["events", "pods", "deployments"] {
        let sim = SimProcess::start(&[
            "--preload",
            "--deny",
            &format!("list {kind}"),
            "--deny",
            &format!("watch {kind}"),
        ]);
        let (code, out, err) = sim.agentdeck(&["status"], "");
        assert_eq!(code, 1, "{kind}: {out}\n{err}");
        assert!(
            out.contains(&format!(
                "Cannot read {kind}: your role cannot list {kind} in ai-agents (RBAC)"
            )),
            "{kind}: {out}"
        );
        let (code, json, _) = sim.agentdeck(&["status", "--json"], "");
        assert_eq!(code, 1);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert!(v["unreadable"][kind].is_string(), "{json}");
    }
    // Nothing readable at all: exit 2.
    let mut args = vec!["--preload".to_string()];
    for k in cluster::model::KINDS {
        args.extend(["--deny".into(), format!("list {k}")]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let sim = SimProcess::start(&args);
    let (code, _, err) = sim.agentdeck(&["status"], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("listing deployments"), "{err}");
}

/// A role that may patch Deployments but not StatefulSets: the dashboard greys `r` and
/// `s` on the StatefulSet (redis) and offers them on the Deployment — RBAC is asked
/// about each kind, with the accesses the operations declare.
#[tokio::test]
#[allow(clippy::too_many_lines)] // a scenario: one session, read top to bottom
async fn a_statefulsets_keys_are_greyed_by_statefulset_rights() {
    use agentdeck::ops::Ops;
    let mut cfg = preload(5.0);
    cfg.deny = vec![DenyRule::parse("patch statefulsets").unwrap()];
    let (sim, conn, _dir) = common::sim_and_connection(cfg).await;
    // The bundled stack has no StatefulSet: a vector store of the agents, say.
    let sts: k8s_openapi::api::apps::v1::StatefulSet = serde_json::from_value(serde_json::json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "vector-store", "namespace": "ai-agents"},
        "spec": {
            "replicas": 1, "serviceName": "vector-store",
            "selector": {"matchLabels": {"app": "vector-store"}},
            "template": {
                "metadata": {"labels": {"app": "vector-store"}},
                "spec": {"containers": [{"name": "qdrant", "image": "qdrant/qdrant:v1.12.0"}]}
            }
        }
    }))
    .unwrap();
    kube::Api::namespaced(conn.client.clone(), "ai-agents")
        .create(&Default::default(), &sts)
        .await
        .unwrap();
    let (tx, mut rx) = mpsc::channel(64);
    let _watch = cluster::watch::spawn(&conn, &Default::default(), tx);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(40);
    let snap = loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(ClusterEvent::Snapshot(s)))
                if s.workloads.iter().any(|w| w.kind.name() == "StatefulSet")
                    && s.workloads.iter().any(|w| w.kind.name() == "Deployment") =>
            {
                break *s;
            }
            Ok(Some(_)) => {}
            other => panic!("no snapshot with both kinds: {other:?}"),
        }
    };
    let ops = Ops::new(
        conn,
        &agentdeck::config::Config::default(),
        Duration::from_secs(5),
    );
    let answers = ops.permissions().await;
    sim.stop().await;
    let mut a = crate::common::screen::app(
        agentdeck::metrics::MetricsOrigin::None,
        jiff::Timestamp::now(),
    );
    update(
        &mut a,
        Msg::Cluster(0, ClusterEvent::Snapshot(Box::new(snap))),
    );
    update(&mut a, Msg::Permissions(0, answers));
    let index = |a: &App, kind: &str| {
        a.visible()
            .iter()
            .position(|w| w.kind.name() == kind)
            .unwrap()
    };
    let crossed = |s: ratatui::style::Style| {
        s.add_modifier
            .contains(ratatui::style::Modifier::CROSSED_OUT)
    };
    a.selected = index(&a, "StatefulSet");
    let sts = a.selected_workload().unwrap().name.clone();
    assert!(
        crossed(crate::common::screen::footer_style(&a, "<r>")),
        "restart {sts} is denied"
    );
    assert!(
        crossed(crate::common::screen::footer_style(&a, "<s>")),
        "scale {sts} is denied"
    );
    let why = a
        .refusal(agentdeck::ops::Operation::Restart)
        .unwrap()
        .to_string();
    assert!(why.contains("patch statefulsets"), "{why}");
    a.selected = index(&a, "Deployment");
    let dep = a.selected_workload().unwrap().name.clone();
    assert!(
        !crossed(crate::common::screen::footer_style(&a, "<r>")),
        "restart {dep} is allowed"
    );
    assert!(
        !crossed(crate::common::screen::footer_style(&a, "<s>")),
        "scale {dep} is allowed"
    );
    assert!(
        !crossed(crate::common::screen::footer_style(&a, "<K>")),
        "the key's Secret is writable"
    );
}
