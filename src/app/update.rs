//! `update`: the one place that changes the App. Returns whether anything visible changed
//! (so the loop redraws only then) and the effects for the event loop to carry out.

use crossterm::event::{KeyCode, KeyEvent};
use jiff::Timestamp;

use super::dialogs;
use super::keymap::{Action, Scope};
use super::{App, Effect, Mode, Msg};
use crate::cluster::{ClusterEvent, Connection};
use crate::metrics::MetricsSnapshot;
use crate::metrics::cost::cost;

/// How long a toast stays, seconds.
const TOAST_SECS: i64 = 6;

/// Apply `msg`; returns (redraw needed, effects).
pub fn update(app: &mut App, msg: Msg) -> (bool, Vec<Effect>) {
    let mut fx = Vec::new();
    let current = app.generation;
    let redraw = match msg {
        Msg::Key(k) => {
            key(app, k, &mut fx);
            true
        }
        Msg::Paste(text) => {
            let changed = super::input::paste(app, &text);
            clamp_selection(app);
            changed
        }
        Msg::Wheel(down) => super::mouse::wheel(app, down),
        Msg::Click(c) => super::mouse::click(app, c),
        Msg::Resize => true,
        Msg::Tick(now) => {
            let changed = tick(app, now);
            super::pod_details::tick(app, &mut fx);
            super::timeline_view::tick(app, &mut fx);
            super::fleet::tick(app, &mut fx);
            changed || app.fleet_shown()
        }
        Msg::Metrics(m) => {
            metrics(app, *m, &mut fx);
            true
        }
        Msg::Onset { ns, id, at } => onset(app, &ns, &id, at),
        Msg::Fleet(m) => {
            fleet_msg(app, m);
            true
        }
        Msg::Alerts(r) => {
            let shown = app.namespace.clone();
            app.alerts.receive(&shown, *r)
        }
        // Anything a task of an older connection says is dropped...
        Msg::Cluster(g, _)
        | Msg::Permissions(g, _)
        | Msg::Planned(g, _)
        | Msg::Progress(g, _)
        | Msg::PodDetails(g, _, _)
        | Msg::Timeline(g, _)
            if g != current =>
        {
            false
        }
        Msg::Cluster(_, ev) => cluster(app, ev),
        Msg::Permissions(_, p) => {
            app.permissions.answered(p);
            true
        }
        Msg::Planned(_, r) => {
            dialogs::planned(app, r);
            true
        }
        Msg::Progress(_, p) => {
            app.op_status = Some(p.to_string());
            true
        }
        // ...except how a confirmed write ended: it ran where it was confirmed.
        Msg::Done {
            generation,
            place,
            result,
        } => {
            let earlier = (generation != current).then_some(place.as_str());
            dialogs::done(app, earlier, result);
            true
        }
        Msg::PodDetails(_, pod, r) => super::pod_details::answered(app, &pod, r),
        Msg::Logs(id, ev) => super::logs_view::on_event(app, id, ev),
        Msg::Timeline(_, t) => super::timeline_view::answered(app, t),
        Msg::Connected(seq, _) if seq != app.connect_seq => false,
        Msg::Connected(_, r) => {
            connected(app, r, &mut fx);
            true
        }
    };
    after(app, &mut fx);
    (redraw, fx)
}

/// After every message: a plan that waited is shown, a quit is noted, refusals go to the
/// audit log.
fn after(app: &mut App, fx: &mut Vec<Effect>) {
    dialogs::show_waiting_plan(app);
    if fx.iter().any(|e| matches!(e, Effect::Quit)) {
        app.quit = true;
    }
    fx.extend(
        app.refused
            .drain(..)
            .map(|(operation, target, why)| Effect::AuditRefusal {
                operation,
                target,
                why,
            }),
    );
}

