//! The dashboard in the terminals it meets: no colour (NO_COLOR, `--no-color`, the mono
//! theme) with the selection still visible, 16 colours only, keys remapped in the config
//! (help and the footer say so), and the mouse: a click on a drawn row selects that row.

use crate::common::screen;

use crate::common::fixtures::*;
use agentdeck::app::bindings::Keymap;
use agentdeck::app::{App, Mode, Msg, update};
use agentdeck::palette::{ColorMode, fit_theme, is_ansi16};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

/// The App with its themes fitted to `mode`, as the dashboard does where it picks them.
fn fitted(mut a: App, mode: ColorMode) -> App {
    a.themes = a.themes.iter().map(|t| fit_theme(t, mode)).collect();
    a
}

fn buffer(a: &App, w: u16, h: u16) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| agentdeck::ui::draw(f, a)).unwrap();
    t.backend().buffer().clone()
}

/// Every colour a cell uses (foreground, background, underline).
fn colours(buf: &Buffer) -> Vec<Color> {
    buf.content
        .iter()
        .flat_map(|c| [c.fg, c.bg, c.underline_color])
        .collect()
}

/// The screen as text, then every distinct (foreground, background) pair and attribute
/// set the cells use, so a snapshot shows the colours too.
fn render_with_styles(a: &App, w: u16, h: u16) -> String {
    let buf = buffer(a, w, h);
    let mut styles: Vec<String> = buf
        .content
        .iter()
        .map(|c| format!("fg {:?} bg {:?} {:?}", c.fg, c.bg, c.modifier))
        .collect();
    styles.sort();
    styles.dedup();
    format!(
        "{}--- styles ---\n{}\n",
        screen::render(a, w, h),
        styles.join("\n")
    )
}

/// The line of the selected workload is drawn in reverse video.
fn selection_reversed(buf: &Buffer) -> bool {
    let (w, h) = (buf.area.width, buf.area.height);
    (0..h).any(|y| {
        (0..w.saturating_sub(2)).any(|x| {
            buf[(x, y)].symbol() == "▶" && buf[(x + 2, y)].modifier.contains(Modifier::REVERSED)
        })
    })
}

#[test]
fn no_color_draws_no_colour_and_keeps_the_selection_visible() {
    for theme in ["dark", "light", "high-contrast"] {
        let a = fitted(app(incident_cluster(), theme), ColorMode::None);
        let buf = buffer(&a, 120, 40);
        let bad: Vec<Color> = colours(&buf)
            .into_iter()
            .filter(|c| *c != Color::Reset)
            .collect();
        assert!(bad.is_empty(), "{theme}: {bad:?}");
        assert!(
            selection_reversed(&buf),
            "{theme}: the selection is not reversed"
        );
    }
    let a = fitted(app(incident_cluster(), "dark"), ColorMode::None);
    insta::assert_snapshot!("no_color_120x40", render_with_styles(&a, 120, 40));
}

#[test]
fn the_mono_theme_is_no_colour_too() {
    let a = app(healthy_cluster(), "mono");
    assert_eq!(a.theme().name, "mono");
    let buf = buffer(&a, 100, 30);
    assert!(colours(&buf).iter().all(|c| *c == Color::Reset));
    assert!(selection_reversed(&buf));
}

#[test]
fn sixteen_colours_only() {
    for theme in ["dark", "light", "high-contrast", "mono"] {
        for a in [
            fitted(app(incident_cluster(), theme), ColorMode::Ansi16),
            fitted(app(healthy_cluster(), theme), ColorMode::Ansi16),
        ] {
            let buf = buffer(&a, 120, 40);
            let bad: Vec<Color> = colours(&buf)
                .into_iter()
                .filter(|c| !is_ansi16(*c))
                .collect();
            assert!(bad.is_empty(), "{theme}: {bad:?}");
        }
    }
    // The dark theme's RGB selection becomes a named colour, still unlike the background.
    let a = fitted(app(incident_cluster(), "dark"), ColorMode::Ansi16);
    assert_eq!(a.theme().selected_bg, Color::DarkGray);
    insta::assert_snapshot!("ansi16_120x40", render_with_styles(&a, 120, 40));
}

fn remapped(mut a: App) -> App {
    let keys: toml::Table = toml::from_str("scale = \"X\"\nhelp = [\"?\", \"f1\"]").unwrap();
    a.keymap = Keymap::from_config(&keys).unwrap();
    a
}

