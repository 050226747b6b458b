//! Text typed or pasted into the dashboard's inputs (the filter, the `:` line, the key and
//! replica-count dialogs): each has a length limit, said in a word when reached, and a
//! paste is one message inserted at once — never read as keys, so a pasted `r` or Esc
//! starts nothing.

use super::{App, Mode};
use crate::secret::Secret;

/// Characters the filter and the `:` line hold.
pub const LINE_LIMIT: usize = 256;
/// Characters of a provider key.
pub const KEY_LIMIT: usize = 4096;
/// Digits of a replica count.
pub const COUNT_LIMIT: usize = 6;

/// Append `add` to `s` up to `limit` characters; false: something was left out.
pub fn append(s: &mut String, add: impl Iterator<Item = char>, limit: usize) -> bool {
    let room = limit.saturating_sub(s.chars().count());
    let mut add = add.peekable();
    s.extend(add.by_ref().take(room));
    add.peek().is_none()
}

fn cut(app: &mut App, what: &str, limit: usize) {
    app.toast(
        format!("{what} holds at most {limit} characters: the rest was left out"),
        true,
    );
}

/// A paste (bracketed paste: one message however long). Control characters (newlines,
/// Esc) are dropped; outside a text input a paste does nothing.
pub fn paste(app: &mut App, text: &str) -> bool {
    let clean = || text.chars().filter(|c| !c.is_control());
    match &mut app.mode {
        Mode::Filter => {
            let mut f = std::mem::take(&mut app.filter);
            let whole = append(&mut f, clean(), LINE_LIMIT);
            app.filter = f;
            app.selected = 0;
            if !whole {
                cut(app, "the filter", LINE_LIMIT);
            }
        }
        Mode::Command(line) => {
            if !append(line, clean(), LINE_LIMIT) {
                cut(app, "the command line", LINE_LIMIT);
            }
        }
        Mode::ScaleInput { input, .. } => {
            let digits = clean().filter(|c| c.is_ascii_digit() || *c == '-');
            if !append(input, digits, COUNT_LIMIT) {
                cut(app, "the replica count", COUNT_LIMIT);
            }
        }
        Mode::SilenceInput { input, .. } => {
            if !append(input, clean(), LINE_LIMIT) {
                cut(app, "the silence's length and reason", LINE_LIMIT);
            }
        }
        Mode::KeyInput { input } => {
            let mut s = input.expose().to_string();
            // A key pasted with its line end: the end is no part of it.
            let whole = append(&mut s, clean(), KEY_LIMIT);
            *input = Secret::new(s);
            if !whole {
                cut(app, "a key", KEY_LIMIT);
            }
        }
        Mode::Normal | Mode::Help | Mode::Problems | Mode::Confirm { .. } => return false,
    }
    true
}

#[cfg(test)]
#[path = "input_tests.rs"]
mod tests;