fn tick(app: &mut App, now: Timestamp) -> bool {
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

fn fleet_msg(app: &mut App, m: super::msg::FleetMsg) {
    use super::msg::FleetMsg;
    match m {
        FleetMsg::Started {
            contexts,
            linger_secs,
        } => super::fleet::started(app, Ok(contexts), linger_secs),
        FleetMsg::Unavailable(why) => super::fleet::started(app, Err(why), 0.0),
        FleetMsg::Row(r) => {
            if let Some(f) = app.fleet.as_mut() {
                f.update(*r);
            }
        }
    }
}

/// When metric problem `id` started in namespace `ns` (Prometheus' history), if known.
fn onset(app: &mut App, ns: &str, id: &str, at: Option<Timestamp>) -> bool {
    match at.filter(|_| ns == app.namespace) {
        Some(at) => {
            app.backdate(id, at);
            true
        }
        None => false,
    }
}

/// A metrics snapshot: shown, its problems detected; a new metric problem's onset asked.
fn metrics(app: &mut App, m: MetricsSnapshot, fx: &mut Vec<Effect>) {
    apply_metrics(app, m);
    for id in app.onsets_to_ask() {
        fx.push(Effect::Onset {
            ns: app.namespace.clone(),
            id,
        });
    }
}

fn apply_metrics(app: &mut App, mut m: MetricsSnapshot) {
    if app.fleet.is_some() {
        // Each cluster of the fleet has its own source.
        app.metrics_origin = m.origin.clone();
    }
    let c = crate::metrics::of_snapshot(&m, &app.prices, app.gpu_hour_price);
    let for_history = c.clone().unwrap_or_else(|| cost(&[], &app.prices));
    app.history.push(&m, &for_history);
    // The window read back from Prometheus, merged after the live point so that one wins
    // at the same time; a late one for another namespace is dropped. Each past point is
    // priced like a live one.
    if let Some(b) = m.backfill.take()
        && b.namespace == app.namespace
    {
        let tolerance = jiff::SignedDuration::try_from(b.step / 2).unwrap_or_default();
        let prices = &app.prices;
        app.history.merge(&b.points, tolerance, |rates| {
            cost(rates, prices).usd_per_hour
        });
    }
    app.cost = c;
    app.metrics = Some(m);
    app.refresh_problems();
}

fn cluster(app: &mut App, ev: ClusterEvent) -> bool {
    match ev {
        // A snapshot of another namespace (a late one from before `:ns`) is never shown.
        ClusterEvent::Snapshot(s) if s.namespace != app.namespace => false,
        // A snapshot does not clear "stale": only the probe's Recovered does, so the header
        // does not flip back and forth while the server half answers.
        ClusterEvent::Snapshot(s) => {
            app.cluster = Some(*s);
            app.cluster_at = Some(app.now);
            clamp_selection(app);
            super::views::clamp(app);
            app.refresh_problems();
            true
        }
        ClusterEvent::Recovered => app.cluster_error.take().is_some(),
        ClusterEvent::Error(e) => {
            let since = app
                .cluster_error
                .as_ref()
                .map(|(_, t)| *t)
                .unwrap_or(app.now);
            let changed = app.cluster_error.as_ref().map(|(m, _)| m) != Some(&e);
            app.cluster_error = Some((e, since));
            changed
        }
    }
}

/// A switch landed: a new generation; everything shown of the old connection goes, and so
/// does a plan made on it that was not confirmed yet.
fn connected(
    app: &mut App,
    r: Result<Connection, std::sync::Arc<crate::cluster::connect::ConnectError>>,
    fx: &mut Vec<Effect>,
) {
    app.switching = None;
    let conn = match r {
        Ok(c) => c,
        Err(e) => {
            app.toast(format!("switch failed: {e}"), true);
            super::fleet::not_dived(app);
            return;
        }
    };
    super::fleet::dived(app, &conn.context);
    app.generation += 1;
    // In the fleet each cluster has its own metrics: another context's are not these.
    let other_cluster = app.fleet.is_some() && app.context != conn.context;
    if app.namespace != conn.namespace || other_cluster {
        // The metrics are scoped by namespace: the old one's history is not this one's.
        app.history.clear();
        app.metrics = None;
        app.cost = None;
    }
    app.context = conn.context.clone();
    app.namespace = conn.namespace.clone();
    app.cluster = None;
    app.cluster_at = None;
    app.cluster_error = None;
    app.permissions.forget();
    app.forget_problems();
    app.selected = 0;
    app.close_views(fx);
    let dropped = match std::mem::replace(&mut app.mode, Mode::Normal) {
        Mode::Confirm { plan, .. } => Some(plan),
        other => {
            app.mode = other;
            app.waiting_plan.take()
        }
    };
    match dropped {
        Some(plan) => app.toast(
            format!(
                "{} not asked: the connection changed; nothing was sent",
                plan.operation().name()
            ),
            true,
        ),
        None => app.toast(
            format!("context {}, namespace {}", conn.context, conn.namespace),
            false,
        ),
    }
    if app.op_status.is_some() {
        // A write confirmed before the switch goes on where it was confirmed; only its
        // result is still shown.
        app.op_status = Some("a write is still running on the earlier connection…".into());
    }
    fx.push(Effect::Attach {
        generation: app.generation,
        conn,
    });
}

fn clamp_selection(app: &mut App) {
    let n = app.visible().len();
    if app.selected >= n {
        app.selected = n.saturating_sub(1);
    }
}

fn key(app: &mut App, k: KeyEvent, fx: &mut Vec<Effect>) {
    // The global bindings (Ctrl-C) work in every mode; `q` is text in a dialog.
    if app.keymap.action_for(&k, Scope::Global) == Some(Action::Quit) {
        fx.push(Effect::Quit);
        return;
    }
    match app.mode.clone() {
        Mode::Filter => filter_key(app, k),
        Mode::Command(line) => command_key(app, line, k, fx),
        Mode::Help | Mode::Problems => {
            if matches!(
                app.keymap.action_for(&k, Scope::Normal),
                Some(Action::Help | Action::Problems | Action::Back | Action::Quit)
            ) {
                app.mode = Mode::Normal;
            }
        }
        Mode::ScaleInput { workload, input } => {
            dialogs::scale_input_key(app, workload, input, k, fx)
        }
        Mode::Confirm { question, plan } => dialogs::confirm_key(app, question, plan, k, fx),
        Mode::KeyInput { input } => dialogs::key_input_key(app, input, k, fx),
        Mode::SilenceInput { alertname, input } => {
            dialogs::silence_input_key(app, alertname, input, k, fx)
        }
        Mode::Normal => normal(app, k, fx),
    }
    clamp_selection(app);
}

fn filter_key(app: &mut App, k: KeyEvent) {
    match (app.keymap.action_for(&k, Scope::Dialog), k.code) {
        (Some(Action::Cancel), _) => {
            app.filter.clear();
            app.mode = Mode::Normal;
        }
        (Some(Action::Submit), _) => app.mode = Mode::Normal,
        (Some(Action::Erase), _) => {
            app.filter.pop();
        }
        (_, KeyCode::Char(c)) => {
            if super::input::append(
                &mut app.filter,
                std::iter::once(c),
                super::input::LINE_LIMIT,
            ) {
                app.selected = 0;
            } else {
                app.toast(
                    format!(
                        "the filter holds at most {} characters",
                        super::input::LINE_LIMIT
                    ),
                    true,
                );
            }
        }
        _ => {}
    }
}

fn command_key(app: &mut App, mut line: String, k: KeyEvent, fx: &mut Vec<Effect>) {
    match (app.keymap.action_for(&k, Scope::Dialog), k.code) {
        (Some(Action::Cancel), _) => app.mode = Mode::Normal,
        (Some(Action::Submit), _) => {
            app.mode = Mode::Normal;
            command(app, line.trim(), fx);
        }
        (Some(Action::Erase), _) => {
            line.pop();
            app.mode = Mode::Command(line);
        }
        (_, KeyCode::Char(c)) => {
            if !super::input::append(&mut line, std::iter::once(c), super::input::LINE_LIMIT) {
                app.toast(
                    format!(
                        "the command line holds at most {} characters",
                        super::input::LINE_LIMIT
                    ),
                    true,
                );
            }
            app.mode = Mode::Command(line);
        }
        _ => {}
    }
}

fn normal(app: &mut App, k: KeyEvent, fx: &mut Vec<Effect>) {
    let n = app.visible().len();
    if app.fleet_shown() {
        super::fleet::key(app, k, fx);
        return;
    }
    if super::views::key(app, k, fx) {
        return;
    }
    let action = app.keymap.action_for(&k, Scope::Normal);
    match action {
        Some(Action::Quit) => fx.push(Effect::Quit),
        Some(Action::Help) => app.mode = Mode::Help,
        Some(Action::Problems) => app.mode = Mode::Problems,
        Some(Action::Filter) => app.mode = Mode::Filter,
        Some(Action::Command) => app.mode = Mode::Command(String::new()),
        Some(Action::Up) => app.selected = app.selected.saturating_sub(1),
        Some(Action::Down) => app.selected = (app.selected + 1).min(n.saturating_sub(1)),
        Some(Action::Top) => app.selected = 0,
        Some(Action::Bottom) => app.selected = n.saturating_sub(1),
        Some(Action::CycleTheme) => {
            app.theme = (app.theme + 1) % app.themes.len().max(1);
            let name = app.theme().name.clone();
            app.toast(format!("theme: {name}"), false);
        }
        Some(Action::Back) => {
            if app.filter.is_empty() && super::fleet::leave(app) {
                return;
            }
            app.filter.clear();
            app.toast = None;
        }
        Some(Action::Scale) => dialogs::start_scale(app),
        Some(Action::Restart) => dialogs::start_restart(app, fx),
        Some(Action::RotateKey) => dialogs::start_rotate(app),
        Some(Action::Open) => super::views::open_pods(app),
        Some(Action::Logs) => {
            if let Some(w) = app.selected_workload() {
                let target = crate::cluster::logs::LogTarget::Workload(w.reference());
                super::logs_view::open(app, target, fx);
            }
        }
        Some(Action::Timeline) => super::timeline_view::open(app, fx),
        Some(Action::Agents) => super::views::agents_view::open(app),
        Some(Action::Alerts) => super::views::alerts_view::open(app),
        Some(Action::Silence) => super::views::alerts_view::start_silence(app),
        Some(Action::Expire) => super::views::alerts_view::start_expire(app, fx),
        Some(Action::RaiseMemory) => super::fixes::start_memory(app, fx),
        Some(Action::Restore) => super::fixes::start_restore(app, fx),
        _ => {}
    }
}

/// `:ctx NAME`, `:ns NAME`, `:theme NAME`, `:deploy [force]`, `:rotate-key`, `:q`.
fn command(app: &mut App, line: &str, fx: &mut Vec<Effect>) {
    let mut parts = line.split_whitespace();
    let cmd = parts.next().unwrap_or("");
    let arg = parts.next();
    match (cmd, arg) {
        ("", _) => {}
        ("q" | "quit" | "q!", _) => fx.push(Effect::Quit),
        ("ctx" | "context", Some(name)) => {
            if !app.contexts.is_empty() && !app.contexts.iter().any(|c| c == name) {
                let known = app.contexts.join(", ");
                app.toast(
                    format!("no context {name:?} in the kubeconfig (known: {known})"),
                    true,
                );
            } else {
                super::switch::switch(app, Some(name.to_string()), None, fx);
            }
        }
        ("ns" | "namespace", Some(name)) => {
            super::switch::switch(app, None, Some(name.to_string()), fx)
        }
        ("fleet", _) => super::fleet::open(app, fx),
        ("rotate-key" | "rotate", _) => dialogs::start_rotate(app),
        ("deploy", arg) => dialogs::start_deploy(
            app,
            matches!(arg, Some("force" | "--force" | "--force-conflicts")),
            fx,
        ),
        ("theme", Some(name)) => theme(app, name),
        ("ctx" | "context" | "ns" | "namespace" | "theme", None) => {
            app.toast(format!(":{cmd} needs a name, e.g. :{cmd} NAME"), true)
        }
        (other, _) => app.toast(
            format!(
                "unknown command :{other} (try :ctx, :ns, :fleet, :theme, :deploy, :rotate-key, :q)"
            ),
            true,
        ),
    }
}

fn theme(app: &mut App, name: &str) {
    match app.themes.iter().position(|t| t.name == name) {
        Some(i) => {
            app.theme = i;
            app.toast(format!("theme: {name}"), false);
        }
        None => {
            let names: Vec<&str> = app.themes.iter().map(|t| t.name.as_str()).collect();
            app.toast(
                format!("no theme {name:?} (available: {})", names.join(", ")),
                true,
            );
        }
    }
}

#[cfg(test)]
#[path = "update_tests.rs"]
mod tests;
