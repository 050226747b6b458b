use super::*;

#[test]
fn bundled_themes_parse() {
    let t = Theme::bundled();
    let names: Vec<&str> = t.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, vec!["dark", "light", "high-contrast", "mono"]);
}

#[test]
fn bad_colour_is_named() {
    let text = BUNDLED[0]
        .1
        .replace("accent = \"cyan\"", "accent = \"sky\"");
    let e = Theme::parse("x.toml", &text).unwrap_err();
    assert!(e.contains("accent = \"sky\""), "{e}");
}
