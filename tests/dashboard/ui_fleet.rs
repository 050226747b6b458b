//! The fleet view on a TestBackend, snapshotted, and its keys through `update`: rows most
//! severe first with the total, the selected cluster's problems in full or why it cannot
//! be read; `Enter` dives (a switch to that context), `Esc` on its dashboard comes back
//! with the dashboard lingering, and after `linger_secs` it is dropped. Fixed times.

use crate::common::fixtures::*;
use crate::common::screen;
use agentdeck::app::msg::FleetMsg;
use agentdeck::app::{App, Effect, Msg, update};
use agentdeck::fleet::row::{HpaCount, Reach, Row, RowMetrics, RowProblem};
use agentdeck::problems::Severity;

fn key(code: crossterm::event::KeyCode) -> Msg {
    Msg::Key(crossterm::event::KeyEvent::from(code))
}

fn up(context: &str, usd: f64, problem: Option<(Severity, &str, &str)>) -> Row {
    let mut r = Row::connecting(context, "ai-agents");
    r.reach = Reach::Up;
    r.at = Some(ts("2026-11-26T11:59:58Z"));
    (r.ready, r.desired, r.workloads) = (4, 4, 2);
    r.hpa = Some(HpaCount {
        current: 3,
        desired: 3,
        max: 20,
    });
    r.metrics = RowMetrics {
        p95_ms: Some(1420.0),
        tokens_per_min: Some(usd * 2700.0),
        usd_per_hour: Some(usd),
        note: None,
    };
    r.problems = problem
        .map(|(severity, title, evidence)| RowProblem {
            id: "x".into(),
            severity,
            title: title.into(),
            evidence: evidence.into(),
        })
        .into_iter()
        .collect();
    r
}

/// A fleet of five: two with problems, two unreachable, one healthy.
fn fleet() -> App {
    let mut a = healthy();
    a.context.clear();
    a.cluster = None;
    let names = ["eu-prod", "us-prod", "ap-prod", "staging", "dev"];
    let contexts = names
        .iter()
        .map(|n| (n.to_string(), "ai-agents".to_string()))
        .collect();
    update(
        &mut a,
        Msg::Fleet(FleetMsg::Started {
            contexts,
            linger_secs: 60.0,
        }),
    );
    let retry = ts("2026-11-26T12:00:20Z");
    let rows = [
        up(
            "eu-prod",
            9.46,
            Some((
                Severity::Critical,
                "Provider rejects the API key",
                "401 on 100 % of requests over the last 1m",
            )),
        ),
        up(
            "us-prod",
            12.10,
            Some((
                Severity::Warning,
                "ai-agent-service OOMKilled 3×",
                "3 restarts after OOM kills at 2Gi",
            )),
        ),
        up("dev", 0.80, None),
        {
            let mut r = Row::connecting("ap-prod", "ai-agents");
            r.failed(
                "no answer within 15 s (the API server or the network is not answering)".into(),
                retry,
            );
            r
        },
        {
            let mut r = Row::connecting("staging", "ai-agents");
            r.failed("the credential plugin corp-login failed (exit status: 1): error: SSO session expired".into(), retry);
            r
        },
    ];
    for r in rows {
        update(&mut a, Msg::Fleet(FleetMsg::Row(Box::new(r))));
    }
    a
}

#[test]
fn the_fleet_most_severe_first_with_its_total_140x30() {
    let a = fleet();
    let text = screen::render(&a, 140, 30);
    let order: Vec<usize> = ["eu-prod", "ap-prod", "staging", "us-prod", "dev"]
        .iter()
        .map(|c| {
            text.find(&format!("│{c} "))
                .unwrap_or_else(|| panic!("{c}:\n{text}"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(text.contains("fleet of 5: $22.36/h"), "{text}");
    assert!(
        text.contains("2 unreachable") && text.contains("2 with problems"),
        "{text}"
    );
    assert!(
        text.contains("401 on 100 % of requests"),
        "the selected row's evidence:\n{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn an_unreachable_cluster_says_why_in_full_80x24() {
    let mut a = fleet();
    update(&mut a, key(crossterm::event::KeyCode::Down));
    update(&mut a, key(crossterm::event::KeyCode::Down));
    let text = screen::render(&a, 80, 24);
    assert!(text.contains("SSO session expired"), "{text}");
    assert!(text.contains("trying again in"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn enter_dives_esc_comes_back_and_the_dashboard_is_dropped_after_lingering() {
    let mut a = fleet();
    update(&mut a, key(crossterm::event::KeyCode::Down));
    let (_, fx) = update(&mut a, key(crossterm::event::KeyCode::Enter));
    let asked: Vec<_> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Connect {
                context, namespace, ..
            } => Some((context.clone()?, namespace.clone()?)),
            _ => None,
        })
        .collect();
    // The row's cluster, on the row's namespace.
    assert_eq!(asked, [("ap-prod".to_string(), "ai-agents".to_string())]);
    assert!(!a.fleet_shown());
    // Attached (as the loop would after connecting), then back to the fleet.
    a.context = "ap-prod".into();
    update(&mut a, key(crossterm::event::KeyCode::Esc));
    assert!(a.fleet_shown());
    assert!(screen::render(&a, 140, 30).contains("ap-prod still attached"));
    // Back within the linger: no new connection.
    let (_, fx) = update(&mut a, key(crossterm::event::KeyCode::Enter));
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::Connect { .. })),
        "{fx:?}"
    );
    update(&mut a, key(crossterm::event::KeyCode::Esc));
    // A minute later the dashboard's watchers are dropped.
    let left = a.now;
    let (_, fx) = update(
        &mut a,
        Msg::Tick(left + jiff::SignedDuration::from_secs(61)),
    );
    assert!(fx.iter().any(|e| matches!(e, Effect::Detach)), "{fx:?}");
    assert!(a.cluster.is_none() && a.fleet.as_ref().unwrap().dived.is_none());
    assert!(!screen::render(&a, 140, 30).contains("still attached"));
}

#[test]
fn fleet_command_starts_the_fleet_from_one_cluster() {
    let mut a = healthy();
    for c in ":fleet".chars() {
        update(&mut a, key(crossterm::event::KeyCode::Char(c)));
    }
    let (_, fx) = update(&mut a, key(crossterm::event::KeyCode::Enter));
    assert!(fx.iter().any(|e| matches!(e, Effect::StartFleet)), "{fx:?}");
    let contexts = vec![("a".to_string(), "ai-agents".to_string())];
    update(
        &mut a,
        Msg::Fleet(FleetMsg::Started {
            contexts,
            linger_secs: 60.0,
        }),
    );
    assert!(a.fleet_shown());
    update(&mut a, Msg::Fleet(FleetMsg::Unavailable("x".into())));
}

#[test]
fn a_cluster_that_cannot_be_dived_into_leaves_you_on_the_fleet_with_why() {
    let mut a = fleet();
    update(&mut a, key(crossterm::event::KeyCode::Down));
    update(&mut a, key(crossterm::event::KeyCode::Down));
    update(&mut a, key(crossterm::event::KeyCode::Enter));
    assert!(!a.fleet_shown());
    let failed = agentdeck::cluster::ConnectError::NeedsTerminal("sso".into());
    let seq = a.connect_seq;
    update(
        &mut a,
        Msg::Connected(seq, Err(std::sync::Arc::new(failed))),
    );
    assert!(a.fleet_shown());
    assert!(a.fleet.as_ref().unwrap().dived.is_none());
    let text = screen::render(&a, 140, 30);
    assert!(
        text.contains("switch failed: the exec credential plugin of user \"sso\""),
        "{text}"
    );
}
