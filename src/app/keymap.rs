//! Keys as data: every default binding with its scope, action and help text — the normal
//! mode's, the dialogs' and the global ones. `bindings::Keymap` groups them and applies the
//! config's `[keys]`; the help screen and the footer hints are generated from it.

use crossterm::event::KeyCode;

use crate::ops::Operation;

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// In every mode, before anything else (Ctrl-C).
    Global,
    /// The dashboard itself.
    Normal,
    /// A dialog or a text input (filter, `:` line, replica count, key, confirmation).
    Dialog,
    /// A workload's pods and a pod's details (before the dashboard's own keys).
    Pods,
    /// The log view: its keys come first, the dashboard's writes do not apply.
    Logs,
    /// The incident timeline.
    Timeline,
}

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    Filter,
    Command,
    Up,
    Down,
    Top,
    Bottom,
    CycleTheme,
    Back,
    Scale,
    Restart,
    RotateKey,
    RaiseMemory,
    Restore,
    Open,
    /// A pod's logs (`l`).
    Logs,
    /// Delete the selected pod (`d`).
    Delete,
    /// The incident timeline (`T`).
    Timeline,
    /// Latency, request rate and errors per agent (`A`).
    Agents,
    /// Every problem in full: evidence, since when, the fix and its command (`P`).
    Problems,
    /// The namespace's alerts (`a`).
    Alerts,
    /// Silence an alert at Alertmanager (`S`).
    Silence,
    /// Expire the silence agentdeck made on an alert (`E`).
    Expire,
    PageUp,
    PageDown,
    // The log view.
    Follow,
    Wrap,
    Timestamps,
    Previous,
    Container,
    Search,
    NextMatch,
    PrevMatch,
    // Dialogs and text inputs.
    Submit,
    Cancel,
    Erase,
    Yes,
    No,
}

impl Action {
    /// The write this action starts, if it is one (for RBAC greying).
    pub fn operation(self) -> Option<Operation> {
        match self {
            Action::Scale => Some(Operation::Scale),
            Action::Restart => Some(Operation::Restart),
            Action::RotateKey => Some(Operation::RotateKey),
            Action::RaiseMemory => Some(Operation::SetResources),
            Action::Restore => Some(Operation::Deploy),
            Action::Delete => Some(Operation::DeletePod),
            Action::Silence => Some(Operation::SilenceAlert),
            Action::Expire => Some(Operation::ExpireSilence),
            _ => None,
        }
    }
}

/// One binding: the key as shown, the matcher, the scope, the action, what it does.
pub struct Binding {
    pub keys: &'static str,
    pub code: KeyCode,
    pub ctrl: bool,
    pub scope: Scope,
    pub action: Action,
    pub help: &'static str,
    /// Shown in the footer.
    pub hint: bool,
}

macro_rules! bind {
    ($keys:expr, $code:expr, $ctrl:expr, $action:ident, $help:expr, $hint:expr) => {
        bind!($keys, $code, $ctrl, Normal, $action, $help, $hint)
    };
    ($keys:expr, $code:expr, $ctrl:expr, $scope:ident, $action:ident, $help:expr, $hint:expr) => {
        Binding {
            keys: $keys,
            code: $code,
            ctrl: $ctrl,
            scope: Scope::$scope,
            action: Action::$action,
            help: $help,
            hint: $hint,
        }
    };
}

