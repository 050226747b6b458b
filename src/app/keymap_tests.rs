use super::*;

#[test]
fn keys_map_to_actions() {
    let k = |c| KeyEvent::new(c, KeyModifiers::NONE);
    let normal = |c| action_for(&k(c), Scope::Normal);
    assert_eq!(normal(KeyCode::Char('q')), Some(Action::Quit));
    assert_eq!(normal(KeyCode::Char('j')), Some(Action::Down));
    assert_eq!(normal(KeyCode::Char('y')), None);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    for scope in [Scope::Normal, Scope::Dialog] {
        assert_eq!(action_for(&ctrl_c, scope), Some(Action::Quit));
    }
    assert_eq!(normal(KeyCode::Char('c')), None);
    let dialog = |c| action_for(&k(c), Scope::Dialog);
    assert_eq!(dialog(KeyCode::Char('y')), Some(Action::Yes));
    assert_eq!(dialog(KeyCode::Esc), Some(Action::Cancel));
    assert_eq!(dialog(KeyCode::Char('q')), None, "q is text in a dialog");
    assert!(help_rows().iter().any(|(k, _)| *k == "?"));
    assert!(help_rows().iter().any(|(k, _)| *k == "Enter"));
}
