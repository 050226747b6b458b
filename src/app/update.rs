//! `update`: the one place that changes the App. Returns whether anything visible changed
//! (so the loop redraws only then) and the effects for the event loop to carry out.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;

use super::keymap::{Action, action_for};
use super::{App, Mode, Toast};
use crate::cluster::ClusterEvent;
use crate::metrics::MetricsSnapshot;
use crate::metrics::cost::cost;

/// Everything that can happen to the App.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Resize,
    Cluster(ClusterEvent),
    Metrics(Box<MetricsSnapshot>),
    /// The slow clock tick (ages, toasts).
    Tick(Timestamp),
    /// RBAC answers for the dashboard's actions: (action, Some(reason) when denied).
    Permissions(Vec<(&'static str, Option<String>)>),
    /// A write was planned and checked: ask for confirmation.
    Planned(String, super::ops::PendingOp),
    /// Progress of the running write.
    OpProgress(String),
    /// The write finished: Ok(summary) or Err(reason).
    OpDone(Result<String, String>),
}

/// What the event loop must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
    SwitchContext(String),
    SwitchNamespace(String),
    /// Plan (and check) a scale; answers with Msg::Planned or Msg::OpDone(Err).
    PlanScale {
        deployment: String,
        replicas: String,
    },
    /// Carry out a confirmed write.
    Run(super::ops::PendingOp),
    /// Check a new key and plan its rotation; answers with Msg::Planned or OpDone(Err).
    PlanRotate(crate::secret::Secret),
    /// Plan a deploy of the bundled stack (server-side dry run); `force` takes over fields
    /// other managers own.
    PlanDeploy {
        force: bool,
    },
}

/// How long a toast stays, seconds.
const TOAST_SECS: i64 = 6;

/// Apply `msg`; returns (redraw needed, effects).
pub fn update(app: &mut App, msg: Msg) -> (bool, Vec<Effect>) {
    let mut fx = Vec::new();
    let redraw = match msg {
        Msg::Key(k) => {
            key(app, k, &mut fx);
            true
        }
        Msg::Resize => true,
        Msg::Cluster(ClusterEvent::Snapshot(s)) => {
            app.cluster = Some(*s);
            app.cluster_at = Some(app.now);
            app.cluster_error = None;
            clamp_selection(app);
            true
        }
        Msg::Cluster(ClusterEvent::Error(e)) => {
            let since = app
                .cluster_error
                .as_ref()
                .map(|(_, t)| *t)
                .unwrap_or(app.now);
            let changed = app.cluster_error.as_ref().map(|(m, _)| m) != Some(&e);
            app.cluster_error = Some((e, since));
            changed
        }
        Msg::Metrics(m) => {
            let c = m.tokens.value().map(|rates| cost(rates, &app.prices));
            let for_history = c.clone().unwrap_or_else(|| cost(&[], &app.prices));
            app.history.push(&m, &for_history);
            app.cost = c;
            app.metrics = Some(*m);
            true
        }
        Msg::Permissions(p) => {
            app.denied = p.into_iter().filter_map(|(a, r)| Some((a, r?))).collect();
            true
        }
        Msg::Planned(question, op) => {
            app.op_status = None;
            app.mode = Mode::Confirm { question, op };
            true
        }
        Msg::OpProgress(p) => {
            app.op_status = Some(p);
            true
        }
        Msg::OpDone(r) => {
            app.op_status = None;
            match r {
                Ok(m) => toast(app, m, false),
                Err(e) => toast(app, e, true),
            }
            true
        }
        Msg::Tick(now) => {
            let before = (app.now.as_second(), app.toast.is_some());
            app.now = now;
            if app
                .toast
                .as_ref()
                .is_some_and(|t| now.as_second() - t.at.as_second() >= TOAST_SECS)
            {
                app.toast = None;
            }
            // Ages are shown in whole seconds: redraw only when one changes.
            before != (now.as_second(), app.toast.is_some())
        }
    };
    if fx.contains(&Effect::Quit) {
        app.quit = true;
    }
    (redraw, fx)
}

fn clamp_selection(app: &mut App) {
    let n = app.visible().len();
    if app.selected >= n {
        app.selected = n.saturating_sub(1);
    }
}

fn toast(app: &mut App, text: impl Into<String>, error: bool) {
    app.toast = Some(Toast {
        text: text.into(),
        error,
        at: app.now,
    });
}

