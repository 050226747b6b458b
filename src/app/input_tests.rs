use super::*;
use crate::app::testing::app;

#[test]
fn append_stops_at_the_limit_and_says_so() {
    let mut s = "ab".to_string();
    assert!(append(&mut s, "cd".chars(), 5));
    assert_eq!(s, "abcd");
    assert!(!append(&mut s, "efg".chars(), 5));
    assert_eq!(s, "abcde");
}

/// 100 KB pasted into the filter: one message, capped, told; nothing else happens.
#[test]
fn a_large_paste_into_the_filter_is_capped_and_told() {
    let mut a = app();
    a.mode = Mode::Filter;
    let text = "x".repeat(100_000);
    assert!(paste(&mut a, &text));
    assert_eq!(a.filter.chars().count(), LINE_LIMIT);
    assert!(a.toast.as_ref().unwrap().text.contains("at most 256"));
}

/// A paste on the dashboard is not keys: `abc\e\er` opens no restart question.
#[test]
fn a_paste_outside_an_input_triggers_nothing() {
    let mut a = app();
    assert!(!paste(&mut a, "abc\u{1b}\u{1b}r"));
    assert!(matches!(a.mode, Mode::Normal));
    a.mode = Mode::Filter;
    paste(&mut a, "ab\u{1b}c\nd");
    assert_eq!(a.filter, "abcd", "control characters dropped");
}

#[test]
fn a_pasted_key_keeps_no_line_end_and_a_count_only_digits() {
    let mut a = app();
    a.mode = Mode::KeyInput {
        input: Secret::new(""),
    };
    paste(&mut a, "sk-abc123\n");
    let Mode::KeyInput { input } = &a.mode else {
        panic!()
    };
    assert_eq!(input.expose(), "sk-abc123");
}
