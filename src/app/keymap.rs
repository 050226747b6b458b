//! Keys as data: every binding with its action and help text. The help screen and the
//! footer hints are generated from this table.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key does in the normal mode.
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
}

/// One binding: the key as shown, the matcher, the action, what it does.
pub struct Binding {
    pub keys: &'static str,
    pub code: KeyCode,
    pub ctrl: bool,
    pub action: Action,
    pub help: &'static str,
    /// Shown in the footer.
    pub hint: bool,
}

macro_rules! bind {
    ($keys:expr, $code:expr, $ctrl:expr, $action:ident, $help:expr, $hint:expr) => {
        Binding {
            keys: $keys,
            code: $code,
            ctrl: $ctrl,
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
        "t",
        KeyCode::Char('t'),
        false,
        CycleTheme,
        "theme: the next one",
        false
    ),
    bind!(
        "Esc",
        KeyCode::Esc,
        false,
        Back,
        "back: close help, clear the filter",
        false
    ),
    bind!("q", KeyCode::Char('q'), false, Quit, "quit", true),
    bind!("Ctrl-C", KeyCode::Char('c'), true, Quit, "quit", false),
];

/// The action bound to a key, if any.
pub fn action_for(key: &KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    KEYMAP
        .iter()
        .find(|b| b.code == key.code && b.ctrl == ctrl)
        .map(|b| b.action)
}

/// (keys, help) rows for the help screen, one per documented binding.
pub fn help_rows() -> Vec<(&'static str, &'static str)> {
    KEYMAP
        .iter()
        .filter(|b| !b.help.is_empty())
        .map(|b| (b.keys, b.help))
        .collect()
}

/// Short footer hints, e.g. "? help".
pub fn hints() -> Vec<(&'static str, &'static str)> {
    KEYMAP
        .iter()
        .filter(|b| b.hint)
        .map(|b| {
            (
                b.keys,
                b.help.split([':', ',']).next().unwrap_or(b.help).trim(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_actions() {
        let k = |c| KeyEvent::new(c, KeyModifiers::NONE);
        assert_eq!(action_for(&k(KeyCode::Char('q'))), Some(Action::Quit));
        assert_eq!(action_for(&k(KeyCode::Char('j'))), Some(Action::Down));
        assert_eq!(
            action_for(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(action_for(&k(KeyCode::Char('c'))), None);
        assert!(help_rows().iter().any(|(k, _)| *k == "?"));
    }
}
