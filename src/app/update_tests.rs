use std::time::Duration;

use crossterm::event::{KeyEvent, KeyModifiers};

use super::*;
use crate::config::Config;
use crate::metrics::{MetricsOrigin, ModelRate, Reading};
use crate::ops::{
    OpError, Operation, Ops, Outcome, Plan, PlanKind, Progress, Request, WorkloadKind,
};

fn app() -> App {
    crate::app::testing::app()
}

fn keys(a: &mut App, s: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    for c in s.chars() {
        let k = crate::app::testing::key_of(c);
        fx.extend(update(a, Msg::Key(k)).1);
    }
    fx
}

/// A connection that is never used (no server behind it): plans only carry it.
fn conn(context: &str, namespace: &str) -> Connection {
    let cfg = kube::Config::new("http://127.0.0.1:9".parse().unwrap());
    Connection {
        client: kube::Client::try_from(cfg).unwrap(),
        context: context.into(),
        namespace: namespace.into(),
        server: "http://127.0.0.1:9".into(),
        user: "u".into(),
        uid: Default::default(),
    }
}

fn restart_plan(context: &str, namespace: &str) -> Box<Plan> {
    Box::new(Plan::unchecked(
        Ops::new(
            conn(context, namespace),
            &Config::default(),
            Duration::from_secs(1),
        ),
        PlanKind::Restart {
            workload: crate::ops::WorkloadRef::deployment("web"),
            wait: true,
        },
    ))
}

fn with_workload(mut a: App) -> App {
    let w = crate::cluster::model::Workload {
        kind: crate::cluster::workload::WorkloadKind::Deployment,
        name: "web".into(),
        desired: 3,
        ready: 3,
        ..Default::default()
    };
    let snap = crate::cluster::ClusterSnapshot {
        namespace: a.namespace.clone(),
        workloads: vec![w],
        ..Default::default()
    };
    let g = a.generation;
    update(
        &mut a,
        Msg::Cluster(g, ClusterEvent::Snapshot(Box::new(snap))),
    );
    a
}

/// Switch to namespace `ns` the way the loop does: `:ns`, then its answer.
fn switch_ns(a: &mut App, ns: &str) -> Vec<Effect> {
    let fx = keys(a, &format!(":ns {ns}\n"));
    let Some(Effect::Connect { seq, .. }) = fx.first() else {
        panic!("{fx:?}")
    };
    update(a, Msg::Connected(*seq, Ok(conn("a", ns)))).1
}

#[test]
fn commands_switch_context_namespace_and_theme() {
    let mut a = app();
    let fx = keys(&mut a, ":ns load-1\n");
    assert!(
        matches!(&fx[..], [Effect::Connect { seq: 1, context: None, namespace: Some(n) }] if n == "load-1"),
        "{fx:?}"
    );
    let fx = keys(&mut a, ":ctx b\n");
    assert!(
        matches!(&fx[..], [Effect::Connect { seq: 2, context: Some(c), namespace: None }] if c == "b"),
        "{fx:?}"
    );
    assert!(keys(&mut a, ":ctx nope\n").is_empty());
    assert!(a.toast.as_ref().unwrap().error);
    keys(&mut a, ":theme light\n");
    assert_eq!(a.theme().name, "light");
    keys(&mut a, "t");
    assert_eq!(a.theme().name, "high-contrast");
    assert!(keys(&mut a, ":bogus\n").is_empty());
    assert!(
        a.toast
            .as_ref()
            .unwrap()
            .text
            .contains("unknown command :bogus")
    );
    assert!(matches!(&keys(&mut a, "q")[..], [Effect::Quit]));
    assert!(a.quit);
}

#[test]
fn filter_edits_and_esc_clears() {
    let mut a = app();
    keys(&mut a, "/red");
    assert!(matches!(a.mode, Mode::Filter));
    assert_eq!(a.filter, "red");
    keys(&mut a, "q\x08");
    assert_eq!(a.filter, "red", "q is text in the filter");
    assert!(!a.quit);
    keys(&mut a, "\x1b");
    assert!(matches!(a.mode, Mode::Normal));
    assert!(a.filter.is_empty());
    keys(&mut a, "?");
    assert!(matches!(a.mode, Mode::Help));
    keys(&mut a, "\x1b");
    assert!(matches!(a.mode, Mode::Normal));
}