fn key(app: &mut App, k: KeyEvent, fx: &mut Vec<Effect>) {
    if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
        fx.push(Effect::Quit);
        return;
    }
    match app.mode.clone() {
        Mode::Filter => match k.code {
            KeyCode::Esc => {
                app.filter.clear();
                app.mode = Mode::Normal;
            }
            KeyCode::Enter => app.mode = Mode::Normal,
            KeyCode::Backspace => {
                app.filter.pop();
            }
            KeyCode::Char(c) => {
                app.filter.push(c);
                app.selected = 0;
            }
            _ => {}
        },
        Mode::Command(mut line) => match k.code {
            KeyCode::Esc => app.mode = Mode::Normal,
            KeyCode::Enter => {
                app.mode = Mode::Normal;
                command(app, line.trim(), fx);
            }
            KeyCode::Backspace => {
                line.pop();
                app.mode = Mode::Command(line);
            }
            KeyCode::Char(c) => {
                line.push(c);
                app.mode = Mode::Command(line);
            }
            _ => {}
        },
        Mode::Help => {
            if matches!(
                action_for(&k),
                Some(Action::Help | Action::Back | Action::Quit)
            ) {
                app.mode = Mode::Normal;
            }
        }
        Mode::ScaleInput { deployment, input } => {
            super::ops::scale_input_key(app, deployment, input, k, fx)
        }
        Mode::Confirm { question, op } => super::ops::confirm_key(app, question, op, k, fx),
        Mode::KeyInput { input } => super::ops::key_input_key(app, input, k, fx),
        Mode::Normal => normal(app, k, fx),
    }
    clamp_selection(app);
}

fn normal(app: &mut App, k: KeyEvent, fx: &mut Vec<Effect>) {
    let n = app.visible().len();
    match action_for(&k) {
        Some(Action::Quit) => fx.push(Effect::Quit),
        Some(Action::Help) => app.mode = Mode::Help,
        Some(Action::Filter) => app.mode = Mode::Filter,
        Some(Action::Command) => app.mode = Mode::Command(String::new()),
        Some(Action::Up) => app.selected = app.selected.saturating_sub(1),
        Some(Action::Down) => app.selected = (app.selected + 1).min(n.saturating_sub(1)),
        Some(Action::Top) => app.selected = 0,
        Some(Action::Bottom) => app.selected = n.saturating_sub(1),
        Some(Action::CycleTheme) => {
            app.theme = (app.theme + 1) % app.themes.len().max(1);
            let name = app.theme().name.clone();
            toast(app, format!("theme: {name}"), false);
        }
        Some(Action::Back) => {
            app.filter.clear();
            app.toast = None;
        }
        Some(Action::Scale) => super::ops::start_scale(app),
        Some(Action::Restart) => super::ops::start_restart(app),
        Some(Action::RotateKey) => super::ops::start_rotate(app),
        None => {}
    }
}

