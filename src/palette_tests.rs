use super::*;

fn env<'a>(
    no_color: Option<&'a str>,
    colorterm: Option<&'a str>,
    term: Option<&'a str>,
) -> ColorEnv<'a> {
    ColorEnv {
        flag: false,
        no_color,
        colorterm,
        term,
    }
}

#[test]
fn no_color_when_set_and_not_empty_or_flagged() {
    assert_eq!(
        detect(env(Some("1"), Some("truecolor"), None)),
        ColorMode::None
    );
    // An empty NO_COLOR does not count (no-color.org).
    assert_eq!(
        detect(env(Some(""), Some("truecolor"), None)),
        ColorMode::TrueColor
    );
    let flagged = ColorEnv {
        flag: true,
        ..env(None, Some("truecolor"), Some("xterm-256color"))
    };
    assert_eq!(detect(flagged), ColorMode::None);
}

#[test]
fn depth_from_colorterm_then_term() {
    assert_eq!(
        detect(env(None, Some("24bit"), Some("xterm"))),
        ColorMode::TrueColor
    );
    assert_eq!(
        detect(env(None, None, Some("xterm-256color"))),
        ColorMode::Ansi256
    );
    assert_eq!(
        detect(env(None, None, Some("tmux-256color"))),
        ColorMode::Ansi256
    );
    assert_eq!(detect(env(None, None, Some("xterm"))), ColorMode::Ansi16);
    assert_eq!(detect(env(None, None, Some("linux"))), ColorMode::Ansi16);
    assert_eq!(detect(env(None, None, None)), ColorMode::Ansi16);
}

#[test]
fn rgb_and_indexed_fall_to_the_nearest_ansi_colour() {
    assert_eq!(
        fit(Color::Rgb(0x26, 0x4f, 0x78), ColorMode::Ansi16),
        Color::DarkGray
    );
    assert_eq!(
        fit(Color::Rgb(0xff, 0x30, 0x30), ColorMode::Ansi16),
        Color::LightRed
    );
    assert_eq!(fit(Color::Rgb(0, 0x7a, 0), ColorMode::Ansi16), Color::Green);
    assert_eq!(fit(Color::Indexed(231), ColorMode::Ansi16), Color::White);
    assert_eq!(fit(Color::Cyan, ColorMode::Ansi16), Color::Cyan);
    assert_eq!(fit(Color::Cyan, ColorMode::None), Color::Reset);
    assert_eq!(
        fit(Color::Rgb(1, 2, 3), ColorMode::TrueColor),
        Color::Rgb(1, 2, 3)
    );
}

#[test]
fn rgb_becomes_a_256_colour_index() {
    assert_eq!(
        fit(Color::Rgb(255, 0, 0), ColorMode::Ansi256),
        Color::Indexed(196)
    );
    assert_eq!(
        fit(Color::Rgb(0, 0, 0), ColorMode::Ansi256),
        Color::Indexed(16)
    );
    assert_eq!(fit(Color::Blue, ColorMode::Ansi256), Color::Blue);
}

#[test]
fn every_bundled_theme_fits_in_16_colours() {
    for t in Theme::bundled() {
        let f = fit_theme(&t, ColorMode::Ansi16);
        for c in [
            f.background,
            f.text,
            f.selected_bg,
            f.ok,
            f.warn,
            f.error,
            f.title,
        ] {
            assert!(is_ansi16(c), "{}: {c:?}", t.name);
        }
        // The selection stays distinct from the text around it: its own background, or
        // reverse video where it has none (mono).
        let reversed = f
            .selected()
            .add_modifier
            .contains(ratatui::style::Modifier::REVERSED);
        assert!(f.selected_bg != f.background || reversed, "{}", t.name);
    }
}