#[test]
fn ctrl_c_quits_from_anywhere() {
    for open in ["", "/", ":", "?", "s"] {
        let mut a = with_workload(app());
        keys(&mut a, open);
        let (_, fx) = update(
            &mut a,
            Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        );
        assert!(matches!(&fx[..], [Effect::Quit]), "after {open:?}: {fx:?}");
    }
}

#[tokio::test]
async fn restart_is_planned_then_asked_with_its_place_then_executed_there() {
    let mut a = with_workload(app());
    let fx = keys(&mut a, "r");
    assert!(
        matches!(&fx[..], [Effect::Plan(Request::Restart { workload, wait: true })] if workload.name == "web"),
        "{fx:?}"
    );
    assert!(a.op_status.is_some(), "the footer says it is checking");
    assert!(keys(&mut a, "r").is_empty(), "one operation at a time");
    update(&mut a, Msg::Planned(0, Ok(restart_plan("a", "ns"))));
    let Mode::Confirm { question, .. } = &a.mode else {
        panic!("{:?}", a.mode)
    };
    assert_eq!(
        question,
        "rollout restart deployment web in namespace ns (context a)"
    );
    assert!(keys(&mut a, "n").is_empty());
    assert!(matches!(a.mode, Mode::Normal));
    update(&mut a, Msg::Planned(0, Ok(restart_plan("a", "ns"))));
    let fx = keys(&mut a, "y");
    let [Effect::Execute(plan)] = &fx[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(
        (
            plan.ops().conn.context.as_str(),
            plan.ops().conn.namespace.as_str()
        ),
        ("a", "ns")
    );
    update(
        &mut a,
        Msg::Progress(
            0,
            Progress::Pods {
                deployment: "web".into(),
                ready: 1,
                desired: 3,
            },
        ),
    );
    assert_eq!(a.op_status.as_deref(), Some("scale web: 1/3 ready"));
    update(
        &mut a,
        Msg::Done {
            generation: 0,
            place: "namespace ns (context a)".into(),
            result: Ok(Outcome::Done("rolled out".into())),
        },
    );
    assert!(a.op_status.is_none());
    assert_eq!(a.toast.as_ref().unwrap().text, "rolled out");
}

#[test]
fn a_refused_plan_is_a_toast() {
    let mut a = with_workload(app());
    keys(&mut a, "r");
    update(
        &mut a,
        Msg::Planned(0, Err(OpError::NotFound("deployment web".into()))),
    );
    assert!(matches!(a.mode, Mode::Normal));
    assert!(a.op_status.is_none());
    assert!(a.toast.as_ref().unwrap().text.contains("not found"));
}

#[test]
fn scale_input_is_checked_before_planning() {
    let mut a = with_workload(app());
    keys(&mut a, "s");
    assert!(matches!(&a.mode, Mode::ScaleInput { input, .. } if input == "3"));
    keys(&mut a, "\x08-1\n");
    assert!(
        matches!(a.mode, Mode::ScaleInput { .. }),
        "bad input keeps the dialog"
    );
    assert!(a.toast.as_ref().unwrap().error);
    let fx = keys(&mut a, "\x08\x087\n");
    assert!(
        matches!(&fx[..], [Effect::Plan(Request::Scale { workload, replicas })] if workload.name == "web" && replicas == "7"),
        "{fx:?}"
    );
}

#[test]
fn read_only_and_rbac_refuse_before_asking() {
    let mut a = with_workload(app());
    a.permissions = crate::ops::Permissions::new(true);
    // Nothing planned; the refusal goes to the audit log, as the CLI's does.
    let fx = keys(&mut a, "r");
    assert!(
        matches!(&fx[..], [Effect::AuditRefusal { operation: "restart", target, why: crate::ops::OpError::ReadOnly }] if target.ends_with("/web")),
        "{fx:?}"
    );
    assert!(matches!(a.mode, Mode::Normal));
    assert!(a.toast.as_ref().unwrap().text.contains("read-only"));
    a.permissions = crate::ops::Permissions::new(false);
    update(
        &mut a,
        Msg::Permissions(
            0,
            vec![
                (
                    Operation::Scale,
                    Some(WorkloadKind::Deployment),
                    Some("patch deployments/scale is denied".into()),
                ),
                (Operation::Restart, Some(WorkloadKind::Deployment), None),
            ],
        ),
    );
    let fx = keys(&mut a, "s");
    assert!(
        matches!(
            &fx[..],
            [Effect::AuditRefusal {
                operation: "scale",
                ..
            }]
        ),
        "{fx:?}"
    );
    assert!(matches!(a.mode, Mode::Normal));
    assert!(a.toast.as_ref().unwrap().text.contains("not allowed"));
    assert!(matches!(&keys(&mut a, "r")[..], [Effect::Plan(_)]));
}

#[tokio::test]
async fn a_plan_never_steals_focus_from_a_text_input() {
    let mut a = with_workload(app());
    keys(&mut a, "r/");
    assert!(matches!(a.mode, Mode::Filter));
    update(&mut a, Msg::Planned(0, Ok(restart_plan("a", "ns"))));
    assert!(matches!(a.mode, Mode::Filter), "still typing");
    // A `y` typed now is text, not a confirmation.
    assert!(keys(&mut a, "y").is_empty());
    assert_eq!(a.filter, "y");
    assert!(a.waiting_plan.is_some());
    keys(&mut a, "\n");
    assert!(
        matches!(&a.mode, Mode::Confirm { question, .. } if question.contains("namespace ns (context a)")),
        "asked once the input closed"
    );
    // The same for the `:` line.
    let mut a = with_workload(app());
    keys(&mut a, "r:de");
    update(&mut a, Msg::Planned(0, Ok(restart_plan("a", "ns"))));
    assert!(matches!(&a.mode, Mode::Command(l) if l == "de"));
    assert!(keys(&mut a, "\x1b").is_empty());
    assert!(matches!(a.mode, Mode::Confirm { .. }));
}

#[tokio::test]
async fn a_switch_drops_everything_of_the_old_connection() {
    let mut a = with_workload(app());
    keys(&mut a, "r");
    let fx = switch_ns(&mut a, "other");
    assert!(
        matches!(&fx[..], [Effect::Attach { generation: 1, conn }] if conn.namespace == "other"),
        "{fx:?}"
    );
    assert_eq!((a.namespace.as_str(), a.generation), ("other", 1));
    assert!(
        a.cluster.is_none(),
        "the old namespace's workloads are gone"
    );
    // The plan made on the old connection arrives late: dropped, nothing asked.
    let (redraw, fx) = update(&mut a, Msg::Planned(0, Ok(restart_plan("a", "ns"))));
    assert!(!redraw && fx.is_empty());
    assert!(matches!(a.mode, Mode::Normal));
    // A snapshot, RBAC answers and progress of the old one too.
    let old = crate::cluster::ClusterSnapshot {
        namespace: "other".into(),
        ..Default::default()
    };
    update(
        &mut a,
        Msg::Cluster(0, ClusterEvent::Snapshot(Box::new(old))),
    );
    assert!(a.cluster.is_none());
    update(
        &mut a,
        Msg::Permissions(
            0,
            vec![(
                Operation::Restart,
                Some(WorkloadKind::Deployment),
                Some("no".into()),
            )],
        ),
    );
    assert_eq!(a.permissions, crate::ops::Permissions::new(false));
    update(&mut a, Msg::Progress(0, Progress::Wrote("x".into())));
    assert_ne!(a.op_status.as_deref(), Some("x"));
    // A write confirmed before the switch reports where it ran.
    update(
        &mut a,
        Msg::Done {
            generation: 0,
            place: "namespace ns (context a)".into(),
            result: Ok(Outcome::Done("web restarted".into())),
        },
    );
    assert_eq!(
        a.toast.as_ref().unwrap().text,
        "in namespace ns (context a): web restarted"
    );
}

#[tokio::test]
async fn a_switch_closes_an_open_confirmation() {
    let mut a = with_workload(app());
    keys(&mut a, "r");
    update(&mut a, Msg::Planned(0, Ok(restart_plan("a", "ns"))));
    assert!(matches!(a.mode, Mode::Confirm { .. }));
    // The answer of a `:ns` typed before `r` arrives while the question is open.
    a.connect_seq = 1;
    update(&mut a, Msg::Connected(1, Ok(conn("a", "other"))));
    assert!(matches!(a.mode, Mode::Normal));
    assert!(a.toast.as_ref().unwrap().text.contains("not asked"));
    assert!(keys(&mut a, "y").is_empty(), "nothing left to confirm");
}

#[tokio::test]
async fn writes_wait_while_switching_and_stale_answers_are_dropped() {
    let mut a = with_workload(app());
    keys(&mut a, ":ns x\n:ns y\n");
    assert!(keys(&mut a, "r").is_empty(), "refused while switching");
    assert!(a.toast.as_ref().unwrap().text.contains("switching"));
    // The answer to the first `:ns` comes last and is ignored.
    update(&mut a, Msg::Connected(2, Ok(conn("a", "y"))));
    let (redraw, fx) = update(&mut a, Msg::Connected(1, Ok(conn("a", "x"))));
    assert!(!redraw && fx.is_empty());
    assert_eq!(a.namespace, "y");
}

#[test]
fn ticks_redraw_only_when_a_second_passes() {
    let mut a = app();
    let t: Timestamp = "2026-11-26T12:00:00.400Z".parse().unwrap();
    assert!(!update(&mut a, Msg::Tick(t)).0);
    let t: Timestamp = "2026-11-26T12:00:01Z".parse().unwrap();
    assert!(update(&mut a, Msg::Tick(t)).0);
}

#[test]
fn metrics_bring_cost_and_history() {
    let mut a = app();
    let m = MetricsSnapshot {
        origin: MetricsOrigin::Simulated,
        at: a.now,
        reachable: true,
        p50_ms: Reading::Value(400.0),
        p95_ms: Reading::NoData,
        tokens: Reading::Value(vec![ModelRate {
            model: "gpt-4.1".into(),
            tokens_per_sec: 100.0,
        }]),
        request_rate: Reading::Value(1.0),
        unauthorized_ratio: Reading::Value(0.0),
        recent: Default::default(),
        backfill: None,
        ..Default::default()
    };
    update(&mut a, Msg::Metrics(Box::new(m)));
    // 100 tokens/s × 3600 × $8 / 1e6 = $2.88 per hour.
    assert!((a.cost.as_ref().unwrap().usd_per_hour - 2.88).abs() < 1e-9);
    assert_eq!(a.history.len(), 1);
    assert_eq!(a.history.latest().unwrap().p95_ms, None, "no data is not 0");
}

/// A metric problem asks once when its signal started; the answer becomes its "since"
/// (as `status` says it), and one for another namespace is dropped.
#[test]
fn a_new_metric_problem_asks_its_onset_once() {
    let mut a = app();
    let m = MetricsSnapshot {
        origin: MetricsOrigin::Simulated,
        at: a.now,
        reachable: true,
        unauthorized_ratio: Reading::Value(1.0),
        recent: crate::metrics::Recent {
            request_rate: Reading::Value(2.0),
            unauthorized_ratio: Reading::Value(1.0),
            ..Default::default()
        },
        ..Default::default()
    };
    let (_, fx) = update(&mut a, Msg::Metrics(Box::new(m.clone())));
    let asked: Vec<&Effect> = fx
        .iter()
        .filter(|e| matches!(e, Effect::Onset { .. }))
        .collect();
    assert!(
        matches!(asked[..], [Effect::Onset { id, .. }] if id == "provider-unauthorized"),
        "{fx:?}"
    );
    let (_, again) = update(&mut a, Msg::Metrics(Box::new(m)));
    assert!(
        !again.iter().any(|e| matches!(e, Effect::Onset { .. })),
        "asked once"
    );
    let started = a.now - jiff::SignedDuration::from_mins(7);
    let ns = a.namespace.clone();
    update(
        &mut a,
        Msg::Onset {
            ns: "elsewhere".into(),
            id: "provider-unauthorized".into(),
            at: Some(started - jiff::SignedDuration::from_mins(60)),
        },
    );
    update(
        &mut a,
        Msg::Onset {
            ns,
            id: "provider-unauthorized".into(),
            at: Some(started),
        },
    );
    let p = a
        .problems
        .iter()
        .find(|p| p.id == "provider-unauthorized")
        .unwrap();
    assert_eq!(p.since, Some(started));
}
