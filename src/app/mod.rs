//! The application state and its one mutator, `update`. No I/O, no terminal: the event
//! loop feeds messages in and carries the effects out.

pub mod alerts;
pub mod bindings;
pub mod dialogs;
pub mod fixes;
pub mod fleet;
pub mod input;
pub mod keymap;
pub mod keyname;
pub mod mouse;
pub mod msg;
pub mod switch;
#[cfg(test)]
mod testing;
pub mod update;
pub mod views;

pub use views::{agents_view, logs_view, pod_details, timeline_view};

use jiff::Timestamp;

use crate::cluster::ClusterSnapshot;
use crate::cluster::model::ContainerView;
use crate::config::{ModelPrice, ProblemsConfig, StackConfig};
use crate::metrics::cost::Cost;
use crate::metrics::history::History;
use crate::metrics::{MetricsOrigin, MetricsSnapshot};
use crate::ops::{Operation, Permissions, Plan, WorkloadRef};
use crate::problems::{Cleared, Problem, Tracker};
use crate::theme::Theme;

pub use msg::{Click, Effect, Msg};
pub use update::update;

/// Input mode.
#[derive(Debug, Clone)]
pub enum Mode {
    Normal,
    /// Editing the filter.
    Filter,
    /// Typing a `:` command.
    Command(String),
    Help,
    /// Every problem in full (`P`).
    Problems,
    /// Typing the replica count for `s` on a workload.
    ScaleInput {
        workload: WorkloadRef,
        input: String,
    },
    /// A planned write waiting for y/n; it runs on the plan's own connection.
    Confirm {
        question: String,
        plan: Box<Plan>,
    },
    /// Typing a new API key (shown as dots; never printed).
    KeyInput {
        input: crate::secret::Secret,
    },
    /// Typing how long to silence `alertname`, and why ("2h rotating the key").
    SilenceInput {
        alertname: String,
        input: String,
    },
}

/// A message shown in the footer for a while.
#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub text: String,
    pub error: bool,
    pub at: Timestamp,
}

