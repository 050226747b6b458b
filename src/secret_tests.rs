use super::*;

#[test]
fn never_prints() {
    let s = Secret::new("sk-very-secret");
    assert_eq!(format!("{s} {s:?}"), "*** ***");
    assert_eq!(s.expose(), "sk-very-secret");
}
