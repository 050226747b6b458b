//! Themes: colours by role, from themes/*.toml (the four bundled ones are embedded; a
//! user's themes directory may add or override).

use std::path::Path;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

/// Colours by role; widgets never name a colour themselves.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    pub background: Color,
    pub text: Color,
    pub muted: Color,
    pub accent: Color,
    pub title: Color,
    pub border: Color,
    pub selected_bg: Color,
    pub selected_fg: Color,
    pub ok: Color,
    pub warn: Color,
    pub error: Color,
    pub chart_p50: Color,
    pub chart_p95: Color,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: String,
    background: String,
    text: String,
    muted: String,
    accent: String,
    title: String,
    border: String,
    selected_bg: String,
    selected_fg: String,
    ok: String,
    warn: String,
    error: String,
    chart_p50: String,
    chart_p95: String,
}

/// The bundled themes, in cycling order.
pub static BUNDLED: &[(&str, &str)] = &[
    ("dark.toml", include_str!("../themes/dark.toml")),
    ("light.toml", include_str!("../themes/light.toml")),
    (
        "high-contrast.toml",
        include_str!("../themes/high-contrast.toml"),
    ),
    ("mono.toml", include_str!("../themes/mono.toml")),
];

fn color(role: &str, s: &str) -> Result<Color, String> {
    if s.eq_ignore_ascii_case("reset") {
        return Ok(Color::Reset);
    }
    s.parse::<Color>().map_err(|_| {
        format!("{role} = {s:?} is not a colour (a name like \"cyan\" or \"#rrggbb\")")
    })
}

impl Theme {
    /// The selected row: its colours, in reverse video when the selection has no
    /// background colour of its own (the mono theme, NO_COLOR), so it stays visible.
    pub fn selected(&self) -> Style {
        let s = Style::default().bg(self.selected_bg).fg(self.selected_fg);
        if self.selected_bg == Color::Reset {
            s.add_modifier(Modifier::REVERSED)
        } else {
            s
        }
    }

    pub fn parse(file: &str, text: &str) -> Result<Theme, String> {
        let f: ThemeFile =
            toml::from_str(text).map_err(|e| format!("theme {file}: {}", e.to_string().trim()))?;
        let c = |role: &str, v: &str| color(role, v).map_err(|e| format!("theme {file}: {e}"));
        Ok(Theme {
            background: c("background", &f.background)?,
            text: c("text", &f.text)?,
            muted: c("muted", &f.muted)?,
            accent: c("accent", &f.accent)?,
            title: c("title", &f.title)?,
            border: c("border", &f.border)?,
            selected_bg: c("selected_bg", &f.selected_bg)?,
            selected_fg: c("selected_fg", &f.selected_fg)?,
            ok: c("ok", &f.ok)?,
            warn: c("warn", &f.warn)?,
            error: c("error", &f.error)?,
            chart_p50: c("chart_p50", &f.chart_p50)?,
            chart_p95: c("chart_p95", &f.chart_p95)?,
            name: f.name,
        })
    }

    /// The bundled themes (always valid).
    pub fn bundled() -> Vec<Theme> {
        BUNDLED
            .iter()
            .filter_map(|(f, t)| Theme::parse(f, t).ok())
            .collect()
    }

    /// Bundled themes plus `dir/*.toml` (a same-named file replaces the bundled one).
    /// Errors name the file; good themes still load.
    pub fn load_all(dir: Option<&Path>) -> (Vec<Theme>, Vec<String>) {
        let mut themes = Theme::bundled();
        let mut errors = Vec::new();
        let Some(dir) = dir else {
            return (themes, errors);
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return (themes, errors);
        };
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        for p in paths {
            let text = match std::fs::read_to_string(&p) {
                Ok(t) => t,
                Err(e) => {
                    errors.push(format!("theme {}: {e}", p.display()));
                    continue;
                }
            };
            match Theme::parse(&p.display().to_string(), &text) {
                Ok(t) => match themes.iter_mut().find(|x| x.name == t.name) {
                    Some(slot) => *slot = t,
                    None => themes.push(t),
                },
                Err(e) => errors.push(e),
            }
        }
        (themes, errors)
    }
}

#[cfg(test)]
#[path = "theme_tests.rs"]
mod tests;