/// Everything the screen shows. `ui::draw` renders it; only `update` changes it.
pub struct App {
    pub now: Timestamp,
    /// The time zone clocks on screen are shown in (the system's; tests fix it).
    pub tz: jiff::tz::TimeZone,
    pub context: String,
    pub namespace: String,
    /// Bumped by every context or namespace switch; messages of older ones are dropped.
    pub generation: u64,
    /// Number of the latest `Effect::Connect`; older answers are dropped.
    pub connect_seq: u64,
    /// Where a switch is going while it connects ("context b, namespace x").
    pub switching: Option<String>,
    pub contexts: Vec<String>,
    pub prices: Vec<ModelPrice>,
    /// `[cost] gpu_hour_price`.
    pub gpu_hour_price: Option<f64>,
    pub cluster: Option<ClusterSnapshot>,
    /// When the last snapshot arrived.
    pub cluster_at: Option<Timestamp>,
    /// The watch error since the last good snapshot, and since when.
    pub cluster_error: Option<(String, Timestamp)>,
    pub metrics_origin: MetricsOrigin,
    pub metrics: Option<MetricsSnapshot>,
    pub cost: Option<Cost>,
    pub history: History,
    /// Index into the filtered workloads.
    pub selected: usize,
    /// The screens over the dashboard (pods, a pod's details, logs, timeline); `Esc` pops.
    pub views: Vec<views::View>,
    /// Number of the latest log stream asked for; events of older ones are dropped.
    pub log_seq: u64,
    pub filter: String,
    pub mode: Mode,
    pub themes: Vec<Theme>,
    pub theme: usize,
    pub toast: Option<Toast>,
    /// The write policy and what RBAC denies here (per operation and kind of workload):
    /// refused keys are greyed out in the footer, and pressing one says why.
    pub permissions: Permissions,
    /// The running operation's latest progress line (shown in the footer).
    pub op_status: Option<String>,
    /// A plan that arrived while a text input was open: it waits until the input closes.
    pub waiting_plan: Option<Box<Plan>>,
    /// Writes refused before they were planned (read-only, RBAC), for the audit log: the
    /// dashboard's refusals are audited as the CLI's are.
    pub refused: Vec<(&'static str, String, crate::ops::OpError)>,
    /// What the problems strip shows, most severe first, and what just cleared.
    pub problems: Vec<Problem>,
    /// The checks the metrics cannot make now, and why.
    pub blind: Vec<crate::problems::BlindSpot>,
    pub cleared: Vec<Cleared>,
    pub runbook: Runbook,
    /// Alertmanager's (or Prometheus') alerts for the namespace shown.
    pub alerts: alerts::AlertsState,
    /// The fleet view (`--all-contexts`, `--contexts`, `:fleet`), when open.
    pub fleet: Option<fleet::FleetState>,
    /// The keys in force (the defaults patched by the config's `[keys]`).
    pub keymap: bindings::Keymap,
    tracker: Tracker,
    /// The metric problems whose onset was asked of Prometheus (once each).
    onsets_asked: std::collections::BTreeSet<String>,
    pub quit: bool,
}

/// What problem detection needs besides the snapshots.
#[derive(Debug, Clone)]
pub struct Runbook {
    pub stack: StackConfig,
    pub cfg: ProblemsConfig,
    pub p95_threshold_ms: f64,
    /// The bundled agent containers (see [`crate::problems::bundled_containers`]).
    pub bundled: Vec<ContainerView>,
}

impl Runbook {
    pub fn from_config(cfg: &crate::config::Config) -> Runbook {
        Runbook {
            stack: cfg.stack.clone(),
            cfg: cfg.problems.clone(),
            p95_threshold_ms: cfg.status.p95_threshold_ms,
            bundled: crate::problems::bundled_containers(&cfg.stack),
        }
    }
}

impl Default for Runbook {
    fn default() -> Self {
        Runbook::from_config(&crate::config::Config::default())
    }
}

/// What the App starts from.
pub struct Settings {
    pub context: String,
    pub namespace: String,
    pub contexts: Vec<String>,
    pub metrics_origin: MetricsOrigin,
    pub prices: Vec<ModelPrice>,
    /// `[cost] gpu_hour_price`: a self-hosted model's pod-hour.
    pub gpu_hour_price: Option<f64>,
    pub history_minutes: u32,
    pub themes: Vec<Theme>,
    pub theme: String,
    pub read_only: bool,
    pub runbook: Runbook,
    /// Where alerts come from, or why they cannot be read.
    pub alerts: alerts::AlertsState,
}

impl App {
    pub fn new(s: Settings, now: Timestamp) -> App {
        let themes = if s.themes.is_empty() {
            Theme::bundled()
        } else {
            s.themes
        };
        let theme = themes.iter().position(|t| t.name == s.theme).unwrap_or(0);
        App {
            now,
            tz: jiff::tz::TimeZone::system(),
            context: s.context,
            namespace: s.namespace,
            generation: 0,
            connect_seq: 0,
            switching: None,
            contexts: s.contexts,
            prices: s.prices,
            gpu_hour_price: s.gpu_hour_price,
            cluster: None,
            cluster_at: None,
            cluster_error: None,
            metrics_origin: s.metrics_origin,
            metrics: None,
            cost: None,
            history: History::new(s.history_minutes),
            selected: 0,
            views: Vec::new(),
            log_seq: 0,
            filter: String::new(),
            mode: Mode::Normal,
            themes,
            theme,
            toast: None,
            permissions: Permissions::new(s.read_only),
            op_status: None,
            waiting_plan: None,
            refused: Vec::new(),
            problems: Vec::new(),
            blind: Vec::new(),
            cleared: Vec::new(),
            runbook: s.runbook,
            alerts: s.alerts,
            fleet: None,
            keymap: bindings::Keymap::default(),
            tracker: Tracker::default(),
            onsets_asked: Default::default(),
            quit: false,
        }
    }

