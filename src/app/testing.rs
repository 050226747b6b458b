//! What the App's unit tests share: an App as the dashboard starts it (contexts a and b,
//! namespace ns, simulated metrics, a fixed clock) and keys typed as text.

use crossterm::event::{KeyCode, KeyEvent};

use super::{App, Settings};
use crate::metrics::MetricsOrigin;

pub(super) fn app() -> App {
    App::new(
        Settings {
            context: "a".into(),
            namespace: "ns".into(),
            contexts: vec!["a".into(), "b".into()],
            metrics_origin: MetricsOrigin::Simulated,
            prices: crate::config::default_models(),
            gpu_hour_price: None,
            history_minutes: 10,
            themes: crate::theme::Theme::bundled(),
            theme: "dark".into(),
            read_only: false,
            runbook: Default::default(),
            alerts: Default::default(),
        },
        "2026-11-26T12:00:00Z".parse().unwrap(),
    )
}

/// The key a character stands for: `\n` Enter, `\x1b` Esc, `\x08` Backspace, else itself.
pub(super) fn key_of(c: char) -> KeyEvent {
    match c {
        '\n' => KeyEvent::from(KeyCode::Enter),
        '\x1b' => KeyEvent::from(KeyCode::Esc),
        '\x08' => KeyEvent::from(KeyCode::Backspace),
        c => KeyEvent::from(KeyCode::Char(c)),
    }
}