/// The keymap (k9s conventions where k9s has one).
pub static KEYMAP: &[Binding] = &[
    bind!(
        "?",
        KeyCode::Char('?'),
        false,
        Help,
        "help: show or hide this screen",
        true
    ),
    bind!(
        "/",
        KeyCode::Char('/'),
        false,
        Filter,
        "filter: workloads by name",
        true
    ),
    bind!(
        ":",
        KeyCode::Char(':'),
        false,
        Command,
        "command: :ctx NAME, :ns NAME, :theme NAME, :deploy [force], :rotate-key, :q",
        true
    ),
    bind!(
        "↑/k",
        KeyCode::Up,
        false,
        Up,
        "select the previous workload",
        false
    ),
    bind!("k", KeyCode::Char('k'), false, Up, "", false),
    bind!(
        "↓/j",
        KeyCode::Down,
        false,
        Down,
        "select the next workload",
        false
    ),
    bind!("j", KeyCode::Char('j'), false, Down, "", false),
    bind!("g", KeyCode::Char('g'), false, Top, "first workload", false),
    bind!(
        "G",
        KeyCode::Char('G'),
        false,
        Bottom,
        "last workload",
        false
    ),
    bind!(
        "s",
        KeyCode::Char('s'),
        false,
        Scale,
        "scale: set the selected workload's replicas",
        true
    ),
    bind!(
        "r",
        KeyCode::Char('r'),
        false,
        Restart,
        "restart: rollout restart the selected workload",
        true
    ),
    bind!(
        "K",
        KeyCode::Char('K'),
        false,
        RotateKey,
        "key: rotate the provider API key (masked input)",
        true
    ),
    bind!(
        "m",
        KeyCode::Char('m'),
        false,
        RaiseMemory,
        "memory: raise the memory limit (the OOM problem's proposal, else the selected workload's)",
        true
    ),
    bind!(
        "N",
        KeyCode::Char('N'),
        false,
        Restore,
        "restore: re-apply the bundled object the problem names (diff shown first)",
        true
    ),
    bind!(
        "t",
        KeyCode::Char('t'),
        false,
        CycleTheme,
        "theme: the next one",
        false
    ),
    bind!(
        "Enter",
        KeyCode::Enter,
        false,
        Open,
        "open: the selected workload's pods (Esc goes back)",
        false
    ),
    bind!(
        "Esc",
        KeyCode::Esc,
        false,
        Back,
        "back: from the pods to the workloads, close help, clear the filter",
        false
    ),
    bind!(
        "T",
        KeyCode::Char('T'),
        false,
        Timeline,
        "timeline: events, restarts, rollouts, rescales, writes and metric changes on one axis",
        true
    ),
    bind!(
        "A",
        KeyCode::Char('A'),
        false,
        Agents,
        "agents: latency, request rate and errors per agent (or route), as the metrics tell them apart",
        false
    ),
    bind!(
        "a",
        KeyCode::Char('a'),
        false,
        Alerts,
        "alerts: the namespace's alerts from Alertmanager (or Prometheus); Enter shows labels and annotations",
        false
    ),
    bind!(
        "S",
        KeyCode::Char('S'),
        false,
        Silence,
        "silence: the selected alert (on the dashboard: the one paging for the top problem) at Alertmanager, for a duration you give",
        false
    ),
    bind!(
        "E",
        KeyCode::Char('E'),
        false,
        Expire,
        "expire: the silence agentdeck made on the alert",
        false
    ),
    bind!(
        "P",
        KeyCode::Char('P'),
        false,
        Problems,
        "problems: each one in full — evidence, since when, the fix key and its command",
        false
    ),
    bind!(
        "l",
        KeyCode::Char('l'),
        false,
        Logs,
        "logs: of the selected workload's best pod (or the selected pod)",
        true
    ),
    bind!("q", KeyCode::Char('q'), false, Quit, "quit", true),
    bind!(
        "Enter",
        KeyCode::Enter,
        false,
        Pods,
        Open,
        "details: the selected pod's conditions, containers, events, owners",
        false
    ),
    bind!(
        "l",
        KeyCode::Char('l'),
        false,
        Pods,
        Logs,
        "logs: the selected pod's (Esc back)",
        true
    ),
    bind!(
        "d",
        KeyCode::Char('d'),
        false,
        Pods,
        Delete,
        "delete: the selected pod (confirmed, audited; its controller makes a new one)",
        true
    ),
    bind!(
        "PgUp",
        KeyCode::PageUp,
        false,
        Pods,
        PageUp,
        "page up",
        false
    ),
    bind!(
        "PgDn",
        KeyCode::PageDown,
        false,
        Pods,
        PageDown,
        "page down",
        false
    ),
    bind!(
        "f",
        KeyCode::Char('f'),
        false,
        Logs,
        Follow,
        "follow: on/off (paused, new lines still fill the buffer)",
        true
    ),
    bind!(" ", KeyCode::Char(' '), false, Logs, Follow, "", false),
    bind!(
        "w",
        KeyCode::Char('w'),
        false,
        Logs,
        Wrap,
        "wrap: long lines on/off",
        true
    ),
    bind!(
        "t",
        KeyCode::Char('t'),
        false,
        Logs,
        Timestamps,
        "timestamps: on/off",
        true
    ),
    bind!(
        "p",
        KeyCode::Char('p'),
        false,
        Logs,
        Previous,
        "previous: the previous container's logs (after a crash or OOM kill); again: the current",
        true
    ),
    bind!(
        "c",
        KeyCode::Char('c'),
        false,
        Logs,
        Container,
        "container: pick another container of the pod",
        true
    ),
    bind!(
        "/",
        KeyCode::Char('/'),
        false,
        Logs,
        Search,
        "search: highlight the matches; n/N next/previous",
        true
    ),
    bind!(
        "n",
        KeyCode::Char('n'),
        false,
        Logs,
        NextMatch,
        "next match",
        false
    ),
    bind!(
        "N",
        KeyCode::Char('N'),
        false,
        Logs,
        PrevMatch,
        "previous match",
        false
    ),
    bind!(
        "PgUp",
        KeyCode::PageUp,
        false,
        Logs,
        PageUp,
        "page up (scrolling up pauses following)",
        false
    ),
    bind!(
        "PgDn",
        KeyCode::PageDown,
        false,
        Logs,
        PageDown,
        "page down",
        false
    ),
    bind!(
        "g",
        KeyCode::Char('g'),
        false,
        Logs,
        Top,
        "the oldest line kept (pauses)",
        false
    ),
    bind!(
        "G",
        KeyCode::Char('G'),
        false,
        Logs,
        Bottom,
        "the end, following again",
        false
    ),
    bind!(
        "Esc",
        KeyCode::Esc,
        false,
        Logs,
        Back,
        "back (the log stream stops)",
        false
    ),
    bind!("PgUp", KeyCode::PageUp, false, Timeline, PageUp, "", false),
    bind!(
        "PgDn",
        KeyCode::PageDown,
        false,
        Timeline,
        PageDown,
        "",
        false
    ),
    bind!(
        "Ctrl-C",
        KeyCode::Char('c'),
        true,
        Global,
        Quit,
        "quit, from anywhere",
        false
    ),
    bind!(
        "Enter",
        KeyCode::Enter,
        false,
        Dialog,
        Submit,
        "in a dialog: go on (keep the filter, run the command)",
        false
    ),
    bind!(
        "Esc",
        KeyCode::Esc,
        false,
        Dialog,
        Cancel,
        "in a dialog: cancel; nothing is changed",
        false
    ),
    bind!(
        "⌫",
        KeyCode::Backspace,
        false,
        Dialog,
        Erase,
        "in a dialog: delete the last character",
        false
    ),
    bind!(
        "y",
        KeyCode::Char('y'),
        false,
        Dialog,
        Yes,
        "in a confirmation: yes, do it",
        false
    ),
    bind!("Y", KeyCode::Char('Y'), false, Dialog, Yes, "", false),
    bind!(
        "n",
        KeyCode::Char('n'),
        false,
        Dialog,
        No,
        "in a confirmation: no",
        false
    ),
    bind!("N", KeyCode::Char('N'), false, Dialog, No, "", false),
];
