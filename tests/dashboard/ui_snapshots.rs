//! Every screen, snapshotted with insta on a TestBackend: healthy and incident states at
//! 80×24 and 200×50, help, filter and command modes, and every size down to 1×1 without a
//! panic. Fixtures use fixed times and names, so nothing needs filtering.

use crate::common;

use crate::common::screen;

use crate::common::fixtures::*;
use agentdeck::app::{App, Mode, Msg, update};
use agentdeck::metrics::{MetricsOrigin, MetricsSnapshot, Reading};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn render(a: &App, w: u16, h: u16) -> String {
    screen::render(a, w, h)
}

#[test]
fn healthy_80x24() {
    insta::assert_snapshot!(render(&healthy(), 80, 24));
}

#[test]
fn healthy_200x50() {
    insta::assert_snapshot!(render(&healthy(), 200, 50));
}

#[test]
fn incident_80x24() {
    insta::assert_snapshot!(render(&incident(), 80, 24));
}

/// `P`: each problem in full at 80 columns — the evidence the strip cut, since when, the
/// fix key with the command that does the same — and `P` again closes it.
#[test]
fn every_problem_in_full_at_80x24() {
    let mut a = incident();
    let strip = render(&a, 80, 24);
    let _ = update(&mut a, Msg::Key(key('P')));
    let text = render(&a, 80, 24);
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for p in &a.problems {
        let first = p
            .evidence
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(words.contains(&first), "{first:?} in\n{text}");
    }
    assert!(
        words.contains("deploy/ai-agent-service --previous"),
        "{text}"
    );
    assert!(
        !strip.contains("kubectl logs"),
        "the strip has no room for the advice"
    );
    insta::assert_snapshot!(text);
    let _ = update(&mut a, Msg::Key(key('P')));
    assert_eq!(render(&a, 80, 24), strip);
}

#[test]
fn incident_200x50() {
    insta::assert_snapshot!(render(&incident(), 200, 50));
}

