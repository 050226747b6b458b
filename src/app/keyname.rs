//! Key names as a config file writes them ("q", "S", "ctrl-c", "enter", "pgdn", "space")
//! and as help and the footer show them ("q", "S", "Ctrl-C", "Enter", "PgDn", "Space").

use crossterm::event::KeyCode;

/// One key: its code and whether Ctrl is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

/// The named keys: (config names, code, shown as).
const NAMED: &[(&[&str], KeyCode, &str)] = &[
    (&["enter", "return"], KeyCode::Enter, "Enter"),
    (&["esc", "escape"], KeyCode::Esc, "Esc"),
    (&["backspace"], KeyCode::Backspace, "⌫"),
    (&["tab"], KeyCode::Tab, "Tab"),
    (&["space"], KeyCode::Char(' '), "Space"),
    (&["up"], KeyCode::Up, "↑"),
    (&["down"], KeyCode::Down, "↓"),
    (&["left"], KeyCode::Left, "←"),
    (&["right"], KeyCode::Right, "→"),
    (&["home"], KeyCode::Home, "Home"),
    (&["end"], KeyCode::End, "End"),
    (&["pgup", "pageup"], KeyCode::PageUp, "PgUp"),
    (&["pgdn", "pagedown"], KeyCode::PageDown, "PgDn"),
    (&["delete", "del"], KeyCode::Delete, "Del"),
    (&["insert"], KeyCode::Insert, "Ins"),
];

/// What a config may write, for error messages.
pub const KEY_NAMES_HELP: &str = "a single character (\"S\", \"?\"), ctrl-CHAR, \
    enter, esc, backspace, tab, space, up, down, left, right, home, end, pgup, pgdn, \
    delete, insert or f1…f12";

/// Parse a key name; the error says what is accepted.
pub fn parse(name: &str) -> Result<Key, String> {
    let bad = || format!("{name:?} is not a key ({KEY_NAMES_HELP})");
    let (ctrl, rest) = match name.get(..5) {
        Some(p) if p.eq_ignore_ascii_case("ctrl-") || p.eq_ignore_ascii_case("ctrl+") => {
            (true, &name[5..])
        }
        _ => (false, name),
    };
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        // A single character is itself, case and all ("S" is Shift-s).
        (Some(c), None) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
        (Some(c), None) => KeyCode::Char(c),
        _ => {
            let lower = rest.to_ascii_lowercase();
            let named = NAMED.iter().find(|(n, _, _)| n.contains(&lower.as_str()));
            match named {
                Some((_, code, _)) => *code,
                None => function_key(&lower).ok_or_else(bad)?,
            }
        }
    };
    if ctrl && !matches!(code, KeyCode::Char(c) if c.is_ascii_alphanumeric()) {
        return Err(bad());
    }
    Ok(Key { code, ctrl })
}

fn function_key(lower: &str) -> Option<KeyCode> {
    let n: u8 = lower.strip_prefix('f')?.parse().ok()?;
    (1..=12).contains(&n).then_some(KeyCode::F(n))
}

/// How help and the footer show `k`.
pub fn display(k: Key) -> String {
    let base = match NAMED.iter().find(|(_, c, _)| *c == k.code) {
        Some((_, _, shown)) => (*shown).to_string(),
        None => match k.code {
            KeyCode::Char(c) if k.ctrl => c.to_ascii_uppercase().to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        },
    };
    if k.ctrl { format!("Ctrl-{base}") } else { base }
}
