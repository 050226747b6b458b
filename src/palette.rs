//! How many colours the terminal shows, decided from the environment's values (passed in,
//! so the decision is pure), and themes fitted to it: no colour at all (NO_COLOR,
//! `--no-color`), the 16 ANSI colours (TERM=xterm, the Linux console), 256, or true colour.

use ratatui::style::Color;

use crate::theme::Theme;

/// What the terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorMode {
    /// No colour: every colour is the terminal's own (attributes still apply).
    None,
    /// The 16 named ANSI colours.
    Ansi16,
    /// The xterm 256-colour palette.
    Ansi256,
    /// 24-bit colour.
    TrueColor,
}

/// The environment values the decision reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct ColorEnv<'a> {
    /// `--no-color` was given.
    pub flag: bool,
    pub no_color: Option<&'a str>,
    pub colorterm: Option<&'a str>,
    pub term: Option<&'a str>,
}

/// The colour mode for these values: NO_COLOR (non-empty, per no-color.org) or the flag
/// turn colour off; COLORTERM=truecolor|24bit means 24-bit; a TERM naming 256 colours,
/// 256; anything else (xterm, linux, screen, vt100, unset) the 16 ANSI colours.
pub fn detect(env: ColorEnv) -> ColorMode {
    if env.flag || env.no_color.is_some_and(|v| !v.is_empty()) {
        return ColorMode::None;
    }
    if env
        .colorterm
        .is_some_and(|c| c.eq_ignore_ascii_case("truecolor") || c.eq_ignore_ascii_case("24bit"))
    {
        return ColorMode::TrueColor;
    }
    match env.term {
        Some(t) if t.contains("256") || t.ends_with("-direct") => ColorMode::Ansi256,
        _ => ColorMode::Ansi16,
    }
}

/// The 16 ANSI colours and the RGB values xterm shows them in.
const ANSI16: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

/// Whether `c` is the terminal's default or one of the 16 named ANSI colours.
pub fn is_ansi16(c: Color) -> bool {
    c == Color::Reset || ANSI16.iter().any(|(a, _)| *a == c)
}

/// The RGB value of an xterm 256-colour index.
fn indexed_rgb(i: u8) -> (u8, u8, u8) {
    match i {
        0..=15 => ANSI16[usize::from(i)].1,
        16..=231 => {
            let i = i - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            (level(i / 36), level((i / 6) % 6), level(i % 6))
        }
        _ => {
            let g = 8 + (i - 232) * 10;
            (g, g, g)
        }
    }
}

fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).pow(2) as u32;
    // Weighted like the eye: green counts most, blue least.
    2 * d(a.0, b.0) + 4 * d(a.1, b.1) + 3 * d(a.2, b.2)
}

/// The nearest of the 16 ANSI colours to an RGB value.
fn nearest16(rgb: (u8, u8, u8)) -> Color {
    ANSI16
        .iter()
        .min_by_key(|(_, v)| distance(*v, rgb))
        .map(|(c, _)| *c)
        .unwrap_or(Color::Reset)
}

/// The nearest xterm 256-colour index (16–255, the palette-independent part).
fn nearest256(rgb: (u8, u8, u8)) -> Color {
    let i = (16..=255u8)
        .min_by_key(|i| distance(indexed_rgb(*i), rgb))
        .unwrap_or(16);
    Color::Indexed(i)
}

/// `c` as the terminal in `mode` can show it.
pub fn fit(c: Color, mode: ColorMode) -> Color {
    match (mode, c) {
        (ColorMode::None, _) => Color::Reset,
        (ColorMode::TrueColor, c) => c,
        (ColorMode::Ansi256, Color::Rgb(r, g, b)) => nearest256((r, g, b)),
        (ColorMode::Ansi256, c) => c,
        (ColorMode::Ansi16, Color::Rgb(r, g, b)) => nearest16((r, g, b)),
        (ColorMode::Ansi16, Color::Indexed(i)) => nearest16(indexed_rgb(i)),
        (ColorMode::Ansi16, c) => c,
    }
}

/// `t` with every colour fitted to `mode` (the name stays).
pub fn fit_theme(t: &Theme, mode: ColorMode) -> Theme {
    let f = |c| fit(c, mode);
    Theme {
        name: t.name.clone(),
        background: f(t.background),
        text: f(t.text),
        muted: f(t.muted),
        accent: f(t.accent),
        title: f(t.title),
        border: f(t.border),
        selected_bg: f(t.selected_bg),
        selected_fg: f(t.selected_fg),
        ok: f(t.ok),
        warn: f(t.warn),
        error: f(t.error),
        chart_p50: f(t.chart_p50),
        chart_p95: f(t.chart_p95),
    }
}

#[cfg(test)]
#[path = "palette_tests.rs"]
mod tests;