/// Prometheus down for five minutes: the error once (latency), the header says DOWN, tokens
/// and cost keep their last good values, greyed, aged in their titles.
#[test]
fn prometheus_down_keeps_last_good_values() {
    let mut a = healthy();
    for i in 1..=10 {
        let at = ts("2026-11-26T11:59:58Z") + jiff::SignedDuration::from_secs(i * 30);
        let down = MetricsSnapshot::unreachable(
            MetricsOrigin::Prometheus("http://prometheus.monitoring:9090".into()),
            at,
            "prometheus unreachable: http://prometheus.monitoring:9090: client error (Connect): tcp connect error: Connection refused (os error 111)",
        );
        let _ = update(&mut a, Msg::Metrics(Box::new(down)));
        let _ = update(&mut a, Msg::Tick(at));
    }
    let text = render(&a, 120, 36);
    assert_eq!(text.matches("Connection refused").count(), 1, "{text}");
    // The kept values are greyed: every cell of the tokens total in the muted colour.
    let mut t = Terminal::new(TestBackend::new(120, 36)).unwrap();
    t.draw(|f| agentdeck::ui::draw(f, &a)).unwrap();
    let buf = t.backend().buffer().clone();
    let row = text.lines().position(|l| l.contains("6.0k/min")).unwrap() as u16;
    let col = text
        .lines()
        .nth(row as usize)
        .unwrap()
        .chars()
        .position(|c| c == '6')
        .unwrap() as u16;
    assert_eq!(buf[(col, row)].fg, a.theme().muted);
    assert!(
        text.contains("tokens · 5m ago") && text.contains("cost · 5m ago"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

/// A PromQL error in the tokens query: its text on the tokens panel only; cost greyed.
#[test]
fn one_query_error_stays_on_its_panel() {
    let mut a = healthy();
    let mut m = metrics("2026-11-26T12:00:00Z", 420.0, 1180.0);
    m.tokens = Reading::Error(
        "prometheus bad_data error: 1:35: parse error: unexpected \"}\" in label matching".into(),
    );
    let _ = update(&mut a, Msg::Metrics(Box::new(m)));
    let text = render(&a, 120, 36);
    assert_eq!(text.matches("parse error").count(), 1, "{text}");
    assert!(text.contains("cost · 2s ago"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn help_overlay() {
    let mut a = healthy();
    a.mode = Mode::Help;
    insta::assert_snapshot!(render(&a, 100, 30));
}

#[test]
fn filter_and_command_line() {
    let mut a = healthy();
    let _ = update(&mut a, Msg::Key(key('/')));
    for c in "red".chars() {
        let _ = update(&mut a, Msg::Key(key(c)));
    }
    let text = render(&a, 100, 30);
    assert!(text.contains("/red"), "{text}");
    assert!(
        text.contains("redis") && !text.contains("ai-agent-service      3/3"),
        "{text}"
    );
    insta::assert_snapshot!("filter", text);
    let mut a = healthy();
    let _ = update(&mut a, Msg::Key(key(':')));
    for c in "ctx nope".chars() {
        let _ = update(&mut a, Msg::Key(key(c)));
    }
    let _ = update(
        &mut a,
        Msg::Key(ratatui::crossterm::event::KeyEvent::from(
            ratatui::crossterm::event::KeyCode::Enter,
        )),
    );
    let text = render(&a, 100, 30);
    assert!(text.contains("no context \"nope\""), "{text}");
}

fn key(c: char) -> ratatui::crossterm::event::KeyEvent {
    ratatui::crossterm::event::KeyEvent::from(ratatui::crossterm::event::KeyCode::Char(c))
}

#[test]
fn themes_render_in_their_colours() {
    for name in ["dark", "light", "high-contrast"] {
        let a = app(healthy_cluster(), name);
        let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
        t.draw(|f| agentdeck::ui::draw(f, &a)).unwrap();
        let bg = t.backend().buffer()[(60, 20)].bg;
        assert_eq!(bg, a.theme().background, "{name}");
    }
}

#[test]
fn no_panic_at_any_size() {
    let apps = [healthy(), incident()];
    for a in &apps {
        for w in (1..=120).step_by(7).chain([1, 2, 80, 300]) {
            for h in (1..=50).step_by(3).chain([1, 2, 24, 80]) {
                let _ = render(a, w, h);
            }
        }
    }
}

/// A restart plan, made as every plan is (the workload read, RBAC asked) on a simulated
/// cluster, by a connection that calls itself `context`.
async fn restart_plan(context: &str) -> Box<agentdeck::ops::Plan> {
    use agentdeck::ops::{Ops, Request, WorkloadRef, plan};
    let (sim, mut conn, dir) = common::sim_and_connection(common::preload(1.0)).await;
    conn.context = context.into();
    let cfg = agentdeck::config::Config {
        audit_log: Some(dir.path().join("audit.log")),
        ..Default::default()
    };
    let ops = Ops::new(conn, &cfg, std::time::Duration::from_secs(1));
    let req = Request::Restart {
        workload: WorkloadRef::deployment("ai-agent-service"),
        wait: true,
    };
    let p = plan(&ops, req).await.expect("the restart is planned");
    sim.stop().await;
    Box::new(p)
}

#[tokio::test]
async fn confirmation_names_namespace_and_context() {
    let mut a = healthy();
    let _ = update(&mut a, Msg::Planned(0, Ok(restart_plan("prod-eu").await)));
    insta::assert_snapshot!(render(&a, 80, 24));
}

#[tokio::test]
async fn a_plan_waits_behind_the_filter() {
    let mut a = healthy();
    let _ = update(&mut a, Msg::Key(key('/')));
    let _ = update(&mut a, Msg::Key(key('y')));
    let _ = update(&mut a, Msg::Planned(0, Ok(restart_plan("prod-eu").await)));
    let text = render(&a, 100, 30);
    let footer = text.lines().nth(29).unwrap();
    assert_eq!(
        footer,
        "/y▏  a confirmation is waiting: Enter or Esc to see it"
    );
    assert!(!text.contains("[y]"), "{text}");
}

#[test]
fn progress_shows_in_the_footer() {
    let mut a = healthy();
    a.op_status = Some("scale ai-agent-service: 4/5 ready".into());
    a.toast = None;
    let text = render(&a, 80, 24);
    assert_eq!(
        text.lines().nth(23).unwrap(),
        "⟳ scale ai-agent-service: 4/5 ready"
    );
}

/// The footer cells of `label` ("<s> scale"), with their style.

#[test]
fn writes_rbac_denies_are_greyed_out_in_the_footer() {
    use agentdeck::ops::{Operation, WorkloadKind};
    use ratatui::style::Modifier;
    let mut a = healthy();
    a.toast = None;
    let _ = update(
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
    let crossed = |s: ratatui::style::Style| s.add_modifier.contains(Modifier::CROSSED_OUT);
    assert!(crossed(screen::footer_style(&a, "<s>")), "scale is denied");
    assert!(
        !crossed(screen::footer_style(&a, "<r>")),
        "restart is allowed"
    );
    assert!(!crossed(screen::footer_style(&a, "<?>")));
    // Read-only greys out every write.
    a.permissions = agentdeck::ops::Permissions::new(true);
    assert!(crossed(screen::footer_style(&a, "<r>")) && crossed(screen::footer_style(&a, "<K>")));
    assert!(!crossed(screen::footer_style(&a, "<q>")));
}

#[test]
fn pods_of_a_workload_80x24() {
    insta::assert_snapshot!(render(&drilled(), 80, 24));
}

#[test]
fn pods_of_a_workload_200x50() {
    insta::assert_snapshot!(render(&drilled(), 200, 50));
}

/// The details of an OOM-killed pod (Enter on a pod), as read from the API.
fn pod_details() -> App {
    use agentdeck::app::pod_details::PodDetailsView;
    use agentdeck::app::views::View;
    use agentdeck::cluster::pod_details::{
        ConditionLine, ContainerDetails, EventLine, PodDetails, StateLine,
    };
    let mut a = drilled();
    let ago = |s: i64| Some(ts(NOW) - jiff::SignedDuration::from_secs(s));
    let cond = |t: &str, ok: bool, why: &str| ConditionLine {
        type_: t.into(),
        ok,
        status: if ok { "True" } else { "False" }.into(),
        why: why.into(),
        since: ago(300),
    };
    let d = PodDetails {
        name: "ai-agent-service-7d9f8-abcde".into(),
        namespace: "ai-agents".into(),
        phase: "Running".into(),
        node: "sim-node-1".into(),
        ip: "10.244.0.7".into(),
        qos: "Burstable".into(),
        created: ago(3600),
        deleting: None,
        conditions: vec![
            cond("PodScheduled", true, ""),
            cond("Initialized", true, ""),
            cond(
                "Ready",
                false,
                "ContainersNotReady: containers with unready status: [ai-agent]",
            ),
        ],
        containers: vec![ContainerDetails {
            name: "ai-agent".into(),
            image: "ghcr.io/holysheep/ai-agent:1.4.2".into(),
            ready: false,
            restarts: 6,
            state: StateLine {
                text: "Waiting: CrashLoopBackOff".into(),
                detail: "back-off 2m40s restarting failed container".into(),
                at: None,
                bad: true,
            },
            last: Some(StateLine {
                text: "Terminated: OOMKilled (exit 137)".into(),
                detail: String::new(),
                at: ago(45),
                bad: true,
            }),
            requests: "cpu 250m, memory 512Mi".into(),
            limits: "memory 2Gi".into(),
            init: false,
        }],
        events: vec![EventLine {
            warning: true,
            reason: "BackOff".into(),
            message: "Back-off restarting failed container ai-agent".into(),
            count: 12,
            last_seen: ago(20),
        }],
        owners: vec![
            "ReplicaSet ai-agent-service-7d9f8 (revision 3)".into(),
            "Deployment ai-agent-service".into(),
        ],
        notes: Vec::new(),
    };
    a.views.push(View::Pod(Box::new(PodDetailsView {
        pod: d.name.clone(),
        details: Some(Box::new(d)),
        error: None,
        asked: ts(NOW),
        scroll: 0,
    })));
    a
}

#[test]
fn pod_details_80x24() {
    insta::assert_snapshot!(render(&pod_details(), 80, 24));
}

#[test]
fn pod_details_200x50() {
    insta::assert_snapshot!(render(&pod_details(), 200, 50));
}

/// The FastAPI instrumentator's defaults: no tokens, 401s grouped into 4xx — the panels say
/// so in words, and 14 % 4xx is a problem with no key to press.
fn fastapi() -> App {
    stack_app("FastAPI instrumentator", |m| {
        let grouped =
            "this stack groups status codes (status=\"4xx\"): 401s cannot be told from other 4xx";
        m.tokens = Reading::Cannot("the FastAPI instrumentator counts HTTP requests, not tokens: add a token counter to the app and set prometheus.queries.tokens_per_second".into());
        m.unauthorized_ratio = Reading::Cannot(grouped.into());
        m.recent.unauthorized_ratio = Reading::Cannot(grouped.into());
        m.recent.rate_limited_ratio = Reading::Cannot(grouped.into());
        m.recent.client_error_ratio = Reading::Value(0.14);
        // Its buckets stop at 1 s: a p95 there is a lower bound.
        m.latency_cap_ms = Some(1000.0);
        m.p95_ms = Reading::Value(1000.0);
    })
}

/// vLLM behind its own HTTP layer: tokens of a self-hosted model (no price), no spend, the
/// serving pods' GPU time unpriced until `[cost] gpu_hour_price` is set.
fn vllm() -> App {
    stack_app("vLLM + FastAPI instrumentator", |m| {
        m.tokens = Reading::Value(vec![agentdeck::metrics::ModelRate {
            model: "deepseek-ai/DeepSeek-V3.2".into(),
            tokens_per_sec: 240.0,
        }]);
        m.spend = Reading::Cannot("vLLM reports no spend: set [cost] gpu_hour_price".into());
        let no_key = "vLLM serves the model itself: there is no provider key to reject";
        m.unauthorized_ratio = Reading::Cannot(no_key.into());
        m.recent.unauthorized_ratio = Reading::Cannot(no_key.into());
        m.recent.client_error_ratio = Reading::Value(0.0);
        m.servers = Reading::Value(3.0);
        m.sources = vec![(agentdeck::metrics::plan::Quantity::Servers, "vLLM".into())];
    })
}

#[test]
fn fastapi_stack_80x24() {
    insta::assert_snapshot!(render(&fastapi(), 80, 24));
}

#[test]
fn fastapi_stack_200x50() {
    insta::assert_snapshot!(render(&fastapi(), 200, 50));
}

#[test]
fn vllm_stack_80x24() {
    insta::assert_snapshot!(render(&vllm(), 80, 24));
}

#[test]
fn vllm_stack_200x50() {
    insta::assert_snapshot!(render(&vllm(), 200, 50));
}

fn agent(name: &str, rps: f64, p95: Option<f64>, err: Option<f64>) -> agentdeck::metrics::AgentRow {
    agentdeck::metrics::AgentRow {
        agent: name.into(),
        requests_per_sec: rps,
        p95_ms: p95,
        error_ratio: err,
    }
}

/// `A` on the dashboard, the view as `agents` left by `f`.
fn agents_view(stack: &str, f: impl Fn(&mut MetricsSnapshot)) -> App {
    let mut a = stack_app(stack, f);
    let _ = update(&mut a, Msg::Key(key('A')));
    a
}

/// The example stack: the writer agent is slow; its errors are per pod only, said so.
fn example_agents() -> App {
    agents_view("example stack", |m| {
        m.agents = Reading::Value(agentdeck::metrics::Agents {
            label: "agent".into(),
            rows: vec![
                agent("coder", 4.1, Some(1320.0), None),
                agent("writer", 3.6, Some(4850.0), None),
                agent("analyst", 2.5, Some(910.0), None),
            ],
            others: 0,
            notes: vec!["errors: cannot tell: the example stack counts status codes per pod, not per agent (http_requests_total has no agent label)".into()],
        });
    })
}

#[test]
fn agents_example_80x24() {
    insta::assert_snapshot!(render(&example_agents(), 80, 24));
}

#[test]
fn agents_example_200x50() {
    insta::assert_snapshot!(render(&example_agents(), 200, 50));
}

/// FastAPI's route template: one row for every agent, and the note says why.
#[test]
fn agents_fastapi_route_template_80x24() {
    let a = agents_view("FastAPI instrumentator", |m| {
        m.agents = Reading::Value(agentdeck::metrics::Agents {
            label: "handler".into(),
            rows: vec![
                agent("/agent/{agent_type}", 10.2, Some(2100.0), Some(0.14)),
                agent("/", 0.1, Some(3.0), Some(0.0)),
            ],
            others: 0,
            notes: vec![
                "/agent/{agent_type} is a route template: the agents behind it are counted as one"
                    .into(),
            ],
        });
    });
    insta::assert_snapshot!(render(&a, 80, 24));
}

/// A gateway cannot tell agents apart: a sentence, not an empty table.
#[test]
fn agents_litellm_cannot_80x24() {
    let a = agents_view("LiteLLM", |m| {
        m.agents =
            Reading::Cannot("LiteLLM sees models and API keys, not the agents that call it".into());
    });
    insta::assert_snapshot!(render(&a, 80, 24));
}

/// The provider fails its own probe: the strip says so (no key to press) and the latency
/// panel shows it beside the agents' p95.
#[test]
fn provider_probe_down_200x50() {
    let a = stack_app("example stack", |m| {
        m.recent.provider_up_ratio = Reading::Value(0.0);
        m.recent.provider_probe_ms = Reading::Value(2000.0);
    });
    insta::assert_snapshot!(render(&a, 200, 50));
}

/// The provider up: its probe time beside the p95.
#[test]
fn provider_probe_up_200x50() {
    let a = stack_app("example stack", |m| {
        m.recent.provider_up_ratio = Reading::Value(1.0);
        m.recent.provider_probe_ms = Reading::Value(180.0);
    });
    insta::assert_snapshot!(render(&a, 200, 50));
}

/// At 80 columns the strip keeps the severity, the title and the fix key; the evidence is
/// what gets shortened.
#[test]
fn the_fix_key_stays_visible_at_80x24() {
    let a = stack_app("example stack", |m| {
        m.recent.unauthorized_ratio = Reading::Value(1.0);
        m.unauthorized_ratio = Reading::Value(1.0);
    });
    let screen = render(&a, 80, 24);
    let strip = screen.lines().nth(1).unwrap();
    assert!(
        strip.starts_with("✖ Provider rejects the API key"),
        "{strip}"
    );
    assert!(strip.trim_end().ends_with("K rotate key"), "{strip}");
    insta::assert_snapshot!(screen);
}

/// Columns as wide as their largest value: 2500/2500 whole, at 80 columns too.
#[test]
fn large_counts_are_never_cut() {
    let mut c = healthy_cluster();
    c.workloads.push(workload("load-worker", 2500, 2500, None));
    c.workloads[2].restarts = 123_456;
    let a = app(c, "dark");
    for w in [80, 200] {
        let screen = render(&a, w, 50);
        let row = screen
            .lines()
            .find(|l| l.contains("load-worker"))
            .unwrap_or_else(|| panic!("{screen}"));
        assert!(row.contains("2500/2500"), "{w}: {row}");
        assert!(
            row.contains("0/2500/0") && row.contains("123456"),
            "{w}: {row}"
        );
    }
}

/// A first list of pods still coming in from a loaded API server: counted as it arrives,
/// and no "no problems" verdict before it is read to the end.
#[test]
fn pods_listing_80x24() {
    let mut c = healthy_cluster();
    c.pods_listing = Some(6500);
    let a = app(c, "dark");
    let screen = render(&a, 80, 24);
    assert!(!screen.contains("no problems"), "{screen}");
    insta::assert_snapshot!(screen);
}
