use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;

fn k(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

fn table(text: &str) -> toml::Table {
    toml::from_str(text).unwrap()
}

#[test]
fn default_keys_map_to_actions() {
    let km = Keymap::default();
    let normal = |c| km.action_for(&k(c), Scope::Normal);
    assert_eq!(normal(KeyCode::Char('q')), Some(Action::Quit));
    assert_eq!(normal(KeyCode::Char('j')), Some(Action::Down));
    assert_eq!(normal(KeyCode::Up), Some(Action::Up));
    assert_eq!(normal(KeyCode::Char('y')), None);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    for scope in [Scope::Normal, Scope::Dialog] {
        assert_eq!(km.action_for(&ctrl_c, scope), Some(Action::Quit));
    }
    assert_eq!(normal(KeyCode::Char('c')), None);
    let dialog = |c| km.action_for(&k(c), Scope::Dialog);
    assert_eq!(dialog(KeyCode::Char('y')), Some(Action::Yes));
    assert_eq!(dialog(KeyCode::Char('Y')), Some(Action::Yes));
    assert_eq!(dialog(KeyCode::Esc), Some(Action::Cancel));
    assert_eq!(dialog(KeyCode::Char('q')), None, "q is text in a dialog");
    let rows = km.help_rows_for(Scope::Normal);
    assert!(rows.iter().any(|(k, _)| *k == "?"));
    assert!(rows.iter().any(|(k, _)| *k == "↑/k"));
    // The built-in keys do not conflict.
    assert_eq!(Keymap::from_config(&toml::Table::new()).map(|_| ()), Ok(()));
}

#[test]
fn remapped_keys_replace_the_defaults_everywhere_they_show() {
    let km = Keymap::from_config(&table(
        r#"
        scale = "X"
        quit = ["q", "ctrl-x"]
        [logs]
        follow = "F"
        "#,
    ))
    .unwrap();
    let normal = |c| km.action_for(&k(c), Scope::Normal);
    assert_eq!(normal(KeyCode::Char('X')), Some(Action::Scale));
    assert_eq!(normal(KeyCode::Char('s')), None, "the old key is free");
    let ctrl_x = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::CONTROL);
    assert_eq!(km.action_for(&ctrl_x, Scope::Normal), Some(Action::Quit));
    assert_eq!(
        km.action_for(&k(KeyCode::Char('F')), Scope::Logs),
        Some(Action::Follow)
    );
    // The space bar, the other default of follow, is gone with it.
    assert_eq!(km.action_for(&k(KeyCode::Char(' ')), Scope::Logs), None);
    assert_eq!(km.label(Scope::Normal, Action::Quit), Some("q/Ctrl-X"));
    assert!(
        km.hints_in(Scope::Normal)
            .iter()
            .any(|h| h.keys == "X" && h.label == "scale")
    );
    assert!(
        km.help_rows_for(Scope::Logs)
            .iter()
            .any(|(k, h)| *k == "F" && h.starts_with("follow"))
    );
    // Ctrl-C still quits from anywhere.
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(km.action_for(&ctrl_c, Scope::Logs), Some(Action::Quit));
}

fn err(text: &str) -> String {
    Keymap::from_config(&table(text)).unwrap_err()
}

#[test]
fn bad_entries_are_named() {
    let e = err(r#"scale = "shift-s""#);
    assert!(e.starts_with("keys.scale: \"shift-s\" is not a key"), "{e}");
    let e = err(r#"scael = "S""#);
    assert!(e.contains("keys.scael: no action \"scael\""), "{e}");
    assert!(e.contains("scale"), "lists the actions: {e}");
    let e = err("[logs]\nscale = \"S\"");
    assert!(e.starts_with("keys.logs.scale: no action"), "{e}");
    let e = err("[popups]\nyes = \"o\"");
    assert!(e.contains("[keys.popups]"), "{e}");
    let e = err("scale = 5");
    assert!(e.contains("keys.scale = 5"), "{e}");
    let e = err("scale = []");
    assert!(e.contains("at least one key"), "{e}");
}

#[test]
fn conflicts_name_both_actions_and_the_key() {
    let e = err(r#"scale = "r""#);
    assert!(
        e.contains("keys.scale") && e.contains("keys.restart") && e.contains("\"r\""),
        "{e}"
    );
    // Swapping two keys is fine.
    assert!(Keymap::from_config(&table("scale = \"r\"\nrestart = \"s\"")).is_ok());
    // A key of the global Ctrl-C.
    let e = err(r#"help = "ctrl-c""#);
    assert!(e.contains("keys.quit") && e.contains("keys.help"), "{e}");
    assert!(e.contains("Ctrl-C"), "{e}");
    // The same key in two scopes is no conflict: the view's comes first.
    assert!(Keymap::from_config(&table("[logs]\nwrap = \"s\"")).is_ok());
}

#[test]
fn key_names() {
    use crate::app::keyname::{display, parse};
    for (name, shown) in [
        ("S", "S"),
        ("ctrl-c", "Ctrl-C"),
        ("Ctrl+X", "Ctrl-X"),
        ("enter", "Enter"),
        ("PgDn", "PgDn"),
        ("space", "Space"),
        ("f5", "F5"),
        ("?", "?"),
    ] {
        assert_eq!(display(parse(name).unwrap()), shown, "{name}");
    }
    for bad in ["", "ctrl-", "ctrl-enter", "f13", "foo"] {
        assert!(parse(bad).is_err(), "{bad}");
    }
}