    /// Show `text` in the footer for a while.
    pub fn toast(&mut self, text: impl Into<String>, error: bool) {
        self.toast = Some(Toast {
            text: text.into(),
            error,
            at: self.now,
        });
    }

    pub fn theme(&self) -> &Theme {
        &self.themes[self.theme.min(self.themes.len().saturating_sub(1))]
    }

    /// The workloads that pass the filter, in display order.
    pub fn visible(&self) -> Vec<&crate::cluster::model::Workload> {
        let f = self.filter.to_lowercase();
        self.cluster
            .as_ref()
            .map(|c| {
                c.workloads
                    .iter()
                    .filter(|w| f.is_empty() || w.name.to_lowercase().contains(&f))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Why `op` on the selected workload (or on none) is refused here, if it is: the
    /// write policy and RBAC's answer for that kind of workload.
    pub fn refusal(&self, op: Operation) -> Option<crate::ops::OpError> {
        let kind = self.selected_workload().map(|w| w.kind);
        self.permissions.refusal(op, kind)
    }

    pub fn selected_workload(&self) -> Option<&crate::cluster::model::Workload> {
        let v = self.visible();
        v.get(self.selected.min(v.len().saturating_sub(1))).copied()
    }

    /// Detect the problems anew from what is shown now.
    pub fn refresh_problems(&mut self) {
        let rb = &self.runbook;
        let found = crate::problems::detect(&crate::problems::Inputs {
            now: self.now,
            cluster: self.cluster.as_ref(),
            metrics: self.metrics.as_ref(),
            stack: &rb.stack,
            cfg: &rb.cfg,
            p95_threshold_ms: rb.p95_threshold_ms,
            bundled: &rb.bundled,
            cleared: &self.cleared,
        });
        self.blind = crate::problems::blind_spots(
            self.metrics.as_ref(),
            &rb.cfg.window,
            rb.p95_threshold_ms,
        );
        self.problems = self.tracker.observe(self.now, found, &self.blind);
        self.cleared = self.tracker.cleared();
    }

    /// The metric problems now shown whose onset is yet to be asked (each once, as
    /// `status` asks it: the strip says the same "since").
    pub fn onsets_to_ask(&mut self) -> Vec<String> {
        let new: Vec<String> = self
            .problems
            .iter()
            .filter(|p| crate::problems::check_of(&p.id).is_some())
            .filter(|p| !self.onsets_asked.contains(&p.id))
            .map(|p| p.id.clone())
            .collect();
        self.onsets_asked.extend(new.iter().cloned());
        new
    }

    /// Problem `id`'s signal started at `at` (from Prometheus' history).
    pub fn backdate(&mut self, id: &str, at: Timestamp) {
        self.tracker.backdate(id, at);
        for p in self.problems.iter_mut().filter(|p| p.id == id) {
            p.since = Some(p.since.map_or(at, |s| s.min(at)));
        }
    }

    /// Forget the problems (the connection changed: they were another namespace's).
    pub fn forget_problems(&mut self) {
        self.onsets_asked.clear();
        self.tracker.clear();
        self.problems.clear();
        self.cleared.clear();
        self.blind.clear();
        self.alerts.forget();
    }

    /// The first problem whose fix is this key.
    pub fn fix_for(&self, key: char) -> Option<&crate::problems::Fix> {
        self.problems
            .iter()
            .filter_map(|p| p.fix.as_ref())
            .find(|f| f.key() == key)
    }

    /// Seconds since the last cluster snapshot.
    pub fn cluster_age(&self) -> Option<i64> {
        self.cluster_at
            .map(|t| self.now.as_second() - t.as_second())
    }

    pub fn metrics_age(&self) -> Option<i64> {
        self.metrics
            .as_ref()
            .map(|m| self.now.as_second() - m.at.as_second())
    }
}