#[test]
fn help_and_footer_show_remapped_keys() {
    let mut a = remapped(healthy());
    let text = screen::render(&a, 100, 30);
    assert!(text.contains("<X> scale"), "{text}");
    assert!(!text.contains("<s> scale"), "{text}");
    a.mode = Mode::Help;
    let text = screen::render(&a, 100, 30);
    let row = |keys: &str, help: &str| {
        text.lines()
            .any(|l| l.contains(&format!("│{keys} ")) && l.contains(help))
    };
    assert!(row("X", "scale: set"), "{text}");
    assert!(row("?/F1", "help: show"), "{text}");
    insta::assert_snapshot!("help_remapped", text);
    // And the key does it: X asks for the replicas, s does nothing.
    let mut a = remapped(healthy());
    let key = |c| {
        Msg::Key(ratatui::crossterm::event::KeyEvent::from(
            ratatui::crossterm::event::KeyCode::Char(c),
        ))
    };
    let _ = update(&mut a, key('s'));
    assert!(matches!(a.mode, Mode::Normal));
    let _ = update(&mut a, key('X'));
    assert!(matches!(a.mode, Mode::ScaleInput { .. }), "{:?}", a.mode);
}

/// Where `name` is drawn on a `w`×`h` screen: (column, line).
fn drawn_at(a: &App, w: u16, h: u16, name: &str) -> (u16, u16) {
    let text = screen::render(a, w, h);
    text.lines()
        .enumerate()
        .find_map(|(y, l)| {
            l.find(name)
                .map(|x| (l[..x].chars().count() as u16, y as u16))
        })
        .unwrap_or_else(|| panic!("{name} not on screen:\n{text}"))
}

#[test]
fn a_click_on_a_drawn_row_selects_it() {
    for (w, h) in [(200, 50), (80, 24)] {
        let mut a = healthy();
        let first = a.selected_workload().map(|w| w.name.clone()).unwrap();
        let other = a.visible().last().map(|w| w.name.clone()).unwrap();
        assert_ne!(first, other);
        let (x, y) = drawn_at(&a, w, h, &other);
        let screen = ratatui::layout::Rect::new(0, 0, w, h);
        let click = agentdeck::ui::hit::click(&a, screen, x, y).expect("a row under the click");
        let _ = update(&mut a, Msg::Click(click));
        assert_eq!(a.selected_workload().unwrap().name, other, "{w}×{h}");
        // The wheel moves the selection back up.
        let _ = update(&mut a, Msg::Wheel(false));
        assert_eq!(a.selected, a.visible().len() - 2);
    }
}

#[test]
fn the_problems_strip_names_the_remapped_fix_key() {
    use agentdeck::problems::{Fix, Problem, Severity};
    let keys: toml::Table = toml::from_str("rotate_key = \"R\"\nrestart = \"ctrl-r\"").unwrap();
    let mut a = healthy();
    a.keymap = Keymap::from_config(&keys).unwrap();
    a.problems = vec![Problem {
        id: "provider-unauthorized".into(),
        severity: Severity::Critical,
        title: "Provider rejects the API key".into(),
        evidence: "401 on 100 % of requests over the last 1m".into(),
        since: None,
        fix: Some(Fix::RotateKey),
        advice: None,
        grace_secs: 0,
    }];
    let text = screen::render(&a, 120, 30);
    assert!(text.contains("· R rotate key"), "{text}");
    assert!(text.contains("<R> key"), "{text}");
}

#[test]
fn a_click_on_a_pod_row_selects_that_pod() {
    let mut a = drilled();
    let (w, h) = (120, 40);
    let (x, y) = drawn_at(&a, w, h, "ai-agent-service-7d9f8-fghij");
    let screen = ratatui::layout::Rect::new(0, 0, w, h);
    let click = agentdeck::ui::hit::click(&a, screen, x, y).expect("a pod under the click");
    assert_eq!(click, agentdeck::app::Click::Pod(1));
    let _ = update(&mut a, Msg::Click(click));
    assert_eq!(
        a.selected_pod().unwrap().name,
        "ai-agent-service-7d9f8-fghij"
    );
    // The wheel moves the pods' selection, not the workloads'.
    let _ = update(&mut a, Msg::Wheel(false));
    assert_eq!(
        a.selected_pod().unwrap().name,
        "ai-agent-service-7d9f8-abcde"
    );
    assert_eq!(a.selected, 0);
    // Under the help screen a click selects nothing.
    a.mode = Mode::Help;
    assert_eq!(agentdeck::ui::hit::click(&a, screen, x, y), None);
}

#[test]
fn views_name_the_remapped_back_key() {
    let mut a = drilled();
    let keys: toml::Table = toml::from_str("back = [\"esc\", \"h\"]").unwrap();
    a.keymap = Keymap::from_config(&keys).unwrap();
    let text = screen::render(&a, 120, 40);
    assert!(text.contains("· Esc/h back"), "{text}");
}