/// `:ctx NAME`, `:ns NAME`, `:theme NAME`, `:q`.
fn command(app: &mut App, line: &str, fx: &mut Vec<Effect>) {
    let mut parts = line.split_whitespace();
    let cmd = parts.next().unwrap_or("");
    let arg = parts.next();
    match (cmd, arg) {
        ("", _) => {}
        ("q" | "quit" | "q!", _) => fx.push(Effect::Quit),
        ("ctx" | "context", Some(name)) => {
            if !app.contexts.is_empty() && !app.contexts.iter().any(|c| c == name) {
                toast(
                    app,
                    format!(
                        "no context {name:?} in the kubeconfig (known: {})",
                        app.contexts.join(", ")
                    ),
                    true,
                );
            } else {
                toast(app, format!("switching to context {name}…"), false);
                fx.push(Effect::SwitchContext(name.to_string()));
            }
        }
        ("ns" | "namespace", Some(name)) => {
            toast(app, format!("switching to namespace {name}…"), false);
            fx.push(Effect::SwitchNamespace(name.to_string()));
        }
        ("rotate-key" | "rotate", _) => super::ops::start_rotate(app),
        ("deploy", arg) => super::ops::start_deploy(
            app,
            matches!(arg, Some("force" | "--force" | "--force-conflicts")),
            fx,
        ),
        ("theme", Some(name)) => match app.themes.iter().position(|t| t.name == name) {
            Some(i) => {
                app.theme = i;
                toast(app, format!("theme: {name}"), false);
            }
            None => {
                let names: Vec<&str> = app.themes.iter().map(|t| t.name.as_str()).collect();
                toast(
                    app,
                    format!("no theme {name:?} (available: {})", names.join(", ")),
                    true,
                );
            }
        },
        ("ctx" | "context" | "ns" | "namespace" | "theme", None) => {
            toast(app, format!(":{cmd} needs a name, e.g. :{cmd} NAME"), true)
        }
        (other, _) => toast(
            app,
            format!("unknown command :{other} (try :ctx, :ns, :theme, :q)"),
            true,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Settings;
    use crate::metrics::{MetricsSource, ModelRate, Reading};
    use crossterm::event::KeyEvent;

    fn app() -> App {
        App::new(
            Settings {
                context: "a".into(),
                namespace: "ns".into(),
                contexts: vec!["a".into(), "b".into()],
                metrics_source: MetricsSource::Simulated,
                prices: crate::config::default_models(),
                history_minutes: 10,
                themes: crate::theme::Theme::bundled(),
                theme: "dark".into(),
                read_only: false,
            },
            "2026-11-26T12:00:00Z".parse().unwrap(),
        )
    }

    fn keys(a: &mut App, s: &str) -> Vec<Effect> {
        let mut fx = Vec::new();
        for c in s.chars() {
            let k = match c {
                '\n' => KeyEvent::from(KeyCode::Enter),
                '\x1b' => KeyEvent::from(KeyCode::Esc),
                c => KeyEvent::from(KeyCode::Char(c)),
            };
            fx.extend(update(a, Msg::Key(k)).1);
        }
        fx
    }

    #[test]
    fn commands_switch_context_namespace_and_theme() {
        let mut a = app();
        assert_eq!(
            keys(&mut a, ":ns load-1\n"),
            vec![Effect::SwitchNamespace("load-1".into())]
        );
        assert_eq!(
            keys(&mut a, ":ctx b\n"),
            vec![Effect::SwitchContext("b".into())]
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
        assert_eq!(keys(&mut a, "q"), vec![Effect::Quit]);
        assert!(a.quit);
    }

    #[test]
    fn filter_edits_and_esc_clears() {
        let mut a = app();
        keys(&mut a, "/red");
        assert_eq!(a.mode, Mode::Filter);
        assert_eq!(a.filter, "red");
        keys(&mut a, "\x1b");
        assert_eq!(a.mode, Mode::Normal);
        assert!(a.filter.is_empty());
        keys(&mut a, "?");
        assert_eq!(a.mode, Mode::Help);
        keys(&mut a, "\x1b");
        assert_eq!(a.mode, Mode::Normal);
    }

    fn with_workload(mut a: App) -> App {
        let w = crate::cluster::snapshot::Workload {
            name: "web".into(),
            desired: 3,
            ready: 3,
            ..Default::default()
        };
        let snap = crate::cluster::ClusterSnapshot {
            workloads: vec![w],
            ..Default::default()
        };
        update(&mut a, Msg::Cluster(ClusterEvent::Snapshot(Box::new(snap))));
        a
    }

    #[test]
    fn restart_asks_then_runs() {
        let mut a = with_workload(app());
        keys(&mut a, "r");
        assert!(
            matches!(&a.mode, Mode::Confirm { question, .. } if question.contains("rollout restart deployment web"))
        );
        assert!(keys(&mut a, "n").is_empty());
        assert_eq!(a.mode, Mode::Normal);
        keys(&mut a, "r");
        let fx = keys(&mut a, "y");
        assert_eq!(
            fx,
            vec![Effect::Run(crate::app::ops::PendingOp::Restart {
                deployment: "web".into()
            })]
        );
        assert!(a.op_status.is_some());
        update(&mut a, Msg::OpDone(Ok("rolled out".into())));
        assert!(a.op_status.is_none());
        assert_eq!(a.toast.as_ref().unwrap().text, "rolled out");
    }

    #[test]
    fn scale_input_is_checked_before_planning() {
        let mut a = with_workload(app());
        keys(&mut a, "s");
        assert!(matches!(&a.mode, Mode::ScaleInput { input, .. } if input == "3"));
        keys(&mut a, "\x08");
        let k = KeyEvent::from(KeyCode::Backspace);
        update(&mut a, Msg::Key(k));
        keys(&mut a, "-1\n");
        assert!(
            matches!(a.mode, Mode::ScaleInput { .. }),
            "bad input keeps the dialog"
        );
        assert!(a.toast.as_ref().unwrap().error);
        update(&mut a, Msg::Key(KeyEvent::from(KeyCode::Backspace)));
        update(&mut a, Msg::Key(KeyEvent::from(KeyCode::Backspace)));
        let fx = keys(&mut a, "7\n");
        assert_eq!(
            fx,
            vec![Effect::PlanScale {
                deployment: "web".into(),
                replicas: "7".into()
            }]
        );
    }

    #[test]
    fn read_only_and_rbac_refuse_before_asking() {
        let mut a = with_workload(app());
        a.read_only = true;
        keys(&mut a, "r");
        assert_eq!(a.mode, Mode::Normal);
        assert!(a.toast.as_ref().unwrap().text.contains("read-only"));
        a.read_only = false;
        update(
            &mut a,
            Msg::Permissions(vec![
                ("scale", Some("patch deployments/scale is denied".into())),
                ("restart", None),
            ]),
        );
        keys(&mut a, "s");
        assert_eq!(a.mode, Mode::Normal);
        assert!(a.toast.as_ref().unwrap().text.contains("not allowed"));
        keys(&mut a, "r");
        assert!(matches!(a.mode, Mode::Confirm { .. }));
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
            source: MetricsSource::Simulated,
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
        };
        update(&mut a, Msg::Metrics(Box::new(m)));
        // 100 tokens/s × 3600 × $8 / 1e6 = $2.88 per hour.
        assert!((a.cost.as_ref().unwrap().usd_per_hour - 2.88).abs() < 1e-9);
        assert_eq!(a.history.len(), 1);
        assert_eq!(a.history.latest().unwrap().p95_ms, None, "no data is not 0");
    }
}
