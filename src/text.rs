//! Text from outside — the cluster (event messages, reasons, names, conditions) and
//! Prometheus (label values, error text) — made safe to print on a terminal: escape
//! sequences (CSI, OSC, …) and control characters are removed, so no message can clear the
//! screen, move the cursor, retitle the window or fake a line of agentdeck's own.

/// `s` without escape sequences and control characters; line breaks and tabs become spaces.
pub(crate) fn printable(s: &str) -> String {
    clean(s, false)
}

/// Like [`printable`], but line breaks are kept (for whole reports).
pub(crate) fn printable_lines(s: &str) -> String {
    clean(s, true)
}

fn clean(s: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\n' | '\r' | '\t' => out.push(' '),
            '\u{1b}' => skip_escape(&mut chars),
            // C1 controls: 0x9b is a one-byte CSI, 0x9d a one-byte OSC on some terminals.
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            c if c.is_control() => {}
            // Bidirectional overrides can make text read differently from what it is.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
            c => out.push(c),
        }
    }
    out
}

/// `s` with anything that looks like a credential masked: a JWT (`eyJ…`), the value after
/// "Bearer " or "token", and any run of 24 or more token characters.
pub(crate) fn scrub_tokens(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut word = String::new();
    let mut after_key = false;
    let flush = |word: &mut String, out: &mut String, after_key: &mut bool| {
        let looks = word.starts_with("eyJ")
            || word.chars().count() >= 24
            || (*after_key && word.chars().count() >= 8);
        let lower = word.to_ascii_lowercase();
        *after_key = matches!(
            lower.trim_end_matches([':', '=']),
            "bearer" | "token" | "password" | "secret" | "access_token" | "id_token"
        );
        out.push_str(if looks && !word.is_empty() {
            "***"
        } else {
            word
        });
        word.clear();
    };
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '/' | '=' | '~') {
            word.push(c);
        } else {
            flush(&mut word, &mut out, &mut after_key);
            out.push(c);
            if !c.is_whitespace() && !matches!(c, ':' | '"' | '\'') {
                after_key = false;
            }
        }
    }
    flush(&mut word, &mut out, &mut after_key);
    out
}

/// `s` with the user-info of every URL in it (`scheme://user:password@host`) masked, so a
/// proxy's or server's credentials never reach a screen or a log line.
pub(crate) fn redact_urls(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '/' | '"' | '\'' | ')' | '>'))
            .unwrap_or(tail.len());
        match tail[..end].rfind('@') {
            Some(at) => {
                out.push_str("***@");
                rest = &tail[at + 1..];
            }
            None => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// After ESC: CSI (`[`), OSC/DCS/PM/APC strings (`]`, `P`, `^`, `_`), or a two-character
/// sequence.
fn skip_escape(chars: &mut Chars<'_>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']' | 'P' | '^' | '_' | 'X') => skip_string(chars),
        // Two-character sequences with an intermediate byte (e.g. ESC ( B).
        Some(' '..='/') => {
            chars.next();
        }
        _ => {}
    }
}

/// Parameters and intermediates up to the final byte (@ to ~).
fn skip_csi(chars: &mut Chars<'_>) {
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) {
            return;
        }
    }
}

/// Up to BEL, ST (ESC \) or the one-byte ST.
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
